"""The abbreviations and terms an advice shows, with their meaning (the schemes' glossaries)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from engine.compile.plan import Plan
from engine.model.advice import Abbreviation, Question, SchemeAdvice
from engine.run.evaluate import DEFAULT, Trace

_WORDS = re.compile(r"\w+")


@lru_cache(maxsize=16)
def _glossary(plan: Plan) -> tuple[tuple[str, str, bool, bool, Any], ...]:
    """Per glossary term: the term, its words as matched, exact or any case, one word or more.

    An abbreviation (with a capital) matches exactly; a term in lower case in any case.
    """
    glossary: dict[str, Any] = {}
    for scheme in plan.schemes.values():
        glossary.update(scheme.glossary)
    entries = []
    for term in sorted(glossary, key=str.lower):
        exact = any(c.isupper() for c in term)
        words = _WORDS.findall(term if exact else term.lower())
        entries.append((term, " ".join(words), exact, len(words) == 1, glossary[term]))
    return tuple(entries)


@lru_cache(maxsize=8192)
def terms_in(plan: Plan, text: str) -> frozenset[str]:
    """The glossary terms in one template or fixed text (a bounded set: cached)."""
    tokens = _WORDS.findall(text)
    lower = [t.lower() for t in tokens]
    exact_words, lower_words = set(tokens), set(lower)
    exact_text, lower_text = f" {' '.join(tokens)} ", f" {' '.join(lower)} "
    found = set()
    for term, words, exact, single, _ in _glossary(plan):
        if single:
            hit = words in (exact_words if exact else lower_words)
        else:  # several words in a row
            hit = f" {words} " in (exact_text if exact else lower_text)
        if hit:
            found.add(term)
    return frozenset(found)


def _label_of(plan: Plan, name: str, lang: str) -> str:
    spec = plan.fact_spec(name) or (plan.parameters[name].spec if name in plan.parameters else None)
    return getattr(spec.label, lang) if spec else ""


def abbreviations(
    trace: Trace, schemes: list[SchemeAdvice], questions: list[Question], lang: str
) -> list[Abbreviation]:
    """The glossary terms this advice shows, in alphabetical order: those in the texts of the
    rules it shows, in every other text of its outcomes and in its questions.

    A rule's text is searched as its template, never with the values filled in, so that each
    template is searched once; the other texts are fixed wordings (names, labels, questions).
    """
    plan = trace.plan
    texts = [
        getattr(trace.dated.rules[rule_id].text, lang) for rule_id in _shown_rules(trace, schemes)
    ]
    for scheme in schemes:
        texts += _fixed_texts(plan, scheme, lang)
    texts += [question.text for question in questions]
    used = set().union(*(terms_in(plan, text) for text in set(texts)))
    for scheme in schemes:  # what would turn a condition: a label and a value, searched as it
        for condition in scheme.decisive_conditions:  # is and not cached (a text per value)
            if condition.would_change:
                used |= terms_in.__wrapped__(plan, condition.would_change)
    meanings = {term: meaning for term, _, _, _, meaning in _glossary(plan)}
    return [
        Abbreviation(term=term, meaning=getattr(meanings[term], lang))
        for term in sorted(used, key=str.lower)
    ]


def _fixed_texts(plan: Plan, scheme: SchemeAdvice, lang: str) -> list[str]:
    """What an outcome shows besides its rules' texts: names, labels, words and questions."""
    items = [*scheme.obligations, *scheme.next_steps]
    texts = [scheme.name, scheme.body, scheme.status_text, scheme.refer_to or ""]
    texts += [*scheme.amount_depends_on, *scheme.missing_questions, *scheme.settled_over]
    texts += [*scheme.bring, *scheme.policy_gap_labels, *scheme.not_in_rules]
    texts += [amount.label for amount in scheme.amounts]
    texts += [text for item in items for text in (item.label, item.body)]
    texts += [text for date in scheme.deadlines for text in (date.label, date.body)]
    texts += [text for point in scheme.discretion_points for text in (point.label, point.weigh)]
    cited = [*scheme.explanation, *scheme.decisive_conditions, *items, *scheme.deadlines]
    texts += [shown.citation.label for shown in cited if shown.citation is not None]
    for condition in scheme.decisive_conditions:  # failed ones are worded with labels
        if not condition.holds:
            texts += [_label_of(plan, name, lang) for name in condition.values]
    return texts


def _shown_rules(trace: Trace, schemes: list[SchemeAdvice]) -> set[str]:
    """The rules whose texts the advice shows: in each "Waarom" and "Waarom niet", and behind
    each duty, next step, date and judgement point (decided in the household's run, or in the
    run of the member an outcome is for)."""
    rules = trace.dated.rules
    shown: set[str | None] = set()
    for scheme in schemes:
        run = trace.members.get(scheme.member or "", trace)
        shown |= {step.rule for step in scheme.explanation}
        shown |= {c.rule for c in scheme.decisive_conditions if c.rule in rules}
        outputs = (*scheme.obligations, *scheme.next_steps, *scheme.deadlines)
        shown |= {run.decided_by.get(o.fact) for o in (*outputs, *scheme.discretion_points)}
    return {r for r in shown if r is not None and r != DEFAULT}
