"""What to ask next: every missing fact as a question, ranked by how many open outcomes it
can settle. Only facts that an open outcome lists are asked, so no question is wasted on a
fact that cannot change anything; gaps in local policy are never put to the citizen.
"""

from __future__ import annotations

import re

from engine.compile.plan import Plan
from engine.model.advice import Question, SchemeAdvice

_ITEM = re.compile(r"^(?P<collection>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")
ITEM_PREFIX = {"nl": "Over {label} nummer {number}: ", "en": "About {label} number {number}: "}


def rank_questions(plan: Plan, schemes: list[SchemeAdvice], lang: str) -> list[Question]:
    asked_by: dict[str, list[str]] = {}
    for scheme in schemes:
        for fact in scheme.missing_facts:
            asked_by.setdefault(fact, []).append(scheme.scheme)
    questions = [_question(plan, fact, sorted(ids), lang) for fact, ids in asked_by.items()]
    return sorted(questions, key=lambda q: (-len(q.schemes), q.fact))


def question_text(plan: Plan, fact: str, lang: str) -> str:
    """How the intake asks for an input fact (or a collection item's field)."""
    return _question(plan, fact, [], lang).text


def _question(plan: Plan, fact: str, schemes: list[str], lang: str) -> Question:
    item = _ITEM.match(fact)
    if item:
        collection = plan.collections[item["collection"]]
        spec = plan.records[collection.record][item["field"]].spec
        prefix = ITEM_PREFIX[lang].format(
            label=getattr(collection.label, lang).lower(), number=int(item["index"]) + 1
        )
        text = prefix + getattr(spec.question or spec.label, lang)
        return Question(
            fact=fact,
            text=text,
            answer_type=spec.type,
            values=list(spec.values or []),
            schemes=schemes,
        )
    if fact in plan.collections:
        collection = plan.collections[fact]
        text = getattr(collection.question or collection.label, lang)
        return Question(fact=fact, text=text, answer_type="list", values=[], schemes=schemes)
    spec = plan.inputs[fact].spec
    return Question(
        fact=fact,
        text=getattr(spec.question or spec.label, lang),
        answer_type=spec.type,
        values=list(spec.values or []),
        schemes=schemes,
    )
