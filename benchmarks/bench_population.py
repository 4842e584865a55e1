"""Benchmark: generating a synthetic population to Parquet, and a streamed batch run.

    python benchmarks/bench_population.py [--households 1000000] [--batch 20000]

Each step runs in a child process so that its peak memory (max RSS) is its own.
Prints figures; it asserts nothing (timings are not tests).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

GENERATE = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from engine.population.generate import write_population
start = time.perf_counter()
write_population(Path(sys.argv[1]), int(sys.argv[2]), 1, dt.date(2026, 1, 15))
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak}))
"""

BATCH = """
import datetime as dt, json, resource, sys, time
from pathlib import Path
from engine.api import load_plan
from engine.batch import run_batch
plan = load_plan()
summary = run_batch(Path(sys.argv[1]), Path(sys.argv[2]), plan, dt.date(2026, 1, 15))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": summary.seconds, "households": summary.households, "peak_mb": peak}))
"""


def child(code: str, *args: str) -> dict:
    env_path = str(ROOT)
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=20_000)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, {platform.system()}")
    with tempfile.TemporaryDirectory() as folder:
        population = Path(folder) / "population.parquet"
        made = child(GENERATE, str(population), str(args.households))
        size = population.stat().st_size / 1e6
        print(
            f"generate {args.households:,} households to Parquet: {made['seconds']:.1f} s "
            f"({args.households / made['seconds']:,.0f}/s), file {size:.0f} MB, "
            f"peak memory {made['peak_mb']:.0f} MB"
        )
        small = Path(folder) / "batch.parquet"
        child(GENERATE, str(small), str(args.batch))
        ran = child(BATCH, str(small), str(Path(folder) / "results.parquet"))
        print(
            f"batch {ran['households']:,} households (13 schemes, native, 1 process): "
            f"{ran['seconds']:.1f} s ({ran['households'] / ran['seconds']:,.0f}/s), "
            f"peak memory {ran['peak_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
