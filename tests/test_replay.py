"""Receipts and replay: the same input and rules give the same bytes; changes are named."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, load_example

import engine
from engine.model.profile import profile_from_dict
from engine.replay import ReplayError, replay

DAY = dt.date(2026, 1, 15)


def advice_json(plan=None, profile: dict | None = None) -> str:
    return engine.advise(profile or load_example(), DAY, plan).to_json()


def test_a_receipt_names_rules_parameters_and_input() -> None:
    receipt = json.loads(advice_json())["receipt"]
    assert receipt["peildatum"] == "2026-01-15"
    assert len(receipt["input_hash"]) == 64
    assert receipt["rules"]["pw.21.a"]  # the norm rule that applied, with its content hash
    assert receipt["parameters"]["norm_21_b"] == "2002.13"  # read by the kostendelersnorm


def test_the_receipt_carries_no_personal_data() -> None:
    profile = load_example()
    profile["members"][0]["id"] = "SENTINELID"
    profile["members"][0]["birth_date"] = "1977-03-29"
    profile["assets"]["bank_and_cash"] = "4321.09"
    profile["municipality"] = "Sentinelstad"
    receipt = json.dumps(json.loads(advice_json(profile=profile))["receipt"])
    for personal in ("1977-03-29", "4321.09", "SENTINELID", "Sentinelstad"):
        assert personal not in receipt


def test_replay_reproduces_the_advice_byte_for_byte() -> None:
    original = advice_json()
    result = replay(original, profile_from_dict(load_example()))
    assert result.identical
    assert result.advice_json == original


def test_replay_refuses_another_profile() -> None:
    other = load_example()
    other["assets"]["bank_and_cash"] = "100.00"
    with pytest.raises(ReplayError, match="not the one"):
        replay(advice_json(), profile_from_dict(other))


@pytest.fixture
def changed_base(tmp_path: Path) -> Path:
    root = tmp_path / "base"
    shutil.copytree(ROOT / "rules", root / "rules")
    shutil.copytree(ROOT / "schemes", root / "schemes")
    scheme = root / "schemes" / "algemene_bijstand.yaml"
    scheme.write_text(
        scheme.read_text(encoding="utf-8").replace("value: 2002.13", "value: 2012.13"),
        encoding="utf-8",
    )
    rules = root / "rules" / "algemene_bijstand" / "norm.yaml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(
        text.replace(
            "Uw norm is daarom {toepasselijke_norm}.", "Uw norm wordt {toepasselijke_norm}."
        ),
        encoding="utf-8",
    )
    return root


def test_replay_names_the_rules_and_parameters_that_changed(changed_base: Path) -> None:
    original = advice_json()
    result = replay(original, profile_from_dict(load_example()), engine.load_plan(changed_base))
    assert not result.identical
    assert result.plan_changed
    assert result.changed_parameters["norm_21_b"] == ("2002.13", "2012.13")
    assert "pw.22a.1.alleenstaande" in result.changed_rules  # its text changed
    # the kostendelersnorm follows B: 50% of 2.012,13 = 1.006,065 -> 1.006,07; minus 250 wages
    assert result.changed_outcomes["algemene_bijstand"] == (
        ("eligible", "751.07"),
        ("eligible", "756.07"),
    )


def test_the_replay_command(tmp_path: Path) -> None:
    advice = tmp_path / "advice.json"
    advice.write_text(advice_json(), encoding="utf-8")
    profile = ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"
    run = subprocess.run(
        [sys.executable, "-m", "engine", "replay", str(advice), str(profile)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "byte for byte" in run.stdout
