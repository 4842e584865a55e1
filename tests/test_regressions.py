"""Regression tests: bugs found while the test suite was written, each checked against the design.

All are fixed; the tests stay so that they cannot come back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rulebase import SCHEME, profile, rule, rules_file, write_base
from support import PEILDATUM, ROOT

import engine
from engine.lang.compile import Context, compile_expr
from engine.lang.parse import parse
from engine.lang.types import Declared, Scope, check
from engine.values import Unknown

# ---------------------------------------------------------------------------------------------
# 1. The conflict check calls `not p` and `p == false` exclusive, though they are the same
#    condition. engine/check/exclusive.py promises: "True only when it can prove that no facts
#    make both true". Result: no load-time error or warning, then a conflict at run time.


def test_not_p_and_p_equals_false_are_not_exclusive(tmp_path: Path) -> None:
    text = rules_file(
        rule("x.a", "not p", "{status: eligible}") + rule("x.b", "p == false", "{status: refer}")
    )
    write_base(tmp_path, {"a.yaml": text})
    problems = [str(p) for p in engine.check_rules(tmp_path).problems]
    # expected: a problem (at least the "may both apply" warning) naming both rules
    assert any("'x.a'" in p and "'x.b'" in p for p in problems), problems


def test_exclusive_does_not_claim_identical_conditions_exclusive() -> None:
    from engine.check.exclusive import exclusive

    assert exclusive(parse("not p"), parse("p == false")) is False
    assert exclusive(parse("p == false"), parse("not p")) is False


# ---------------------------------------------------------------------------------------------
# 2. Two undominated rules that both hold and conclude the same expression are reported as a
#    *conflict* when that expression's value is unknown. By the design (docs/design.md,
#    engine/run/evaluate.py) a conflict is "two undominated rules that hold with different
#    values"; unknown values are not known to differ. The fact should be unknown and name the
#    missing input, so that the advice asks for it; instead the advice lists a conflict and
#    asks for nothing.


def test_holding_rules_with_unknown_values_are_unknown_not_a_conflict(tmp_path: Path) -> None:
    facts = 'bedrag: {type: money, label: {nl: "b", en: "b"}}\n'
    text = rules_file(
        rule("x.a", "p", "{bedrag: geld}") + rule("x.b", "q", '{bedrag: "geld + 0"}'), facts=facts
    )
    write_base(tmp_path, {"a.yaml": text})
    plan = engine.load_plan(tmp_path)
    known = engine.evaluate(profile(detained=True, evading=True, money=5), PEILDATUM, plan)
    assert known.facts["bedrag"] == 5 and known.conflicts == {}  # the rules agree
    trace = engine.evaluate(profile(detained=True, evading=True), PEILDATUM, plan)
    assert trace.conflicts == {}
    assert trace.facts["bedrag"] == Unknown(frozenset({"geld"}))


# ---------------------------------------------------------------------------------------------
# 3. A YAML value that PyYAML cannot construct (an impossible date such as 2026-02-30, or an
#    integer of more than 4300 digits) escapes the YAML reader as a bare ValueError.
#    engine/load/yaml_source.py promises "raise YamlError with file:line on any problem";
#    profiles must fail with ProfileError (engine/model/profile.py), the CLI with exit 2 and
#    one message (engine/cli.py), and the checker must list the problem with file:line.


@pytest.mark.parametrize(
    "body",
    [
        "members:\n  - id: a\n    role: applicant\n    birth_date: 2026-02-30\n",
        "members:\n  - id: a\n    role: applicant\nassets: {bank_and_cash: " + "9" * 5000 + "}\n",
    ],
    ids=["impossible-date", "huge-integer"],
)
def test_unconstructible_yaml_profile_is_a_profile_error(tmp_path: Path, body: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(body)
    with pytest.raises(engine.ProfileError):
        engine.profile_from_file(path)


def test_cli_impossible_date_in_yaml_profile_is_bad_input(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("members:\n  - id: a\n    role: applicant\n    birth_date: 2026-02-30\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ENGINE_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "engine", "advise", str(path), "--on", "2026-01-15"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr  # bad input, not an internal error (3)
    assert result.stderr.startswith("error: ")


def test_impossible_date_in_a_scheme_file_is_reported_with_file_and_line(tmp_path: Path) -> None:
    scheme = SCHEME.replace("from: 2026-01-01, value: 200.00", "from: 2026-02-30, value: 200.00")
    write_base(
        tmp_path, {"a.yaml": rules_file(rule("x.a", "p", "{status: eligible}"))}, scheme=scheme
    )
    checked = engine.check_rules(tmp_path)  # raises ValueError today
    assert any(str(p).startswith("schemes/x.yaml:") for p in checked.errors)


# ---------------------------------------------------------------------------------------------
# 4. A valid profile can crash the run with a bare ValueError: date arithmetic past 9999-12-31.
#    The profile model accepts any real date; `plus_weken(meldingsdatum, 4)` then overflows.
#    Every error the engine raises on purpose is an EngineError (engine/errors.py); this one
#    should be an EvaluationError (or the profile refused as implausible), not a crash.


def test_date_overflow_in_a_rule_is_an_engine_error(example) -> None:
    example["members"][0]["birth_date"] = "2001-01-01"  # under 27: the search period applies
    example["reporting_date"] = "9999-12-31"
    # refusing the profile or the evaluation is fine; a bare ValueError is not
    with contextlib.suppress(engine.EngineError):
        engine.advise(example, PEILDATUM)


# ---------------------------------------------------------------------------------------------
# 5. `afgerond(x, n)` rounds half to even (Decimal's default context), while `afgerond(x)`
#    rounds half up. docs/design.md: "Rules round where the law rounds (`afgerond`, half up to
#    cents)". So afgerond(1.005, 2) gives 1.00 where afgerond(1.005) gives 1.01.


@pytest.mark.parametrize(
    ("amount", "places", "expected"),
    [("1.005", 2, "1.01"), ("0.125", 2, "0.13"), ("2.5", 0, "3"), ("0.25", 1, "0.3")],
)
def test_afgerond_with_places_rounds_half_up(amount: str, places: int, expected: str) -> None:
    scope = Scope({"m": Declared("money")})
    node = parse(f"afgerond(m, {places})")
    check(node, scope)
    got = compile_expr(node, scope)(Context({"m": Decimal(amount)}, {}, dt.date(2026, 1, 1)))
    assert got == Decimal(expected)


def test_in_and_not_in_the_same_list_are_exclusive_and_nothing_more() -> None:
    from engine.check.exclusive import exclusive

    assert exclusive(parse("x in landen"), parse("x not in landen")) is True
    assert exclusive(parse("x not in landen"), parse("x in landen")) is True
    assert exclusive(parse("x in landen"), parse("x in landen")) is False
    assert exclusive(parse("x in landen"), parse("y not in landen")) is False
    assert exclusive(parse("x in landen"), parse("x not in andere")) is False
