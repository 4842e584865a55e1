"""Ranges are sound (issue 22): for any points inside the operands' ranges, each operator's
point result lies inside its range result, and a comparison the range decides is what every
point gives."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.intervals import Interval, hull, is_range
from engine.lang import compile as lang
from engine.values import Unknown

NAMES = frozenset({"huur"})
amounts = st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False)


@st.composite
def range_and_point(draw: st.DrawFn) -> tuple[Any, Decimal]:
    """A range (or, now and then, a plain number) and a point inside it."""
    a, b = sorted((draw(amounts), draw(amounts)))
    point = draw(st.decimals(min_value=a, max_value=b, places=2))
    if a == b or (draw(st.booleans()) and draw(st.booleans())):
        return point, point  # a known number among the operands
    return Interval(a, b, NAMES), point


def inside(result: Any, point_result: Any) -> bool:
    if type(result) is Unknown:
        return True  # unknown claims nothing
    if is_range(result):
        return result.lo <= point_result <= result.hi and bool(result.missing)
    return result == point_result and type(result) is type(point_result)


ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "min": lang._min,
    "max": lang._max,
}
COMPARISONS = ["<", "<=", ">", ">=", "==", "!="]


@given(range_and_point(), range_and_point(), st.sampled_from(sorted(ARITHMETIC)))
def test_arithmetic_on_ranges_holds_every_point_result(
    x: tuple[Any, Decimal], y: tuple[Any, Decimal], op: str
) -> None:
    (a, p), (b, q) = x, y
    function = ARITHMETIC[op]
    assert inside(function(a, b), function(p, q))


@given(range_and_point(), range_and_point(), st.sampled_from(COMPARISONS))
def test_a_comparison_a_range_decides_is_what_every_point_gives(
    x: tuple[Any, Decimal], y: tuple[Any, Decimal], op: str
) -> None:
    (a, p), (b, q) = x, y
    function = lang._COMPARE_OPS[op]
    result = function(a, b)
    assert result is function(p, q) or (type(result) is Unknown and result.missing == NAMES)


@given(range_and_point(), amounts.filter(lambda d: d != 0))
def test_one_operand_functions_hold_every_point_result(x: tuple[Any, Decimal], d: Decimal) -> None:
    a, p = x
    assert inside(-a, -p)
    assert inside(abs(a), abs(p))
    assert inside(lang._round(a), lang._round(p))
    assert inside(lang._round(a, 0), lang._round(p, 0))
    assert inside(lang._divide(a, d), lang._divide(p, d))


@given(range_and_point(), range_and_point(), st.booleans())
def test_either_branch_of_an_open_condition_lies_in_the_hull(
    x: tuple[Any, Decimal], y: tuple[Any, Decimal], take_first: bool
) -> None:
    (a, p), (b, q) = x, y
    result = lang._either(Unknown(frozenset({"p"})), a, b)
    assert inside(result, p if take_first else q)
    assert inside(hull([a, b], frozenset({"p"})), p if take_first else q)


def test_a_range_whose_bounds_meet_is_the_number_itself() -> None:
    rent = Interval(Decimal(0), Decimal(500), NAMES)
    assert lang._max(0, Decimal(-10) - rent) == 0
    assert not is_range(lang._max(0, Decimal(-10) - rent))


def test_what_a_range_cannot_take_is_refused_not_guessed() -> None:
    """A date function or a division by a range is not bounded: unknown or refused, which the
    case analysis turns into an open outcome."""
    rent = Interval(Decimal(0), Decimal(500), NAMES)
    assert type(lang._divide(Decimal(1), rent)) is Unknown
    with pytest.raises(TypeError):  # a range is never taken as a number of days
        lang._SCALAR_FUNCTIONS["plus_dagen"](date(2026, 1, 1), rent)
