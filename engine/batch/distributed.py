"""Batch runs on Dask: population partitions evaluated on workers, results written in order.

The same evaluation as `engine.batch.run_batch` (each worker calls `chunk_results`, native or vector), spread over
the worker processes of a Dask cluster: a `LocalCluster` started for the run, or a running
cluster named by its scheduler address. The results file holds the same rows in the same
order as a single-process run, and the summary is the same. See docs/distributed.md.

- A Plan holds compiled closures and does not pickle: each worker loads the plan itself from
  the rules spec (`bundled`, a folder, a reform file, `git:REV`), once per process, and
  refuses to evaluate if its plan's hash or engine version differs from the client's.
- A Parquet partition is a row range the worker reads from the file itself (a path the
  workers can see: a shared filesystem on a real cluster); a CSV partition is read by the
  client and shipped as Arrow IPC bytes.
- At most two partitions per worker thread are outstanding, so memory stays bounded on the
  client and on the workers whatever the population's size.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from engine.batch.results import RESULT_SCHEMA, BatchSummary
from engine.batch.run import CHUNK, chunk_results, writer
from engine.compile.plan import Plan
from engine.diff import resolve
from engine.errors import EngineError
from engine.population.table import (
    COLUMNS,
    REQUIRED_COLUMNS,
    SCHEMA,
    PopulationError,
    read_record_batches,
    whole,
)

PARTITION = 50_000  # most households in one partition (one task)
PARTS_PER_THREAD = 8  # a population of known size is cut finer, so every worker gets work
IN_FLIGHT_PER_THREAD = 2  # partitions outstanding per worker thread: bounds memory
CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler and find a worker there
IPC = pa.ipc.IpcWriteOptions(compression="zstd")

log = logging.getLogger(__name__)


class DistributedError(EngineError):
    """A distributed batch run failed: the cluster, a worker, or a worker's rules.

    Its message names the cause (and the worker), never a household's values.
    """


class PlanMismatchError(DistributedError):
    """A worker loaded other rules (or another engine version) than the client."""


# --- on the worker ----------------------------------------------------------------------------

_plans: dict[str, Plan] = {}  # rules spec -> plan, per worker process
_plans_lock = threading.Lock()


def worker_plan(spec: str, expected: tuple[str, str]) -> Plan:
    """The plan for `spec` in this process, loaded once; refused if it is not the client's.

    `expected` is the client's (plan hash, engine version). A cached plan that differs is
    loaded again first (the rules may have changed on disk since), then refused.
    """
    with _plans_lock:
        plan = _plans.get(spec)
        if plan is None or (plan.hash, plan.engine_version) != expected:
            plan = resolve(spec)
            _plans[spec] = plan
    if (plan.hash, plan.engine_version) != expected:
        raise PlanMismatchError(
            f"worker {_worker_name()} loads other rules for '{spec}': plan "
            f"{plan.hash} (engine {plan.engine_version}) where the client has "
            f"{expected[0]} (engine {expected[1]}); give every worker the same rules and "
            "engine version"
        )
    return plan


def evaluate_partition(
    source: str | bytes,
    start: int,
    stop: int,
    spec: str,
    expected: tuple[str, str],
    peildatum: dt.date,
    chunk_size: int,
    backend: str = "native",
) -> tuple[bytes, BatchSummary]:
    """One partition (a task): rows [start, stop) of a Parquet file at path `source`, or the
    households of an Arrow IPC stream `source`. Returns the result rows as an Arrow IPC
    stream (one batch per chunk) and the partition's summary.

    Every failure leaves as a DistributedError with a message free of household values.
    """
    try:
        plan = worker_plan(spec, expected)
        table = _partition_table(source, start, stop)
        summary = BatchSummary()
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, RESULT_SCHEMA, options=IPC) as stream:
            for offset in range(0, table.num_rows, chunk_size):
                part = table.slice(offset, chunk_size).combine_chunks()
                for chunk in part.to_batches():
                    stream.write_batch(chunk_results(chunk, plan, peildatum, summary, backend))
        return sink.getvalue().to_pybytes(), summary
    except DistributedError:
        raise
    except EngineError as error:
        raise DistributedError(f"worker {_worker_name()}: {error}") from None
    except Exception as error:  # a bug: the worker's log names its type, never its message
        # The type and where, never the message: a library's message may quote a cell's value.
        log.error("households %d-%d failed (%s)", start + 1, stop, type(error).__name__)
        raise DistributedError(
            f"worker {_worker_name()} failed on households {start + 1:,}-{stop:,} "
            f"({type(error).__name__}); the worker's log says where"
        ) from None


def _partition_table(source: str | bytes, start: int, stop: int) -> pa.Table:
    if isinstance(source, bytes):
        return pa.ipc.open_stream(source).read_all()
    path = Path(source)
    if not path.is_file():
        raise PopulationError(
            f"no population file at '{path}' on this worker (a Parquet population is read by "
            "the workers themselves: put it on a filesystem every worker shares)"
        )
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowException, OSError):
        raise PopulationError(f"'{path.name}' is not a readable Parquet file") from None
    groups, first, row = [], 0, 0
    for index in range(file.metadata.num_row_groups):
        size = file.metadata.row_group(index).num_rows
        if row < stop and row + size > start:
            first = row if not groups else first
            groups.append(index)
        row += size
    present = [name for name in COLUMNS if name in file.schema_arrow.names]
    table = file.read_row_groups(groups, columns=present).slice(start - first, stop - start)
    try:  # as read_record_batches reads a Parquet file
        return whole(table).cast(SCHEMA, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise PopulationError(f"'{path.name}': its columns do not have the table's types") from None


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return "(not on a worker)"


# --- on the client ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Part:
    source: str | bytes  # a Parquet path read on the worker, or households as Arrow IPC
    start: int  # first household, counted from 0 over the whole population
    stop: int


def run_distributed(
    population: Path | str,
    out: Path | str,
    rules_spec: str,
    peildatum: dt.date,
    scheduler: str | None = None,
    workers: int = 2,
    partition_rows: int = PARTITION,
    progress: Callable[[int], None] | None = None,
    *,
    chunk_size: int = CHUNK,
    connect_timeout: float = CONNECT_TIMEOUT,
    shared_filesystem: bool = True,
    backend: str = "native",
) -> BatchSummary:
    """Evaluate every household of a population file on a Dask cluster; write the results.

    scheduler: `tcp://host:port` of a running cluster, or None to start a LocalCluster of
    `workers` processes (one thread each) for this run. `partition_rows` is the most
    households per task. `shared_filesystem=False` ships Parquet partitions from the client
    too, for workers that cannot see the file. The results (Parquet or CSV) hold the same
    rows in the same order as `run_batch`; `summary.seconds` leaves out starting a cluster.
    """
    population, out = Path(population), Path(out)
    if out.suffix not in (".parquet", ".csv"):
        raise PopulationError(f"'{out.name}': write results to .parquet or .csv")
    if not population.is_file():
        raise PopulationError(f"no population file at '{population}'")
    if population.suffix not in (".parquet", ".csv"):
        raise PopulationError(f"'{population.name}': a population is a .parquet or .csv file")
    if out.resolve() == population.resolve():
        raise PopulationError("the results file would overwrite the population")
    if partition_rows < 1 or chunk_size < 1 or workers < 1:
        raise DistributedError("workers, partition rows and chunk size must each be at least 1")
    plan = resolve(rules_spec)  # the client's plan: its hash is what every worker must have
    expected = (plan.hash, plan.engine_version)
    spec = _portable(rules_spec)
    with _connect(scheduler, workers, connect_timeout) as client:
        threads = max(1, sum(client.nthreads().values()))
        parts = _parts(population, partition_rows, chunk_size, threads, shared_filesystem)
        summary = BatchSummary()
        started = time.perf_counter()
        with writer(out) as write:
            window = threads * IN_FLIGHT_PER_THREAD
            for part, ipc, partial in _in_order(
                client, parts, window, spec, expected, peildatum, (chunk_size, backend)
            ):
                for batch in pa.ipc.open_stream(ipc):
                    write(batch)
                summary.add(partial)  # in partition order: schemes keep run_batch's order
                if progress:
                    progress(part.stop - part.start)
        summary.seconds = time.perf_counter() - started
    return summary


def _portable(spec: str) -> str:
    """A folder or reform file as an absolute path: a worker's working folder may differ."""
    if spec == "bundled" or spec.startswith("git:"):
        return spec
    return str(Path(spec).resolve())


