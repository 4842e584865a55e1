"""The rules checked together: what each derived fact may conclude and who acts on it, the
precedence between rules (`overrides`), the order of derivation (no cycles), rules that may
conclude different values for one fact with no precedence between them, and parameters missing
for part of a rule's window."""

from __future__ import annotations

from typing import Any

from engine.check.declarations import BODIES, unknown_body
from engine.check.exclusive import exclusive
from engine.check.graph import strongly_connected, transitive_closure
from engine.check.rules import CheckedRule, windows_overlap
from engine.errors import Problem
from engine.lang import ir
from engine.lang.types import compatible
from engine.load.loader import RuleBook

# Bounds that keep checking a hostile rule base fast: the bundled rules are far below each.
MAX_RULES_PER_FACT = 100  # rules concluding one fact; conflicts are checked pairwise


MAX_CONFLICTS_PER_FACT = 10  # conflicts reported for one fact before a summary


MAX_OVERRIDE_PAIRS = 200_000  # (winner, loser) pairs in the transitive 'overrides' relation


OUTPUT_TYPES = {
    "status": "text",
    "amount": "money",
    "obligation": "bool",
    "deadline": "date",
    "discretion": "bool",
    "next_step": "bool",
    "referral": "text",
}


def check_derived(book: RuleBook, rules: list[CheckedRule], report: Any) -> None:
    concluded = {fact for r in rules for fact, _ in r.then}
    for fact in book.derived.values():
        spec = fact.spec
        if spec.from_ is not None:
            report(
                Problem(
                    fact.location,
                    f"derived fact '{fact.name}' cannot have 'from' (declare it under inputs)",
                )
            )
        if (
            spec.output is not None
            and spec.output in OUTPUT_TYPES
            and spec.type != OUTPUT_TYPES[spec.output]
        ):
            report(
                Problem(
                    fact.location,
                    f"fact '{fact.name}': output '{spec.output}' needs type {OUTPUT_TYPES[spec.output]}",
                )
            )
        if spec.assessed_by is not None or spec.bring is not None or spec.group is not None:
            report(
                Problem(
                    fact.location,
                    f"derived fact '{fact.name}': 'assessed_by', 'bring' and 'group' belong to "
                    "input facts",
                )
            )
        if spec.body is not None and spec.body not in BODIES:
            report(unknown_body(fact.location, f"fact '{fact.name}': body", spec.body))
        if spec.period != "month" and spec.output != "amount":
            report(
                Problem(fact.location, f"fact '{fact.name}': 'period' belongs to amount outputs")
            )
        if spec.output == "discretion" and spec.weigh is None:
            report(
                Problem(
                    fact.location,
                    f"discretion point '{fact.name}' must say what to weigh ('weigh')",
                )
            )
        if spec.default is not None:
            default_type = {bool: "bool", int: "number", str: "text"}[type(spec.default)]
            if not compatible(default_type, spec.type) or (
                spec.values and spec.default not in spec.values
            ):
                report(
                    Problem(
                        fact.location,
                        f"fact '{fact.name}': default does not fit its type or values",
                    )
                )
        if fact.name not in concluded and spec.default is None and fact.name in book.derived:
            report(
                Problem(
                    fact.location,
                    f"fact '{fact.name}' is declared but no rule concludes it",
                    "warning",
                )
            )


def check_precedence(
    book: RuleBook, rules: list[CheckedRule], report: Any
) -> dict[str, frozenset[str]]:
    by_id: dict[str, list[CheckedRule]] = {}
    for r in rules:
        by_id.setdefault(r.rule.spec.id, []).append(r)
    declared = {rule.spec.id: set(rule.spec.then) for rule in book.rules}
    overrides: dict[str, set[str]] = {rule_id: set() for rule_id in declared}
    for r in rules:
        facts = {f for f, _ in r.then}
        for target in r.rule.spec.overrides:
            if target not in declared:
                report(
                    Problem(
                        r.rule.location,
                        f"rule '{r.rule.spec.id}' overrides unknown rule '{target}'",
                    )
                )
                continue
            target_facts = declared[target]
            if not facts & target_facts:
                report(
                    Problem(
                        r.rule.location,
                        f"rule '{r.rule.spec.id}' overrides '{target}' but they conclude no fact in common",
                    )
                )
            overrides[r.rule.spec.id].add(target)
    for component in strongly_connected(sorted(overrides), overrides):
        if len(component) > 1 or component[0] in overrides[component[0]]:
            first = next(r for r in book.rules if r.spec.id == component[0])
            report(
                Problem(
                    first.location, f"rules override each other in a circle: {', '.join(component)}"
                )
            )
    reach = transitive_closure(overrides, MAX_OVERRIDE_PAIRS)
    if reach is None:
        first = next(r for r in book.rules if r.spec.overrides)
        report(
            Problem(
                first.location,
                f"the rules override each other in chains of more than {MAX_OVERRIDE_PAIRS} "
                "pairs in all: too many to check",
            )
        )
        return {}
    dominated: dict[str, set[str]] = {rule_id: set() for rule_id in declared}
    for winner, losers in reach.items():
        for loser in losers:
            dominated.setdefault(loser, set()).add(winner)
    return {k: frozenset(v) for k, v in dominated.items()}


