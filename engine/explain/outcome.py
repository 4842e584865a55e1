"""Per scheme, only what a population run needs: status, amounts, and whether policy is missing.

The full advice (texts, why, agenda, questions) costs about three times the run itself; batch
runs, impact diffs and other executors compare these summaries instead. The advice builder
reads status and amounts through the same functions, so both always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.compile.plan import POLICY_PREFIX, Plan
from engine.run.evaluate import DEFAULT, Trace
from engine.values import Unknown, to_cents


@dataclass(frozen=True, slots=True)
class Outcome:
    scheme: str
    status: str  # eligible, not_eligible, refer or undetermined
    amount: Decimal | None  # the scheme's main amount, when eligible and known
    period: str  # of the main amount: month, year or once
    amounts: tuple[tuple[str, Decimal, str], ...]  # every known amount: fact, value, period
    policy_gap: bool  # an outcome rests on a local figure the municipality has not set


def fact_value(trace: Trace, name: str) -> Any:
    """A fact's value in the run, or a parameter's on the peildatum; Unknown if neither."""
    value = trace.facts.get(name, trace)
    if value is trace:
        return trace.dated.params.get(name, Unknown())
    return value


def scheme_status(trace: Trace, scheme_id: str) -> str:
    value = fact_value(trace, trace.plan.schemes[scheme_id].spec.outputs.status)
    if type(value) is not Unknown:
        return value
    return "refer" if referred_to(trace.plan, value) else "undetermined"


def referred_to(plan: Plan, status: Unknown) -> str | None:
    """The body an open status is referred to: when all it waits on is that one body's
    assessment, no question at the intake can settle it, and the body must."""
    bodies = {plan.assessed_by.get(m) for m in status.missing}
    if len(bodies) != 1 or None in bodies:
        return None
    return bodies.pop()


def status_referral(trace: Trace, scheme_id: str) -> str | None:
    """The body a scheme's open status is referred to, if it is (see `referred_to`)."""
    value = fact_value(trace, trace.plan.schemes[scheme_id].spec.outputs.status)
    return referred_to(trace.plan, value) if type(value) is Unknown else None


def asked_for(trace: Trace, scheme_id: str, status: str, to_ask: bool = True) -> list[str]:
    """The output facts whose missing inputs matter.

    Once a scheme is decided against or referred elsewhere, nothing else in it can change that,
    so only the status counts. While the status is open, only what it waits on is asked
    (`to_ask`: the amount's facts follow once it is settled), though the local figures every
    output waits on are still named; once eligible, every output counts.
    """
    status_fact = trace.plan.schemes[scheme_id].spec.outputs.status
    if status in ("not_eligible", "refer") or (to_ask and status == "undetermined"):
        return [status_fact]
    return [f for facts in trace.plan.scheme_outputs[scheme_id].values() for f in facts]


def missing_inputs(trace: Trace, scheme_id: str, status: str, to_ask: bool = True) -> set[str]:
    """What the open outputs wait for: profile paths, and `beleid:` names for local figures."""
    return {
        m
        for f in asked_for(trace, scheme_id, status, to_ask)
        if type(v := fact_value(trace, f)) is Unknown
        for m in v.missing
    }


def main_amount(trace: Trace, scheme_id: str, status: str) -> Decimal | None:
    name = trace.plan.schemes[scheme_id].spec.outputs.amount
    if name is None or status != "eligible":
        return None
    value = fact_value(trace, name)
    return None if type(value) is Unknown else to_cents(value)


def main_span(trace: Trace, scheme_id: str, status: str) -> tuple[Decimal, Decimal] | None:
    """The least and most the main amount can be, where it is open but every answer gives
    one (engine/run/settle.py)."""
    name = trace.plan.schemes[scheme_id].spec.outputs.amount
    if name is None or status != "eligible" or name not in trace.spans:
        return None
    low, high = trace.spans[name]
    return to_cents(low), to_cents(high)


def main_period(trace: Trace, scheme_id: str) -> str:
    return trace.plan.main_period(scheme_id)


def known_amounts(trace: Trace, scheme_id: str) -> tuple[tuple[str, Decimal, str], ...]:
    derived = trace.plan.derived
    return tuple(
        (f, to_cents(v), derived[f].spec.period)
        for f in trace.plan.scheme_outputs[scheme_id]["amount"]
        if type(v := fact_value(trace, f)) is not Unknown
    )


def scheme_outcome(trace: Trace, scheme_id: str) -> Outcome:
    status = scheme_status(trace, scheme_id)
    missing = missing_inputs(trace, scheme_id, status, to_ask=False)
    return Outcome(
        scheme=scheme_id,
        status=status,
        amount=main_amount(trace, scheme_id, status),
        period=main_period(trace, scheme_id),
        amounts=known_amounts(trace, scheme_id),
        policy_gap=any(m.startswith(POLICY_PREFIX) for m in missing),
    )


def outcomes(trace: Trace) -> list[Outcome]:
    """Every scheme's outcome, in plan order."""
    return [scheme_outcome(trace, scheme_id) for scheme_id in trace.plan.schemes]


def applied_rules(trace: Trace) -> dict[str, str]:
    """The rules that decided a fact in this run, each with its content hash."""
    applied = sorted({r for r in trace.decided_by.values() if r not in (None, DEFAULT)})
    return {rule_id: trace.dated.rules[rule_id].content_hash for rule_id in applied}
