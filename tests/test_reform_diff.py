"""Reforms as data and the impact diff between two rule bases."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from support import ROOT

import engine
from engine.diff import Case, DiffError, compare, resolve
from engine.scenarios.suite import load_file

REFORM = ROOT / "examples" / "reforms" / "kostendelersnorm-vanaf-21.yaml"
KOSTENDELERS = ROOT / "scenarios" / "algemene_bijstand" / "kostendelers.yaml"


def housemate_of_26() -> Case:
    scenario = next(
        s for s in load_file(KOSTENDELERS) if s.name == "huisgenoot van 26 telt niet mee"
    )
    return Case(scenario.name, scenario.profile, scenario.peildatum)


def test_a_reform_changes_the_figure_from_its_date_and_the_plan_hash() -> None:
    bundled, reformed = engine.load_plan(), engine.load_plan(reforms=[REFORM])
    assert reformed.hash != bundled.hash
    case = housemate_of_26()
    now = engine.advise(case.profile, case.peildatum, bundled).scheme("algemene_bijstand")
    before_2023 = engine.advise(case.profile, case.peildatum, reformed).scheme("algemene_bijstand")
    assert now.amount == Decimal("1401.50")  # a housemate of 26 does not count (since 2023)
    assert before_2023.amount == Decimal("1001.07")  # under the old rule he does: A = 2


def test_a_broken_reform_is_reported_like_a_rules_file(tmp_path: Path) -> None:
    reform = tmp_path / "r.yaml"
    reform.write_text(
        "reform: {name: x}\nparameters:\n  geen_parameter:\n    - {from: 2025-01-01, value: 1, source: PW-2026}\n",
        encoding="utf-8",
    )
    with pytest.raises(engine.RulesError, match="geen_parameter"):
        engine.load_plan(reforms=[reform])


def test_the_diff_counts_who_gains_and_by_how_much() -> None:
    impact = compare(resolve(str(REFORM)), resolve("bundled"), [housemate_of_26()])
    bijstand = impact.by_scheme["algemene_bijstand"]
    assert (bijstand.gain, bijstand.loss) == (1, 0)
    assert bijstand.monthly_change == Decimal("400.43")  # 1.401,50 - 1.001,07
    assert impact.rules_changed["pw.22a.1.alleenstaande"] == 1


def test_the_same_rules_change_nothing() -> None:
    impact = compare(resolve("bundled"), resolve("git:HEAD"), [housemate_of_26()])
    assert impact.changed == []


def test_an_unknown_rule_base_is_a_clear_error() -> None:
    with pytest.raises(DiffError, match="not 'bundled'"):
        resolve("no-such-thing")


def diff_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", "diff", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_fail_on_change_gates_a_rule_edit() -> None:
    changed = diff_cli(
        "--base", str(REFORM), "--candidate", "bundled", str(KOSTENDELERS), "--fail-on-change"
    )
    assert changed.returncode == 1, changed.stderr
    assert "algemene_bijstand" in changed.stdout
    same = diff_cli(
        "--base", "bundled", "--candidate", "bundled", str(KOSTENDELERS), "--fail-on-change"
    )
    assert same.returncode == 0, same.stderr
    assert "households with any change: 0" in same.stdout


IIT = ROOT / "scenarios" / "individuele_inkomenstoeslag" / "iit.yaml"


def kerkrade_case() -> Case:
    scenario = next(s for s in load_file(IIT) if s.name.startswith("Kerkrade: inkomen op 100%"))
    return Case(scenario.name, scenario.profile, scenario.peildatum)


def test_adopting_ones_own_policy_changes_nothing() -> None:
    from engine.diff import adopt_policy

    impact = adopt_policy(resolve("bundled"), [kerkrade_case()], "Kerkrade")
    assert impact.changed == []


def test_an_unset_local_figure_is_not_counted_as_zero() -> None:
    from engine.diff import adopt_policy

    # Kerkrade's IIT amount is unset; Alphen aan den Rijn's is € 601 (2026). That is not a gain
    # of € 601: the comparison rests on a figure Kerkrade has not published.
    impact = adopt_policy(resolve("bundled"), [kerkrade_case()], "Alphen aan den Rijn")
    iit = impact.by_scheme["individuele_inkomenstoeslag"]
    assert (iit.gain, iit.loss, iit.open) == (0, 0, 1)


def test_one_population_is_placed_in_every_municipality() -> None:
    from engine.diff import by_municipality

    plan = resolve("bundled")
    names = sorted(m.spec.name for m in plan.municipalities.values())
    table = by_municipality(plan, [kerkrade_case()], names)
    assert set(table) == set(names)
    for row in table.values():
        assert set(row) == set(plan.schemes)
        assert all(sum(counts.values()) == 1 for counts in row.values())
    assert table["Kerkrade"]["individuele_inkomenstoeslag"]["eligible"] == 1
    assert table["Westland"]["individuele_inkomenstoeslag"]["undetermined"] == 1  # no figures set


def test_the_municipalities_command() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "municipalities",
            "--population",
            "8",
            "--adopt",
            "Zevenaar",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "8 synthetic households placed in each municipality" in result.stdout
    assert "if every municipality adopted the policy of Zevenaar:" in result.stdout
