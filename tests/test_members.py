"""Per person (issue 23, step 1): inburgering and Wsw for each member they concern.

A person scheme's rules speak of one person; a member is judged on a view of the profile in
which that member is that person (engine/run/members.py). The advice has one outcome per member
judged, each naming the member id, the applicant's first; household schemes keep one outcome.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json

from support import ROOT, plain
from test_settle import answers, write

import engine
from benchmarks.bench_advice import FIRST_CONVERSATION
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.intake import IntakeSession
from engine.load.yaml_source import read_yaml_file
from engine.model.profile import Role, profile_from_dict
from engine.replay import replay
from engine.run.evaluate import run
from engine.run.members import judged_members, member_view, person_schemes

DAY = dt.date(2026, 2, 1)
COUPLE = plain(
    read_yaml_file(ROOT / "scenarios" / "personen" / "personen.yaml")["profiles"]["statushouders"]
)


def couple() -> dict:
    return copy.deepcopy(COUPLE)


def test_both_refugees_must_integrate_each_from_their_own_date() -> None:
    """Wi 2021 art. 3 lid 1, for each spouse: the partner's outcome names her member id."""
    advice = engine.advise(couple(), DAY)
    mine, hers = advice.outcomes_of("inburgering")
    assert (mine.member, mine.status, mine.name) == ("aanvrager", "eligible", "Inburgering")
    assert (hers.member, hers.status, hers.name) == (
        "echtgenote",
        "eligible",
        "Inburgering - partner",
    )
    assert advice.scheme("inburgering") is mine
    assert advice.scheme("inburgering", member="echtgenote") is hers
    trace = engine.evaluate(couple(), DAY)
    assert trace.facts["inburgeringsplicht_sinds"] == dt.date(2025, 6, 2)
    assert trace.members["echtgenote"].facts["inburgeringsplicht_sinds"] == dt.date(2025, 10, 1)


def test_the_json_names_the_member_of_each_person_outcome_and_none_for_the_household() -> None:
    data = json.loads(engine.advise(couple(), DAY).to_json())
    members = {(s["scheme"], s["member"]) for s in data["schemes"]}
    assert {("inburgering", "aanvrager"), ("inburgering", "echtgenote")} <= members
    assert {("wsw", "aanvrager"), ("wsw", "echtgenote")} <= members
    assert ("algemene_bijstand", None) in members
    assert ("algemene_bijstand", "echtgenote") not in members
    scheme_schema = engine.Advice.model_json_schema()["$defs"]["SchemeAdvice"]
    assert "member" in scheme_schema["properties"]


def test_a_dutch_spouse_has_no_duty_and_the_family_migrant_has() -> None:
    data = couple()
    data["members"][0].update(nationality="NL")
    del data["members"][0]["residence_permit"]
    data["members"][1].update(nationality="MA", residence_permit="a")
    advice = engine.advise(data, DAY)
    assert advice.scheme("inburgering").status == "not_eligible"
    assert advice.scheme("inburgering", member="echtgenote").status == "eligible"


def test_children_under_16_are_not_judged_an_adult_child_and_a_housemate_are() -> None:
    data = couple()
    data["members"] += [
        {"id": "klein", "role": "child", "birth_date": "2015-05-01"},
        {"id": "groot", "role": "child", "birth_date": "2004-05-01"},
        {"id": "onbekend", "role": "child"},
        {"id": "huisgenoot", "role": "other_resident", "birth_date": "1990-01-01"},
    ]
    profile = profile_from_dict(data)
    judged = [m.id for m in judged_members(profile, DAY)]
    assert judged == ["echtgenote", "groot", "huisgenoot", "onbekend"]  # partner first
    advice = engine.advise(profile, DAY, lang="en")
    names = [s.name for s in advice.outcomes_of("wsw")]
    assert names == [
        "Sheltered employment (Wsw)",
        "Sheltered employment (Wsw) - partner",
        "Sheltered employment (Wsw) - child 1",
        "Sheltered employment (Wsw) - housemate",
        "Sheltered employment (Wsw) - child 2",
    ]


def test_a_members_view_makes_them_the_person_the_rules_speak_of() -> None:
    data = couple()
    data["members"].append({"id": "groot", "role": "child", "birth_date": "2004-05-01"})
    data["assets"] = {"bank_and_cash": "900.00"}
    profile = profile_from_dict(data)
    partner_view = member_view(profile, "echtgenote")
    assert (partner_view.applicant.id, partner_view.partner.id) == ("echtgenote", "aanvrager")
    assert partner_view.assets == profile.assets  # one household
    child_view = member_view(profile, "groot")
    assert child_view.applicant.id == "groot" and child_view.partner is None
    assert {m.role for m in child_view.members if m.id != "groot"} == {Role.other_resident}
    assert child_view.assets.bank_and_cash is None  # the parents' money is not the child's


