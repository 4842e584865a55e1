"""Benchmark: what the settle pass (case analysis over unknowns) costs in a first conversation.

    python benchmarks/bench_settle.py [--repeat 100] [--rounds 5]

For the first-conversation profile (three members, nothing else known) it prints the full
advice, the run, the run without the settle pass, and the explanation: each the best of
`--rounds` rounds of `--repeat` calls, after a warm-up. It also prints the household's advice
alone, without judging the partner for the person schemes (issue 23 added that run): the work
that the figure of 2,751 µs before the settle pass (46f28d7, docs/performance.md) measured. To
compare with an older commit, check it out in a worktree, copy this file into its benchmarks/
and run both side by side. Prints figures; it asserts nothing (timings are not tests).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_advice import FIRST_CONVERSATION, PEILDATUM

import engine
import engine.run.evaluate as evaluate
import engine.run.settle as settle_module
from engine.explain.advise import build_advice
from engine.model.profile import profile_from_dict
from engine.run.evaluate import run
from engine.run.members import run_household


def best(label: str, action: Callable[[], object], repeat: int, rounds: int) -> None:
    for _ in range(max(1, repeat // 2)):
        action()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeat):
            action()
        times.append((time.perf_counter() - start) / repeat * 1e6)
    times.sort()
    print(f"{label:<44} best {times[0]:>8.0f} µs   median {times[len(times) // 2]:>8.0f} µs")


def derivations(plan: engine.api.Plan) -> int:
    """The cone derivations one first-conversation advice's settle pass makes (after a run
    that learns the value orders): the work of the case analysis, free of timing noise."""
    first = profile_from_dict(FIRST_CONVERSATION)
    run_household(plan, first, PEILDATUM)
    search = settle_module._Search
    derive_cone = search._derive_cone
    count = 0

    def counted(self: Any, facts: dict[str, Any], sources: tuple[str, ...]) -> Any:
        nonlocal count
        count += 1
        return derive_cone(self, facts, sources)

    search._derive_cone = counted  # type: ignore[method-assign]
    try:
        run_household(plan, first, PEILDATUM)
    finally:
        search._derive_cone = derive_cone  # type: ignore[method-assign]
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    plan = engine.load_plan()
    first = profile_from_dict(FIRST_CONVERSATION)
    trace = run_household(plan, first, PEILDATUM)
    runs = [trace, *trace.members.values()]
    settled = sum(len(run.settled) for run in runs)
    bounded = sum(len(run.bounded) for run in runs)
    print(
        f"first conversation: {len(runs)} runs (household and judged members), "
        f"{settled} outcomes settled, {bounded} bounded, "
        f"{derivations(plan)} cone derivations in the settle pass"
    )
    best(
        "full advice, first conversation",
        lambda: build_advice(run_household(plan, first, PEILDATUM)),
        args.repeat,
        args.rounds,
    )
    best(
        "household's advice alone (no member judged)",
        lambda: build_advice(run(plan, first, PEILDATUM)),
        args.repeat,
        args.rounds,
    )
    best(
        "runs (with the settle pass)",
        lambda: run_household(plan, first, PEILDATUM),
        args.repeat,
        args.rounds,
    )
    settle = evaluate.settle
    evaluate.settle = lambda trace, schemes=None: None  # type: ignore[assignment]
    try:
        best(
            "runs without the settle pass",
            lambda: run_household(plan, first, PEILDATUM),
            args.repeat,
            args.rounds,
        )
    finally:
        evaluate.settle = settle
    best("explain only", lambda: build_advice(trace), args.repeat, args.rounds)


if __name__ == "__main__":
    main()
