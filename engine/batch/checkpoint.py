"""An interrupted batch's checkpoint: the results so far, and where to go on (`--resume`).

When a batch run is interrupted (Ctrl-C), the results of every chunk written so far are kept
beside the output (`.RESULTS.resume.parquet` or `.csv`) with what they rest on
(`.RESULTS.resume.json`: the population file's name, size and modification time, the plan's
hash, the peildatum, the households done and the summary of those). `batch ... --resume` goes
on from there if all of that still holds, and refuses with the reason if it does not: results
from other rules or another population are never mixed in.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from engine.batch.results import BatchSummary, read_results_table
from engine.errors import EngineError
from engine.files import read_bytes, write_text

if TYPE_CHECKING:
    from engine.compile.plan import Plan

MAX_ABOUT_BYTES = 10_000_000


class ResumeError(EngineError):
    """There is no checkpoint to go on from, or it belongs to another run."""


class BatchInterrupted(EngineError):
    """A batch run was interrupted; its results so far are kept for --resume."""


@dataclass
class Checkpoint:
    results: Path  # the results so far, in the output's format
    done: int  # households whose results are in it
    summary: BatchSummary


def _paths(out: Path) -> tuple[Path, Path]:
    return (
        out.with_name(f".{out.name}.resume{out.suffix}"),
        out.with_name(f".{out.name}.resume.json"),
    )


def run_key(population: Path, plan: Plan, peildatum: dt.date) -> dict[str, Any]:
    """What the results rest on: the same file (name, size, time), rules and peildatum."""
    status = population.stat()
    return {
        "population": population.name,
        "size": status.st_size,
        "modified_ns": status.st_mtime_ns,
        "plan_hash": plan.hash,
        "peildatum": peildatum.isoformat(),
    }


def save(out: Path, partial: Path, key: dict[str, Any], done: int, summary: BatchSummary) -> None:
    """Keep a closed partial results file and what it rests on."""
    results, about = _paths(out)
    os.replace(partial, results)
    write_text(about, json.dumps({**key, "households_done": done, "summary": _dump(summary)}))


def load(out: Path, key: dict[str, Any]) -> Checkpoint:
    results, about = _paths(out)
    try:
        saved = json.loads(read_bytes(about, MAX_ABOUT_BYTES))
    except (OSError, ValueError):
        raise ResumeError(f"no interrupted run to go on from for '{out.name}'") from None
    if not results.is_file():
        raise ResumeError(f"the results so far for '{out.name}' are gone; run it again whole")
    differs = [name for name, value in key.items() if saved.get(name) != value]
    if differs:
        raise ResumeError(
            f"the interrupted run for '{out.name}' had another {', '.join(differs)}; "
            "run it again without --resume"
        )
    return Checkpoint(results, int(saved["households_done"]), _load(saved["summary"]))


def discard(out: Path) -> None:
    for path in _paths(out):
        path.unlink(missing_ok=True)


def result_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """The kept results, batch by batch."""
    if path.suffix == ".parquet":
        yield from pq.ParquetFile(path).iter_batches()
    else:
        yield from read_results_table(path).to_batches()


def _dump(summary: BatchSummary) -> dict[str, Any]:
    return {
        "households": summary.households,
        "invalid": summary.invalid,
        "statuses": {scheme: dict(counts) for scheme, counts in summary.statuses.items()},
        "monthly_total": {scheme: str(total) for scheme, total in summary.monthly_total.items()},
        "reasons": {scheme: dict(counts) for scheme, counts in summary.reasons.items()},
    }


def _load(data: dict[str, Any]) -> BatchSummary:
    return BatchSummary(
        households=data["households"],
        invalid=data["invalid"],
        statuses={scheme: Counter(counts) for scheme, counts in data["statuses"].items()},
        monthly_total={s: Decimal(total) for s, total in data["monthly_total"].items()},
        reasons={scheme: Counter(counts) for scheme, counts in data.get("reasons", {}).items()},
    )
