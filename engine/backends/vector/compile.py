"""Compile checked IR into column functions: the native closures' semantics, a batch at a time.

Each function takes an Env (the batch's columns) and returns a Col. The three-valued logic,
the merging of unknowns and the points where native evaluation raises are reproduced exactly:
the differential tests compare every outcome with the native backend.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np

from engine.backends.vector.columns import Col, Coll, apply, constant, falses, gather, same
from engine.lang import ir
from engine.lang.compile import _COMPARE_OPS, _SCALAR_FUNCTIONS, _divide
from engine.lang.types import Scope, check

ColumnFn = Callable[["Env"], Col]


class Env:
    """The columns an expression can see: facts, parameters, the peildatum, and inside a
    collection the current items (with outer columns gathered per item)."""

    __slots__ = ("facts", "item", "n", "owner", "params", "peildatum")

    def __init__(self, n: int, facts: dict[str, Any], params: dict[str, Col], peildatum: date):
        self.n = n
        self.facts = facts
        self.params = params
        self.peildatum = peildatum
        self.item: dict[str, Col] | None = None
        self.owner: np.ndarray | None = None  # inside a collection: each item's household

    def inside(self, coll: Coll) -> Env:
        """The items of a collection as the batch: outer columns are gathered per item."""
        inner = Env(len(coll.owner), {}, {}, self.peildatum)
        inner.item = coll.fields
        inner.owner = coll.owner
        inner.facts = _Gathered(self.facts, coll.owner)  # type: ignore[assignment]
        inner.params = _Gathered(self.params, coll.owner)  # type: ignore[assignment]
        return inner


class _Gathered(dict):
    """Outer columns seen from inside a collection: each item gets its household's value."""

    def __init__(self, outer: dict[str, Any], owner: np.ndarray) -> None:
        super().__init__()
        self.outer, self.owner = outer, owner

    def __missing__(self, name: str) -> Col:
        column = gather(self.outer[name], self.owner)
        self[name] = column
        return column


COMPARE = _COMPARE_OPS  # the native operators, applied to whole columns


def compile_column(node: ir.Node, scope: Scope) -> ColumnFn:
    kind = "bool" if check(node, scope) == "bool" else "object"
    match node:
        case ir.Const(value=value):
            return lambda env: constant(value, env.n, kind)
        case ir.Name(id=name):
            return _name(name, scope)
        case ir.Not(operand=operand):
            return _not(compile_column(operand, scope))
        case ir.BoolOp(op=op, operands=operands):
            return _connective([compile_column(o, scope) for o in operands], op == "or")
        case ir.Compare(op=op, left=left, right=right):
            return _compare(op, compile_column(left, scope), compile_column(right, scope))
        case ir.Arith(op=op, left=left, right=right):
            return _arith(op, compile_column(left, scope), compile_column(right, scope))
        case ir.Neg(operand=operand):
            return _strict([compile_column(operand, scope)], operator.neg, kind)
        case ir.IfElse(test=test, then=then, orelse=orelse):
            return _if(
                compile_column(test, scope),
                compile_column(then, scope),
                compile_column(orelse, scope),
                kind == "bool",
            )
        case ir.ListLit(items=items):
            parts = [compile_column(i, scope) for i in items]
            return _strict(parts, lambda *vs: tuple(vs), kind)
        case ir.Call():
            return _call(node, scope, kind)
    raise TypeError(f"cannot compile {node!r}")


def _name(name: str, scope: Scope) -> ColumnFn:
    if scope.item is not None and name in scope.records[scope.item]:
        return lambda env: env.item[name]  # type: ignore[index]
    kind = scope.names[name].kind
    if kind == "parameter":
        return lambda env: env.params[name]
    if kind == "builtin":
        return lambda env: constant(env.peildatum, env.n, "object")
    return lambda env: env.facts[name]


def _not(inner: ColumnFn) -> ColumnFn:
    def evaluate(env: Env) -> Col:
        a = inner(env)
        return Col(~a.val & ~a.unk, a.unk, a.pol, a.err)

    return evaluate


def _connective(parts: list[ColumnFn], decisive: bool) -> ColumnFn:
    """Kleene `and`/`or`, left to right: a decisive value settles it, and what follows it is
    not evaluated (so cannot raise); otherwise unknown if any part is, with all their gaps."""

    def evaluate(env: Env) -> Col:
        settled = falses(env.n)
        unk, pol, err = falses(env.n), falses(env.n), falses(env.n)
        for part in parts:
            value = part(env)
            err |= value.err & ~settled
            open_here = value.unk & ~settled
            unk |= open_here
            pol |= open_here & value.pol
            settled |= ~value.unk & (value.val == decisive)
        result = settled if decisive else ~settled & ~unk
        unk &= ~settled
        return Col(result & ~unk, unk, pol & unk, err)

    return evaluate


