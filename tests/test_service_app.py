"""The HTTP service's app in this process (the fast loop's share of tests/test_service.py,
which runs it as a real server): the advice is to_json byte for byte, a bad profile is 422."""

from __future__ import annotations

import json
import warnings

import pytest
from support import EXAMPLE, PEILDATUM

pytest.importorskip("httpx", reason="the service tests need the test extra (httpx)")
pytest.importorskip("fastapi", reason="the service needs the serve extra (FastAPI)")

with warnings.catch_warnings():  # Starlette asks for httpx2 in time; httpx serves today
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import engine
from engine.load.yaml_source import read_yaml_file
from engine.service import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_the_advice_is_to_json_byte_for_byte(client: TestClient) -> None:
    profile = json.loads(json.dumps(read_yaml_file(EXAMPLE), default=str))
    answer = client.post("/advice", json={"profile": profile, "peildatum": "2026-01-15"})
    assert answer.status_code == 200
    assert answer.content == engine.advise(profile, PEILDATUM).to_json().encode("utf-8")


def test_a_bad_profile_is_422_by_path(client: TestClient) -> None:
    profile = {"members": [{"id": "a", "role": "applicant", "birth_date": "1985-02-30"}]}
    answer = client.post("/advice", json={"profile": profile, "peildatum": "2026-01-15"})
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {
            "loc": ["body", "profile", "members[0].birth_date"],
            "msg": "a date must be written YYYY-MM-DD and exist",
        }
    ]
    assert "1985-02-30" not in answer.text


def test_an_intake_starts_with_the_municipality(client: TestClient) -> None:
    reply = client.post("/intake", json={"peildatum": "2026-01-15"}).json()
    assert reply["question"]["fact"] == "gemeente"


def test_a_group_of_questions_is_answered_no_at_once_or_yes_one_by_one(client: TestClient) -> None:
    profile = {
        "municipality": "Utrecht",
        "members": [{"id": "a", "role": "applicant", "birth_date": "1990-01-01"}],
    }
    state = {"profile": profile, "peildatum": "2026-01-15", "lang": "nl", "skipped": []}
    group = next(
        q
        for q in engine.advise(profile, PEILDATUM).questions
        if q.fact == "uitsluitingen_aanvrager"
    )
    ask = {"state": state, "fact": group.fact}
    no = client.post("/intake/answer", json={**ask, "answer": "nee"}).json()
    exclusions = no["state"]["profile"]["members"][0]["exclusions"]
    assert list(exclusions.values()) == [False] * len(group.parts)
    yes = client.post("/intake/answer", json={**ask, "answer": True}).json()
    assert yes["state"]["profile"] == profile
    assert yes["state"]["skipped"] == [["uitsluitingen_aanvrager", None]]
    assert yes["question"]["fact"] not in {p.fact for p in group.parts}  # income comes first
    first = group.parts[0].fact
    one = client.post(
        "/intake/answer", json={"state": yes["state"], "fact": first, "answer": "nee"}
    )
    assert one.status_code == 200
    assert list(one.json()["state"]["profile"]["members"][0]["exclusions"].values()) == [False]
    bad = client.post("/intake/answer", json={**ask, "answer": 3})
    assert bad.status_code == 422 and bad.json()["detail"][0]["msg"] == "Antwoord met ja of nee."


def test_a_failure_of_the_engine_is_a_bare_500(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """No traceback and nothing of the request, in the answer or in the log: only the kind."""
    import engine.service.app as app_module

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("Zwanenburg-4417-geheim")

    monkeypatch.setattr(app_module, "advise", broken)
    profile = {"members": [{"id": "a", "role": "applicant", "birth_date": "1985-02-03"}]}
    with caplog.at_level("DEBUG"):
        answer = client.post("/advice", json={"profile": profile, "peildatum": "2026-01-15"})
    assert answer.status_code == 500
    assert answer.json() == {"detail": "internal error"}
    assert "Zwanenburg" not in caplog.text and "Traceback" not in caplog.text
    assert "internal error (ValueError) on /advice" in caplog.text
