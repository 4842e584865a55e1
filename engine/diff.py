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
    pass


@dataclass(frozen=True)
class Case:
    name: str
    profile: dict[str, Any]
    peildatum: dt.date


@dataclass
class SchemeImpact:
    households: int = 0
    status_changes: Counter = field(default_factory=Counter)  # (before, after) -> households
    gain: int = 0  # households with a higher monthly amount
    loss: int = 0
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
    impact = Impact(len(cases), [], {}, Counter(), Counter())
    for case in cases:
        before = advise(case.profile, case.peildatum, base)
        after = advise(case.profile, case.peildatum, candidate)
        municipality = case.profile.get("municipality") or "-"
        changed_here = False
        for old, new in zip(before.schemes, after.schemes, strict=True):
            scheme = impact.by_scheme.setdefault(old.scheme, SchemeImpact())
            scheme.households += 1
            was, now = (old.status, old.amount), (new.status, new.amount)
            if was == now:
                continue
            changed_here = True
            impact.changed.append((case.name, municipality, old.scheme, was, now))
            if old.status != new.status:
                scheme.status_changes[(old.status, new.status)] += 1
            delta = _monthly(new) - _monthly(old)
            scheme.monthly_change += delta
            scheme.gain += delta > 0
            scheme.loss += delta < 0
        if changed_here:
            impact.by_municipality[municipality] += 1
        differing = set(before.receipt.rules.items()) ^ set(after.receipt.rules.items())
        for rule_id in {rule_id for rule_id, _ in differing}:
            impact.rules_changed[rule_id] += 1
    return impact


def _monthly(scheme: Any) -> Decimal:
    if scheme.status != "eligible" or scheme.amount is None or scheme.amount_period != "month":
        return Decimal(0)
    return scheme.amount
