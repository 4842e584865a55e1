"""Amounts where they belong: every scheme that grants money has its main amount in `.amount`,
with the period the law gives it (issue 22, step 0).

Bijstand and the CZ contribution are per month (art. 21 Pw; the premium); the IIT and the
meedoen budget are per year (art. 36 Pw and the verordening); bijzondere bijstand is a one-off
grant for a cost (art. 35 Pw) and kwijtschelding a one-off remission of an assessment.
"""

from __future__ import annotations

from collections import Counter

import pytest
from support import ROOT

import engine
from engine.explain.advise import build_advice
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.model.profile import profile_from_dict
from engine.run.evaluate import run
from engine.scenarios.suite import find_files, load_file

PLAN = engine.load_plan()
MONEY = {
    "algemene_bijstand": "month",
    "collectieve_zorgverzekering": "month",
    "individuele_inkomenstoeslag": "year",
    "meedoen": "year",
    "bijzondere_bijstand": "once",
    "kwijtschelding": "once",
}
PERIOD_WORDS = {"month": "per maand", "year": "per jaar", "once": "eenmalig"}


def test_each_money_scheme_declares_its_main_amount_and_period() -> None:
    declared = {s for s, scheme in PLAN.schemes.items() if scheme.spec.outputs.amount}
    assert declared == set(MONEY)
    assert {s: PLAN.main_period(s) for s in MONEY} == MONEY


@pytest.fixture(scope="module")
def eligible_money() -> list:
    """Every eligible outcome of a money scheme in the scenario suites, with its advice."""
    found = []
    for path in find_files([ROOT / "scenarios"]):
        for scenario in load_file(path):
            trace = run(PLAN, profile_from_dict(scenario.profile), scenario.peildatum)
            advice = build_advice(trace, "nl")
            for scheme in advice.schemes:
                if scheme.scheme in MONEY and scheme.status == "eligible":
                    found.append((advice, scheme))
    return found


def test_an_eligible_money_scheme_with_a_known_amount_shows_it_with_its_period(
    eligible_money: list,
) -> None:
    shown: Counter[str] = Counter()
    for advice, scheme in eligible_money:
        main = PLAN.schemes[scheme.scheme].spec.outputs.amount
        known = {a.fact: a.value for a in scheme.amounts}
        assert scheme.amount == known.get(main), scheme.scheme
        assert scheme.amount_period == MONEY[scheme.scheme]
        if scheme.amount is not None:
            shown[scheme.scheme] += 1
            title = f"{scheme.name}: {scheme.status_text}, "
            for rendered in (advice_text(advice), advice_markdown(advice)):
                line = next(li for li in rendered.splitlines() if title in li)
                assert line.endswith(PERIOD_WORDS[scheme.amount_period]), line
    assert set(shown) == set(MONEY), shown  # each money scheme shows an amount somewhere
