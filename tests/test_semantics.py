"""Run-time semantics on small rule bases: fixpoint, overrides, conflicts, unknowns, time."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rulebase import FACTS, SCHEME, profile, rule, rules_file, write_base
from support import ROOT

import engine
from engine.compile.plan import Plan
from engine.errors import EvaluationError, RulesError
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.values import Unknown

DAY = dt.date(2026, 3, 1)


def U(*names: str) -> Unknown:
    return Unknown(frozenset(names))


def plan_of(root: Path, files: dict[str, str], **kw) -> Plan:
    write_base(root, files, **kw)
    checked = engine.check_rules(root)
    assert checked.errors == [], [str(p) for p in checked.problems]
    return engine.load_plan(root)


def status(plan, data: dict, day: dt.date = DAY):
    trace = engine.evaluate(data, day, plan)
    return trace.facts["status"], trace.decided_by.get("status"), trace.conflicts


def scheme_json(advice: engine.Advice) -> dict:
    """The advice JSON without its receipt (the receipt names the plan, which may differ)."""
    data = json.loads(advice.to_json())
    return data["schemes"]


# ---------------------------------------------------------------------------------------------
# Fixpoint: derivation order does not depend on file or rule order

CHAIN_FACTS = """\
rijk: {type: bool, label: {nl: "rijk", en: "rich"}}
rijk_en_p: {type: bool, label: {nl: "rijk en p", en: "rich and p"}}
"""
CHAIN = {
    "first": rule("x.status", "rijk_en_p", "{status: eligible}")
    + rule("x.weiger", "not rijk and q", "{status: refer}"),
    "second": rule("x.rijk_en_p", "true", "{rijk_en_p: rijk and p}"),
    "third": rule("x.rijk", "true", "{rijk: geld > grens}"),
}

PROFILES = [
    profile(detained=True, money=500),
    profile(detained=True, money=50),
    profile(detained=False, money=500, evading=True),
    profile(detained=True, evading=True, money=5),
    profile(detained=True),
    profile(money=500),
    profile(money=5, evading=True),
]


def _chain_files(order: list[str], split: bool) -> dict[str, str]:
    if split:  # one rule group per file, named so that the file order is `order`
        files = {}
        for index, key in enumerate(order):
            facts = CHAIN_FACTS if index == 0 else ""
            files[f"{index}_{key}.yaml"] = rules_file(CHAIN[key], facts=facts, status=index == 0)
        return files
    return {"all.yaml": rules_file("".join(CHAIN[k] for k in order), facts=CHAIN_FACTS)}


@pytest.mark.parametrize(
    ("order", "split"),
    [
        (["first", "second", "third"], True),
        (["third", "second", "first"], True),
        (["second", "first", "third"], True),
        (["first", "second", "third"], False),
        (["third", "first", "second"], False),
    ],
)
def test_results_do_not_depend_on_file_or_rule_order(tmp_path: Path, order, split) -> None:
    reference = plan_of(tmp_path / "ref", _chain_files(["third", "second", "first"], False))
    plan = plan_of(tmp_path / "b", _chain_files(order, split))
    for data in PROFILES:
        expected = engine.evaluate(data, DAY, reference)
        got = engine.evaluate(data, DAY, plan)
        assert got.facts == expected.facts
        assert got.decided_by == expected.decided_by
        assert scheme_json(engine.advise(data, DAY, plan)) == scheme_json(
            engine.advise(data, DAY, reference)
        )


def test_chained_facts_reach_the_fixpoint_in_one_run(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, _chain_files(["first", "second", "third"], True))
    trace = engine.evaluate(profile(detained=True, money=500), DAY, plan)
    assert trace.facts["rijk"] is True
    assert trace.facts["rijk_en_p"] is True
    assert trace.facts["status"] == "eligible"
    assert trace.decided_by["status"] == "x.status"
    trace = engine.evaluate(profile(detained=True, money=50, evading=True), DAY, plan)
    assert trace.facts["status"] == "refer"  # 'not rijk' reads the complete fact


# ---------------------------------------------------------------------------------------------
# Overrides

EXCEPTION = {
    "r.yaml": rules_file(
        rule("x.recht", "p", "{status: eligible}")
        + rule("x.uitz", "q", "{status: refer}", extra="overrides: [x.recht]\n")
    )
}


def test_an_exception_beats_the_general_rule(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, EXCEPTION)
    assert status(plan, profile(detained=True, evading=True)) == ("refer", "x.uitz", {})
    assert status(plan, profile(detained=True, evading=False)) == ("eligible", "x.recht", {})
    assert status(plan, profile(detained=False, evading=True)) == ("refer", "x.uitz", {})


def test_an_exception_needs_no_load_time_warning(tmp_path: Path) -> None:
    write_base(tmp_path, EXCEPTION)
    assert engine.check_rules(tmp_path).problems == []


CHAIN_OF_OVERRIDES = {
    "r.yaml": rules_file(
        rule("x.a", "p", "{status: eligible}")
        + rule("x.b", "q", "{status: not_eligible}", extra="overrides: [x.a]\n")
        + rule("x.c", "r", "{status: refer}", extra="overrides: [x.b]\n")
    )
}


@pytest.mark.parametrize(
    ("p", "q", "r", "expected", "decided"),
    [
        (True, False, True, "refer", "x.c"),  # c beats a through b, though b does not hold
        (True, True, True, "refer", "x.c"),
        (True, True, False, "not_eligible", "x.b"),
        (True, False, False, "eligible", "x.a"),
        (False, True, True, "refer", "x.c"),
        (False, False, False, "not_eligible", "default"),
    ],
)
def test_override_chains_are_transitive(tmp_path: Path, p, q, r, expected, decided) -> None:
    plan = plan_of(tmp_path, CHAIN_OF_OVERRIDES)
    got = status(plan, profile(detained=p, evading=q, military=r))
    assert got == (expected, decided, {})


def test_transitive_override_settles_an_unknown_general_rule(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, CHAIN_OF_OVERRIDES)
    # x.a unknown, x.b false, x.c holds and dominates x.a through x.b
    assert status(plan, profile(evading=False, military=True)) == ("refer", "x.c", {})


# ---------------------------------------------------------------------------------------------
# Conflicts

RIVALS = {
    "r.yaml": rules_file(
        rule("x.a", "p", "{status: eligible}") + rule("x.b", "q", "{status: refer}")
    )
}


def test_rivals_that_may_overlap_give_a_load_time_warning(tmp_path: Path) -> None:
    write_base(tmp_path, RIVALS)
    checked = engine.check_rules(tmp_path)
    assert checked.errors == []
    [warning] = checked.problems
    assert warning.severity == "warning"
    assert "'x.a'" in warning.message and "'x.b'" in warning.message
    assert "may both apply" in warning.message
    assert str(warning).startswith("rules/x/r.yaml:")


def test_two_undominated_rules_holding_with_different_values_conflict(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RIVALS)
    trace = engine.evaluate(profile(detained=True, evading=True), DAY, plan)
    value = trace.facts["status"]
    assert type(value) is Unknown and value.missing == frozenset()  # not derived
    assert trace.conflicts == {"status": ("x.a", "x.b")}
    assert trace.decided_by["status"] is None
    scheme = engine.advise(profile(detained=True, evading=True), DAY, plan).scheme("x")
    assert scheme.status == "undetermined"
    assert [(c.fact, list(c.rules)) for c in scheme.conflicts] == [("status", ["x.a", "x.b"])]
    assert scheme.missing_facts == []  # nothing to ask: the rules must be fixed


def test_rivals_without_overlap_at_run_time_do_not_conflict(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RIVALS)
    assert status(plan, profile(detained=True, evading=False)) == ("eligible", "x.a", {})
    assert status(plan, profile(detained=False, evading=True)) == ("refer", "x.b", {})


def test_rivals_with_the_same_value_do_not_conflict(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.a", "p", "{status: refer}") + rule("x.b", "q", "{status: refer}")
        )
    }
    plan = plan_of(tmp_path, files)
    assert engine.check_rules(tmp_path).problems == []
    value, decided, conflicts = status(plan, profile(detained=True, evading=True))
    assert value == "refer" and conflicts == {} and decided in ("x.a", "x.b")


def test_rivals_with_identical_conditions_do_not_load(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.a", "p and q", "{status: eligible}")
            + rule("x.b", "p  and\n    q", "{status: refer}")
        )
    }
    write_base(tmp_path, files)
    checked = engine.check_rules(tmp_path)
    [error] = checked.errors
    assert "always both apply" in error.message
    assert "'x.a'" in error.message and "'x.b'" in error.message
    with pytest.raises(RulesError) as info:
        engine.load_plan(tmp_path)
    assert "always both apply" in str(info.value)
    assert "rules/x/r.yaml:" in str(info.value)


def test_provably_exclusive_rivals_give_no_warning(tmp_path: Path) -> None:
    facts = 'kind: {type: text, values: [een, twee], label: {nl: "k", en: "k"}}\n'
    files = {
        "r.yaml": rules_file(
            rule("x.a", "p", "{status: eligible}")
            + rule("x.b", "not p", "{status: refer}")
            + rule("x.c", "geld < 100", "{kind: een}")
            + rule("x.d", "geld >= 100", "{kind: twee}"),
            facts=facts,
        )
    }
    write_base(tmp_path, files)
    assert engine.check_rules(tmp_path).problems == []


# ---------------------------------------------------------------------------------------------
# Unknowns and the default


def test_an_unknown_exception_blocks_the_general_rule(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.recht", "p", "{status: eligible}")
            + rule("x.uitz", "q", "{status: not_eligible}", extra="overrides: [x.recht]\n")
        )
    }
    plan = plan_of(tmp_path, files)
    value, decided, _ = status(plan, profile(detained=True))
    assert value == U("q")
    assert decided is None
    scheme = engine.advise(profile(detained=True), DAY, plan).scheme("x")
    assert scheme.status == "undetermined"
    assert scheme.missing_facts == ["q"]


def test_an_unknown_exception_does_not_block_a_negative_outcome(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.recht", "p", "{status: eligible}")
            + rule("x.uitz", "q", "{status: not_eligible}", extra="overrides: [x.recht]\n")
        )
    }
    plan = plan_of(tmp_path, files)
    assert status(plan, profile(detained=False)) == ("not_eligible", "default", {})
    scheme = engine.advise(profile(detained=False), DAY, plan).scheme("x")
    assert scheme.status == "not_eligible"
    assert scheme.missing_facts == []


def test_a_holding_exception_settles_an_unknown_general_rule(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, EXCEPTION)
    assert status(plan, profile(evading=True)) == ("refer", "x.uitz", {})


def test_an_unknown_general_rule_blocks_the_default(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, EXCEPTION)
    value, decided, _ = status(plan, profile(evading=False))
    assert value == U("p")
    assert decided is None


def test_the_default_applies_only_when_every_candidate_is_false(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, CHAIN_OF_OVERRIDES)
    assert status(plan, profile(detained=False, evading=False, military=False)) == (
        "not_eligible",
        "default",
        {},
    )
    value, decided, _ = status(plan, profile(detained=False, evading=False))
    assert value == U("r")
    assert decided is None
    value, _, _ = status(plan, profile())
    assert value == U("p", "q", "r")


def test_unknown_rule_that_concludes_the_default_value_does_not_block(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.a", "p", "{status: eligible}")
            + rule("x.b", "q", "{status: not_eligible}", extra="overrides: [x.a]\n")
        )
    }
    plan = plan_of(tmp_path, files)
    assert status(plan, profile(detained=False))[0] == "not_eligible"


def test_a_fact_without_default_and_no_holding_rule_is_not_derived(tmp_path: Path) -> None:
    facts = 'soort: {type: text, values: [een, twee], label: {nl: "s", en: "k"}}\n'
    files = {"r.yaml": rules_file(rule("x.a", "p", "{soort: een}"), facts=facts)}
    plan = plan_of(tmp_path, files)
    trace = engine.evaluate(profile(detained=False), DAY, plan)
    assert trace.facts["soort"] == Unknown()  # nothing to ask
    assert trace.decided_by["soort"] is None
    trace = engine.evaluate(profile(), DAY, plan)
    assert trace.facts["soort"] == U("p")
    trace = engine.evaluate(profile(detained=True), DAY, plan)
    assert trace.facts["soort"] == "een"


def test_unknown_input_propagates_into_a_conclusion(tmp_path: Path) -> None:
    facts = 'rijk: {type: bool, label: {nl: "rijk", en: "rich"}}\n'
    files = {
        "r.yaml": rules_file(
            rule("x.rijk", "true", "{rijk: geld > grens}")
            + rule("x.a", "rijk", "{status: eligible}"),
            facts=facts,
        )
    }
    plan = plan_of(tmp_path, files)
    trace = engine.evaluate(profile(), DAY, plan)
    assert trace.facts["rijk"] == U("geld")
    assert trace.facts["status"] == U("geld")
    assert engine.advise(profile(), DAY, plan).scheme("x").missing_facts == ["geld"]


# ---------------------------------------------------------------------------------------------
# Time: parameter values, rule windows, coverage

RICH = {
    "r.yaml": rules_file(
        rule("x.rijk", "true", "{rijk: geld > grens}"),
        facts='rijk: {type: bool, label: {nl: "rijk", en: "rich"}}\n',
    )
}


@pytest.mark.parametrize(
    ("day", "money", "rich"),
    [
        (dt.date(2025, 12, 31), 150, True),  # grens 100.00 the day before
        (dt.date(2026, 1, 1), 150, False),  # grens 200.00 from the day itself
        (dt.date(2025, 1, 1), "100.01", True),
        (dt.date(2025, 1, 1), 100, False),
        (dt.date(2026, 12, 31), "200.01", True),
    ],
)
def test_parameter_values_switch_exactly_on_their_from_date(
    tmp_path: Path, day, money, rich
) -> None:
    plan = plan_of(tmp_path, RICH)
    assert engine.evaluate(profile(money=money), day, plan).facts["rijk"] is rich


def test_the_advice_shows_the_parameter_value_of_the_day(tmp_path: Path) -> None:
    # the status reads 'rijk', so its rule bears on the outcome and is explained
    rich_decides = {
        "r.yaml": rules_file(
            rule("x.rijk", "true", "{rijk: geld > grens}")
            + rule("x.ja", "not rijk", "{status: eligible}"),
            facts='rijk: {type: bool, label: {nl: "rijk", en: "rich"}}\n',
        )
    }
    plan = plan_of(tmp_path, rich_decides)
    before = engine.advise(profile(money=150), dt.date(2025, 12, 31), plan).scheme("x")
    after = engine.advise(profile(money=150), dt.date(2026, 1, 1), plan).scheme("x")
    [step_before] = [s for s in before.explanation if s.rule == "x.rijk"]
    [step_after] = [s for s in after.explanation if s.rule == "x.rijk"]
    assert str(step_before.values["grens"]) == "100.00"
    assert str(step_after.values["grens"]) == "200.00"


def test_a_why_line_only_where_it_bears_on_the_outcome(tmp_path: Path) -> None:
    """Issue 24: 'rijk' is derived but the status does not read it: no "Waarom" line for it;
    once the status reads it, its rule is explained."""
    files = {
        "r.yaml": rules_file(
            rule("x.rijk", "true", "{rijk: geld > grens}")
            + rule("x.ja", "p", "{status: eligible}"),
            facts='rijk: {type: bool, label: {nl: "rijk", en: "rich"}}\n',
        )
    }
    plan = plan_of(tmp_path, files)
    x = engine.advise(profile(detained=True, money=150), DAY, plan).scheme("x")
    assert [r.rule for r in x.explanation] == ["x.ja"]


WINDOW = {
    "r.yaml": rules_file(
        rule(
            "x.nieuw",
            "p",
            "{status: refer}",
            extra="valid: {from: 2026-01-01, until: 2026-06-30}\n",
        )
    )
}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2025, 12, 31), "not_eligible"),
        (dt.date(2026, 1, 1), "refer"),
        (dt.date(2026, 6, 30), "refer"),  # until is inclusive
        (dt.date(2026, 7, 1), "not_eligible"),
    ],
)
def test_a_rule_applies_only_inside_its_valid_window(tmp_path: Path, day, expected) -> None:
    plan = plan_of(tmp_path, WINDOW)
    value, decided, _ = status(plan, profile(detained=True), day)
    assert value == expected
    assert decided == ("x.nieuw" if expected == "refer" else "default")


def test_a_rule_outside_its_window_asks_for_nothing(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, WINDOW)
    assert status(plan, profile(), dt.date(2025, 6, 1))[0] == "not_eligible"
    assert status(plan, profile(), dt.date(2026, 6, 1))[0] == U("p")


def test_versions_of_one_rule_with_disjoint_windows(tmp_path: Path) -> None:
    files = {
        "r.yaml": rules_file(
            rule(
                "x.v",
                "p",
                "{status: eligible}",
                extra="valid: {from: 2025-01-01, until: 2025-12-31}\n",
            )
            + rule("x.v", "p", "{status: refer}", extra="valid: {from: 2026-01-01}\n")
        )
    }
    plan = plan_of(tmp_path, files)
    assert engine.check_rules(tmp_path).problems == []
    assert status(plan, profile(detained=True), dt.date(2025, 12, 31)) == ("eligible", "x.v", {})
    assert status(plan, profile(detained=True), dt.date(2026, 1, 1)) == ("refer", "x.v", {})


@pytest.mark.parametrize("day", [dt.date(2024, 12, 31), dt.date(1990, 1, 1)])
def test_peildatum_before_the_coverage_is_refused_naming_the_period(
    tmp_path: Path, day: dt.date
) -> None:
    plan = plan_of(tmp_path, RICH)
    with pytest.raises(EvaluationError) as info:
        engine.evaluate(profile(money=1), day, plan)
    message = str(info.value)
    assert day.isoformat() in message and "2025-01-01 to 2026-12-31" in message
    with pytest.raises(EvaluationError):
        engine.advise(profile(money=1), day, plan)


def test_past_the_coverage_the_rules_go_on_and_the_advice_says_since_when(
    tmp_path: Path,
) -> None:
    # 'grens' has no end to its last value: a figure the law sets until it changes it
    plan = plan_of(tmp_path, RICH)
    assert engine.evaluate(profile(money=250), dt.date(2027, 3, 1), plan).facts["rijk"] is True
    nl = engine.advise(profile(money=250), dt.date(2027, 3, 1), plan)
    assert nl.notices == ["Wijzigingen van de wet na 31 december 2026 staan nog niet in de regels."]
    assert nl.scheme("x").figure_gaps == [] and nl.scheme("x").not_in_rules == []
    en = engine.advise(profile(money=250), dt.date(2027, 3, 1), plan, lang="en")
    assert en.notices == ["Changes to the law after 31 December 2026 are not yet in the rule base."]
    assert engine.advise(profile(money=250), dt.date(2026, 12, 31), plan).notices == []


ENDING = SCHEME.replace(
    "{from: 2026-01-01, value: 200.00, source: S1}",
    "{from: 2026-01-01, until: 2026-12-31, value: 200.00, source: S1}",
).replace(
    '    citation: {article: "1"}\n',
    '    citation: {article: "1"}\n    next_value: "The minister, every 1 January"\n',
)


def test_a_figure_past_its_until_is_unknown_never_carried_forward(tmp_path: Path) -> None:
    plan = plan_of(tmp_path, RICH, scheme=ENDING)
    assert engine.evaluate(profile(money=250), dt.date(2026, 12, 31), plan).facts["rijk"] is True
    trace = engine.evaluate(profile(money=250), dt.date(2027, 1, 1), plan)
    assert trace.facts["rijk"] == U("cijfer:grens")


@pytest.mark.parametrize(
    ("money", "status"),
    [(0, "eligible"), ("0.00", "eligible"), (250, "undetermined"), (None, "undetermined")],
)
def test_an_outcome_every_positive_figure_agrees_on_is_decided(
    tmp_path: Path, money, status: str
) -> None:
    """Issue 26: no money is below any positive limit, whatever the new figure will be; a
    positive amount may be on either side of it."""
    files = {"r.yaml": rules_file(rule("x.ja", "geld < grens", "{status: eligible}"))}
    plan = plan_of(tmp_path, files, scheme=ENDING)
    advice = engine.advise(profile(money=money), dt.date(2027, 1, 15), plan)
    assert advice.scheme("x").status == status
    assert advice.scheme("x").settled_over == []  # a figure is not a question


def test_an_outcome_waiting_on_a_missing_figure_names_it_and_asks_nothing(
    tmp_path: Path,
) -> None:
    files = {
        "r.yaml": rules_file(
            rule("x.ja", "geld < grens", "{status: eligible}"),
        )
    }
    plan = plan_of(tmp_path, files, scheme=ENDING)
    advice = engine.advise(profile(money=250), dt.date(2027, 1, 15), plan)
    x = advice.scheme("x")
    assert x.status == "undetermined"
    assert x.figure_gaps == ["grens"]
    assert x.not_in_rules == [
        "Grens: het bedrag of cijfer vanaf 1 januari 2027 staat nog niet in de regels."
    ]
    assert x.missing_facts == [] and advice.questions == []
    assert "cijfer:" not in advice.to_json()
    en = engine.advise(profile(money=250), dt.date(2027, 1, 15), plan, lang="en").scheme("x")
    assert en.not_in_rules == ["Limit: the figure from 1 January 2027 is not yet in the rule base."]
    for rendered in (advice_text(advice), advice_markdown(advice), advice_html(advice)):
        assert "vanaf 1 januari 2027 staat nog niet in de regels" in rendered


@pytest.mark.parametrize("day", [dt.date(2025, 1, 1), dt.date(2026, 12, 31)])
def test_coverage_bounds_are_inclusive(tmp_path: Path, day: dt.date) -> None:
    plan = plan_of(tmp_path, RICH)
    assert engine.evaluate(profile(money=1), day, plan).facts["rijk"] is False


def test_bundled_rules_refuse_a_peildatum_before_their_coverage(example) -> None:
    with pytest.raises(EvaluationError, match="before that period"):
        engine.advise(example, dt.date(2024, 12, 31))
    # from 2027 on: an advice, with the norms (indexed every half year) unknown and named
    bijstand = engine.advise(example, dt.date(2027, 1, 1)).scheme("algemene_bijstand")
    assert bijstand.status == "undetermined" and "norm_21_b" in bijstand.figure_gaps


def without_means(example: dict) -> dict:
    household = {**example, "members": [example["members"][0]]}
    household["members"][0] = {**household["members"][0], "incomes": []}
    household["assets"] = {"bank_and_cash": 0, "other_possessions": 0, "debts": 0}
    return household


def test_without_means_bijstand_is_decided_whatever_the_2027_norm(example) -> None:
    """Issue 26: no income and no assets is below any positive norm and vermogensgrens; the
    amount waits on the norm, and the advice names it."""
    advice = engine.advise(without_means(example), dt.date(2027, 1, 15))
    bijstand = advice.scheme("algemene_bijstand")
    assert bijstand.status == "eligible"
    assert bijstand.amount is None and bijstand.amount_min is None
    assert "norm_21_a" in bijstand.figure_gaps
    assert any(text.startswith("Norm alleenstaande") for text in bijstand.not_in_rules)
    assert engine.advise(without_means(example), dt.date(2026, 12, 31)).scheme(
        "algemene_bijstand"
    ).amount == Decimal("1419.46")


# ---------------------------------------------------------------------------------------------
# Plans


def test_a_changed_rules_file_gives_a_new_plan(tmp_path: Path) -> None:
    first = plan_of(tmp_path, RICH)
    assert engine.load_plan(tmp_path).hash == first.hash
    write_base(tmp_path, RICH, scheme=SCHEME.replace("value: 200.00", "value: 300.00"))
    second = engine.load_plan(tmp_path)
    assert second.hash != first.hash
    assert engine.evaluate(profile(money=250), DAY, second).facts["rijk"] is False
    assert engine.evaluate(profile(money=250), DAY, first).facts["rijk"] is True


def test_the_same_files_give_the_same_plan_and_a_file_that_cannot_be_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """load_plan reads the files each time: the same bytes give the plan compiled before,
    without parsing them again; a file added that cannot be read is refused, though the files
    that can are those of a plan compiled before."""
    first = plan_of(tmp_path, RICH)
    with monkeypatch.context() as patched:
        patched.setattr(engine.api, "load", lambda *args: pytest.fail("parsed again"))
        assert engine.load_plan(tmp_path) is first
    (tmp_path / "rules" / "x" / "kapot.yaml").write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"kapot\.yaml"):
        engine.load_plan(tmp_path)
    (tmp_path / "rules" / "x" / "kapot.yaml").unlink()
    assert engine.load_plan(tmp_path) is first


def test_one_plan_for_the_same_reforms_in_the_same_order_only(tmp_path: Path) -> None:
    """Two reforms of one figure: the later one applied wins, so their order is a plan."""
    example = ROOT / "examples" / "reforms" / "kostendelersnorm-vanaf-21.yaml"
    text = example.read_text(encoding="utf-8")
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(text, encoding="utf-8")
    b.write_text(text.replace("value: 21,", "value: 23,"), encoding="utf-8")
    assert engine.load_plan(reforms=[a, b]) is engine.load_plan(reforms=[a, b])
    day = dt.date(2026, 1, 15)
    ages = {
        order: engine.load_plan(reforms=order).on(day).params["kostendeler_minimumleeftijd"]
        for order in ((a, b), (b, a))
    }
    assert ages == {(a, b): 23, (b, a): 21}


def test_an_input_through_an_absent_person_is_not_derived_not_asked(example) -> None:
    trace = engine.evaluate(example, dt.date(2026, 1, 15))
    assert trace.facts["geboortedatum_partner"] == Unknown()  # no partner: nothing to ask
    example["members"].append({"id": "partner", "role": "partner"})
    trace = engine.evaluate(example, dt.date(2026, 1, 15))
    assert trace.facts["geboortedatum_partner"] == U("geboortedatum_partner")


def test_facts_file_is_required(tmp_path: Path) -> None:
    write_base(tmp_path, RICH, facts=FACTS)
    (tmp_path / "rules" / "facts.yaml").unlink()
    checked = engine.check_rules(tmp_path)
    assert any("facts.yaml is missing" in p.message for p in checked.errors)
