"""The intake at a prompt, as a klantmanager holds it: who lives here first, then what is urgent
(a threat of eviction, cut-off or losing the health insurance), then the questions in the order
the advice ranks them (the municipality and what comes in first), lists item by item.

`converse` reads answers line by line and writes the questions; it never asks for YAML. An
empty line or the end of input stops it, as Ctrl-C does: what was entered is kept (the command
line saves it with --save) and the conversation says so. At the end: the household in brief
(the "foto van de klant"), then the advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from engine.explain.format import money
from engine.intake.session import ASK_AGAIN, NO, YES, AnswerError, IntakeSession
from engine.model.advice import Question
from engine.values import age_on

WORDS = {
    "nl": {
        "hint": "(leeg = stoppen, ? = overslaan)",
        "done": "Geen vragen meer.",
        "who": "Woont er nog iemand bij u? (partner, kind, medebewoner of nee)",
        "born": "Wat is de geboortedatum van uw {who}? (datum, of ? als u die niet weet)",
        "first": "Is er zoiets? (ja/nee)",
        "more": "Nog een? (ja/nee)",
        "type": {
            "bool": "ja/nee",
            "date": "datum",
            "money": "bedrag",
            "number": "getal",
            "text": "tekst",
        },
        "roles": {"partner": "partner", "child": "kind", "other_resident": "medebewoner"},
        "photo": "Uw huishouden",
        "lives": "Wie er wonen",
        "comes_in": "Wat er binnenkomt",
        "urgent": "Wat dringend is",
        "nothing": "niets bekend",
        "years": "{n} jaar",
        "you": "u",
        "month": "per maand",
        "threat": "dreigende uitzetting, afsluiting of einde zorgverzekering",
        "saved": "Gestopt. Wat u invulde is bewaard in {file}; ga verder met: intake {file}",
        "unsaved": "Gestopt. Wat u invulde is niet bewaard (geef --save BESTAND).",
    },
    "en": {
        "hint": "(empty = stop, ? = skip)",
        "done": "No more questions.",
        "who": "Does anyone else live with you? (partner, child, housemate or no)",
        "born": "What is your {who}'s date of birth? (date, or ? if you do not know it)",
        "first": "Is there any? (yes/no)",
        "more": "Another one? (yes/no)",
        "type": {
            "bool": "yes/no",
            "date": "date",
            "money": "amount",
            "number": "number",
            "text": "text",
        },
        "roles": {"partner": "partner", "child": "child", "other_resident": "housemate"},
        "photo": "Your household",
        "lives": "Who lives here",
        "comes_in": "What comes in",
        "urgent": "What is urgent",
        "nothing": "nothing known",
        "years": "{n} years",
        "you": "you",
        "month": "per month",
        "threat": "threat of eviction, cut-off or loss of health insurance",
        "saved": "Stopped. What you entered is kept in {file}; go on with: intake {file}",
        "unsaved": "Stopped. What you entered is not kept (give --save FILE).",
    },
}


THREATS = ("eviction_threat", "utility_cutoff_threat", "health_insurance_termination_threat")


class Stop(Exception):
    """The person stopped: an empty line or the end of input."""


def converse(session: IntakeSession, read: Callable[[], str], write: Callable[[str], None]) -> bool:
    """Hold the intake; True when no question is left, False when the person stopped. Raises
    KeyboardInterrupt as it comes: what was entered is in `session.profile` either way."""
    words = WORDS[session.lang]
    write(words["hint"])

    def ask(prompt: str) -> str:
        write(prompt)
        line = read()
        if not line or not line.strip():
            raise Stop
        return line.strip()

    try:
        # the opening: the municipality, who lives here, what comes in, what is urgent
        for question in _open(session, lambda path: path.startswith("municipality")):
            _one(session, question, ask, write, words)
        if len(session.profile.get("members", [])) == 1:
            _who_lives_here(session, ask, write, words)
        for question in _open(session, lambda path: path.endswith("incomes")):
            _list(session, question, ask, write, words)
        for question in session.urgent_questions():
            _one(session, question, ask, write, words)
        while (question := session.next_question) is not None:
            if question.answer_type == "list":
                _list(session, question, ask, write, words)
            else:
                _one(session, question, ask, write, words)
    except Stop:
        return False
    write(words["done"])
    return True


def _open(session: IntakeSession, part: Callable[[str], bool]) -> list[Question]:
    """The open questions of one part of the opening, by where the profile holds the answer."""
    plan = session.plan
    return [
        q
        for q in session.advice.questions
        if q.member is None
        and part(plan.source_path(q.fact))
        and (q.fact, None) not in session.skipped
    ]


def _who_lives_here(
    session: IntakeSession, ask: Callable[[str], str], write: Callable[[str], None], words: dict
) -> None:
    while True:
        role = ask(words["who"])
        if role.lower() in NO:
            return
        try:
            member = session.add_member(role)
        except AnswerError as exc:
            write(f"  {exc}")
            continue
        who = words["roles"][_role_of(session, member)]
        while (born := ask(words["born"].format(who=who))) != "?":
            try:
                session.set_birth_date(member, born)
                break
            except AnswerError as exc:
                write(f"  {exc}")


def _one(
    session: IntakeSession,
    question: Question,
    ask: Callable[[str], str],
    write: Callable[[str], None],
    words: dict,
) -> None:
    choices = f" [{', '.join(question.values)}]" if question.values else ""
    line = ask(f"? {question.text} ({words['type'][question.answer_type]}){choices}")
    if line == "?":
        session.skip(question.fact, question.member)
        return
    try:
        session.answer(question.fact, line, question.member)
    except AnswerError as exc:
        write(f"  {exc}")


def _list(
    session: IntakeSession,
    question: Question,
    ask: Callable[[str], str],
    write: Callable[[str], None],
    words: dict,
) -> None:
    """A list, item by item: is there one; its fields; another one?"""
    write(f"? {question.text}")
    prompt = words["first"]
    added = 0
    while True:
        line = ask(prompt)
        if line == "?" and not added:
            session.skip(question.fact, question.member)
            return
        if line.lower() in NO:
            if not added:
                session.no_items(question.fact, question.member)
            return
        if line.lower() not in YES:
            write(f"  {ASK_AGAIN[session.lang]['bool']}")
            continue
        answers = {}
        for field in session.item_questions(question.fact):
            choices = f" [{', '.join(field.values)}]" if field.values else ""
            answers[field.field] = ask(
                f"  {field.text} ({words['type'][field.answer_type]}){choices}"
            )
        try:
            session.add_item(question.fact, answers, question.member)
            added += 1
        except AnswerError as exc:
            write(f"  {exc}")
        prompt = words["more"] if added else words["first"]


def _role_of(session: IntakeSession, member_id: str) -> str:
    return next(m["role"] for m in session.profile["members"] if m["id"] == member_id)


def household_photo(session: IntakeSession) -> list[str]:
    """The household in brief: who lives here, what comes in, what is urgent."""
    words = WORDS[session.lang]
    peildatum = session.peildatum
    lines = [f"{words['photo']}:", f"  {words['lives']}:"]
    incomes: list[str] = []
    for member in session.profile.get("members", []):
        role = member.get("role")
        who = words["you"] if role == "applicant" else words["roles"].get(role, role)
        age = _age(member.get("birth_date"), peildatum)
        lines.append(
            f"    - {who}" + (f", {words['years'].format(n=age)}" if age is not None else "")
        )
        for income in member.get("incomes") or []:
            amount = income.get("net_monthly")
            shown = money(Decimal(str(amount)), session.lang) if amount is not None else "?"
            incomes.append(f"    - {who}: {income.get('kind', '?')}, {shown} {words['month']}")
    lines.append(f"  {words['comes_in']}:")
    lines.extend(incomes or [f"    - {words['nothing']}"])
    lines.append(f"  {words['urgent']}:")
    debts = session.profile.get("debts") or {}
    threats = [key for key in THREATS if debts.get(key) is True]
    lines.append(f"    - {words['threat']}" if threats else f"    - {words['nothing']}")
    return lines


def _age(birth: Any, on: dt.date) -> int | None:
    if isinstance(birth, str):
        try:
            birth = dt.date.fromisoformat(birth)
        except ValueError:
            return None
    return age_on(birth, on) if isinstance(birth, dt.date) else None
