"""Properties across every scheme in the bundled rule base (hypothesis).

Written over all schemes the plan holds, so that each scheme family is covered as it lands.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from test_properties import SETTINGS, households

import engine
from engine.api import default_plan

# Means-tested schemes: more income can only take a right away, never give one.
MEANS_TESTED = {
    "algemene_bijstand",
    "individuele_inkomenstoeslag",
    "bijzondere_bijstand",
    "collectieve_zorgverzekering",
    "kwijtschelding",
    "meedoen",
}
EXAMPLE_POLICY = "Voorbeeldgemeente"  # an example municipal policy that sets every local figure
INDEX = re.compile(r"\[\d+\]")


def outcome(scheme: engine.SchemeAdvice) -> dict[str, Any]:
    """What a person is told, leaving out positions in lists (they follow member order)."""
    return {
        "status": scheme.status,
        "amount": scheme.amount,
        "amounts": sorted((a.fact, a.value) for a in scheme.amounts),
        "obligations": sorted(i.fact for i in scheme.obligations),
        "next_steps": sorted(i.fact for i in scheme.next_steps),
        "deadlines": sorted((d.fact, d.date) for d in scheme.deadlines),
        "discretion": sorted(d.fact for d in scheme.discretion_points),
        "missing": sorted({INDEX.sub("[]", m) for m in scheme.missing_facts}),
        "policy_gaps": scheme.policy_gaps,
    }


def with_policy(profile: dict) -> dict:
    """Use the example policy when the rule base ships one, so local figures are set."""
    profile = copy.deepcopy(profile)
    if any(m.spec.name == EXAMPLE_POLICY for m in default_plan().municipalities.values()):
        profile["municipality"] = EXAMPLE_POLICY
    return profile


@SETTINGS
@given(households(), st.randoms(use_true_random=False))
def test_no_outcome_depends_on_the_order_of_household_members(household, rnd) -> None:
    profile, on = household
    profile = with_policy(profile)
    shuffled = copy.deepcopy(profile)
    others = shuffled["members"][1:]
    rnd.shuffle(others)
    shuffled["members"] = [shuffled["members"][0], *others]
    before = engine.advise(profile, on)
    after = engine.advise(shuffled, on)
    for a, b in zip(before.schemes, after.schemes, strict=True):
        assert outcome(a) == outcome(b), a.scheme


@SETTINGS
@given(households(), st.integers(1, 300_000).map(lambda c: Decimal(c).scaleb(-2)))
def test_more_income_never_turns_a_means_tested_scheme_from_not_eligible_to_eligible(
    household, extra
) -> None:
    profile, on = household
    profile = with_policy(profile)
    richer = copy.deepcopy(profile)
    for member in richer["members"]:
        if member["role"] in ("applicant", "partner"):
            member["incomes"] = [*member["incomes"], {"kind": "wages", "net_monthly": str(extra)}]
    before = {s.scheme: s for s in engine.advise(profile, on).schemes}
    after = {s.scheme: s for s in engine.advise(richer, on).schemes}
    for scheme_id in MEANS_TESTED & set(before):
        if before[scheme_id].status == "not_eligible":
            assert after[scheme_id].status != "eligible", scheme_id


@SETTINGS
@given(households())
def test_every_scheme_gives_a_valid_status_and_sorted_agenda(household) -> None:
    profile, on = household
    advice = engine.advise(with_policy(profile), on)
    assert {s.status for s in advice.schemes} <= {
        "eligible",
        "not_eligible",
        "undetermined",
        "refer",
    }
    dated = [item.date for item in advice.agenda if item.date is not None]
    assert dated == sorted(dated)
    first_undated = next((i for i, item in enumerate(advice.agenda) if item.date is None), None)
    if first_undated is not None:
        assert all(item.date is None for item in advice.agenda[first_undated:])
