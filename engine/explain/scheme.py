"""One scheme's advice out of a run: its status, amounts, why and why not, what it still
needs, its duties, steps, dates and judgement points, in the chosen language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache
from typing import Any

from engine.compile.plan import POLICY_PREFIX, Rule, figure_gap_from, not_asked
from engine.explain.format import STATUS_WORDS, day, fill, lower_first, value_text
from engine.explain.outcome import (
    asked_for,
    fact_value,
    known_amounts,
    main_amount,
    main_period,
    main_span,
    missing_inputs,
    scheme_status,
    status_referral,
)
from engine.explain.questions import (
    ASK_MEMBER,
    in_form_order,
    in_household,
    question_text,
    questions_asked,
)
from engine.explain.why import decisive_conditions
from engine.lang import ir
from engine.lang.compile import compile_expr
from engine.lang.ir import names_in
from engine.load.specs import Citation
from engine.model.advice import (
    Amount,
    AppliedRule,
    CitationOut,
    Condition,
    Conflict,
    Deadline,
    DiscretionPoint,
    Item,
    SchemeAdvice,
    Value,
)
from engine.run.evaluate import DEFAULT, Trace
from engine.values import FIGURE_PREFIX, Unknown, to_cents


@lru_cache(maxsize=8192)
def rule_citation(rule: Rule) -> CitationOut:
    """The citation of a rule, made once per rule (rules hash by identity, cheaply)."""
    return citation_out(rule.citation)


def citation_out(citation: Citation) -> CitationOut:
    return CitationOut(
        law=citation.law or "",
        bwb=citation.bwb or "",
        article=citation.article,
        lid=citation.lid,
        sub=citation.sub,
        url=citation.url,
        label=citation.label(),
    )


class Rendered:
    """Values and texts rendered once per advice, shared by every scheme's view."""

    def __init__(self) -> None:
        self.json: dict[str, Value] = {}
        self.texts: dict[str, str] = {}
        self.formatted: dict[str, str] = {}
        self.rests_on: dict[str, tuple[str, ...]] = {}
        self.read_values: dict[str, dict[str, Value]] = {}  # per rule: the values it read


class SchemeView:
    """Reads one scheme's facts out of a trace, in the chosen language."""

    def __init__(
        self,
        trace: Trace,
        scheme_id: str,
        lang: str,
        shared: Rendered,
        residents: dict[str, str] | None = None,
        member_label: str | None = None,
    ):
        self.trace, self.plan, self.lang = trace, trace.plan, lang
        self.residents = residents or {}  # a member's view: its list items named (questions)
        self.member_label = member_label  # a member's view: the member in words ("partner")
        self.scheme_id = scheme_id
        self.scheme = self.plan.schemes[scheme_id].spec
        self.facts = self.plan.scheme_facts[scheme_id]
        self.outputs = self.plan.scheme_outputs[scheme_id]
        self.values = trace.facts
        self.params = trace.dated.params
        self._json = shared.json
        self._texts = shared.texts
        self._formatted = shared.formatted
        self._rests_on = shared.rests_on
        self._read_values = shared.read_values

    def value(self, name: str) -> Any:
        if name == "peildatum":  # the builtin: always known
            return self.trace.peildatum
        return fact_value(self.trace, name)

    def json_value(self, name: str) -> Value:
        if name not in self._json:
            self._json[name] = self._to_json(name)
        return self._json[name]

    def _to_json(self, name: str) -> Value:
        value = self.value(name)
        if type(value) is Unknown:
            return None
        if isinstance(value, tuple):
            return ", ".join(str(v) for v in value)
        if isinstance(value, list):
            return None  # a collection: its items are not scalar values
        if isinstance(value, Decimal) and self.plan.types.get(name) == "money":
            return to_cents(value)
        return value

    def label(self, name: str) -> str:
        spec = self.plan.fact_spec(name)
        if spec is None and name in self.plan.parameters:
            spec = self.plan.parameters[name].spec
        if spec is None:
            return PEILDATUM_WORD[self.lang] if name == "peildatum" else name
        return getattr(spec.label, self.lang)

    def unknown(self, name: str) -> bool:
        return name != "peildatum" and type(fact_value(self.trace, name)) is Unknown

    def rule_of(self, fact: str) -> Rule | None:
        decided = self.trace.decided_by.get(fact)
        return self.trace.dated.rules.get(decided) if decided not in (None, DEFAULT) else None

    def formatted(self, name: str) -> str:
        if name not in self._formatted:
            self._formatted[name] = value_text(
                self.value(name), self.plan.types.get(name), self.lang
            )
        return self._formatted[name]

    def text(self, rule: Rule) -> str:
        if rule.id not in self._texts:
            template = getattr(rule.text, self.lang)
            self._texts[rule.id] = fill(template, self.formatted, self.unknown)
        return self._texts[rule.id]

    def read_values(self, rule: Rule) -> dict[str, Value]:
        """The values a rule read (shared by every scheme whose "Waarom" shows the rule)."""
        if rule.id not in self._read_values:
            self._read_values[rule.id] = {n: self.json_value(n) for n in rule.reads_scalar}
        return self._read_values[rule.id]

    def output_facts(self) -> list[str]:
        return [f for facts in self.outputs.values() for f in facts]


