"""The vector backend gives every household the same outcomes as the native backend.

Differential: households from the synthetic generator and from the property strategies, with
facts knocked out at random (unknowns), in every municipality with a policy file, one without
and one unnamed, on several peildata; over 10,000 households in all.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute
import pyarrow.parquet as pq
import pytest
from households import write_csv
from hypothesis import given, settings
from hypothesis import strategies as st
from support import examples, sized
from test_properties import households

import engine
from engine.backends.vector.evaluate import run_vector
from engine.batch import run_batch
from engine.bundled import bundled_root
from engine.errors import EvaluationError
from engine.explain.outcome import outcomes
from engine.model.profile import Profile, profile_from_dict
from engine.population.generate import generate, household_batches, write_population
from engine.population.table import COLUMNS, to_csv_cells

PLAN = engine.load_plan()
MUNICIPALITIES = [m.spec.name for m in PLAN.municipalities.values()] + ["Utrecht", None]
PEILDATA = [
    dt.date(2025, 1, 1),
    dt.date(2025, 7, 1),
    dt.date(2026, 1, 15),
    dt.date(2026, 12, 31),
    dt.date(2027, 1, 15),  # past the bundled figures: the norms unknown (issue 26)
]
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


@settings(max_examples=examples(40))
@given(
    seed=st.integers(0, 10**6),
    rate=st.sampled_from([0.0, 0.02, 0.1, 0.3]),
    on=st.sampled_from(PEILDATA),
)
def test_generated_households_with_unknowns(seed: int, rate: float, on: dt.date) -> None:
    rng = random.Random(seed)
    profiles = []
    for profile in generate(sized(BATCH), seed, on):
        profile["municipality"] = rng.choice(MUNICIPALITIES)
        profiles.append(profile_from_dict(knock_out(profile, rng, rate)))
    assert_same(profiles, on)


@settings(max_examples=examples(12))
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


def test_a_peildatum_before_the_rules_is_refused_as_natively() -> None:
    profile = profile_from_dict(generate(1, 1)[0])
    with pytest.raises(EvaluationError, match="lies before that period"):
        run_vector(PLAN, [profile], dt.date(2024, 12, 31))


def test_past_the_bundled_figures_both_backends_agree() -> None:
    """Issue 26: on 2027 dates the norms are unknown figures on both paths alike."""
    profiles = [profile_from_dict(p) for p in generate(200, 5)]
    example = engine.profile_from_file(
        bundled_root() / "examples" / "alleenstaande-met-huisgenoot.yaml"
    ).model_dump()
    example["members"] = [{**example["members"][0], "incomes": []}]
    example["assets"] = {"bank_and_cash": 0, "other_possessions": 0, "debts": 0}
    without_means = profile_from_dict(example)  # eligible whatever the norm: native settles it
    assert_same([*profiles, without_means], dt.date(2027, 1, 15))
    (result,) = run_vector(PLAN, [without_means], dt.date(2027, 1, 15))
    assert next(o.status for o in result if o.scheme == "algemene_bijstand") == "eligible"


# --- batch runs: the table read column-wise gives the results of a profile per household -----


def batch_results(population: Path, tmp_path: Path, backend: str) -> pa.Table:
    out = tmp_path / f"{backend}.parquet"
    run_batch(population, out, PLAN, dt.date(2026, 1, 15), 700, backend=backend)
    return pq.read_table(out)


def test_batch_results_are_identical_on_both_backends(tmp_path: Path) -> None:
    population = tmp_path / "population.parquet"
    households = sized(3_000)
    write_population(population, households, 17, dt.date(2026, 1, 15))
    native_results = batch_results(population, tmp_path, "native")
    assert native_results.num_rows == households * len(PLAN.schemes)
    assert batch_results(population, tmp_path, "vector").equals(native_results)


def test_unknown_and_unreadable_cells_give_identical_results(tmp_path: Path) -> None:
    """Empty cells (unknown) everywhere, a few cells that cannot be read, and rows that do not
    validate (a negative amount, a permit that does not exist): the same on both backends."""
    rng = random.Random(5)
    rows = [
        to_csv_cells(r)
        for b in household_batches(600, 3, dt.date(2026, 1, 15))
        for r in b.to_pylist()
    ]
    for row in rows:
        for column in COLUMNS[1:]:
            if rng.random() < 0.04:
                row[column] = None
    rows[7]["bank_and_cash"] = "veel"
    rows[8]["applicant_birth_date"] = "1990-02-30"
    rows[9]["total_debts"] = "-5.00"
    rows[10]["residence_permit"] = "z"
    rows[11]["household_type"] = "martian"
    population = write_csv(tmp_path / "population.csv", rows)
    native_results = batch_results(population, tmp_path, "native")
    invalid = native_results.filter(pa.compute.equal(native_results["status"], "invalid"))
    assert invalid.num_rows >= 5
    assert batch_results(population, tmp_path, "vector").equals(native_results)
