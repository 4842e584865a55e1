"""Benchmark: one full advice (evaluation + build_advice), native against durable-rules.

    python benchmarks/bench_durable.py [--profiles 200] [--rounds 3]

The same plan and the same generated profiles, measured in one run: native, durable through
its worker process (the backend as it is meant to be used), and durable in this process (to
show what the process boundary costs). Each profile is evaluated once before timing, so
ruleset registration and per-date caches are not counted. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import engine
from engine.backends.durable import DurableBackend, unavailable_reason
from engine.backends.durable.rulesets import DurableEngine
from engine.backends.durable.trace import finish_trace, start_trace
from engine.explain.advise import build_advice
from engine.model.profile import Profile, profile_from_dict
from engine.population.generate import generate
from engine.run.evaluate import run

PEILDATUM = dt.date(2026, 1, 15)


def median_us(action: Callable[[Profile], object], profiles: list[Profile], rounds: int) -> float:
    for profile in profiles:
        action(profile)  # warm: rulesets registered, dated plans cached
    samples = []
    for _ in range(rounds):
        for profile in profiles:
            start = time.perf_counter_ns()
            action(profile)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(samples)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    return (
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{cpu}, {os.cpu_count()} logical CPUs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    print(machine())
    reason = unavailable_reason()
    if reason:
        print(reason)
        return
    plan = engine.load_plan()
    profiles = [profile_from_dict(d) for d in generate(args.profiles, seed=7, today=PEILDATUM)]
    print(f"plan {plan.hash}: {len(plan.rules)} rules, {len(plan.order)} derived facts")
    print(f"{len(profiles)} generated profiles, peildatum {PEILDATUM}, {args.rounds} rounds\n")

    def native(profile: Profile) -> object:
        return build_advice(run(plan, profile, PEILDATUM))

    here = DurableEngine()

    def durable_here(profile: Profile) -> object:
        trace = start_trace(plan, profile, PEILDATUM)
        return build_advice(finish_trace(trace, here.derive(plan, trace.dated, trace.facts)))

    with DurableBackend() as backend:

        def durable_worker(profile: Profile) -> object:
            return backend.advise(profile, PEILDATUM)

        results = {
            "native": median_us(native, profiles, args.rounds),
            "durable (worker process)": median_us(durable_worker, profiles, args.rounds),
            "durable (in this process)": median_us(durable_here, profiles, args.rounds),
        }
    run_only = median_us(lambda p: run(plan, p, PEILDATUM), profiles, args.rounds)

    print("median µs per full advice (evaluation + build_advice):")
    for label, value in results.items():
        print(f"  {label:<28} {value:10.1f} µs")
    print(f"  {'(native evaluation alone)':<28} {run_only:10.1f} µs")
    base = results["native"]
    print()
    for label in ("durable (worker process)", "durable (in this process)"):
        print(f"native is {results[label] / base:.1f}x faster than {label}")


if __name__ == "__main__":
    main()
