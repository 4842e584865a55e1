"""The intake session: partial profile in, one answer at a time, the advice settles."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from support import ROOT, load_example

import engine
from engine.intake.session import AnswerError, IntakeSession, parse_answer
from engine.model.advice import Question

DAY = dt.date(2026, 1, 15)


def without_answers() -> dict:
    """The example profile with three answers left out."""
    profile = load_example()
    applicant = profile["members"][0]
    del applicant["birth_date"]
    del applicant["exclusions"]["detained"]
    del profile["assets"]["bank_and_cash"]
    return profile


def test_answering_the_open_questions_gives_the_full_advice() -> None:
    full = engine.advise(load_example(), DAY).scheme("algemene_bijstand")
    session = IntakeSession(without_answers(), DAY)
    assert session.advice.scheme("algemene_bijstand").status == "undetermined"
    answers = {
        "geboortedatum_aanvrager": "14-09-1991",
        "gedetineerd_aanvrager": "nee",
        "banktegoeden": "2.150,00",
    }
    while (question := session.next_question) is not None and question.fact in answers:
        session.answer(question.fact, answers.pop(question.fact))
    assert answers == {}, "every left-out answer was asked"
    bijstand = session.advice.scheme("algemene_bijstand")
    assert (
        (bijstand.status, bijstand.amount)
        == (full.status, full.amount)
        == ("eligible", full.amount)
    )
    assert session.profile["members"][0]["birth_date"] == "1991-09-14"
    assert session.profile["assets"]["bank_and_cash"] == "2150.00"


def test_the_first_question_settles_the_most_outcomes() -> None:
    session = IntakeSession(without_answers(), DAY)
    counts = [len(q.schemes) for q in session.advice.questions]
    assert len(session.next_question.schemes) == max(counts)


def test_a_skipped_question_stays_open_and_the_next_one_comes() -> None:
    session = IntakeSession(without_answers(), DAY)
    first = session.next_question
    session.skip(first.fact)
    assert session.next_question.fact != first.fact
    assert first.fact in {q.fact for q in session.advice.questions}


def test_a_bad_answer_is_worded_as_the_question_never_the_fact_or_the_value() -> None:
    """Issue 27: in the session's language, no fact id, never the answer given."""
    session = IntakeSession(without_answers(), DAY)
    with pytest.raises(AnswerError) as error:
        session.answer("gedetineerd_aanvrager", "SENTINEL-4711")
    assert str(error.value) == "Antwoord met ja of nee."
    assert session.profile == without_answers()  # nothing was written
    english = IntakeSession(without_answers(), DAY, lang="en")
    with pytest.raises(AnswerError, match=r"^Give a date, such as 14-09-1991\.$"):
        english.answer("geboortedatum_aanvrager", "SENTINEL-4711")


def test_an_answer_the_profile_refuses_loses_nothing_already_entered() -> None:
    session = IntakeSession(without_answers(), DAY)
    session.answer("gedetineerd_aanvrager", "nee")
    before = copy.deepcopy(session.profile)
    with pytest.raises(AnswerError, match="kan niet kloppen"):
        session.answer("geboortedatum_aanvrager", "1700-01-01")  # outside the plausible range
    assert session.profile == before


def test_only_open_questions_can_be_answered() -> None:
    session = IntakeSession(load_example(), DAY)
    with pytest.raises(AnswerError, match="not an open question"):
        session.answer("gedetineerd_aanvrager", "ja")


def question(answer_type: str, values: list[str] | None = None) -> Question:
    return Question(fact="f", text="?", answer_type=answer_type, values=values or [], schemes=[])


@pytest.mark.parametrize(
    ("answer_type", "text", "expected"),
    [
        ("bool", "Ja", True),
        ("bool", "no", False),
        ("date", "14-09-1991", "1991-09-14"),
        ("date", "1991-09-14", "1991-09-14"),
        ("money", "€ 1.234,56", "1234.56"),
        ("money", "1234.56", "1234.56"),
        ("number", "4", 4),
        ("list", "geen", []),
        ("list", "[{kind: wages, net_monthly: 1200}]", [{"kind": "wages", "net_monthly": 1200}]),
    ],
)
def test_answers_are_read_by_their_type(answer_type: str, text: str, expected: object) -> None:
    assert parse_answer(question(answer_type), text) == expected


