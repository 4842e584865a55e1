"""The synthetic population: seeded, prefix-stable, valid as profiles, calibrated to marginals.yaml."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import PEILDATUM, examples, sized

from engine.model.profile import profile_from_dict
from engine.population.generate import household_batches, write_population
from engine.population.marginals import MARGINALS_FILE, MarginalsError, load_marginals
from engine.population.table import LIST_COLUMNS, profile_of, read_batches

COUPLES = ("couple_no_children", "couple_with_children")
WITH_CHILDREN = ("single_parent", "couple_with_children")


def table(count: int, seed: int) -> pa.Table:
    return pa.Table.from_batches(list(household_batches(count, seed, PEILDATUM)))


def rows(count: int, seed: int) -> list[dict[str, Any]]:
    return [row for batch in household_batches(count, seed, PEILDATUM) for row in batch.to_pylist()]


def age(born: dt.date, on: dt.date = PEILDATUM) -> int:
    """Whole years, as the law counts them."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


# --- seeds -----------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_households() -> None:
    assert table(500, 7).equals(table(500, 7))


def test_another_seed_gives_other_households() -> None:
    seven, eight = table(500, 7), table(500, 8)
    assert seven.column("household_id").equals(eight.column("household_id"))  # H000000001, ...
    for name in ("applicant_birth_date", "bank_and_cash", "housing_costs_monthly"):
        assert not seven.column(name).equals(eight.column(name)), name


def test_the_first_households_do_not_depend_on_the_population_size() -> None:
    """70,000 spans two seeded blocks of 65,536: its first 1,000 are a population of 1,000."""
    first_block = next(household_batches(70_000, 3, PEILDATUM))
    small = next(household_batches(1_000, 3, PEILDATUM))
    differing = [
        name
        for name in small.schema.names
        if not first_block.slice(0, 1_000).column(name).equals(small.column(name))
    ]
    assert differing == []


def test_the_second_block_is_prefix_stable_too() -> None:
    """Households 65,537 to 65,600 are the same in a population of 65,600 and of 70,000."""
    _, short = household_batches(65_600, 3, PEILDATUM)
    _, long = household_batches(70_000, 3, PEILDATUM)
    assert short.num_rows == 64
    assert long.slice(0, 64).equals(short)


def test_households_are_numbered_without_gaps_across_blocks() -> None:
    ids = pa.Table.from_batches(list(household_batches(65_540, 1, PEILDATUM))).column(
        "household_id"
    )
    assert ids[0].as_py() == "H000000001"
    assert ids[65_535].as_py() == "H000065536"
    assert ids[65_536].as_py() == "H000065537"  # first of the second block
    assert len(set(ids.to_pylist())) == 65_540


def test_a_population_size_out_of_range_is_refused() -> None:
    from engine.population.table import PopulationError

    with pytest.raises(PopulationError, match="0 to"):
        next(household_batches(-1, 1, PEILDATUM))


# --- every household is a valid profile ------------------------------------------------------


def test_every_generated_household_is_a_valid_profile() -> None:
    for row in rows(3_000, 5):
        profile_from_dict(profile_of(row))  # raises ProfileError naming the field at fault


@settings(max_examples=examples(25))
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), count=st.integers(0, 40))
def test_any_seed_gives_valid_profiles(seed: int, count: int) -> None:
    generated = rows(count, seed)
    assert len(generated) == count
    for row in generated:
        profile = profile_from_dict(profile_of(row))
        adults = 2 if row["household_type"] in COUPLES else 1
        children = len(row["children_birth_dates"] or ())
        housemates = len(row["housemate_birth_dates"] or ())
        assert len(profile.members) == adults + children + housemates


# --- calibration against marginals.yaml ------------------------------------------------------

# 200,000 households; a fifth in the fast loop, where the 4-standard-error bounds of `within`
# widen with the smaller sample (about 0.01 at most), so a wrong share is still caught there.
CALIBRATION_SIZE = sized(200_000)


@pytest.fixture(scope="module")
def big() -> list[dict[str, Any]]:
    return rows(CALIBRATION_SIZE, 11)


def within(observed: Counter, total: int, expected: dict[str, float]) -> dict[str, tuple]:
    """Categories whose observed share is more than 4 standard errors from the expected share.

    A share p over n independent draws has standard error sqrt(p(1-p)/n); over 200,000
    households 4 SE is at most 0.0045 and a correct generator strays that far in about 1 in
    15,000 comparisons, while a wrong share (say 0.30 for 0.29) is caught. Expected shares are
    normalised as the generator does: published shares are rounded and may not add to 1.
    """
    norm = sum(expected.values())
    off = {}
    for key, share in expected.items():
        p = share / norm
        seen = observed.get(key, 0) / total
        if abs(seen - p) > 4 * math.sqrt(p * (1 - p) / total):
            off[key] = (round(seen, 4), round(p, 4))
    assert set(observed) <= set(expected), set(observed) - set(expected)
    return off


