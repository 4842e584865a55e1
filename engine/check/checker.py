"""Check a loaded rule base across files and produce what the compiler needs.

Finds: undeclared names and type errors in expressions; rules without a full citation;
unknown or misused facts; parameter values of the wrong type, from unknown sources, or missing
for part of a rule's window; dependency cycles; overrides that cannot apply; and rules that
may conclude different values for one fact with no precedence between them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from engine.check.exclusive import exclusive
from engine.check.graph import strongly_connected, transitive_closure
from engine.errors import Location, Problem
from engine.lang import ir
from engine.lang.parse import ExpressionSyntaxError, parse
from engine.lang.types import Declared, ExpressionTypeError, Scope, check, compatible
from engine.load.loader import LoadedFact, LoadedRule, RuleBook
from engine.load.specs import Window
from engine.model.profile import Profile
from engine.run.profile_facts import PathError, check_scalar_path, item_type

BUILTINS = {"peildatum": Declared("date", kind="builtin")}
MUNICIPALITY_FACT = "gemeente"  # the input fact that municipal rules are conditioned on
# Bounds that keep checking a hostile rule base fast: the bundled rules are far below each.
MAX_VERSIONS = 50  # versions (validity windows) of one rule id
MAX_RULES_PER_FACT = 100  # rules concluding one fact; conflicts are checked pairwise
MAX_CONFLICTS_PER_FACT = 10  # conflicts reported for one fact before a summary
MAX_OVERRIDE_PAIRS = 200_000  # (winner, loser) pairs in the transitive 'overrides' relation
STATUS_VALUES = {"eligible", "not_eligible", "refer"}
# The bodies a rule base may name: who acts on an output, who assesses an input.
BODIES = {"gemeente", "UWV", "SVB", "DUO", "IND", "CAK", "Belastingdienst", "rechtbank"}
OUTPUT_TYPES = {
    "status": "text",
    "amount": "money",
    "obligation": "bool",
    "deadline": "date",
    "discretion": "bool",
    "next_step": "bool",
    "referral": "text",
}


@dataclass(frozen=True)
class CheckedRule:
    rule: LoadedRule
    when: ir.Node
    then: tuple[tuple[str, ir.Node], ...]
    reads: frozenset[str]  # facts and parameters the rule reads


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
    scope = _build_scope(book, report)
    checked.scope = scope
    _check_schemes(book, report)
    _check_parameters(book, report)
    _check_municipalities(book, report)
    _check_inputs(book, report)
    checked.rules = _check_rules(book, scope, report)
    _check_derived(book, checked.rules, report)
    checked.dominated_by = _check_precedence(book, checked.rules, report)
    checked.order = _order(book, checked.rules, report)
    _check_conflicts(book, checked.rules, checked.dominated_by, report)
    _check_parameter_gaps(book, checked.rules, report)
    return checked


def _problem(location: Location, message: str, severity: str = "error") -> Problem:
    return Problem(location, message, severity)


def _declared(fact: LoadedFact) -> Declared:
    return Declared(fact.spec.type, tuple(fact.spec.values or ()), "fact")


def _build_scope(book: RuleBook, report: Any) -> Scope:
    names: dict[str, Declared] = dict(BUILTINS)
    origin: dict[str, Location] = {}

    def add(name: str, declared: Declared, location: Location) -> None:
        if name in names:
            where = origin.get(name)
            also = f" (also at {where})" if where else " (a built-in name)"
            report(_problem(location, f"the name '{name}' is declared twice{also}"))
            return
        names[name] = declared
        origin[name] = location

    for fact in book.inputs.values():
        add(fact.name, _declared(fact), fact.location)
    for fact in book.derived.values():
        add(fact.name, _declared(fact), fact.location)
    for name, (location, collection) in book.collections.items():
        if collection.record not in book.records:
            report(
                _problem(location, f"collection '{name}' uses unknown record '{collection.record}'")
            )
        add(name, Declared(f"collection[{collection.record}]", kind="fact"), location)
    for param in book.parameters.values():
        add(param.name, Declared(param.spec.type, kind="parameter"), param.location)
    records = {
        record: {n: _declared(f) for n, f in fields.items()}
        for record, fields in book.records.items()
    }
    return Scope(names, records)


def _check_schemes(book: RuleBook, report: Any) -> None:
    for scheme_id, scheme in book.schemes.items():
        outputs = scheme.spec.outputs
        if scheme.spec.body not in BODIES:
            report(_unknown_body(scheme.location, f"scheme '{scheme_id}': body", scheme.spec.body))
        status = book.derived.get(outputs.status)
        if status is None:
            report(
                _problem(
                    scheme.location,
                    f"scheme '{scheme_id}': status fact '{outputs.status}' is not declared",
                )
            )
        elif status.spec.type != "text" or not set(status.spec.values or ()) <= STATUS_VALUES:
            report(
                _problem(
                    status.location,
                    f"status fact '{outputs.status}' must be text with values from {sorted(STATUS_VALUES)}",
                )
            )
        if outputs.amount is not None:
            amount = book.derived.get(outputs.amount)
            if amount is None or amount.spec.type != "money":
                report(
                    _problem(
                        scheme.location,
                        f"scheme '{scheme_id}': amount '{outputs.amount}' must be a derived money fact",
                    )
                )


def _check_parameters(book: RuleBook, report: Any) -> None:
    for param in book.parameters.values():
        label = f"parameter '{param.name}'"
        _check_values(book, param.spec.values, param.spec.type, param.location, label, report)
        _check_periods(param.spec.values, param.location, label, report)
        ends = any(value.until for value in param.spec.values)
        if ends and not param.spec.next_value:
            report(
                _problem(
                    param.location,
                    f"{label}: a value ends ('until'), so say who sets the next one and when "
                    "('next_value')",
                )
            )


def _check_periods(values: list, location: Location, label: str, report: Any) -> None:
    """A value that ends is followed by the next from the very next day: no gap, no overlap."""
    for value, following in itertools.pairwise(values):
        if value.until is None:
            continue
        day_after = value.until + dt.timedelta(days=1)
        if following.from_ > day_after:
            report(
                _problem(
                    location,
                    f"{label}: no value from {day_after} to {following.from_ - dt.timedelta(days=1)}"
                    f" (the value from {value.from_} ends on {value.until})",
                )
            )
        elif following.from_ < day_after:
            report(
                _problem(
                    location,
                    f"{label}: the value from {value.from_} runs until {value.until}, past the "
                    f"next one from {following.from_}",
                )
            )


def _check_municipalities(book: RuleBook, report: Any) -> None:
    for municipality in book.municipalities.values():
        for name, local in municipality.parameters.items():
            param = book.parameters.get(name)
            if param is None or not param.spec.local:
                report(
                    _problem(
                        municipality.location,
                        f"'{name}' is not a parameter declared 'local: true' in a scheme",
                    )
                )
                continue
            _check_values(
                book, local.values, param.spec.type, municipality.location, f"'{name}'", report
            )
    for rule in book.rules:
        if rule.municipality is not None and rule.municipality not in book.municipalities:
            report(
                _problem(
                    rule.location,
                    f"rule '{rule.spec.id}' belongs to a municipality without a policy file in schemes/gemeenten/",
                )
            )
    if any(r.municipality for r in book.rules) and MUNICIPALITY_FACT not in book.inputs:
        report(
            _problem(
                Location("rules/facts.yaml"),
                f"municipal rules need the input fact '{MUNICIPALITY_FACT}'",
            )
        )


def _check_values(
    book: RuleBook, values: list, type_name: str, location: Location, label: str, report: Any
) -> None:
    """Dated values: in date order, one per date, from a known source, of the declared type."""
    dates = [v.from_ for v in values]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        report(_problem(location, f"{label}: values must be in date order, one per date"))
    for value in values:
        if value.source not in book.sources:
            report(
                _problem(
                    location,
                    f"{label}: unknown source '{value.source}' for the value from {value.from_}",
                )
            )
        if not _value_fits(value.value, type_name):
            report(
                _problem(
                    location, f"{label}: the value from {value.from_} is not of type {type_name}"
                )
            )


def _value_fits(value: Any, type_name: str) -> bool:
    number = isinstance(value, int | Decimal) and not isinstance(value, bool)
    match type_name:
        case "money":
            return number and Decimal(value).as_tuple().exponent >= -2  # type: ignore[operator]
        case "number":
            return number
        case "date":
            return isinstance(value, dt.date)
        case "text":
            return isinstance(value, str)
        case "list[text]":
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        case "list[number]":
            return isinstance(value, list) and all(_value_fits(v, "number") for v in value)
    return False


def _check_inputs(book: RuleBook, report: Any) -> None:
    for fact in book.inputs.values():
        if fact.spec.from_ is None:
            report(
                _problem(
                    fact.location, f"input fact '{fact.name}' needs 'from': a path in the profile"
                )
            )
            continue
        if fact.spec.question is None:
            report(
                _problem(fact.location, f"input fact '{fact.name}' needs a question (nl and en)")
            )
        try:
            check_scalar_path(Profile, fact.spec.from_, fact.spec.type, fact.spec.values)
        except PathError as exc:
            report(_problem(fact.location, f"input fact '{fact.name}': {exc}"))
        _check_assessed(fact, report)
    _check_groups(book, report)
    for name, (location, collection) in book.collections.items():
        try:
            item = item_type(Profile, collection.from_)
        except PathError as exc:
            report(_problem(location, f"collection '{name}': {exc}"))
            continue
        for field_fact in book.records.get(collection.record, {}).values():
            if field_fact.spec.from_ is None:
                report(_problem(field_fact.location, f"field '{field_fact.name}' needs 'from'"))
                continue
            try:
                check_scalar_path(
                    item, field_fact.spec.from_, field_fact.spec.type, field_fact.spec.values
                )
            except PathError as exc:
                report(
                    _problem(
                        field_fact.location,
                        f"field '{field_fact.name}' (in collection '{name}'): {exc}",
                    )
                )
            if field_fact.spec.assessed_by or field_fact.spec.bring or field_fact.spec.group:
                report(
                    _problem(
                        field_fact.location,
                        f"field '{field_fact.name}': 'assessed_by', 'bring' and 'group' belong "
                        "to input facts",
                    )
                )


def _check_groups(book: RuleBook, report: Any) -> None:
    """A group of questions holds two or more yes/no inputs, each naming a declared group."""
    members: dict[str, int] = {}
    for fact in book.inputs.values():
        group = fact.spec.group
        if group is None:
            continue
        if group not in book.groups:
            report(
                _problem(
                    fact.location, f"input fact '{fact.name}': group '{group}' is not declared"
                )
            )
        elif fact.spec.type != "bool":
            report(_problem(fact.location, f"input fact '{fact.name}': a group holds yes/no facts"))
        members[group] = members.get(group, 0) + 1
    for name, (location, _) in book.groups.items():
        if members.get(name, 0) < 2:
            report(_problem(location, f"group '{name}' needs two or more input facts"))
        if name in book.inputs or name in book.derived or name in book.collections:
            # a group is answered by its name, as a fact is
            report(_problem(location, f"group '{name}' has the name of a fact"))


def _unknown_body(location: Location, where: str, body: str) -> Problem:
    return _problem(location, f"{where} '{body}' is not a known body ({', '.join(sorted(BODIES))})")


def _check_assessed(fact: LoadedFact, report: Any) -> None:
    """`assessed_by` names a known body; `bring` says what to take to it, and needs it."""
    spec = fact.spec
    if spec.assessed_by is not None and spec.assessed_by not in BODIES:
        where = f"input fact '{fact.name}': assessed_by"
        report(_unknown_body(fact.location, where, spec.assessed_by))
    if spec.bring is not None and spec.assessed_by is None:
        report(_problem(fact.location, f"input fact '{fact.name}': 'bring' needs 'assessed_by'"))


def _parse_checked(
    text: Any, scope: Scope, wanted: str | None, location: Location, what: str, report: Any
) -> ir.Node | None:
    if isinstance(text, bool):
        return ir.Const(str(text).lower(), text, "bool")
    try:
        node = parse(text)
        got = check(node, scope)
    except (ExpressionSyntaxError, ExpressionTypeError) as exc:
        report(_problem(location, f"{what}: {exc}"))
        return None
    if wanted is not None and not compatible(got, wanted):
        report(_problem(location, f"{what}: gives {got}, but {wanted} is needed"))
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
        report(_problem(location, f"{what}: a conclusion must be a value or an expression"))
        return None
    if not compatible(node.type, spec.type):  # type: ignore[union-attr]
        report(_problem(location, f"{what}: gives {node.type}, but {spec.type} is needed"))  # type: ignore[union-attr]
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
                _problem(
                    rule.location, f"rule '{rule.spec.id}': text ({language}) has unbalanced braces"
                )
            )
            continue
        for name in fields:
            if name not in scope.names:
                report(
                    _problem(
                        rule.location,
                        f"rule '{rule.spec.id}': text ({language}) names '{{{name}}}': not a fact or parameter",
                    )
                )


def _check_rules(book: RuleBook, scope: Scope, report: Any) -> list[CheckedRule]:
    checked: list[CheckedRule] = []
    seen: dict[str, list[LoadedRule]] = {}
    for rule in book.rules:
        spec, location = rule.spec, rule.location
        label = f"rule '{spec.id}'"
        citation = rule.citation
        if not citation.law or not citation.bwb or not citation.article:
            report(
                _problem(
                    location,
                    f"{label} has no complete citation (law, bwb, article): it does not load",
                )
            )
        if rule.scheme not in book.schemes:
            report(_problem(location, f"{label}: unknown scheme '{rule.scheme}'"))
        versions = seen.setdefault(spec.id, [])
        if len(versions) >= MAX_VERSIONS:
            if len(versions) == MAX_VERSIONS:
                report(_problem(location, f"{label} has more than {MAX_VERSIONS} versions"))
                versions.append(rule)  # report once
            continue
        for other in versions:
            if _windows_overlap(other.spec.valid, spec.valid):
                report(
                    _problem(
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
                report(_problem(location, f"{label} concludes '{fact_name}', which is {kind}"))
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


def _windows_overlap(a: Window | None, b: Window | None) -> bool:
    if a is None or b is None:
        return True
    a_end = a.until or dt.date.max
    b_end = b.until or dt.date.max
    return a.from_ <= b_end and b.from_ <= a_end


def _check_derived(book: RuleBook, rules: list[CheckedRule], report: Any) -> None:
    concluded = {fact for r in rules for fact, _ in r.then}
    for fact in book.derived.values():
        spec = fact.spec
        if spec.from_ is not None:
            report(
                _problem(
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
                _problem(
                    fact.location,
                    f"fact '{fact.name}': output '{spec.output}' needs type {OUTPUT_TYPES[spec.output]}",
                )
            )
        if spec.assessed_by is not None or spec.bring is not None or spec.group is not None:
            report(
                _problem(
                    fact.location,
                    f"derived fact '{fact.name}': 'assessed_by', 'bring' and 'group' belong to "
                    "input facts",
                )
            )
        if spec.body is not None and spec.body not in BODIES:
            report(_unknown_body(fact.location, f"fact '{fact.name}': body", spec.body))
        if spec.period != "month" and spec.output != "amount":
            report(
                _problem(fact.location, f"fact '{fact.name}': 'period' belongs to amount outputs")
            )
        if spec.output == "discretion" and spec.weigh is None:
            report(
                _problem(
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
                    _problem(
                        fact.location,
                        f"fact '{fact.name}': default does not fit its type or values",
                    )
                )
        if fact.name not in concluded and spec.default is None and fact.name in book.derived:
            report(
                _problem(
                    fact.location,
                    f"fact '{fact.name}' is declared but no rule concludes it",
                    "warning",
                )
            )


def _check_precedence(
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
                    _problem(
                        r.rule.location,
                        f"rule '{r.rule.spec.id}' overrides unknown rule '{target}'",
                    )
                )
                continue
            target_facts = declared[target]
            if not facts & target_facts:
                report(
                    _problem(
                        r.rule.location,
                        f"rule '{r.rule.spec.id}' overrides '{target}' but they conclude no fact in common",
                    )
                )
            overrides[r.rule.spec.id].add(target)
    for component in strongly_connected(sorted(overrides), overrides):
        if len(component) > 1 or component[0] in overrides[component[0]]:
            first = next(r for r in book.rules if r.spec.id == component[0])
            report(
                _problem(
                    first.location, f"rules override each other in a circle: {', '.join(component)}"
                )
            )
    reach = transitive_closure(overrides, MAX_OVERRIDE_PAIRS)
    if reach is None:
        first = next(r for r in book.rules if r.spec.overrides)
        report(
            _problem(
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


def _order(book: RuleBook, rules: list[CheckedRule], report: Any) -> list[str]:
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
                _problem(
                    first.location,
                    f"dependency cycle {kind} between facts {', '.join(component)} (rules: {', '.join(rule_ids)}); "
                    "the law must be encoded without circular reasoning",
                )
            )
        order.extend(component)
    return order


def _check_conflicts(
    book: RuleBook, rules: list[CheckedRule], dominated_by: dict[str, frozenset[str]], report: Any
) -> None:
    by_fact: dict[str, list[tuple[CheckedRule, ir.Node]]] = {}
    for r in rules:
        for fact, value in r.then:
            by_fact.setdefault(fact, []).append((r, value))
    for fact, candidates in sorted(by_fact.items()):
        if len(candidates) > MAX_RULES_PER_FACT:
            report(
                _problem(
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
                if not _windows_overlap(a.rule.spec.valid, b.rule.spec.valid):
                    continue
                if exclusive(a.when, b.when):
                    continue
                same = " ".join(a.when.text.split()) == " ".join(b.when.text.split())
                severity = "error" if same else "warning"
                certainty = "always" if same else "may"
                found.append(
                    _problem(
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
                _problem(
                    rest[0].location,
                    f"{len(rest)} more pairs of rules may conclude different values for '{fact}' "
                    "without precedence (not listed)",
                    severity,
                )
            )


def _same_constant(a: ir.Node, b: ir.Node) -> bool:
    return isinstance(a, ir.Const) and isinstance(b, ir.Const) and a.value == b.value


def _check_parameter_gaps(book: RuleBook, rules: list[CheckedRule], report: Any) -> None:
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
                    _problem(
                        r.rule.location,
                        f"rule '{r.rule.spec.id}' applies from {start}, but parameter '{name}' has no value "
                        f"before {first}",
                    )
                )