def test_a_choice_must_be_one_of_the_allowed_values() -> None:
    assert parse_answer(question("text", ["a", "c", "none"]), "C") == "c"
    with pytest.raises(AnswerError, match="Kies een van: a, c, none"):
        parse_answer(question("text", ["a", "c", "none"]), "x")


def test_the_intake_command_reads_answers_from_stdin(tmp_path: Path) -> None:
    start = tmp_path / "start.json"
    start.write_text(json.dumps(without_answers(), default=str), encoding="utf-8")
    saved = tmp_path / "done.json"
    script = "".join(f"{line}\n" for line in ["14-09-1991", "nee", "2150"] * 2) + "\n"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "engine",
            "intake",
            str(start),
            "--on",
            "2026-01-15",
            "--save",
            str(saved),
        ],
        input=script,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "Algemene bijstand: recht, € 751,07 per maand" in result.stdout
    done = json.loads(saved.read_text(encoding="utf-8"))
    expected = copy.deepcopy(load_example())
    assert done["members"][0]["birth_date"] == "1991-09-14"
    assert (
        done["members"][0]["exclusions"]["detained"]
        is expected["members"][0]["exclusions"]["detained"]
    )


def test_an_answer_about_a_numbered_housemate_lands_on_that_housemate() -> None:
    """The rules number housemates by member id (so that member order changes nothing); the
    intake writes "medebewoner 1" to the same member, not to the first in the file."""
    profile = {
        "municipality": "Utrecht",
        "members": [
            {"id": "aanvrager", "role": "applicant", "birth_date": "2003-07-04"},
            {"id": "vader", "role": "other_resident"},
            {"id": "moeder", "role": "other_resident"},
        ],
    }
    session = IntakeSession(profile, dt.date(2026, 3, 1))
    question = next(q for q in session.advice.questions if q.fact.startswith("medebewoners[0]."))
    assert question.fact == "medebewoners[0].geboortedatum"  # a list item: its record's order
    session.answer(question.fact, "02-12-1975")
    written = {m["id"]: m for m in session.profile["members"]}
    assert len(written["moeder"]) > 2 and len(written["vader"]) == 2  # moeder sorts first


# --- lists item by item, members one by one (issue 27) ----------------------------------------


def test_a_couple_with_two_incomes_is_entered_without_yaml() -> None:
    session = IntakeSession(None, DAY)
    partner = session.add_member("partner", "01-02-1990")
    assert partner == "partner"
    questions = session.item_questions("inkomsten_aanvrager")
    assert [(q.field, q.answer_type) for q in questions] == [
        ("soort", "text"),
        ("netto_per_maand", "money"),
    ]
    assert questions[1].text == "Hoeveel is dit netto per maand?"
    session.add_item("inkomsten_aanvrager", {"soort": "wages", "netto_per_maand": "1.250,50"})
    session.add_item("inkomsten_aanvrager", {"soort": "Alimony", "netto_per_maand": "100"})
    session.add_item("inkomsten_partner", {"soort": "benefit", "netto_per_maand": "€ 900"})
    applicant, other = session.profile["members"]
    assert other == {
        "id": "partner",
        "role": "partner",
        "birth_date": "1990-02-01",
        "incomes": [{"kind": "benefit", "net_monthly": "900"}],
    }
    assert applicant["incomes"] == [
        {"kind": "wages", "net_monthly": "1250.50"},
        {"kind": "alimony", "net_monthly": "100"},
    ]
    session.remove_item("inkomsten_aanvrager", 1)
    assert len(session.profile["members"][0]["incomes"]) == 1
    assert session.validated_profile().members[1].incomes[0].net_monthly == Decimal("900.00")


