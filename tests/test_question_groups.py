"""Yes/no questions asked as one (issue 24): the exclusions of art. 13 Participatiewet.

Two or more open questions of a group (`group:` in rules/facts.yaml) become one question, "Geldt
een van deze situaties voor u? U bent gedetineerd; ...", in the place of the first. A "no"
answers each of them no; a "yes" (or a skip) asks them one by one.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
from rulebase import FACTS, rule, rules_file
from test_checker import problems

import engine
from engine.api import default_plan
from engine.intake import AnswerError, IntakeSession

DAY = dt.date(2026, 3, 1)
GROUP = "uitsluitingen_aanvrager"
START = {
    "municipality": "Voorbeeldgemeente",
    "members": [{"id": "a", "role": "applicant", "birth_date": "1990-01-01"}],
}


def _group_question(questions: list, member: str | None = None):
    found = [q for q in questions if q.fact == GROUP and q.member == member]
    assert len(found) == 1
    return found[0]


def test_the_open_exclusions_are_one_question_listing_each() -> None:
    plan = default_plan()
    for lang, opening in (("nl", "Geldt een van deze situaties voor u? U "), ("en", "Does any")):
        questions = engine.advise(START, DAY, lang=lang).questions
        group = _group_question(questions)
        assert group.text.startswith(opening)
        assert group.answer_type == "bool"
        parts = [p.fact for p in group.parts]
        assert len(parts) >= 2
        assert parts == [f for f in plan.groups[GROUP].facts if f in parts]  # declared order
        assert all(plan.group_of(p) == GROUP for p in parts)
        for part in group.parts:
            label = getattr(plan.inputs[part.fact].spec.label, lang)
            assert label.removeprefix("U ").removeprefix("You ") in group.text
        assert not {q.fact for q in questions} & set(parts)  # never asked twice
        assert set(group.schemes) == {s for p in group.parts for s in p.schemes}


def test_a_group_lists_every_situation_still_open_so_one_no_settles_it() -> None:
    """A statushouder: the inburgering exceptions an outcome waits on change as the intake goes
    on. The group lists every one still open, so a "no" answers them all, and the group is asked
    once (it was asked twice, with other situations, in 10 of the 79 simulated intakes)."""
    plan = default_plan()
    group_id = "uitzonderingen_inburgering_aanvrager"
    start = {
        "municipality": "Utrecht",
        "members": [
            {
                "id": "a",
                "role": "applicant",
                "birth_date": "1994-03-15",
                "nationality": "SY",
                "residence_permit": "c",
            }
        ],
    }
    session = IntakeSession(start, DAY)
    group = None
    for _ in range(40):  # answer "no" to every yes/no question until the group comes up
        group = next((q for q in session.open_questions if q.fact == group_id), None)
        if group is not None:
            break
        question = next(q for q in session.open_questions if q.answer_type == "bool")
        session.answer(question.fact, "nee", question.member)
    assert group is not None
    listed = [p.fact for p in group.parts]
    assert listed == list(plan.groups[group_id].facts)  # nothing answered yet: all of them
    assert any(p.schemes for p in group.parts) and not all(p.schemes for p in group.parts)
    session.answer(group_id, "nee")
    integration = session.profile["members"][0]["integration"]
    assert len(integration) == len(listed) and set(integration.values()) == {False}
    for _ in range(40):  # the rest of the intake never asks it again
        asked = {p.fact for q in session.open_questions for p in (q, *q.parts)}
        assert group_id not in asked and not asked & set(listed)
        question = next((q for q in session.open_questions if q.answer_type == "bool"), None)
        if question is None:
            break
        session.answer(question.fact, "nee", question.member)


def test_one_open_question_of_a_group_is_asked_on_its_own() -> None:
    plan = default_plan()
    first = _group_question(engine.advise(START, DAY).questions)
    profile = copy.deepcopy(START)
    *known, last = first.parts
    profile["members"][0]["exclusions"] = {
        plan.source_path(p.fact).rsplit(".", 1)[1]: False for p in known
    }
    questions = engine.advise(profile, DAY).questions
    assert GROUP not in {q.fact for q in questions}
    assert last.fact in {q.fact for q in questions}


def test_no_answers_every_question_of_the_group_no() -> None:
    session = IntakeSession(START, DAY)
    group = _group_question(session.advice.questions)
    session.answer(GROUP, "nee")
    exclusions = session.profile["members"][0]["exclusions"]
    paths = [session.plan.source_path(p.fact).rsplit(".", 1)[1] for p in group.parts]
    assert exclusions == dict.fromkeys(paths, False)
    asked = {p.fact for q in session.open_questions for p in (q, *q.parts)}
    assert GROUP not in asked and not asked & {p.fact for p in group.parts}


@pytest.mark.parametrize("set_aside", ["ja", "skip"])
def test_yes_or_a_skip_asks_them_one_by_one(set_aside: str) -> None:
    session = IntakeSession(START, DAY)
    group = _group_question(session.advice.questions)
    if set_aside == "skip":
        session.skip(GROUP)
    else:
        session.answer(GROUP, "ja")
    assert session.profile == START  # a "yes" says nothing yet about which one
    waited_on = [p for p in group.parts if p.schemes]  # what no outcome waits on is not asked
    facts = {p.fact for p in group.parts}
    assert [q.fact for q in session.open_questions if q.fact in facts] == [
        p.fact for p in waited_on
    ]
    for part in waited_on:  # each in turn, in the group's place
        assert next(q for q in session.open_questions if q.fact in facts).fact == part.fact
        session.answer(part.fact, "nee")
    exclusions = session.profile["members"][0]["exclusions"]
    assert list(exclusions.values()) == [False] * len(waited_on)
    assert GROUP not in {q.fact for q in session.open_questions}


def test_after_a_yes_what_no_longer_matters_is_not_asked() -> None:
    """Detained: no bijstand whatever else holds, so the other exclusions are not asked."""
    session = IntakeSession(START, DAY)
    group = _group_question(session.advice.questions)
    session.answer(GROUP, "ja")
    assert group.parts[0].fact == "gedetineerd_aanvrager"
    session.answer("gedetineerd_aanvrager", "ja")
    assert session.advice.scheme("algemene_bijstand").status == "not_eligible"
    asked = {q.fact for q in session.open_questions}
    assert not asked & {p.fact for p in group.parts}


def test_a_group_takes_yes_or_no_only() -> None:
    session = IntakeSession(START, DAY)
    with pytest.raises(AnswerError, match="ja of nee"):
        session.answer(GROUP, "misschien")
    with pytest.raises(AnswerError, match="ja of nee"):
        session.answer(GROUP, 3)
    assert session.profile == START


def test_a_housemates_group_is_asked_about_them_and_written_to_them() -> None:
    start = {**START, "members": [*START["members"], {"id": "h", "role": "other_resident"}]}
    session = IntakeSession(start, DAY)
    group = _group_question(session.advice.questions, member="h")
    assert group.text.startswith("Over uw medebewoner: Geldt een van deze situaties voor u? ")
    session.answer(GROUP, "nee", member="h")
    housemate = session.profile["members"][1]
    assert set(housemate["exclusions"].values()) == {False}
    assert len(housemate["exclusions"]) == len(group.parts)
    assert "exclusions" not in session.profile["members"][0]


GROUPED = FACTS.replace(
    "from: applicant.exclusions.detained\n", "from: applicant.exclusions.detained\n    group: g\n"
).replace(
    "from: applicant.exclusions.evading_sentence\n",
    "from: applicant.exclusions.evading_sentence\n    group: g\n",
)
GROUPS = 'groups:\n  g:\n    question: {nl: "Geldt een hiervan?", en: "Does one apply?"}\n'


@pytest.mark.parametrize(
    ("facts", "problem"),
    [
        (GROUPED, "input fact 'p': group 'g' is not declared"),
        (
            GROUPED.replace(
                "from: assets.bank_and_cash\n", "from: assets.bank_and_cash\n    group: g\n"
            )
            + GROUPS,
            "input fact 'geld': a group holds yes/no facts",
        ),
        (FACTS + GROUPS, "group 'g' needs two or more input facts"),
        (
            GROUPED.replace("group: g", "group: p") + GROUPS.replace("  g:", "  p:"),
            "group 'p' has the name of a fact",
        ),
    ],
)
def test_engine_check_refuses_a_group_that_cannot_be_asked(
    tmp_path: Path, facts: str, problem: str
) -> None:
    found = problems(
        tmp_path, {"a.yaml": rules_file(rule("x.a", "p", "{status: eligible}"))}, facts=facts
    )
    assert any(problem in p for p in found), found


def test_a_well_formed_group_checks_clean(tmp_path: Path) -> None:
    files = {"a.yaml": rules_file(rule("x.a", "p or q", "{status: eligible}"))}
    assert [p for p in problems(tmp_path, files, facts=GROUPED + GROUPS) if ": error: " in p] == []


def test_the_exceptions_to_the_integration_duty_are_one_question_in_one_sentence() -> None:
    """A statushouder: the rare exceptions (EU family, long-term resident elsewhere, a treaty,
    DUO's exemption or dispensation) as one question; inside the sentence each label starts in
    lower case, a name in capitals (DUO) keeps them."""
    profile = {
        "municipality": "Utrecht",
        "members": [
            {
                "id": "a",
                "role": "applicant",
                "birth_date": "1990-01-01",
                "nationality": "SY",
                "residence_permit": "c",
            }
        ],
    }
    questions = engine.advise(profile, DAY).questions
    group = next(q for q in questions if q.fact == "uitzonderingen_inburgering_aanvrager")
    assert len(group.parts) >= 2
    assert group.text.startswith("Geldt een van deze situaties voor u, waardoor u misschien ")
    assert "; een verdrag verbiedt" in group.text and "; DUO heeft u" in group.text
    assert not {q.fact for q in questions} & {p.fact for p in group.parts}


def test_a_group_declared_in_two_facts_files_is_refused(tmp_path: Path) -> None:
    files = {
        "a.yaml": rules_file(rule("x.a", "p or q", "{status: eligible}")),
        "facts.yaml": GROUPS,  # rules/x/facts.yaml, beside rules/facts.yaml
    }
    found = problems(tmp_path, files, facts=GROUPED + GROUPS)
    assert any("group 'g' is declared twice" in p for p in found), found


def test_at_the_prompt_a_no_to_the_group_answers_each_of_its_questions() -> None:
    from engine.intake.conversation import converse

    start = {**START, "members": [*START["members"], {"id": "p", "role": "partner"}]}
    session = IntakeSession(start, DAY)
    asked: list[str] = []

    def read_for(prompt: str) -> str:
        asked.append(prompt)
        if "Geldt een van deze situaties voor u?" in prompt:
            return "nee"
        if any("Geldt een van deze situaties voor u?" in p for p in asked):
            return ""  # stop once the group is answered
        return "?"  # leave everything before it for later

    prompts: list[str] = []
    assert converse(session, lambda: read_for(prompts[-1]), prompts.append) is False
    exclusions = session.profile["members"][0]["exclusions"]
    assert exclusions and set(exclusions.values()) == {False}
    assert sum("Geldt een van deze situaties voor u?" in p for p in asked) == 1


@pytest.mark.parametrize(
    ("others", "listed"),
    [
        ([{"id": "b", "role": "partner", "birth_date": "1991-05-01"}], False),  # a couple
        ([], False),  # a single person without children
        ([{"id": "k", "role": "child", "birth_date": "2020-02-01"}], True),  # a single parent
    ],
    ids=["couple", "single", "single-parent"],
)
def test_a_situation_no_answer_can_bring_to_bear_is_not_listed(
    others: list[dict[str, str]], listed: bool
) -> None:
    """Art. 13 lid 2 onder b Participatiewet: unpaid leave excludes from bijstand, except the
    leave of a single parent under chapter 6 Wazo. For anyone but a single parent that leave can
    change no outcome, so the group does not ask about it; the other situations it still lists."""
    profile = copy.deepcopy(START)
    profile["members"] += others
    group = _group_question(engine.advise(profile, DAY).questions)
    parts = {p.fact for p in group.parts}
    assert ("wazo_verlof_aanvrager" in parts) is listed
    assert {"gedetineerd_aanvrager", "onbetaald_verlof_aanvrager"} <= parts
    assert ("Wazo" in group.text) is listed