def test_household_types_follow_the_marginal(big: list[dict[str, Any]]) -> None:
    shares = {k: float(v) for k, v in load_marginals().shares("household_type").items()}
    assert within(Counter(r["household_type"] for r in big), len(big), shares) == {}


def test_municipalities_follow_the_marginal(big: list[dict[str, Any]]) -> None:
    shares = {k: float(v) for k, v in load_marginals().shares("municipality").items()}
    assert within(Counter(r["municipality"] for r in big), len(big), shares) == {}


def applicant_age_band(born: dt.date) -> str:
    """The published band of the applicant's age on the peildatum, by the calendar."""
    years = age(born)
    for key, band in load_marginals().value("applicant_age", "bands").items():
        if int(band["low"]) <= years <= int(band["high"]):
            return key
    return f"outside the bands: {years}"


def test_applicant_ages_follow_the_published_bands(big: list[dict[str, Any]]) -> None:
    bands = load_marginals().value("applicant_age", "bands")
    shares = {k: float(b["share"]) for k, b in bands.items()}
    observed = Counter(applicant_age_band(r["applicant_birth_date"]) for r in big)
    inside = Counter({k: n for k, n in observed.items() if k in shares})
    assert within(inside, sum(inside.values()), shares) == {}


def test_every_applicant_is_of_an_age_the_bands_allow(big: list[dict[str, Any]]) -> None:
    """18 to 66 on the peildatum: bijstand is for adults under the AOW age."""
    outside = Counter(
        applicant_age_band(r["applicant_birth_date"])
        for r in big
        if applicant_age_band(r["applicant_birth_date"]).startswith("outside")
    )
    assert outside == Counter()


def test_problematic_debts_and_housemates_follow_their_shares(big: list[dict[str, Any]]) -> None:
    m = load_marginals()
    debts = float(m.value("problematic_debts", "share_bijstand"))
    observed = Counter(str(r["problematic_debts"]) for r in big)
    assert within(observed, len(big), {"True": debts, "False": 1 - debts}) == {}

    housemates = float(m.value("housemates", "share"))
    observed = Counter(str(bool(r["housemate_birth_dates"])) for r in big)
    assert within(observed, len(big), {"True": housemates, "False": 1 - housemates}) == {}


def test_debts_are_recorded_only_for_indebted_households(big: list[dict[str, Any]]) -> None:
    for r in big[:20_000]:
        assert (r["total_debts"] > 0) == r["problematic_debts"], r["household_id"]


def test_housemates_are_adults_within_the_assumed_ages(big: list[dict[str, Any]]) -> None:
    m = load_marginals()
    low, high = int(m.value("housemate_age", "low")), int(m.value("housemate_age", "high"))
    ages = [age(b) for r in big for b in r["housemate_birth_dates"] or ()]
    assert ages and min(ages) == low and max(ages) == high
    under_27 = sum(a < 27 for a in ages) / len(ages)  # those the 2023 change left out
    expected = (27 - low) / (high - low + 1)
    assert abs(under_27 - expected) < 4 * math.sqrt(expected * (1 - expected) / len(ages))


def test_children_are_minors_at_least_16_years_younger_than_the_applicant(
    big: list[dict[str, Any]],
) -> None:
    too_old, too_close = [], []
    for r in big:
        for born in r["children_birth_dates"] or ():
            if not 0 <= age(born) <= 17:
                too_old.append(r["household_id"])
            if age(r["applicant_birth_date"], on=born) < 16:  # the applicant's age at the birth
                too_close.append(r["household_id"])
    assert too_old == []
    assert too_close == [], f"{len(too_close)} children, e.g. {too_close[:3]}"


def test_children_and_partners_only_where_the_household_type_has_them(
    big: list[dict[str, Any]],
) -> None:
    for r in big:
        kind = r["household_type"]
        assert (r["partner_birth_date"] is not None) == (kind in COUPLES), r["household_id"]
        assert (r["partner_net_wages"] is not None) == (kind in COUPLES), r["household_id"]
        assert bool(r["children_birth_dates"]) == (kind in WITH_CHILDREN), r["household_id"]


# --- files ----------------------------------------------------------------------------------


