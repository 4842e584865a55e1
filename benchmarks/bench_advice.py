"""Benchmark: one full advice with explanation, and throughput over generated profiles.

    python benchmarks/bench_advice.py [--profiles 10000] [--repeat 2000] [--rules DIR]

Prints figures; it asserts nothing (timings are not tests).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine
from engine.explain.advise import build_advice
from engine.model.profile import profile_from_dict
from engine.population.generate import generate
from engine.run.evaluate import run

PEILDATUM = dt.date(2026, 1, 15)
FIRST_CONVERSATION = {
    "municipality": "Utrecht",
    "members": [
        {"id": "aanvrager", "role": "applicant", "birth_date": "1988-04-02"},
        {"id": "partner", "role": "partner", "birth_date": "1990-09-14"},
        {"id": "kind", "role": "child", "birth_date": "2015-03-01"},
    ],
}


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def latency(label: str, action, repeat: int) -> None:
    for _ in range(min(200, repeat)):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        action()
        samples.append((time.perf_counter_ns() - start) / 1000)
    print(
        f"{label:<46} median {statistics.median(samples):8.1f} µs   p99 {percentile(samples, 0.99):8.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2_000)
    parser.add_argument("--rules", default=None, help="rule base folder (default: bundled)")
    args = parser.parse_args()

    print(f"python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    start = time.perf_counter()
    plan = engine.load_plan(args.rules)
    print(
        f"plan load + check + compile: {(time.perf_counter() - start) * 1000:.1f} ms "
        f"({len(plan.rules)} rules, hash {plan.hash})"
    )

    example = (
        Path(__file__).resolve().parent.parent / "examples" / "alleenstaande-met-huisgenoot.yaml"
    )
    profile = engine.profile_from_file(example)
    trace = run(plan, profile, PEILDATUM)
    latency("run (facts to fixpoint)", lambda: run(plan, profile, PEILDATUM), args.repeat)
    latency(
        "advice with explanation (run + explain)",
        lambda: build_advice(run(plan, profile, PEILDATUM)),
        args.repeat,
    )
    latency("  of which explain only", lambda: build_advice(trace), args.repeat)
    # A first conversation: who lives here and where, nothing else yet; the open outcomes are
    # where case analysis (engine/run/settle.py) works.
    first = profile_from_dict(FIRST_CONVERSATION)
    latency(
        "advice, first conversation (many unknowns)",
        lambda: build_advice(run(plan, first, PEILDATUM)),
        args.repeat,
    )
    latency(
        "advice + deterministic JSON",
        lambda: build_advice(run(plan, profile, PEILDATUM)).to_json(),
        args.repeat,
    )

    data = generate(args.profiles, seed=7, today=PEILDATUM)
    start = time.perf_counter()
    profiles = [profile_from_dict(d) for d in data]
    validate = time.perf_counter() - start
    start = time.perf_counter()
    statuses: dict[str, int] = {}
    for p in profiles:
        status = build_advice(run(plan, p, PEILDATUM)).scheme("algemene_bijstand").status
        statuses[status] = statuses.get(status, 0) + 1
    elapsed = time.perf_counter() - start
    print(
        f"{args.profiles} generated profiles: validation {args.profiles / validate:,.0f}/s, "
        f"advice with explanation {args.profiles / elapsed:,.0f}/s ({elapsed:.2f} s)"
    )
    print(f"  outcomes: {dict(sorted(statuses.items()))}")


if __name__ == "__main__":
    main()
