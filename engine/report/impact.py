"""The impact report: who gains, who loses, by how much, per scheme and per municipality.

One self-contained HTML page (inline SVG charts and styles, no scripts, nothing fetched),
made from an Impact of engine.diff. Every chart has its numbers beside it as a table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from engine.compile.plan import Plan
from engine.diff import Impact
from engine.explain.format import money
from engine.explain.why_open import reason_text
from engine.report.svg import histogram, stacked_bars

# Bins of a household's net monthly change, in whole euros: (low, high, label); None is open.
BINS: tuple[tuple[int | None, int | None, str], ...] = (
    (None, -500, "< -500"),
    (-500, -200, "-500 tot -200"),
    (-200, -50, "-200 tot -50"),
    (-50, 0, "-50 tot 0"),
    (0, 1, "0"),
    (1, 50, "0 tot 50"),
    (50, 200, "50 tot 200"),
    (200, 500, "200 tot 500"),
    (500, None, "> 500"),
)


@dataclass(frozen=True)
class Population:
    """What the households are, said plainly at the top of the report."""

    description: str
    synthetic: bool
    assumptions: str = ""
    marginals: list[tuple[str, str, str, str]] = field(default_factory=list)  # name, status, ...


@dataclass(frozen=True)
class ReportInput:
    title: str
    base: str
    candidate: str
    base_hash: str
    candidate_hash: str
    peildatum: dt.date
    population: Population


def render_impact(impact: Impact, plan: Plan, about: ReportInput) -> str:
    """The report as HTML text."""
    schemes = _scheme_rows(impact, plan)
    places = _municipality_rows(impact)
    bins = _bins(impact.monthly_deltas)
    monthly = sum((s.monthly_change for s in impact.by_scheme.values()), Decimal(0))
    return _template().render(
        about=about,
        impact=impact,
        schemes=schemes,
        places=places,
        bins=bins,
        monthly=money(monthly, "nl"),
        yearly=money(monthly * 12, "nl"),
        winners=sum(p.winners for p in impact.by_municipality.values()),
        losers=sum(p.losers for p in impact.by_municipality.values()),
        mixed=sum(p.mixed for p in impact.by_municipality.values()),
        examples=[_example(c, plan) for c in impact.changed[:EXAMPLES_SHOWN]],
        charts=_charts(schemes, places, bins),
        money=lambda value: money(value, "nl"),
    )


EXAMPLES_SHOWN = 50


def _scheme_rows(impact: Impact, plan: Plan) -> list[dict]:
    rows = []
    for scheme_id in plan.schemes:
        tally = impact.by_scheme.get(scheme_id)
        if tally is None:
            continue
        rows.append(
            {
                "id": scheme_id,
                "name": plan.schemes[scheme_id].spec.name.nl,
                "households": tally.households,
                "gain": tally.gain,
                "loss": tally.loss,
                "open": tally.open,
                "settled": tally.settled,
                "moves": sorted(tally.status_changes.items()),
                "monthly": money(tally.monthly_change, "nl"),
                "changed": tally.gain + tally.loss + tally.open + tally.settled,
                "unsettled": tally.unsettled,
                "reasons": [
                    (reason_text(plan, reason, "nl"), n)
                    for reason, n in sorted(tally.reasons.items(), key=lambda r: (-r[1], r[0]))
                ],
            }
        )
    return rows


def _municipality_rows(impact: Impact) -> list[dict]:
    return [
        {
            "name": name,
            "households": place.households,
            "changed": place.changed,
            "winners": place.winners,
            "losers": place.losers,
            "mixed": place.mixed,
            "monthly": money(place.monthly_change, "nl"),
        }
        for name, place in sorted(impact.by_municipality.items())
    ]


def _bins(deltas: Counter) -> list[tuple[str, int, str]]:
    out = []
    for low, high, label in BINS:
        count = sum(
            n
            for euros, n in deltas.items()
            if (low is None or euros >= low) and (high is None or euros < high)
        )
        kind = "open" if label == "0" else ("loss" if (high is not None and high <= 0) else "gain")
        out.append((label, count, kind))
    return out


def _charts(schemes: list[dict], places: list[dict], bins: list) -> dict[str, Markup]:
    changed = [s for s in schemes if s["changed"]]
    return {
        "deltas": histogram("Huishoudens naar verandering per maand (euro)", bins),
        "schemes": stacked_bars(
            "Huishoudens per regeling: erop vooruit, erop achteruit, niet te vergelijken",
            [
                (s["name"], {"gain": s["gain"], "loss": s["loss"], "open": s["open"]})
                for s in changed
            ],
            [("gain", "vooruit"), ("loss", "achteruit"), ("open", "niet te vergelijken")],
        ),
        "places": stacked_bars(
            "Huishoudens per gemeente: winnaars, verliezers, gemengd",
            [
                (p["name"], {"gain": p["winners"], "loss": p["losers"], "mixed": p["mixed"]})
                for p in places
            ],
            [("gain", "winnaar"), ("loss", "verliezer"), ("mixed", "gemengd")],
        ),
    }


def _example(change: tuple, plan: Plan) -> dict:
    name, municipality, scheme_id, (was, was_amount), (now, now_amount) = change
    return {
        "household": name,
        "municipality": municipality,
        "scheme": plan.schemes[scheme_id].spec.name.nl,
        "before": _outcome_text(was, was_amount),
        "after": _outcome_text(now, now_amount),
    }


STATUS = {
    "eligible": "recht",
    "not_eligible": "geen recht",
    "refer": "doorverwijzen",
    "undetermined": "nog niet te bepalen",
}


def _outcome_text(status: str, amount: Decimal | None) -> str:
    words = STATUS[status]
    return f"{words}, {money(amount, 'nl')}" if amount is not None else words


@cache
def _template():  # type: ignore[no-untyped-def]
    environment = Environment(
        loader=PackageLoader("engine.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["STATUS"] = STATUS
    environment.filters["n"] = lambda count: f"{count:,}".replace(",", ".")
    return environment.get_template("impact.html.j2")
