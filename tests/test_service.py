"""The HTTP service against a real `python -m engine serve` process, with an HTTP client.

The advice over HTTP is the library's advice byte for byte; a bad request is a 4xx that names
fields and never their values, in the answer or in the server's log; nothing is a 500.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import EXAMPLE, PEILDATUM, ROOT, examples

httpx = pytest.importorskip("httpx", reason="the service tests need the test extra (httpx)")
pytest.importorskip("fastapi", reason="the service needs the serve extra (FastAPI)")

import engine  # noqa: E402
from benchmarks.bench_service import serving  # noqa: E402
from engine.explain.render import render  # noqa: E402
from engine.intake import IntakeSession  # noqa: E402
from engine.load.yaml_source import read_yaml_file  # noqa: E402
from engine.model.advice import Advice  # noqa: E402
from engine.model.profile import Profile  # noqa: E402
from engine.population.generate import generate  # noqa: E402
from engine.service import MAX_BODY_BYTES  # noqa: E402

# A real server process per module, and thousands of requests: the full suite runs these; the
# fast loop has tests/test_service_app.py, the same app in this process.
pytestmark = pytest.mark.slow

SENTINEL = "Zwanenburg-4417-geheim"  # a value that must never come back or reach the log
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A running service: its address and its log file."""
    log = tmp_path_factory.mktemp("service") / "server.log"
    with serving(log) as url:
        yield url, log


def profile_of(path: Path) -> dict[str, Any]:
    return json.loads(json.dumps(read_yaml_file(path), default=str))


def post(url: str, body: Any, **params: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        f"{url}/advice",
        content=content,
        params=params,
        headers={"content-type": "application/json"},
        timeout=60,
    )


def test_health_names_the_engine_and_the_rules(server: tuple[str, Path]) -> None:
    answer = httpx.get(f"{server[0]}/health").json()
    assert answer == {
        "status": "ok",
        "engine_version": engine.ENGINE_VERSION,
        "rules": engine.load_plan().hash,
    }


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_advice_is_to_json_byte_for_byte(
    server: tuple[str, Path], path: Path, lang: str
) -> None:
    profile = profile_of(path)
    answer = post(server[0], {"profile": profile, "peildatum": "2026-01-15", "lang": lang})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    expected = engine.advise(profile, PEILDATUM, lang=lang).to_json()
    assert answer.content == expected.encode("utf-8")


@pytest.mark.parametrize(
    ("form", "media"),
    [("html", "text/html"), ("text", "text/plain"), ("markdown", "text/markdown")],
)
def test_each_rendering_is_the_librarys(server: tuple[str, Path], form: str, media: str) -> None:
    profile = profile_of(EXAMPLE)
    answer = post(server[0], {"profile": profile, "peildatum": "2026-01-15"}, format=form)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == f"{media}; charset=utf-8"
    assert answer.text == render(engine.advise(profile, PEILDATUM), form)


def test_schemes_name_body_law_and_coverage(server: tuple[str, Path]) -> None:
    schemes = httpx.get(f"{server[0]}/schemes").json()
    plan = engine.load_plan()
    assert [s["id"] for s in schemes] == list(plan.schemes)
    wajong = next(s for s in schemes if s["id"] == "wajong")
    assert wajong["body"] == "UWV" and wajong["law"]["bwb"] == "BWBR0008657"
    assert wajong["coverage"] == {"from": "2025-01-01", "until": "2026-12-31"}


def test_the_schemas_are_the_models(server: tuple[str, Path]) -> None:
    url = server[0]
    assert httpx.get(f"{url}/schema/profile").json() == Profile.model_json_schema()
    assert httpx.get(f"{url}/schema/advice").json() == Advice.model_json_schema()


