"""Settled whatever the answer (issue 22, step 1): an outcome every answer agrees on is decided.

Case analysis over yes/no and choice unknowns (engine/run/settle.py), on the bundled rules for
the cases users meet, and on small rule bases for what Kleene logic cannot see, what really
differs, the bound, and a settled status reaching the outputs that read it.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from rulebase import profile, rule, rules_file, write_base
from support import ROOT, plain

import engine
import engine.run.settle
from engine.compile.plan import Plan
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.lang.compile import Context
from engine.load.yaml_source import read_yaml_file
from engine.model.profile import profile_from_dict
from engine.replay import replay
from engine.values import Unknown

DAY = dt.date(2026, 3, 1)
KW_SINGLE = plain(
    read_yaml_file(ROOT / "scenarios" / "kwijtschelding" / "kwijtschelding.yaml")["profiles"][
        "alleenstaande"
    ]
)
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


def test_the_19_year_olds_bijstand_amount_is_given_as_the_least_and_most() -> None:
    """Art. 20 lid 1 onder a (EUR 345,99) if the parents can contribute, plus lid 3 (EUR 746,45)
    if they cannot: the advice gives both ends and the question that fixes it, in every format."""
    advice = engine.advise(nineteen(), DAY)
    scheme = advice.scheme("algemene_bijstand")
    assert (scheme.amount, scheme.amount_min, scheme.amount_max) == (
        None,
        Decimal("345.99"),
        Decimal("1092.44"),
    )
    question = "Kunt u niet terugvallen op uw ouders voor uw kosten van bestaan?"
    assert scheme.amount_depends_on == [question]
    assert "Algemene bijstand: recht, € 345,99 tot € 1.092,44 per maand" in advice_text(advice)
    assert "€ 345,99 tot € 1.092,44 per maand" in advice_markdown(advice)
    assert "€ 345,99 tot € 1.092,44 per maand" in advice_html(advice)
    assert f"Het bedrag hangt af van:\n  - {question}" in advice_text(advice)
    data = json.loads(advice.to_json())
    bijstand = next(s for s in data["schemes"] if s["scheme"] == "algemene_bijstand")
    assert (bijstand["amount_min"], bijstand["amount_max"]) == ("345.99", "1092.44")
    english = engine.advise(nineteen(), DAY, lang="en")
    assert "€345.99 to €1,092.44 a month" in advice_text(english)


def test_an_amount_every_answer_agrees_on_is_given_and_one_that_differs_is_spanned(
    tmp_path: Path,
) -> None:
    """Once the status is settled, the amount is searched too: one value for every answer is
    the amount; different values give the least and the most, each attained by some answer."""
    amount_fact = (
        'bedrag: {type: money, output: amount, period: month, label: {nl: "b", en: "b"}}\n'
    )

    def amount_plan(root: Path, low: str, high: str) -> Plan:
        rules = (
            rule("x.recht", "true", "{status: eligible}")
            + rule("x.laag", "p", f"{{bedrag: {low}}}")
            + rule("x.hoog", "not p", f"{{bedrag: {high}}}")
        )
        write_base(root, {"a.yaml": rules_file(rules, facts=amount_fact)})
        return engine.load_plan(root)

    trace = engine.evaluate(profile(), DAY, amount_plan(tmp_path / "same", "100", "100"))
    assert (trace.facts["bedrag"], trace.settled["bedrag"]) == (100, ("p",))
    trace = engine.evaluate(profile(), DAY, amount_plan(tmp_path / "differ", "100", "250"))
    assert trace.spans["bedrag"] == (100, 250)
    assert type(trace.facts["bedrag"]) is Unknown  # still open: the answer decides it


def test_a_duty_every_answer_agrees_on_is_decided_once_the_status_is(tmp_path: Path) -> None:
    """A known status, and a duty whose rule Kleene logic leaves open on q: every answer to q
    gives the duty, so the advice lists it and does not ask q."""
    rules = rule("x.recht", "true", "{status: eligible}") + rule(
        "x.plicht", "q or not q", "{plicht: true}"
    )
    write_base(tmp_path, {"a.yaml": rules_file(rules, facts=FACTS_DUTY)})
    plan = engine.load_plan(tmp_path)
    trace = engine.evaluate(profile(), DAY, plan)
    assert (trace.facts["plicht"], trace.settled["plicht"]) == (True, ("q",))
    scheme = engine.advise(profile(), DAY, plan).scheme("x")
    assert ([o.fact for o in scheme.obligations], scheme.missing_facts) == (["plicht"], [])


def test_the_wsw_status_past_the_aow_age_is_decided() -> None:
    """Art. 12 lid 2 Wsw: the indication lapses at the AOW age, whatever it was."""
    advice = engine.advise(past_aow_age(), DAY, lang="en")
    scheme = advice.scheme("wsw")
    assert (scheme.status, scheme.missing_facts) == ("not_eligible", [])
    assert len(scheme.settled_over) == 2
    text = advice_text(advice)
    assert "This outcome holds whatever the answer to:" in text
    assert all(question in text for question in scheme.settled_over)


def kwijtschelding(municipality: str, income: str | None = None) -> dict:
    """The kwijtschelding suite's single person at benefit level, the rent not given."""
    data = copy.deepcopy(KW_SINGLE)
    data["municipality"] = municipality
    del data["minima"]["housing_costs_monthly"]
    if income is not None:
        data["members"][0]["incomes"] = [{"kind": "benefit", "net_monthly": income}]
    return data


