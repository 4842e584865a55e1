"""A batch run: a population file in, one result row per household and scheme out, streamed.

Households are read, evaluated and written chunk by chunk, so memory is bounded by the chunk
size whatever the population's size. A household whose row does not make a valid profile gets
one result row naming the field paths at fault (never their values), and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from engine.batch import checkpoint
from engine.batch.native import result_rows
from engine.batch.results import RESULT_SCHEMA, BatchSummary
from engine.compile.plan import Plan
from engine.files import atomic_path
from engine.population.table import PopulationError, read_record_batches, rows_of

CHUNK = 5_000


def run_batch(
    population: Path | str,
    out: Path | str,
    plan: Plan,
    peildatum: dt.date,
    chunk_size: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    backend: str = "native",
    resume: bool = False,
) -> BatchSummary:
    """Evaluate every household of a population file and write the results (Parquet or CSV).

    backend: `native` (a profile per household) or `vector` (column-wise, same results).
    Interrupted (Ctrl-C), the results so far are kept and BatchInterrupted is raised; `resume`
    goes on from them (engine/batch/checkpoint.py)."""
    population, out = Path(population), Path(out)
    if out.suffix not in (".parquet", ".csv"):
        raise PopulationError(f"'{out.name}': write results to .parquet or .csv")
    if out.resolve() == population.resolve():
        raise PopulationError("the results file would overwrite the population")
    started = time.perf_counter()
    if backend not in BACKENDS:
        raise PopulationError(f"backend '{backend}': choose one of {', '.join(BACKENDS)}")
    if not population.is_file():
        raise PopulationError(f"no population file at '{population}'")
    key = checkpoint.run_key(population, plan, peildatum)
    earlier = checkpoint.load(out, key) if resume else None
    summary = earlier.summary if earlier else BatchSummary()
    done = earlier.done if earlier else 0

    def keep(partial: Path) -> None:  # interrupted: what is written so far, for --resume
        checkpoint.save(out, partial, key, done, summary)

    with writer(out, keep) as write:  # written beside `out`, moved there only when complete
        if earlier:
            for batch in checkpoint.result_batches(earlier.results):
                write(batch)
            if progress:
                progress(done)
        skip = done
        for chunk in read_record_batches(population, chunk_size):
            if skip >= chunk.num_rows:
                skip -= chunk.num_rows
                continue
            chunk, skip = chunk.slice(skip), 0
            part = BatchSummary()
            write(chunk_results(chunk, plan, peildatum, part, backend))
            summary.add(part)  # counted only once its results are written
            done += chunk.num_rows
            if progress:
                progress(chunk.num_rows)
    checkpoint.discard(out)
    summary.seconds = time.perf_counter() - started
    return summary


BACKENDS = ("native", "vector")


def chunk_results(
    chunk: pa.RecordBatch, plan: Plan, peildatum: dt.date, summary: BatchSummary, backend: str
) -> pa.RecordBatch:
    """One chunk of household rows evaluated: result rows, counted into the summary."""
    if backend == "vector":  # numpy only where the vector backend is used
        from engine.backends.vector.batch import vector_result_batch

        return vector_result_batch(chunk, plan, peildatum, summary, RESULT_SCHEMA)
    rows = result_rows(rows_of(chunk), plan, peildatum, summary)
    return pa.RecordBatch.from_pylist(rows, RESULT_SCHEMA)


@contextmanager
def writer(
    path: Path, keep: Callable[[Path], None] | None = None
) -> Iterator[Callable[[pa.RecordBatch], None]]:
    """Writes result batches as they come, to a private partial file that becomes `path` only
    when the run completes (engine/files.py): a failed or interrupted run leaves no results that
    look like a finished one, and two runs on one `path` each leave a whole file."""
    with atomic_path(path) as partial:
        if path.suffix == ".parquet":
            sink: Any = pq.ParquetWriter(partial, RESULT_SCHEMA, compression="zstd")
        else:
            sink = pa_csv.CSVWriter(partial, RESULT_SCHEMA)
        try:
            yield sink.write_batch
        except KeyboardInterrupt:
            sink.close()  # closing twice is harmless: pyarrow's writers ignore the second
            if keep is None:
                raise
            keep(partial)  # a whole file of the chunks written so far
            raise checkpoint.BatchInterrupted(
                f"interrupted; the results so far are kept: run the same command with --resume "
                f"to go on (results in '{path.name}' only once the run completes)"
            ) from None
        finally:
            sink.close()