def scheme_advice(view: SchemeView) -> SchemeAdvice:
    trace, scheme_id, plan = view.trace, view.scheme_id, view.plan
    status = scheme_status(trace, scheme_id)
    unknown = missing_inputs(trace, scheme_id, status)
    waits_on = missing_inputs(trace, scheme_id, status, to_ask=False)  # with local figures
    gaps = sorted(m.removeprefix(POLICY_PREFIX) for m in waits_on if m.startswith(POLICY_PREFIX))
    conflicts = [
        Conflict(fact=f, rules=list(view.trace.conflicts[f]))
        for f in view.facts
        if f in view.trace.conflicts
    ]
    span = main_span(trace, scheme_id, status)
    missing = in_form_order(
        plan, (m for m in unknown if not not_asked(m) and m not in plan.assessed_by)
    )
    figures = sorted(m.removeprefix(FIGURE_PREFIX) for m in waits_on if m.startswith(FIGURE_PREFIX))
    settled = [
        m
        for m in trace.settled.get(view.scheme.outputs.status, ())
        if not m.startswith(FIGURE_PREFIX)  # a figure is not a question
    ]
    name, label = getattr(view.scheme.name, view.lang), view.member_label
    if label is None:
        missing_questions = questions_asked(plan, missing, view.lang, view.residents)
        settled_over = [question_text(plan, m, view.lang) for m in settled]
    else:
        name += f" - {label}"
        missing_questions, settled_over = _as_asked(view, missing), _as_asked(view, settled)
    return SchemeAdvice(
        scheme=view.scheme_id,
        # a person scheme's outcome is for one member: the applicant's run, or a member's own
        member=trace.member_id if view.scheme.per_person else None,
        member_label=label,
        name=name,
        body=view.scheme.body,
        status=status,
        status_text=_status_text(view, status),
        refer_to=(_referral(view) or status_referral(trace, scheme_id))
        if status == "refer"
        else None,
        amount=main_amount(trace, scheme_id, status),
        amount_period=main_period(trace, scheme_id),
        amount_min=span[0] if span else None,
        amount_max=span[1] if span else None,
        amount_depends_on=_amount_depends_on(view) if span else [],
        amounts=[
            Amount(fact=f, label=view.label(f), value=v, period=period)
            for f, v, period in known_amounts(trace, scheme_id)
        ],
        facts={
            f: view.json_value(f)
            for f in view.outputs["info"]
            if type(view.value(f)) is not Unknown
        },
        obligations=_items(view, "obligation"),
        next_steps=_items(view, "next_step"),
        deadlines=_deadlines(view),
        discretion_points=_discretion(view),
        explanation=_explanation(view, status),
        decisive_conditions=_decisive(view) if status == "not_eligible" else [],
        missing_facts=missing,
        missing_questions=missing_questions,
        assessed_facts=sorted(m for m in unknown if m in plan.assessed_by),
        settled_over=settled_over,
        bound_reached=view.scheme.outputs.status in trace.bounded,
        bring=_bring(view, unknown) if status == "refer" else [],
        policy_gaps=gaps,
        policy_gap_labels=[_parameter_label(view, g) for g in gaps],
        figure_gaps=figures,
        not_in_rules=_not_in_rules(view, figures),
        local_policy=_local_policy(view),
        conflicts=conflicts,
    )


