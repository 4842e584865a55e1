"""Everything still to do across the schemes of an advice, in date order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.model.advice import AgendaItem, SchemeAdvice


def agenda_of(schemes: list[SchemeAdvice], peildatum: dt.date) -> list[AgendaItem]:
    """Everything still to do across schemes: dated items first, soonest first; then the rest.

    A date before the peildatum has passed: it stays in its scheme's deadlines, not here.
    """
    items: list[AgendaItem] = []

    def add(
        scheme: SchemeAdvice, kind: str, fact: str, text: str, body: str, date: Any = None
    ) -> None:
        items.append(
            AgendaItem(
                date=date,
                scheme=scheme.scheme,
                kind=kind,
                fact=fact,
                text=text,
                body=body,
                member=scheme.member if scheme.member_label else None,
                for_whom=scheme.member_label,
            )
        )

    for scheme in schemes:
        for d in scheme.deadlines:
            if d.date >= peildatum:
                add(scheme, "deadline", d.fact, d.text, d.body, d.date)
        if scheme.status == "refer" and scheme.refer_to:
            add(scheme, "referral", scheme.scheme, scheme.name, scheme.refer_to)
        for step in scheme.next_steps:
            add(scheme, "next_step", step.fact, step.text, step.body)
    dated = sorted(
        (i for i in items if i.date is not None), key=lambda i: (i.date, i.scheme, i.fact)
    )
    return dated + [i for i in items if i.date is None]
