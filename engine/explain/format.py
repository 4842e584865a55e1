"""Values in plain Dutch or English: € 1.401,50 and 1 januari 2026."""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from engine.values import Unknown, to_cents

MONTHS = {
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}
STATUS_WORDS = {
    "nl": {
        "eligible": "recht",
        "not_eligible": "geen recht",
        "undetermined": "nog niet te bepalen",
        "refer": "verwezen naar",
    },
    "en": {
        "eligible": "entitled",
        "not_eligible": "not entitled",
        "undetermined": "cannot be determined yet",
        "refer": "referred to",
    },
}
WORDS = {
    "nl": {True: "ja", False: "nee", "unknown": "onbekend"},
    "en": {True: "yes", False: "no", "unknown": "unknown"},
}


def money(amount: Decimal, lang: str) -> str:
    cents = to_cents(Decimal(amount))
    sign = "-" if cents < 0 else ""
    whole, _, fraction = f"{abs(cents):.2f}".partition(".")
    groups = f"{int(whole):,}"
    if lang == "nl":
        return f"{sign}€ {groups.replace(',', '.')},{fraction}"
    return f"{sign}€{groups}.{fraction}"


def day(value: dt.date, lang: str) -> str:
    month = MONTHS[lang][value.month - 1]
    return f"{value.day} {month} {value.year}"


def number(value: Any, lang: str) -> str:
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text.replace(".", ",") if lang == "nl" else text
    return str(value)


def lower_first(label: str) -> str:
    """ "U bent ..." -> "u bent ...", "Een verdrag" -> "een verdrag" inside a sentence; a name
    in capitals (DUO, UWV, AOW-leeftijd) and the rest of the label (IIT) keep theirs."""
    word = label.split(" ", 1)[0]
    return label if word[1:] != word[1:].lower() else label[:1].lower() + label[1:]


def value_text(value: Any, type_name: str | None, lang: str) -> str:
    if type(value) is Unknown:
        return WORDS[lang]["unknown"]
    if isinstance(value, bool):
        return WORDS[lang][value]
    if isinstance(value, dt.date):
        return day(value, lang)
    if type_name == "money":
        return money(value, lang)
    if isinstance(value, int | Decimal):
        return number(value, lang)
    if isinstance(value, tuple | list):
        return ", ".join(value_text(v, None, lang) for v in value)
    return str(value)


@lru_cache(maxsize=4096)
def _pieces(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def placeholders(template: str) -> list[str]:
    return [name for _, name in _pieces(template) if name is not None]


def fill(
    template: str, formatted: Callable[[str], str], unknown: Callable[[str], bool] = lambda _: False
) -> str:
    """Fill {name} placeholders with the text `formatted(name)` gives. An aside that would only
    say that a value is unknown ("de bijstandsnorm (onbekend)", "binnen de termijn van uw
    gemeente (onbekend weken)") says nothing and is left out: what the outcome still waits on
    is asked under its own heading."""
    pieces = _pieces(template)
    parts = []
    drop = 0  # of the next literal: the rest of an aside left out
    for index, (literal, name) in enumerate(pieces):
        parts.append(literal[drop:])
        drop = 0
        if name is None:
            continue
        after = pieces[index + 1][0] if index + 1 < len(pieces) else ""
        if literal.endswith(" (") and (end := _ASIDE_END.match(after)) and unknown(name):
            parts[-1] = parts[-1][:-2]
            drop = end.end()
        else:
            parts.append(formatted(name))
    return "".join(parts)


_ASIDE_END = re.compile(r"[^()]*\)")  # the rest of an aside "({name} weken)"