KW_DAY = dt.date(2026, 2, 1)


def test_kwijtschelding_is_decided_without_the_rent_where_the_income_settles_it() -> None:
    """URI art. 13 and 16: at 100% of the norm a benefit-level income leaves no payment
    capacity whatever the rent, and money up to a month's costs and rent is free (art. 12 lid 2
    onder d); at 90% (Utrecht) an income of EUR 1.300 leaves at most EUR 38,65 a month, 80% of
    twelve of which (EUR 371,04) does not cover the EUR 450 assessment: eligible either way."""
    for data in (kwijtschelding("Voorbeeldgemeente"), kwijtschelding("Utrecht", "1300.00")):
        scheme = engine.advise(data, KW_DAY).scheme("kwijtschelding")
        assert scheme.status == "eligible"
        assert scheme.settled_over == [
            "Hoeveel betaalt u per maand aan huur of hypotheekrente, na aftrek van huurtoeslag?"
        ]


def test_the_kwijtschelding_amount_is_given_where_every_rent_gives_it() -> None:
    """At 100% no rent leaves payment capacity or counting money: the whole EUR 450 is remitted
    (URI art. 11 onder a). At 90% with EUR 1.300 the amount lies between about EUR 79 and
    EUR 450, depending on the rent: a range over ranges is not attained, so none is given."""
    full = engine.advise(kwijtschelding("Voorbeeldgemeente"), KW_DAY).scheme("kwijtschelding")
    assert (full.amount, full.amount_period) == (Decimal("450.00"), "once")
    part = engine.advise(kwijtschelding("Utrecht", "1300.00"), KW_DAY).scheme("kwijtschelding")
    assert (part.amount, part.amount_min, part.amount_max) == (None, None, None)


def test_kwijtschelding_stays_open_where_the_rent_decides() -> None:
    """At 90% a benefit-level income leaves EUR 140,15 a month before rent: with no rent, 80%
    of a year's capacity covers the assessment (not eligible); with EUR 350, none is left
    (eligible). So the rent is asked."""
    scheme = engine.advise(kwijtschelding("Utrecht"), KW_DAY).scheme("kwijtschelding")
    assert (scheme.status, scheme.missing_facts) == (
        "undetermined",
        ["netto_woonlasten_per_maand"],
    )
    assert scheme.settled_over == []


def answers(plan: Plan, trace: engine.Trace, name: str) -> tuple:
    """What to try for an input weighed: its classes, or for a range its ends and points
    between them."""
    ctx = Context(trace.facts, trace.dated.params, trace.peildatum)
    if (span := plan.cases.span(name)) is not None:
        step = ((span.hi - span.lo) / 7).quantize(Decimal("0.01"))
        return (*(span.lo + step * i for i in range(7)), span.hi, Decimal("0.01"), Decimal("99.99"))
    values = plan.cases.domain(name, ctx)
    assert values, name  # every input weighed can be tried
    return values