def test_openapi_describes_the_advice_request_and_answer(server: tuple[str, Path]) -> None:
    spec = httpx.get(f"{server[0]}/openapi.json").json()
    operation = spec["paths"]["/advice"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/AdviceRequest"}
    schemas = spec["components"]["schemas"]
    assert {"AdviceRequest", "Advice", "Profile", "Person"} <= set(schemas)
    assert set(schemas["AdviceRequest"]["properties"]) == {"profile", "peildatum", "lang"}
    answer = operation["responses"]["200"]["content"]
    assert answer["application/json"]["schema"] == {"$ref": "#/components/schemas/Advice"}
    assert "text/html; charset=utf-8" in answer


def bad_profile() -> dict[str, Any]:
    profile = profile_of(EXAMPLE)
    profile["municipality"] = SENTINEL
    profile["members"][0]["birth_date"] = "1985-02-30"
    profile["members"][0][SENTINEL] = SENTINEL
    return profile


def test_a_bad_profile_is_422_with_paths_and_no_values(server: tuple[str, Path]) -> None:
    answer = post(server[0], {"profile": bad_profile(), "peildatum": "2026-01-15"})
    assert answer.status_code == 422
    found = {tuple(d["loc"]) for d in answer.json()["detail"]}
    assert ("body", "profile", "members[0].birth_date") in found
    assert SENTINEL not in answer.text and "1985-02-30" not in answer.text


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (b"{not json", 400, "body"),
        (b"[1, 2]", 422, "body"),
        (json.dumps({"peildatum": "2026-01-15"}).encode(), 422, "profile"),
        (json.dumps({"profile": {}, "peildatum": "15-01-2026"}).encode(), 422, "peildatum"),
        (
            json.dumps({"profile": {}, "peildatum": "2026-01-15", "lang": "de"}).encode(),
            422,
            "lang",
        ),
        (json.dumps({"profile": {}, "peildatum": "2026-01-15", SENTINEL: 1}).encode(), 422, "body"),
    ],
)
def test_a_bad_request_is_refused_by_field(
    server: tuple[str, Path], body: bytes, status: int, field: str
) -> None:
    answer = post(server[0], body)
    assert answer.status_code == status, answer.text
    assert field in {problem["loc"][-1] for problem in answer.json()["detail"]}
    assert SENTINEL not in answer.text


def test_a_peildatum_the_rules_do_not_cover_is_422_naming_the_period(
    server: tuple[str, Path],
) -> None:
    answer = post(server[0], {"profile": profile_of(EXAMPLE), "peildatum": "2019-06-01"})
    assert answer.status_code == 422
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "peildatum"] and "2025-01-01" in problem["msg"]


def test_a_body_over_the_limit_is_413(server: tuple[str, Path]) -> None:
    body = json.dumps({"profile": {}, "peildatum": "2026-01-15", "x": "a" * MAX_BODY_BYTES})
    assert post(server[0], body.encode()).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield body.encode()

    answer = httpx.post(f"{server[0]}/advice", content=chunks(), timeout=60)
    assert answer.status_code == 413


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "profile": JSON | st.just(profile_of(EXAMPLE)),
        "peildatum": st.text(max_size=12) | st.dates().map(str),
        "lang": JSON,
    },
)


@settings(max_examples=examples(150), deadline=None)
@given(body=JSON | FIELDS)
def test_no_body_gives_a_500(server: tuple[str, Path], body: Any) -> None:
    answer = post(server[0], body)
    assert answer.status_code in (200, 400, 422), answer.text
    assert "Traceback" not in answer.text


def test_the_log_holds_no_request_body(server: tuple[str, Path]) -> None:
    post(server[0], {"profile": bad_profile(), "peildatum": "2026-01-15"})
    post(server[0], {"profile": profile_of(EXAMPLE), "peildatum": "2026-01-15"}, format="text")
    log = server[1].read_text(encoding="utf-8")
    assert '"POST /advice HTTP/1.1" 422' in log  # the access log is there
    assert SENTINEL not in log and "1985-02-30" not in log and "Traceback" not in log


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--workers", "0"]])
def test_serve_refuses_a_bad_port_or_worker_count(args: list[str]) -> None:
    from engine.cli import main

    assert main(["serve", *args]) == 2


