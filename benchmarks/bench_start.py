"""Benchmark: how fast a new user's first command answers.

    python benchmarks/bench_start.py [--runs 5]

Prints the median wall time of `python -m engine advise` of the bundled example (a fresh
process each run: interpreter start, imports, loading the rules, the advice, the text), of
`import engine` alone, and of loading the bundled plan in a warm process (read, check, compile;
no cache kept between runs). It asserts nothing: timings are not tests.

The processes run as Python runs by default: the first, uncounted run writes the bytecode of
the engine's modules (`__pycache__`, as on a user's machine after the first command), even where
PYTHONDONTWRITEBYTECODE is set in the shell, which would compile every module in every run.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ADVISE = [
    "-m",
    "engine",
    "advise",
    "examples/alleenstaande-met-huisgenoot.yaml",
    "--on",
    "2026-01-15",
]


def wall(argv: list[str], runs: int) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    samples = []
    for _ in range(runs + 1):  # the first run warms the file and bytecode caches, not counted
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples[1:])


def plan_load(runs: int) -> float:
    import engine

    samples = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        engine.load_plan()
        samples.append(time.perf_counter() - start)
        engine.api._plans.clear()
    return statistics.median(samples[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    print(f"Python {platform.python_version()} on {platform.machine()}, median of {runs}")
    print(f"python -m engine advise (bundled example): {wall(ADVISE, runs):.3f} s wall")
    print(
        f"python -c 'import engine':                 {wall(['-c', 'import engine'], runs):.3f} s wall"
    )
    print(f"load_plan() of the bundled rules:          {plan_load(runs):.3f} s")


if __name__ == "__main__":
    main()
