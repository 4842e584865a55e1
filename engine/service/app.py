"""The engine over HTTP, for systems that are not Python (`python -m engine serve`).

FastAPI on uvicorn. Every answer is what the library gives: `POST /advice` returns the bytes of
`Advice.to_json()` (or a rendering), so a caller over HTTP and a caller in Python get the same
advice. The server keeps nothing of a household: an intake's state travels in each request and
response (`POST /intake`, `POST /intake/answer`).

Requests are read by hand rather than by FastAPI's body models, for three reasons: the size of a
body is bounded before it is parsed (413), a bad profile is refused with the field paths of
`profile_from_dict` and never with the values given (FastAPI's own 422 echoes the input), and the
OpenAPI description still shows the request models (`openapi_extra`). No body is ever logged;
an unexpected failure is a 500 that names nothing of the request, and the log line names only
the kind of failure.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from engine.api import ENGINE_VERSION, advise, default_plan, load_plan
from engine.compile.plan import Plan
from engine.errors import EvaluationError
from engine.explain.render import render
from engine.model.advice import Advice
from engine.model.profile import Profile
from engine.service.body import (
    MAX_BODY_BYTES,
    RequestError,
    json_body,
    lang_field,
    only,
    peildatum_field,
    profile_field,
)
from engine.service.intake import IntakeAnswer, IntakeReply, IntakeStart, add_intake_routes

LOG = logging.getLogger("engine.service")

FORMATS = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
}


class AdviceRequest(BaseModel):
    """What `POST /advice` takes."""

    profile: Profile
    peildatum: dt.date = Field(description="The day the advice speaks for (YYYY-MM-DD).")
    lang: Literal["nl", "en"] = "nl"


def create_app(plan: Plan | None = None) -> FastAPI:
    """The service for a plan (the bundled rules by default)."""
    plan = plan or default_plan()
    app = FastAPI(
        title="Sociaal domein engine",
        version=ENGINE_VERSION,
        description="Integrated eligibility and advice for the Dutch social domain.",
    )

    @app.exception_handler(RequestError)
    async def refused(request: Request, error: RequestError) -> JSONResponse:
        return error.response()

    @app.middleware("http")
    async def no_traceback(request: Request, call_next: Any) -> Response:
        try:
            return await call_next(request)
        except Exception as failure:  # never a traceback, never the request in the log
            LOG.error("internal error (%s) on %s", type(failure).__name__, request.url.path)
            return JSONResponse({"detail": "internal error"}, status_code=500)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "engine_version": ENGINE_VERSION, "rules": plan.hash}

    @app.get("/schemes")
    def schemes() -> list[dict[str, Any]]:
        """Each scheme: its name, the body that decides, its law and the days it covers."""
        return [_scheme(scheme.spec) for scheme in plan.schemes.values()]

    @app.get("/schema/profile")
    def profile_schema() -> dict[str, Any]:
        return Profile.model_json_schema()

    @app.get("/schema/advice")
    def advice_schema() -> dict[str, Any]:
        return Advice.model_json_schema()

    refusals = {
        413: {"description": f"The body is larger than {MAX_BODY_BYTES:,} bytes."},
        422: {"description": "Each field at fault, named by its path; never its value."},
    }

    @app.post(
        "/advice",
        openapi_extra=_body("AdviceRequest"),
        responses={
            200: {
                "description": "The advice: `Advice.to_json()`, or its rendering by `format`.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Advice"}},
                    **{media: {} for media in list(FORMATS.values())[1:]},
                },
            },
            **refusals,
        },
    )
    async def advice(
        request: Request, format: Literal["json", "html", "text", "markdown"] = "json"
    ) -> Response:
        body = await json_body(request)
        only(body, ("profile", "peildatum", "lang"))
        problems: list[tuple[list[Any], str]] = []  # every field at fault, in one answer
        peildatum, lang = peildatum_field(body, problems), lang_field(body, problems)
        profile = profile_field(body, problems)
        if problems:
            raise RequestError(422, problems)
        given = await run_in_threadpool(_advise, profile, peildatum, plan, lang)
        return Response(_render(given, format), media_type=FORMATS[format])

    add_intake_routes(app, plan, _body, refusals)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (AdviceRequest, Advice, IntakeStart, IntakeAnswer, IntakeReply):
                found = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(found.pop("$defs", {}))
                components[model.__name__] = found
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _scheme(spec: Any) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": {"nl": spec.name.nl, "en": spec.name.en},
        "body": spec.body,
        "law": {"name": spec.law.name, "bwb": spec.law.bwb, "url": spec.law.url},
        "coverage": {
            "from": spec.coverage.from_.isoformat(),
            "until": spec.coverage.until.isoformat() if spec.coverage.until else None,
        },
        "per_person": spec.per_person,
    }


def _body(model: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{model}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _advise(profile: Profile, peildatum: dt.date, plan: Plan, lang: str) -> Advice:
    try:
        return advise(profile, peildatum, plan, lang)
    except EvaluationError as error:  # e.g. a peildatum before the rules start
        message = str(error)
    raise RequestError(422, [(["body", "peildatum"], message)])


def _render(advice: Advice, form: str) -> bytes:
    return render(advice, form).encode("utf-8")


def app_from_environment() -> FastAPI:
    """The app `python -m engine serve` runs in each worker: the rules of ENGINE_SERVE_RULES
    (a rule base folder), else the bundled ones."""
    rules = os.environ.get("ENGINE_SERVE_RULES")
    return create_app(load_plan(rules) if rules else None)
