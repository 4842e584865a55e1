"""Each rule checked on its own: its citation, versions, condition and conclusions parsed and
typed against the scope, and the placeholders of its texts."""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine.check.declarations import MUNICIPALITY_FACT
from engine.errors import Location, Problem
from engine.lang import ir
from engine.lang.parse import ExpressionSyntaxError, parse
from engine.lang.types import ExpressionTypeError, Scope, check, compatible
from engine.load.loader import LoadedFact, LoadedRule, RuleBook
from engine.load.specs import Window

# Bounds that keep checking a hostile rule base fast: the bundled rules are far below each.
MAX_VERSIONS = 50  # versions (validity windows) of one rule id


@dataclass(frozen=True)
class CheckedRule:
    rule: LoadedRule
    when: ir.Node
    then: tuple[tuple[str, ir.Node], ...]
    reads: frozenset[str]  # facts and parameters the rule reads


def _parse_checked(
    text: Any, scope: Scope, wanted: str | None, location: Location, what: str, report: Any
) -> ir.Node | None:
    if isinstance(text, bool):
        return ir.Const(str(text).lower(), text, "bool")
    try:
        node = parse(text)
        got = check(node, scope)
    except (ExpressionSyntaxError, ExpressionTypeError) as exc:
        report(Problem(location, f"{what}: {exc}"))
        return None
    if wanted is not None and not compatible(got, wanted):
        report(Problem(location, f"{what}: gives {got}, but {wanted} is needed"))
        return None
    return node


def _conclusion(
    value: Any, fact: LoadedFact, scope: Scope, location: Location, what: str, report: Any
) -> ir.Node | None:
    spec = fact.spec
    if isinstance(value, bool):
        node: ir.Node | None = ir.Const(str(value).lower(), value, "bool")
    elif isinstance(value, int | Decimal):
        amount = Decimal(value) if spec.type == "money" else value  # money is always Decimal
        node = ir.Const(str(value), amount, "number")
    elif isinstance(value, str) and spec.values and value in spec.values:
        node = ir.Const(value, value, "text")  # a bare allowed value: a constant, not a name
    elif isinstance(value, str):
        return _parse_checked(value, scope, spec.type, location, what, report)
    else:
        report(Problem(location, f"{what}: a conclusion must be a value or an expression"))
        return None
    if not compatible(node.type, spec.type):  # type: ignore[union-attr]
        report(Problem(location, f"{what}: gives {node.type}, but {spec.type} is needed"))  # type: ignore[union-attr]
        return None
    return node


_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def _check_texts(rule: LoadedRule, scope: Scope, report: Any) -> None:
    for language in ("nl", "en"):
        text = getattr(rule.spec.text, language)
        try:
            fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError:
            report(
                Problem(
                    rule.location, f"rule '{rule.spec.id}': text ({language}) has unbalanced braces"
                )
            )
            continue
        for name in fields:
            if name not in scope.names:
                report(
                    Problem(
                        rule.location,
                        f"rule '{rule.spec.id}': text ({language}) names '{{{name}}}': not a fact or parameter",
                    )
                )


def check_rules(book: RuleBook, scope: Scope, report: Any) -> list[CheckedRule]:
    checked: list[CheckedRule] = []
    seen: dict[str, list[LoadedRule]] = {}
    for rule in book.rules:
        spec, location = rule.spec, rule.location
        label = f"rule '{spec.id}'"
        citation = rule.citation
        if not citation.law or not citation.bwb or not citation.article:
            report(
                Problem(
                    location,
                    f"{label} has no complete citation (law, bwb, article): it does not load",
                )
            )
        if rule.scheme not in book.schemes:
            report(Problem(location, f"{label}: unknown scheme '{rule.scheme}'"))
        versions = seen.setdefault(spec.id, [])
        if len(versions) >= MAX_VERSIONS:
            if len(versions) == MAX_VERSIONS:
                report(Problem(location, f"{label} has more than {MAX_VERSIONS} versions"))
                versions.append(rule)  # report once
            continue
        for other in versions:
            if windows_overlap(other.spec.valid, spec.valid):
                report(
                    Problem(
                        location,
                        f"{label} is defined twice with overlapping validity (also at {other.location})",
                    )
                )
                break
        versions.append(rule)
        when = _parse_checked(spec.when, scope, "bool", location, f"{label} 'when'", report)
        if when is not None and rule.municipality is not None:
            when = _only_in(rule.municipality, when)
        conclusions = []
        for fact_name, value in spec.then.items():
            fact = book.derived.get(fact_name)
            if fact is None:
                kind = (
                    "an input fact" if fact_name in book.inputs else "not a declared derived fact"
                )
                report(Problem(location, f"{label} concludes '{fact_name}', which is {kind}"))
                continue
            node = _conclusion(value, fact, scope, location, f"{label} then '{fact_name}'", report)
            if node is not None:
                conclusions.append((fact_name, node))
        _check_texts(rule, scope, report)
        if when is None or len(conclusions) != len(spec.then):
            continue
        reads = ir.names_in(when).union(*(ir.names_in(n) for _, n in conclusions))
        top_level = {n for n in reads if n in scope.names}
        checked.append(CheckedRule(rule, when, tuple(conclusions), frozenset(top_level)))
    return checked


def _only_in(municipality: str, when: ir.Node) -> ir.Node:
    """A municipality's rule holds only for residents of that municipality."""
    test = ir.Compare(
        f'{MUNICIPALITY_FACT} == "{municipality}"',
        "==",
        ir.Name(MUNICIPALITY_FACT, MUNICIPALITY_FACT),
        ir.Const(f'"{municipality}"', municipality, "text"),
    )
    return ir.BoolOp(f"{test.text} and ({when.text})", "and", (test, when))


def windows_overlap(a: Window | None, b: Window | None) -> bool:
    if a is None or b is None:
        return True
    a_end = a.until or dt.date.max
    b_end = b.until or dt.date.max
    return a.from_ <= b_end and b.from_ <= a_end