def test_the_parquet_file_says_it_is_synthetic_and_from_which_marginals(tmp_path: Path) -> None:
    path = tmp_path / "pop.parquet"
    write_population(path, 100, 42, PEILDATUM)
    metadata = pq.read_schema(path).metadata
    assert metadata[b"synthetic"] == b"true"
    assert metadata[b"seed"] == b"42"
    assert metadata[b"peildatum"] == b"2026-01-15"
    assert (
        metadata[b"marginals_sha256"]
        == hashlib.sha256(MARGINALS_FILE.read_bytes()).hexdigest().encode()
    )
    assert b"SYNTHETIC" in metadata[b"label"]
    assert pq.ParquetFile(path).metadata.num_rows == 100


def test_csv_and_parquet_of_one_seed_read_back_as_the_same_households(tmp_path: Path) -> None:
    write_population(tmp_path / "pop.csv", 300, 9, PEILDATUM)
    write_population(tmp_path / "pop.parquet", 300, 9, PEILDATUM)
    csv_rows = [r for chunk in read_batches(tmp_path / "pop.csv", 64) for r in chunk]
    parquet_rows = [r for chunk in read_batches(tmp_path / "pop.parquet", 64) for r in chunk]
    assert len(csv_rows) == len(parquet_rows) == 300

    def same(row: dict[str, Any]) -> dict[str, Any]:
        # A CSV cell cannot tell an empty list from an unknown one; profiles treat both as none.
        return {k: (v or []) if k in LIST_COLUMNS else v for k, v in row.items()}

    assert [same(r) for r in csv_rows] == [same(r) for r in parquet_rows]
    assert [profile_of(r) for r in csv_rows] == [profile_of(r) for r in parquet_rows]
    assert any(isinstance(r["bank_and_cash"], Decimal) for r in csv_rows)  # money stays exact


def test_write_population_refuses_other_file_kinds(tmp_path: Path) -> None:
    from engine.population.table import PopulationError

    with pytest.raises(PopulationError, match=r"\.parquet or \.csv"):
        write_population(tmp_path / "pop.xlsx", 10, 1, PEILDATUM)


# --- marginals validation -------------------------------------------------------------------


def marginals_file(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "marginals.yaml"
    path.write_text(f"label: test\nmarginals:\n{entry}", encoding="utf-8")
    return path


def test_the_shipped_marginals_load_and_have_the_generators_entries() -> None:
    m = load_marginals()
    for name in ("household_type", "applicant_age", "municipality", "housemates", "residence"):
        assert m.entry(name).status in ("documented", "partly_documented", "assumption")
    assert m.entry("applicant_age").status == "documented"
    assert "CBS" in m.entry("applicant_age").source


def test_a_documented_entry_without_source_is_refused_by_name(tmp_path: Path) -> None:
    path = marginals_file(
        tmp_path,
        "  huurprijs:\n    describes: rent\n    status: documented\n    mean: 582\n",
    )
    with pytest.raises(MarginalsError, match="'huurprijs'"):
        load_marginals(path)


def test_an_assumption_without_reason_is_refused_by_name(tmp_path: Path) -> None:
    path = marginals_file(tmp_path, "  gokje:\n    status: assumption\n    share: 0.5\n")
    with pytest.raises(MarginalsError, match="'gokje'"):
        load_marginals(path)


def test_shares_that_do_not_add_up_to_one_are_refused_by_name(tmp_path: Path) -> None:
    path = marginals_file(
        tmp_path,
        "  soort:\n    status: assumption\n    reason: test\n    shares: {a: 0.5, b: 0.4}\n",
    )
    with pytest.raises(MarginalsError, match=r"'soort' add up to 0\.9"):
        load_marginals(path)


def test_band_shares_that_do_not_add_up_to_one_are_refused_by_name(tmp_path: Path) -> None:
    path = marginals_file(
        tmp_path,
        "  leeftijd:\n    status: assumption\n    reason: test\n    bands:\n"
        "      jong: {low: 18, high: 26, share: 0.6}\n"
        "      oud: {low: 27, high: 66, share: 0.6}\n",
    )
    with pytest.raises(MarginalsError, match=r"'leeftijd' add up to 1\.2"):
        load_marginals(path)


def test_rounded_shares_within_the_tolerance_are_accepted(tmp_path: Path) -> None:
    path = marginals_file(
        tmp_path,
        "  soort:\n    status: assumption\n    reason: rounded\n"
        "    shares: {a: 0.333, b: 0.333, c: 0.333}\n",
    )
    shares = load_marginals(path).shares("soort")
    assert {k: Decimal(str(v)) for k, v in shares.items()} == dict.fromkeys("abc", Decimal("0.333"))
