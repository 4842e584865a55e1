"""Impact of a change: the same households under two rule bases, compared scheme by scheme.

A rule base is named by a folder, a reform file (applied to the bundled rules), `bundled`, or
`git:REV` (the rules and schemes of that git revision). The households are the scenarios'
profiles and/or a synthetic population.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from engine.api import load_plan
from engine.compile.plan import Plan
from engine.errors import EngineError
from engine.explain.outcome import Outcome, applied_rules, outcomes
from engine.explain.why_open import trace_reasons
from engine.model.profile import profile_from_dict
from engine.run.evaluate import Trace, run


class DiffError(EngineError):
    """A rule base to compare cannot be found or read."""


@dataclass(frozen=True)
class Case:
    name: str
    profile: dict[str, Any]
    peildatum: dt.date


EXAMPLES_KEPT = 1_000  # changed outcomes kept as examples; the counts cover every household


@dataclass
class SchemeImpact:
    households: int = 0
    status_changes: Counter = field(default_factory=Counter)  # (before, after) -> households
    gain: int = 0  # households better off (a right gained, or a higher amount)
    loss: int = 0
    open: int = 0  # not comparable: undetermined after, or resting on an unset local figure
    settled: int = 0  # undetermined before, decided after
    monthly_change: Decimal = Decimal(0)  # the sum of monthly amount changes
    unsettled: int = 0  # households undetermined or referred after the change
    reasons: Counter = field(default_factory=Counter)  # why, after (engine/explain/why_open.py)


@dataclass
class MunicipalityImpact:
    households: int = 0
    changed: int = 0  # households with any change
    winners: int = 0  # better off in some scheme, worse off in none
    losers: int = 0  # worse off in some scheme, better off in none
    mixed: int = 0  # better off in one scheme, worse off in another
    monthly_change: Decimal = Decimal(0)


@dataclass
class Impact:
    households: int = 0
    changed: list[tuple[str, str, str, tuple, tuple]] = field(default_factory=list)  # examples
    changes: int = 0  # changed outcomes (household x scheme), of which `changed` keeps the first
    by_scheme: dict[str, SchemeImpact] = field(default_factory=dict)
    by_municipality: dict[str, MunicipalityImpact] = field(default_factory=dict)
    rules_changed: Counter = field(default_factory=Counter)  # rule -> households affected
    monthly_deltas: Counter = field(default_factory=Counter)  # whole euros -> households

    @property
    def households_changed(self) -> int:
        return sum(m.changed for m in self.by_municipality.values())

    def rules_most_changed(self) -> list[tuple[str, int]]:
        """The rules that decide differently: most households first, then by id (never in
        the order they were met, which follows a set's, and so the hash seed)."""
        return sorted(self.rules_changed.items(), key=lambda item: (-item[1], item[0]))


def resolve(spec: str) -> Plan:
    """A plan from `bundled`, a rule base folder, a reform file, or `git:REV`."""
    if spec == "bundled":
        return load_plan()
    if spec.startswith("git:"):
        return load_plan(_checkout(spec[4:]))
    path = Path(spec)
    if path.is_dir():
        return load_plan(path)
    if path.is_file() and path.suffix in (".yaml", ".yml"):
        return load_plan(reforms=[path])
    raise DiffError(f"'{spec}' is not 'bundled', a rule base folder, a reform file or git:REV")


def _checkout(revision: str) -> Path:
    try:
        archive = subprocess.run(
            ["git", "archive", revision, "rules", "schemes"], capture_output=True, check=True
        ).stdout
    except (subprocess.CalledProcessError, FileNotFoundError):
        raise DiffError(f"cannot read rules and schemes at git revision '{revision}'") from None
    target = Path(tempfile.mkdtemp(prefix="engine-rev-"))
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def compare(base: Plan, candidate: Plan, cases: Iterable[Case]) -> Impact:
    """The same households under two rule bases (cases may stream: only counts are kept)."""
    impact = Impact()
    for case in cases:
        before = _household_run(case.profile, case.peildatum, base)
        after = _household_run(case.profile, case.peildatum, candidate)
        _record(impact, case, before, after)
    return impact


def adopt_policy(plan: Plan, cases: Iterable[Case], policy: str) -> Impact:
    """The same households as if their municipality adopted another municipality's policy."""
    impact = Impact()
    for case in cases:
        adopted = {**case.profile, "municipality": policy}
        before = _household_run(case.profile, case.peildatum, plan)
        after = _household_run(adopted, case.peildatum, plan)
        _record(impact, case, before, after)
    return impact


def _household_run(profile: dict[str, Any], peildatum: dt.date, plan: Plan) -> Trace:
    """The household's run: the policy tools count per household, for the applicant, as the
    batch runs do (docs/schemes.md); the other members' person schemes are not run."""
    return run(plan, profile_from_dict(profile), peildatum)


def by_municipality(
    plan: Plan, cases: list[Case], municipalities: list[str]
) -> dict[str, dict[str, Counter]]:
    """The same households placed in each municipality: statuses per scheme."""
    table: dict[str, dict[str, Counter]] = {}
    for name in municipalities:
        schemes: dict[str, Counter] = {}
        for case in cases:
            trace = _household_run({**case.profile, "municipality": name}, case.peildatum, plan)
            for outcome in outcomes(trace):
                schemes.setdefault(outcome.scheme, Counter())[outcome.status] += 1
        table[name] = schemes
    return table


def _record(impact: Impact, case: Case, before: Trace, after: Trace) -> None:
    municipality = case.profile.get("municipality") or "-"
    place = impact.by_municipality.setdefault(municipality, MunicipalityImpact())
    impact.households += 1
    place.households += 1
    better = worse = changed = False
    household_delta = Decimal(0)
    for old, new in zip(outcomes(before), outcomes(after), strict=True):
        scheme = impact.by_scheme.setdefault(old.scheme, SchemeImpact())
        scheme.households += 1
        if new.status in ("undetermined", "refer"):
            scheme.unsettled += 1
            scheme.reasons.update(trace_reasons(after, new.scheme))
        if (old.status, old.amount, old.amounts) == (new.status, new.amount, new.amounts):
            continue
        impact.changes += 1
        changed = True
        if len(impact.changed) < EXAMPLES_KEPT:
            impact.changed.append(
                (
                    case.name,
                    municipality,
                    old.scheme,
                    (old.status, old.amount),
                    (new.status, new.amount),
                )
            )
        if old.status != new.status:
            scheme.status_changes[(old.status, new.status)] += 1
        if old.status == "undetermined" and new.status != "undetermined":
            scheme.settled += 1
            continue
        if new.status == "undetermined" or old.policy_gap or new.policy_gap:
            scheme.open += 1  # an unset figure is not zero: neither better nor worse
            continue
        delta = _monthly(new) - _monthly(old)
        gained = delta > 0 or (delta == 0 and _better(old, new))
        lost = delta < 0 or (delta == 0 and _better(new, old))
        scheme.monthly_change += delta
        scheme.gain += gained
        scheme.loss += lost
        better, worse = better or gained, worse or lost
        household_delta += delta
    for rule_id in sorted({rule_id for rule_id, _ in _rules_differing(before, after)}):
        impact.rules_changed[rule_id] += 1
    if changed:
        _record_household(impact, place, better, worse, household_delta)


def _record_household(
    impact: Impact, place: MunicipalityImpact, better: bool, worse: bool, delta: Decimal
) -> None:
    """A household with a changed outcome: winner, loser or mixed, and its monthly change."""
    place.changed += 1
    place.winners += better and not worse
    place.losers += worse and not better
    place.mixed += better and worse
    place.monthly_change += delta
    if better or worse:
        impact.monthly_deltas[int(delta.to_integral_value(ROUND_FLOOR))] += 1


def _rules_differing(before: Trace, after: Trace) -> set[tuple[str, str]]:
    """Rules applied in one run and not the other, or in another version."""
    return set(applied_rules(before).items()) ^ set(applied_rules(after).items())


RANK = {"not_eligible": 0, "refer": 1, "eligible": 2}


def _better(old: Outcome, new: Outcome) -> bool:
    """Better off without a monthly difference: a right gained, or a yearly/one-off amount up."""
    if RANK[new.status] != RANK[old.status]:
        return RANK[new.status] > RANK[old.status]
    if new.status != "eligible":
        return False
    return _payments(new) > _payments(old)


def _payments(outcome: Outcome) -> Decimal:
    """Yearly and one-off amounts paid (IIT, meedoen, bijzondere bijstand, kwijtschelding)."""
    return sum((value for _, value, period in outcome.amounts if period != "month"), Decimal(0))


def _monthly(outcome: Outcome) -> Decimal:
    if outcome.status != "eligible" or outcome.amount is None or outcome.period != "month":
        return Decimal(0)
    return outcome.amount
