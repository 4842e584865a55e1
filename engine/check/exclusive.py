"""Can two conditions both be true? A conservative test used to find rule conflicts at load.

`exclusive(a, b)` is True only when it can prove that no facts make both true: one conjunct of
each side contradicts the other (x == "a" against x == "b", leeftijd < 21 against
leeftijd >= 21, x against not x). False means "could overlap", not "does overlap".
"""

from __future__ import annotations

from decimal import Decimal

from engine.lang import ir

_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def conjuncts(node: ir.Node) -> list[ir.Node]:
    if isinstance(node, ir.BoolOp) and node.op == "and":
        return [c for operand in node.operands for c in conjuncts(operand)]
    return [node]


MAX_CASES = 64


def exclusive(a: ir.Node, b: ir.Node) -> bool:
    return _exclusive(conjuncts(a), conjuncts(b), [MAX_CASES])


def _exclusive(left: list[ir.Node], right: list[ir.Node], budget: list[int]) -> bool:
    """Split a top-level 'or' into cases: exclusive if every case is."""
    for side, other, swap in ((left, right, False), (right, left, True)):
        for index, part in enumerate(side):
            if isinstance(part, ir.BoolOp) and part.op == "or":
                budget[0] -= len(part.operands)
                if budget[0] < 0:
                    return False  # too many cases to prove: treat as overlapping
                rest = side[:index] + side[index + 1 :]
                cases = [rest + conjuncts(option) for option in part.operands]
                return all(
                    _exclusive(other, case, budget) if swap else _exclusive(case, other, budget)
                    for case in cases
                )
    return any(_contradict(x, y) for x in left for y in right)


def _contradict(x: ir.Node, y: ir.Node) -> bool:
    lx, ly = _literal(x), _literal(y)
    if lx is not None and ly is not None:
        return lx[0] == ly[0] and lx[1] != ly[1]
    fx, fy = _constraint(x), _constraint(y)
    if fx is None or fy is None or fx[0] != fy[0]:
        return False
    return not _overlap(fx[1], fy[1])


def _literal(node: ir.Node) -> tuple[str, bool] | None:
    """A yes/no test as (subject, polarity): `p`, `not p`, `p == false`, `p != true` ..."""
    if isinstance(node, ir.Not):
        inner = _literal(node.operand)
        return None if inner is None else (inner[0], not inner[1])
    if isinstance(node, ir.Name):
        return _key(node), True
    if isinstance(node, ir.Compare) and node.op in ("==", "!="):
        for subject, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(other, ir.Const) and isinstance(other.value, bool):
                inner = _literal(subject)
                if inner is None:
                    return None
                polarity = inner[1] == other.value
                return inner[0], polarity if node.op == "==" else not polarity
    return None


def _key(node: ir.Node) -> str:
    return " ".join(node.text.split())


def _constraint(node: ir.Node) -> tuple[str, tuple] | None:
    """Normalise `subject OP constant` into (subject, set-or-interval)."""
    if not isinstance(node, ir.Compare):
        return None
    left, right, op = node.left, node.right, node.op
    if isinstance(left, ir.Const) and not isinstance(right, ir.Const) and op in _FLIP:
        left, right, op = right, left, _FLIP[op]
    if op in ("in", "not in") and isinstance(right, ir.ListLit):
        if all(isinstance(i, ir.Const) for i in right.items):
            values = frozenset(i.value for i in right.items)  # type: ignore[attr-defined]
            return _key(left), ("in" if op == "in" else "out", values)
        return None
    if isinstance(right, ir.Const):
        value = right.value
        if op == "==":
            return _key(left), ("in", frozenset({value}))
        if op == "!=":
            return _key(left), ("out", frozenset({value}))
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return _key(left), ("range", op, Decimal(value))
        return None
    # subject OP other-name: only opposite operators on the same pair can be compared
    return f"{_key(left)}|{_key(right)}", ("rel", op)


def _overlap(a: tuple, b: tuple) -> bool:
    if a[0] == "rel" or b[0] == "rel":
        if a[0] != b[0]:
            return True
        opposite = {("<", ">="), (">=", "<"), ("<=", ">"), (">", "<="), ("==", "!="), ("!=", "==")}
        opposite |= {("in", "not in"), ("not in", "in")}  # x in L, x not in L (a list parameter)
        return (a[1], b[1]) not in opposite
    if a[0] == "in" and b[0] == "in":
        return bool(a[1] & b[1])
    if a[0] == "in" and b[0] == "out":
        return bool(a[1] - b[1])
    if a[0] == "out" and b[0] == "in":
        return bool(b[1] - a[1])
    if a[0] == "range" and b[0] == "range":
        return _ranges_overlap(a, b)
    if a[0] == "range" and b[0] == "in":
        return any(_in_range(a, v) for v in b[1] if isinstance(v, int | Decimal))
    if a[0] == "in" and b[0] == "range":
        return any(_in_range(b, v) for v in a[1] if isinstance(v, int | Decimal))
    return True


def _in_range(r: tuple, value: Decimal | int) -> bool:
    _, op, bound = r
    return {"<": value < bound, "<=": value <= bound, ">": value > bound, ">=": value >= bound}[op]


def _ranges_overlap(a: tuple, b: tuple) -> bool:
    lower, upper = (a, b) if a[1] in (">", ">=") else (b, a)
    if lower[1] not in (">", ">=") or upper[1] not in ("<", "<="):
        return True  # both bound the same side: they always overlap
    low, high = lower[2], upper[2]
    if low < high:
        return True
    if low == high:
        return lower[1] == ">=" and upper[1] == "<="
    return False
