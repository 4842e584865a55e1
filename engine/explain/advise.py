"""Turn a run's trace into the Advice: per scheme its status, amounts, duties and the why."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from engine.compile.plan import Plan, Rule
from engine.explain.format import placeholders, render
from engine.explain.why import decisive_conditions
from engine.lang.ir import names_in
from engine.load.specs import Citation
from engine.model.advice import (
    Advice,
    Amount,
    AppliedRule,
    CitationOut,
    Condition,
    Conflict,
    Deadline,
    DiscretionPoint,
    Item,
    Receipt,
    SchemeAdvice,
    Value,
)
from engine.run.evaluate import DEFAULT, Trace
from engine.values import Unknown, to_cents


def build_advice(trace: Trace, lang: str = "nl") -> Advice:
    plan = trace.plan
    schemes = [_scheme_advice(trace, scheme_id, lang) for scheme_id in sorted(plan.schemes)]
    receipt = Receipt(
        engine_version=plan.engine_version, plan_hash=plan.hash, peildatum=trace.peildatum,
        language=lang,  # type: ignore[arg-type]
    )
    return Advice(receipt=receipt, schemes=schemes)


def citation_out(citation: Citation) -> CitationOut:
    return CitationOut(
        law=citation.law or "", bwb=citation.bwb or "", article=citation.article,
        lid=citation.lid, sub=citation.sub, url=citation.url, label=citation.label(),
    )


class _SchemeView:
    """Reads one scheme's facts out of a trace, in the chosen language."""

    def __init__(self, trace: Trace, scheme_id: str, lang: str):
        self.trace, self.plan, self.lang = trace, trace.plan, lang
        self.scheme = self.plan.schemes[scheme_id].spec
        self.facts = self.plan.scheme_facts[scheme_id]
        self.own = [f for f in self.facts if self.plan.derived[f].scheme == scheme_id]
        self.rules = {r.id: r for r in self.plan.rules if r.applies_on(trace.peildatum)}

    def value(self, name: str) -> Any:
        if name in self.trace.facts:
            return self.trace.facts[name]
        return self.trace.dated.params.get(name, Unknown())

    def json_value(self, name: str) -> Value:
        value = self.value(name)
        if type(value) is Unknown:
            return None
        if isinstance(value, tuple | list):
            return ", ".join(str(v) for v in value) if all(not isinstance(v, dict) for v in value) else None
        if isinstance(value, Decimal) and self.plan.types.get(name) == "money":
            return to_cents(value)
        return value

    def label(self, name: str) -> str:
        spec = self.plan.fact_spec(name)
        return getattr(spec.label, self.lang) if spec else name

    def rule_of(self, fact: str) -> Rule | None:
        decided = self.trace.decided_by.get(fact)
        return self.rules.get(decided) if decided not in (None, DEFAULT) else None

    def text(self, rule: Rule) -> str:
        template = getattr(rule.text, self.lang)
        values = {name: self.value(name) for name in placeholders(template)}
        return render(template, values, self.plan.types, self.lang)

    def outputs(self, kind: str) -> list[str]:
        return [f for f in self.own if self.plan.derived[f].spec.output == kind]


def _scheme_advice(trace: Trace, scheme_id: str, lang: str) -> SchemeAdvice:
    view = _SchemeView(trace, scheme_id, lang)
    outputs = view.scheme.outputs
    status_value = view.value(outputs.status)
    output_facts = [f for f in view.own if view.plan.derived[f].spec.output is not None]
    missing = sorted({m for f in output_facts if type(v := view.value(f)) is Unknown for m in v.missing})
    status = "undetermined" if type(status_value) is Unknown else status_value
    conflicts = [
        Conflict(fact=f, rules=list(trace.conflicts[f])) for f in view.facts if f in trace.conflicts
    ]
    return SchemeAdvice(
        scheme=scheme_id,
        name=getattr(view.scheme.name, lang),
        body=view.scheme.body,
        status=status,
        refer_to=_referral(view) if status == "refer" else None,
        amount=_main_amount(view, status),
        amounts=_amounts(view),
        facts={f: view.json_value(f) for f in view.outputs("info") if type(view.value(f)) is not Unknown},
        obligations=_items(view, "obligation"),
        next_steps=_items(view, "next_step"),
        deadlines=_deadlines(view),
        discretion_points=_discretion(view),
        explanation=_explanation(view),
        decisive_conditions=_decisive(view, outputs.status) if status == "not_eligible" else [],
        missing_facts=missing,
        conflicts=conflicts,
    )


