"""Benchmark: batch throughput and peak memory per backend and population size.

    python benchmarks/bench_batch.py [--sizes 10000 100000 1000000]
        [--runs native:100000 vector dask-vector dask-native:10000]

Each run is the command a user would type (`python -m engine batch ...`), timed as a whole
(start-up, plan load, reading, evaluating, writing) under /usr/bin/time for its peak memory
(the largest process, Dask workers included). A run `name:N` only runs up to N households.
Prints figures; it asserts nothing (timings are not tests).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "native": ["--backend", "native"],
    "vector": ["--backend", "vector", "--chunk", "20000"],
    "dask-native": ["--backend", "native", "--dask"],
    "dask-vector": ["--backend", "vector", "--chunk", "20000", "--dask"],
}


def engine(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = ["/usr/bin/time", "-f", "peak %M KB", sys.executable, "-m", "engine", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--runs", nargs="+", default=["native:100000", "vector", "dask-vector", "dask-native:10000"]
    )
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            population = Path(folder) / f"p{size}.parquet"
            engine("population", str(population), "--households", str(size), "--seed", "1")
            for run in args.runs:
                name, _, limit = run.partition(":")
                if limit and size > int(limit):
                    continue
                started = time.perf_counter()
                done = engine(
                    "batch", str(population), "--out", str(Path(folder) / "r.parquet"), *RUNS[name]
                )
                seconds = time.perf_counter() - started
                peak = int(re.search(r"peak (\d+) KB", done.stderr).group(1)) / 1024
                print(
                    f"{name:12} {size:>10,} households: {seconds:7.1f} s "
                    f"{size / seconds:>9,.0f}/s  peak {peak:,.0f} MB",
                    flush=True,
                )


if __name__ == "__main__":
    main()