def write(data: dict, path: str, answer: object) -> None:
    first, *rest = path.split(".")
    roles = [m["role"] for m in data["members"]]
    node = data["members"][roles.index(first)] if first in roles else data
    parts = rest if first in roles else [first, *rest]
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = answer


@pytest.mark.parametrize(
    ("data", "day"),
    [
        (nineteen(), DAY),
        (past_aow_age(), DAY),
        (kwijtschelding("Voorbeeldgemeente"), KW_DAY),
        (kwijtschelding("Utrecht", "1300.00"), KW_DAY),
    ],
    ids=["19", "past AOW age", "kwijtschelding 100%", "kwijtschelding 90%"],
)
def test_every_answer_to_what_was_weighed_gives_the_settled_outcome(
    data: dict, day: dt.date
) -> None:
    """The search's claim, checked by brute force: each combination of answers to the
    questions weighed (for an amount: points across its whole range), written into the
    profile, gives the settled outcome (a status, an amount, a duty); and an amount given as
    the least and most lies between them for every answer, each end for some answer."""
    plan = engine.load_plan()
    trace = engine.evaluate(data, day)
    assert trace.settled
    claims = {**trace.settled, **{f: tuple(sorted(trace.facts[f].missing)) for f in trace.spans}}
    for fact, weighed in claims.items():
        paths = [plan.inputs[name].spec.from_ or "" for name in weighed]
        found = []
        for combination in itertools.product(*(answers(plan, trace, n) for n in weighed)):
            completed = copy.deepcopy(data)
            for path, answer in zip(paths, combination, strict=True):
                write(completed, path, answer)
            found.append(engine.evaluate(completed, day).facts[fact])
        assert len(found) > 1
        if fact in trace.spans:
            low, high = trace.spans[fact]
            assert all(low <= value <= high for value in found), fact
            assert low in found and high in found, fact
        else:
            assert all(value == trace.facts[fact] for value in found), fact


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


def test_a_number_used_in_a_sum_is_weighed_as_its_whole_range(tmp_path: Path) -> None:
    """An amount that is added up is not split but taken as every amount at once (0 up to the
    most the profile accepts): what holds for the whole range is settled."""
    plan = plan_of(tmp_path, rule("x.recht", "geld + grens >= grens", "{status: eligible}"))
    assert plan.cases.span("geld") is not None and "geld" not in plan.cases.bounds
    trace = engine.evaluate(profile(), DAY, plan)
    assert (trace.facts["status"], trace.settled["status"]) == ("eligible", ("geld",))


def test_ranges_are_sound_not_complete(tmp_path: Path) -> None:
    """A range forgets that both terms are the same amount: a tautology over it stays open
    rather than being guessed."""
    rules = rule("x.recht", "geld + geld < grens or geld + geld >= grens", "{status: eligible}")
    plan = plan_of(tmp_path, rules)
    scheme = engine.advise(profile(), DAY, plan).scheme("x")
    assert (scheme.status, scheme.missing_facts) == ("undetermined", ["geld"])


@pytest.mark.parametrize(
    ("data", "day"),
    [(nineteen(), DAY), (kwijtschelding("Voorbeeldgemeente"), KW_DAY)],
    ids=["19", "kwijtschelding"],
)
def test_a_settled_advice_replays_byte_for_byte(data: dict, day: dt.date) -> None:
    original = engine.advise(data, day).to_json()
    result = replay(original, profile_from_dict(data))
    assert result.identical and result.advice_json == original


