"""Never a question whose answer is implied.

For each implication the rules encode (a fact that other facts already answer), a profile with
the implying facts known and the implied field left out has the implied fact in no scheme's
missing facts and in no question, and every scheme's outcome is the one it has when the implied
field is answered, whatever the answer. The profiles are the base profiles of
scenarios/afgeleid, where the scenarios cite the article behind each implication.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from support import ROOT, plain

import engine
from engine.explain.outcome import outcomes
from engine.load.yaml_source import read_yaml_file

DAY = dt.date(2026, 2, 16)
BASES = {
    name: plain(profile)
    for file in sorted((ROOT / "scenarios" / "afgeleid").glob("*.yaml"))
    for name, profile in (read_yaml_file(file).get("profiles") or {}).items()
}


@dataclass(frozen=True)
class Implication:
    name: str  # what implies what, and by which article
    base: str  # a base profile of scenarios/afgeleid
    implied: tuple[Any, ...]  # the profile field that needs no asking
    fact: str  # its input fact
    changes: tuple[tuple[tuple[Any, ...], Any], ...] = ()  # implying facts set on the base
    answers: tuple[Any, ...] = (True, False)


IMPLICATIONS = [
    Implication(
        "asylum permit: no temporary purpose (Besluit inburgering 2021 art. 2.2 lid 3)",
        "vluchteling",
        ("members", 0, "integration", "temporary_purpose"),
        "wi_tijdelijk_doel_aanvrager",
    ),
    Implication(
        "18 or older: not leerplichtig or kwalificatieplichtig (Leerplichtwet 1969 art. 4b)",
        "vluchteling",
        ("members", 0, "integration", "currently_leerplichtig"),
        "wi_nu_leerplichtig_aanvrager",
    ),
    Implication(
        "EU nationality: the family-member exception needs no asking (WI 2021 art. 3 lid 2 a)",
        "eu_burger",
        ("members", 0, "integration", "eu_eea_swiss_or_family_member"),
        "wi_eu_ewr_zwitsers_of_familielid_aanvrager",
    ),
    Implication(
        "EEA nationality (Norway) likewise (WI 2021 art. 3 lid 2 a)",
        "eu_burger",
        ("members", 0, "integration", "eu_eea_swiss_or_family_member"),
        "wi_eu_ewr_zwitsers_of_familielid_aanvrager",
        changes=((("members", 0, "nationality"), "NO"),),
    ),
    Implication(
        "born 2005: no Wsw job on 31-12-2014 (Wsw art. 1 lid 1, Arbeidstijdenwet art. 3:2)",
        "jongere",
        ("members", 0, "work", "wsw_indicated_and_employed_on_2014_12_31"),
        "wsw_geindiceerd_aanvrager",
    ),
    Implication(
        "born 2005: so no Wsw job now either (Wsw art. 1 lid 1, werknemer)",
        "jongere",
        ("members", 0, "work", "wsw_employed"),
        "wsw_dienstbetrekking_aanvrager",
    ),
    Implication(
        "not geïndiceerd in 2014: no Wsw job now (Wsw art. 1 lid 1), whatever the age",
        "vluchteling",
        ("members", 0, "work", "wsw_employed"),
        "wsw_dienstbetrekking_aanvrager",
        changes=((("members", 0, "work", "wsw_indicated_and_employed_on_2014_12_31"), False),),
    ),
    Implication(
        "asylum seeker (Vw art. 8 f): no Wajong, so its onset question is not asked (1a:6 d)",
        "asielzoeker",
        ("members", 0, "work", "disabled_before_18_or_during_study"),
        "beperking_voor_18_of_studie_aanvrager",
    ),
    Implication(
        "the college found: work only in a sheltered setting, so a work-limiting condition (Pw art. 10b lid 1)",
        "jongere",
        ("members", 0, "work", "work_limiting_condition"),
        "arbeidsbeperking_aanvrager",
        changes=((("members", 0, "work", "sheltered_work_only"), True),),
        answers=(True,),  # "no" would contradict the finding
    ),
    Implication(
        "an onset before 18 or during study presupposes an illness or disability (Wajong art. 1a:1 lid 1)",
        "jongere",
        ("members", 0, "work", "work_limiting_condition"),
        "arbeidsbeperking_aanvrager",
        changes=((("members", 0, "work", "disabled_before_18_or_during_study"), True),),
        answers=(True,),
    ),
]


def profile_for(implication: Implication) -> dict[str, Any]:
    profile = copy.deepcopy(BASES[implication.base])
    for path, value in implication.changes:
        at(profile, path[:-1])[path[-1]] = value
    at(profile, implication.implied[:-1]).pop(implication.implied[-1], None)
    return profile


def at(node: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        node = node[part] if not isinstance(node, dict) else node.setdefault(part, {})
    return node


@pytest.mark.parametrize("implication", IMPLICATIONS, ids=lambda i: i.name)
def test_an_implied_fact_is_never_asked(implication: Implication) -> None:
    advice = engine.advise(profile_for(implication), DAY)
    for scheme in advice.schemes:
        assert implication.fact not in scheme.missing_facts, scheme.scheme
    assert implication.fact not in [q.fact for q in advice.questions]


@pytest.mark.parametrize("implication", IMPLICATIONS, ids=lambda i: i.name)
def test_answering_an_implied_fact_changes_no_outcome(implication: Implication) -> None:
    profile = profile_for(implication)
    unanswered = outcomes(engine.evaluate(profile, DAY))
    for answer in implication.answers:
        answered = copy.deepcopy(profile)
        at(answered, implication.implied[:-1])[implication.implied[-1]] = answer
        assert outcomes(engine.evaluate(answered, DAY)) == unanswered, answer


def test_the_implied_field_is_asked_where_nothing_implies_it() -> None:
    """The check above can fail: without the implying fact the same field is a question."""
    profile = profile_for(IMPLICATIONS[0])
    profile["members"][0]["residence_permit"] = "a"  # a regular permit says nothing of it
    advice = engine.advise(profile, DAY)
    assert IMPLICATIONS[0].fact in [q.fact for q in advice.questions]