# --- the intake: the state travels, nothing stays -------------------------------------------


def intake(url: str, path: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{url}{path}", json=body, timeout=60)


def test_an_intake_starts_as_the_librarys_does(server: tuple[str, Path]) -> None:
    answer = intake(server[0], "/intake", {"peildatum": "2026-01-15"})
    assert answer.status_code == 200
    reply = answer.json()
    session = IntakeSession(None, PEILDATUM)
    assert reply["question"]["fact"] == session.next_question.fact
    assert reply["state"] == {
        "profile": session.profile,
        "peildatum": "2026-01-15",
        "lang": "nl",
        "skipped": [],
    }
    assert session.advice.to_json().rstrip().encode() in answer.content  # the advice, as is
    assert reply["advice"] == json.loads(session.advice.to_json())


def test_answers_over_http_give_what_the_library_gives(server: tuple[str, Path]) -> None:
    """Three answers typed as a person types them, a list answered item by item, a skip:
    the state that comes back each time carries the intake, and the last advice is the one the
    library gives for the same answers."""
    url = server[0]
    reply = intake(url, "/intake", {"peildatum": "2026-01-15", "lang": "en"}).json()
    session = IntakeSession(None, PEILDATUM, lang="en")
    typed = {"gemeente": "Utrecht", "geboortedatum_aanvrager": "14-09-1991"}
    kinds = []
    for _ in range(4):
        question = reply["question"]
        fact, member = question["fact"], question["member"]
        body: dict[str, Any] = {"state": reply["state"], "fact": fact, "member": member}
        if fact in typed:
            body["answer"] = typed[fact]
            session.answer(fact, typed[fact], member)
        elif question["answer_type"] == "list":
            fields = {f["field"]: f for f in question["fields"]}
            assert set(fields) == {"soort", "netto_per_maand"}
            body["answer"] = [{"soort": "wages", "netto_per_maand": "850.25"}]
            session.add_item(fact, body["answer"][0], member)
        else:
            body["skip"] = True
            session.skip(fact, member)
        kinds.append("skip" if body.get("skip") else question["answer_type"])
        answered = intake(url, "/intake/answer", body)
        assert answered.status_code == 200, answered.text
        reply = answered.json()
    assert kinds == ["text", "date", "list", "skip"]
    assert reply["state"]["profile"] == json.loads(json.dumps(session.profile, default=str))
    assert reply["advice"] == json.loads(session.advice.to_json())
    assert reply["state"]["skipped"] == sorted([f, m] for f, m in session.skipped)


def test_the_same_request_gives_the_same_bytes(server: tuple[str, Path]) -> None:
    """Nothing of an earlier intake stays on the server to change a later answer."""
    start = intake(server[0], "/intake", {"peildatum": "2026-01-15"}).json()
    body = {"state": start["state"], "fact": "gemeente", "answer": "Utrecht"}
    first = intake(server[0], "/intake/answer", body)
    intake(server[0], "/intake/answer", {**body, "answer": "Zevenaar"})
    assert intake(server[0], "/intake/answer", body).content == first.content


def test_a_wrong_answer_is_asked_again_in_words_without_the_answer(
    server: tuple[str, Path],
) -> None:
    start = intake(server[0], "/intake", {"peildatum": "2026-01-15"}).json()
    body = {"state": start["state"], "fact": "geboortedatum_aanvrager", "answer": SENTINEL}
    answer = intake(server[0], "/intake/answer", body)
    assert answer.status_code == 422
    assert answer.json()["detail"] == [
        {"loc": ["body", "answer"], "msg": "Vul een datum in, zoals 14-09-1991."}
    ]
    assert SENTINEL not in answer.text


def test_a_state_that_is_not_a_profile_is_refused_by_path(server: tuple[str, Path]) -> None:
    state = {"profile": bad_profile(), "peildatum": "2026-01-15", "skipped": [["x", 1]]}
    answer = intake(server[0], "/intake/answer", {"state": state, "fact": "gemeente"})
    assert answer.status_code == 422
    found = {tuple(p["loc"]) for p in answer.json()["detail"]}
    assert ("body", "state", "profile", "members[0].birth_date") in found
    assert ("body", "state", "skipped") in found
    assert SENTINEL not in answer.text


def test_openapi_describes_the_intake(server: tuple[str, Path]) -> None:
    spec = httpx.get(f"{server[0]}/openapi.json").json()
    for path, model in (("/intake", "IntakeStart"), ("/intake/answer", "IntakeAnswer")):
        body = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]
        assert body["schema"] == {"$ref": f"#/components/schemas/{model}"}
    assert {"IntakeState", "IntakeReply", "Question"} <= set(spec["components"]["schemas"])


