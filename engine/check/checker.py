"""Check a loaded rule base across files and produce what the compiler needs.

Finds: undeclared names and type errors in expressions; rules without a full citation;
unknown or misused facts; parameter values of the wrong type, from unknown sources, or missing
for part of a rule's window; dependency cycles; overrides that cannot apply; and rules that
may conclude different values for one fact with no precedence between them.

In that order: the declarations (declarations.py), each rule on its own (rules.py), and the
rules together (consistency.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.check.consistency import (
    check_conflicts,
    check_derived,
    check_parameter_gaps,
    check_precedence,
    derivation_order,
)
from engine.check.declarations import (
    build_scope,
    check_inputs,
    check_municipalities,
    check_parameters,
    check_schemes,
)
from engine.check.rules import CheckedRule, check_rules
from engine.errors import Problem
from engine.lang.types import Scope
from engine.load.loader import RuleBook


@dataclass
class CheckedBook:
    book: RuleBook
    scope: Scope
    rules: list[CheckedRule] = field(default_factory=list)
    order: list[str] = field(default_factory=list)  # derived facts, dependencies first
    dominated_by: dict[str, frozenset[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def check_book(book: RuleBook) -> CheckedBook:
    checked = CheckedBook(book=book, scope=Scope({}), problems=list(book.problems))
    report = checked.problems.append
    scope = build_scope(book, report)
    checked.scope = scope
    check_schemes(book, report)
    check_parameters(book, report)
    check_municipalities(book, report)
    check_inputs(book, report)
    checked.rules = check_rules(book, scope, report)
    check_derived(book, checked.rules, report)
    checked.dominated_by = check_precedence(book, checked.rules, report)
    checked.order = derivation_order(book, checked.rules, report)
    check_conflicts(book, checked.rules, checked.dominated_by, report)
    check_parameter_gaps(book, checked.rules, report)
    return checked
