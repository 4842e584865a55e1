"""Columns of values for a batch of households, with the three-valued bookkeeping.

A Col holds one value per household (`val`) and three masks: `unk` (the value is unknown),
`pol` (an unknown that waits for a municipal figure, a `beleid:` name in native terms) and
`err` (evaluating it would have raised in the native backend, e.g. a division by zero).
Where `unk` is set, `val` holds a placeholder that nothing may read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np

from engine.compile.plan import POLICY_PREFIX
from engine.values import Unknown


@dataclass(slots=True)
class Col:
    val: np.ndarray
    unk: np.ndarray
    pol: np.ndarray
    err: np.ndarray

    @property
    def known(self) -> np.ndarray:
        return ~self.unk


@dataclass(slots=True)
class Coll:
    """A collection per household: items flattened, each with the household it belongs to."""

    owner: np.ndarray  # household index of each item
    index: np.ndarray  # position of each item within its household's list
    fields: dict[str, Col]  # one Col per record field, one entry per item
    unk: np.ndarray  # per household: the collection itself is unknown
    pol: np.ndarray
    err: np.ndarray


def falses(n: int) -> np.ndarray:
    return np.zeros(n, dtype=bool)


def constant(value: Any, n: int, kind: str) -> Col:
    """A value (or Unknown) the same for every household."""
    if type(value) is Unknown:
        policy = any(m.startswith(POLICY_PREFIX) for m in value.missing)
        val = falses(n) if kind == "bool" else np.full(n, None, dtype=object)
        return Col(val, np.ones(n, dtype=bool), np.full(n, policy), falses(n))
    if kind == "bool":
        return Col(np.full(n, bool(value)), falses(n), falses(n), falses(n))
    val = np.empty(n, dtype=object)
    val[:] = [value] * n if isinstance(value, tuple) else value
    return Col(val, falses(n), falses(n), falses(n))


def from_values(values: Sequence[Any], kind: str) -> Col:
    """A column from per-household values, any of which may be Unknown."""
    n = len(values)
    unk = np.fromiter((type(v) is Unknown for v in values), dtype=bool, count=n)
    pol = falses(n)
    if unk.any():
        for i in np.flatnonzero(unk):
            pol[i] = any(m.startswith(POLICY_PREFIX) for m in values[i].missing)
    if kind == "bool":
        val = np.fromiter((v is True for v in values), dtype=bool, count=n)
    else:
        val = np.empty(n, dtype=object)
        val[:] = [None if type(v) is Unknown else v for v in values]
    return Col(val, unk, pol, falses(n))


def gather(col: Col, rows: np.ndarray) -> Col:
    """The column's values for the given households (e.g. each item's owner)."""
    return Col(col.val[rows], col.unk[rows], col.pol[rows], col.err[rows])


def apply(
    function: Callable[..., Any], parts: Sequence[Col], rows: np.ndarray, kind: str
) -> tuple[np.ndarray, np.ndarray]:
    """Apply a Python function element-wise on the given households; (values, raised)."""
    n = len(rows)
    val = falses(n) if kind == "bool" else np.full(n, None, dtype=object)
    raised = falses(n)
    where = np.flatnonzero(rows)
    if not len(where):
        return val, raised
    arguments = [p.val[where] for p in parts]
    try:  # the common case: nothing raises, and numpy loops without a guard per element
        results = _ufunc(function, len(parts))(*arguments)
        failed = falses(len(where))
    except (ValueError, OverflowError, ArithmeticError):
        results = _guarded(function, len(parts))(*arguments)
        failed = np.fromiter((r is _RAISED for r in results), dtype=bool, count=len(where))
    raised[where[failed]] = True
    val[where[~failed]] = results[~failed]
    if kind == "bool":
        val = val.astype(bool)
    return val, raised


_RAISED = object()


@cache
def _ufunc(function: Callable[..., Any], nin: int) -> Any:
    return np.frompyfunc(function, nin, 1)


@cache
def _guarded(function: Callable[..., Any], nin: int) -> Any:
    """A numpy ufunc over objects that yields _RAISED where native evaluation would raise."""

    def guarded(*args: Any) -> Any:
        try:
            return function(*args)
        except (ValueError, OverflowError, ArithmeticError):
            return _RAISED

    return np.frompyfunc(guarded, nin, 1)


def same(a: Col, b: Col, a_bool: bool, b_bool: bool) -> np.ndarray:
    """Per household: both known and equal (a yes/no never equals a number)."""
    both = ~a.unk & ~b.unk
    if a_bool != b_bool:
        return falses(len(both))
    if a_bool:
        return both & (a.val == b.val)
    return both & np.equal(a.val, b.val, dtype=object).astype(bool)
