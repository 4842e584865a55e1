"""Issue 25: nothing lost, nothing half-written: every output goes through one atomic writer
(engine/files.py), and a write that fails is a clear error, exit 2, never a cut-off file and
exit 0."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from support import EXAMPLE, ROOT

import engine
from engine.batch import read_results, run_batch
from engine.files import OutputError, atomic_path, write_text
from engine.population.generate import write_population

DAY = dt.date(2026, 1, 15)


def test_a_completed_write_replaces_the_target_and_leaves_nothing_else(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_text(target, "new")
    assert target.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_a_failed_write_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as partial:
        partial.write_text("half")
        raise KeyboardInterrupt
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_the_partial_file_is_private_and_no_link_there_is_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    (tmp_path / "out.parquet.partial").symlink_to(victim)  # the name batch once wrote to
    with atomic_path(tmp_path / "out.parquet") as partial:
        assert partial.name.startswith(".out.parquet.") and partial.name.endswith(".partial")
        assert (partial.stat().st_mode & 0o777) == 0o600
        partial.write_text("results")
    assert victim.read_text() == "keep"


def test_an_unwritable_folder_is_an_output_error_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot write '.*absent/out\.txt'"):
        write_text(tmp_path / "absent" / "out.txt", "x")


def test_an_interrupted_population_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "pop.parquet"

    def stop(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_population(target, 20_000, 1, DAY, progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_two_batches_on_one_output_each_leave_a_whole_file(tmp_path: Path) -> None:
    population = tmp_path / "pop.parquet"
    write_population(population, 300, 3, DAY)
    out = tmp_path / "results.parquet"
    plan = engine.load_plan()
    failures: list[BaseException] = []

    def run() -> None:
        try:
            run_batch(population, out, plan, DAY, chunk_size=50)
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert pq.read_table(out).num_rows == 300 * len(plan.schemes)
    assert len(list(read_results(out))) == 300 * len(plan.schemes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pop.parquet", "results.parquet"]


def _engine(*args: str, stdout: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ENGINE_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a full device)")
def test_an_advice_to_a_full_disk_is_an_error_not_a_cut_off_file() -> None:
    with open("/dev/full", "w") as full:
        result = _engine(
            "advise", str(EXAMPLE), "--on", "2026-01-15", "--format", "json", stdout=full
        )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == "error: cannot write the output: No space left on device"


def test_a_batch_to_a_folder_that_does_not_exist_is_exit_2(tmp_path: Path) -> None:
    population = tmp_path / "pop.parquet"
    write_population(population, 20, 3, DAY)
    result = _engine(
        "batch",
        str(population),
        "--out",
        str(tmp_path / "absent" / "r.parquet"),
        stdout=subprocess.PIPE,
    )
    assert result.returncode == 2, result.stderr
    assert "cannot write" in result.stderr and "absent/r.parquet" in result.stderr


# --- an interrupted batch goes on with --resume ------------------------------------------------


def _interrupting_after(chunks: int):
    seen = {"chunks": 0}

    def progress(done: int) -> None:
        seen["chunks"] += 1
        if seen["chunks"] == chunks:
            raise KeyboardInterrupt

    return progress


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_interrupted_batch_resumes_to_the_results_of_a_whole_run(
    tmp_path: Path, suffix: str
) -> None:
    from engine.batch import BatchInterrupted, BatchSummary

    population = tmp_path / "pop.parquet"
    write_population(population, 400, 4, DAY)
    plan = engine.load_plan()
    whole = tmp_path / f"whole{suffix}"
    expected = run_batch(population, whole, plan, DAY, chunk_size=100)

    out = tmp_path / f"results{suffix}"
    with pytest.raises(BatchInterrupted, match="--resume"):
        run_batch(population, out, plan, DAY, chunk_size=100, progress=_interrupting_after(2))
    assert not out.exists()  # no results that look whole
    kept = {p.name for p in tmp_path.iterdir() if ".resume" in p.name}
    assert kept == {f".results{suffix}.resume.json", f".results{suffix}.resume{suffix}"}

    summary = run_batch(population, out, plan, DAY, chunk_size=100, resume=True)
    assert list(read_results(out)) == list(read_results(whole))
    for got in (summary, expected):
        got.seconds = 0.0
    assert summary == expected and isinstance(summary, BatchSummary)
    assert not [p for p in tmp_path.iterdir() if ".resume" in p.name]


def test_resume_refuses_another_population_or_nothing_to_resume(tmp_path: Path) -> None:
    from engine.batch import BatchInterrupted, ResumeError

    population = tmp_path / "pop.parquet"
    write_population(population, 300, 4, DAY)
    plan = engine.load_plan()
    out = tmp_path / "results.parquet"
    with pytest.raises(ResumeError, match="no interrupted run"):
        run_batch(population, out, plan, DAY, chunk_size=100, resume=True)
    with pytest.raises(BatchInterrupted):
        run_batch(population, out, plan, DAY, chunk_size=100, progress=_interrupting_after(1))
    write_population(population, 300, 5, DAY)  # another population under the same name
    with pytest.raises(ResumeError, match="another"):
        run_batch(population, out, plan, DAY, chunk_size=100, resume=True)