@contextmanager
def _connect(scheduler: str | None, workers: int, timeout: float) -> Iterator[Any]:
    """A client of the cluster at `scheduler`, or of a LocalCluster started (and closed) here."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DistributedError(
            "the Dask backend needs dask.distributed: pip install 'dask[distributed]'"
        ) from None
    cluster = None
    try:
        if scheduler is None:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # its (unused) HTTP server on a free port, never 8787's
                silence_logs=logging.ERROR,
            )
            client = Client(cluster, set_as_default=False)
        else:
            client = Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        if cluster is not None:
            cluster.close()
            raise DistributedError(f"cannot start a local Dask cluster: {error}") from None
        raise DistributedError(
            f"cannot reach a Dask scheduler at '{scheduler}' within {timeout:g} s"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise DistributedError(
                f"the Dask scheduler at '{scheduler}' has no workers (waited {timeout:g} s)"
            ) from None
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _parts(
    population: Path, most: int, chunk_size: int, threads: int, shared: bool
) -> Iterator[_Part]:
    """The population's partitions, read lazily (CSV households are read as they are sent)."""
    if population.suffix == ".parquet":
        try:
            metadata = pq.ParquetFile(population)
        except (pa.ArrowException, OSError):
            raise PopulationError(f"'{population.name}' is not a readable Parquet file") from None
        missing = [name for name in REQUIRED_COLUMNS if name not in metadata.schema_arrow.names]
        if missing:
            raise PopulationError(f"'{population.name}' lacks the columns: {', '.join(missing)}")
        total = metadata.metadata.num_rows
        size = _partition_size(total, most, chunk_size, threads)
        if shared:
            source = str(population.resolve())
            for start in range(0, total, size):
                yield _Part(source, start, min(start + size, total))
            return
    else:
        size = _partition_size(_csv_rows(population), most, chunk_size, threads)
    start = 0
    for batches in _regroup(read_record_batches(population, chunk_size), size):
        rows = sum(batch.num_rows for batch in batches)
        yield _Part(_ipc(batches), start, start + rows)
        start += rows


