"""Reading a request's JSON body: bounded, and refused by field, never echoing a value."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from engine.errors import ProfileError
from engine.model.profile import profile_from_dict

MAX_BODY_BYTES = 1_000_000  # a household of 30 members with every field is under 100 kB

Problems = list[tuple[list[Any], str]]


class RequestError(Exception):
    """A request the service refuses: an HTTP status and the fields at fault, never values."""

    def __init__(self, status: int, problems: Problems):
        super().__init__(status)
        self.status = status
        self.problems = problems

    def response(self) -> JSONResponse:
        detail = [{"loc": loc, "msg": msg} for loc, msg in self.problems]
        return JSONResponse({"detail": detail}, status_code=self.status)


async def json_body(request: Request) -> dict[str, Any]:
    """The body as a JSON object, read up to the size limit (a larger one is never parsed)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise RequestError(413, [(["body"], f"the body is larger than {MAX_BODY_BYTES:,} bytes")])
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_BODY_BYTES:
            raise RequestError(
                413, [(["body"], f"the body is larger than {MAX_BODY_BYTES:,} bytes")]
            )
    problem = None
    try:
        body = json.loads(data)
    except (ValueError, RecursionError):  # the error's text holds the body: not passed on
        problem = "the body is not valid JSON (UTF-8)"
    if problem is not None:
        raise RequestError(400, [(["body"], problem)])
    if not isinstance(body, dict):
        raise RequestError(422, [(["body"], "the body is a JSON object")])
    return body


def only(body: dict[str, Any], fields: tuple[str, ...]) -> None:
    """Refuse a field the request does not know, without naming it (it may be a value)."""
    if any(key not in fields for key in body):
        raise RequestError(422, [(["body"], f"unknown field; the fields are: {', '.join(fields)}")])


def profile_field(body: dict[str, Any], problems: Problems) -> Any:
    if "profile" not in body:
        problems.append((["body", "profile"], "required"))
        return None
    found = None
    try:
        return profile_from_dict(body["profile"])
    except ProfileError as error:  # its messages name paths, never values
        found = [(["body", "profile", path], message) for path, message in error.errors]
    problems.extend(found)
    return None


def peildatum_field(body: dict[str, Any], problems: Problems) -> Any:
    value = body.get("peildatum")
    day = None
    if isinstance(value, str) and len(value) == 10:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None:
        problems.append((["body", "peildatum"], "required: a date, YYYY-MM-DD"))
    return day


def lang_field(body: dict[str, Any], problems: Problems) -> str:
    lang = body.get("lang", "nl")
    if lang not in ("nl", "en"):
        problems.append((["body", "lang"], "nl or en"))
    return lang
