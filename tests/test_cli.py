"""The command line, run as a subprocess: exit codes, one-line errors, deterministic output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rulebase import rule, rules_file, write_base
from support import EXAMPLE, ROOT

EXAMPLE_ARG = str(EXAMPLE.relative_to(ROOT))


def bijstand(data: dict) -> dict:
    return next(s for s in data["schemes"] if s["scheme"] == "algemene_bijstand")


def cli(*args: str, hashseed: str | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ENGINE_DEBUG", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if hashseed is not None:
        env["PYTHONHASHSEED"] = hashseed
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def assert_one_error(result: subprocess.CompletedProcess, code: int = 2) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.count("error") >= 1
    assert result.stderr.startswith("error: ") or result.stderr.startswith("python -m engine")
    return result.stderr


# ---------------------------------------------------------------------------------------------
# advise


def test_advise_text_dutch() -> None:
    result = cli("advise", EXAMPLE_ARG, "--on", "2026-01-15")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "Peildatum: 15 januari 2026" in result.stdout
    assert "Algemene bijstand: recht, € 751,07 per maand" in result.stdout
    assert "art. 22a lid 1 Participatiewet" in result.stdout


def test_advise_text_english() -> None:
    result = cli("advise", EXAMPLE_ARG, "--on", "2026-01-15", "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert "Reference date: 15 January 2026" in result.stdout
    assert "€751.07 a month" in result.stdout


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_advise_json(lang: str) -> None:
    result = cli("advise", EXAMPLE_ARG, "--on", "2026-01-15", "--format", "json", "--lang", lang)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["receipt"]["language"] == lang
    assert data["receipt"]["peildatum"] == "2026-01-15"
    scheme = next(s for s in data["schemes"] if s["scheme"] == "algemene_bijstand")
    assert scheme["scheme"] == "algemene_bijstand"
    assert scheme["status"] == "eligible"
    assert scheme["amount"] == "751.07"


def test_advise_with_a_json_profile(tmp_path: Path) -> None:
    profile = yaml.safe_load(EXAMPLE.read_text())
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile, default=str))
    result = cli("advise", str(path), "--on", "2026-01-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert bijstand(json.loads(result.stdout))["amount"] == "751.07"


def test_advise_with_a_rule_base_argument(tmp_path: Path) -> None:
    write_base(tmp_path / "rb", {"a.yaml": rules_file(rule("x.a", "p", "{status: eligible}"))})
    path = tmp_path / "p.json"
    path.write_text(
        '{"members": [{"id": "a", "role": "applicant", "exclusions": {"detained": true}}]}'
    )
    result = cli(
        "advise",
        str(path),
        "--on",
        "2026-01-15",
        "--format",
        "json",
        "--rules",
        str(tmp_path / "rb"),
    )
    assert result.returncode == 0, result.stderr
    [scheme] = json.loads(result.stdout)["schemes"]  # this rule base has one scheme
    assert (scheme["scheme"], scheme["status"]) == ("x", "eligible")


def test_json_output_is_byte_identical_across_runs_and_hash_seeds() -> None:
    args = ("advise", EXAMPLE_ARG, "--on", "2026-01-15", "--format", "json")
    outputs = {cli(*args, hashseed=seed).stdout for seed in ("0", "1", "4242", "random")}
    outputs.add(cli(*args).stdout)
    assert len(outputs) == 1
    assert bijstand(json.loads(outputs.pop()))["status"] == "eligible"


def test_text_output_is_identical_across_hash_seeds() -> None:
    args = ("advise", EXAMPLE_ARG, "--on", "2026-01-15", "--lang", "en")
    assert cli(*args, hashseed="3").stdout == cli(*args, hashseed="99").stdout


# ---------------------------------------------------------------------------------------------
# Errors: exit 2, one message, no traceback


def test_bad_profile_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "members:\n  - id: a\n    role: applicant\n    birth_date: SENTINEL-9f3\n"
        "    lives_in_netherlands: yes-SENTINEL-9f3\n"
    )
    stderr = assert_one_error(cli("advise", str(path), "--on", "2026-01-15"))
    assert stderr.count("error:") == 1
    assert "members[0].birth_date" in stderr
    assert "members[0].lives_in_netherlands" in stderr
    assert "SENTINEL-9f3" not in stderr


def test_profile_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    stderr = assert_one_error(cli("advise", str(path), "--on", "2026-01-15"))
    assert "not valid JSON" in stderr


def test_missing_profile_file(tmp_path: Path) -> None:
    stderr = assert_one_error(cli("advise", str(tmp_path / "nothing.yaml"), "--on", "2026-01-15"))
    assert "cannot read" in stderr


@pytest.mark.parametrize("date", ["2026-13-01", "15-01-2026", "tomorrow", "2026-02-30"])
def test_bad_date_argument(date: str) -> None:
    result = cli("advise", EXAMPLE_ARG, "--on", date)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "not a date" in result.stderr
    assert result.stdout == ""


def test_peildatum_before_the_coverage_is_refused_with_the_period() -> None:
    stderr = assert_one_error(cli("advise", EXAMPLE_ARG, "--on", "2024-12-31"))
    assert "2024-12-31" in stderr and "2025-01-01 to 2026-12-31" in stderr


def test_past_the_bundled_figures_the_advice_names_what_is_missing() -> None:
    """Issue 26: from 1-1-2027 an advice, with each outcome that waits on a missing figure
    saying which figure."""
    result = cli("advise", EXAMPLE_ARG, "--on", "2027-01-15", "--format", "json")
    assert result.returncode == 0, result.stderr
    advice = json.loads(result.stdout)
    assert advice["notices"] == [
        "Wijzigingen van de wet na 31 december 2026 staan nog niet in de regels."
    ]
    bijstand = next(s for s in advice["schemes"] if s["scheme"] == "algemene_bijstand")
    assert "norm_21_b" in bijstand["figure_gaps"]
    for scheme in advice["schemes"]:
        if scheme["figure_gaps"]:
            assert scheme["status"] != "eligible" or scheme["amount"] is None
            assert len(scheme["not_in_rules"]) == len(scheme["figure_gaps"])
            assert all("1 januari 2027" in text for text in scheme["not_in_rules"])


def test_bad_option_values() -> None:
    for args in (("--format", "xml"), ("--lang", "de")):
        result = cli("advise", EXAMPLE_ARG, "--on", "2026-01-15", *args)
        assert result.returncode == 2
        assert "Traceback" not in result.stderr


def test_no_command() -> None:
    result = cli()
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert "engine 0." in result.stdout


def test_rule_base_with_errors_is_bad_input_for_advise(tmp_path: Path) -> None:
    write_base(
        tmp_path / "rb", {"a.yaml": rules_file(rule("x.a", "onbekend", "{status: eligible}"))}
    )
    stderr = assert_one_error(
        cli("advise", EXAMPLE_ARG, "--on", "2026-01-15", "--rules", str(tmp_path / "rb"))
    )
    assert "rules/x/a.yaml:" in stderr and "onbekend" in stderr


# ---------------------------------------------------------------------------------------------
# check


def test_check_bundled() -> None:
    result = cli("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 errors, 0 warnings" in result.stdout


def test_check_finds_errors_with_file_and_line(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p", "{status: eligible}").replace("  when:", "  wehn:"))
    write_base(tmp_path, {"a.yaml": text})
    result = cli("check", str(tmp_path))
    assert result.returncode == 1
    line = text.splitlines().index("    wehn: p") + 1
    assert f"rules/x/a.yaml:{line}: error:" in result.stdout
    assert "wehn" in result.stdout
    assert "Traceback" not in result.stderr


def test_check_warnings_do_not_fail(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p", "{status: eligible}") + rule("x.b", "q", "{status: refer}"))
    write_base(tmp_path, {"a.yaml": text})
    result = cli("check", str(tmp_path))
    assert result.returncode == 0
    assert "0 errors, 1 warnings" in result.stdout


# ---------------------------------------------------------------------------------------------
# test (scenario suites)

SCENARIO = """\
suite: test
profiles:
  voorbeeld: {profile}
