"""Invariants across every scheme of the bundled rules, over generated households.

Amounts are never negative and never above the figure they derive from; the advice does not
depend on the order of the household's members; and on the day a dated parameter changes, and
the day before, exactly the right value applies. tests/test_properties.py holds the bijstand
properties over complete profiles; this file takes households from the population generator
(with unknown facts) in the municipalities that have policy files, and every scheme.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import examples, load_example

import engine
from engine.errors import ProfileError
from engine.load.loader import municipality_key
from engine.population.generate import generate

SETTINGS = settings(max_examples=examples(150))
PLAN = engine.load_plan()
MUNICIPALITIES = ["Kerkrade", "Alphen aan den Rijn", "Westland", "Voorbeeldgemeente", "Utrecht"]
PEILDATA = [
    dt.date(2025, 1, 1),
    dt.date(2025, 6, 30),
    dt.date(2025, 7, 1),
    dt.date(2025, 12, 31),
    dt.date(2026, 1, 1),
    dt.date(2026, 7, 1),
    dt.date(2026, 12, 31),
]
POOL = generate(300, seed=41) + generate(300, seed=42, today=dt.date(2025, 6, 1))
FIRST_DAY, LAST_DAY = dt.date(2025, 1, 1), dt.date(2026, 12, 31)


def _drop(value: Any, rng: random.Random, rate: float) -> Any:
    if isinstance(value, dict):
        return {
            k: _drop(v, rng, rate)
            for k, v in value.items()
            if k in ("id", "role", "members", "kind") or rng.random() >= rate
        }
    if isinstance(value, list):
        return [_drop(v, rng, rate) for v in value]
    return value


@st.composite
def households(draw: Any, members_complete: bool = False) -> tuple[dict[str, Any], dt.date]:
    """A generated household, perhaps with facts left out, somewhere, on some day.

    With `members_complete`, facts are left out only outside the members (assets, debts ...).
    """
    profile = copy.deepcopy(draw(st.sampled_from(POOL)))
    municipality = draw(st.sampled_from([*MUNICIPALITIES, None]))
    if municipality is None:
        profile.pop("municipality", None)
    else:
        profile["municipality"] = municipality
    rate = draw(st.sampled_from([0.0, 0.0, 0.05, 0.2]))
    if rate:
        dropped = _drop(profile, random.Random(draw(st.integers(0, 2**16))), rate)
        if members_complete:
            dropped["members"] = profile["members"]
        try:
            engine.profile_from_dict(dropped)
            profile = dropped
        except ProfileError:
            pass  # left out a field that may not be (an income's amount): keep it whole
    return profile, draw(st.sampled_from(PEILDATA))


def amounts(scheme: engine.SchemeAdvice) -> dict[str, Decimal]:
    return {a.fact: a.value for a in scheme.amounts}


def params_for(profile: dict[str, Any], day: dt.date) -> dict[str, Any]:
    name = profile.get("municipality")
    return PLAN.on(day, municipality_key(name) if name else None).params


def _known(value: Any) -> bool:
    return isinstance(value, int | Decimal)


@SETTINGS
@given(households())
def test_every_amount_of_every_scheme_lies_between_zero_and_its_figure(
    household: tuple[dict[str, Any], dt.date],
) -> None:
    profile, day = household
    advice = engine.advise(profile, day)
    params = params_for(profile, day)
    members = len(profile["members"])
    assert {s.scheme for s in advice.schemes} == set(PLAN.schemes)
    for scheme in advice.schemes:
        for fact, value in amounts(scheme).items():
            assert value >= 0, (scheme.scheme, fact, value)
        if scheme.amount is not None:
            assert scheme.amount >= 0
    bijstand = amounts(advice.scheme("algemene_bijstand"))
    if "bijstand_bedrag" in bijstand:
        assert bijstand["bijstand_bedrag"] <= bijstand["toepasselijke_norm"]
    iit = amounts(advice.scheme("individuele_inkomenstoeslag")).get("iit_bedrag")
    if iit is not None:
        figures = [v for n, v in params.items() if n.startswith("iit_bedrag_") and _known(v)]
        assert figures and iit <= max(figures)
    meedoen = amounts(advice.scheme("meedoen")).get("meedoen_bedrag")
    if meedoen is not None:
        per_person = max(params["meedoen_bedrag_volwassene"], params["meedoen_bedrag_kind"])
        assert meedoen <= members * per_person
    cz = amounts(advice.scheme("collectieve_zorgverzekering")).get("cz_bijdrage_maximum")
    if cz is not None:
        assert cz <= members * params["cz_bijdrage_max_per_persoon"]


def _without_input_hash(advice_json: str) -> dict[str, Any]:
    data = json.loads(advice_json)
    assert data["receipt"].pop("input_hash")
    return data


@SETTINGS
@given(
    households(members_complete=True),
    st.randoms(use_true_random=False),
    st.sampled_from(["nl", "en"]),
)
def test_the_order_of_members_and_their_incomes_changes_nothing(
    household: tuple[dict[str, Any], dt.date], rng: random.Random, lang: str
) -> None:
    profile, day = household
    shuffled = copy.deepcopy(profile)
    rng.shuffle(shuffled["members"])
    for member in shuffled["members"]:
        if isinstance(member.get("incomes"), list):
            rng.shuffle(member["incomes"])
    first = engine.advise(profile, day, lang=lang).to_json()
    second = engine.advise(shuffled, day, lang=lang).to_json()
    assert _without_input_hash(second) == _without_input_hash(first)


def test_a_missing_fact_of_a_member_names_the_same_member_in_any_order() -> None:
    """Which child's birth date is missing must not depend on where the child stands.

    The advice names a missing fact of a collection item by its position (kinderen[3]), so
    reversing the members renames the same child kinderen[0] and the advice differs.
    """
    profile = copy.deepcopy(next(p for p in POOL if p["members"][0].get("birth_date")))
    profile["members"] = [m for m in profile["members"] if m["role"] == "applicant"]
    born = dt.date(2015, 3, 1).isoformat()
    profile["members"] += [
        {"id": "kind_a", "role": "child", "birth_date": born},
        {"id": "kind_b", "role": "child"},  # birth date unknown
    ]
    day = dt.date(2026, 1, 15)
    shuffled = copy.deepcopy(profile)
    shuffled["members"] = [shuffled["members"][0], *reversed(shuffled["members"][1:])]
    first = engine.advise(profile, day)
    second = engine.advise(shuffled, day)
    missing_first = sorted({f for s in first.schemes for f in s.missing_facts if "kinderen" in f})
    missing_second = sorted({f for s in second.schemes for f in s.missing_facts if "kinderen" in f})
    assert missing_first  # the unknown birth date is asked for
    assert missing_second == missing_first


def test_member_order_is_tested_on_households_with_children_and_residents() -> None:
    roles = [{m["role"] for m in p["members"]} for p in POOL]
    assert any("child" in r for r in roles)
    assert any("other_resident" in r for r in roles)
    assert any("partner" in r for r in roles)


def _changes() -> list[tuple[str, dt.date, Any, Any]]:
    """(parameter, day it changes, value before, value from then) within the covered period."""
    found = []
    for name, param in sorted(PLAN.parameters.items()):
        values = param.spec.values
        for before, after in itertools.pairwise(values):
            if FIRST_DAY < after.from_ <= LAST_DAY:
                found.append((name, after.from_, before.value, after.value))
    return found


CHANGES = _changes()


def test_there_are_parameter_changes_to_check() -> None:
    changed = [c for c in CHANGES if c[2] != c[3]]
    assert len(CHANGES) >= 40 and len(changed) >= 30
    assert ("norm_21_a", dt.date(2026, 1, 1)) in {(c[0], c[1]) for c in changed}


def _typed(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    return tuple(value) if isinstance(value, list) else value


@pytest.mark.parametrize(
    ("name", "day", "before", "after"), CHANGES, ids=[f"{c[0]}@{c[1]}" for c in CHANGES]
)
def test_a_parameter_changes_exactly_on_its_date(
    name: str, day: dt.date, before: Any, after: Any
) -> None:
    eve = day - dt.timedelta(days=1)
    local = PLAN.parameters[name].spec.local
    setters = [k for k, m in PLAN.municipalities.items() if name in m.parameters]
    others = [k for k in PLAN.municipalities if k not in setters]
    for municipality in [None] if not local else others[:2]:
        assert PLAN.on(eve, municipality).params[name] == _typed(before)
        assert PLAN.on(day, municipality).params[name] == _typed(after)
    if local:
        unknown = PLAN.on(day, None).params[name]
        assert not _known(unknown) and not isinstance(unknown, tuple | str | dt.date)
        for key in setters:  # a municipality's own figure wins over the national default
            own = PLAN.municipalities[key].parameters[name].values
            assert PLAN.on(day, key).params[name] == _typed(own[-1].value)


def test_local_figures_apply_only_where_a_municipality_sets_them() -> None:
    day = dt.date(2026, 1, 15)
    for key, municipality in PLAN.municipalities.items():
        for name in municipality.parameters:
            expected = municipality.parameters[name].values[-1].value
            assert PLAN.on(day, key).params[name] == _typed(expected)
    westland = PLAN.on(day, "westland").params
    assert not _known(westland["iit_bedrag_alleenstaande"])  # Westland sets no IIT figure


def _single(day: dt.date) -> dict[str, Any]:
    profile = load_example()
    profile["members"] = profile["members"][:1]
    profile["members"][0]["incomes"] = []
    profile["reporting_date"] = (day - dt.timedelta(days=10)).isoformat()
    return profile


def _norm_on(day: dt.date) -> Decimal:
    values = PLAN.parameters["norm_21_a"].spec.values
    return Decimal(str(max((v for v in values if v.from_ <= day), key=lambda v: v.from_).value))


@pytest.mark.parametrize(
    ("eve", "day"),
    [(dt.date(2025, 12, 31), dt.date(2026, 1, 1)), (dt.date(2025, 6, 30), dt.date(2025, 7, 1))],
)
def test_a_single_persons_bijstand_follows_the_norm_change_to_the_day(
    eve: dt.date, day: dt.date
) -> None:
    profile = _single(eve)
    before = engine.advise(profile, eve).scheme("algemene_bijstand")
    after = engine.advise(profile, day).scheme("algemene_bijstand")
    assert before.status == after.status == "eligible"
    assert before.amount == _norm_on(eve) == amounts(before)["toepasselijke_norm"]
    assert after.amount == _norm_on(day) == amounts(after)["toepasselijke_norm"]
    assert before.amount != after.amount


def test_the_2026_norm_applies_from_new_year_exactly() -> None:
    profile = _single(dt.date(2025, 12, 31))
    amounts_by_day = {
        day: engine.advise(profile, day).scheme("algemene_bijstand").amount
        for day in (dt.date(2025, 12, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 1))
    }
    assert amounts_by_day[dt.date(2025, 12, 30)] == Decimal("1369.06")
    assert amounts_by_day[dt.date(2025, 12, 31)] == Decimal("1369.06")
    assert amounts_by_day[dt.date(2026, 1, 1)] == Decimal("1401.50")
