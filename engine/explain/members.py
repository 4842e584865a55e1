"""The person schemes' outcomes for each other member judged (engine/run/members.py), and who
each member is in words: "partner", "kind 1", "de medebewoner"."""

from __future__ import annotations

from engine.explain.scheme import Rendered, SchemeView, scheme_advice
from engine.model.advice import SchemeAdvice
from engine.run.evaluate import Trace

ROLE_WORDS = {
    "nl": {"partner": "partner", "child": "kind", "other_resident": "medebewoner"},
    "en": {"partner": "partner", "child": "child", "other_resident": "housemate"},
}


def with_members(trace: Trace, household: list[SchemeAdvice], lang: str) -> list[SchemeAdvice]:
    """Each person scheme's outcome for the applicant, then for each other member judged
    (engine/run/members.py), named "Inburgering - partner"."""
    if trace.member_id is None:
        return household
    runs = list(trace.members.values())
    words = member_words(runs, lang)
    residents = {run.member_id: _residents_named(trace, run, words, lang) for run in runs}
    schemes: list[SchemeAdvice] = []
    rendered = {run.member_id: Rendered() for run in runs}  # each run's values, rendered once
    for advice in household:
        schemes.append(advice)
        if not trace.plan.schemes[advice.scheme].spec.per_person:
            continue
        for run in runs:
            member = run.member_id
            view = SchemeView(
                run, advice.scheme, lang, rendered[member], residents[member], words[member or ""]
            )
            schemes.append(scheme_advice(view))
    return schemes


# In a member's own view the others are its "andere bewoners"; where "u" means that member,
# they are named as the household knows them.
RESIDENT_WORDS = {
    "nl": {
        "applicant": "de aanvrager",
        "partner": "de partner van de aanvrager",
        "child": "het kind van de aanvrager",
        "numbered child": "kind {n} van de aanvrager",
        "other_resident": "de medebewoner",
        "numbered other_resident": "medebewoner {n}",
        "young child": "een kind van de aanvrager",
    },
    "en": {
        "applicant": "the applicant",
        "partner": "the applicant's partner",
        "child": "the applicant's child",
        "numbered child": "child {n} of the applicant",
        "other_resident": "the housemate",
        "numbered other_resident": "housemate {n}",
        "young child": "a child of the applicant",
    },
}


def _residents_named(trace: Trace, run: Trace, words: dict[str, str], lang: str) -> dict[str, str]:
    """For a member's view: each of its other residents (`medebewoners[0]`) in words."""
    said = RESIDENT_WORDS[lang]
    plan = trace.plan
    lists = [name for name in plan.collections if plan.source_path(name) == "other_residents"]
    named: dict[str, str] = {}
    for index, (member, role) in enumerate(run.residents if lists else ()):
        if member == trace.member_id:
            who = said["applicant"]
        elif member not in words:  # not judged: a child under 16
            who = said["young child"]
        elif (number := words[member].rpartition(" ")[2]).isdigit():
            who = said[f"numbered {role}"].format(n=number)
        else:
            who = said[role]
        named[f"{lists[0]}[{index}]"] = who
    return named


def member_words(runs: list[Trace], lang: str) -> dict[str, str]:
    """Who each other member is, in words: "partner", "medebewoner", or "kind 1", "kind 2"
    where a role occurs more than once (numbered by member id, as the runs are ordered)."""
    roles = [run.member_role or "" for run in runs]
    counted: dict[str, int] = {}
    words = {}
    for run, role in zip(runs, roles, strict=True):
        word = ROLE_WORDS[lang][role]
        if roles.count(role) > 1:
            # counted, not looked up: runs compare by value, all their facts (slow)
            counted[role] = counted.get(role, 0) + 1
            word += f" {counted[role]}"
        words[run.member_id or ""] = word
    return words
