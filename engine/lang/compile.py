"""Compile checked IR into closures that evaluate in three-valued (Kleene) logic.

A closure takes a Context and returns a value or an Unknown. Names are resolved at compile time
(fact, parameter, record field or peildatum), so evaluation does no lookups by kind.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, DivisionByZero, InvalidOperation
from typing import Any

from engine.calendar import add_working_days
from engine.errors import EvaluationError
from engine.intervals import Interval, hull, interval_max, interval_min
from engine.lang import ir
from engine.lang.types import Scope
from engine.values import Unknown, add_months, age_on, merge_unknown, to_cents

Closure = Callable[["Context"], Any]


class Context:
    """What an expression can see while it is evaluated."""

    __slots__ = ("facts", "item", "params", "peildatum")

    def __init__(self, facts: dict[str, Any], params: dict[str, Any], peildatum: date):
        self.facts = facts
        self.params = params
        self.peildatum = peildatum
        self.item: dict[str, Any] | None = None


_COMPARE_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "in": lambda a, b: a in b,
    "not in": lambda a, b: a not in b,
}


def compile_expr(node: ir.Node, scope: Scope) -> Closure:
    match node:
        case ir.Const(value=value):
            return lambda ctx: value
        case ir.Name(id=name):
            return _name(name, scope)
        case ir.Not(operand=operand):
            return _not(compile_expr(operand, scope))
        case ir.BoolOp(op="and", operands=operands):
            return _and([compile_expr(o, scope) for o in operands])
        case ir.BoolOp(op="or", operands=operands):
            return _or([compile_expr(o, scope) for o in operands])
        case ir.Compare(op=op, left=left, right=right):
            return _strict2(_COMPARE_OPS[op], compile_expr(left, scope), compile_expr(right, scope))
        case ir.Arith(op=op, left=left, right=right):
            return _arith(op, compile_expr(left, scope), compile_expr(right, scope), node.text)
        case ir.Neg(operand=operand):
            inner = compile_expr(operand, scope)
            return _strict([inner], lambda v: -v)
        case ir.IfElse(test=test, then=then, orelse=orelse):
            return _if(
                compile_expr(test, scope), compile_expr(then, scope), compile_expr(orelse, scope)
            )
        case ir.ListLit(items=items):
            return _strict([compile_expr(i, scope) for i in items], lambda *vs: tuple(vs))
        case ir.Call():
            return _call(node, scope)
    raise TypeError(f"cannot compile {node!r}")


def _name(name: str, scope: Scope) -> Closure:
    if scope.item is not None and name in scope.records[scope.item]:
        return lambda ctx: ctx.item[name]
    kind = scope.names[name].kind
    if kind == "parameter":
        return lambda ctx: ctx.params[name]
    if kind == "builtin":
        return lambda ctx: ctx.peildatum
    return lambda ctx: ctx.facts[name]


def _not(inner: Closure) -> Closure:
    def evaluate(ctx: Context) -> Any:
        value = inner(ctx)
        return value if type(value) is Unknown else not value

    return evaluate


def _kleene(values: Any, decisive: bool) -> Any:
    """`and` (decisive=False) or `or` (decisive=True) over values, stopping at a decisive one."""
    unknown = None
    for value in values:
        if value is decisive:
            return decisive
        if type(value) is Unknown:
            unknown = value if unknown is None else merge_unknown(unknown, value)
    return (not decisive) if unknown is None else unknown


def _connective(parts: list[Closure], decisive: bool) -> Closure:
    """`and` (decisive=False) or `or` (decisive=True), stopping at the first decisive value."""
    neutral = not decisive

    def evaluate(ctx: Context) -> Any:
        unknown = None
        for part in parts:
            value = part(ctx)
            if value is decisive:
                return decisive
            if value is not neutral:
                unknown = value if unknown is None else merge_unknown(unknown, value)
        return neutral if unknown is None else unknown

    return evaluate


def _and(parts: list[Closure]) -> Closure:
    return _connective(parts, decisive=False)


def _or(parts: list[Closure]) -> Closure:
    return _connective(parts, decisive=True)


def _strict2(function: Callable[[Any, Any], Any], left: Closure, right: Closure) -> Closure:
    def evaluate(ctx: Context) -> Any:
        a = left(ctx)
        b = right(ctx)
        if type(a) is Unknown or type(b) is Unknown:
            return merge_unknown(a, b)
        return function(a, b)

    return evaluate


def _strict(parts: list[Closure], function: Callable[..., Any]) -> Closure:
    """Unknown if any argument is unknown, else the function of the values."""

    def evaluate(ctx: Context) -> Any:
        values = [part(ctx) for part in parts]
        if any(type(v) is Unknown for v in values):
            return merge_unknown(*values)
        return function(*values)

    return evaluate


def _divide(a: Any, b: Any) -> Any:
    if type(a) is Interval or type(b) is Interval:
        return a / b
    return Decimal(a) / Decimal(b)


_ARITH_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": _divide}


def _arith(op: str, left: Closure, right: Closure, text: str) -> Closure:
    function = _ARITH_OPS[op]

    def guarded(a: Any, b: Any) -> Any:
        try:
            return function(a, b)
        except (ZeroDivisionError, DivisionByZero, InvalidOperation):
            raise EvaluationError(f"division by zero in '{text}'") from None

    return _strict2(guarded, left, right)


def _if(test: Closure, then: Closure, orelse: Closure) -> Closure:
    def evaluate(ctx: Context) -> Any:
        condition = test(ctx)
        if condition is True:
            return then(ctx)
        if condition is False:
            return orelse(ctx)
        a, b = then(ctx), orelse(ctx)
        if type(a) is Interval or type(b) is Interval:
            return _either(condition, a, b)
        if type(a) is not Unknown and type(b) is not Unknown and a == b:
            return a  # both branches agree: the condition does not matter
        return merge_unknown(condition, a, b)

    return evaluate


def _either(condition: Unknown, a: Any, b: Any) -> Any:
    """Case analysis only: one of two numbers or ranges, as the condition turns out."""
    if type(a) is Unknown or type(b) is Unknown:
        return merge_unknown(condition, a, b)
    return hull([a, b], condition.missing)


def _round(value: Any, places: Any = None) -> Any:
    if type(value) is Interval:
        return value.rounded(places)
    if places is None:
        return to_cents(Decimal(value))
    return Decimal(value).quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP)


def _min(*values: Any) -> Any:
    try:
        return min(values)
    except TypeError:  # a range that overlaps another: the range of the least
        return interval_min(values)


def _max(*values: Any) -> Any:
    try:
        return max(values)
    except TypeError:
        return interval_max(values)


_SCALAR_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "min": _min,
    "max": _max,
    "abs": abs,
    "afgerond": _round,
    "leeftijd_op": age_on,
    "plus_dagen": lambda d, n: date.fromordinal(d.toordinal() + int(n)),
    "plus_weken": lambda d, n: date.fromordinal(d.toordinal() + 7 * int(n)),
    "plus_maanden": lambda d, n: add_months(d, int(n)),
    "plus_jaren": lambda d, n: add_months(d, 12 * int(n)),
    "plus_werkdagen": add_working_days,
}


def _date_safe(function: Callable[..., Any], text: str) -> Callable[..., Any]:
    def guarded(*args: Any) -> Any:
        try:
            return function(*args)
        except (ValueError, OverflowError):
            raise EvaluationError(f"the date in '{text}' falls outside the calendar") from None

    return guarded


def _call(node: ir.Call, scope: Scope) -> Closure:
    name = node.func
    if name == "datum":
        value = date(*(int(a.value) for a in node.args))  # type: ignore[attr-defined]
        return lambda ctx: value
    if name in ("aantal", "som", "er_is", "voor_alle"):
        return _collection(node, scope)
    args = [compile_expr(a, scope) for a in node.args]
    if name == "leeftijd":
        birth = args[0]
        return _strict([birth, lambda ctx: ctx.peildatum], age_on)
    function = _SCALAR_FUNCTIONS[name]
    if name.startswith("plus_"):
        function = _date_safe(function, node.text)
    return _strict(args, function)


def _collection(node: ir.Call, scope: Scope) -> Closure:
    collection = compile_expr(node.args[0], scope)
    record = scope.names[node.args[0].id].type[11:-1] if isinstance(node.args[0], ir.Name) else None
    inner = scope.inside(record) if record else scope
    parts = [compile_expr(a, inner) for a in node.args[1:]]

    def over_items(ctx: Context, body: Callable[[list[Any]], Any]) -> Any:
        items = collection(ctx)
        if type(items) is Unknown:
            return items
        outer = ctx.item
        try:
            return body(items)
        finally:
            ctx.item = outer

    def each(ctx: Context, items: list[Any], part: Closure) -> list[Any]:
        values = []
        for item in items:
            ctx.item = item
            values.append(part(ctx))
        return values

    if node.func in ("er_is", "voor_alle"):
        decisive = node.func == "er_is"
        condition = parts[0]

        def quantify(ctx: Context) -> Any:
            return over_items(ctx, lambda items: _kleene(each(ctx, items, condition), decisive))

        return quantify

    if node.func == "aantal":
        condition = parts[0]

        def count(ctx: Context) -> Any:
            def body(items: list[Any]) -> Any:
                values = each(ctx, items, condition)
                if any(type(v) is Unknown for v in values):
                    return merge_unknown(*values)
                return sum(1 for v in values if v)

            return over_items(ctx, body)

        return count

    amount = parts[0]
    condition = parts[1] if len(parts) > 1 else None

    def total(ctx: Context) -> Any:
        def body(items: list[Any]) -> Any:
            result: Any = Decimal(0)
            unknowns = []
            for item in items:
                ctx.item = item
                keep = True if condition is None else condition(ctx)
                if keep is False:
                    continue
                value = amount(ctx)
                if type(keep) is Unknown or type(value) is Unknown:
                    unknowns.extend((keep, value))
                    continue
                result += value
            return merge_unknown(*unknowns) if unknowns else result

        return over_items(ctx, body)

    return total
