"""The intake over HTTP: the state travels in every request and answer, none stays here.

`POST /intake` starts one (from nothing, or from what is known), `POST /intake/answer` takes one
answer, or skips a question, and gives the next. Each answer carries back the state to send with
the next request: the profile as entered so far, the peildatum, the language and the skipped
questions. The service checks that state as it checks any profile; whoever holds it holds the
household's data, as a caller of the library would.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from decimal import Decimal
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field

from engine.compile.plan import Plan
from engine.errors import EvaluationError
from engine.intake.session import ASK_AGAIN, AnswerError, IntakeSession
from engine.model.advice import Advice, Question
from engine.model.profile import Profile
from engine.service.body import (
    Problems,
    RequestError,
    json_body,
    lang_field,
    only,
    peildatum_field,
    profile_field,
)


class IntakeState(BaseModel):
    """An intake so far: send it back with the next answer, as it came."""

    profile: Profile
    peildatum: dt.date
    lang: Literal["nl", "en"] = "nl"
    skipped: list[tuple[str, str | None]] = Field(
        default_factory=list, description="Questions left for later: [fact, member]."
    )


class IntakeStart(BaseModel):
    """What `POST /intake` takes: what is known already (optional), the day and the language."""

    profile: Profile | None = None
    peildatum: dt.date
    lang: Literal["nl", "en"] = "nl"


class IntakeAnswer(BaseModel):
    """What `POST /intake/answer` takes: the state, the question (its `fact` and `member`) and
    the answer: a value, or the text a person typed ("ja", "14-09-1991", "1250,50"); for a list
    question a list of items, each a mapping of its fields' answers ([] for none). Or `skip`."""

    state: IntakeState
    fact: str
    member: str | None = None
    answer: Any = None
    skip: bool = False


class IntakeReply(BaseModel):
    """Each intake answer: the state to send next, the next question (none when nothing is
    left to ask), the urgent questions not yet answered, and the advice so far. A list
    question (`answer_type` "list") also has `fields`: what to give for each item."""

    state: IntakeState
    question: Question | None
    urgent: list[Question]
    advice: Advice


def add_intake_routes(app: FastAPI, plan: Plan, body_schema: Any, refusals: Any) -> None:
    """`POST /intake` and `POST /intake/answer` on the app, for the plan."""
    reply = {"$ref": "#/components/schemas/IntakeReply"}
    responses = {
        200: {
            "description": "The state, the next question and the advice so far.",
            "content": {"application/json": {"schema": reply}},
        },
        **refusals,
    }

    @app.post("/intake", openapi_extra=body_schema("IntakeStart"), responses=responses)
    async def start(request: Request) -> Response:
        body = await json_body(request)
        only(body, ("profile", "peildatum", "lang"))
        problems: Problems = []
        peildatum, lang = peildatum_field(body, problems), lang_field(body, problems)
        profile = body.get("profile")
        if profile is not None:
            profile_field(body, problems)
        _refuse(problems)
        session = await run_in_threadpool(_session, profile, peildatum, plan, lang)
        return _reply(session)

    @app.post("/intake/answer", openapi_extra=body_schema("IntakeAnswer"), responses=responses)
    async def answer(request: Request) -> Response:
        body = await json_body(request)
        only(body, ("state", "fact", "member", "answer", "skip"))
        problems: Problems = []
        state = _state(body, problems)
        fact, member = body.get("fact"), body.get("member")
        if not isinstance(fact, str):
            problems.append((["body", "fact"], "required: the question's fact"))
        if member is not None and not isinstance(member, str):
            problems.append((["body", "member"], "the question's member, or null"))
        if not isinstance(body.get("skip", False), bool):
            problems.append((["body", "skip"], "true or false"))
        _refuse(problems)
        session = await run_in_threadpool(_answered, state, body, plan)
        return _reply(session)


def _refuse(problems: Problems) -> None:
    if problems:
        raise RequestError(422, problems)


