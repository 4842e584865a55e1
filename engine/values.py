"""Value domain of the engine: unknown facts, money and dates.

Unknown is a value of its own, carrying the input facts whose absence made it unknown, so that
an undetermined outcome can say exactly what to ask. Money is Decimal euros; dates are dates.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
# An unknown figure: its known values end before the peildatum and the next is not in the
# rule base yet. Never asked of the citizen; the advice says which figure, from which day.
FIGURE_PREFIX = "cijfer:"


class Unknown:
    """A value that cannot be known from the facts given.

    `missing` names the input facts that would settle it. An empty set means "not derived":
    no rule applies and there is no default, which is not something a question can fix.
    """

    __slots__ = ("missing",)

    def __init__(self, missing: frozenset[str] = frozenset()):
        self.missing = missing

    def __repr__(self) -> str:
        return f"Unknown({sorted(self.missing)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.missing == self.missing

    def __hash__(self) -> int:
        return hash(("Unknown", self.missing))

    def __bool__(self) -> bool:
        raise TypeError("an unknown value has no truth value; test it with is_unknown()")


NOT_DERIVED = Unknown()


def is_unknown(value: Any) -> bool:
    return type(value) is Unknown


def merge_unknown(*values: Any) -> Unknown:
    """The unknown that results from combining values of which at least one is unknown.

    An unknown is never changed once made, so one whose missing facts already hold the others'
    is returned as it is: no new set for the common case of the same facts met again."""
    found: Unknown | None = None
    for value in values:
        if type(value) is Unknown:
            if found is None or found.missing < value.missing:
                found = value
            elif not value.missing <= found.missing:
                found = Unknown(found.missing | value.missing)
    return NOT_DERIVED if found is None else found


def to_cents(amount: Decimal | int) -> Decimal:
    """Round euros to whole cents, half away from zero, as the published norm tables do."""
    try:
        return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than a Decimal holds: no amount anyone is owed
        from engine.errors import EvaluationError

        raise EvaluationError("an amount is too large to show in cents") from None


def age_on(birth_date: date, on: date) -> int:
    """Completed years of life on a date. Someone born on 29 February ages on 1 March."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clipped to the end of a shorter month."""
    month_index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError("unreachable: every month has 28 days")
