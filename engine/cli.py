"""Command line: python -m engine advise | check | test | schema.

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
from engine.errors import EngineError
from engine.explain.text import advice_text
from engine.model.profile import Profile, profile_from_file

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


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
    p.add_argument("--on", type=_date, default=None, help="peildatum YYYY-MM-DD (default: today)")
    p.add_argument("--format", choices=("json", "text"), default="text")
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

    p = commands.add_parser("schema", help="print a JSON Schema")
    p.add_argument("what", choices=("profile", "advice"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except EngineError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug: say so in one line; ENGINE_DEBUG=1 shows the traceback
        if os.environ.get("ENGINE_DEBUG"):
            raise
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
    sys.stdout.write(advice.to_json() if args.format == "json" else advice_text(advice))
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
    passed = failed = 0
    for path in find_files(args.paths):
        for scenario in load_file(path):
            if args.filter and args.filter not in scenario.name:
                continue
            outcome = run_scenario(plan, scenario)
            if outcome.passed:
                passed += 1
                continue
            failed += 1
            print(f"FAIL {scenario.location}: {scenario.name}")
            if outcome.error:
                print(f"  error: {outcome.error}")
            for failure in outcome.failures:
                print(f"  {failure}")
    print(f"{passed} passed, {failed} failed")
    return EXIT_FINDINGS if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from engine.model.advice import Advice

    model = Profile if args.what == "profile" else Advice
    print(json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False, sort_keys=True))
    return 0


COMMANDS = {"advise": cmd_advise, "check": cmd_check, "test": cmd_test, "schema": cmd_schema}


if __name__ == "__main__":
    sys.exit(main())