def test_a_wrong_item_answer_is_worded_and_loses_nothing() -> None:
    session = IntakeSession(None, DAY)
    session.add_item("inkomsten_aanvrager", {"soort": "wages", "netto_per_maand": "1000"})
    before = copy.deepcopy(session.profile)
    with pytest.raises(AnswerError, match=r"^Vul een bedrag in euro's in, zoals 1250,50\.$"):
        session.add_item("inkomsten_aanvrager", {"soort": "wages", "netto_per_maand": "veel"})
    with pytest.raises(AnswerError, match=r"^Kies een van: wages, "):
        session.add_item("inkomsten_aanvrager", {"soort": "salaris", "netto_per_maand": "1"})
    with pytest.raises(AnswerError, match="niet in de lijst"):
        session.remove_item("inkomsten_aanvrager", 5)
    with pytest.raises(AnswerError, match="Kies partner, kind of medebewoner"):
        session.add_member("buurman")
    assert session.profile == before


def test_no_income_is_known_and_housemates_are_members() -> None:
    session = IntakeSession(None, DAY)
    session.no_items("inkomsten_aanvrager")
    assert session.profile["members"][0]["incomes"] == []
    session.add_item("medebewoners", {"geboortedatum": "02-03-1996", "relatie": "sibling"})
    session.add_item("medebewoners", {"geboortedatum": "1990-01-01", "relatie": "none"})
    housemates = [m for m in session.profile["members"] if m["role"] == "other_resident"]
    assert [(m["id"], m["birth_date"]) for m in housemates] == [
        ("medebewoner_1", "1996-03-02"),
        ("medebewoner_2", "1990-01-01"),
    ]
    session.remove_item("medebewoners", 0)
    assert [m["id"] for m in session.profile["members"]] == ["aanvrager", "medebewoner_2"]
    session.remove_member("medebewoner_2")
    with pytest.raises(AnswerError, match="niet \\(meer\\) in het huishouden"):
        session.remove_member("aanvrager")


def test_the_urgent_threats_are_asked_at_the_opening_and_can_be_answered() -> None:
    session = IntakeSession(None, DAY)
    urgent = [q.fact for q in session.urgent_questions()]
    assert "dreigende_huisuitzetting" in urgent and len(urgent) == 3
    session.answer("dreigende_huisuitzetting", "ja")
    assert session.profile["debts"]["eviction_threat"] is True
    assert "dreigende_huisuitzetting" not in [q.fact for q in session.urgent_questions()]


def test_one_no_about_the_partner_answers_what_the_partners_own_view_asks() -> None:
    """Issue 24: the partner's person schemes judge the partner as an applicant of their own,
    and read the partner's art. 13 lid 1 g exclusion (debts while having the means) and where
    the partner lives. Both are the household's questions about the partner ("Woont uw partner
    in Nederland?"), the exclusion in the partner's group: one "no" answers it with the rest,
    so it is never asked on its own."""
    members = [{"id": "a", "role": "applicant"}, {"id": "p", "role": "partner"}]
    session = IntakeSession({"members": members}, DAY)
    group = next(q for q in session.advice.questions if q.fact == "uitsluitingen_partner")
    assert "schulden_aflossen_partner" in {part.fact for part in group.parts}
    session.answer("uitsluitingen_partner", False)
    asked = {(q.fact, q.member) for q in session.open_questions}
    assert ("woont_in_nederland_partner", None) in asked
    assert not {fact for fact, member in asked if member == "p"} & {
        "schulden_aflossen_aanvrager",
        "woont_in_nederland_aanvrager",
    }
    partner = next(m for m in session.profile["members"] if m["id"] == "p")
    assert partner["exclusions"]["repaying_debts_while_having_means"] is False


def test_not_abroad_answers_both_questions_about_weeks_abroad() -> None:
    """Issue 24: whether one was abroad this year comes before the weeks (art. 13 lid 1 onder e
    Pw); "no" answers both, so neither is asked."""
    data = copy.deepcopy(load_example())
    exclusions = data["members"][0]["exclusions"]
    del exclusions["weeks_abroad_this_year"], exclusions["consecutive_weeks_abroad"]
    session = IntakeSession(data, DAY)
    weeks = {"weken_buitenland_dit_jaar_aanvrager", "aaneengesloten_weken_buitenland_aanvrager"}
    own = [q.fact for q in session.open_questions if q.member is None]
    assert own.index("buitenland_geweest_aanvrager") < min(own.index(fact) for fact in weeks)
    session.answer("buitenland_geweest_aanvrager", False)
    assert not weeks & {q.fact for q in session.open_questions if q.member is None}
    assert session.advice.scheme("algemene_bijstand").status == "eligible"