def _negated_names(node: ir.Node, negated: bool = False) -> set[str]:
    """Names read under negation or inside a non-monotone position (comparison, arithmetic)."""
    match node:
        case ir.Name(id=name):
            return {name} if negated else set()
        case ir.Not(operand=operand):
            return _negated_names(operand, not negated)
        case ir.BoolOp(operands=operands):
            return set().union(*(_negated_names(o, negated) for o in operands))
    return ir.names_in(node)


def derivation_order(book: RuleBook, rules: list[CheckedRule], report: Any) -> list[str]:
    derived = sorted(book.derived)
    depends: dict[str, set[str]] = {name: set() for name in derived}
    negative: set[tuple[str, str]] = set()
    concluding: dict[str, list[CheckedRule]] = {}
    for r in rules:
        for fact, value in r.then:
            concluding.setdefault(fact, []).append(r)
            used = {n for n in r.reads if n in book.derived}
            depends[fact] |= used
            for name in _negated_names(r.when) | ir.names_in(value):
                if name in book.derived:
                    negative.add((fact, name))
    order: list[str] = []
    for component in strongly_connected(derived, depends):
        cyclic = len(component) > 1 or component[0] in depends[component[0]]
        if cyclic:
            members = set(component)
            through_negation = any(
                (a, b) in negative for a in members for b in depends[a] & members
            )
            rule_ids = sorted({r.rule.spec.id for f in component for r in concluding.get(f, [])})
            kind = "through negation or a value" if through_negation else "of positive conditions"
            first = book.derived[component[0]]
            report(
                Problem(
                    first.location,
                    f"dependency cycle {kind} between facts {', '.join(component)} (rules: {', '.join(rule_ids)}); "
                    "the law must be encoded without circular reasoning",
                )
            )
        order.extend(component)
    return order


def check_conflicts(
    book: RuleBook, rules: list[CheckedRule], dominated_by: dict[str, frozenset[str]], report: Any
) -> None:
    by_fact: dict[str, list[tuple[CheckedRule, ir.Node]]] = {}
    for r in rules:
        for fact, value in r.then:
            by_fact.setdefault(fact, []).append((r, value))
    for fact, candidates in sorted(by_fact.items()):
        if len(candidates) > MAX_RULES_PER_FACT:
            report(
                Problem(
                    candidates[MAX_RULES_PER_FACT][0].rule.location,
                    f"'{fact}' is concluded by {len(candidates)} rules; "
                    f"at most {MAX_RULES_PER_FACT} rules may conclude one fact",
                )
            )
            continue
        found: list[Problem] = []
        for i, (a, value_a) in enumerate(candidates):
            for b, value_b in candidates[i + 1 :]:
                id_a, id_b = a.rule.spec.id, b.rule.spec.id
                if (
                    id_a == id_b
                    or id_a in dominated_by.get(id_b, ())
                    or id_b in dominated_by.get(id_a, ())
                ):
                    continue
                if _same_constant(value_a, value_b):
                    continue
                if not windows_overlap(a.rule.spec.valid, b.rule.spec.valid):
                    continue
                if exclusive(a.when, b.when):
                    continue
                same = " ".join(a.when.text.split()) == " ".join(b.when.text.split())
                severity = "error" if same else "warning"
                certainty = "always" if same else "may"
                found.append(
                    Problem(
                        b.rule.location,
                        f"rules '{id_a}' and '{id_b}' {certainty} both apply and conclude different values for "
                        f"'{fact}' without precedence: add 'overrides' or make their conditions exclusive",
                        severity,
                    )
                )
        for problem in found[:MAX_CONFLICTS_PER_FACT]:
            report(problem)
        rest = found[MAX_CONFLICTS_PER_FACT:]
        if rest:
            severity = "error" if any(p.severity == "error" for p in rest) else "warning"
            report(
                Problem(
                    rest[0].location,
                    f"{len(rest)} more pairs of rules may conclude different values for '{fact}' "
                    "without precedence (not listed)",
                    severity,
                )
            )


def _same_constant(a: ir.Node, b: ir.Node) -> bool:
    return isinstance(a, ir.Const) and isinstance(b, ir.Const) and a.value == b.value


def check_parameter_gaps(book: RuleBook, rules: list[CheckedRule], report: Any) -> None:
    for r in rules:
        scheme = book.schemes.get(r.rule.scheme)
        if scheme is None:
            continue
        coverage = scheme.spec.coverage
        start = (
            max(coverage.from_, r.rule.spec.valid.from_) if r.rule.spec.valid else coverage.from_
        )
        for name in sorted(r.reads):
            param = book.parameters.get(name)
            if param is None or param.spec.local:
                continue  # a local figure may be unset: that outcome depends on local policy
            first = param.spec.values[0].from_
            if first > start:
                report(
                    Problem(
                        r.rule.location,
                        f"rule '{r.rule.spec.id}' applies from {start}, but parameter '{name}' has no value "
                        f"before {first}",
                    )
                )