scenarios:
  - name: voorbeeld op 15 januari 2026
    source: "hand: kostendelersnorm A=2, 50% van 2.002,13 min 250"
    peildatum: 2026-01-15
    profile: voorbeeld
    expect:
      algemene_bijstand:
        status: eligible
        amount: {amount}
        amounts: {{toepasselijke_norm: 1001.07}}
        facts: {{leefvorm: alleenstaande}}
        obligations: [arbeidsverplichtingen]
  - name: gedetineerd
    source: "art. 13 lid 1 onder a"
    peildatum: 2026-01-15
    profile: voorbeeld
    with:
      members[0].exclusions.detained: true
    expect:
      algemene_bijstand:
        status: not_eligible
        decisive_rules: [pw.13.1.a.detentie]
"""


def _scenarios(tmp_path: Path, amount: str) -> Path:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    profile = json.dumps(yaml.safe_load(EXAMPLE.read_text()), default=str)
    (folder / "s.yaml").write_text(SCENARIO.format(profile=profile, amount=amount))
    return folder


def test_scenarios_that_pass(tmp_path: Path) -> None:
    result = cli("test", str(_scenarios(tmp_path, "751.07")))
    assert result.returncode == 0, result.stdout
    assert "2 passed, 0 failed" in result.stdout


def test_scenarios_that_fail(tmp_path: Path) -> None:
    result = cli("test", str(_scenarios(tmp_path, "751.08")))
    assert result.returncode == 1
    assert "FAIL" in result.stdout and "1 passed, 1 failed" in result.stdout
    assert "amount: expected" in result.stdout


def test_scenarios_filter(tmp_path: Path) -> None:
    result = cli("test", str(_scenarios(tmp_path, "751.08")), "-k", "gedetineerd")
    assert result.returncode == 0
    assert "1 passed, 0 failed" in result.stdout


def test_malformed_scenario_file(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - name: x\n")
    stderr = assert_one_error(cli("test", str(path)))
    assert "needs" in stderr


def test_missing_scenario_path(tmp_path: Path) -> None:
    assert_one_error(cli("test", str(tmp_path / "none")))
