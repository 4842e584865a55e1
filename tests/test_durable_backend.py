"""The durable-rules backend: identical to native, and its known faults neutralised.

Every test that needs durable-rules is skipped, with the reason, only where the package does
not import (it builds on Python 3.11 and 3.12); the codec and the "not available" message are
tested everywhere.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import random
import signal
import sys
import threading
from decimal import Decimal
from typing import Any

import pytest

import engine
from engine.api import default_plan
from engine.backends.durable import DurableBackend, DurableBackendError, unavailable_reason
from engine.backends.durable.codec import decode, encode
from engine.errors import EngineError, EvaluationError, ProfileError
from engine.explain.outcome import outcomes
from engine.model.profile import profile_from_dict
from engine.population.generate import generate
from engine.run.evaluate import run
from engine.values import NOT_DERIVED, Unknown

pytestmark = pytest.mark.slow  # the durable-rules worker process

UNAVAILABLE = unavailable_reason()
needs_durable = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")

PEILDATA = (dt.date(2025, 3, 1), dt.date(2026, 1, 15), dt.date(2026, 7, 1))


# -- everywhere ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        Decimal("1.50"),
        Decimal("0.00"),
        Decimal("-0.00"),
        Decimal("1E+2"),
        Decimal("-751.07"),
        Decimal(1) / Decimal(3),
        dt.date(2026, 1, 15),
        NOT_DERIVED,
        Unknown(frozenset({"a", "b"})),
        ("wages", "benefit"),
        [{"bedrag": Decimal("12.30"), "datum": Unknown(frozenset({"k[0].datum"}))}],
        True,
        0,
        "text",
        None,
    ],
)
def test_codec_gives_back_exactly_what_it_took(value: Any) -> None:
    data = json.loads(json.dumps(encode(value)))
    back = decode(data)
    assert back == value and type(back) is type(value) and str(back) == str(value)


def test_codec_uses_integers_for_money_and_dates() -> None:
    assert encode(Decimal("751.07")) == {"d": [75107, -2]}
    assert encode(dt.date(2026, 1, 15)) == {"t": dt.date(2026, 1, 15).toordinal()}
    with pytest.raises(DurableBackendError):
        encode(0.5)  # a binary float never enters the engine


def test_a_missing_package_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.backends.durable.rulesets import DurableEngine

    monkeypatch.setitem(sys.modules, "durable", None)
    monkeypatch.setitem(sys.modules, "durable.engine", None)
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    with pytest.raises(DurableBackendError, match=f"not available on Python {version}"):
        DurableEngine()
    assert issubclass(DurableBackendError, EngineError)


# -- with durable-rules ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def durable() -> Any:
    if UNAVAILABLE is not None:
        pytest.skip(UNAVAILABLE)
    backend = DurableBackend()
    yield backend
    backend.close()


def _drop_fields(data: dict[str, Any], rng: random.Random, share: float) -> dict[str, Any]:
    """The profile with a random share of its leaf fields left out (they become unknown)."""
    data = copy.deepcopy(data)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key in list(node):
                if key in ("id", "role") or isinstance(node[key], (dict, list)):
                    walk(node[key])
                elif rng.random() < share:
                    del node[key]
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return data


def _cases() -> list[tuple[dict[str, Any], dt.date]]:
    rng = random.Random(381)
    cases = []
    for index, peildatum in enumerate(PEILDATA):
        for number, data in enumerate(generate(120, seed=11 + index, today=peildatum)):
            if number % 3:
                data = _drop_fields(data, rng, share=rng.choice((0.05, 0.2, 0.5)))
            if number % 10 == 7:
                data.pop("municipality", None)  # local figures unknown: a policy gap
            cases.append((data, peildatum))
    return cases


@needs_durable
def test_durable_equals_native_on_generated_profiles(durable: DurableBackend) -> None:
    plan = durable.plan
    compared = unknown = 0
    for data, peildatum in _cases():
        try:
            profile = profile_from_dict(data)
        except ProfileError:
            continue  # a dropped field that the profile requires: not a case for a backend
        native = run(plan, profile, peildatum)
        trace = durable.evaluate(profile, peildatum)
        assert outcomes(trace) == outcomes(native)
        assert trace.facts == native.facts
        assert list(trace.facts) == list(native.facts)
        assert trace.decided_by == native.decided_by
        assert trace.conflicts == native.conflicts
        compared += 1
        unknown += any(o.status == "undetermined" for o in outcomes(native))
    assert compared >= 300
    assert unknown >= 50  # the unknowns are exercised, not just complete profiles


@needs_durable
@pytest.mark.parametrize("peildatum", [dt.date(2026, 1, 15), dt.date(2027, 1, 15)])
def test_durable_gives_the_same_advice(
    durable: DurableBackend, example: dict, peildatum: dt.date
) -> None:
    """Also past the bundled figures (2027), where the norms are unknown figures."""
    profiles = [example, *generate(10, seed=5, today=peildatum)]
    for data in profiles:
        profile = profile_from_dict(data)
        native = engine.advise(profile, peildatum, durable.plan, "en")  # with member outcomes
        assert durable.advise(profile, peildatum, lang="en").to_json() == native.to_json()


@needs_durable
def test_a_date_before_coverage_is_the_native_error(durable: DurableBackend, example) -> None:
    with pytest.raises(EvaluationError, match="lies before that period"):
        durable.evaluate(example, dt.date(2024, 12, 31))


@needs_durable
def test_a_crash_of_the_c_core_is_a_clean_error_and_the_caller_goes_on(example: dict) -> None:
    """Issue #381 of durable-rules: a ruleset whose two rules share a join and differ only in
    a fact-to-fact comparison makes the C core die with SIGSEGV. Here it does, for real, in
    the worker; the caller gets an error and the next evaluation runs in a new worker."""
    peildatum = dt.date(2026, 1, 15)
    with DurableBackend() as backend:
        expected = outcomes(backend.evaluate(example, peildatum))
        with pytest.raises(DurableBackendError, match=r"crashed \(exit code -11, SIGSEGV\)"):
            backend._ask("upstream-crash")
        assert outcomes(backend.evaluate(example, peildatum)) == expected
        assert backend.restarts == 1


@needs_durable
def test_any_death_of_the_worker_is_a_clean_error(durable: DurableBackend, example) -> None:
    peildatum = dt.date(2026, 1, 15)
    with pytest.raises(DurableBackendError, match="crashed") as caught:
        durable._ask("signal", signal.SIGKILL)
    assert "restarts on the next call" in str(caught.value)
    assert outcomes(durable.evaluate(example, peildatum))


# -- the adapter in this process --------------------------------------------------------------


@pytest.fixture
def engine_here() -> Any:
    if UNAVAILABLE is not None:
        pytest.skip(UNAVAILABLE)
    from engine.backends.durable.rulesets import DurableEngine

    return DurableEngine()


def _inputs(example: dict, peildatum: dt.date) -> tuple[Any, Any]:
    from engine.backends.durable.trace import start_trace

    trace = start_trace(default_plan(), profile_from_dict(example), peildatum)
    return trace.dated, trace.facts


def test_no_background_threads_and_sessions_are_freed(engine_here, example) -> None:
    threads = threading.active_count()
    dated, facts = _inputs(example, dt.date(2026, 1, 15))
    # What is tested is the sessions, not the rules: the first 20 steps (they read only inputs
    # and each other) as a ruleset of their own (another date), so that 1,030 runs take seconds
    small = dataclasses.replace(dated, steps=dated.steps[:20], peildatum=dt.date(2026, 1, 17))
    for _ in range(1030):  # beyond the 1024 live sessions durable-rules allows per ruleset
        records = engine_here.derive(default_plan(), small, facts)
        assert len(records) == 20  # each session ran its steps
    assert engine_here._sessions == {}
    assert threading.active_count() == threads


def test_a_ruleset_is_registered_once_per_plan_date_and_municipality(engine_here, example):
    plan = default_plan()
    for peildatum in (dt.date(2026, 1, 15), dt.date(2026, 1, 15), dt.date(2026, 2, 1)):
        dated, facts = _inputs(example, peildatum)
        engine_here.derive(plan, dated, facts)
    assert engine_here.rulesets == 2
    other = copy.deepcopy(example) | {"municipality": "Kerkrade"}
    dated, facts = _inputs(other, dt.date(2026, 1, 15))
    engine_here.derive(plan, dated, facts)
    assert engine_here.rulesets == 3


def test_an_exception_in_an_action_is_raised_without_personal_data(engine_here, example):
    dated, facts = _inputs(example, dt.date(2026, 1, 15))
    step = dated.steps[5]

    def failing(ctx: Any) -> Any:
        raise RuntimeError("secret value 1234")

    broken = dataclasses.replace(
        step, candidates=tuple(dataclasses.replace(c, when=failing) for c in step.candidates)
    )
    steps = (*dated.steps[:5], broken, *dated.steps[6:])
    bad = dataclasses.replace(dated, steps=steps, peildatum=dt.date(2026, 1, 16))
    with pytest.raises(DurableBackendError, match=f"deriving '{step.fact}': RuntimeError") as e:
        engine_here.derive(default_plan(), bad, facts)
    assert "1234" not in str(e.value)
    assert engine_here._sessions == {}


def test_a_missing_parameter_is_the_native_evaluation_error(engine_here, example) -> None:
    dated, facts = _inputs(example, dt.date(2026, 1, 15))
    bare = dataclasses.replace(dated, params={}, peildatum=dt.date(2026, 1, 17))
    with pytest.raises(EvaluationError, match="has no value on 2026-01-17"):
        engine_here.derive(default_plan(), bare, facts)


@needs_durable
def test_one_backend_shared_by_threads_gives_each_its_own_answer(
    durable: DurableBackend,
) -> None:
    """Issue 25: two threads, one backend, 20 households each: before the lock, 6 to 43 of the
    advices were another household's and some calls raised UnpicklingError."""
    peildatum = dt.date(2026, 1, 15)
    households = [profile_from_dict(d) for d in generate(40, seed=25, today=peildatum)]
    expected = [outcomes(engine.evaluate(p, peildatum, durable.plan)) for p in households]
    got: dict[int, Any] = {}
    failures: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(part: range) -> None:
        barrier.wait()
        try:
            for _ in range(3):
                for index in part:
                    got[index] = outcomes(durable.evaluate(households[index], peildatum))
                    assert got[index] == expected[index], index
        except BaseException as exc:  # reported below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(range(k, 40, 2),)) for k in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert [got[i] for i in range(40)] == expected
