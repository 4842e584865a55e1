"""Why not: the smallest set of conditions that decided a negative outcome.

If a rule decided it (an exclusion held), that rule's condition is decisive. If nothing held
and the default applied, look at the rules that would have given the wanted outcome. Each of
them is blocked by alternatives, any one of which alone stops it: a failed part of an 'and', or
all parts of a failed 'or' together. A failed part that is a derived yes/no fact is explained in
turn, through the rule or formula that made it false, so the answer ends at facts a person can
recognise. Of all alternatives, a small set that blocks every such rule is chosen (greedily:
a blocker shared by several rules is named once).
"""

from __future__ import annotations

from typing import Any

from engine.compile.plan import Rule
from engine.lang import ir
from engine.run.evaluate import DEFAULT, Trace

MAX_DEPTH = 4

Decisive = tuple[Rule, ir.Node, bool]  # the rule, the condition, whether it holds
Alternative = tuple[Decisive, ...]  # conditions that together block a rule


def decisive_conditions(trace: Trace, fact: str, wanted: Any = None) -> list[Decisive]:
    """The conditions that decided `fact`; with `wanted`, why it is not that value."""
    return list(_explain_fact(trace, fact, wanted, 0))


def _explain_fact(trace: Trace, fact: str, wanted: Any, depth: int) -> Alternative:
    decided = trace.decided_by.get(fact)
    if decided is None:
        return ()
    step = trace.dated.steps[trace.plan.cases.index[fact]]
    ctx = trace.context()
    if decided != DEFAULT:
        candidate = next(c for c in step.candidates if c.rule.id == decided)
        if trace.facts[fact] is False and not isinstance(candidate.value_ir, ir.Const):
            # a yes/no computed by a formula: explain why the formula is false
            alternatives = _blockers(trace, candidate.rule, candidate.value_ir, depth)
            return _choose([alternatives])
        # every undominated rule that holds with this value is a reason (two exclusions: both)
        value = trace.facts[fact]
        holding = [c for c in step.candidates if c.when(ctx) is True and c.value(ctx) == value]
        ids = {c.rule.id for c in holding}
        return tuple(
            (c.rule, c.rule.when_ir, True) for c in holding if not (c.rule.dominated_by & ids)
        )
    value = trace.facts[fact]
    blocked = []
    for candidate in step.candidates:
        concluded = candidate.value(ctx)
        if concluded == value or (wanted is not None and concluded != wanted):
            continue
        blocked.append(_blockers(trace, candidate.rule, candidate.rule.when_ir, depth))
    return _choose([b for b in blocked if b])


def _blockers(trace: Trace, rule: Rule, node: ir.Node, depth: int) -> list[Alternative]:
    """Alternatives, any one of which alone makes `node` false."""
    if _evaluate(trace, node) is not False:
        return []
    if isinstance(node, ir.BoolOp) and node.op == "and":
        return [alt for part in node.operands for alt in _blockers(trace, rule, part, depth)]
    if isinstance(node, ir.BoolOp):  # a failed 'or': every part together
        group: list[Decisive] = []
        for part in node.operands:
            alternatives = _blockers(trace, rule, part, depth)
            if alternatives:
                group.extend(min(alternatives, key=len))
        return [tuple(group)]
    name = node.operand if isinstance(node, ir.Not) else node
    if isinstance(name, ir.Name) and name.id in trace.plan.derived and depth < MAX_DEPTH:
        deeper = _explain_fact(trace, name.id, None, depth + 1)
        if deeper:
            return [deeper]
    return [((rule, node, False),)]


def _choose(blocked: list[list[Alternative]]) -> Alternative:
    """A small set of alternatives that blocks every rule (greedy set cover)."""
    chosen: list[Decisive] = []
    open_rules = list(range(len(blocked)))
    while open_rules:
        counts: dict[tuple, tuple[int, Alternative]] = {}
        for index in open_rules:
            for alternative in blocked[index]:
                key = _key(alternative)
                hits = counts.get(key, (0, alternative))[0]
                counts[key] = (hits + 1, alternative)
        best_key = max(counts, key=lambda k: (counts[k][0], -len(counts[k][1]), k))
        chosen.extend(d for d in counts[best_key][1] if d not in chosen)
        open_rules = [i for i in open_rules if all(_key(a) != best_key for a in blocked[i])]
    return tuple(chosen)


def _key(alternative: Alternative) -> tuple:
    return tuple(sorted((rule.id, node.text, holds) for rule, node, holds in alternative))


def _evaluate(trace: Trace, node: ir.Node) -> Any:
    return trace.plan.closure(node)(trace.context())
