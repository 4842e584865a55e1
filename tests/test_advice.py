"""The advice for the bundled rules: outcome, amounts, why and why not, texts in two languages."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import pytest
from support import EXAMPLE, PEILDATUM

import engine
from engine.explain.format import money
from engine.explain.text import advice_text

SCHEME = "algemene_bijstand"


def bijstand(data: Any, day: dt.date = PEILDATUM, lang: str = "nl") -> engine.SchemeAdvice:
    return engine.advise(data, day, lang=lang).scheme(SCHEME)


def all_texts(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in all_texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in all_texts(v)]
    return []


# ---------------------------------------------------------------------------------------------
# The example profile


def test_example_is_eligible_with_the_kostendelersnorm(example) -> None:
    scheme = bijstand(example)
    assert scheme.status == "eligible"
    # kostendelersnorm, A = 2: ((40% + 2 x 30%) / 2) x 2.002,13 = 1.001,065 -> 1.001,07
    amounts = {a.fact: a.value for a in scheme.amounts}
    assert amounts["toepasselijke_norm"] == Decimal("1001.07")
    # rent allowance does not count (art. 31 lid 2), wages do
    assert amounts["in_aanmerking_te_nemen_inkomen"] == Decimal("250.00")
    assert scheme.amount == Decimal("751.07")
    assert amounts["bijstand_bedrag"] == Decimal("751.07")
    assert scheme.facts["leefvorm"] == "alleenstaande"
    assert scheme.facts["aantal_kostendelers"] == 1
    assert scheme.missing_facts == []
    assert scheme.conflicts == []
    assert scheme.decisive_conditions == []


def test_example_from_file_and_dict_agree(example) -> None:
    from_file = engine.advise(engine.profile_from_file(EXAMPLE), PEILDATUM)
    assert from_file.to_json() == engine.advise(example, PEILDATUM).to_json()


def test_example_explanation_cites_the_articles(example) -> None:
    scheme = bijstand(example)
    applied = {step.rule: step for step in scheme.explanation}
    for rule_id in (
        "pw.11.recht",
        "pw.19.bedrag",
        "pw.22a.1.alleenstaande",
        "pw.19a.1.kostendelers",
    ):
        assert rule_id in applied
    step = applied["pw.22a.1.alleenstaande"]
    assert step.citation.law == "Participatiewet"
    assert step.citation.bwb == "BWBR0015703"
    assert step.citation.article == "22a"
    assert step.citation.label == "art. 22a lid 1 Participatiewet"
    assert step.concluded == {"toepasselijke_norm": Decimal("1001.07")}
    assert applied["pw.19.bedrag"].values["in_aanmerking_te_nemen_inkomen"] == Decimal("250.00")


def test_example_duties_and_steps(example) -> None:
    scheme = bijstand(example)
    assert [o.fact for o in scheme.obligations] == ["arbeidsverplichtingen"]
    assert scheme.obligations[0].citation.article == "9"
    assert "voorschot_aanvragen" in [s.fact for s in scheme.next_steps]  # art. 52 from 2026
    for point in scheme.discretion_points:
        assert point.weigh and point.text


def test_example_receipt(example) -> None:
    advice = engine.advise(example, PEILDATUM, lang="en")
    assert advice.receipt.peildatum == PEILDATUM
    assert advice.receipt.language == "en"
    assert advice.receipt.engine_version == engine.__version__
    assert re.fullmatch(r"[0-9a-f]{16}", advice.receipt.plan_hash)
    assert advice.receipt.plan_hash == engine.load_plan().hash


def test_advice_rejects_an_unknown_language(example) -> None:
    with pytest.raises(ValueError, match="lang"):
        engine.advise(example, PEILDATUM, lang="de")


def test_kostendeler_under_27_does_not_count(example) -> None:
    example["members"][1]["birth_date"] = "2000-01-16"  # 25 on the peildatum
    scheme = bijstand(example)
    assert scheme.facts["aantal_kostendelers"] == 0
    assert {a.fact: a.value for a in scheme.amounts}["toepasselijke_norm"] == Decimal("1401.50")
    assert scheme.amount == Decimal("1151.50")


def test_kostendeler_turns_27_on_the_peildatum(example) -> None:
    example["members"][1]["birth_date"] = "1999-01-15"
    assert bijstand(example).facts["aantal_kostendelers"] == 1
    example["members"][1]["birth_date"] = "1999-01-16"  # the day before the 27th birthday
    assert bijstand(example).facts["aantal_kostendelers"] == 0


def test_the_2025_norm_applies_on_a_2025_peildatum(example) -> None:
    scheme = bijstand(example, dt.date(2025, 12, 31))
    # 2nd half of 2025: gehuwdennorm 1.955,80 -> kostendelersnorm 977,90
    assert {a.fact: a.value for a in scheme.amounts}["toepasselijke_norm"] == Decimal("977.90")
    assert scheme.amount == Decimal("727.90")


# ---------------------------------------------------------------------------------------------
# Why not


def test_an_excluded_person_gets_the_exclusion_as_decisive_condition(example) -> None:
    example["members"][0]["exclusions"]["detained"] = True
    scheme = bijstand(example)
    assert scheme.status == "not_eligible"
    assert scheme.amount is None
    decisive = [c for c in scheme.decisive_conditions if c.rule == "pw.13.1.a.detentie"]
    assert len(decisive) == 1
    [condition] = decisive
    assert condition.holds is True
    assert condition.condition == "gedetineerd_aanvrager"
    assert condition.values == {"gedetineerd_aanvrager": True}
    assert condition.citation.article == "13" and condition.citation.sub == "a"
    assert "detentie" in condition.text
    # no obligations for someone without a right
    assert scheme.obligations == []


def test_income_above_the_norm_points_at_the_income_comparison(example) -> None:
    example["members"][0]["incomes"].append({"kind": "benefit", "net_monthly": 900})
    scheme = bijstand(example)
    assert scheme.status == "not_eligible"
    failed = [c for c in scheme.decisive_conditions if c.rule == "pw.11.recht"]
    assert len(failed) == 1
    [condition] = failed
    assert condition.holds is False
    assert condition.condition == "in_aanmerking_te_nemen_inkomen < toepasselijke_norm"
    assert condition.values == {
        "in_aanmerking_te_nemen_inkomen": Decimal("1150.00"),
        "toepasselijke_norm": Decimal("1001.07"),
    }
    # the parts of the rule that did hold are not blamed
    assert not any(
        c.rule == "pw.11.recht" and "woont_in_nederland_aanvrager" in c.condition
        for c in scheme.decisive_conditions
    )


def test_why_not_ends_at_conditions_a_person_can_recognise(example) -> None:
    example["members"][0]["incomes"].append({"kind": "benefit", "net_monthly": 900})
    scheme = bijstand(example)
    assert scheme.decisive_conditions
    for condition in scheme.decisive_conditions:
        assert condition.condition not in ("true", "waar")
        assert "onbekend" not in condition.text


def test_income_equal_to_the_norm_is_not_below_it(example) -> None:
    example["members"][0]["incomes"] = [{"kind": "wages", "net_monthly": "1001.07"}]
    assert bijstand(example).status == "not_eligible"
    example["members"][0]["incomes"] = [{"kind": "wages", "net_monthly": "1001.06"}]
    scheme = bijstand(example)
    assert scheme.status == "eligible"
    assert scheme.amount == Decimal("0.01")


def test_assets_above_the_limit(example) -> None:
    example["assets"]["bank_and_cash"] = "8400.01"  # minus 400 debts: 8.000,01 > 8.000
    scheme = bijstand(example)
    assert scheme.status == "not_eligible"
    [condition] = [c for c in scheme.decisive_conditions if c.rule == "pw.34.vermogen_boven_grens"]
    assert condition.holds is True
    example["assets"]["bank_and_cash"] = "8400.00"
    assert bijstand(example).status == "eligible"


def test_not_living_in_the_netherlands(example) -> None:
    example["members"][0]["lives_in_netherlands"] = False
    scheme = bijstand(example)
    assert scheme.status == "not_eligible"
    assert any(
        c.rule == "pw.11.recht"
        and c.condition == "woont_in_nederland_aanvrager"
        and c.holds is False
        for c in scheme.decisive_conditions
    )


def test_aow_age_is_referred_to_the_svb(example) -> None:
    example["members"][0]["birth_date"] = "1958-01-15"  # 68
    scheme = bijstand(example)
    assert scheme.status == "refer"
    assert scheme.refer_to == "SVB"
    assert scheme.amount is None


# ---------------------------------------------------------------------------------------------
# Unknown facts


def test_a_missing_birth_date_is_asked_for(example) -> None:
    del example["members"][0]["birth_date"]
    scheme = bijstand(example)
    assert scheme.status == "undetermined"
    assert "geboortedatum_aanvrager" in scheme.missing_facts
    assert scheme.amount is None


def test_absent_income_list_is_unknown_but_empty_list_is_none(example) -> None:
    del example["members"][0]["incomes"]
    scheme = bijstand(example)
    assert scheme.status == "undetermined"
    assert "inkomsten_aanvrager" in scheme.missing_facts
    example["members"][0]["incomes"] = []
    scheme = bijstand(example)
    assert scheme.status == "eligible"
    assert scheme.amount == Decimal("1001.07")


def test_unknown_item_field_is_named_with_its_index(example) -> None:
    del example["members"][1]["birth_date"]
    scheme = bijstand(example)
    assert scheme.status == "undetermined"
    assert "medebewoners[0].geboortedatum" in scheme.missing_facts


def test_an_unknown_exclusion_blocks_eligibility_but_not_a_refusal(example) -> None:
    del example["members"][0]["exclusions"]["uitreiziger"]
    scheme = bijstand(example)
    assert scheme.status == "undetermined"
    assert scheme.missing_facts == ["uitreiziger_aanvrager"]
    example["members"][0]["lives_in_netherlands"] = False  # no right anyway
    assert bijstand(example).status == "not_eligible"


def test_missing_assets_are_asked_for(example) -> None:
    del example["assets"]["bank_and_cash"]
    scheme = bijstand(example)
    assert scheme.status == "undetermined"
    assert "banktegoeden" in scheme.missing_facts


# ---------------------------------------------------------------------------------------------
# Texts


def test_dutch_money_style(example) -> None:
    advice = engine.advise(example, PEILDATUM, lang="nl")
    texts = all_texts(json.loads(advice.to_json()))
    assert any("€ 1.001,07" in t for t in texts)
    assert any("€ 2.002,13" in t for t in texts)
    for t in texts:  # every amount in Dutch style: € 1.234,56
        for found in re.findall(r"€\s?[\d.,]+\d", t):
            assert re.fullmatch(r"€ \d{1,3}(\.\d{3})*,\d\d", found), (found, t)
    text = advice_text(advice)
    assert "€ 751,07 per maand" in text
    assert "15 januari 2026" in text


def test_english_money_style(example) -> None:
    advice = engine.advise(example, PEILDATUM, lang="en")
    texts = all_texts(json.loads(advice.to_json()))
    assert any("€1,001.07" in t for t in texts)
    assert any("€2,002.13" in t for t in texts)
    text = advice_text(advice)
    assert "€751.07 a month" in text
    assert "15 January 2026" in text
    assert "€ " not in text  # no Dutch money style left in English
    for t in texts:  # every amount in English style: €1,234.56
        for found in re.findall(r"€\s?[\d.,]+\d", t):
            assert re.fullmatch(r"€\d{1,3}(,\d{3})*\.\d\d", found), (found, t)


@pytest.mark.parametrize(
    ("amount", "nl", "en"),
    [
        ("1001.07", "€ 1.001,07", "€1,001.07"),
        ("751.07", "€ 751,07", "€751.07"),
        ("0", "€ 0,00", "€0.00"),
        ("1234567.8", "€ 1.234.567,80", "€1,234,567.80"),
        ("1001.065", "€ 1.001,07", "€1,001.07"),
        ("-5", "-€ 5,00", "-€5.00"),
    ],
)
def test_money_formatting(amount: str, nl: str, en: str) -> None:
    assert money(Decimal(amount), "nl") == nl
    assert money(Decimal(amount), "en") == en


PROFILE_VARIANTS = {
    "example": lambda d: None,
    "detained": lambda d: d["members"][0]["exclusions"].__setitem__("detained", True),
    "rich": lambda d: d["assets"].__setitem__("bank_and_cash", 50000),
    "aow": lambda d: d["members"][0].__setitem__("birth_date", "1950-01-01"),
    "young": lambda d: d["members"][0].__setitem__("birth_date", "2006-01-01"),
    "unknown": lambda d: d["members"][0].pop("birth_date"),
    "partner": lambda d: d["members"].append(
        {**d["members"][0], "id": "partner", "role": "partner", "birth_date": "1990-01-01"}
    ),
    "child": lambda d: d["members"].append(
        {"id": "kind", "role": "child", "birth_date": "2024-01-01"}
    ),
}


@pytest.mark.parametrize("variant", sorted(PROFILE_VARIANTS))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_texts_have_no_leftover_placeholders(example, variant: str, lang: str) -> None:
    PROFILE_VARIANTS[variant](example)
    advice = engine.advise(example, PEILDATUM, lang=lang)
    texts = [*all_texts(json.loads(advice.to_json())), advice_text(advice)]
    for text in texts:
        assert not re.search(r"\{[a-z_0-9]*\}", text), text
        assert "{" not in text and "}" not in text, text
        assert "None" not in text and "Unknown(" not in text, text


def test_dutch_and_english_advice_agree_on_everything_but_words(example) -> None:
    nl = engine.advise(example, PEILDATUM, lang="nl").scheme(SCHEME)
    en = engine.advise(example, PEILDATUM, lang="en").scheme(SCHEME)
    assert nl.status == en.status and nl.amount == en.amount
    assert [a.value for a in nl.amounts] == [a.value for a in en.amounts]
    assert [s.rule for s in nl.explanation] == [s.rule for s in en.explanation]
    assert nl.explanation[0].text != en.explanation[0].text


def test_json_amounts_are_text_with_cents(example) -> None:
    data = json.loads(engine.advise(example, PEILDATUM).to_json())
    scheme = next(s for s in data["schemes"] if s["scheme"] == "algemene_bijstand")
    assert scheme["amount"] == "751.07"
    assert {a["fact"]: a["value"] for a in scheme["amounts"]}["toepasselijke_norm"] == "1001.07"
    assert data["receipt"]["peildatum"] == "2026-01-15"


def test_in_an_institution_the_why_shows_the_norm_that_applies_only() -> None:
    """Issue 27: after 'ja' to the inrichting question, the 'Waarom' showed the inrichting norm
    and the single person's norm; only the one that applies bears on the outcome."""
    from support import load_example

    data = load_example()
    data["members"][0]["exclusions"]["in_institution"] = True
    bijstand = engine.advise(data, PEILDATUM).scheme("algemene_bijstand")
    texts = [r.text for r in bijstand.explanation]
    assert any(t.startswith("U woont in een inrichting. Uw norm is") for t in texts)
    assert not any("tussen 21 en de AOW-leeftijd. Uw norm is" in t for t in texts)
    assert not any("Uw norm is daarom" in t for t in texts)  # the kostendelersnorm
