"""`advise` is safe to call from many threads: the results equal those of a sequential run.

4,000 mixed profiles (generated households of several seeds, part of them with facts left out,
in several municipalities or none, on several peildata), in eight shards of 500. A shard is
first advised one after another. Then 8 threads start together at a barrier, on a freshly loaded
plan whose per-date caches are empty, so that the plan loading and the caches fill
concurrently. Each thread takes a quarter of the shard in its own shuffled order, so that every
profile is advised by two threads at once while eight run. Every thread builds the full advice
(explanations, questions, texts and their caches included) and its JSON; 8,000 advices over the
eight shards, compared by a digest of the JSON so that memory stays small.

Races live where caches are cold: the shards race the cold start eight times. Earlier versions
had every thread go through its whole shard (four shards, 32,000 advices): each profile was then
advised by eight threads, but after the first few hundred advices the caches are warm and a
repeat adds little but time (80 s a shard on two cores, the slowest test by far).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import random
import threading
from collections.abc import Callable
from typing import Any

import pytest

import engine
import engine.api
from engine.errors import ProfileError
from engine.model.advice import Advice
from engine.population.generate import generate

THREADS = 8
PROFILES = 4_000
SHARDS = 8
PARTS = 4  # each thread advises one part of its shard: THREADS // PARTS threads a profile
MUNICIPALITIES = ["Kerkrade", "Alphen aan den Rijn", "Westland", "Voorbeeldgemeente", "Utrecht"]
PEILDATA = [
    dt.date(2025, 1, 1),
    dt.date(2025, 6, 30),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 15),
    dt.date(2026, 7, 1),
    dt.date(2026, 12, 31),
]


def _drop_some(value: Any, rng: random.Random, rate: float) -> Any:
    """A copy with some fields left out (unknown), at any depth."""
    if isinstance(value, dict):
        return {
            k: _drop_some(v, rng, rate)
            for k, v in value.items()
            if k in ("id", "role", "members") or rng.random() >= rate
        }
    if isinstance(value, list):
        return [_drop_some(v, rng, rate) for v in value]
    return value


@functools.cache
def mixed_profiles() -> list[tuple[dict[str, Any], dt.date]]:
    rng = random.Random(20260115)
    cases: list[tuple[dict[str, Any], dt.date]] = []
    per_seed = PROFILES // 5
    for seed in (1, 2, 3, 4, 5):
        for household in generate(per_seed, seed=seed, today=dt.date(2025 + seed % 2, 3, 1)):
            profile = copy.deepcopy(household)
            kind = rng.random()
            if kind < 0.4:
                dropped = _drop_some(profile, rng, rng.choice([0.02, 0.1, 0.3]))
                try:
                    engine.profile_from_dict(dropped)
                    profile = dropped
                except ProfileError:
                    pass  # a field that may not be left out (an income without its kind)
            if kind < 0.7:
                choice = rng.choice([*MUNICIPALITIES, None])
                if choice is None:
                    profile.pop("municipality", None)
                else:
                    profile["municipality"] = choice
            cases.append((profile, rng.choice(PEILDATA)))
    assert len(cases) == PROFILES
    return cases


def _full(profile: dict[str, Any], day: dt.date, plan: Any = None) -> str:
    """A digest of the advice JSON: equal digests, equal bytes."""
    return _digest(engine.advise(profile, day, plan))


def _digest(advice: Advice) -> str:
    return hashlib.sha256(advice.to_json().encode()).hexdigest()


def _together(work: Callable[[int], None]) -> None:
    """`work(index)` in THREADS threads that start at once (a barrier), and wait for them all."""
    barrier = threading.Barrier(THREADS)

    def start(index: int) -> None:
        barrier.wait()
        work(index)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@pytest.fixture
def fresh_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    """No plan loaded yet: the first callers load it and fill its date caches together."""
    monkeypatch.setattr(engine.api, "_plans", {})
    monkeypatch.setattr(engine.api, "_default_plan", None)


@pytest.mark.slow
@pytest.mark.parametrize("shard", range(SHARDS))
def test_eight_threads_give_the_sequential_results(shard: int, fresh_plans: None) -> None:
    cases = mixed_profiles()[shard::SHARDS]
    plan = engine.load_plan()
    expected: list[str] = []
    statuses: set[str] = set()  # the household's and the applicant's (a member's has a label)
    for profile, day in cases:
        advice = engine.advise(profile, day, plan)
        expected.append(_digest(advice))
        statuses |= {s.status for s in advice.schemes if s.member_label is None}
    assert statuses >= {"eligible", "not_eligible", "undetermined"}  # a mixed population
    engine.api._plans.clear()
    engine.api._default_plan = None

    results: dict[int, list[tuple[int, Any]]] = {}
    errors: list[BaseException] = []

    def work(index: int) -> None:
        order = list(range(index % PARTS, len(cases), PARTS))
        random.Random(index).shuffle(order)
        done: list[tuple[int, Any]] = []
        try:
            for i in order:
                profile, day = cases[i]
                done.append((i, _full(profile, day)))
        except BaseException as exc:  # reported below, with the thread that raised it
            errors.append(exc)
        results[index] = done

    _together(work)
    assert errors == []
    assert sorted(results) == list(range(THREADS))
    advised = sorted(i for done in results.values() for i, _ in done)
    assert advised == sorted(list(range(len(cases))) * (THREADS // PARTS))
    assert len(cases) == PROFILES // SHARDS
    for index, done in results.items():
        mismatches = [i for i, got in done if got != expected[i]]
        assert mismatches == [], (index, mismatches[:5])
    # everyone used one plan, loaded once, whose caches now hold every (date, municipality)
    shared = engine.api.default_plan()
    assert list(engine.api._plans.values()) == [shared]
    assert {day for day, _ in shared._dated} == set(PEILDATA)


@pytest.mark.slow
def test_eight_threads_loading_the_plan_at_once_get_one_plan(fresh_plans: None) -> None:
    plans: list[Any] = []
    defaults: list[Any] = []

    def work(_: int) -> None:
        plans.append(engine.load_plan())
        defaults.append(engine.api.default_plan())

    _together(work)
    assert len(plans) == len(defaults) == THREADS
    assert len({id(p) for p in plans}) == 1
    assert {id(p) for p in defaults} == {id(plans[0])}


def test_eight_threads_asking_for_the_bundled_plan_at_once_load_it_once(
    fresh_plans: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first advices of a service's threads wait for one load instead of each loading."""
    checked = []
    check_book = engine.api.check_book
    monkeypatch.setattr(
        engine.api, "check_book", lambda book: checked.append(1) or check_book(book)
    )
    plans: list[Any] = []
    _together(lambda _: plans.append(engine.api.default_plan()))
    assert len(plans) == THREADS and len({id(p) for p in plans}) == 1
    assert len(checked) == 1


def test_plan_date_cache_filled_by_many_threads_gives_one_view_per_key(fresh_plans: None) -> None:
    plan = engine.load_plan()
    seen: list[tuple[tuple[dt.date, str | None], Any]] = []
    keys = [(day, m) for day in PEILDATA for m in ("kerkrade", "westland", None)]
    orders = [random.Random(index).sample(keys, len(keys)) for index in range(THREADS)]

    def work(index: int) -> None:
        for day, municipality in orders[index]:
            seen.append(((day, municipality), plan.on(day, municipality)))

    _together(work)
    assert len(seen) == THREADS * len(keys)
    for (day, municipality), view in seen:
        assert view.peildatum == day and view.municipality == municipality
        again = plan.on(day, municipality)
        assert view.params == again.params
        assert [s.fact for s in view.steps] == [s.fact for s in again.steps]
        assert view.rules.keys() == again.rules.keys()