def test_a_whole_answer_the_rules_cannot_evaluate_does_not_keep_an_outcome_open(
    tmp_path: Path,
) -> None:
    """Before its search the settle pass tries whole answers (every input the status waits on
    given a value). q = yes makes h a division by zero; the search never needs h (every answer
    to p already gives eligible), so the status is settled over p, as the search alone finds."""
    helper = 'h: {type: number, label: {nl: "h", en: "h"}}\n'
    rules = rule("x.h", "true", '{h: "1 / (0 if q else 1)"}') + rule(
        "x.recht", "(p or not p) or (q and h > 5)", "{status: eligible}"
    )
    write_base(tmp_path, {"a.yaml": rules_file(rules, facts=helper)})
    trace = engine.evaluate(profile(), DAY, engine.load_plan(tmp_path))
    assert (trace.facts["status"], trace.settled["status"]) == ("eligible", ("p",))


def _first_conversations() -> list[dict]:
    """Generated households as a first conversation knows them (members, municipality), and
    with a third of their facts left out."""
    import random

    from engine.population.generate import generate

    rng = random.Random(7)
    found = []
    for household in generate(30, seed=11, today=DAY):
        members = [
            {k: m[k] for k in ("id", "role", "birth_date") if k in m} for m in household["members"]
        ]
        found.append({"municipality": household["municipality"], "members": members})
        partial = copy.deepcopy(household)
        for member in partial["members"]:
            for key in [k for k in member if k not in ("id", "role")]:
                if rng.random() < 0.33:
                    del member[key]
        for key in [k for k in partial if k not in ("members", "municipality")]:
            if rng.random() < 0.33:
                del partial[key]
        found.append(partial)
    return found


def _settling(monkeypatch: pytest.MonkeyPatch) -> Callable[[], tuple[list, int]]:
    """Settles the first conversations: gives what each of their runs holds (facts, settled
    outcomes, spans, bounds, deciding rules) and the cone derivations that took. The value
    orders are learnt before, and not counted."""
    from engine.run.members import run_household

    plan = engine.load_plan()
    profiles = [profile_from_dict(p) for p in _first_conversations()]
    for household in profiles:
        run_household(plan, household, DAY)
    derivations = [0]
    derive_cone = engine.run.settle._Search._derive_cone

    def counted(self: object, facts: dict, sources: tuple) -> object:
        derivations[0] += 1
        return derive_cone(self, facts, sources)  # type: ignore[arg-type]

    def settle_all() -> tuple[list, int]:
        derivations[0] = 0
        runs = []
        for household in profiles:
            trace = run_household(plan, household, DAY)
            runs.append(
                [
                    (run.facts, run.settled, run.spans, run.bounded, run.decided_by)
                    for run in (trace, *trace.members.values())
                ]
            )
        return runs, derivations[0]

    monkeypatch.setattr(engine.run.settle._Search, "_derive_cone", counted)
    return settle_all


def test_the_order_values_are_tried_in_changes_the_work_never_the_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search tries first the values that leave an outcome open where nothing is known
    (engine/run/settle.py, `_open_first`): an open outcome shows sooner, a settled one is
    searched in full either way. In the declared order instead, every run gives the same facts,
    settled outcomes, spans and bounds, with more cone derivations."""
    settle_all = _settling(monkeypatch)
    open_first, with_order = settle_all()
    monkeypatch.setattr(engine.run.settle, "_open_first", lambda trace, target, name, vs: vs)
    declared, in_declared_order = settle_all()
    assert open_first == declared
    assert any(run[1] for runs in declared for run in runs)  # some outcomes were settled
    assert with_order < 0.8 * in_declared_order, (with_order, in_declared_order)


def test_turning_what_decided_an_answer_shows_an_open_outcome_sooner_never_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The dive turns the inputs behind the rule that decided its last whole answer (a first
    conversation's bijstand: "not eligible" for weeks abroad, then for detention, ... until an
    answer leaves it open): an open outcome shows without the search. Without those turns every
    run gives the same facts, settled outcomes, spans and bounds, with more cone derivations."""
    settle_all = _settling(monkeypatch)
    turning, with_turns = settle_all()
    monkeypatch.setattr(engine.run.settle, "TURNS", 0)
    without, without_turns = settle_all()
    assert without == turning
    assert with_turns < 0.8 * without_turns, (with_turns, without_turns)
