"""Mutation check of a scenario suite: which changes to the law would no scenario notice?

Each parameter value is perturbed in turn (money +1%, at least a cent; a whole number +1; a
fraction +0.01; a date +1 day), and each number a rule compares with is moved by one step
(`leeftijd < 21` becomes `leeftijd < 22`). A mutant that makes no scenario fail "survives":
the suite does not pin that figure or threshold down.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.compile.plan import Plan, Rule
from engine.lang import ir
from engine.lang.compile import compile_expr
from engine.load.loader import municipality_key
from engine.scenarios.suite import Scenario, run_scenario


@dataclass(frozen=True)
class Mutant:
    kind: str  # "parameter" or "threshold"
    target: str  # parameter name, or rule id
    change: str  # what was changed, in words
    killed: bool


def mutate(plan: Plan, scenarios: list[Scenario], only: set[str] | None = None) -> list[Mutant]:
    """Every mutant, and whether some scenario noticed it."""
    results = []
    for name in sorted(plan.parameters):
        if only is not None and name not in only:
            continue
        param = plan.parameters[name]
        if param.spec.local or param.spec.type not in ("money", "number", "date"):
            continue
        killed = _killed_by_parameter(plan, scenarios, name)
        results.append(Mutant("parameter", name, _describe(param.spec.type), killed))
    for rule, mutated, change in _threshold_mutants(plan, only):
        results.append(
            Mutant("threshold", rule.id, change, _killed(_with_rule(plan, mutated), scenarios))
        )
    return results


def _bump(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return value + 1
        return value + max(Decimal("0.01"), abs(value) / 100)
    return value


def _describe(type_name: str) -> str:
    return {"money": "+1% (at least +0,01)", "date": "+1 day"}.get(type_name, "+1 step")


def _killed_by_parameter(plan: Plan, scenarios: list[Scenario], name: str) -> bool:
    for scenario in scenarios:
        key = municipality_key(scenario.profile.get("municipality") or "") or None
        params = plan.on(scenario.peildatum, key).params
        if name not in params:
            continue
        if not run_scenario(plan, scenario, {name: _bump(params[name])}).passed:
            return True
    return False


def _killed(plan: Plan, scenarios: list[Scenario]) -> bool:
    return any(not run_scenario(plan, s).passed for s in scenarios)


def _threshold_mutants(plan: Plan, only: set[str] | None) -> Iterator[tuple[Rule, Rule, str]]:
    for rule in plan.rules:
        if only is not None and rule.id not in only:
            continue
        for node in _numeric_comparisons(rule.when_ir):
            constant = node.right if isinstance(node.right, ir.Const) else node.left
            moved = ir.Const(constant.text, _bump(constant.value), constant.type)
            new_when = _replace(rule.when_ir, constant, moved)
            mutated = dataclasses.replace(
                rule, when_ir=new_when, when=compile_expr(new_when, plan.scope)
            )
            yield rule, mutated, f"'{node.text}': {constant.value} -> {moved.value}"


def _numeric_comparisons(node: ir.Node) -> Iterator[ir.Compare]:
    if isinstance(node, ir.Compare) and node.op in ("<", "<=", ">", ">="):
        for side in (node.left, node.right):
            if isinstance(side, ir.Const) and side.type == "number":
                yield node
                break
    for child in ir.children(node):
        yield from _numeric_comparisons(child)


def _replace(node: ir.Node, target: ir.Node, new: ir.Node) -> ir.Node:
    """A copy of `node` with `target` (by identity) replaced by `new`."""
    if node is target:
        return new
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
        if isinstance(value, ir.Node):
            changes[f.name] = _replace(value, target, new)
        elif isinstance(value, tuple) and value and isinstance(value[0], ir.Node):
            changes[f.name] = tuple(_replace(v, target, new) for v in value)
    return dataclasses.replace(node, **changes) if changes else node


def _with_rule(plan: Plan, mutated: Rule) -> Plan:
    """A copy of the plan with one rule version swapped, and an empty per-date cache."""
    clone = copy.copy(plan)
    clone.rules = tuple(
        mutated if r.id == mutated.id and r.valid == mutated.valid else r for r in plan.rules
    )
    clone._dated = {}
    clone._lock = threading.Lock()
    return clone
