"""What to ask next: every missing fact as a question, ranked by how many open outcomes it
can settle. Only facts that an open outcome lists are asked, so no question is wasted on a
fact that cannot change anything; gaps in local policy are never put to the citizen.
"""

from __future__ import annotations

import re
from dataclasses import replace

from engine.compile.plan import Plan
from engine.model.advice import Question

_ITEM = re.compile(r"^(?P<collection>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")
ITEM_PREFIX = {"nl": "Over {label} nummer {number}: ", "en": "About {label} number {number}: "}


def rank_questions(
    plan: Plan,
    asks: dict[tuple[str, str | None], list[str]],
    lang: str,
    prefixes: dict[str | None, str],
) -> list[Question]:
    """`asks`: per (fact, member) the schemes whose open outcome waits on it (member None: the
    household's and applicant's); `prefixes`: per member, how a question to them begins."""
    questions = []
    for (fact, member), ids in asks.items():
        question = _question(plan, fact, sorted(ids), lang)
        if member is not None:
            question = replace(question, member=member, text=prefixes[member] + question.text)
        questions.append(question)
    # the household's and applicant's own questions first, then each other member's
    return sorted(
        questions, key=lambda q: (q.member is not None, -len(q.schemes), q.fact, q.member or "")
    )


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
