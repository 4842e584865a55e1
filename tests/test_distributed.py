"""Batch runs on Dask: the same results, row for row, as a single process; clear errors.

One LocalCluster of two worker processes serves the module; the tests reach it by its
scheduler address, as a real cluster would be reached.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from support import PEILDATUM, ROOT

import engine.batch.distributed as distributed
from engine.batch import BatchSummary, read_results, run_batch
from engine.batch.distributed import (
    DistributedError,
    PlanMismatchError,
    evaluate_partition,
    run_distributed,
    worker_plan,
)
from engine.diff import resolve
from engine.population.generate import write_population
from engine.population.table import COLUMNS, PopulationError

pytestmark = pytest.mark.slow  # a Dask cluster of worker processes

HOUSEHOLDS = 2_600  # not a multiple of the partition: the last partition is a short one
CHUNK = 250
PLAN = resolve("bundled")
REFORM = ROOT / "examples" / "reforms" / "kostendelersnorm-vanaf-21.yaml"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",  # a free port: two Dask tests at once never share 8787
        silence_logs=logging.ERROR,
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pop") / "pop.parquet"
    write_population(path, HOUSEHOLDS, 11, PEILDATUM)
    return path


@pytest.fixture(scope="module")
def single(population: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BatchSummary]:
    """The single-process run every distributed run must equal."""
    out = tmp_path_factory.mktemp("single") / "res.parquet"
    return out, run_batch(population, out, PLAN, PEILDATUM, CHUNK)


def same(a: BatchSummary, b: BatchSummary) -> bool:
    """Equal counts and totals, schemes in the same order (the time taken aside)."""
    return replace(a, seconds=0) == replace(b, seconds=0) and list(a.statuses) == list(b.statuses)


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("shared", [True, False], ids=["read-on-workers", "shipped"])
def test_parquet_results_equal_a_single_process(
    shared: bool,
    scheduler: str,
    population: Path,
    single: tuple[Path, BatchSummary],
    tmp_path: Path,
) -> None:
    out = tmp_path / "res.parquet"
    done: list[int] = []
    summary = run_distributed(
        population,
        out,
        "bundled",
        PEILDATUM,
        scheduler=scheduler,
        partition_rows=1_000,
        progress=done.append,
        chunk_size=CHUNK,
        shared_filesystem=shared,
    )
    expected, expected_summary = single
    assert pq.read_table(out).equals(pq.read_table(expected))  # every column, same order
    assert out.read_bytes() == expected.read_bytes()  # partitions of whole chunks: same file
    assert same(summary, expected_summary)
    assert (summary.households, summary.invalid) == (HOUSEHOLDS, 0)
    # Partitions of whole chunks, at least 8 per worker thread: 2,600 households in 11
    assert done == [CHUNK] * 10 + [100]  # one step per partition, written in order


def test_the_vector_backend_on_the_workers_gives_the_same_results(
    scheduler: str, population: Path, single: tuple[Path, BatchSummary], tmp_path: Path
) -> None:
    out = tmp_path / "res.parquet"
    summary = run_distributed(
        population, out, "bundled", PEILDATUM, scheduler=scheduler, backend="vector"
    )
    expected, expected_summary = single
    assert pq.read_table(out).equals(pq.read_table(expected))
    assert same(summary, expected_summary)


def test_partitions_are_spread_over_the_workers(scheduler: str, population: Path) -> None:
    from distributed import Client

    out = population.with_name("spread.parquet")
    run_distributed(population, out, "bundled", PEILDATUM, scheduler=scheduler, chunk_size=CHUNK)
    with Client(scheduler, set_as_default=False) as client:
        cached = client.run(lambda: sorted(distributed._plans))
    assert len(cached) == 2
    assert all("bundled" in specs for specs in cached.values())  # each loaded its own plan


def test_csv_results_equal_a_single_process(
    scheduler: str, population: Path, tmp_path: Path
) -> None:
    """A CSV population (shipped to the workers) with one invalid row, CSV results."""
    source = tmp_path / "pop.csv"
    write_population(source, HOUSEHOLDS, 11, PEILDATUM)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    assert ',"NL",' in lines[5]
    lines[5] = lines[5].replace(',"NL",', ',"Dutch",')  # not a nationality code
    cells = lines[2_000].split(",")
    cells[COLUMNS.index("applicant_birth_date")] = "1995-02-30"  # not a day: cannot be read
    lines[2_000] = ",".join(cells)
    source.write_text("".join(lines), encoding="utf-8")

    expected = tmp_path / "single.csv"
    expected_summary = run_batch(source, expected, PLAN, PEILDATUM, CHUNK)
    out = tmp_path / "res.csv"
    summary = run_distributed(
        source, out, "bundled", PEILDATUM, scheduler=scheduler, partition_rows=700
    )
    assert out.read_bytes() == expected.read_bytes()
    assert same(summary, expected_summary)
    assert summary.invalid == 2
    bad = [r for r in read_results(out) if r["status"] == "invalid"]
    assert [r["household_id"] for r in bad] == ["H000000005", "H000002000"]
    assert bad[0]["error"] == "members[0].nationality"
    assert "applicant_birth_date" in bad[1]["error"] and "1995" not in bad[1]["error"]


def test_without_a_scheduler_a_local_cluster_is_started_and_closed(
    population: Path, single: tuple[Path, BatchSummary], tmp_path: Path
) -> None:
    out = tmp_path / "res.parquet"
    summary = run_distributed(population, out, "bundled", PEILDATUM, workers=2, chunk_size=CHUNK)
    expected, expected_summary = single
    assert pq.read_table(out).equals(pq.read_table(expected))
    assert same(summary, expected_summary)


def test_an_empty_population_gives_an_empty_results_file(scheduler: str, tmp_path: Path) -> None:
    population = tmp_path / "empty.parquet"
    write_population(population, 0, 1, PEILDATUM)
    out, expected = tmp_path / "res.parquet", tmp_path / "single.parquet"
    summary = run_distributed(population, out, "bundled", PEILDATUM, scheduler=scheduler)
    assert same(summary, run_batch(population, expected, PLAN, PEILDATUM))
    assert pq.read_table(out).equals(pq.read_table(expected))
    assert summary.households == 0


def test_a_scheduler_that_cannot_be_reached_is_named(population: Path, tmp_path: Path) -> None:
    address = f"tcp://127.0.0.1:{free_port()}"
    out = tmp_path / "res.parquet"
    with pytest.raises(DistributedError) as error:
        run_distributed(population, out, "bundled", PEILDATUM, scheduler=address, connect_timeout=1)
    assert str(error.value) == f"cannot reach a Dask scheduler at '{address}' within 1 s"
    assert not out.exists()  # nothing written before the cluster answers


def test_a_worker_with_other_rules_is_refused(
    scheduler: str, population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client's `bundled` is made the reform (only in this process): the workers, which
    load the real bundled rules, have another plan hash and must refuse, as a worker with an
    older copy of the rules would."""
    reform = resolve(str(REFORM))
    assert reform.hash != PLAN.hash
    monkeypatch.setattr(distributed, "resolve", lambda spec: reform)
    with pytest.raises(PlanMismatchError) as error:
        run_distributed(
            population, tmp_path / "res.parquet", "bundled", PEILDATUM, scheduler=scheduler
        )
    message = str(error.value)
    assert "loads other rules for 'bundled'" in message
    assert f"plan {PLAN.hash}" in message and f"client has {reform.hash}" in message
    assert "Traceback" not in message and "\n" not in message
    assert "H000000001" not in message  # no household in it


