"""A number known only to lie within bounds: the case analysis's value for an unknown amount.

Case analysis (engine/run/settle.py) gives an unknown amount every value its profile field
allows at once: the rent is some amount from zero up. Arithmetic on such a range gives the
range of the results; a comparison is true or false when it is so for every value in the
range, and unknown otherwise. Every operator is sound: for any points inside the operands'
ranges, the point result lies inside the range result (tests/test_intervals.py). Ranges never
reach a base run: they live only in the hypothetical branches of the case analysis.

A range whose bounds meet is the known number itself. An operation a range does not support
(a date function, a membership test) raises TypeError; the case analysis then leaves the
outcome open, which is sound.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.values import CENT, Unknown

NUMBER = (int, Decimal)


class Interval:
    """The numbers from `lo` to `hi` (inclusive; either may be infinite), and the inputs
    (`missing`) whose unknown value makes it a range rather than a number."""

    __slots__ = ("hi", "lo", "missing")
    __hash__ = None  # type: ignore[assignment]  # compared three-valued, never a dict key

    def __init__(self, lo: Decimal, hi: Decimal, missing: frozenset[str]):
        self.lo, self.hi, self.missing = lo, hi, missing

    def __repr__(self) -> str:
        return f"Interval({self.lo}, {self.hi}, {sorted(self.missing)})"

    # --- arithmetic ---
    def __add__(self, other: Any) -> Any:
        b = _bounds(other)
        return _make(self.lo + b.lo, self.hi + b.hi, self.missing | b.missing)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Any:
        b = _bounds(other)
        return _make(self.lo - b.hi, self.hi - b.lo, self.missing | b.missing)

    def __rsub__(self, other: Any) -> Any:
        return _bounds(other) - self

    def __neg__(self) -> Any:
        return _make(-self.hi, -self.lo, self.missing)

    def __mul__(self, other: Any) -> Any:
        b = _bounds(other)
        products = [_times(x, y) for x in (self.lo, self.hi) for y in (b.lo, b.hi)]
        return _make(min(products), max(products), self.missing | b.missing)

    __rmul__ = __mul__

    def __truediv__(self, other: Any) -> Any:
        """Divided by a known number other than zero; by a range, unbounded (sound)."""
        if isinstance(other, NUMBER) and not isinstance(other, bool) and other != 0:
            # each bound divided (correctly rounded, so the order of points is kept)
            low, high = sorted((self.lo / Decimal(other), self.hi / Decimal(other)))
            return _make(low, high, self.missing)
        return Unknown(self.missing | _bounds(other).missing)

    def __rtruediv__(self, other: Any) -> Any:
        return Unknown(self.missing | _bounds(other).missing)

    def __abs__(self) -> Any:
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return _make(Decimal(0), max(-self.lo, self.hi), self.missing)

    # --- comparisons: true or false for every value in the range, else unknown ---
    def __lt__(self, other: Any) -> Any:
        b = _bounds(other)
        return _decide(self.hi < b.lo, self.lo >= b.hi, self, b)

    def __le__(self, other: Any) -> Any:
        b = _bounds(other)
        return _decide(self.hi <= b.lo, self.lo > b.hi, self, b)

    def __gt__(self, other: Any) -> Any:
        b = _bounds(other)
        return _decide(self.lo > b.hi, self.hi <= b.lo, self, b)

    def __ge__(self, other: Any) -> Any:
        b = _bounds(other)
        return _decide(self.lo >= b.hi, self.hi < b.lo, self, b)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        if not isinstance(other, (Interval, *NUMBER)) or isinstance(other, bool):
            return False
        b = _bounds(other)
        # never true: a range is not one number, and two ranges may hold different values
        return _decide(False, self.hi < b.lo or b.hi < self.lo, self, b)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        equal = self == other
        return equal if type(equal) is Unknown else not equal

    # --- functions ---
    def rounded(self, places: Any = None) -> Any:
        """`afgerond`: rounding never changes the order of two numbers."""
        quantum = CENT if places is None else Decimal(1).scaleb(-int(places))
        return _make(_round(self.lo, quantum), _round(self.hi, quantum), self.missing)


def _bounds(value: Any) -> Interval:
    if type(value) is Interval:
        return value
    if isinstance(value, bool) or not isinstance(value, NUMBER):
        raise TypeError("a range combines only with numbers")
    number = Decimal(value)
    return Interval(number, number, frozenset())


def _make(lo: Decimal, hi: Decimal, missing: frozenset[str]) -> Any:
    """A range, or the number itself where the bounds meet."""
    return lo if lo == hi else Interval(lo, hi, missing)


def _times(x: Decimal, y: Decimal) -> Decimal:
    """A product of bounds; zero times an infinite bound is zero (the bound is never reached)."""
    return Decimal(0) if x == 0 or y == 0 else x * y


def _round(value: Decimal, quantum: Decimal) -> Decimal:
    return value if value.is_infinite() else value.quantize(quantum, rounding=ROUND_HALF_UP)


def _decide(true: bool, false: bool, a: Interval, b: Interval) -> Any:
    if true:
        return True
    if false:
        return False
    return Unknown(a.missing | b.missing)


def is_range(value: Any) -> bool:
    return type(value) is Interval


def interval_min(values: tuple[Any, ...]) -> Any:
    bounds = [_bounds(v) for v in values]
    missing = frozenset().union(*(b.missing for b in bounds))
    return _make(min(b.lo for b in bounds), min(b.hi for b in bounds), missing)


def interval_max(values: tuple[Any, ...]) -> Any:
    bounds = [_bounds(v) for v in values]
    missing = frozenset().union(*(b.missing for b in bounds))
    return _make(max(b.lo for b in bounds), max(b.hi for b in bounds), missing)


def hull(values: list[Any], missing: frozenset[str]) -> Any:
    """The smallest range holding each of `values` (numbers or ranges): the value is one of
    them, but which one waits on `missing`."""
    bounds = [_bounds(v) for v in values]
    missing = missing.union(*(b.missing for b in bounds))
    lo, hi = min(b.lo for b in bounds), max(b.hi for b in bounds)
    return lo if lo == hi else Interval(lo, hi, missing)
