"""Command line: python -m engine advise | check | test | figures | schema, and more.

Every error is one readable message on stderr and a non-zero exit: 2 for bad input (profile,
arguments, rules that do not load), 1 for findings (check errors, failing scenarios), 3 for an
internal error (a bug; its message carries no input values).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from engine.api import ENGINE_VERSION, advise, check_rules, load_plan
from engine.cli_policy import POLICY_COMMANDS, add_policy_commands, parse_date
from engine.compile.plan import Plan
from engine.errors import EngineError, printable
from engine.explain.render import render
from engine.files import ENVIRONMENT_ERRORS, finish_stdout, read_bytes, write_text
from engine.load.yaml_source import MAX_FILE_BYTES
from engine.model.advice import Advice
from engine.model.profile import Profile, profile_from_file

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3
MAX_ADVICE_BYTES = 20_000_000  # an advice to replay; the largest household's is under 1 MB


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m engine",
        description="Integrated eligibility and advice, Dutch social domain",
    )
    parser.add_argument("--version", action="version", version=f"engine {ENGINE_VERSION}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = commands.add_parser("advise", help="advice for one household profile (JSON or YAML)")
    p.add_argument("profile", type=Path)
    p.add_argument(
        "--on", type=parse_date, default=None, help="peildatum YYYY-MM-DD (default: today)"
    )
    p.add_argument("--format", choices=("json", "text", "markdown", "html"), default="text")
    p.add_argument("--lang", choices=("nl", "en"), default="nl")
    p.add_argument("--rules", type=Path, default=None, help="rule base folder (default: bundled)")

    p = commands.add_parser("check", help="check a rule base (default: the bundled one)")
    p.add_argument("root", type=Path, nargs="?", default=None)

    p = commands.add_parser("test", help="run scenario suites")
    p.add_argument("paths", type=Path, nargs="*", default=[Path("scenarios")])
    p.add_argument("--rules", type=Path, default=None)
    p.add_argument(
        "-k", dest="filter", default=None, help="only scenarios whose name contains this"
    )
    p.add_argument("--junit", type=Path, default=None, help="also write the results as JUnit XML")
    p.add_argument("--coverage", action="store_true", help="list the rules no scenario exercises")
    p.add_argument(
        "--mutate",
        action="store_true",
        help="report changes to figures and thresholds that no scenario notices",
    )

    p = commands.add_parser(
        "intake", help="answer questions one at a time (reads answers from stdin)"
    )
    p.add_argument(
        "profile", type=Path, nargs="?", default=None, help="a partial profile to start from"
    )
    p.add_argument(
        "--on", type=parse_date, default=None, help="peildatum YYYY-MM-DD (default: today)"
    )
    p.add_argument("--lang", choices=("nl", "en"), default="nl")
    p.add_argument("--rules", type=Path, default=None)
    p.add_argument(
        "--save",
        type=Path,
        default=None,
        help="write what was entered (JSON) here, also when stopped; resume with intake FILE",
    )
    p.add_argument("--format", choices=("json", "text", "markdown", "html"), default="text")

    p = commands.add_parser(
        "figures", help="list the figures whose known values end (before a date)"
    )
    p.add_argument(
        "--until",
        type=parse_date,
        default=None,
        help="only those that end before this date, YYYY-MM-DD (default: all that end)",
    )
    p.add_argument("--rules", type=Path, default=None)

    p = commands.add_parser("replay", help="reproduce an advice from its JSON and the profile")
    p.add_argument("advice", type=Path, help="an advice written with --format json")
    p.add_argument("profile", type=Path)
    p.add_argument("--rules", type=Path, default=None)

    add_policy_commands(commands)

    p = commands.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=("profile", "advice"))

    p = commands.add_parser("serve", help="serve advice and intake over HTTP (docs/service.md)")
    p.add_argument("--host", default="127.0.0.1", help="127.0.0.1 (default): this machine only")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1, help="processes, each with its own plan")
    p.add_argument("--rules", type=Path, default=None)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = COMMANDS[args.command](args)
        finish_stdout()  # a full disk is an error here, not a cut-off output and exit 0
        return code
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted: no output file was changed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python's exit flush quiet
        return 0
    except OSError as exc:
        if exc.errno not in ENVIRONMENT_ERRORS:
            return _internal_error(exc)
        print(f"error: cannot write the output: {exc.strerror}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as exc:
        return _internal_error(exc)


def _internal_error(exc: Exception) -> int:
    """A bug: say so in one line; ENGINE_DEBUG=1 shows the traceback."""
    if os.environ.get("ENGINE_DEBUG"):
        raise exc
    print(
        f"internal error ({type(exc).__name__}); please report it. "
        "Run with ENGINE_DEBUG=1 for details.",
        file=sys.stderr,
    )
    return EXIT_INTERNAL


def cmd_advise(args: argparse.Namespace) -> int:
    profile = profile_from_file(args.profile)
    plan = load_plan(args.rules)
    advice = advise(profile, args.on or dt.date.today(), plan, args.lang)
    sys.stdout.write(render(advice, args.format))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    checked = check_rules(args.root)
    for problem in checked.problems:
        print(problem)
    errors, warnings = len(checked.errors), len(checked.problems) - len(checked.errors)
    rules = len(checked.book.rules)
    print(
        f"{rules} rules, {len(checked.book.parameters)} parameters checked: "
        f"{errors} errors, {warnings} warnings"
    )
    return EXIT_FINDINGS if errors else 0


def cmd_test(args: argparse.Namespace) -> int:
    from engine.scenarios.suite import find_files, load_file, run_scenario

    plan = load_plan(args.rules)
    scenarios = [
        scenario
        for path in find_files(args.paths)
        for scenario in load_file(path)
        if not args.filter or args.filter in scenario.name
    ]
    outcomes = [run_scenario(plan, scenario) for scenario in scenarios]
    for outcome in outcomes:
        if outcome.passed:
            continue
        print(f"FAIL {outcome.scenario.location}: {outcome.scenario.name}")
        if outcome.error:
            print(f"  error: {outcome.error}")
        for failure in outcome.failures:
            print(f"  {failure}")
    failed = sum(1 for o in outcomes if not o.passed)
    if args.junit is not None:
        from engine.scenarios.junit import write_junit

        write_junit(outcomes, args.junit)
    if args.coverage:
        _print_coverage(plan, outcomes)
    if args.mutate:
        _print_mutants(plan, scenarios)
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else 0


def _print_coverage(plan: Plan, outcomes: list) -> None:
    applied = set().union(*(o.applied_rules for o in outcomes)) if outcomes else set()
    rule_ids = sorted({rule.id for rule in plan.rules})
    missed = [r for r in rule_ids if r not in applied]
    print(
        f"rule coverage: {len(rule_ids) - len(missed)} of {len(rule_ids)} rules decided a fact in some scenario"
    )
    for rule_id in missed:
        print(f"  never applied: {rule_id} ({plan.rules_by_id[rule_id][0].location})")


def _print_mutants(plan: Plan, scenarios: list) -> None:
    from engine.scenarios.mutate import mutate

    mutants = mutate(plan, scenarios)
    survivors = [m for m in mutants if not m.killed]
    print(
        f"mutation check: {len(mutants)} mutants, {len(mutants) - len(survivors)} noticed, {len(survivors)} not"
    )
    for m in survivors:
        print(f"  not noticed: {m.kind} {m.target}: {m.change}")


def cmd_intake(args: argparse.Namespace) -> int:
    from engine.intake import IntakeSession
    from engine.intake.conversation import WORDS, converse, household_photo
    from engine.load.yaml_source import read_yaml_file

    start = None
    if args.profile is not None:
        profile_from_file(args.profile)  # a clear error for a bad start profile
        start = (
            read_yaml_file(args.profile)
            if args.profile.suffix != ".json"
            else json.loads(read_bytes(args.profile, MAX_FILE_BYTES).decode("utf-8"))
        )
    session = IntakeSession(start, args.on or dt.date.today(), load_plan(args.rules), args.lang)
    try:
        finished = converse(session, sys.stdin.readline, print)
    except KeyboardInterrupt:
        finished = False
        print()
    if args.save is not None:  # also when stopped: nothing entered is lost
        write_text(args.save, json.dumps(session.profile, indent=2, default=str) + "\n")
    if not finished:
        said = WORDS[args.lang]
        print(said["saved"].format(file=args.save) if args.save else said["unsaved"])
    print()
    print("\n".join(household_photo(session)))
    sys.stdout.write("\n" + render(session.advice, args.format))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from engine.replay import ReplayError, replay

    try:
        original = read_bytes(args.advice, MAX_ADVICE_BYTES).decode("utf-8")
    except OSError as exc:
        raise ReplayError(f"cannot read the advice: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ReplayError("the advice is not UTF-8 text") from None
    result = replay(original, profile_from_file(args.profile), load_plan(args.rules))
    if result.identical:
        print("identical: the advice is reproduced byte for byte")
        return 0
    print("different: the advice is not reproduced")
    if not (
        result.plan_changed
        or result.changed_rules
        or result.changed_parameters
        or result.changed_outcomes
    ):
        print("  the same outcomes, but the file's bytes differ (line endings, spacing or a text)")
    if result.plan_changed:
        print("  the rules have changed since (another plan hash)")
    # what the advice file says is printed escaped: a tampered receipt cannot fake a line
    for rule in result.changed_rules:
        print(printable(f"  rule changed, added or removed: {rule}"))
    for name, (old, new) in result.changed_parameters.items():
        print(printable(f"  parameter {name}: {old} -> {new}"))
    for scheme, (old, new) in result.changed_outcomes.items():
        print(printable(f"  outcome {scheme}: {old} -> {new}"))
    return EXIT_FINDINGS


def cmd_schema(args: argparse.Namespace) -> int:

    model = Profile if args.what == "profile" else Advice
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn
    except ImportError:
        raise EngineError(
            "the HTTP service needs FastAPI and uvicorn: pip install '.[serve]'"
        ) from None
    if not 1 <= args.port <= 65535 or args.workers < 1:
        raise EngineError("--port is 1 to 65535 and --workers at least 1")
    load_plan(args.rules)  # a rule base that does not load is refused here, before serving
    if args.rules is not None:
        os.environ["ENGINE_SERVE_RULES"] = str(args.rules.resolve())
    uvicorn.run(
        "engine.service:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
    )
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from engine.check.figures import ending_figures, figure_line

    for figure in ending_figures(load_plan(args.rules), args.until):
        print(figure_line(figure))
    return 0


COMMANDS = {
    "advise": cmd_advise,
    "figures": cmd_figures,
    "check": cmd_check,
    "test": cmd_test,
    "intake": cmd_intake,
    "replay": cmd_replay,
    **POLICY_COMMANDS,
    "schema": cmd_schema,
    "serve": cmd_serve,
}


if __name__ == "__main__":
    sys.exit(main())
