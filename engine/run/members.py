"""Schemes that concern one person, judged for each member the law asks it for.

The rules of a person scheme (inburgering, Wsw, ...) speak, as the law does, of one person: the
applicant (`..._aanvrager`, read from `applicant.*`). They are not rewritten per role. Instead a
member is judged on a view of the profile in which that member is the applicant: a partner
swaps places with the applicant (the household stays one household); anyone else (an adult
child, a housemate) is the applicant of their own view, the others living with them as
housemates. What the profile records of a housemate towards the applicant (relation, agreement)
holds, turned round, between that member and the applicant; between that member and anyone else
the profile does not say it, so it is unknown. The household's possessions, minima and debts
are not theirs, so they are left unknown. The bundled rules then run unchanged, and the person
schemes' outcomes of that run are the member's.

Who is judged: every member besides the applicant, except children known to be under
`FROM_AGE`. 16 is the youngest age a person scheme speaks of (Wet inburgering 2021 art. 3 lid 1:
"16 jaar of ouder"); the schemes' own rules decide from there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from engine.compile.plan import Plan
from engine.model.profile import Assets, Debts, Minima, Person, Profile, Relation, Role
from engine.run.evaluate import Trace, run
from engine.values import age_on

FROM_AGE = 16


def judged_members(profile: Profile, peildatum: dt.date) -> list[Person]:
    """The members besides the applicant whom person schemes are judged for, partner first."""
    found = []
    for member in profile.members:
        if member.role is Role.applicant:
            continue
        young = member.birth_date is not None and age_on(member.birth_date, peildatum) < FROM_AGE
        if member.role is Role.child and young:
            continue
        found.append(member)
    return sorted(found, key=lambda m: (m.role is not Role.partner, m.id))


def member_view(profile: Profile, member_id: str) -> Profile:
    """The profile as the rules see it when `member_id` is the person they speak of."""
    member = next(m for m in profile.members if m.id == member_id)
    if member.role is Role.partner:
        swapped = {Role.applicant: Role.partner, Role.partner: Role.applicant}
        members = [
            m.model_copy(update={"role": swapped.get(m.role, m.role)}) for m in profile.members
        ]
        return profile.model_copy(update={"members": members})
    members = [
        m.model_copy(
            update={"role": Role.applicant, "relation_to_applicant": None}
            if m.id == member_id
            else {"role": Role.other_resident, **_towards(member, m)}
        )
        for m in profile.members
    ]
    return profile.model_copy(
        update={"members": members, "assets": Assets(), "minima": Minima(), "debts": Debts()}
    )


# A relation read the other way round: the applicant of a member's "parent" is their child.
INVERSE = {
    Relation.parent: Relation.child,
    Relation.child: Relation.parent,
    Relation.grandparent: Relation.grandchild,
    Relation.grandchild: Relation.grandparent,
    Relation.parent_in_law: Relation.child_in_law,
    Relation.child_in_law: Relation.parent_in_law,
}


def _towards(member: Person, other: Person) -> dict[str, Any]:
    """What the profile says of `other` as the housemate of `member`. A housemate's relation
    and agreements are recorded towards the applicant: towards the applicant they are the
    member's own, turned round (the agreement between the two is one agreement); towards anyone
    else the profile does not say, so they are unknown, never another's."""
    if other.role is not Role.applicant:
        return {
            "relation_to_applicant": None,
            "written_commercial_agreement": None,
            "commercial_tenant_same_landlord": None,
        }
    relation = member.relation_to_applicant
    return {
        "relation_to_applicant": INVERSE.get(relation, relation) if relation else None,
        "written_commercial_agreement": member.written_commercial_agreement,
        "commercial_tenant_same_landlord": None,  # the landlord of the applicant's rent: not said
    }


def judge_members(
    plan: Plan, profile: Profile, trace: Trace, what_if: Mapping[str, Any] | None = None
) -> Trace:
    """Add to a household's trace the runs of the other members person schemes are judged for
    (only where the rule base has a person scheme). Each run derives and settles only what the
    person schemes need, on the native path."""
    people = person_schemes(plan)
    if not people:
        return trace
    trace.member_id, trace.member_role = profile.applicant.id, Role.applicant.value
    for member in judged_members(profile, trace.peildatum):
        view = member_view(profile, member.id)
        member_trace = run(plan, view, trace.peildatum, what_if, people)
        member_trace.member_id, member_trace.member_role = member.id, member.role.value
        if member.role is not Role.partner:
            roles = {m.id: m.role.value for m in profile.members}
            member_trace.residents = tuple((m.id, roles[m.id]) for m in view.other_residents)
        trace.members[member.id] = member_trace
    return trace


def run_household(
    plan: Plan, profile: Profile, peildatum: dt.date, what_if: Mapping[str, Any] | None = None
) -> Trace:
    """The household's run, and each judged member's."""
    return judge_members(plan, profile, run(plan, profile, peildatum, what_if), what_if)


def person_schemes(plan: Plan) -> frozenset[str]:
    return frozenset(s for s, scheme in plan.schemes.items() if scheme.spec.per_person)