def _regroup(batches: Iterator[pa.RecordBatch], size: int) -> Iterator[list[pa.RecordBatch]]:
    """Batches regrouped into partitions of `size` rows (the last may be shorter)."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        while batch.num_rows:
            take = min(size - rows, batch.num_rows)
            pending.append(batch.slice(0, take))
            rows += take
            batch = batch.slice(take)
            if rows == size:
                yield pending
                pending, rows = [], 0
    if pending:
        yield pending


def _csv_rows(path: Path) -> int:
    """About how many households a CSV file holds (its lines but the header): only to size
    the partitions, so a quoted line break in a cell does no harm."""
    lines = 0
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            lines += block.count(b"\n")
    return max(0, lines - 1)


def _partition_size(total: int, most: int, chunk_size: int, threads: int) -> int:
    """At most `most` households, and small enough that each thread gets several partitions;
    a whole number of chunks, so results are written in the same batches as run_batch."""
    wanted = math.ceil(total / (threads * PARTS_PER_THREAD)) if total else most
    chunks = max(1, math.ceil(wanted / chunk_size))
    return max(1, min(most, chunks * chunk_size))


def _ipc(batches: list[pa.RecordBatch]) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batches[0].schema, options=IPC) as stream:
        for batch in batches:
            stream.write_batch(batch)
    return sink.getvalue().to_pybytes()


def _in_order(
    client: Any,
    parts: Iterator[_Part],
    window: int,
    spec: str,
    expected: tuple[str, str],
    peildatum: dt.date,
    evaluation: tuple[int, str],  # chunk size and backend on the workers
) -> Iterator[tuple[_Part, bytes, BatchSummary]]:
    """Each partition's results, in partition order, with at most `window` outstanding."""
    run = uuid.uuid4().hex[:8]
    pending: deque[tuple[_Part, Any]] = deque()

    def submit() -> None:
        part = next(parts, None)
        if part is None:
            return
        source = part.source
        if isinstance(source, bytes):  # sent to a worker directly, not through the scheduler
            source = client.scatter(source, hash=False)
        future = client.submit(
            evaluate_partition,
            source,
            part.start,
            part.stop,
            spec,
            expected,
            peildatum,
            *evaluation,
            key=f"engine-batch-{run}-{part.start}",
            pure=False,
        )
        pending.append((part, future))

    try:
        for _ in range(window):
            submit()
        while pending:
            part, future = pending.popleft()
            ipc, partial = _result(future, part)
            submit()  # keep the workers busy while this partition is written
            yield part, ipc, partial
    finally:
        if pending:
            client.cancel([future for _, future in pending])


def _result(future: Any, part: _Part) -> tuple[bytes, BatchSummary]:
    """A task's result, or one DistributedError saying what went wrong."""
    from distributed import KilledWorker

    try:
        return future.result()
    except DistributedError as error:  # raised on the worker: its message is the whole story
        raise type(error)(str(error)) from None
    except KilledWorker:
        raise DistributedError(
            f"workers died evaluating households {part.start + 1:,}-{part.stop:,} "
            "(out of memory? try fewer households per partition)"
        ) from None
    except ImportError:
        raise DistributedError(
            "a worker cannot import the engine: install the same engine on every worker"
        ) from None
    except CancelledError:
        raise DistributedError(
            "the Dask run was cancelled: the scheduler or its workers went away"
        ) from None
    except Exception as error:  # the cluster, not the households: lost scheduler, cancelled
        raise DistributedError(f"the Dask cluster failed: {type(error).__name__}") from None
