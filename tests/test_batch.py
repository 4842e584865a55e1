"""Batch runs: one result row per household and scheme, streamed in chunks, invalid rows named."""

from __future__ import annotations

import gc
import subprocess
import sys
import tracemalloc
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from households import household, write_csv
from support import PEILDATUM, ROOT

from engine.batch import read_results, run_batch
from engine.diff import resolve
from engine.population.generate import write_population
from engine.population.table import COLUMNS, PopulationError

PLAN = resolve("bundled")
SCHEMES = set(PLAN.schemes)


def results(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Result rows per household."""
    out: dict[str, list[dict[str, Any]]] = {}
    for row in read_results(path):
        out.setdefault(row["household_id"], []).append(row)
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pop") / "pop.parquet"
    write_population(path, 50, 4, PEILDATUM)
    return path


def test_one_row_per_household_and_scheme(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "res.parquet"
    summary = run_batch(generated, out, PLAN, PEILDATUM)
    per_household = results(out)
    assert (summary.households, summary.invalid) == (50, 0)
    assert pq.ParquetFile(out).metadata.num_rows == 50 * len(SCHEMES)
    assert len(per_household) == 50
    for rows in per_household.values():
        assert sorted(r["scheme"] for r in rows) == sorted(SCHEMES)
    for scheme in SCHEMES:  # every household is counted once per scheme in the summary
        assert sum(summary.statuses[scheme].values()) == 50


def test_the_summary_adds_up_the_result_rows(generated: Path, tmp_path: Path) -> None:
    out = tmp_path / "res.parquet"
    summary = run_batch(generated, out, PLAN, PEILDATUM)
    rows = list(read_results(out))
    assert summary.statuses["algemene_bijstand"] == Counter(
        r["status"] for r in rows if r["scheme"] == "algemene_bijstand"
    )
    monthly = sum(
        (r["amount"] for r in rows if r["scheme"] == "algemene_bijstand" and r["amount"]),
        Decimal(0),
    )
    assert summary.monthly_total["algemene_bijstand"] == monthly > 0


def test_the_chunk_size_does_not_change_the_results(generated: Path, tmp_path: Path) -> None:
    small, large = tmp_path / "chunk3.parquet", tmp_path / "chunk5000.parquet"
    run_batch(generated, small, PLAN, PEILDATUM, chunk_size=3)
    run_batch(generated, large, PLAN, PEILDATUM, chunk_size=5_000)
    assert pq.read_table(small).equals(pq.read_table(large))


def test_chunks_are_reported_as_they_are_done(generated: Path, tmp_path: Path) -> None:
    done: list[int] = []
    run_batch(
        generated, tmp_path / "r.parquet", PLAN, PEILDATUM, chunk_size=16, progress=done.append
    )
    assert done == [16, 16, 16, 2]


def test_a_hand_made_household_gets_the_bijstand_of_the_law(tmp_path: Path) -> None:
    """A single person of 30, no income, small savings, with a housemate of 25 (does not count
    since 2023): the full norm for a single person, € 1.401,50; with a housemate of 30 the
    kostendelersnorm with A = 2 applies, € 1.001,07."""
    population = write_csv(
        tmp_path / "pop.csv",
        [
            household("H1", housemate_birth_dates="2000-06-01"),
            household("H2", housemate_birth_dates="1995-01-01"),
        ],
    )
    out = tmp_path / "res.parquet"
    summary = run_batch(population, out, PLAN, PEILDATUM)
    bijstand = {
        r["household_id"]: r for r in read_results(out) if r["scheme"] == "algemene_bijstand"
    }
    assert (bijstand["H1"]["status"], bijstand["H1"]["amount"]) == ("eligible", Decimal("1401.50"))
    assert bijstand["H1"]["period"] == "month"
    assert (bijstand["H2"]["status"], bijstand["H2"]["amount"]) == ("eligible", Decimal("1001.07"))
    assert summary.monthly_total["algemene_bijstand"] == Decimal("2402.57")


def test_results_can_be_written_as_csv(tmp_path: Path) -> None:
    population = write_csv(tmp_path / "pop.csv", [household("H1")])
    out = tmp_path / "res.csv"
    run_batch(population, out, PLAN, PEILDATUM)
    rows = list(read_results(out))
    assert len(rows) == len(SCHEMES)
    bijstand = next(r for r in rows if r["scheme"] == "algemene_bijstand")
    assert Decimal(str(bijstand["amount"])) == Decimal("1401.50")


# --- rows that are not valid profiles -------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "paths", "secret"),
    [
        ({"nationality": "Dutch"}, ["members[0].nationality"], "Dutch"),
        ({"bank_and_cash": "-5.00"}, ["assets.bank_and_cash"], "-5"),
        ({"applicant_birth_date": "1850-01-01"}, ["members[0].birth_date"], "1850"),
        # An impossible day: the row is invalid, the rest of the population is still evaluated.
        (
            {"applicant_birth_date": "1995-02-30"},
            ["members[0].birth_date", "applicant_birth_date"],
            "1995-02-30",
        ),
        (
            {"household_type": "single_parent", "children_birth_dates": "2015-02-30"},
            ["members[1].birth_date", "children_birth_dates"],
            "2015-02-30",
        ),
    ],
    ids=[
        "nationality",
        "negative-savings",
        "date-too-early",
        "impossible-date",
        "impossible-child",
    ],
)
def test_an_invalid_row_is_named_by_field_never_by_value(
    cells: dict[str, str], paths: list[str], secret: str, tmp_path: Path
) -> None:
    population = write_csv(
        tmp_path / "pop.csv", [household("OK1"), household("BAD", **cells), household("OK2")]
    )
    out = tmp_path / "res.parquet"
    summary = run_batch(population, out, PLAN, PEILDATUM)
    per_household = results(out)
    assert (summary.households, summary.invalid) == (3, 1)
    [bad] = per_household["BAD"]
    assert bad["status"] == "invalid"
    assert bad["scheme"] is None and bad["amount"] is None
    assert any(path in bad["error"] for path in paths), bad["error"]
    assert secret not in bad["error"]
    for ok in ("OK1", "OK2"):  # the run went on
        assert len(per_household[ok]) == len(SCHEMES)
    assert pq.ParquetFile(out).metadata.num_rows == 2 * len(SCHEMES) + 1


def test_an_unknown_household_type_is_not_evaluated_as_a_single_person(tmp_path: Path) -> None:
    population = write_csv(tmp_path / "pop.csv", [household("BAD", household_type="martian")])
    out = tmp_path / "res.parquet"
    summary = run_batch(population, out, PLAN, PEILDATUM)
    rows = results(out)["BAD"]
    assert [r["status"] for r in rows] == ["invalid"]
    assert summary.invalid == 1
    assert "household_type" in rows[0]["error"] and "martian" not in rows[0]["error"]


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_missing_column_is_named(kind: str, tmp_path: Path) -> None:
    columns = tuple(c for c in COLUMNS if c != "owns_home")
    population = write_csv(tmp_path / "pop.csv", [household("H1")], columns)
    if kind == "parquet":
        import pyarrow.csv as pa_csv

        table = pa_csv.read_csv(population)
        population = tmp_path / "pop.parquet"
        pq.write_table(table, population)
    with pytest.raises(PopulationError, match="owns_home"):
        run_batch(population, tmp_path / "res.parquet", PLAN, PEILDATUM)


def test_a_population_that_is_not_a_table_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "pop.txt"
    notes.write_text("not a table", encoding="utf-8")
    with pytest.raises(PopulationError, match=r"\.parquet or \.csv"):
        run_batch(notes, tmp_path / "res.parquet", PLAN, PEILDATUM)
    population = write_csv(tmp_path / "pop.csv", [household("H1")])
    with pytest.raises(PopulationError, match="overwrite"):
        run_batch(population, population, PLAN, PEILDATUM)


# --- command line ---------------------------------------------------------------------------


def engine_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_batch_on_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    missing = tmp_path / "geen.csv"
    result = engine_cli("batch", str(missing), "--out", str(tmp_path / "res.parquet"))
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "geen.csv" in result.stderr


def test_a_run_that_cannot_read_its_population_leaves_no_results_file(tmp_path: Path) -> None:
    """An empty results file beside a failed run could be taken for a run without households."""
    out = tmp_path / "res.parquet"
    with pytest.raises(PopulationError, match="no population file"):
        run_batch(tmp_path / "geen.csv", out, PLAN, PEILDATUM)
    assert not out.exists()


def test_batch_on_a_bad_cell_names_the_column_and_goes_on(tmp_path: Path) -> None:
    population = write_csv(
        tmp_path / "pop.csv", [household("H1", bank_and_cash="veel"), household("H2")]
    )
    out = tmp_path / "res.csv"
    result = engine_cli("batch", str(population), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 not valid as a profile" in result.stdout
    rows = list(read_results(out))
    assert [
        (r["household_id"], r["status"], r["error"]) for r in rows if r["household_id"] == "H1"
    ] == [("H1", "invalid", "bank_and_cash")]
    assert {r["status"] for r in rows if r["household_id"] == "H2"} != {"invalid"}
    assert "veel" not in result.stdout + result.stderr + out.read_text(encoding="utf-8")


def peak_memory(population: Path, out: Path, chunk: int) -> int:
    """Peak traced memory of a batch run; garbage collected after every chunk, so that the
    peak measures what the run holds, not when Python's collector happens to run."""
    gc.collect()
    tracemalloc.start()
    try:
        run_batch(population, out, PLAN, PEILDATUM, chunk, progress=lambda n: gc.collect())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow  # a population at scale
def test_memory_is_bounded_by_the_chunk_not_the_population(tmp_path: Path) -> None:
    small, large = tmp_path / "small.parquet", tmp_path / "large.parquet"
    write_population(small, 300, 5, PEILDATUM)
    write_population(large, 1_500, 5, PEILDATUM)
    run_batch(small, tmp_path / "warm.parquet", PLAN, PEILDATUM, 150)  # caches filled first
    small_peak = peak_memory(small, tmp_path / "s.parquet", 150)
    large_peak = peak_memory(large, tmp_path / "l.parquet", 150)
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
    # and the measure can see a run that holds everything: one chunk of all households
    whole_peak = peak_memory(large, tmp_path / "w.parquet", 1_500)
    assert whole_peak > 2 * large_peak, (large_peak, whole_peak)
