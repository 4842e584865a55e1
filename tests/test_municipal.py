"""Municipal policy as data: local parameters, municipal rules, and "depends on local policy"."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from support import ROOT, load_example

import engine

SCHEME = """
scheme:
  id: demo
  name: {nl: Demo, en: Demo}
  law: {name: Participatiewet, bwb: BWBR0015703}
  body: gemeente
  summary: {nl: d, en: d}
  coverage: {from: 2025-01-01, until: 2026-12-31}
  outputs: {status: demo_status, amount: demo_bedrag}
sources:
  X: {title: x, url: "https://example.org"}
parameters:
  demo_percentage:
    type: number
    local: true
    label: {nl: p, en: p}
    citation: {article: "36"}
  demo_met_landelijke_waarde:
    type: number
    local: true
    label: {nl: q, en: q}
    citation: {article: "36"}
    values: [{from: 2025-01-01, value: 0.90, source: X}]
"""
POLICY = """
municipality: {name: Testdorp, example: true}
sources:
  TD: {title: Verordening Testdorp (voorbeeld), url: "https://example.org/td"}
parameters:
  demo_percentage:
    values:
      - {from: 2025-01-01, value: 1.10, source: TD}
      - {from: 2026-01-01, value: 1.20, source: TD}
"""
RULES = """
scheme: demo
law: {name: Participatiewet, bwb: BWBR0015703}
facts:
  demo_status:
    type: text
    values: [eligible, not_eligible, refer]
    default: not_eligible
    output: status
    label: {nl: s, en: s}
  demo_bedrag: {type: money, output: amount, label: {nl: b, en: b}}
  demo_landelijk: {type: number, output: info, label: {nl: l, en: l}}
rules:
  - id: demo.grens
    citation: {article: "36"}
    when: in_aanmerking_te_nemen_inkomen <= demo_percentage * norm_21_a
    then: {demo_status: eligible, demo_bedrag: 100}
    text: {nl: "binnen {demo_percentage}", en: "within {demo_percentage}"}
  - id: demo.landelijk
    citation: {article: "36"}
    then: {demo_landelijk: demo_met_landelijke_waarde}
    text: {nl: "l", en: "l"}
"""
LOCAL_RULES = """
scheme: demo
municipality: Testdorp
law: {name: Participatiewet, bwb: BWBR0015703}
rules:
  - id: demo.testdorp.hoger
    citation: {article: "36"}
    overrides: [demo.grens]
    when: in_aanmerking_te_nemen_inkomen <= demo_percentage * norm_21_a
    then: {demo_status: eligible, demo_bedrag: 150}
    text: {nl: "Testdorp {demo_percentage}", en: "Testdorp {demo_percentage}"}
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> engine.compile.plan.Plan:
    root = tmp_path_factory.mktemp("base")
    shutil.copytree(ROOT / "rules", root / "rules")
    shutil.copytree(ROOT / "schemes", root / "schemes")
    (root / "schemes" / "gemeenten").mkdir(exist_ok=True)
    (root / "schemes" / "demo.yaml").write_text(SCHEME, encoding="utf-8")
    (root / "schemes" / "gemeenten" / "testdorp.yaml").write_text(POLICY, encoding="utf-8")
    (root / "rules" / "demo").mkdir()
    (root / "rules" / "demo" / "demo.yaml").write_text(RULES, encoding="utf-8")
    (root / "rules" / "demo" / "testdorp.yaml").write_text(LOCAL_RULES, encoding="utf-8")
    return engine.load_plan(root)


def demo(plan, municipality: str | None, on: dt.date = dt.date(2026, 1, 15)) -> tuple:
    profile = load_example()
    profile["municipality"] = municipality
    advice = engine.advise(profile, on, plan)
    return advice, advice.scheme("demo")


@pytest.mark.parametrize("name", ["Testdorp", "testdorp", "  TESTDORP "])
def test_a_municipality_is_matched_whatever_its_case_and_spacing(plan, name: str) -> None:
    advice, scheme = demo(plan, name)
    assert advice.municipality == "Testdorp"
    assert scheme.local_policy == "Testdorp"
    assert scheme.status == "eligible"


def test_municipal_rule_overrides_the_national_rule_only_there(plan) -> None:
    _, here = demo(plan, "Testdorp")
    assert here.amount == 150
    assert any(r.rule == "demo.testdorp.hoger" for r in here.explanation)
    # elsewhere the municipal rule cannot apply, and without a figure the outcome is open
    _, elsewhere = demo(plan, "Elders")
    assert all(r.rule != "demo.testdorp.hoger" for r in elsewhere.explanation)


def test_an_unset_local_figure_is_a_policy_gap_not_a_question(plan) -> None:
    _, scheme = demo(plan, "Elders")
    assert scheme.status == "undetermined"
    assert scheme.policy_gaps == ["demo_percentage"]
    assert scheme.missing_facts == []
    assert scheme.local_policy is None


def test_an_unknown_municipality_is_asked_for(plan) -> None:
    _, scheme = demo(plan, None)
    assert scheme.status == "undetermined"
    assert scheme.missing_facts == ["gemeente"]


def test_a_national_default_applies_where_the_municipality_sets_nothing(plan) -> None:
    _, scheme = demo(plan, "Elders")
    assert scheme.facts["demo_landelijk"] == Decimal("0.90")


def test_local_figures_change_on_their_dates(plan) -> None:
    _, in_2025 = demo(plan, "Testdorp", dt.date(2025, 12, 31))
    _, in_2026 = demo(plan, "Testdorp", dt.date(2026, 1, 1))
    text_2025 = next(r.text for r in in_2025.explanation if r.rule == "demo.testdorp.hoger")
    text_2026 = next(r.text for r in in_2026.explanation if r.rule == "demo.testdorp.hoger")
    assert (text_2025, text_2026) == ("Testdorp 1,1", "Testdorp 1,2")
    assert in_2026.status == in_2025.status == "eligible"


def test_a_policy_file_may_only_set_local_parameters(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "schemes", tmp_path / "schemes")
    (tmp_path / "schemes" / "gemeenten").mkdir(exist_ok=True)
    (tmp_path / "schemes" / "gemeenten" / "x.yaml").write_text(
        POLICY.replace("demo_percentage", "norm_21_a"), encoding="utf-8"
    )
    problems = [str(p) for p in engine.check_rules(tmp_path).errors]
    assert any("norm_21_a" in p and "local: true" in p for p in problems), problems
