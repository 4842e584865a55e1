"""A seeded generator of synthetic households (for benchmarks and impact runs).

SYNTHETIC: every household is made up. The marginals (ages, household shapes, incomes,
assets) are illustrative, not calibrated to any statistics; a calibrated generator from
documented marginals is still to come (issue #5). Use it to see which kinds of households a
change touches, not how many people in a real municipality.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

NO_EXCLUSIONS = {
    "detained": False,
    "evading_sentence": False,
    "military_service": False,
    "on_strike_or_locked_out": False,
    "repaying_debts_while_having_means": False,
    "uitreiziger": False,
    "unpaid_leave": False,
    "in_institution": False,
    "weeks_abroad_this_year": 0,
    "consecutive_weeks_abroad": 0,
}
WORK = {
    "fully_and_permanently_incapacitated": False,
    "medically_limited_hours": False,
    "in_lks_target_group": False,
    "care_duties": False,
}


def _birth(rng: random.Random, today: dt.date, low: int, high: int) -> str:
    age_days = rng.randint(low * 366, high * 365)
    return (today - dt.timedelta(days=age_days)).isoformat()


def _incomes(rng: random.Random) -> list[dict[str, Any]]:
    kinds = [
        "wages",
        "benefit",
        "alimony",
        "rent_allowance",
        "child_benefit",
        "healthcare_allowance",
    ]
    return [
        {"kind": rng.choice(kinds), "net_monthly": str(Decimal(rng.randint(0, 150_000)) / 100)}
        for _ in range(rng.randint(0, 3))
    ]


def _adult(rng: random.Random, role: str, today: dt.date) -> dict[str, Any]:
    return {
        "id": role,
        "role": role,
        "birth_date": _birth(rng, today, 18, 75),
        "nationality": rng.choice(["NL", "NL", "NL", "SY", "PL"]),
        "residence_permit": rng.choice(["a", "c", "e"]),
        "lives_in_netherlands": True,
        "exclusions": dict(NO_EXCLUSIONS),
        "education": {
            "follows_education": False,
            "can_follow_funded_education": False,
            "dutch_language_education_8_years": rng.random() < 0.8,
        },
        "work": dict(WORK),
        "caring_with_residence_elsewhere": False,
        "parents_cannot_provide": False,
        "incomes": _incomes(rng),
    }


def generate(
    count: int, seed: int = 1, today: dt.date = dt.date(2026, 1, 15)
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    profiles = []
    for n in range(count):
        members = [_adult(rng, "applicant", today)]
        if rng.random() < 0.4:
            members.append(_adult(rng, "partner", today))
        for c in range(rng.choice([0, 0, 1, 2, 3])):
            members.append(
                {"id": f"kind{c}", "role": "child", "birth_date": _birth(rng, today, 0, 17)}
            )
        for h in range(rng.choice([0, 0, 0, 1, 2])):
            members.append(
                {
                    "id": f"huisgenoot{h}",
                    "role": "other_resident",
                    "relation_to_applicant": rng.choice(["parent", "sibling", "none"]),
                    "birth_date": _birth(rng, today, 18, 80),
                    "main_residence_in_home": True,
                    "written_commercial_agreement": rng.random() < 0.2,
                    "commercial_tenant_same_landlord": False,
                    "education": {"follows_education": rng.random() < 0.2, "kind": "wsf"},
                }
            )
        profiles.append(
            {
                "municipality": "Voorbeeldstad",
                "reporting_date": today.isoformat(),
                "members": members,
                "assets": {
                    "bank_and_cash": str(rng.randint(0, 20_000)),
                    "other_possessions": "0",
                    "debts": str(rng.randint(0, 5_000)),
                    "owns_home": False,
                },
                "minima": {
                    "low_income_since": (
                        today - dt.timedelta(days=rng.randint(0, 3_000))
                    ).isoformat(),
                    "prospect_of_income_improvement": rng.random() < 0.2,
                    "iit_granted_in_last_12_months": rng.random() < 0.3,
                    "special_costs": [],
                    "municipal_tax_assessment": str(rng.choice([0, 150, 320, 480])),
                    "housing_costs_monthly": str(rng.randint(450, 1100)),
                    "car_value": "0",
                    "car_indispensable": False,
                    "household_goods_value": str(rng.randint(0, 3_000)),
                },
                "debts": {
                    "problematic_debts": rng.random() < 0.15,
                    "creditor_signal_received": False,
                    "eviction_threat": False,
                    "utility_cutoff_threat": False,
                    "health_insurance_termination_threat": False,
                    "earlier_debt_help": False,
                    "fraud_conviction": False,
                    "in_wsnp": False,
                },
            }
        )
        del n
    return profiles
