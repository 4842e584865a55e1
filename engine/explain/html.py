"""One printable HTML page per household: the "foto van de klant".

The household in brief, what to do first and who does it, every scheme with its outcome,
duties, dates and judgement points, the questions still open, the abbreviations used, and
the receipt. Jinja2 escapes every text: texts come from rule files and profiles and must never
become markup.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2

from engine.explain.format import day, money
from engine.explain.markdown import TITLE, WORDS, household_words
from engine.explain.text import HEAD, PERIOD, amount_words, why_further
from engine.model.advice import Advice


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("engine.explain", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("advice.html.j2")


def advice_html(advice: Advice) -> str:
    lang = advice.receipt.language
    return _template().render(
        advice=advice,
        lang=lang,
        head=HEAD[lang],
        words=WORDS[lang],
        title=TITLE[lang],
        period=PERIOD[lang],
        day=lambda d: day(d, lang),
        money=lambda a: money(a, lang),
        amount_words=lambda scheme: amount_words(scheme, lang),
        why_further=why_further,
        household_words=lambda household: household_words(household, lang),
    )
