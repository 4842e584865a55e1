"""Intermediate form of an expression: small immutable nodes that remember their source text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class Node:
    text: str


@dataclass(frozen=True, eq=False)
class Const(Node):
    value: Any
    type: str


@dataclass(frozen=True, eq=False)
class Name(Node):
    id: str


@dataclass(frozen=True, eq=False)
class Not(Node):
    operand: Node


@dataclass(frozen=True, eq=False)
class BoolOp(Node):
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Compare(Node):
    op: str  # == != < <= > >= in "not in"
    left: Node
    right: Node


@dataclass(frozen=True, eq=False)
class Arith(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True, eq=False)
class Neg(Node):
    operand: Node


@dataclass(frozen=True, eq=False)
class IfElse(Node):
    test: Node
    then: Node
    orelse: Node


@dataclass(frozen=True, eq=False)
class ListLit(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True, eq=False)
class Call(Node):
    func: str
    args: tuple[Node, ...]


def children(node: Node) -> tuple[Node, ...]:
    match node:
        case Not(operand=o) | Neg(operand=o):
            return (o,)
        case BoolOp(operands=ops):
            return ops
        case Compare(left=a, right=b) | Arith(left=a, right=b):
            return (a, b)
        case IfElse(test=t, then=a, orelse=b):
            return (t, a, b)
        case ListLit(items=items):
            return items
        case Call(args=args):
            return args
    return ()


def names_in(node: Node) -> set[str]:
    """Every name an expression mentions (facts, parameters, record fields)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, Name):
            found.add(current.id)
        stack.extend(children(current))
    return found
