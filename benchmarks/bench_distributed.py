"""Benchmark: batch throughput, one process (run_batch) against Dask with local workers.

    python benchmarks/bench_distributed.py                      # 10,000 and 100,000 households
    python benchmarks/bench_distributed.py 1000000 --backends dask   # 1 million: ~4 min on 2 cores
    python benchmarks/bench_distributed.py 20000 --workers 4 --partition 25000

Each run is a child process, so its peak memory is its own: for Dask the client process
(which also runs the scheduler) and the largest worker process. Households per second are
given over the whole call (for Dask: starting and closing the LocalCluster included) and over
the evaluation alone (`summary.seconds`). Prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEILDATUM = "2026-01-15"

GENERATE = """
import datetime as dt, sys
from pathlib import Path
from engine.population.generate import write_population
write_population(Path(sys.argv[1]), int(sys.argv[2]), 1, dt.date.fromisoformat(sys.argv[3]))
"""

NATIVE = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from engine.batch import run_batch
from engine.diff import resolve
start = time.perf_counter()
plan = resolve("bundled")
summary = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), plan, dt.date.fromisoformat(sys.argv[3]))
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"wall": wall, "seconds": summary.seconds, "households": summary.households,
                  "client_mb": peak, "worker_mb": None}))
"""

DASK = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from engine.batch.distributed import run_distributed
if __name__ == "__main__":
    start = time.perf_counter()
    summary = run_distributed(
        Path(sys.argv[1]), Path(sys.argv[2]), "bundled", dt.date.fromisoformat(sys.argv[3]),
        workers=int(sys.argv[4]), partition_rows=int(sys.argv[5]),
    )
    wall = time.perf_counter() - start
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest
    print(json.dumps({"wall": wall, "seconds": summary.seconds, "households": summary.households,
                      "client_mb": own, "worker_mb": workers}))
"""


def child(code: str, *args: str) -> dict | None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env
    )
    if done.returncode:
        print(done.stderr.strip().splitlines()[-1] if done.stderr else "failed", file=sys.stderr)
        return None
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]) if lines else None


def report(label: str, ran: dict | None) -> None:
    if ran is None:
        print(f"  {label}: failed")
        return
    n = ran["households"]
    memory = f"peak memory {ran['client_mb']:.0f} MB"
    if ran["worker_mb"] is not None:
        memory = f"peak memory client {ran['client_mb']:.0f} MB, largest worker {ran['worker_mb']:.0f} MB"
    print(
        f"  {label}: {ran['wall']:.1f} s in all ({n / ran['wall']:,.0f} households/s), "
        f"evaluation {ran['seconds']:.1f} s ({n / ran['seconds']:,.0f}/s); {memory}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "sizes", type=int, nargs="*", default=[10_000, 100_000], help="households per run"
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--partition", type=int, default=50_000, help="most households a task")
    parser.add_argument(
        "--backends", nargs="+", choices=("native", "dask"), default=["native", "dask"]
    )
    args = parser.parse_args()
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {platform.system()}, "
        f"{os.cpu_count()} cores; 13 schemes, Parquet in and out"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            population = Path(folder) / f"population-{size}.parquet"
            out = Path(folder) / "results.parquet"
            subprocess.run(
                [sys.executable, "-c", GENERATE, str(population), str(size), PEILDATUM],
                check=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            print(f"{size:,} households:")
            if "native" in args.backends:
                report("native, 1 process", child(NATIVE, str(population), str(out), PEILDATUM))
            if "dask" in args.backends:
                ran = child(
                    DASK,
                    str(population),
                    str(out),
                    PEILDATUM,
                    str(args.workers),
                    str(args.partition),
                )
                report(f"Dask, {args.workers} local workers", ran)
            population.unlink()


if __name__ == "__main__":
    main()