def _state(body: dict[str, Any], problems: Problems) -> dict[str, Any]:
    state = body.get("state")
    if not isinstance(state, dict):
        problems.append((["body", "state"], "required: the state of the previous answer"))
        return {}
    if any(key not in ("profile", "peildatum", "lang", "skipped") for key in state):
        problems.append(
            (["body", "state"], "unknown field; it has profile, peildatum, lang, skipped")
        )
    inner: Problems = []
    peildatum, lang = peildatum_field(state, inner), lang_field(state, inner)
    profile_field(state, inner)
    skipped = state.get("skipped", [])
    if not isinstance(skipped, list) or not all(_skipped_pair(pair) for pair in skipped):
        inner.append((["body", "skipped"], "a list of [fact, member] pairs"))
    problems.extend(([loc[0], "state", *loc[1:]], message) for loc, message in inner)
    return {
        "profile": state.get("profile"),
        "peildatum": peildatum,
        "lang": lang,
        "skipped": {(fact, member) for fact, member in skipped} if not inner else set(),
    }


def _skipped_pair(pair: Any) -> bool:
    return (
        isinstance(pair, list)
        and len(pair) == 2
        and isinstance(pair[0], str)
        and (pair[1] is None or isinstance(pair[1], str))
    )


def _session(profile: Any, peildatum: dt.date, plan: Plan, lang: str) -> IntakeSession:
    try:
        return IntakeSession(profile, peildatum, plan, lang)
    except EvaluationError as error:  # a peildatum the rules do not cover
        message = str(error)
    raise RequestError(422, [(["body", "peildatum"], message)])


def _answered(state: dict[str, Any], body: dict[str, Any], plan: Plan) -> IntakeSession:
    session = _session(state["profile"], state["peildatum"], plan, state["lang"])
    session.skipped = set(state["skipped"])
    fact, member, given = body["fact"], body.get("member"), body.get("answer")
    problem = None
    try:
        if body.get("skip", False):
            session.skip(fact, member)
        elif _is_list(session, fact, member):
            _items(session, fact, member, given)
        else:
            session.answer(fact, given, member)
    except AnswerError as error:  # worded for the person: no fact id, never the answer
        problem = str(error)
    if problem is not None:
        raise RequestError(422, [(["body", "answer"], problem)])
    return session


def _is_list(session: IntakeSession, fact: str, member: str | None) -> bool:
    asked = [*session.advice.questions, *session.urgent_questions()]
    return any(q.fact == fact and q.member == member and q.answer_type == "list" for q in asked)


def _items(session: IntakeSession, fact: str, member: str | None, given: Any) -> None:
    if not isinstance(given, list) or not all(isinstance(item, dict) for item in given):
        raise AnswerError(ASK_AGAIN[session.lang]["list"])
    if not given:
        session.no_items(fact, member)
    for item in given:
        session.add_item(fact, item, member)


def _reply(session: IntakeSession) -> Response:
    """The reply as JSON, the advice in it byte for byte as `Advice.to_json()` gives it."""
    state = {
        "profile": session.profile,
        "peildatum": session.peildatum.isoformat(),
        "lang": session.lang,
        "skipped": sorted(([f, m] for f, m in session.skipped), key=lambda p: (p[0], p[1] or "")),
    }
    question = session.next_question
    parts = [
        f'"state": {_dumps(state)}',
        f'"question": {_dumps(_question(session, question) if question else None)}',
        f'"urgent": {_dumps([_question(session, q) for q in session.urgent_questions()])}',
        f'"advice": {session.advice.to_json().rstrip()}',
    ]
    content = "{\n" + ",\n".join(parts) + "\n}\n"
    return Response(content.encode("utf-8"), media_type="application/json")


def _question(session: IntakeSession, question: Question) -> dict[str, Any]:
    """A question; a list question also says what to give for each item (`fields`)."""
    asked = dataclasses.asdict(question)
    if question.answer_type == "list":
        asked["fields"] = [dataclasses.asdict(q) for q in session.item_questions(question.fact)]
    return asked


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_plain)


def _plain(value: Any) -> Any:
    """A value an answer wrote into the profile (a date, an amount), as the profile reads it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)
