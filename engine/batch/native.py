"""A chunk of household rows evaluated the native way: each row made a profile and run."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from engine.batch.results import BatchSummary
from engine.compile.plan import Plan
from engine.errors import ProfileError
from engine.explain.outcome import outcomes
from engine.explain.why_open import trace_reasons
from engine.model.profile import profile_from_dict
from engine.population.table import INVALID, profile_of
from engine.run.evaluate import run


def result_rows(
    rows: list[dict[str, Any]], plan: Plan, peildatum: dt.date, summary: BatchSummary
) -> list[dict[str, Any]]:
    """Evaluate one chunk of household rows; count what was found into the summary."""
    out: list[dict[str, Any]] = []
    for row in rows:
        summary.households += 1
        base = {"household_id": row["household_id"], "municipality": row["municipality"]}
        if INVALID in row:  # cells that could not be read: the household cannot be evaluated
            summary.invalid += 1
            out.append({**base, "status": "invalid", "error": row[INVALID]})
            continue
        try:
            profile = profile_from_dict(profile_of(row))
        except ProfileError as error:
            summary.invalid += 1
            paths = ", ".join(sorted({path for path, _ in error.errors}))
            out.append({**base, "status": "invalid", "error": paths})
            continue
        trace = run(plan, profile, peildatum)
        for outcome in outcomes(trace):
            statuses = summary.statuses.setdefault(outcome.scheme, Counter())
            statuses[outcome.status] += 1
            if outcome.status in ("undetermined", "refer"):
                summary.count_reasons(outcome.scheme, trace_reasons(trace, outcome.scheme))
            if outcome.amount is not None and outcome.period == "month":
                total = summary.monthly_total.get(outcome.scheme, Decimal(0))
                summary.monthly_total[outcome.scheme] = total + outcome.amount
            out.append(
                {
                    **base,
                    "scheme": outcome.scheme,
                    "status": outcome.status,
                    "amount": outcome.amount,
                    "period": outcome.period if outcome.amount is not None else None,
                    "policy_gap": outcome.policy_gap,
                }
            )
    return out
