"""Forward chaining to a fixpoint, in strata, with default logic and three-valued facts.

The checker has ordered derived facts so that every fact is derived after all facts it reads
(the rule base is stratified: no cycles), so one pass in that order reaches the fixpoint and
negation only ever reads complete facts.

For each fact, its candidate rules are evaluated; a rule that holds wins unless a rule that
overrides it holds too (lex specialis). When two undominated rules hold with different
values, that is a conflict: reported, never resolved by a silent pick. When a rule whose
condition is unknown could change the result, the fact is unknown and names what is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from engine.compile.plan import Candidate, DatedPlan, Plan, Step
from engine.errors import EvaluationError
from engine.intervals import Interval, hull
from engine.lang.compile import Context
from engine.load.loader import municipality_key
from engine.model.profile import Profile
from engine.run.settle import settle
from engine.values import NOT_DERIVED, Unknown, merge_unknown

DEFAULT = "default"


@dataclass
class Trace:
    """What the run found: every fact's value and, for derived facts, which rule decided it."""

    plan: Plan
    dated: DatedPlan
    facts: dict[str, Any]
    municipality: str | None = None  # as the profile names it
    profile: Profile | None = None  # what the run read: the receipt's fingerprint is of it
    roles: dict[str, int] = field(default_factory=dict)  # household members by role
    decided_by: dict[str, str | None] = field(default_factory=dict)  # rule id, DEFAULT or None
    conflicts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Outputs settled by case analysis (engine/run/settle.py): the inputs weighed, whose answer
    # does not change them; and outputs left open because the search reached its bound.
    settled: dict[str, tuple[str, ...]] = field(default_factory=dict)
    bounded: set[str] = field(default_factory=set)
    # Amounts that stay open because the answers give different amounts: the least and the
    # most of them (each the amount for some answer).
    spans: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # Person schemes (engine/run/members.py): the member the rules speak of in this run, and
    # the runs of the other members judged, by member id (each names its member's role).
    member_id: str | None = None
    member_role: str | None = None
    members: dict[str, Trace] = field(default_factory=dict)
    # In the view of a member who is not the partner: the other residents of that view
    # (`medebewoners[0]`, ...) as the household knows them, by member id and household role.
    residents: tuple[tuple[str, str], ...] = ()

    @property
    def peildatum(self) -> dt.date:
        return self.dated.peildatum

    def context(self) -> Context:
        return Context(self.facts, self.dated.params, self.dated.peildatum)

    @cached_property
    def input_hash(self) -> str:
        """The profile's fingerprint, for the receipt: made when asked (a member's run, a
        population's, never needs it)."""
        return profile_fingerprint(self.profile) if self.profile is not None else ""


def profile_fingerprint(profile: Profile) -> str:
    """A fingerprint of the input: the same profile gives the same hash, in any process, with
    its members in any order (they are one household however they were typed in)."""
    members = sorted(profile.members, key=lambda member: member.id)
    canonical = profile.model_copy(update={"members": members})
    return hashlib.sha256(canonical.model_dump_json().encode("utf-8")).hexdigest()


def read_profile(plan: Plan, profile: Profile) -> dict[str, Any]:
    roots = {name: getattr(profile, name) for name in plan.root_names}
    return {name: read(roots) for name, read in plan.readers}


def start_trace(
    plan: Plan, profile: Profile, peildatum: dt.date, what_if: Mapping[str, Any] | None = None
) -> Trace:
    """A trace holding the profile's input facts and the figures in force: what every backend
    starts from before it derives anything."""
    municipality = municipality_key(profile.municipality) if profile.municipality else None
    dated = plan.on(peildatum, municipality)
    if what_if:
        dated = replace(dated, params={**dated.params, **what_if})
    facts = read_profile(plan, profile)
    roles: dict[str, int] = {}
    for member in profile.members:
        roles[member.role.value] = roles.get(member.role.value, 0) + 1
    return Trace(plan, dated, facts, profile.municipality, profile, roles)


