"""Settled whatever the answer (issue 22, step 1): an outcome every answer agrees on is decided.

Case analysis over yes/no and choice unknowns (engine/run/settle.py), on the bundled rules for
the cases users meet, and on small rule bases for what Kleene logic cannot see, what really
differs, the bound, and a settled status reaching the outputs that read it.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
from pathlib import Path

import pytest
from rulebase import profile, rule, rules_file, write_base
from support import ROOT, plain

import engine
import engine.run.settle
from engine.compile.plan import Plan
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.load.yaml_source import read_yaml_file

DAY = dt.date(2026, 3, 1)
SINGLE = plain(
    read_yaml_file(ROOT / "scenarios" / "algemene_bijstand" / "normen.yaml")["profiles"][
        "alleenstaande"
    ]
)


def nineteen() -> dict:
    data = copy.deepcopy(SINGLE)
    applicant = data["members"][0]
    applicant["birth_date"] = "2006-06-01"  # 19
    del applicant["parents_cannot_provide"], applicant["work"]["medically_limited_hours"]
    data["assets"]["bank_and_cash"] = 0
    return data


def past_aow_age() -> dict:
    applicant = {"id": "a", "role": "applicant", "birth_date": "1950-01-01"}
    return {"municipality": "Utrecht", "members": [applicant]}


def test_the_19_year_olds_bijstand_is_eligible_with_the_amount_open() -> None:
    """Art. 11 Pw gives the right; whether the parents can contribute (art. 20 lid 3) and a
    medical hours limitation only change the norm, so they do not keep the right open."""
    scheme = engine.advise(nineteen(), DAY).scheme("algemene_bijstand")
    assert scheme.status == "eligible" and scheme.amount is None
    assert scheme.settled_over == [
        "Kunt u niet terugvallen op uw ouders voor uw kosten van bestaan?"
    ]
    assert "ouders_kunnen_niet_bijdragen_aanvrager" in scheme.missing_facts  # for the amount


def test_the_wsw_status_past_the_aow_age_is_decided() -> None:
    """Art. 12 lid 2 Wsw: the indication lapses at the AOW age, whatever it was."""
    advice = engine.advise(past_aow_age(), DAY, lang="en")
    scheme = advice.scheme("wsw")
    assert (scheme.status, scheme.missing_facts) == ("not_eligible", [])
    assert len(scheme.settled_over) == 2
    text = advice_text(advice)
    assert "This holds whatever the answer to:" in text
    assert all(question in text for question in scheme.settled_over)


@pytest.mark.parametrize("data", [nineteen(), past_aow_age()], ids=["19", "past AOW age"])
def test_every_answer_to_what_was_weighed_gives_the_settled_status(data: dict) -> None:
    """The search's claim, checked by brute force: each combination of answers to the
    questions weighed, written into the profile, gives the settled status."""
    plan = engine.load_plan()
    trace = engine.evaluate(data, DAY)
    assert trace.settled
    for status, weighed in trace.settled.items():
        paths = [plan.inputs[name].spec.from_ or "" for name in weighed]
        for answers in itertools.product(*(plan.cases.domain(n) or () for n in weighed)):
            completed = copy.deepcopy(data)
            for path, answer in zip(paths, answers, strict=True):
                *parents, leaf = path.removeprefix("applicant.").split(".")
                node = completed["members"][0]
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = answer
            assert engine.evaluate(completed, DAY).facts[status] == trace.facts[status], answers


FACTS_DUTY = 'plicht: {type: bool, default: false, output: obligation, label: {nl: "d", en: "d"}}\n'


def plan_of(root: Path, status_rules: str, budget_rules: str = "") -> Plan:
    rules = status_rules + rule("x.plicht", 'status == "eligible"', "{plicht: true}")
    write_base(root, {"a.yaml": rules_file(rules + budget_rules, facts=FACTS_DUTY)})
    return engine.load_plan(root)


def test_what_every_answer_gives_is_decided_and_reaches_what_reads_it(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, rule("x.recht", "p or not p", "{status: eligible}"))
    trace = engine.evaluate(profile(), DAY, plan)
    assert trace.facts["status"] == "eligible"  # Kleene: unknown; every answer: eligible
    assert trace.settled["status"] == ("p",)
    assert trace.decided_by["status"] == "x.recht"  # the one rule in every leaf: the reason
    assert trace.facts["plicht"] is True  # derived again once the status is settled
    scheme = engine.advise(profile(), DAY, plan).scheme("x")
    assert (scheme.status, scheme.missing_facts, scheme.settled_over) == ("eligible", [], ["p?"])
    assert "Regel x.recht" in [r.text for r in scheme.explanation]


def test_answers_that_really_differ_keep_the_outcome_open_naming_both(tmp_path: Path) -> None:
    plan = plan_of(
        tmp_path, rule("x.recht", "(p and q) or (not p and not q)", "{status: eligible}")
    )
    scheme = engine.advise(profile(), DAY, plan).scheme("x")
    assert (scheme.status, scheme.missing_facts, scheme.settled_over) == (
        "undetermined",
        ["p", "q"],
        [],
    )
    assert not scheme.bound_reached


def test_a_reached_bound_leaves_the_outcome_open_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = plan_of(tmp_path, rule("x.recht", "(p or not p) and (q or not q)", "{status: eligible}"))
    assert engine.advise(profile(), DAY, plan).scheme("x").status == "eligible"
    monkeypatch.setattr(engine.run.settle, "BUDGET", 2)  # four leaves needed
    advice = engine.advise(profile(), DAY, plan)
    scheme = advice.scheme("x")
    assert (scheme.status, scheme.bound_reached) == ("undetermined", True)
    assert "te veel mogelijke antwoorden" in advice_text(advice)
    assert "te veel mogelijke antwoorden" in advice_markdown(advice)


def test_a_conflict_never_settles(tmp_path: Path) -> None:
    """Two rules that hold with different values give no value: whatever p is, no answer."""
    rules = rule("x.a", "p or not p", "{status: eligible}") + rule(
        "x.b", "q or not q", "{status: refer}"
    )
    plan = plan_of(tmp_path, rules)
    assert engine.advise(profile(), DAY, plan).scheme("x").status == "undetermined"


def test_a_number_compared_only_with_figures_is_split_at_them(tmp_path: Path) -> None:
    """Savings only ever compared with a figure fall into a few classes (below, at, above);
    trying one of each settles what every amount agrees on, and only that."""
    plan = plan_of(tmp_path, rule("x.recht", "geld < grens or geld >= grens", "{status: eligible}"))
    assert plan.cases.splittable("geld")
    trace = engine.evaluate(profile(), DAY, plan)
    assert (trace.facts["status"], trace.settled["status"]) == ("eligible", ("geld",))
    root = tmp_path / "differ"
    plan = plan_of(root, rule("x.recht", "geld < grens", "{status: eligible}"))
    assert engine.advise(profile(), DAY, plan).scheme("x").missing_facts == ["geld"]


def test_a_number_used_in_a_sum_is_not_split(tmp_path: Path) -> None:
    rules = rule("x.recht", "geld + geld < grens or geld + geld >= grens", "{status: eligible}")
    plan = plan_of(tmp_path, rules)
    assert not plan.cases.splittable("geld")
    assert engine.advise(profile(), DAY, plan).scheme("x").status == "undetermined"
