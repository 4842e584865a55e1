"""Figures that run out: the parameters whose known values end (`until`), for `engine figures`.

A policy officer runs it before each half year to see which figures the rule base still lacks,
where each came from and who sets the next one (docs/maintenance.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine.compile.plan import Plan


@dataclass(frozen=True)
class EndingFigure:
    name: str
    label: str
    ends: dt.date  # the last day its last known value holds
    source: str  # the id of that value's source
    source_title: str
    source_url: str
    next_value: str


def ending_figures(plan: Plan, before: dt.date | None = None) -> list[EndingFigure]:
    """Every national figure whose last known value ends before `before` (or ends at all),
    soonest first."""
    found = []
    for name, param in plan.parameters.items():
        if not param.spec.values:
            continue  # a municipal figure without a national default
        last = param.spec.values[-1]
        if last.until is None or (before is not None and last.until >= before):
            continue
        source = plan.sources[last.source]
        found.append(
            EndingFigure(
                name=name,
                label=param.spec.label.en,
                ends=last.until,
                source=last.source,
                source_title=source.title,
                source_url=source.url,
                next_value=" ".join((param.spec.next_value or "").split()),
            )
        )
    return sorted(found, key=lambda f: (f.ends, f.name))


def figure_line(figure: EndingFigure) -> str:
    return (
        f"{figure.name}: known until {figure.ends.isoformat()} ({figure.label}); "
        f"source {figure.source}: {figure.source_title} <{figure.source_url}>; "
        f"next: {figure.next_value}"
    )