def test_the_texts_show_each_members_outcome_and_say_whom_it_is_about() -> None:
    """ "Inburgering - partner", and a line that says the "u" of its texts is the partner; the
    agenda says for whom; the receipt names the rules the partner's outcome rests on."""
    advice = engine.advise(couple(), DAY)
    text = advice_text(advice)
    assert "Inburgering: inburgeringsplichtig" in text
    about = "Dit gaat over uw partner. In de uitleg is 'u' uw partner; de vragen zijn aan u."
    assert f"Inburgering - partner: inburgeringsplichtig\n{'=' * 43}\n{about}" in text
    assert about in advice_markdown(advice) and "Inburgering - partner" in advice_html(advice)
    assert any(item.for_whom == "partner" for item in advice.agenda)
    assert "voor uw partner]" in text
    english = advice_text(engine.advise(couple(), DAY, lang="en"))
    assert (
        "This is about your partner. In the explanation, 'you' is your partner; the questions "
        "are to you." in english
    )
    assert len(advice.household_schemes) == len({s.scheme for s in advice.schemes})


def test_a_members_outcome_lists_what_it_needs_as_the_intake_asks_it() -> None:
    """Issue 24 (klare taal): the partner's own facts in the household's words ("Welke
    nationaliteit heeft uw partner?"), the applicant's and the household's as asked of them;
    never "Over uw partner: Welke inkomsten heeft uw partner?", which was the applicant's
    income. Only what the household's questions do not cover is "Over uw partner: ..."."""
    for lang, prefix in (("nl", "Over uw partner: "), ("en", "About your partner: ")):
        advice = engine.advise(FIRST_CONVERSATION, DAY, lang=lang)
        asked = {q.text for q in advice.questions}
        outcome = advice.scheme("beschut_werk", member="partner")
        assert outcome.missing_questions
        for question in outcome.missing_questions:
            assert not (question.startswith(prefix) and "partner" in question[len(prefix) :])
            if not question.startswith(prefix) and not question.startswith(("Geldt", "Does")):
                assert question in asked, question  # one question, one text
        nationality = next(q for q in advice.questions if q.fact == "nationaliteit_partner")
        assert nationality.text in outcome.missing_questions


def test_an_advice_with_member_outcomes_replays_byte_for_byte() -> None:
    original = engine.advise(couple(), DAY).to_json()
    result = replay(original, profile_from_dict(couple()))
    assert result.identical and result.advice_json == original


def test_every_answer_gives_what_a_members_run_settled() -> None:
    """The completion check for member outcomes: each combination of answers to what a member's
    run weighed, written into that member's view, gives the settled outcome."""
    plan = engine.load_plan()
    data = couple()
    data["members"][1]["birth_date"] = "1955-01-01"  # past the AOW age: Wsw settled for her
    profile = profile_from_dict(data)
    trace = engine.evaluate(profile, DAY)
    checked = 0
    for member_id, member_trace in trace.members.items():
        view = member_view(profile, member_id).model_dump(mode="json", exclude_none=True)
        for fact, weighed in member_trace.settled.items():
            paths = [plan.inputs[name].spec.from_ or "" for name in weighed]
            for combination in itertools.product(
                *(answers(plan, member_trace, n) for n in weighed)
            ):
                completed = copy.deepcopy(view)
                for path, answer in zip(paths, combination, strict=True):
                    write(completed, path, answer)
                again = run(plan, profile_from_dict(completed), DAY, schemes=person_schemes(plan))
                assert again.facts[fact] == member_trace.facts[fact], (member_id, fact)
                checked += 1
    assert checked > 1


