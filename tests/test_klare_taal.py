"""Klare taal (issue 24): no raw fact, parameter or rule id in any text outside the receipt, and
no "1 kinderen" or "1 outcomes", in nl and en, text, Markdown and HTML, for the bundled example
and every scenario household."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from support import EXAMPLE

import engine
from benchmarks.bench_advice import FIRST_CONVERSATION
from benchmarks.intake_length import households
from engine.explain.format import fill
from engine.explain.glossary import terms_in
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.values import is_unknown

DAY = dt.date(2026, 3, 1)
TOKEN = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)*(?:\[\d+\]\.[a-z0-9_]+)?")
PLURALS = [
    *[
        "kostendelers",
        "uitkomsten",
        "volwassenen",
        "kinderen",
        "bewoners",
        "vragen",
        "weken",
        "maanden",
        "jaren",
        "dagen",
    ],
    *[
        "cost-sharers",
        "outcomes",
        "adults",
        "children",
        "residents",
        "questions",
        "weeks",
        "months",
        "years",
        "days",
    ],
]
ONE_OF_MANY = re.compile(r"(?<![\d,.])\b1 (?:andere |other |more )?(" + "|".join(PLURALS) + r")\b")
AFTER_RECEIPT = re.compile(r"\n(?:Regels|Rules): |\n## (?:Verantwoording|Receipt)|<footer>")
TAGS = re.compile(r"<[^>]+>")


def the_ids() -> set[str]:
    plan = engine.load_plan()
    names = {*plan.inputs, *plan.derived, *plan.parameters, *plan.collections}
    names |= {rule.id for rule in plan.rules}
    return {name for name in names if "_" in name or "." in name}


@pytest.mark.slow  # about 160 advices, each in three formats
def test_no_id_no_one_with_a_plural_and_every_term_explained_in_any_text() -> None:
    """... and the glossary ("Afkortingen en begrippen") lists exactly the terms the advice
    shows: none it leaves unexplained, none the reader does not meet (the text format shows
    every outcome's texts and no glossary)."""
    plan = engine.load_plan()
    ids = the_ids()
    found: dict[str, set[str]] = {}
    for name, profile in households().items():
        for lang in ("nl", "en"):
            advice = engine.advise(profile, DAY, plan, lang)
            renders = {
                "text": advice_text(advice),
                "markdown": advice_markdown(advice),
                "html": TAGS.sub(" ", advice_html(advice)),
            }
            shown = set().union(*(terms_in(plan, line) for line in renders["text"].split("\n")))
            for term in shown ^ {a.term for a in advice.abbreviations}:
                why = "not explained" if term in shown else "explained, not shown"
                found.setdefault(f"term {term}: {why}", set()).add(f"{name} {lang}")
            for form, rendered in renders.items():
                body = AFTER_RECEIPT.split(rendered)[0]
                where = f"{name} {form} {lang}"
                for token in TOKEN.findall(body):
                    base = re.sub(r"\[\d+\]", "", token)
                    if token in ids or (base.split(".")[0] in ids and "[" in token):
                        found.setdefault(f"id {token}", set()).add(where)
                for match in ONE_OF_MANY.finditer(body):
                    found.setdefault(f"'{match.group(0)}'", set()).add(where)
                if re.search(r"\b[Yy]ou is\b", body):
                    found.setdefault("'you is'", set()).add(where)
    assert not found, {k: sorted(v)[:3] for k, v in found.items()}


# A label is shown in a sentence ("Niet voldaan aan art. 13: u bent gedetineerd: nee"), so it
# must agree with its subject: no "You is detained", "You lives", "U is", "U weken".
WRONG_VERB = {
    "en": re.compile(r"(?<!of )\b[Yy]ou (?:is|was|has|does|[a-z]+(?<![su])s)\b"),
    "nl": re.compile(r"\bU is\b|\b(?:U|Uw partner) (?:weken|aaneengesloten)\b"),
}


def test_every_label_question_and_rule_text_agrees_with_its_subject() -> None:
    plan = engine.load_plan()
    texts = [
        (name, getattr(fact.spec, part))
        for facts in (plan.inputs, plan.derived, plan.parameters)
        for name, fact in facts.items()
        for part in ("label", "question")
        if getattr(fact.spec, part, None) is not None
    ]
    texts += [(rule.id, rule.text) for rule in plan.rules if rule.text is not None]
    assert len(texts) > 500
    wrong = [
        (name, lang, match.group(0))
        for name, text in texts
        for lang, pattern in WRONG_VERB.items()
        if (match := pattern.search(getattr(text, lang) or ""))
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [("en", "You is detained"), ("en", "You lives in an institution"), ("nl", "U is gedetineerd")],
)
def test_the_agreement_check_finds_what_it_looks_for(lang: str, text: str) -> None:
    assert WRONG_VERB[lang].search(text)


def test_a_why_line_says_something_known() -> None:
    """A "Waarom" line whose every conclusion is still unknown ("Uw vermogen is onbekend", "De
    bijzondere bijstand is onbekend: uw kosten (onbekend) min uw draagkracht (onbekend)") says
    nothing: what it waits on is under "Nog nodig". A first conversation shows only what is
    known (ages, the norm, the asset limit)."""
    for lang, unknown in (("nl", "onbekend"), ("en", "unknown")):
        advice = engine.advise(FIRST_CONVERSATION, DAY, lang=lang)
        lines = [line for s in advice.schemes for line in s.explanation]
        assert lines
        assert all(any(v is not None for v in line.concluded.values()) for line in lines)
        bijstand = advice.scheme("algemene_bijstand")
        assert bijstand.status == "undetermined" and bijstand.explanation
        assert not [line.text for line in bijstand.explanation if unknown in line.text]
        assert bijstand.missing_questions  # what the unknown lines waited on is asked


@pytest.mark.parametrize(("lang", "unknown"), [("nl", "onbekend"), ("en", "unknown")])
def test_no_draagkracht_a_month_is_none_over_a_period_the_municipality_has_not_set(
    lang: str, unknown: str
) -> None:
    """Art. 35 lid 1 Participatiewet: the college sets the period the draagkracht counts over.
    Where there is none a month, there is none over any period, so the line does not speak of
    an unknown period ("over onbekend maanden"). The bundled example's municipality has not
    set it in the rule base."""
    example, day = engine.profile_from_file(EXAMPLE), dt.date(2026, 1, 15)
    period = engine.evaluate(example, day).dated.params["bb_draagkrachtperiode_maanden"]
    assert is_unknown(period)
    advice = engine.advise(example, day, lang=lang)
    lines = {line.rule: line for line in advice.scheme("bijzondere_bijstand").explanation}
    zero = lines["bb.35.1.geen_draagkracht_inkomen"]
    assert zero.concluded == {"bb_draagkracht_inkomen": 0}
    assert unknown not in zero.text and ("€ 0,00" if lang == "nl" else "€0.00") in zero.text
    assert "bb.35.1.draagkrachtperiode" not in lines  # the period's own line: not shown


@pytest.mark.parametrize(
    ("template", "known", "filled"),
    [
        ("de bijstandsnorm ({norm}).", {}, "de bijstandsnorm."),
        ("de bijstandsnorm ({norm}).", {"norm": "€ 1.401,50"}, "de bijstandsnorm (€ 1.401,50)."),
        ("binnen de termijn ({weken} weken) een besluit", {}, "binnen de termijn een besluit"),
        ("binnen {weken} weken", {}, "binnen onbekend weken"),  # not an aside: left to the rule
        ("uw inkomen ({inkomen}) is lager dan ({norm})", {"inkomen": "€ 0,00"}, None),
        ("({a} en {b})", {}, "(onbekend en onbekend)"),  # two values: not one aside
    ],
)
def test_an_aside_that_only_says_unknown_is_left_out(
    template: str, known: dict[str, str], filled: str | None
) -> None:
    text = fill(template, lambda name: known.get(name, "onbekend"), lambda name: name not in known)
    assert text == (filled or "uw inkomen (€ 0,00) is lager dan")


def test_no_why_line_and_no_duty_says_that_a_value_is_unknown() -> None:
    """ "De gemeente rekent met 90% van de bijstandsnorm (onbekend)", "binnen onbekend weken",
    "Kinderen jonger dan 18: onbekend" say nothing the reader can use; what is still unknown is
    asked under "Nog nodig". The first conversation, the bundled example without its
    municipality, and every scenario household, in nl and en."""
    example = engine.profile_from_file(EXAMPLE).model_dump(mode="json", exclude_none=True)
    child_age_open = {  # the first conversation, the child's birth date not yet given
        **FIRST_CONVERSATION,
        "members": [*FIRST_CONVERSATION["members"][:2], {"id": "kind", "role": "child"}],
    }
    profiles = [FIRST_CONVERSATION, child_age_open, {**example, "municipality": None}]
    profiles += households().values()
    plan = engine.load_plan()
    said = []
    for profile in profiles:
        for lang, unknown in (("nl", "onbekend"), ("en", "unknown")):
            for scheme in engine.advise(profile, DAY, plan, lang).schemes:
                shown = [*scheme.explanation, *scheme.obligations, *scheme.next_steps]
                shown += [*scheme.deadlines, *scheme.decisive_conditions]
                said += [line.text for line in shown if unknown in line.text]
    assert said == []