def _strict(parts: list[ColumnFn], function: Callable[..., Any], kind: str) -> ColumnFn:
    def evaluate(env: Env) -> Col:
        values = [part(env) for part in parts]
        unk, pol, err = _merge(values, env.n)
        val, raised = apply(function, values, ~unk, kind)
        return Col(val, unk, pol, err | raised)

    return evaluate


def _merge(values: list[Col], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    unk, pol, err = falses(n), falses(n), falses(n)
    for v in values:
        unk = unk | v.unk
        pol = pol | (v.unk & v.pol)
        err = err | v.err
    return unk, pol, err


def _compare(op: str, left: ColumnFn, right: ColumnFn) -> ColumnFn:
    def evaluate(env: Env) -> Col:
        a, b = left(env), right(env)
        unk, pol, err = _merge([a, b], env.n)
        known = ~unk
        if op in ("in", "not in"):
            val, raised = apply(COMPARE[op], [a, b], known, "bool")  # membership, per household
            return Col(val, unk, pol, err | raised)
        if a.val.dtype == bool and b.val.dtype == bool:
            return Col(COMPARE[op](a.val, b.val) & known, unk, pol, err)
        val = falses(env.n)
        rows = np.flatnonzero(known)
        if len(rows):
            val[rows] = COMPARE[op](a.val[rows], b.val[rows]).astype(bool)
        return Col(val, unk, pol, err)

    return evaluate


ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}


def _arith(op: str, left: ColumnFn, right: ColumnFn) -> ColumnFn:
    def evaluate(env: Env) -> Col:
        a, b = left(env), right(env)
        unk, pol, err = _merge([a, b], env.n)
        rows = np.flatnonzero(~unk)
        val = np.full(env.n, None, dtype=object)
        if op == "/":
            zero = np.zeros(env.n, dtype=bool)
            if len(rows):
                zero[rows] = b.val[rows] == 0
                good = rows[~zero[rows]]
                val[good] = [_divide(x, y) for x, y in zip(a.val[good], b.val[good], strict=True)]
            return Col(val, unk, pol, err | zero)
        if len(rows):
            val[rows] = ARITH[op](a.val[rows], b.val[rows])
        return Col(val, unk, pol, err)

    return evaluate


def _if(test: ColumnFn, then: ColumnFn, orelse: ColumnFn, is_bool: bool) -> ColumnFn:
    def evaluate(env: Env) -> Col:
        t, a, b = test(env), then(env), orelse(env)
        yes, no = ~t.unk & t.val, ~t.unk & ~t.val
        agree = t.unk & same(a, b, is_bool, is_bool)
        val = np.where(yes, a.val, b.val)
        unk = (yes & a.unk) | (no & b.unk) | (t.unk & ~agree)
        pol = (yes & a.unk & a.pol) | (no & b.unk & b.pol)
        pol |= t.unk & ~agree & (t.pol | (a.unk & a.pol) | (b.unk & b.pol))
        err = t.err | (a.err & ~no) | (b.err & ~yes)
        if not is_bool:
            val = val.astype(object)
        return Col(val, unk, pol, err)

    return evaluate


def _call(node: ir.Call, scope: Scope, kind: str) -> ColumnFn:
    name = node.func
    if name == "datum":
        value = date(*(int(a.value) for a in node.args))  # type: ignore[attr-defined]
        return lambda env: constant(value, env.n, "object")
    if name in ("aantal", "som", "er_is", "voor_alle"):
        return _collection(node, scope)
    args = [compile_column(a, scope) for a in node.args]
    if name == "leeftijd":
        return _age(args[0])
    if name in ("min", "max") and len(args) >= 2:
        return _extreme(args, np.minimum if name == "min" else np.maximum)
    return _strict(args, _SCALAR_FUNCTIONS[name], kind)


def _age(birth: ColumnFn) -> ColumnFn:
    """Completed years on the peildatum, for all households at once (as `age_on`)."""

    def evaluate(env: Env) -> Col:
        born = birth(env)
        known = np.flatnonzero(~born.unk)
        val = np.full(env.n, None, dtype=object)
        if len(known):
            days = np.array(born.val[known].tolist(), dtype="datetime64[D]")
            months = days.astype("datetime64[M]")
            year = months.astype("datetime64[Y]").astype(np.int64) + 1970
            month = months.astype(np.int64) % 12 + 1
            day = (days - months).astype(np.int64) + 1
            on = env.peildatum
            before = (month > on.month) | ((month == on.month) & (day > on.day))
            val[known] = (on.year - year - before).tolist()
        return Col(val, born.unk, born.pol, born.err)

    return evaluate