def test_an_intake_answer_about_the_partner_is_written_to_the_partner() -> None:
    """ "Over uw partner: ..." once, and the answer lands on the partner, not the applicant;
    a question both runs read (the partner's birth date) is one household question."""
    data = couple()
    del data["members"][1]["integration"]["duty_started_on"]
    del data["members"][1]["birth_date"]
    session = IntakeSession(data, DAY)
    asked = [(q.fact, q.member) for q in session.advice.questions]
    assert ("wi_plicht_sinds_aanvrager", "echtgenote") in asked
    assert ("geboortedatum_partner", None) in asked  # one field, one question
    assert ("geboortedatum_aanvrager", "echtgenote") not in asked
    question = next(q for q in session.advice.questions if q.member == "echtgenote")
    assert question.text.startswith("Over uw partner: ")
    session.answer("wi_plicht_sinds_aanvrager", "2025-10-01", member="echtgenote")
    partner = next(m for m in session.profile["members"] if m["id"] == "echtgenote")
    applicant = next(m for m in session.profile["members"] if m["id"] == "aanvrager")
    assert str(partner["integration"]["duty_started_on"]) == "2025-10-01"
    assert str(applicant["integration"]["duty_started_on"]) == "2025-06-02"  # untouched
    assert ("wi_plicht_sinds_aanvrager", "echtgenote") not in [
        (q.fact, q.member) for q in session.advice.questions
    ]


def test_a_members_open_questions_name_the_others_as_the_household_knows_them() -> None:
    """In an adult child's or a housemate's own view the others are its "andere bewoners";
    its open questions name them ("de aanvrager", "kind 2 van de aanvrager"), never by a
    number in a list the klantmanager does not see."""
    data = couple()
    data["members"] += [
        {"id": "groot", "role": "child", "birth_date": "2004-05-01"},
        {"id": "onbekend", "role": "child"},
        {"id": "huisgenoot", "role": "other_resident", "birth_date": "1990-01-01"},
    ]
    profile = profile_from_dict(data)
    for lang, prefix, named in (
        ("nl", "Over uw medebewoner: ", "Woont {} echt in uw woning (hoofdverblijf)?"),
        ("en", "About your housemate: ", "Does {} really live in your home (main residence)?"),
    ):
        advice = engine.advise(profile, DAY, lang=lang)
        [housemate] = [s for s in advice.outcomes_of("beschut_werk") if s.member == "huisgenoot"]
        asked = set(housemate.missing_questions)
        others = {
            "nl": ["de aanvrager", "de partner van de aanvrager", "kind 2 van de aanvrager"],
            "en": ["the applicant", "the applicant's partner", "child 2 of the applicant"],
        }[lang]
        for who in others:
            assert prefix + named.format(who) in asked, (lang, who)
        # (the partner's view keeps the household's lists, and so the household's wording)
        members = [s for s in advice.schemes if s.member in ("groot", "onbekend", "huisgenoot")]
        assert members
        for scheme in members:
            for question in scheme.missing_questions:
                assert "nummer" not in question and "number" not in question, question


def test_a_housemates_view_turns_round_what_is_said_towards_the_applicant_and_no_more() -> None:
    """A housemate's relation and agreement are recorded towards the applicant. In the
    housemate's own view the applicant is their housemate: related the other way round (a
    child's applicant is their parent), under the same agreement (one agreement between two).
    Another housemate's relation and agreements towards the applicant say nothing about them
    towards this one: unknown, never carried over (art. 19a lid 1 Participatiewet reads them for
    each kostendeler of the person judged)."""
    data = couple()
    data["members"] += [
        {
            "id": "zoon",
            "role": "child",
            "birth_date": "2000-05-01",
            "relation_to_applicant": "child",
            "written_commercial_agreement": True,
        },
        {
            "id": "kamerhuurder",
            "role": "other_resident",
            "birth_date": "1990-01-01",
            "relation_to_applicant": "none",
            "written_commercial_agreement": True,
            "commercial_tenant_same_landlord": False,
        },
    ]
    view = {m.id: m for m in member_view(profile_from_dict(data), "zoon").members}
    assert view["aanvrager"].relation_to_applicant == "parent"
    assert view["aanvrager"].written_commercial_agreement is True
    for other in ("echtgenote", "kamerhuurder"):
        assert view[other].relation_to_applicant is None
        assert view[other].written_commercial_agreement is None
        assert view[other].commercial_tenant_same_landlord is None
    assert view["zoon"].relation_to_applicant is None  # the person judged has no applicant


def test_a_housemate_is_not_asked_what_their_own_record_says_towards_the_applicant() -> None:
    advice = engine.advise(
        read_yaml_file(ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"), DAY
    )
    [housemate] = [s for s in advice.outcomes_of("beschut_werk") if s.member_label]
    asked = "\n".join(housemate.missing_questions)
    assert "de aanvrager van u (familierelatie)" not in asked
    assert "met de aanvrager een schriftelijke huur- of kostgangersovereenkomst" not in asked
    assert "Woont de aanvrager echt in uw woning" in asked  # the profile does not say that
