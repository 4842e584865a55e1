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
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

from engine.api import advise, load_plan
from engine.compile.plan import Plan
from engine.errors import EngineError


class DiffError(EngineError):
    """A rule base to compare cannot be found or read."""


@dataclass(frozen=True)
class Case:
    name: str
    profile: dict[str, Any]
    peildatum: dt.date


@dataclass
class SchemeImpact:
    households: int = 0
    status_changes: Counter = field(default_factory=Counter)  # (before, after) -> households
    gain: int = 0  # households better off (a right gained, or a higher amount)
    loss: int = 0
    open: int = 0  # not comparable: undetermined after, or resting on an unset local figure
    settled: int = 0  # undetermined before, decided after
    monthly_change: Decimal = Decimal(0)  # the sum of monthly amount changes


@dataclass
class Impact:
    households: int
    changed: list[tuple[str, str, str, tuple, tuple]]  # case, municipality, scheme, before, after
    by_scheme: dict[str, SchemeImpact]
    by_municipality: Counter  # municipality -> households with any change
    rules_changed: Counter  # rule -> households where it now decides differently


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


def compare(base: Plan, candidate: Plan, cases: list[Case]) -> Impact:
    """The same households under two rule bases."""
    impact = Impact(len(cases), [], {}, Counter(), Counter())
    for case in cases:
        before = advise(case.profile, case.peildatum, base)
        after = advise(case.profile, case.peildatum, candidate)
        _record(impact, case, before, after)
    return impact


def adopt_policy(plan: Plan, cases: list[Case], policy: str) -> Impact:
    """The same households as if their municipality adopted another municipality's policy."""
    impact = Impact(len(cases), [], {}, Counter(), Counter())
    for case in cases:
        adopted = {**case.profile, "municipality": policy}
        before = advise(case.profile, case.peildatum, plan)
        after = advise(adopted, case.peildatum, plan)
        _record(impact, case, before, after)
    return impact


def by_municipality(
    plan: Plan, cases: list[Case], municipalities: list[str]
) -> dict[str, dict[str, Counter]]:
    """The same households placed in each municipality: statuses per scheme."""
    table: dict[str, dict[str, Counter]] = {}
    for name in municipalities:
        schemes: dict[str, Counter] = {}
        for case in cases:
            advice = advise({**case.profile, "municipality": name}, case.peildatum, plan)
            for scheme in advice.schemes:
                schemes.setdefault(scheme.scheme, Counter())[scheme.status] += 1
        table[name] = schemes
    return table


def _record(impact: Impact, case: Case, before: Any, after: Any) -> None:
    municipality = case.profile.get("municipality") or "-"
    changed_here = False
    for old, new in zip(before.schemes, after.schemes, strict=True):
        scheme = impact.by_scheme.setdefault(old.scheme, SchemeImpact())
        scheme.households += 1
        was, now = (old.status, old.amount), (new.status, new.amount)
        if was == now and _amounts(old) == _amounts(new):
            continue
        changed_here = True
        impact.changed.append((case.name, municipality, old.scheme, was, now))
        if old.status != new.status:
            scheme.status_changes[(old.status, new.status)] += 1
        if old.status == "undetermined" and new.status != "undetermined":
            scheme.settled += 1
            continue
        if new.status == "undetermined" or old.policy_gaps or new.policy_gaps:
            scheme.open += 1  # an unset figure is not zero: neither better nor worse
            continue
        delta = _monthly(new) - _monthly(old)
        scheme.monthly_change += delta
        scheme.gain += delta > 0 or (delta == 0 and _better(old, new))
        scheme.loss += delta < 0 or (delta == 0 and _better(new, old))
    if changed_here:
        impact.by_municipality[municipality] += 1
    differing = set(before.receipt.rules.items()) ^ set(after.receipt.rules.items())
    for rule_id in {rule_id for rule_id, _ in differing}:
        impact.rules_changed[rule_id] += 1


def _amounts(scheme: Any) -> dict[str, Decimal]:
    return {a.fact: a.value for a in scheme.amounts}


RANK = {"not_eligible": 0, "refer": 1, "eligible": 2}


def _better(old: Any, new: Any) -> bool:
    """Better off without a monthly difference: a right gained, or a yearly/one-off amount up."""
    if RANK[new.status] != RANK[old.status]:
        return RANK[new.status] > RANK[old.status]
    if new.status != "eligible":
        return False
    return _payments(new) > _payments(old)


def _payments(scheme: Any) -> Decimal:
    """Yearly and one-off amounts paid (IIT, meedoen, bijzondere bijstand, kwijtschelding)."""
    return sum((a.value for a in scheme.amounts if a.period != "month"), Decimal(0))


def _monthly(scheme: Any) -> Decimal:
    if scheme.status != "eligible" or scheme.amount is None or scheme.amount_period != "month":
        return Decimal(0)
    return scheme.amount
