"""The vector backend gives every household the same outcomes as the native backend.

Differential: households from the synthetic generator and from the property strategies, with
facts knocked out at random (unknowns), in every municipality with a policy file, one without
and one unnamed, on several peildata; over 10,000 households in all.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import households

import engine
from engine.backends.vector.evaluate import run_vector
from engine.bundled import bundled_root
from engine.errors import EvaluationError
from engine.explain.outcome import outcomes
from engine.model.profile import Profile, profile_from_dict
from engine.population.generate import generate

PLAN = engine.load_plan()
MUNICIPALITIES = [m.spec.name for m in PLAN.municipalities.values()] + ["Utrecht", None]
PEILDATA = [dt.date(2025, 1, 1), dt.date(2025, 7, 1), dt.date(2026, 1, 15), dt.date(2026, 12, 31)]
REQUIRED = {
    "members",
    "id",
    "role",
    "kind",
    "net_monthly",
    "description",
    "amount",
}  # needed to be valid
BATCH = 250


def knock_out(value: Any, rng: random.Random, rate: float) -> Any:
    """The profile with some of its facts left out: those become unknown."""
    if isinstance(value, dict):
        return {
            k: knock_out(v, rng, rate)
            for k, v in value.items()
            if k in REQUIRED or rng.random() >= rate
        }
    if isinstance(value, list):
        return [knock_out(v, rng, rate) for v in value]
    return value


def native(profile: Profile, on: dt.date) -> Any:
    try:
        return outcomes(engine.evaluate(profile, on, PLAN))
    except EvaluationError:
        return None  # the vector backend reports None for a household native cannot run


def assert_same(profiles: list[Profile], on: dt.date) -> None:
    vector = run_vector(PLAN, profiles, on)
    for index, (profile, got) in enumerate(zip(profiles, vector, strict=True)):
        expected = native(profile, on)
        assert got == expected, f"household {index}: vector {got} != native {expected}"


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    seed=st.integers(0, 10**6),
    rate=st.sampled_from([0.0, 0.02, 0.1, 0.3]),
    on=st.sampled_from(PEILDATA),
)
def test_generated_households_with_unknowns(seed: int, rate: float, on: dt.date) -> None:
    rng = random.Random(seed)
    profiles = []
    for profile in generate(BATCH, seed, on):
        profile["municipality"] = rng.choice(MUNICIPALITIES)
        profiles.append(profile_from_dict(knock_out(profile, rng, rate)))
    assert_same(profiles, on)


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(households(), min_size=40, max_size=40), st.integers(0, 10**6))
def test_property_households_with_unknowns(batch: list, seed: int) -> None:
    rng = random.Random(seed)
    on = batch[0][1]
    profiles = []
    for profile, _ in batch:
        profile = copy.deepcopy(profile)
        profile["municipality"] = rng.choice(MUNICIPALITIES)
        profiles.append(profile_from_dict(knock_out(profile, rng, rng.choice([0.0, 0.05, 0.2]))))
    assert_same(profiles, on)


def test_an_empty_batch_gives_nothing() -> None:
    assert run_vector(PLAN, [], dt.date(2026, 1, 15)) == []


def test_the_example_household_matches_its_scenario_figure() -> None:
    profile = engine.profile_from_file(
        bundled_root() / "examples" / "alleenstaande-met-huisgenoot.yaml"
    )
    (result,) = run_vector(PLAN, [profile], dt.date(2026, 1, 15))
    assert result is not None
    bijstand = next(o for o in result if o.scheme == "algemene_bijstand")
    assert (bijstand.status, str(bijstand.amount)) == ("eligible", "751.07")


@pytest.mark.parametrize("on", [dt.date(2024, 12, 31), dt.date(2027, 1, 1)])
def test_a_peildatum_outside_the_rules_is_refused_as_natively(on: dt.date) -> None:
    profile = profile_from_dict(generate(1, 1)[0])
    with pytest.raises(EvaluationError, match="lies outside that period"):
        run_vector(PLAN, [profile], on)