def _extreme(parts: list[ColumnFn], pick: Any) -> ColumnFn:
    """min() or max() of known values, element-wise (comparisons of numbers cannot raise)."""

    def evaluate(env: Env) -> Col:
        values = [part(env) for part in parts]
        unk, pol, err = _merge(values, env.n)
        val = np.full(env.n, None, dtype=object)
        known = np.flatnonzero(~unk)
        if len(known):
            result = values[0].val[known]
            for value in values[1:]:
                result = pick(result, value.val[known])
            val[known] = result
        return Col(val, unk, pol, err)

    return evaluate


def _collection(node: ir.Call, scope: Scope) -> ColumnFn:
    collection = compile_column(node.args[0], scope)
    record = scope.names[node.args[0].id].type[11:-1]  # type: ignore[attr-defined]
    inner = scope.inside(record)
    parts = [compile_column(a, inner) for a in node.args[1:]]
    func = node.func

    def evaluate(env: Env) -> Col:
        coll: Coll = collection(env)  # type: ignore[assignment]
        items = env.inside(coll)
        n = env.n
        if func in ("er_is", "voor_alle"):
            return _quantify(coll, parts[0](items), n, decisive=func == "er_is")
        if func == "aantal":
            return _count(coll, parts[0](items), n)
        condition = parts[1](items) if len(parts) > 1 else None
        return _total(coll, parts[0](items), condition, n)

    return evaluate


def _per_household(owner: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Per household: does any of its items have the mask set?"""
    return np.bincount(owner[mask], minlength=n) > 0 if len(owner) else falses(n)


def _quantify(coll: Coll, cond: Col, n: int, decisive: bool) -> Col:
    hit = _per_household(coll.owner, ~cond.unk & (cond.val == decisive), n)
    open_ = _per_household(coll.owner, cond.unk, n)
    pol_items = _per_household(coll.owner, cond.unk & cond.pol, n)
    err_items = _per_household(coll.owner, cond.err, n)
    unk = coll.unk | (~hit & open_)
    pol = (coll.unk & coll.pol) | (~coll.unk & ~hit & pol_items)
    val = (hit if decisive else ~hit) & ~unk
    return Col(val, unk, pol & unk, coll.err | (~coll.unk & err_items))


def _count(coll: Coll, cond: Col, n: int) -> Col:
    open_ = _per_household(coll.owner, cond.unk, n)
    pol_items = _per_household(coll.owner, cond.unk & cond.pol, n)
    counts = (
        np.bincount(coll.owner[~cond.unk & cond.val], minlength=n)
        if len(coll.owner)
        else np.zeros(n, int)
    )
    unk = coll.unk | open_
    val = np.empty(n, dtype=object)
    val[:] = [int(c) for c in counts]
    pol = (coll.unk & coll.pol) | (~coll.unk & pol_items)
    err = coll.err | (~coll.unk & _per_household(coll.owner, cond.err, n))
    return Col(val, unk, pol & unk, err)


def _total(coll: Coll, amount: Col, condition: Col | None, n: int) -> Col:
    m = len(coll.owner)
    keep_known = np.ones(m, dtype=bool) if condition is None else ~condition.unk & condition.val
    keep_open = falses(m) if condition is None else condition.unk
    counted = keep_known | keep_open  # native evaluates the amount unless the condition is False
    item_unknown = keep_open | (counted & amount.unk)
    item_pol = (keep_open & condition.pol) if condition is not None else falses(m)
    item_pol = item_pol | (counted & amount.unk & amount.pol)
    add = keep_known & ~amount.unk
    sums = [Decimal(0)] * n
    for owner, value in zip(coll.owner[add], amount.val[add], strict=True):
        sums[owner] += value
    val = np.empty(n, dtype=object)
    val[:] = sums
    unk = coll.unk | _per_household(coll.owner, item_unknown, n)
    pol = (coll.unk & coll.pol) | (~coll.unk & _per_household(coll.owner, item_pol, n))
    item_err = (counted & amount.err) | (condition.err if condition is not None else falses(m))
    err = coll.err | (~coll.unk & _per_household(coll.owner, item_err, n))
    return Col(val, unk, pol & unk, err)