def _as_asked(view: SchemeView, facts: list[str]) -> list[str]:
    """The questions for facts of a member's outcome as the intake asks them (`in_household`):
    what the household's own questions cover in the household's words ("Welke nationaliteit
    heeft uw partner?", "Welke inkomsten heeft u?"), the rest about the member ("Over uw
    medebewoner: Heeft u ...?"). The member's "u" is for the explanation; a question's "u" is
    whom the klantmanager asks, as everywhere else."""
    run, plan, lang = view.trace, view.plan, view.lang
    household, own = [], []
    for fact in facts:
        key = in_household(plan, fact, run.member_id or "", run.member_role)
        if key is not None and key[1] is None:
            household.append(key[0])
        else:
            own.append(fact)
    ask = ASK_MEMBER[lang].format(who=view.member_label)
    return [
        *questions_asked(plan, in_form_order(plan, household), lang),
        *(ask + q for q in questions_asked(plan, own, lang, view.residents)),
    ]


def _amount_depends_on(view: SchemeView) -> list[str]:
    """The questions whose answers fix an open main amount."""
    value = view.value(view.scheme.outputs.amount or "")
    missing = value.missing if type(value) is Unknown else frozenset()
    return [
        question_text(view.plan, m, view.lang)
        for m in sorted(missing)
        if not not_asked(m) and m not in view.plan.assessed_by
    ]


FIGURE_MISSING = {
    "nl": "{label}: het bedrag of cijfer vanaf {day} staat nog niet in de regels.",
    "en": "{label}: the figure from {day} is not yet in the rule base.",
}


def _not_in_rules(view: SchemeView, figures: list[str]) -> list[str]:
    """In words: each figure the outcome waits on that the rule base lacks for the peildatum."""
    peildatum = view.trace.peildatum
    return [
        FIGURE_MISSING[view.lang].format(
            label=_parameter_label(view, name),
            day=day(figure_gap_from(view.plan.parameters[name], peildatum) or peildatum, view.lang),
        )
        for name in figures
    ]


def _parameter_label(view: SchemeView, name: str) -> str:
    return getattr(view.plan.parameters[name].spec.label, view.lang)


def _status_text(view: SchemeView, status: str) -> str:
    own = view.scheme.status_words.get(status)
    return getattr(own, view.lang) if own else STATUS_WORDS[view.lang][status]


def _local_policy(view: SchemeView) -> str | None:
    """The municipality whose own figures this scheme used, if any."""
    policy = view.plan.municipalities.get(view.trace.dated.municipality or "")
    if policy is None:
        return None
    used = view.plan.scheme_local_params[view.scheme_id] & set(policy.parameters)
    return policy.spec.name if used else None


def _referral(view: SchemeView) -> str | None:
    for fact in view.outputs["referral"]:
        value = view.value(fact)
        if isinstance(value, str):
            return value
    return None


def _bring(view: SchemeView, waits_on: set[str]) -> list[str]:
    """What the person takes to the body that assesses what a referred status waits on."""
    texts = []
    for name in sorted(waits_on & view.plan.assessed_by.keys()):
        bring = view.plan.inputs[name].spec.bring
        if bring and getattr(bring, view.lang) not in texts:
            texts.append(getattr(bring, view.lang))
    return texts


def _texts(view: SchemeView, fact: str) -> tuple[str, CitationOut | None]:
    rule = view.rule_of(fact)
    if rule is None:
        return view.label(fact), None
    return view.text(rule), rule_citation(rule)


