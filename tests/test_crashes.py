"""Issue 25 step 2: input that passed the checks never ends in a hang or an internal error.

What `check` can see it refuses, with file:line; what only a household shows is a clear error
naming the fact (exit 2); a special file is refused before it is read; a damaged advice or
population file is one error line, exit 2.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from rulebase import profile, rule, rules_file, write_base
from support import EXAMPLE
from test_cli import cli

import engine

pytestmark = pytest.mark.slow  # a command-line process per case, like the hostile rule files

DAY = dt.date(2026, 3, 1)
AMOUNT = 'bedrag: {type: money, label: {nl: "bedrag", en: "amount"}}\n'


def problems(
    root: Path, when: str = "true", then: str = "{status: eligible}", facts: str = ""
) -> list[str]:
    write_base(root, {"r.yaml": rules_file(rule("x.r", when, then), facts=facts)})
    return [str(p) for p in engine.check_rules(root).errors]


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        ("peildatum > datum(2026, 2, 30)", "not a day in the calendar"),
        ("peildatum > datum(99999, 1, 1)", "not a day in the calendar"),
        ("peildatum > datum(2026, 1, 1.5)", "three whole numbers"),
        ("afgerond(geld, 999999999999999) > 0", "0 to 10 decimals"),
    ],
)
def test_check_refuses_what_cannot_be_computed(tmp_path: Path, when: str, fragment: str) -> None:
    (problem,) = problems(tmp_path, when)
    assert problem.startswith("rules/x/r.yaml:") and fragment in problem


def test_check_bounds_the_nesting_of_collection_functions(tmp_path: Path) -> None:
    """Before, aantal() nested 8 deep passed and a household of 29 children ran for minutes."""
    facts = "kinderen: {record: kind, from: members[role=child], label: {nl: k, en: c}}\n"
    two = "aantal(kinderen, aantal(kinderen, true) > 0) > 0"
    three = "aantal(kinderen, aantal(kinderen, aantal(kinderen, true) > 0) > 0) > 0"
    del facts  # the bundled facts file declares no collection here: use the bundled rules
    plan_root = engine.check_rules().book
    assert plan_root is not None
    from engine.lang.parse import parse
    from engine.lang.types import MAX_COLLECTION_NESTING, ExpressionTypeError, check

    scope = engine.load_plan().scope
    name = next(n for n, d in scope.names.items() if d.type.startswith("collection["))
    check(parse(two.replace("kinderen", name)), scope)
    with pytest.raises(ExpressionTypeError, match=f"nest at most {MAX_COLLECTION_NESTING} deep"):
        check(parse(three.replace("kinderen", name)), scope)


def test_an_amount_beyond_what_can_be_shown_is_a_clear_error(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.r", "true", "{status: eligible}")
            + rule("x.b", "true", "{bedrag: geld * 999999999999999 * 999999999999999}"),
            facts=AMOUNT.replace("}}\n", "}, output: amount}\n"),
        )
    }
    write_base(tmp_path, files)
    assert engine.check_rules(tmp_path).errors == []
    plan = engine.load_plan(tmp_path)
    with pytest.raises(engine.EvaluationError, match=r"too large|out of range"):
        engine.advise(profile(money=99_999_999), DAY, plan)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "link-to-dev-zero"])
def test_a_special_file_is_refused_before_it_is_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "profiel.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path = Path("/dev/zero")
    else:
        path.symlink_to("/dev/zero")
    result = cli("advise", str(path), "--on", "2026-01-15")
    assert result.returncode == 2
    assert "not a regular file" in result.stderr


def test_a_rules_file_that_is_a_fifo_is_a_problem_not_a_hang(tmp_path: Path) -> None:
    write_base(tmp_path, {"r.yaml": rules_file(rule("x.r", "true", "{status: eligible}"))})
    os.mkfifo(tmp_path / "rules" / "x" / "hangs.yaml")
    result = cli("check", str(tmp_path))
    assert result.returncode != 0
    assert "hangs.yaml" in result.stdout + result.stderr
    assert "not a regular file" in result.stdout + result.stderr


def _advice_json() -> dict:
    result = cli("advise", str(EXAMPLE), "--on", "2026-01-15", "--format", "json")
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    "damage",
    ["language", "types", "deep", "utf8", "schemes"],
)
def test_replay_of_a_damaged_advice_is_one_error_line(tmp_path: Path, damage: str) -> None:
    advice = _advice_json()
    path = tmp_path / "advies.json"
    if damage == "language":
        advice["receipt"]["language"] = "xx"
        path.write_text(json.dumps(advice))
    elif damage == "types":
        advice["receipt"]["rules"] = [1, 2]
        advice["receipt"]["peildatum"] = 20260115
        path.write_text(json.dumps(advice))
    elif damage == "deep":
        path.write_text("[" * 100_000 + "]" * 100_000)
    elif damage == "utf8":
        path.write_bytes(b'{"receipt": "\xff\xfe"}')
    else:
        advice["schemes"] = [1, "x"]
        path.write_text(json.dumps(advice))
    result = cli("replay", str(path), str(EXAMPLE))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.splitlines()) == 1


def test_a_cut_population_file_is_exit_2(tmp_path: Path) -> None:
    from engine.population.generate import write_population

    whole = tmp_path / "pop.parquet"
    write_population(whole, 500, 1, dt.date(2026, 1, 15))
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    result = cli("batch", str(cut), "--out", str(tmp_path / "r.parquet"))
    assert result.returncode == 2, result.stderr
    assert "cut.parquet" in result.stderr and "internal error" not in result.stderr


def test_a_batch_in_which_no_household_is_valid_is_exit_2(tmp_path: Path) -> None:
    from households import write_csv

    from engine.population.generate import household_batches
    from engine.population.table import to_csv_cells

    rows = [
        to_csv_cells(r)
        for b in household_batches(5, 3, dt.date(2026, 1, 15))
        for r in b.to_pylist()
    ]
    for row in rows:
        row["household_type"] = "martian"
    population = write_csv(tmp_path / "pop.csv", rows)
    result = cli("batch", str(population), "--out", str(tmp_path / "r.csv"))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "not one household" in result.stderr


def test_no_rule_may_read_the_bsn(tmp_path: Path) -> None:
    """Issue 25: a rule base could read the BSN and print it in a text; check refuses it."""
    from rulebase import FACTS

    facts = FACTS + (
        "  bsn:\n    type: text\n    from: applicant.bsn\n"
        '    label: {nl: "bsn", en: "bsn"}\n    question: {nl: "bsn?", en: "bsn?"}\n'
    )
    write_base(
        tmp_path, {"r.yaml": rules_file(rule("x.r", "true", "{status: eligible}"))}, facts=facts
    )
    errors = [str(p) for p in engine.check_rules(tmp_path).errors]
    assert any("rules/facts.yaml" in e and "'bsn' identifies a person" in e for e in errors), errors


# --- leaks and tampering (issue 25 step 3) ----------------------------------------------------


def test_a_rule_text_with_a_control_character_or_a_line_break_is_refused(tmp_path: Path) -> None:
    text = rule("x.r", "true", "{status: eligible}").replace(
        '{nl: "Regel x.r"', '{nl: "Regel\\n\\u001b[2Jx.r"'
    )
    write_base(tmp_path, {"r.yaml": rules_file(text)})
    errors = [str(p) for p in engine.check_rules(tmp_path).errors]
    assert errors and all("\n" not in e and "\x1b" not in e for e in errors)


def test_a_link_in_a_citation_is_a_web_address(tmp_path: Path) -> None:
    text = rule("x.r", "true", "{status: eligible}").replace(
        '{article: "2"}', '{article: "2", url: "javascript:alert(1)"}'
    )
    write_base(tmp_path, {"r.yaml": rules_file(text)})
    errors = [str(p) for p in engine.check_rules(tmp_path).errors]
    assert any(e.startswith("rules/x/r.yaml:7:") and "citation.url" in e for e in errors)


def test_a_file_name_with_escape_codes_is_printed_escaped(tmp_path: Path) -> None:
    write_base(tmp_path, {"r\x1b[31m.yaml": "rules: [\n"})
    result = cli("check", str(tmp_path))
    assert result.returncode != 0
    assert "\x1b" not in result.stdout + result.stderr
    assert "\\x1b[31m" in result.stdout + result.stderr


def test_replay_prints_a_tampered_receipt_escaped(tmp_path: Path) -> None:
    advice = _advice_json()
    advice["receipt"]["rules"]["pw.fake\nidentical: the advice is reproduced byte for byte"] = "0"
    path = tmp_path / "advies.json"
    path.write_text(json.dumps(advice, indent=2) + "\n")
    result = cli("replay", str(path), str(EXAMPLE))
    assert result.returncode == 1
    assert "\nidentical" not in result.stdout
    assert "\\nidentical" in result.stdout


def test_a_crlf_copy_of_an_advice_is_not_byte_for_byte(tmp_path: Path) -> None:
    original = cli("advise", str(EXAMPLE), "--on", "2026-01-15", "--format", "json").stdout
    path = tmp_path / "advies.json"
    path.write_bytes(original.replace("\n", "\r\n").encode("utf-8"))
    result = cli("replay", str(path), str(EXAMPLE))
    assert result.returncode == 1
    assert "file's bytes differ" in result.stdout


def test_the_input_hash_does_not_depend_on_the_order_of_the_members() -> None:
    from support import load_example

    from engine.run.evaluate import profile_fingerprint

    data = load_example()
    turned = {**data, "members": list(reversed(data["members"]))}
    assert profile_fingerprint(engine.profile_from_dict(data)) == profile_fingerprint(
        engine.profile_from_dict(turned)
    )
