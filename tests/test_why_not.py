"""Why not, and what would change it: the decisive conditions of a negative outcome."""

from __future__ import annotations

import datetime as dt

from support import load_example

import engine

DAY = dt.date(2026, 3, 1)


def bijstand(profile: dict, lang: str = "nl") -> engine.SchemeAdvice:
    return engine.advise(profile, DAY, lang=lang).scheme("algemene_bijstand")


def test_assets_above_the_limit_say_which_limit_would_give_a_right() -> None:
    profile = load_example()
    profile["assets"]["bank_and_cash"] = 9000
    nl, en = bijstand(profile), bijstand(profile, "en")
    assert [c.rule for c in nl.decisive_conditions] == ["pw.34.vermogen_boven_grens"]
    assert nl.decisive_conditions[0].would_change == (
        "Met vermogen dat meetelt hoogstens € 8.000,00 zou dit anders uitvallen."
    )
    assert "at most €8,000.00" in en.decisive_conditions[0].would_change


def test_income_above_the_norm_says_which_income_would_give_a_right() -> None:
    profile = load_example()
    profile["members"][0]["incomes"].append({"kind": "wages", "net_monthly": 2000})
    [condition] = bijstand(profile).decisive_conditions
    assert condition.holds is False
    assert condition.text.startswith("Niet voldaan aan art. 11 lid 1 Participatiewet")
    assert "lager dan € 1.001,07" in condition.would_change


def test_two_exclusions_are_both_named() -> None:
    profile = load_example()
    profile["members"][0]["exclusions"]["detained"] = True
    profile["members"][0]["exclusions"]["military_service"] = True
    rules = [c.rule for c in bijstand(profile).decisive_conditions]
    assert rules == ["pw.13.1.a.detentie", "pw.13.1.c.militaire_dienst"]


def test_a_yes_no_ground_has_no_threshold_to_name() -> None:
    profile = load_example()
    profile["members"][0]["exclusions"]["detained"] = True
    [condition] = bijstand(profile).decisive_conditions
    assert condition.holds is True and condition.would_change is None


def test_a_shared_blocker_is_named_once() -> None:
    profile = load_example()
    profile["members"][0]["nationality"] = "SY"
    profile["members"][0]["residence_permit"] = "none"
    rules = {c.rule for c in bijstand(profile).decisive_conditions}
    assert rules == {"pw.11.2.gelijkgesteld"}  # it blocks both the right and the AIO route
