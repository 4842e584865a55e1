"""Load and run scenario files.

A scenario file:

    suite: Algemene bijstand - normen
    profiles:                       # named base profiles, reused by the scenarios below
      alleenstaande: {members: [...], assets: {...}}
    scenarios:
      - name: alleenstaande 30 jaar zonder inkomen
        source: "PW-2026 art. 21 onder a: € 1.401,50"
        peildatum: 2026-01-15
        profile: alleenstaande      # a base profile by name, or a profile written out here
        with:                       # changes to the base, by path
          members[0].birth_date: 1996-01-01          # members[+] appends; members[N] with N the
                                                     # current length appends as well
          assets.bank_and_cash: 9000
        expect:
          inburgering/partner:      # a person scheme's outcome for another member, by member id
            status: eligible
          algemene_bijstand:
            status: eligible
            amount: 1401.50
            amount_min: 345.99; amount_max: 1092.44   # the amount open, every answer gives one
            amounts: {toepasselijke_norm: 1401.50}
            facts: {leefvorm: alleenstaande}
            refer_to: SVB
            missing_facts: [geboortedatum_aanvrager]      # exactly these
            assessed_facts: [duurzaam_geen_arbeidsvermogen_aanvrager]  # another body's, exactly
            policy_gaps: [iit_bedrag_alleenstaande]       # local figures not set: exactly these
            local_policy: Westland                        # whose municipal figures applied
            obligations: [arbeidsverplichtingen]          # exactly these (fact names)
            next_steps: [...]; discretion_points: [...]  # exactly these
            deadlines: {aanvraag_mogelijk_vanaf: 2026-02-02}
            decisive_rules: [pw.13.1.a.detentie]          # among the decisive conditions
        agenda_starts_with: [eerste_gesprek_uiterlijk, aanvraag_mogelijk_vanaf]  # facts, in order

Every scenario must name the source of its expected figures.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from engine.compile.plan import Plan
from engine.errors import EngineError, ScenarioError
from engine.explain.advise import build_advice
from engine.load.yaml_source import YamlError, read_yaml_file
from engine.model.advice import SchemeAdvice
from engine.model.profile import profile_from_dict
from engine.run.evaluate import DEFAULT
from engine.run.members import run_household
from engine.values import Unknown

LIST_CHECKS = (
    "missing_facts",
    "assessed_facts",
    "policy_gaps",
    "obligations",
    "next_steps",
    "discretion_points",
)
SCHEME_KEYS = {
    "status",
    "amount",
    "amount_min",
    "amount_max",
    "amounts",
    "facts",
    "refer_to",
    "local_policy",
    "deadlines",
    "decisive_rules",
    *LIST_CHECKS,
}
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+|\+)\]")


@dataclass(frozen=True)
class Scenario:
    file: Path
    line: int | None
    name: str
    source: str
    peildatum: dt.date
    profile: dict[str, Any]
    expect: dict[str, dict[str, Any]]
    agenda_starts_with: tuple[str, ...] = ()

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass
class Outcome:
    scenario: Scenario
    failures: list[str] = field(default_factory=list)
    error: str | None = None
    applied_rules: frozenset[str] = frozenset()  # every rule that decided a fact

    @property
    def passed(self) -> bool:
        return not self.failures and self.error is None


def is_scenario_file(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml") and path.is_file()


def find_files(paths: Sequence[Path | str]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.y*ml") if is_scenario_file(p)))
        elif is_scenario_file(path):
            found.append(path)
        else:
            raise ScenarioError(f"{path}: not a scenario file or folder")
    return found


def load_file(path: Path | str) -> list[Scenario]:
    path = Path(path)
    try:
        document = read_yaml_file(path)
    except YamlError as exc:
        raise ScenarioError(str(exc.problem)) from None
    if not isinstance(document, dict) or not isinstance(document.get("scenarios"), list):
        raise ScenarioError(f"{path}: a scenario file holds a list under 'scenarios'")
    unknown = set(document) - {"suite", "profiles", "scenarios"}
    if unknown:
        raise ScenarioError(f"{path}: unknown top-level keys {sorted(unknown)}")
    bases = document.get("profiles") or {}
    return [_scenario(path, bases, entry) for entry in document["scenarios"]]


def _scenario(path: Path, bases: dict[str, Any], entry: Any) -> Scenario:
    line = getattr(entry, "line", None)
    where = f"{path}:{line}"
    if not isinstance(entry, dict):
        raise ScenarioError(f"{where}: a scenario is a mapping")
    unknown = set(entry) - {"name", "source", "peildatum", "profile", "with", "expect"}
    if unknown:
        raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("name", "source", "peildatum", "profile", "expect"):
        if key not in entry:
            raise ScenarioError(f"{where}: scenario needs '{key}'")
    if not isinstance(entry["peildatum"], dt.date):
        raise ScenarioError(f"{where}: peildatum must be a date (YYYY-MM-DD)")
    profile = entry["profile"]
    if isinstance(profile, str):
        if profile not in bases:
            raise ScenarioError(f"{where}: no base profile named '{profile}'")
        profile = bases[profile]
    profile = copy.deepcopy(profile)
    for path_text, value in (entry.get("with") or {}).items():
        _set_path(profile, path_text, copy.deepcopy(value), where)
    expect = dict(entry["expect"]) if isinstance(entry["expect"], dict) else entry["expect"]
    agenda = expect.pop("agenda_starts_with", []) if isinstance(expect, dict) else []
    if not isinstance(agenda, list) or not all(isinstance(a, str) for a in agenda):
        raise ScenarioError(f"{where}: 'agenda_starts_with' is a list of fact names")
    if not isinstance(expect, dict) or (not expect and not agenda):
        raise ScenarioError(f"{where}: 'expect' maps scheme ids to expected outcomes")
    for scheme, checks in expect.items():
        if not isinstance(checks, dict) or set(checks) - SCHEME_KEYS:
            bad = sorted(set(checks) - SCHEME_KEYS) if isinstance(checks, dict) else checks
            raise ScenarioError(f"{where}: unknown expectations for '{scheme}': {bad}")
    return Scenario(
        file=path,
        line=line,
        name=str(entry["name"]),
        source=str(entry["source"]),
        peildatum=entry["peildatum"],
        profile=profile,
        expect=expect,
        agenda_starts_with=tuple(agenda),
    )


def _set_path(document: Any, path_text: str, value: Any, where: str) -> None:
    """Set `a.b[0].c` (or append with `members[+]`) inside nested mappings and lists."""
    steps = [(m.group(1), m.group(2)) for m in _STEP.finditer(path_text)]
    if not steps:
        raise ScenarioError(f"{where}: cannot read the path '{path_text}'")
    node = document
    for index, (key, position) in enumerate(steps):
        last = index == len(steps) - 1
        if key is not None:
            if not isinstance(node, dict):
                raise ScenarioError(
                    f"{where}: '{path_text}' goes into something that is not a mapping"
                )
            if last:
                node[key] = value
                return
            nxt = steps[index + 1]
            node = node.setdefault(key, [] if nxt[1] is not None else {})
        else:
            if not isinstance(node, list):
                raise ScenarioError(f"{where}: '{path_text}' indexes something that is not a list")
            if position == "+":
                if not last:
                    raise ScenarioError(f"{where}: '[+]' appends, it must end the path")
                node.append(value)
                return
            i = int(position)
            if i == len(node) and last:
                node.append(value)  # the next free position appends, for a second new member
                return
            if i >= len(node):
                raise ScenarioError(f"{where}: '{path_text}' has no item {i}")
            if last:
                node[i] = value
                return
            node = node[i]


def run_scenario(plan: Plan, scenario: Scenario, what_if: dict[str, Any] | None = None) -> Outcome:
    outcome = Outcome(scenario)
    try:
        profile = profile_from_dict(scenario.profile)
        trace = run_household(plan, profile, scenario.peildatum, what_if)
        advice = build_advice(trace, "nl")
    except EngineError as exc:
        outcome.error = str(exc)
        return outcome
    outcome.applied_rules = frozenset(
        r for r in trace.decided_by.values() if r is not None and r != DEFAULT
    )
    if scenario.agenda_starts_with:
        actual = [item.fact for item in advice.agenda[: len(scenario.agenda_starts_with)]]
        if actual != list(scenario.agenda_starts_with):
            outcome.failures.append(
                f"agenda: expected to start with {list(scenario.agenda_starts_with)}, got {actual}"
            )
    for key, checks in scenario.expect.items():
        scheme_id, _, member = key.partition("/")  # "inburgering/partner": a member's outcome
        try:
            scheme = advice.scheme(scheme_id, member or None)
        except KeyError:
            outcome.failures.append(f"{key}: no such outcome in the advice")
            continue
        facts = trace.members[member].facts if member in trace.members else trace.facts
        outcome.failures.extend(f"{key}.{failure}" for failure in _compare(scheme, checks, facts))
    return outcome


def _compare(scheme: SchemeAdvice, checks: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    failures: list[str] = []

    def differ(what: str, expected: Any, actual: Any) -> None:
        failures.append(f"{what}: expected {_show(expected)}, got {_show(actual)}")

    if "status" in checks and checks["status"] != scheme.status:
        differ("status", checks["status"], scheme.status)
    for key in ("amount", "amount_min", "amount_max"):
        if key in checks and not _same_amount(checks[key], getattr(scheme, key)):
            differ(key, checks[key], getattr(scheme, key))
    for key in ("refer_to", "local_policy"):
        if key in checks and checks[key] != getattr(scheme, key):
            differ(key, checks[key], getattr(scheme, key))
    amounts = {a.fact: a.value for a in scheme.amounts}
    for name, expected in (checks.get("amounts") or {}).items():
        if not _same_amount(expected, amounts.get(name)):
            differ(f"amounts.{name}", expected, amounts.get(name))
    for name, expected in (checks.get("facts") or {}).items():
        actual = facts.get(name, "(no such fact)")
        if not _same_value(expected, actual):
            differ(f"facts.{name}", expected, actual)
    listed = {
        "missing_facts": scheme.missing_facts,
        "assessed_facts": scheme.assessed_facts,
        "policy_gaps": scheme.policy_gaps,
        "obligations": [i.fact for i in scheme.obligations],
        "next_steps": [i.fact for i in scheme.next_steps],
        "discretion_points": [d.fact for d in scheme.discretion_points],
    }
    for key in LIST_CHECKS:
        if key in checks and sorted(checks[key] or []) != sorted(listed[key]):
            differ(key, sorted(checks[key] or []), sorted(listed[key]))
    deadlines = {d.fact: d.date for d in scheme.deadlines}
    for name, expected in (checks.get("deadlines") or {}).items():
        if deadlines.get(name) != expected:
            differ(f"deadlines.{name}", expected, deadlines.get(name))
    decisive = {c.rule for c in scheme.decisive_conditions}
    for rule in checks.get("decisive_rules") or []:
        if rule not in decisive:
            differ("decisive_rules", f"to include {rule}", sorted(decisive))
    return failures


def _same_amount(expected: Any, actual: Any) -> bool:
    if expected is None or actual is None:
        return expected is actual
    return Decimal(str(expected)) == Decimal(actual)


def _same_value(expected: Any, actual: Any) -> bool:
    if expected is None:
        return type(actual) is Unknown
    if type(actual) is Unknown:
        return False
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    if isinstance(expected, int | float | Decimal) and isinstance(actual, int | Decimal):
        return Decimal(str(expected)) == Decimal(actual)
    return expected == actual


def _show(value: Any) -> str:
    if type(value) is Unknown:
        return "unknown"
    if isinstance(value, Decimal):
        return str(value)
    return repr(value)
