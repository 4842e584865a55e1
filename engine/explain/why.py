"""Why not: the conditions that decided a negative outcome.

If a rule decided it (an exclusion held), that rule's condition is decisive. If nothing held
and the default applied, the decisive conditions are the failed parts of the rules that would
have concluded otherwise: within a failed 'and', each failed part (any one alone blocks it);
within a failed 'or', every part. A failed part that is itself a derived yes/no fact is
explained in turn, so the answer ends at facts a person can recognise.
"""

from __future__ import annotations

from typing import Any

from engine.compile.plan import Rule
from engine.lang import ir
from engine.lang.compile import compile_expr
from engine.run.evaluate import DEFAULT, Trace

MAX_DEPTH = 4

Decisive = tuple[Rule, ir.Node, bool]  # the rule, the condition, whether it holds


def decisive_conditions(trace: Trace, fact: str, depth: int = 0) -> list[Decisive]:
    """The conditions that decided the value of `fact`."""
    decided = trace.decided_by.get(fact)
    if decided is None:
        return []
    step = next(s for s in trace.dated.steps if s.fact == fact)
    if decided != DEFAULT:
        rule = next(c.rule for c in step.candidates if c.rule.id == decided)
        return [(rule, rule.when_ir, True)]
    ctx = trace.context()
    value = trace.facts[fact]
    found: list[Decisive] = []
    for candidate in step.candidates:
        if candidate.value(ctx) != value:
            found.extend(_failed_parts(trace, candidate.rule, candidate.rule.when_ir, depth))
    return found


def _failed_parts(trace: Trace, rule: Rule, node: ir.Node, depth: int) -> list[Decisive]:
    if _evaluate(trace, node) is not False:
        return []
    if isinstance(node, ir.BoolOp):
        return [
            part for operand in node.operands for part in _failed_parts(trace, rule, operand, depth)
        ]
    derived = node.operand if isinstance(node, ir.Not) else node
    if isinstance(derived, ir.Name) and derived.id in trace.plan.derived and depth < MAX_DEPTH:
        deeper = decisive_conditions(trace, derived.id, depth + 1)
        if deeper:
            return deeper
    return [(rule, node, False)]


def _evaluate(trace: Trace, node: ir.Node) -> Any:
    return compile_expr(node, trace.plan.scope)(trace.context())