# --- many clients at once ------------------------------------------------------------------

CLIENTS, REQUESTS = 8, 250
HOUSEHOLDS = 11  # generated, besides the bundled examples


def parallel_bodies() -> list[tuple[str, str]]:
    """Request bodies and formats: each bundled example and generated household, in both
    languages and two formats."""
    generated = generate(HOUSEHOLDS, seed=29, today=PEILDATUM)
    profiles = [profile_of(p) for p in EXAMPLES]
    profiles += [json.loads(json.dumps(h, default=str)) for h in generated]
    return [
        (json.dumps({"profile": p, "peildatum": "2026-01-15", "lang": lang}), form)
        for p in profiles
        for lang in ("nl", "en")
        for form in ("json", "text")
    ]


def test_parallel_clients_get_the_bytes_of_sequential_calls(tmp_path: Path) -> None:
    """8 clients x 250 requests on two worker processes: every answer is the one a sequential
    call gets. The requests go round 48 bodies (the bundled example and 11 generated households,
    in both languages and two formats), each client starting at its own place, so that
    different households are advised at once; each body is asked about 40 times. (Until
    2026-12: 8 x 1,000 requests round the example's four bodies, 2,000 repeats of each.)"""
    bodies = parallel_bodies()
    with serving(tmp_path / "server.log", "--workers", "2") as url:
        expected = [post(url, body.encode(), format=form).content for body, form in bodies]

        def client(number: int) -> list[int]:
            wrong = []
            with httpx.Client(base_url=url, timeout=120) as http:
                for i in range(REQUESTS):
                    k = (number * 7 + i) % len(bodies)
                    body, form = bodies[k]
                    answer = http.post(
                        "/advice",
                        content=body.encode(),
                        params={"format": form},
                        headers={"content-type": "application/json"},
                    )
                    if answer.status_code != 200 or answer.content != expected[k]:
                        wrong.append(k)
            return wrong

        with ThreadPoolExecutor(CLIENTS) as pool:
            wrong = [k for found in pool.map(client, range(CLIENTS)) for k in found]
    assert len(bodies) == 48 and len(set(bodies)) == 48
    assert all(len(e) > 1000 for e in expected)
    assert wrong == []


# --- docs/service.md -----------------------------------------------------------------------


def curl_examples() -> list[tuple[str, list[str]]]:
    """Each `$ curl ...` line of docs/service.md and the output lines shown under it."""
    text = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        for line in block.splitlines():
            if line.startswith("$ "):
                found.append((line[2:], []))
            elif found and line.strip():
                found[-1][1].append(line)
    return [example for example in found if example[0].startswith("curl ")]


def test_the_curl_examples_in_the_docs_print_what_they_show(server: tuple[str, Path]) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed: the docs' curl examples cannot run here")
    examples_run = curl_examples()
    assert len(examples_run) >= 7
    for command, shown in examples_run:
        command = command.replace("http://127.0.0.1:8000", server[0])
        result = subprocess.run(
            ["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert result.stdout.splitlines() == shown, (command, result.stdout, result.stderr)
