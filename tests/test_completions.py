"""The completion check: what the engine decides on a partial profile, every completion keeps.

Partial profiles are scenario profiles and generated households with 1-6 fields deleted (a
field left out is unknown). Completions fill the deleted fields again: with the original value,
with a value another profile has for the same field, or with a fresh one of the field's kind
(yes/no, an amount, a count, a date near the peildatum, a shorter list). For every scheme, a
decided status, a known amount, a known deadline and a known duty of the partial profile must
be those of every valid completion. Outcomes are read through the functions the advice and the
batch read them with (engine/explain/outcome.py), so later work on deciding more is held to
this too.

A self-check plants an unsound `not` (an unknown read as "no", the classic error) and asserts
that the property finds the counterexample.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from support import ROOT, examples, plain

import engine
from engine.api import check_rules
from engine.compile.plan import Plan
from engine.errors import ProfileError
from engine.explain.outcome import fact_value, outcomes
from engine.lang import compile as lang_compile
from engine.model.profile import Profile, profile_from_dict
from engine.population.generate import generate
from engine.run.evaluate import run
from engine.scenarios.suite import find_files, load_file
from engine.values import Unknown

PLAN = engine.load_plan()
STRUCTURE = {"id", "role", "members"}  # deleting these changes who is in the household
COMPARED_KINDS = ("amount", "deadline", "obligation")  # besides the status
Path = tuple[Any, ...]


def _sources() -> list[tuple[dict[str, Any], dt.date]]:
    found: dict[str, tuple[dict[str, Any], dt.date]] = {}
    for file in find_files([ROOT / "scenarios"]):
        for scenario in load_file(file):
            profile = plain(scenario.profile)
            key = json.dumps([profile, scenario.peildatum], sort_keys=True, default=str)
            found.setdefault(key, (profile, scenario.peildatum))
    scenarios = [found[key] for key in sorted(found)]
    day = dt.date(2026, 3, 1)
    households = [(plain(p), day) for p in generate(60, seed=20, today=day)]
    return scenarios + households


SOURCES = _sources()


def leaf_paths(node: Any, path: Path = ()) -> Iterator[Path]:
    """Every field that can be deleted: any key but the household's structure, at any depth."""
    if isinstance(node, dict):
        for key in sorted(node):
            if key in STRUCTURE:
                yield from leaf_paths(node[key], (*path, key))
                continue
            yield (*path, key)
            yield from leaf_paths(node[key], (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from leaf_paths(item, (*path, index))


def _vocabulary() -> dict[str, list[Any]]:
    """Per field name, the values the source profiles give it: realistic completions."""
    seen: dict[str, dict[str, Any]] = defaultdict(dict)
    for profile, _ in SOURCES:
        for path in leaf_paths(profile):
            value = get(profile, path)
            if value is None or isinstance(value, dict | list):
                continue  # None is unknown: no completion
            seen[str(path[-1])][json.dumps(value, default=str, sort_keys=True)] = value
    return {name: [values[k] for k in sorted(values)] for name, values in seen.items()}


def get(node: Any, path: Path) -> Any:
    for part in path:
        node = node[part]
    return node


def put(node: Any, path: Path, value: Any) -> None:
    get(node, path[:-1])[path[-1]] = value


def delete(node: Any, path: Path) -> None:
    del get(node, path[:-1])[path[-1]]


VOCABULARY = _vocabulary()


def fresh_value(data: st.DataObject, name: str, original: Any, day: dt.date) -> Any:
    """A completion of one deleted field: the original, another profile's, or a new one."""
    choices: list[st.SearchStrategy[Any]] = [st.just(original)]
    if VOCABULARY.get(name):
        choices.append(st.sampled_from(VOCABULARY[name]))
    if isinstance(original, bool):
        choices.append(st.booleans())
    elif isinstance(original, int):
        choices.append(st.integers(0, 60))
    elif isinstance(original, float | Decimal):
        choices.append(st.decimals(0, 5_000, places=2).map(Decimal))
    elif isinstance(original, dt.date) or _is_date_text(original):
        near = st.dates(day - dt.timedelta(days=3 * 365), day + dt.timedelta(days=365))
        choices.append(near.map(str) if isinstance(original, str) else near)
    elif isinstance(original, list):
        choices.append(st.sampled_from([[], original[:1]]))
    return data.draw(st.one_of(choices), label=f"value of {name}")


def _is_date_text(value: Any) -> bool:
    try:
        return isinstance(value, str) and dt.date.fromisoformat(value) is not None
    except ValueError:
        return False


def validated(document: dict[str, Any]) -> Profile | None:
    try:
        return profile_from_dict(document)
    except ProfileError:
        return None


def decided(plan: Plan, profile: Profile, day: dt.date) -> dict[tuple[str, str], Any]:
    """What the run decided: per scheme its status (if known: not undetermined, and not a
    referral that waits on another body's assessment) and every known amount,
    deadline and duty, read as the advice and the batch read them."""
    trace = run(plan, profile, day)
    found: dict[tuple[str, str], Any] = {}
    for outcome in outcomes(trace):
        status = fact_value(trace, plan.schemes[outcome.scheme].spec.outputs.status)
        if type(status) is not Unknown:  # not undetermined, nor referred to another body's
            found[(outcome.scheme, "status")] = outcome.status  # assessment (that decides)
        for fact, value, _ in outcome.amounts:
            found[(outcome.scheme, fact)] = value
        for kind in COMPARED_KINDS[1:]:
            for fact in plan.scheme_outputs[outcome.scheme][kind]:
                value = fact_value(trace, fact)
                if type(value) is not Unknown:
                    found[(outcome.scheme, fact)] = value
    return found


def check_completions(plan: Plan, data: st.DataObject) -> None:
    original, day = data.draw(st.sampled_from(SOURCES), label="source")
    paths = list(leaf_paths(original))
    partial = plain(original)
    deleted: list[Path] = []
    for _ in range(data.draw(st.integers(1, 6), label="deletions")):
        path = data.draw(st.sampled_from(paths), label="delete")
        if any(path[: len(d)] == d or d[: len(path)] == path for d in deleted):
            continue  # already gone, or holds a field already deleted
        trial = plain(partial)
        delete(trial, path)
        if validated(trial) is not None:  # some fields may not be left out alone
            partial, deleted = trial, [*deleted, path]
    profile = validated(partial)
    assert profile is not None
    before = decided(plan, profile, day)
    for _ in range(data.draw(st.integers(1, 3), label="completions")):
        complete = plain(partial)
        for path in sorted(deleted, key=len):
            put(complete, path, fresh_value(data, str(path[-1]), get(original, path), day))
        completed = validated(complete)
        if completed is None:
            continue  # a combination the profile model refuses is no completion
        after = decided(plan, completed, day)
        changed = {k: (v, after.get(k)) for k, v in before.items() if after.get(k) != v}
        assert not changed, f"deleted {deleted}: decided on the partial profile, then {changed}"


@settings(max_examples=examples(500))
@given(data=st.data())
def test_what_a_partial_profile_decides_every_completion_keeps(data: st.DataObject) -> None:
    check_completions(PLAN, data)


def _unsound_not(inner: Callable) -> Callable:
    """A `not` that guesses: an unknown read as "no", so `not unknown` is true."""

    def evaluate(ctx: Any) -> Any:
        value = inner(ctx)
        return True if type(value) is Unknown else not value

    return evaluate


def test_the_check_finds_a_planted_unsound_operator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lang_compile, "_not", _unsound_not)
    checked = check_rules()
    unsound = Plan(checked, "planted")

    # It stops at the first counterexample (no shrinking), so the budget is only a bound.
    @settings(max_examples=1_000, phases=[Phase.generate], print_blob=False)
    @given(data=st.data())
    def property_on_the_unsound_plan(data: st.DataObject) -> None:
        check_completions(unsound, data)

    with pytest.raises(AssertionError, match="decided on the partial profile"):
        property_on_the_unsound_plan()