def test_rules_a_worker_cannot_load_are_one_clear_error(
    scheduler: str, population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client finds the rules (here: it is made to), a worker does not."""
    gone = tmp_path / "gone.yaml"
    monkeypatch.setattr(distributed, "resolve", lambda spec: PLAN)
    with pytest.raises(DistributedError) as error:
        run_distributed(
            population, tmp_path / "res.parquet", str(gone), PEILDATUM, scheduler=scheduler
        )
    message = str(error.value)
    assert message.startswith("worker tcp://127.0.0.1:")
    assert f"'{gone}' is not 'bundled', a rule base folder, a reform file or git:REV" in message
    assert "Traceback" not in message


def test_reform_rules_run_on_the_workers(
    scheduler: str, population: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reform file named relative to the client's folder is found by the workers too."""
    reform = resolve(str(REFORM))
    expected = tmp_path / "single.parquet"
    expected_summary = run_batch(population, expected, reform, PEILDATUM)
    out = tmp_path / "res.parquet"
    monkeypatch.chdir(ROOT)
    spec = str(REFORM.relative_to(ROOT))
    summary = run_distributed(population, out, spec, PEILDATUM, scheduler=scheduler)
    assert pq.read_table(out).equals(pq.read_table(expected))
    assert same(summary, expected_summary)
    assert not same(summary, run_batch(population, tmp_path / "b.parquet", PLAN, PEILDATUM))


# --- in this process: the worker's side and the checks made before any cluster -----------------


def test_a_worker_loads_its_plan_once() -> None:
    expected = (PLAN.hash, PLAN.engine_version)
    assert worker_plan("bundled", expected) is worker_plan("bundled", expected)
    with pytest.raises(PlanMismatchError, match="loads other rules for 'bundled'"):
        worker_plan("bundled", ("0123456789abcdef", PLAN.engine_version))
    with pytest.raises(PlanMismatchError, match=r"engine 0\.0\.0"):
        worker_plan("bundled", (PLAN.hash, "0.0.0"))


def test_a_worker_that_cannot_see_the_population_says_so(tmp_path: Path) -> None:
    expected = (PLAN.hash, PLAN.engine_version)
    missing = str(tmp_path / "elsewhere.parquet")
    with pytest.raises(DistributedError, match="a filesystem every worker shares"):
        evaluate_partition(missing, 0, 10, "bundled", expected, PEILDATUM, CHUNK)


@pytest.mark.parametrize(
    ("population", "out", "message"),
    [
        ("missing.parquet", "res.parquet", "no population file at"),
        ("pop.parquet", "res.json", "write results to .parquet or .csv"),
        ("pop.parquet", "pop.parquet", "would overwrite the population"),
    ],
)
def test_bad_paths_are_refused_before_any_cluster(
    population: str, out: str, message: str, tmp_path: Path
) -> None:
    write_population(tmp_path / "pop.parquet", 3, 1, PEILDATUM)
    with pytest.raises(PopulationError, match=message):
        run_distributed(
            tmp_path / population, tmp_path / out, "bundled", PEILDATUM, scheduler="tcp://0:1"
        )


def test_a_worker_reads_a_row_range_across_row_groups(tmp_path: Path) -> None:
    """Populations are written in row groups of 65,536: a range may span two."""
    import pyarrow as pa

    from engine.population.table import read_record_batches

    path = tmp_path / "pop.parquet"
    write_population(path, 70_000, 2, PEILDATUM)
    assert pq.ParquetFile(path).metadata.num_row_groups == 2
    whole = pa.Table.from_batches(list(read_record_batches(path, 10_000)))
    for start, stop in [(0, 5_000), (60_000, 70_000), (65_536, 65_600)]:
        part = distributed._partition_table(str(path), start, stop)
        assert part.equals(whole.slice(start, stop - start))