def _body(view: SchemeView, fact: str) -> str:
    """Who acts on an output: its own body if it names one, else the scheme's."""
    return view.plan.derived[fact].spec.body or view.scheme.body


def _items(view: SchemeView, kind: str) -> list[Item]:
    items = []
    for fact in view.outputs[kind]:
        if view.value(fact) is True:
            text, citation = _texts(view, fact)
            items.append(
                Item(
                    fact=fact,
                    label=view.label(fact),
                    text=text,
                    body=_body(view, fact),
                    citation=citation,
                )
            )
    return items


def _deadlines(view: SchemeView) -> list[Deadline]:
    deadlines = []
    for fact in view.outputs["deadline"]:
        value = view.value(fact)
        if isinstance(value, dt.date):
            text, citation = _texts(view, fact)
            deadlines.append(
                Deadline(
                    fact=fact,
                    label=view.label(fact),
                    date=value,
                    text=text,
                    body=_body(view, fact),
                    citation=citation,
                )
            )
    return sorted(deadlines, key=lambda d: (d.date, d.fact))


def _discretion(view: SchemeView) -> list[DiscretionPoint]:
    points = []
    for fact in view.outputs["discretion"]:
        if view.value(fact) is True:
            text, citation = _texts(view, fact)
            weigh = view.plan.derived[fact].spec.weigh
            points.append(
                DiscretionPoint(
                    fact=fact,
                    label=view.label(fact),
                    weigh=getattr(weigh, view.lang) if weigh else "",
                    text=text,
                    citation=citation,
                )
            )
    return points


def _bearing(view: SchemeView, status: str) -> frozenset[str]:
    """The facts the outcome rests on: from each output that counts for it (`asked_for`) or is
    shown whatever the status (a next step, a duty, a date), what it rests on (`_rests_on`), and
    the facts there to explain those (`_said_alongside`)."""
    outputs = [
        *asked_for(view.trace, view.scheme_id, status, to_ask=False),
        *(
            f
            for kind in SHOWN_OUTPUTS
            for f in view.outputs.get(kind, ())
            if (value := view.value(f)) is True or isinstance(value, dt.date)
        ),
    ]
    found = set(outputs)
    todo = list(found)
    while todo:
        for name in _rests_on(view, todo.pop()):
            if name not in found:
                found.add(name)
                todo.append(name)
    return frozenset(found | _said_alongside(view, found))


SHOWN_OUTPUTS = ("obligation", "next_step", "deadline", "discretion", "referral")


def _rests_on(view: SchemeView, fact: str) -> tuple[str, ...]:
    """The derived facts a fact rests on directly (once per advice): what the rule that decided
    it read; for a fact no rule decided (a default, an open fact), what every rule that could
    decide it reads."""
    memo = view._rests_on
    if fact not in memo:
        rule = view.rule_of(fact)
        cases = view.plan.cases
        if rule is not None:
            memo[fact] = cases.derived_read_by((rule,))
        else:
            step = view.trace.dated.steps[cases.index[fact]]
            memo[fact] = cases.derived_read_by(tuple(c.rule for c in step.candidates))
    return memo[fact]


def _said_alongside(view: SchemeView, bearing: set[str]) -> frozenset[str]:
    """Facts no rule reads, there to explain ("the municipality sets the limit at 130% of your
    norm", "it recounts your housing costs"): they bear where they read a fact the outcome
    rests on, or a figure a rule it rests on reads."""
    notes = view.plan.scheme_notes[view.scheme_id]
    if not notes:
        return frozenset()
    parameters = view.plan.parameters
    read = set(bearing)
    for fact in bearing:
        if (rule := view.rule_of(fact)) is not None:
            read.update(n for n in rule.reads if n in parameters)
    return frozenset(
        fact
        for fact in notes
        if (rule := view.rule_of(fact)) is not None and not read.isdisjoint(rule.reads)
    )