def _referral(view: _SchemeView) -> str | None:
    for fact in view.outputs("referral"):
        value = view.value(fact)
        if isinstance(value, str):
            return value
    return None


def _main_amount(view: _SchemeView, status: str) -> Decimal | None:
    name = view.scheme.outputs.amount
    if name is None or status != "eligible":
        return None
    value = view.value(name)
    return None if type(value) is Unknown else to_cents(value)


def _amounts(view: _SchemeView) -> list[Amount]:
    amounts = []
    for fact in view.outputs("amount"):
        value = view.value(fact)
        if type(value) is not Unknown:
            amounts.append(Amount(fact=fact, label=view.label(fact), value=to_cents(value)))
    return amounts


def _items(view: _SchemeView, kind: str) -> list[Item]:
    items = []
    for fact in view.outputs(kind):
        if view.value(fact) is True:
            rule = view.rule_of(fact)
            items.append(Item(
                fact=fact, label=view.label(fact), text=view.text(rule) if rule else view.label(fact),
                citation=citation_out(rule.citation) if rule else None,
            ))
    return items


def _deadlines(view: _SchemeView) -> list[Deadline]:
    deadlines = []
    for fact in view.outputs("deadline"):
        value = view.value(fact)
        if isinstance(value, dt.date):
            rule = view.rule_of(fact)
            deadlines.append(Deadline(
                fact=fact, label=view.label(fact), date=value,
                text=view.text(rule) if rule else view.label(fact),
                citation=citation_out(rule.citation) if rule else None,
            ))
    return sorted(deadlines, key=lambda d: (d.date, d.fact))


def _discretion(view: _SchemeView) -> list[DiscretionPoint]:
    points = []
    for fact in view.outputs("discretion"):
        if view.value(fact) is True:
            rule = view.rule_of(fact)
            weigh = view.plan.derived[fact].spec.weigh
            points.append(DiscretionPoint(
                fact=fact, label=view.label(fact), weigh=getattr(weigh, view.lang) if weigh else "",
                text=view.text(rule) if rule else view.label(fact),
                citation=citation_out(rule.citation) if rule else None,
            ))
    return points


def _explanation(view: _SchemeView) -> list[AppliedRule]:
    applied = []
    for fact in view.facts:
        rule = view.rule_of(fact)
        if rule is None:
            continue
        applied.append(AppliedRule(
            rule=rule.id,
            citation=citation_out(rule.citation),
            concluded={fact: view.json_value(fact)},
            values={n: view.json_value(n) for n in rule.reads if view.plan.types.get(n, "").find("collection") < 0},
            text=view.text(rule),
        ))
    return applied


def _decisive(view: _SchemeView, fact: str) -> list[Condition]:
    conditions = []
    seen = set()
    for rule, node, holds in decisive_conditions(view.trace, fact):
        key = (rule.id, node.text, holds)
        if key in seen:
            continue
        seen.add(key)
        names = sorted(n for n in names_in(node) if n in view.plan.types and "collection" not in view.plan.types[n])
        conditions.append(Condition(
            rule=rule.id, citation=citation_out(rule.citation), condition=" ".join(node.text.split()),
            holds=holds, values={n: view.json_value(n) for n in names}, text=view.text(rule),
        ))
    return conditions


