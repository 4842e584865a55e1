"""Static types of expressions, checked against the declared facts and parameters at load time.

Types: bool, number, money, date, text, list[T] and collection[record]. A number literal may
stand where money is expected (`vermogen > 0`); money never mixes with dates or text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engine.lang import ir

SCALARS = ("bool", "number", "money", "date", "text")
COLLECTION_FUNCTIONS = ("aantal", "som", "er_is", "voor_alle")


class ExpressionTypeError(ValueError):
    """The expression mixes types or names something that is not declared."""


@dataclass(frozen=True)
class Declared:
    """What the checker knows about a name: its type and, for text, its allowed values."""

    type: str
    values: tuple[str, ...] = ()
    kind: str = "fact"  # fact | parameter | field | builtin


@dataclass
class Scope:
    names: dict[str, Declared]
    records: dict[str, dict[str, Declared]] = field(default_factory=dict)
    item: str | None = None  # the record whose fields are in scope inside a collection predicate

    def lookup(self, name: str) -> Declared:
        if self.item is not None:
            found = self.records[self.item].get(name)
            if found is not None:
                return found
        found = self.names.get(name)
        if found is None:
            where = f" (or field of '{self.item}')" if self.item else ""
            raise ExpressionTypeError(f"'{name}' is not a declared fact or parameter{where}")
        return found

    def inside(self, record: str) -> Scope:
        return Scope(self.names, self.records, record)


def numeric(t: str) -> bool:
    return t in ("number", "money")


def compatible(a: str, b: str) -> bool:
    return a == b or (numeric(a) and numeric(b))


def check(node: ir.Node, scope: Scope) -> str:
    """The type of `node`; raise ExpressionTypeError with a readable message if it is wrong."""
    match node:
        case ir.Const(type=t):
            return t
        case ir.Name(id=name):
            return scope.lookup(name).type
        case ir.Not(operand=operand):
            _expect(operand, scope, "bool", "'not' needs a yes/no value")
            return "bool"
        case ir.BoolOp(op=op, operands=operands):
            for operand in operands:
                _expect(operand, scope, "bool", f"'{op}' needs yes/no values")
            return "bool"
        case ir.Compare():
            return _compare(node, scope)
        case ir.Arith():
            return _arith(node, scope)
        case ir.Neg(operand=operand):
            t = check(operand, scope)
            if not numeric(t):
                raise ExpressionTypeError(f"'{node.text}': only numbers and money can be negated")
            return t
        case ir.IfElse(test=test, then=then, orelse=orelse):
            _expect(test, scope, "bool", "the condition of 'if ... else' must be yes/no")
            a, b = check(then, scope), check(orelse, scope)
            if not compatible(a, b):
                raise ExpressionTypeError(
                    f"'{node.text}': both branches must have one type ({a}, {b})"
                )
            return "money" if "money" in (a, b) else a
        case ir.ListLit(items=items):
            types = {check(i, scope) for i in items}
            if not items:
                raise ExpressionTypeError("an empty list [] compares with nothing")
            if len(types) > 1 and not all(numeric(t) for t in types):
                raise ExpressionTypeError(f"'{node.text}': a list must hold one type")
            return f"list[{types.pop()}]"
        case ir.Call():
            return _call(node, scope)
    raise ExpressionTypeError(f"'{node.text}': unsupported expression")


def _expect(node: ir.Node, scope: Scope, wanted: str, message: str) -> None:
    got = check(node, scope)
    if not compatible(got, wanted):
        raise ExpressionTypeError(f"'{node.text}': {message} (this is {got})")


def _compare(node: ir.Compare, scope: Scope) -> str:
    left, right = check(node.left, scope), check(node.right, scope)
    if node.op in ("in", "not in"):
        if not right.startswith("list["):
            raise ExpressionTypeError(f"'{node.text}': 'in' needs a list on the right")
        element = right[5:-1]
        if not compatible(left, element):
            raise ExpressionTypeError(
                f"'{node.text}': cannot look for {left} in a list of {element}"
            )
        if isinstance(node.right, ir.ListLit):
            for item in node.right.items:
                _check_enum_value(node.left, item, scope)
        return "bool"
    if not compatible(left, right):
        raise ExpressionTypeError(f"'{node.text}': cannot compare {left} with {right}")
    if node.op in ("<", "<=", ">", ">=") and left not in ("number", "money", "date"):
        raise ExpressionTypeError(f"'{node.text}': {left} values have no order")
    _check_enum_value(node.left, node.right, scope)
    _check_enum_value(node.right, node.left, scope)
    return "bool"


def _check_enum_value(name_side: ir.Node, value_side: ir.Node, scope: Scope) -> None:
    """A text fact with declared values may only be compared with one of those values."""
    if isinstance(name_side, ir.Name) and isinstance(value_side, ir.Const):
        declared = scope.lookup(name_side.id)
        if declared.values and value_side.value not in declared.values:
            allowed = ", ".join(declared.values)
            raise ExpressionTypeError(
                f"'{value_side.value}' is not a value of '{name_side.id}' (allowed: {allowed})"
            )


def _arith(node: ir.Arith, scope: Scope) -> str:
    left, right = check(node.left, scope), check(node.right, scope)
    if not (numeric(left) and numeric(right)):
        raise ExpressionTypeError(
            f"'{node.text}': arithmetic needs numbers or money (got {left} and {right}); "
            "use plus_dagen() and similar for dates"
        )
    if node.op in ("+", "-"):
        return "money" if "money" in (left, right) else "number"
    if node.op == "*":
        if left == right == "money":
            raise ExpressionTypeError(f"'{node.text}': money times money has no meaning")
        return "money" if "money" in (left, right) else "number"
    # division
    if left == "money" and right == "money":
        return "number"
    if right == "money":
        raise ExpressionTypeError(f"'{node.text}': a number divided by money has no meaning")
    return left


def _call(node: ir.Call, scope: Scope) -> str:
    name, args = node.func, node.args
    if name in COLLECTION_FUNCTIONS:
        return _collection_call(node, scope)
    signature = FUNCTIONS.get(name)
    if signature is None:
        known = ", ".join(sorted([*FUNCTIONS, *COLLECTION_FUNCTIONS]))
        raise ExpressionTypeError(f"'{name}' is not a known function (known: {known})")
    types = [check(a, scope) for a in args]
    return signature(node, types)


# aantal(), som(), er_is() and voor_alle() inside one another: the cost is the number of items
# to the power of the depth (29 children, 8 deep, is beyond any time limit); the law needs 1.
MAX_COLLECTION_NESTING = 2


def _collection_depth(node: ir.Node) -> int:
    inner = max((_collection_depth(child) for child in ir.children(node)), default=0)
    return inner + 1 if isinstance(node, ir.Call) and node.func in COLLECTION_FUNCTIONS else inner


def _collection_call(node: ir.Call, scope: Scope) -> str:
    name, args = node.func, node.args
    if _collection_depth(node) > MAX_COLLECTION_NESTING:
        raise ExpressionTypeError(
            f"'{node.text}': aantal(), som(), er_is() and voor_alle() nest at most "
            f"{MAX_COLLECTION_NESTING} deep (the cost grows as the items to that power)"
        )
    arity = (2, 3) if name == "som" else (2,)
    if len(args) not in arity:
        raise ExpressionTypeError(
            f"'{node.text}': {name}() takes {' or '.join(map(str, arity))} arguments"
        )
    collection = check(args[0], scope)
    if not collection.startswith("collection["):
        raise ExpressionTypeError(
            f"'{node.text}': the first argument of {name}() must be a collection"
        )
    inner = scope.inside(collection[11:-1])
    if name == "som":
        value = check(args[1], inner)
        if not numeric(value):
            raise ExpressionTypeError(f"'{node.text}': som() adds numbers or money, not {value}")
        if len(args) == 3:
            _expect(args[2], inner, "bool", "the condition of som() must be yes/no")
        return value
    _expect(args[1], inner, "bool", f"the condition of {name}() must be yes/no")
    return "number" if name == "aantal" else "bool"


def _same_family(node: ir.Call, types: list[str], at_least: int = 1) -> str:
    if len(types) < at_least:
        raise ExpressionTypeError(
            f"'{node.text}': {node.func}() needs at least {at_least} arguments"
        )
    if all(numeric(t) for t in types):
        return "money" if "money" in types else "number"
    if all(t == "date" for t in types):
        return "date"
    raise ExpressionTypeError(
        f"'{node.text}': {node.func}() needs numbers, money or dates of one kind"
    )


def _fixed(result: str, *params: str):
    def signature(node: ir.Call, types: list[str]) -> str:
        if len(types) != len(params) or not all(
            compatible(t, p) for t, p in zip(types, params, strict=True)
        ):
            wanted = ", ".join(params)
            raise ExpressionTypeError(f"'{node.text}': {node.func}() takes ({wanted})")
        return result

    return signature


MAX_DECIMALS = 10


def _round(node: ir.Call, types: list[str]) -> str:
    if types == ["money"]:
        return "money"
    if len(types) == 2 and numeric(types[0]) and types[1] == "number":
        places = node.args[1]
        if isinstance(places, ir.Const) and not (
            places.value == int(places.value) and 0 <= places.value <= MAX_DECIMALS
        ):
            raise ExpressionTypeError(
                f"'{node.text}': afgerond() rounds to 0 to {MAX_DECIMALS} decimals"
            )
        return types[0]
    raise ExpressionTypeError(
        f"'{node.text}': afgerond(bedrag) rounds money to cents; afgerond(getal, decimalen) a number"
    )


def _abs(node: ir.Call, types: list[str]) -> str:
    if len(types) == 1 and numeric(types[0]):
        return types[0]
    raise ExpressionTypeError(f"'{node.text}': abs() takes one number or amount")


def _date(node: ir.Call, types: list[str]) -> str:
    if len(types) != 3 or not all(
        isinstance(a, ir.Const) and a.type == "number" and a.value == int(a.value)
        for a in node.args
    ):
        raise ExpressionTypeError(
            f"'{node.text}': datum(jaar, maand, dag) takes three whole numbers"
        )
    try:
        day = dt.date(*(int(a.value) for a in node.args))  # type: ignore[attr-defined]
    except (ValueError, OverflowError):
        day = None
    if day is None or not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ExpressionTypeError(f"'{node.text}': not a day in the calendar (1880 to 2200)")
    return "date"


EARLIEST_DAY, LATEST_DAY = dt.date(1880, 1, 1), dt.date(2200, 12, 31)  # as the profile's dates


FUNCTIONS = {
    "min": lambda node, types: _same_family(node, types, 2),
    "max": lambda node, types: _same_family(node, types, 2),
    "afgerond": _round,
    "abs": _abs,
    "leeftijd": _fixed("number", "date"),
    "leeftijd_op": _fixed("number", "date", "date"),
    "plus_dagen": _fixed("date", "date", "number"),
    "plus_weken": _fixed("date", "date", "number"),
    "plus_maanden": _fixed("date", "date", "number"),
    "plus_jaren": _fixed("date", "date", "number"),
    "plus_werkdagen": _fixed("date", "date", "number"),
    "datum": _date,
}
