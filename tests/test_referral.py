"""Refer: an open status that waits only on another body's assessment is a referral to it.

A small rule base: the status is eligible when p and q hold, where q is declared as UWV's
assessment (`assessed_by: UWV`, with what to bring). What the intake can ask (p) is asked
first; once only q is open, the advice says "refer to UWV" and what to bring, in every format,
and never asks q. The vector backend gives the same outcomes as native.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from rulebase import FACTS, profile, rule, rules_file, write_base
from support import ROOT, plain
from test_checker import line_of, only_error

import engine
from engine.backends.vector.evaluate import run_vector
from engine.batch import run_batch
from engine.compile.plan import Plan
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.outcome import outcomes
from engine.explain.text import advice_text
from engine.load.yaml_source import read_yaml_file
from engine.model.profile import profile_from_dict
from engine.population.generate import write_population

DAY = dt.date(2026, 3, 1)
ASSESSED = FACTS.replace(
    '    question: {nl: "q?", en: "q?"}\n',
    '    question: {nl: "q?", en: "q?"}\n'
    "    assessed_by: UWV\n"
    '    bring: {nl: "Brieven van uw arts", en: "Letters from your doctor"}\n',
)
RULES = {
    "a.yaml": rules_file(
        rule("x.recht", "p and q", "{status: eligible}")
        + rule("x.geen_p", "not p", "{status: not_eligible}")
    )
}


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    root = write_base(tmp_path_factory.mktemp("refer"), RULES, facts=ASSESSED)
    return engine.load_plan(root)


@pytest.mark.parametrize(
    ("detained", "evading", "status", "refer_to", "missing"),
    [
        (True, None, "refer", "UWV", []),  # only UWV's assessment is open
        (None, None, "undetermined", None, ["p"]),  # p can be asked: ask it first
        (False, None, "not_eligible", None, []),  # p settles it, whatever UWV finds
        (True, True, "eligible", None, []),  # UWV's finding is on record
        (True, False, "not_eligible", None, []),
    ],
)
def test_a_status_that_waits_only_on_an_assessment_is_a_referral(
    plan: Plan, detained, evading, status, refer_to, missing
) -> None:
    advice = engine.advise(profile(detained=detained, evading=evading), DAY, plan)
    scheme = advice.scheme("x")
    assert (scheme.status, scheme.refer_to, scheme.missing_facts) == (status, refer_to, missing)
    assert scheme.bring == (["Brieven van uw arts"] if status == "refer" else [])
    assert scheme.assessed_facts == (["q"] if evading is None and detained is not False else [])
    assert "q" not in [question.fact for question in advice.questions]


def test_a_referral_is_on_the_agenda_and_in_every_format(plan: Plan) -> None:
    for lang, heading, text in (
        ("nl", "Neem mee naar UWV", "Brieven van uw arts"),
        ("en", "Take along to UWV", "Letters from your doctor"),
    ):
        advice = engine.advise(profile(detained=True), DAY, plan, lang=lang)
        assert [(i.kind, i.body) for i in advice.agenda] == [("referral", "UWV")]
        data = json.loads(advice.to_json())["schemes"][0]
        assert (data["status"], data["refer_to"], data["bring"]) == ("refer", "UWV", [text])
        for rendered in (advice_text(advice), advice_markdown(advice), advice_html(advice)):
            assert heading in rendered and text in rendered


def test_the_vector_backend_refers_as_native_does(plan: Plan) -> None:
    profiles = [
        profile_from_dict(profile(detained=d, evading=e))
        for d in (True, False, None)
        for e in (True, False, None)
    ]
    native = [outcomes(engine.evaluate(p, DAY, plan)) for p in profiles]
    assert run_vector(plan, profiles, DAY) == native
    assert sum(o[0].status == "refer" for o in native) == 1


def test_the_plan_knows_who_assesses_what(plan: Plan) -> None:
    assert plan.assessed_by == {"q": "UWV"}


@pytest.mark.parametrize(
    ("add", "fragment"),
    [
        ("    assessed_by: UVW\n", "assessed_by 'UVW' is not a known body"),
        ('    bring: {nl: "b", en: "b"}\n', "'bring' needs 'assessed_by'"),
    ],
)
def test_engine_check_refuses_a_malformed_declaration(
    tmp_path: Path, add: str, fragment: str
) -> None:
    facts = FACTS.replace(
        '    question: {nl: "q?", en: "q?"}\n', '    question: {nl: "q?", en: "q?"}\n' + add
    )
    problem = only_error(tmp_path, RULES, facts=facts)
    assert f"rules/facts.yaml:{line_of(facts, '  q:')}" in problem and fragment in problem


def test_engine_check_refuses_an_assessment_on_a_derived_fact(tmp_path: Path) -> None:
    rules = {
        "a.yaml": rules_file(
            rule("x.recht", "p and pq", "{status: eligible}")
            + rule("x.pq", "true", "{pq: p and q}"),
            facts='pq: {type: bool, assessed_by: UWV, label: {nl: "pq", en: "pq"}}\n',
        )
    }
    problem = only_error(tmp_path, rules)
    assert "derived fact 'pq': 'assessed_by', 'bring' and 'group' belong to input facts" in problem


def test_an_explicit_answer_about_a_limitation_is_kept() -> None:
    """Only an unanswered sign is implied by a finding; an answer is never overwritten."""
    work = {"sheltered_work_only": True}
    implied = profile_from_dict({"members": [{"id": "a", "role": "applicant", "work": work}]})
    assert implied.applicant.work.work_limiting_condition is True
    work = {"sheltered_work_only": False, "receives_wajong": False}
    none = profile_from_dict({"members": [{"id": "a", "role": "applicant", "work": work}]})
    assert none.applicant.work.work_limiting_condition is None
    work = {"sheltered_work_only": True, "work_limiting_condition": False}
    kept = profile_from_dict({"members": [{"id": "a", "role": "applicant", "work": work}]})
    assert kept.applicant.work.work_limiting_condition is False


def test_a_batch_refers_as_native_does_on_the_vector_backend(tmp_path: Path) -> None:
    """Households whose savings (a table column) settle everything but UWV's assessment are
    referred; the vector backend sends them the native way and the results are identical."""
    rules = {
        "a.yaml": rules_file(
            rule("x.recht", "geld < grens and q", "{status: eligible}")
            + rule("x.te_veel", "geld >= grens", "{status: not_eligible}")
        )
    }
    # q read from a field the generated population leaves unknown
    facts = ASSESSED.replace("applicant.exclusions.evading_sentence", "applicant.work.has_job")
    plan = engine.load_plan(write_base(tmp_path / "base", rules, facts=facts))
    population = tmp_path / "population.parquet"
    write_population(population, 400, 11, DAY)
    tables = {}
    for backend in ("native", "vector"):
        out = tmp_path / f"{backend}.parquet"
        summary = run_batch(population, out, plan, DAY, 150, backend=backend)
        tables[backend] = pq.read_table(out)
        assert 0 < summary.statuses["x"]["refer"] < 400
    assert tables["vector"].equals(tables["native"])


def test_the_doelgroepregister_is_a_next_step_to_uwv_with_what_to_bring() -> None:
    """UWV keeps the register and decides (Wfsv art. 38b, 38d): never asked, a next step to UWV
    that says what shows the ground; whether someone is registered already stays a question."""
    suite = read_yaml_file(ROOT / "scenarios" / "loonkostensubsidie" / "loonkostensubsidie.yaml")
    data = plain(suite["profiles"]["doelgroep_met_baan"])
    data["members"][0]["work"]["in_target_group_register"] = False
    for lang, words in (("nl", "Neem mee wat laat zien"), ("en", "Take along what shows")):
        scheme = engine.advise(data, DAY, lang=lang).scheme("loonkostensubsidie")
        step = next(s for s in scheme.next_steps if s.fact == "doelgroepregister_aanmelden")
        assert step.body == "UWV" and words in step.text
    del data["members"][0]["work"]["in_target_group_register"]
    scheme = engine.advise(data, DAY).scheme("loonkostensubsidie")
    assert "in_doelgroepregister_aanvrager" in scheme.missing_facts
