"""Parse expression text into IR through an allow-list of Python syntax.

Python's own parser reads the text; only the node kinds below are accepted, everything else is
refused with a message that names the construct. Nothing is ever evaluated here.
"""

from __future__ import annotations

import ast
import threading
from decimal import Decimal, InvalidOperation

from engine.lang import ir

MAX_LENGTH = 2_000
MAX_DEPTH = 40
MAX_NODES = 400
MAX_NUMBER_DIGITS = 15
MAX_TEXT_LENGTH = 200

BOOL_NAMES = {"true": True, "false": False, "waar": True, "onwaar": False}

_COMPARE = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.In: "in",
    ast.NotIn: "not in",
}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}

_REFUSED = {
    ast.Attribute: "attribute access (a.b) is not allowed",
    ast.Subscript: "indexing (a[b]) is not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.ListComp: "comprehensions are not allowed; use aantal(), som(), er_is() or voor_alle()",
    ast.SetComp: "comprehensions are not allowed; use aantal(), som(), er_is() or voor_alle()",
    ast.DictComp: "comprehensions are not allowed; use aantal(), som(), er_is() or voor_alle()",
    ast.GeneratorExp: "comprehensions are not allowed; use aantal(), som(), er_is() or voor_alle()",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.Starred: "* arguments are not allowed",
    ast.Dict: "dictionaries are not allowed",
    ast.Set: "sets are not allowed; use a list [a, b]",
    ast.JoinedStr: "f-strings are not allowed",
    ast.Await: "await is not allowed",
    ast.Yield: "yield is not allowed",
}


class ExpressionSyntaxError(ValueError):
    """The text is not an expression of the rule language. The message says why."""


# CPython 3.11 keeps ast.parse's recursion bookkeeping per interpreter, not per thread: parsing
# in several threads at once can raise "AST constructor recursion depth mismatch".
_PARSING = threading.Lock()


def parse(text: str) -> ir.Node:
    if not isinstance(text, str):
        raise ExpressionSyntaxError("an expression must be text")
    if len(text) > MAX_LENGTH:
        raise ExpressionSyntaxError(f"the expression is longer than {MAX_LENGTH} characters")
    if not text.strip():
        raise ExpressionSyntaxError("the expression is empty")
    source = " ".join(text.split())  # YAML folded lines become one line
    try:
        with _PARSING:
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionSyntaxError(f"not a valid expression ({exc.msg})") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionSyntaxError("the expression is nested too deeply") from None
    count = sum(1 for _ in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionSyntaxError(f"the expression has more than {MAX_NODES} parts")
    return _Converter(source).convert(tree.body, 0)


class _Converter:
    def __init__(self, source: str):
        # One line (see parse), so a node's text is a slice; ast's offsets count UTF-8 bytes.
        # (ast.get_source_segment splits the whole source again for every node.)
        self.source = source.encode("utf-8", "surrogatepass")

    def text(self, node: ast.AST) -> str:
        start = getattr(node, "col_offset", None)
        end = getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return ""
        return self.source[start:end].decode("utf-8", "surrogatepass")

    def convert(self, node: ast.AST, depth: int) -> ir.Node:
        if depth > MAX_DEPTH:
            raise ExpressionSyntaxError(f"the expression is nested deeper than {MAX_DEPTH} levels")
        down = depth + 1
        text = self.text(node)
        match node:
            case ast.BoolOp(op=op, values=values):
                name = "and" if isinstance(op, ast.And) else "or"
                return ir.BoolOp(text, name, tuple(self.convert(v, down) for v in values))
            case ast.UnaryOp(op=ast.Not(), operand=operand):
                return ir.Not(text, self.convert(operand, down))
            case ast.UnaryOp(op=ast.USub(), operand=operand):
                return ir.Neg(text, self.convert(operand, down))
            case ast.Compare(left=left, ops=ops, comparators=rights):
                return self.compare(text, left, ops, rights, down)
            case ast.BinOp(op=op, left=left, right=right):
                symbol = _ARITH.get(type(op))
                if symbol is None:
                    raise ExpressionSyntaxError(
                        f"the operator in '{text}' is not allowed; use + - * / only"
                    )
                return ir.Arith(text, symbol, self.convert(left, down), self.convert(right, down))
            case ast.IfExp(test=test, body=body, orelse=orelse):
                return ir.IfElse(
                    text,
                    self.convert(test, down),
                    self.convert(body, down),
                    self.convert(orelse, down),
                )
            case ast.Call(func=ast.Name(id=func), args=args, keywords=[]):
                return ir.Call(text, func, tuple(self.convert(a, down) for a in args))
            case ast.Call():
                raise ExpressionSyntaxError(
                    f"'{text}': only calls of named functions with plain arguments are allowed"
                )
            case ast.List(elts=items) | ast.Tuple(elts=items):
                return ir.ListLit(text, tuple(self.convert(i, down) for i in items))
            case ast.Name(id=name):
                if name in BOOL_NAMES:
                    return ir.Const(text, BOOL_NAMES[name], "bool")
                if name.startswith("_"):
                    raise ExpressionSyntaxError(f"names may not start with '_': '{name}'")
                return ir.Name(text, name)
            case ast.Constant(value=value):
                return self.constant(text, value)
        for kind, message in _REFUSED.items():
            if isinstance(node, kind):
                raise ExpressionSyntaxError(f"'{text}': {message}")
        raise ExpressionSyntaxError(f"'{text}': this kind of expression is not allowed")

    def compare(self, text: str, left: ast.AST, ops: list, rights: list, down: int) -> ir.Node:
        if any(type(op) not in _COMPARE for op in ops):
            raise ExpressionSyntaxError(f"'{text}': 'is' comparisons are not allowed; use ==")
        parts: list[ir.Node] = []
        current = self.convert(left, down)
        for op, right_node in zip(ops, rights, strict=True):
            right = self.convert(right_node, down)
            symbol = _COMPARE[type(op)]
            parts.append(
                ir.Compare(f"{current.text} {symbol} {right.text}", symbol, current, right)
            )
            current = right
        return parts[0] if len(parts) == 1 else ir.BoolOp(text, "and", tuple(parts))

    def constant(self, text: str, value: object) -> ir.Const:
        if isinstance(value, bool):
            return ir.Const(text, value, "bool")
        if isinstance(value, int | float):
            digits = text.replace("_", "").replace(".", "").lstrip("0")
            if len(digits) > MAX_NUMBER_DIGITS or "e" in text.lower() or "j" in text.lower():
                raise ExpressionSyntaxError(
                    f"the number '{text[:20]}' is too long or not a plain decimal number"
                )
            try:
                number = Decimal(text.replace("_", ""))
            except InvalidOperation:
                raise ExpressionSyntaxError(f"'{text}' is not a plain decimal number") from None
            return ir.Const(text, int(number) if isinstance(value, int) else number, "number")
        if isinstance(value, str):
            if len(value) > MAX_TEXT_LENGTH:
                raise ExpressionSyntaxError(
                    f"a text literal is longer than {MAX_TEXT_LENGTH} characters"
                )
            return ir.Const(text, value, "text")
        raise ExpressionSyntaxError(f"the literal '{text[:20]}' is not allowed")