def run(
    plan: Plan,
    profile: Profile,
    peildatum: dt.date,
    what_if: Mapping[str, Any] | None = None,
    schemes: frozenset[str] | None = None,
) -> Trace:
    """Derive every fact. `what_if` replaces parameter values for this run only (reforms,
    mutation tests); the receipt then shows the values used. `schemes` limits the run to what
    those schemes' outputs need, derived and settled (a member's run: engine/run/members.py)."""
    trace = start_trace(plan, profile, peildatum, what_if)
    facts, dated = trace.facts, trace.dated
    ctx = Context(facts, dated.params, peildatum)
    steps = dated.steps
    if schemes is not None:
        needed = plan.steps_for(schemes)
        steps = tuple(step for index, step in enumerate(steps) if index in needed)
    for step in steps:
        try:
            facts[step.fact] = derive(step, ctx, trace)
        except KeyError as exc:
            raise EvaluationError(
                f"parameter {exc} has no value on {peildatum.isoformat()}"
            ) from None
        except (ArithmeticError, ValueError, OverflowError):
            # a rule that checks but cannot be computed for this household (a number beyond
            # what a Decimal holds, a rounding to an impossible place): clear, never a crash
            raise EvaluationError(
                f"the rules for '{step.fact}' cannot be computed for this household "
                "(a number out of range)"
            ) from None
    settle(trace, schemes)
    return trace


def derive(step: Step, ctx: Context, trace: Any) -> Any:
    """One fact by the default logic: the rules that hold, overrides, conflicts, open rules.

    `trace` receives `decided_by` and `conflicts` (a Trace, or any object with those maps)."""
    holding: list[Candidate] = []
    open_: list[tuple[Candidate, Unknown]] = []
    for candidate in step.candidates:
        condition = candidate.when(ctx)
        if condition is True:
            holding.append(candidate)
        elif condition is not False:
            open_.append((candidate, condition))

    if len(holding) == 1:
        result, decided = holding[0].value(ctx), holding[0].rule.id
    elif holding:
        ids = {c.rule.id for c in holding}
        winners = [c for c in holding if not (c.rule.dominated_by & ids)]
        values = [c.value(ctx) for c in winners]
        if any(type(v) is Unknown for v in values):
            # they may agree or not; what settles it is the missing input, not a rules fix
            trace.decided_by[step.fact] = None
            return merge_unknown(*values)
        if any(not _same(values[0], v) for v in values[1:]):
            trace.conflicts[step.fact] = tuple(sorted({c.rule.id for c in winners}))
            trace.decided_by[step.fact] = None
            return NOT_DERIVED
        result, decided = values[0], winners[0].rule.id
    elif step.default is not None:
        result, decided = step.default, DEFAULT
    else:
        result, decided = NOT_DERIVED, None

    if open_:
        # A rule whose condition is unknown matters unless a holding rule overrides it or it
        # would conclude the same value anyway. Once the fact is unknown, every open rule that
        # no holding rule overrides can decide it, so all their missing facts are named.
        holding_ids = {c.rule.id for c in holding}
        relevant = [
            (cond, c.value(ctx)) for c, cond in open_ if not (c.rule.dominated_by & holding_ids)
        ]
        if any(not _same(value, result) for _, value in relevant):
            # to settle the fact, both an open rule's condition and its value must be known
            trace.decided_by[step.fact] = None
            if any(type(value) is Interval for _, value in relevant) or type(result) is Interval:
                return _one_of(result, relevant)
            return merge_unknown(*(u for pair in relevant for u in pair))
    trace.decided_by[step.fact] = decided
    return result


def _same(a: Any, b: Any) -> bool:
    """Equal known values; a yes/no never equals a number (True == 1 in Python), and a range
    (case analysis only) is not known to equal anything."""
    if type(a) is Unknown or type(b) is Unknown:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return (a == b) is True


def _one_of(result: Any, relevant: list[tuple[Unknown, Any]]) -> Any:
    """Case analysis only: the fact is the holding value or an open rule's, each a number or a
    range; so it lies in the range that holds them all, and which one waits on the conditions."""
    conditions = merge_unknown(*(condition for condition, _ in relevant))
    try:
        return hull([result, *(value for _, value in relevant)], conditions.missing)
    except TypeError:  # not all numbers: unknown, as in a base run
        return merge_unknown(*(u for pair in relevant for u in pair))
