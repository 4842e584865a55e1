"""Values to and from what durable-rules can hold: JSON with integers, never Decimal or dates.

durable-rules serialises every fact with `json.dumps` and compares numbers as doubles, and it
compares a text with a number without complaint (`"100" < 20` is true). So every value is
typed strictly before it is asserted, as a JSON value in which each object is a one-key tag:

    bool, int, str          as themselves
    Decimal                 {"d": [coefficient, exponent]}  (scaled integer: 751.07 -> [75107, -2])
                            {"D": "text"} only when the coefficient exceeds 2**53 (or is -0)
    date                    {"t": day ordinal}               (2026-01-15 -> 739631)
    Unknown                 {"u": [missing fact, ...]}       (not derived: {"u": []})
    tuple (list[...] value) {"l": [...]}
    list (a collection)     {"c": [...]}, each record {"r": {field: value}}

Decoding gives back exactly the value encoded: the same Decimal exponent (1.50 stays 1.50),
the same date, an equal Unknown. No tag starts with `$`, which durable-rules reserves.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from engine.backends.durable.errors import DurableBackendError
from engine.values import Unknown

_SAFE_INTEGER = 2**53


def encode(value: Any) -> Any:
    kind = type(value)
    if kind is bool or kind is int or kind is str or value is None:
        return value
    if kind is Decimal:
        sign, digits, exponent = value.as_tuple()
        if not isinstance(exponent, int):
            raise DurableBackendError(
                "a number that is not finite cannot be passed to durable-rules"
            )
        coefficient = int("".join(map(str, digits)) or "0")
        if coefficient >= _SAFE_INTEGER or (sign and coefficient == 0):
            return {"D": str(value)}
        return {"d": [-coefficient if sign else coefficient, exponent]}
    if kind is dt.date:
        return {"t": value.toordinal()}
    if kind is Unknown:
        return {"u": sorted(value.missing)}
    if kind is tuple:
        return {"l": [encode(v) for v in value]}
    if kind is list:
        return {"c": [encode(v) for v in value]}
    if kind is dict:
        return {"r": {k: encode(v) for k, v in value.items()}}
    raise DurableBackendError(f"a value of type {kind.__name__} cannot be passed to durable-rules")


def decode(data: Any) -> Any:
    if type(data) is not dict:
        return data
    ((tag, inner),) = data.items()
    if tag == "d":
        coefficient, exponent = inner
        digits = tuple(int(c) for c in str(abs(coefficient)))
        return Decimal((1 if coefficient < 0 else 0, digits, exponent))
    if tag == "t":
        return dt.date.fromordinal(inner)
    if tag == "u":
        return Unknown(frozenset(inner))
    if tag == "c":
        return [decode(v) for v in inner]
    if tag == "r":
        return {k: decode(v) for k, v in inner.items()}
    if tag == "l":
        return tuple(decode(v) for v in inner)
    if tag == "D":
        return Decimal(inner)
    raise DurableBackendError(f"durable-rules returned a value with an unknown tag '{tag}'")