def _explanation(view: SchemeView, status: str) -> list[AppliedRule]:
    """Each rule that decided something the outcome rests on, once, with everything it
    concluded: a "Waarom" line only where it bears on the outcome, and says something. A rule
    all of whose conclusions are still unknown ("Uw vermogen is onbekend") is left out: what it
    waits on is under "Nog nodig"."""
    bearing = _bearing(view, status)
    by_rule: dict[str, tuple[Rule, dict[str, Value]]] = {}
    known: set[str] = set()
    for fact in view.facts:
        if fact not in bearing:
            continue
        rule = view.rule_of(fact)
        if rule is not None:
            by_rule.setdefault(rule.id, (rule, {}))[1][fact] = view.json_value(fact)
            if type(view.values.get(fact)) is not Unknown:
                known.add(rule.id)
    return [
        AppliedRule(
            rule=rule.id,
            citation=rule_citation(rule),
            concluded=concluded,
            values=view.read_values(rule),
            text=view.text(rule),
        )
        for rule, concluded in by_rule.values()
        if rule.id in known
    ]


def _is_collection(view: SchemeView, name: str) -> bool:
    return view.plan.types.get(name, "").startswith("collection[")


def _decisive(view: SchemeView) -> list[Condition]:
    conditions = []
    seen = set()
    status = view.scheme.outputs.status
    # Why not the positive outcome: eligible, or for a scheme that only refers, the referral.
    decisive = decisive_conditions(view.trace, status, wanted="eligible") or decisive_conditions(
        view.trace, status
    )
    for rule, node, holds in decisive:
        key = (rule.id, node.text, holds)
        if key in seen:
            continue
        seen.add(key)
        names = sorted(
            n for n in names_in(node) if n in view.plan.types and not _is_collection(view, n)
        )
        conditions.append(
            Condition(
                rule=rule.id,
                citation=rule_citation(rule),
                condition=" ".join(node.text.split()),
                holds=holds,
                values={n: view.json_value(n) for n in names},
                text=view.text(rule) if holds else _failed_text(view, rule, names),
                would_change=_would_change(view, node, holds),
            )
        )
    return conditions


# For a comparison `fact OP bound`: the relation the fact needs for the outcome to turn.
_TURN = {  # (operator, holds) -> wording key
    ("<", False): "below",
    ("<=", False): "at_most",
    (">", False): "above",
    (">=", False): "at_least",
    ("<", True): "at_least",
    ("<=", True): "above",
    (">", True): "at_most",
    (">=", True): "below",
}


TURN_WORDS = {
    "nl": {
        "below": "lager dan",
        "at_most": "hoogstens",
        "above": "hoger dan",
        "at_least": "minstens",
        "sentence": "Met {label} {relation} {bound} zou dit anders uitvallen.",
    },
    "en": {
        "below": "below",
        "at_most": "at most",
        "above": "above",
        "at_least": "at least",
        "sentence": "With {label} {relation} {bound} this would turn out differently.",
    },
}


def _would_change(view: SchemeView, node: Any, holds: bool) -> str | None:
    """For `fact < bound` and the like: the value the fact would need, in words."""
    if not isinstance(node, ir.Compare) or (node.op, holds) not in _TURN:
        return None
    if not isinstance(node.left, ir.Name) or node.left.id not in view.plan.types:
        return None
    bound = compile_expr(node.right, view.plan.scope)(view.trace.context())
    if type(bound) is Unknown or not isinstance(bound, int | Decimal):
        return None
    words = TURN_WORDS[view.lang]
    name = node.left.id
    shown = value_text(bound, view.plan.types.get(name), view.lang)
    return words["sentence"].format(
        label=lower_first(view.label(name)), relation=words[_TURN[(node.op, holds)]], bound=shown
    )


PEILDATUM_WORD = {"nl": "peildatum", "en": "reference date"}


FAILED = {
    "nl": "Niet voldaan aan {article}: {values}.",
    "en": "Not met, {article}: {values}.",
}


def _failed_text(view: SchemeView, rule: Rule, names: list[str]) -> str:
    """A failed condition in words: the rule's own text would describe the outcome it did not give."""
    values = "; ".join(f"{lower_first(view.label(n))}: {view.formatted(n)}" for n in names)
    return FAILED[view.lang].format(article=rule.citation.label(), values=values)
