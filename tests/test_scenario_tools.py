"""Tools for policy makers around the scenario suites: JUnit, rule coverage, mutation, what-if."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from support import ROOT, load_example

import engine
from engine.api import default_plan
from engine.model.profile import profile_from_dict
from engine.run.evaluate import run
from engine.scenarios.mutate import mutate
from engine.scenarios.suite import load_file

NORMEN = ROOT / "scenarios" / "algemene_bijstand" / "normen.yaml"


def engine_test(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", "test", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_junit_report_lists_every_scenario(tmp_path: Path) -> None:
    report = tmp_path / "junit.xml"
    result = engine_test(str(NORMEN), "--junit", str(report))
    assert result.returncode == 0, result.stdout
    suite = ET.parse(report).getroot()
    assert int(suite.get("tests")) == len(load_file(NORMEN)) > 0
    assert suite.get("failures") == "0"
    assert all(case.get("name") for case in suite.iter("testcase"))


def test_coverage_names_the_rules_no_scenario_exercises() -> None:
    result = engine_test(str(NORMEN), "--coverage")
    assert "rule coverage:" in result.stdout
    # the norm scenarios never reach the exclusions of art. 13
    assert "never applied: pw.13.1.a.detentie" in result.stdout


def test_the_whole_suite_exercises_every_rule() -> None:
    result = engine_test("scenarios", "--coverage")
    assert result.returncode == 0, result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("rule coverage:"))
    covered, total = (int(x) for x in line.split()[2:5:2])
    assert covered == total


def test_mutation_check_tells_noticed_from_unnoticed_changes() -> None:
    scenarios = [s for s in load_file(NORMEN) if s.name.startswith("21a:")]
    assert scenarios
    results = {
        (m.kind, m.target): m.killed
        for m in mutate(default_plan(), scenarios, only={"norm_21_a", "norm_21_b"})
    }
    assert results[("parameter", "norm_21_a")] is True  # the 21a scenarios assert its amount
    assert results[("parameter", "norm_21_b")] is False  # no 21a scenario depends on 21b


def test_threshold_mutants_move_a_compared_number_one_step() -> None:
    plan = default_plan()
    [mutant] = [
        m for m in mutate(plan, [], only={"pw.13.1.f.jonger_dan_18"}) if m.kind == "threshold"
    ]
    assert mutant.change == "'leeftijd_aanvrager < 18': 18 -> 19"
    assert mutant.killed is False  # with no scenarios, nothing notices


def test_what_if_replaces_a_figure_for_one_run_only() -> None:
    plan = default_plan()
    profile = profile_from_dict(load_example())
    day = dt.date(2026, 1, 15)
    changed = run(plan, profile, day, {"norm_21_b": Decimal("2100.00")})
    assert changed.facts["toepasselijke_norm"] == Decimal("1050.00")  # 50% of B
    assert run(plan, profile, day).facts["toepasselijke_norm"] == Decimal("1001.07")
    assert engine.advise(load_example(), day).scheme("algemene_bijstand").amount == Decimal(
        "751.07"
    )
