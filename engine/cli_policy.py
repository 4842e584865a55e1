"""Command line for policy makers: population, batch, diff, municipalities.

Their modules (numpy, pyarrow) are imported only when one of these commands runs, so that the
advice commands start quickly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from engine.errors import EngineError
from engine.files import write_text

EXIT_FINDINGS = 1
DIFF_SHOWN = 25
POPULATION_DAY = dt.date(2026, 1, 15)


class PolicyCommandError(EngineError):
    """A policy command was given something it cannot use."""


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def add_policy_commands(commands: Any) -> None:
    p = commands.add_parser("population", help="write a synthetic population (Parquet or CSV)")
    p.add_argument("out", type=Path, help="a .parquet or .csv file")
    p.add_argument("--households", type=int, default=10_000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--on", type=parse_date, default=POPULATION_DAY, help="the day ages refer to")
    _progress_option(p)

    p = commands.add_parser("batch", help="evaluate every household of a population file")
    p.add_argument("population", type=Path, help="a .parquet or .csv household table")
    p.add_argument("--out", type=Path, required=True, help="results, .parquet or .csv")
    p.add_argument("--on", type=parse_date, default=POPULATION_DAY, help="peildatum")
    p.add_argument("--rules", default="bundled", help="bundled, a folder, a reform or git:REV")
    p.add_argument("--chunk", type=int, default=5_000, help="households held in memory at once")
    p.add_argument(
        "--resume",
        action="store_true",
        help="go on from where an interrupted run of the same command stopped",
    )
    p.add_argument(
        "--backend",
        choices=("native", "vector"),
        default="native",
        help="native: one profile at a time; vector: column-wise, faster, same results",
    )
    p.add_argument(
        "--dask",
        action="store_true",
        help="evaluate partitions on Dask workers (a local cluster, or --scheduler)",
    )
    p.add_argument(
        "--scheduler", default=None, help="with --dask: tcp://host:port of a running scheduler"
    )
    p.add_argument(
        "--workers", type=int, default=None, help="with --dask, no --scheduler: local workers (2)"
    )
    _progress_option(p)

    p = commands.add_parser(
        "diff", help="impact of a change: two rule bases over the same households"
    )
    p.add_argument(
        "--base", required=True, help="bundled, a rule base folder, a reform file, or git:REV"
    )
    p.add_argument("--candidate", required=True, help="the same kinds as --base")
    p.add_argument("paths", type=Path, nargs="*", default=[], help="scenario files or folders")
    _population_options(p, default=None)
    p.add_argument("--report", type=Path, default=None, help="write an HTML impact report here")
    p.add_argument("--fail-on-change", action="store_true", help="exit 1 if any outcome changes")

    p = commands.add_parser(
        "municipalities", help="one population under each municipality's policy"
    )
    _population_options(p, default="500")
    p.add_argument(
        "--adopt", default=None, help="show who gains or loses if all adopted this policy"
    )
    p.add_argument("--report", type=Path, default=None, help="with --adopt: an HTML report")


def _progress_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="progress bar on stderr (auto: only on a terminal)",
    )


def _population_options(p: argparse.ArgumentParser, default: str | None) -> None:
    p.add_argument(
        "--population",
        default=default,
        help="a .parquet/.csv household table, or a number of synthetic households to generate",
    )
    p.add_argument("--seed", type=int, default=1, help="seed of generated households")
    p.add_argument("--on", type=parse_date, default=POPULATION_DAY, help="peildatum")
    _progress_option(p)


def cmd_population(args: argparse.Namespace) -> int:
    from engine.population.generate import write_population
    from engine.progress import progress_bar

    with progress_bar("households written", args.households, args.progress) as advance:
        write_population(args.out, args.households, args.seed, args.on, advance)
    print(f"{args.households:,} synthetic households (seed {args.seed}) written to {args.out}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    from engine.batch import BatchInterrupted, run_batch
    from engine.diff import resolve
    from engine.explain.format import money
    from engine.explain.why_open import reason_text
    from engine.population.table import count_rows
    from engine.progress import progress_bar

    if args.chunk < 1:
        raise PolicyCommandError("--chunk must be at least 1")
    if not args.dask and (args.scheduler is not None or args.workers is not None):
        raise PolicyCommandError("--scheduler and --workers go with --dask")
    if args.workers is not None and args.workers < 1:
        raise PolicyCommandError("--workers must be at least 1")
    if args.resume and args.dask:
        raise PolicyCommandError("--resume goes with a run in one process, not --dask")
    total = count_rows(args.population) if args.population.is_file() else None
    plan = resolve(args.rules)  # also names the reasons in the summary
    with progress_bar("households evaluated", total, args.progress) as advance:
        if args.dask:
            from engine.batch.distributed import run_distributed

            summary = run_distributed(
                args.population,
                args.out,
                args.rules,
                args.on,
                scheduler=args.scheduler,
                workers=args.workers or 2,
                progress=advance,
                chunk_size=args.chunk,
                backend=args.backend,
            )
        else:
            try:
                summary = run_batch(
                    args.population,
                    args.out,
                    plan,
                    args.on,
                    args.chunk,
                    advance,
                    args.backend,
                    resume=args.resume,
                )
            except BatchInterrupted as stop:
                print(stop, file=sys.stderr)
                return 130
    rate = summary.households / summary.seconds if summary.seconds else 0
    print(
        f"{summary.households:,} households in {summary.seconds:.1f} s ({rate:,.0f}/s); "
        f"{summary.invalid:,} not valid as a profile; results in {args.out}"
    )
    for scheme_id, statuses in summary.statuses.items():
        counts = ", ".join(f"{status} {n:,}" for status, n in sorted(statuses.items()))
        total_month = summary.monthly_total.get(scheme_id)
        paid = f"; {money(total_month, 'nl')} per month" if total_month else ""
        print(f"  {scheme_id}: {counts}{paid}")
        reasons = summary.reasons.get(scheme_id)
        if reasons:
            print("    undetermined or referred because of:")
            for reason, n in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
                print(f"      {reason_text(plan, reason)}: {n:,}")
    if summary.households and summary.invalid == summary.households:
        raise PolicyCommandError(
            f"not one household in '{args.population.name}' is valid as a profile; the "
            "results name the fields at fault for each"
        )
    return 0


def _population(args: argparse.Namespace) -> Any:
    from engine.population.source import PopulationSource

    if args.population is None:
        return None
    return PopulationSource(args.population, args.seed, args.on)


def cmd_diff(args: argparse.Namespace) -> int:
    from engine.diff import Case, compare, resolve
    from engine.progress import progress_bar
    from engine.scenarios.suite import find_files, load_file

    base, candidate = resolve(args.base), resolve(args.candidate)
    scenarios = [
        Case(f"{s.file.name}: {s.name}", s.profile, s.peildatum)
        for path in find_files(args.paths)
        for s in load_file(path)
    ]
    population = _population(args)
    if not scenarios and population is None:
        raise PolicyCommandError("give scenario paths, --population, or both")

    def cases() -> Any:
        yield from scenarios
        if population is not None:
            for case in population.cases():
                yield case
                advance(1)

    total = population.count if population is not None else None
    with progress_bar("households compared", total, args.progress) as advance:
        impact = compare(base, candidate, cases())
    print(
        f"base {base.hash} -> candidate {candidate.hash}: {impact.households:,} households "
        f"({len(scenarios)} scenarios, {impact.households - len(scenarios):,} from the population)"
    )
    _print_impact(impact)
    if args.report:
        _write_report(args, impact, candidate, base.hash, candidate.hash, population)
    return EXIT_FINDINGS if args.fail_on_change and impact.changes else 0


def _print_impact(impact: Any) -> None:
    from engine.explain.format import money

    print(f"households with any change: {impact.households_changed:,}")
    for scheme_id, scheme in sorted(impact.by_scheme.items()):
        if not (scheme.status_changes or scheme.gain or scheme.loss or scheme.open):
            continue
        moves = ", ".join(f"{a} -> {b}: {n}" for (a, b), n in sorted(scheme.status_changes.items()))
        print(
            f"  {scheme_id}: {moves or 'no status changes'}; better off {scheme.gain}, "
            f"worse off {scheme.loss}, not comparable {scheme.open}; "
            f"monthly total {money(scheme.monthly_change, 'nl')}"
        )
    for municipality, place in sorted(impact.by_municipality.items()):
        if place.changed:
            print(
                f"  municipality {municipality}: {place.changed} households changed "
                f"({place.winners} better off, {place.losers} worse off, {place.mixed} mixed)"
            )
    for rule_id, n in sorted(impact.rules_changed.items()):
        print(f"  rule decides differently: {rule_id} ({n} households)")
    for name, _, scheme_id, was, now in impact.changed[:DIFF_SHOWN]:
        print(f"  {name} | {scheme_id}: {was[0]} {was[1] or ''} -> {now[0]} {now[1] or ''}")
    if impact.changes > DIFF_SHOWN:
        print(f"  ... and {impact.changes - DIFF_SHOWN} more changes")


def _write_report(
    args: argparse.Namespace,
    impact: Any,
    plan: Any,
    base_hash: str,
    candidate_hash: str,
    population: Any,
    title: str = "Impactrapport",
) -> None:
    from engine.report.impact import Population, ReportInput, render_impact

    about = ReportInput(
        title=title,
        base=getattr(args, "base", None) or "eigen beleid",
        candidate=getattr(args, "candidate", None) or f"beleid van {args.adopt}",
        base_hash=base_hash,
        candidate_hash=candidate_hash,
        peildatum=args.on,
        population=population.describe()
        if population is not None
        else Population("Profielen uit de scenario's.", synthetic=False),
    )
    write_text(args.report, render_impact(impact, plan, about))
    print(f"report written to {args.report}")


def cmd_municipalities(args: argparse.Namespace) -> int:
    from engine.api import load_plan
    from engine.diff import Case, adopt_policy, by_municipality

    plan = load_plan()
    names = sorted(m.spec.name for m in plan.municipalities.values())
    population = _population(args)
    cases = list(population.cases())
    kind = "synthetic households" if population.synthetic() else "households"
    print(f"{len(cases)} {kind} placed in each municipality with a policy file:")
    table = by_municipality(plan, cases, names)
    schemes = sorted({s for row in table.values() for s in row})
    for scheme_id in schemes:
        cells = ", ".join(
            f"{name} {row[scheme_id]['eligible']}/{row[scheme_id]['undetermined']}"
            for name, row in table.items()
        )
        print(f"  {scheme_id} (eligible/undetermined): {cells}")
    if not args.adopt:
        if args.report:
            raise PolicyCommandError("--report needs --adopt: the report shows a change")
        return 0
    if args.adopt not in names:
        raise PolicyCommandError(f"no policy file for '{args.adopt}' (known: {', '.join(names)})")
    print(f"if every municipality adopted the policy of {args.adopt}:")
    placed = [
        Case(c.name, {**c.profile, "municipality": name}, c.peildatum)
        for name in names
        for c in cases
    ]
    impact = adopt_policy(plan, placed, args.adopt)
    for name, place in sorted(impact.by_municipality.items()):
        print(
            f"  {name}: {place.winners} better off, {place.losers} worse off, "
            f"{place.mixed} mixed, {place.changed} with any change"
        )
    for scheme_id, scheme in sorted(impact.by_scheme.items()):
        if scheme.gain or scheme.loss or scheme.open or scheme.settled:
            print(
                f"  {scheme_id}: {scheme.gain} better off, {scheme.loss} worse off, "
                f"{scheme.open} not comparable (a local figure unset), "
                f"{scheme.settled} newly decided"
            )
    if args.report:
        title = f"Als alle gemeenten het beleid van {args.adopt} overnemen"
        _write_report(args, impact, plan, plan.hash, plan.hash, population, title)
    return 0


POLICY_COMMANDS = {
    "population": cmd_population,
    "batch": cmd_batch,
    "diff": cmd_diff,
    "municipalities": cmd_municipalities,
}
