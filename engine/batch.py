"""Batch runs: a population file in, one result row per household and scheme out, streamed.

Households are read, evaluated and written chunk by chunk, so memory is bounded by the chunk
size whatever the population's size. A household whose row does not make a valid profile gets
one result row naming the field paths at fault (never their values), and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from engine import checkpoint
from engine.compile.plan import Plan
from engine.errors import ProfileError
from engine.explain.outcome import outcomes
from engine.explain.why_open import trace_reasons
from engine.files import atomic_path
from engine.model.profile import profile_from_dict
from engine.population.table import (
    INVALID,
    PopulationError,
    profile_of,
    read_record_batches,
    rows_of,
)
from engine.run.evaluate import run

RESULT_SCHEMA = pa.schema(
    [
        pa.field("household_id", pa.string(), nullable=False),
        pa.field("municipality", pa.string()),
        pa.field("scheme", pa.string()),
        pa.field("status", pa.string()),  # eligible, not_eligible, refer, undetermined, invalid
        pa.field("amount", pa.decimal128(11, 2)),  # the scheme's main amount, if eligible
        pa.field("period", pa.string()),  # of the amount: month, year or once
        pa.field("policy_gap", pa.bool_()),  # rests on a local figure the municipality has not set
        pa.field("error", pa.string()),  # for an invalid household: the field paths at fault
    ]
)
CHUNK = 5_000


@dataclass
class BatchSummary:
    households: int = 0
    invalid: int = 0
    statuses: dict[str, Counter] = field(default_factory=dict)  # scheme -> status -> households
    monthly_total: dict[str, Decimal] = field(default_factory=dict)  # scheme -> sum per month
    # scheme -> why households stay undetermined or are referred (engine/explain/why_open.py)
    # -> how many households
    reasons: dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, other: BatchSummary) -> None:
        """Count another part of the run in."""
        self.households += other.households
        self.invalid += other.invalid
        for scheme, counts in other.statuses.items():
            self.statuses.setdefault(scheme, Counter()).update(counts)
        for scheme, total in other.monthly_total.items():
            self.monthly_total[scheme] = self.monthly_total.get(scheme, Decimal(0)) + total
        for scheme, counts in other.reasons.items():
            self.reasons.setdefault(scheme, Counter()).update(counts)

    def count_reasons(self, scheme: str, reasons: tuple[str, ...]) -> None:
        if reasons:
            self.reasons.setdefault(scheme, Counter()).update(reasons)


def result_rows(
    rows: list[dict[str, Any]], plan: Plan, peildatum: dt.date, summary: BatchSummary
) -> list[dict[str, Any]]:
    """Evaluate one chunk of household rows; count what was found into the summary."""
    out: list[dict[str, Any]] = []
    for row in rows:
        summary.households += 1
        base = {"household_id": row["household_id"], "municipality": row["municipality"]}
        if INVALID in row:  # cells that could not be read: the household cannot be evaluated
            summary.invalid += 1
            out.append({**base, "status": "invalid", "error": row[INVALID]})
            continue
        try:
            profile = profile_from_dict(profile_of(row))
        except ProfileError as error:
            summary.invalid += 1
            paths = ", ".join(sorted({path for path, _ in error.errors}))
            out.append({**base, "status": "invalid", "error": paths})
            continue
        trace = run(plan, profile, peildatum)
        for outcome in outcomes(trace):
            statuses = summary.statuses.setdefault(outcome.scheme, Counter())
            statuses[outcome.status] += 1
            if outcome.status in ("undetermined", "refer"):
                summary.count_reasons(outcome.scheme, trace_reasons(trace, outcome.scheme))
            if outcome.amount is not None and outcome.period == "month":
                total = summary.monthly_total.get(outcome.scheme, Decimal(0))
                summary.monthly_total[outcome.scheme] = total + outcome.amount
            out.append(
                {
                    **base,
                    "scheme": outcome.scheme,
                    "status": outcome.status,
                    "amount": outcome.amount,
                    "period": outcome.period if outcome.amount is not None else None,
                    "policy_gap": outcome.policy_gap,
                }
            )
    return out


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
    goes on from them (engine/checkpoint.py)."""
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
    if backend == "vector":
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


def read_results(path: Path | str) -> Iterator[dict[str, Any]]:
    """Result rows back, for tests and reports."""
    yield from read_results_table(Path(path)).to_pylist()


def read_results_table(path: Path) -> pa.Table:
    if path.suffix == ".parquet":
        return pq.read_table(path)
    types = {f.name: f.type for f in RESULT_SCHEMA}
    options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True)
    return pa_csv.read_csv(path, convert_options=options).cast(RESULT_SCHEMA)
