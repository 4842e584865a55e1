"""Klare taal (issue 24): no raw fact, parameter or rule id in any text outside the receipt, and
no "1 kinderen" or "1 outcomes", in nl and en, text, Markdown and HTML, for the bundled example
and every scenario household."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import engine
from benchmarks.intake_length import households
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text

pytestmark = pytest.mark.slow  # about 160 advices, each in three formats

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


def test_no_id_and_no_one_with_a_plural_in_any_text() -> None:
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
