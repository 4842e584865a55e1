"""The declarations of a rule base checked: the names in scope, the schemes, the parameters and
their periods, the municipalities, the inputs, their groups and who assesses them."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from engine.errors import Location, Problem
from engine.lang.types import Declared, Scope
from engine.load.loader import LoadedFact, RuleBook
from engine.model.profile import Profile
from engine.model.profile_paths import PathError, check_scalar_path, item_type

BUILTINS = {"peildatum": Declared("date", kind="builtin")}


MUNICIPALITY_FACT = "gemeente"  # the input fact that municipal rules are conditioned on


STATUS_VALUES = {"eligible", "not_eligible", "refer"}


# The bodies a rule base may name: who acts on an output, who assesses an input.
BODIES = {"gemeente", "UWV", "SVB", "DUO", "IND", "CAK", "Belastingdienst", "rechtbank"}


def _declared(fact: LoadedFact) -> Declared:
    return Declared(fact.spec.type, tuple(fact.spec.values or ()), "fact")


def build_scope(book: RuleBook, report: Any) -> Scope:
    names: dict[str, Declared] = dict(BUILTINS)
    origin: dict[str, Location] = {}

    def add(name: str, declared: Declared, location: Location) -> None:
        if name in names:
            where = origin.get(name)
            also = f" (also at {where})" if where else " (a built-in name)"
            report(Problem(location, f"the name '{name}' is declared twice{also}"))
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
                Problem(location, f"collection '{name}' uses unknown record '{collection.record}'")
            )
        add(name, Declared(f"collection[{collection.record}]", kind="fact"), location)
    for param in book.parameters.values():
        add(param.name, Declared(param.spec.type, kind="parameter"), param.location)
    records = {
        record: {n: _declared(f) for n, f in fields.items()}
        for record, fields in book.records.items()
    }
    return Scope(names, records)


def check_schemes(book: RuleBook, report: Any) -> None:
    for scheme_id, scheme in book.schemes.items():
        outputs = scheme.spec.outputs
        if scheme.spec.body not in BODIES:
            report(unknown_body(scheme.location, f"scheme '{scheme_id}': body", scheme.spec.body))
        status = book.derived.get(outputs.status)
        if status is None:
            report(
                Problem(
                    scheme.location,
                    f"scheme '{scheme_id}': status fact '{outputs.status}' is not declared",
                )
            )
        elif status.spec.type != "text" or not set(status.spec.values or ()) <= STATUS_VALUES:
            report(
                Problem(
                    status.location,
                    f"status fact '{outputs.status}' must be text with values from {sorted(STATUS_VALUES)}",
                )
            )
        if outputs.amount is not None:
            amount = book.derived.get(outputs.amount)
            if amount is None or amount.spec.type != "money":
                report(
                    Problem(
                        scheme.location,
                        f"scheme '{scheme_id}': amount '{outputs.amount}' must be a derived money fact",
                    )
                )


def check_parameters(book: RuleBook, report: Any) -> None:
    for param in book.parameters.values():
        label = f"parameter '{param.name}'"
        _check_values(book, param.spec.values, param.spec.type, param.location, label, report)
        _check_periods(param.spec.values, param.location, label, report)
        ends = any(value.until for value in param.spec.values)
        if ends and not param.spec.next_value:
            report(
                Problem(
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
                Problem(
                    location,
                    f"{label}: no value from {day_after} to {following.from_ - dt.timedelta(days=1)}"
                    f" (the value from {value.from_} ends on {value.until})",
                )
            )
        elif following.from_ < day_after:
            report(
                Problem(
                    location,
                    f"{label}: the value from {value.from_} runs until {value.until}, past the "
                    f"next one from {following.from_}",
                )
            )


def check_municipalities(book: RuleBook, report: Any) -> None:
    for municipality in book.municipalities.values():
        for name, local in municipality.parameters.items():
            param = book.parameters.get(name)
            if param is None or not param.spec.local:
                report(
                    Problem(
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
                Problem(
                    rule.location,
                    f"rule '{rule.spec.id}' belongs to a municipality without a policy file in schemes/gemeenten/",
                )
            )
    if any(r.municipality for r in book.rules) and MUNICIPALITY_FACT not in book.inputs:
        report(
            Problem(
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
        report(Problem(location, f"{label}: values must be in date order, one per date"))
    for value in values:
        if value.source not in book.sources:
            report(
                Problem(
                    location,
                    f"{label}: unknown source '{value.source}' for the value from {value.from_}",
                )
            )
        if not _value_fits(value.value, type_name):
            report(
                Problem(
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


def check_inputs(book: RuleBook, report: Any) -> None:
    for fact in book.inputs.values():
        if fact.spec.from_ is None:
            report(
                Problem(
                    fact.location, f"input fact '{fact.name}' needs 'from': a path in the profile"
                )
            )
            continue
        if fact.spec.question is None:
            report(Problem(fact.location, f"input fact '{fact.name}' needs a question (nl and en)"))
        try:
            check_scalar_path(Profile, fact.spec.from_, fact.spec.type, fact.spec.values)
        except PathError as exc:
            report(Problem(fact.location, f"input fact '{fact.name}': {exc}"))
        _check_assessed(fact, report)
    _check_groups(book, report)
    for name, (location, collection) in book.collections.items():
        try:
            item = item_type(Profile, collection.from_)
        except PathError as exc:
            report(Problem(location, f"collection '{name}': {exc}"))
            continue
        for field_fact in book.records.get(collection.record, {}).values():
            if field_fact.spec.from_ is None:
                report(Problem(field_fact.location, f"field '{field_fact.name}' needs 'from'"))
                continue
            try:
                check_scalar_path(
                    item, field_fact.spec.from_, field_fact.spec.type, field_fact.spec.values
                )
            except PathError as exc:
                report(
                    Problem(
                        field_fact.location,
                        f"field '{field_fact.name}' (in collection '{name}'): {exc}",
                    )
                )
            if field_fact.spec.assessed_by or field_fact.spec.bring or field_fact.spec.group:
                report(
                    Problem(
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
                Problem(fact.location, f"input fact '{fact.name}': group '{group}' is not declared")
            )
        elif fact.spec.type != "bool":
            report(Problem(fact.location, f"input fact '{fact.name}': a group holds yes/no facts"))
        members[group] = members.get(group, 0) + 1
    for name, (location, _) in book.groups.items():
        if members.get(name, 0) < 2:
            report(Problem(location, f"group '{name}' needs two or more input facts"))
        if name in book.inputs or name in book.derived or name in book.collections:
            # a group is answered by its name, as a fact is
            report(Problem(location, f"group '{name}' has the name of a fact"))


def unknown_body(location: Location, where: str, body: str) -> Problem:
    return Problem(location, f"{where} '{body}' is not a known body ({', '.join(sorted(BODIES))})")


def _check_assessed(fact: LoadedFact, report: Any) -> None:
    """`assessed_by` names a known body; `bring` says what to take to it, and needs it."""
    spec = fact.spec
    if spec.assessed_by is not None and spec.assessed_by not in BODIES:
        where = f"input fact '{fact.name}': assessed_by"
        report(unknown_body(fact.location, where, spec.assessed_by))
    if spec.bring is not None and spec.assessed_by is None:
        report(Problem(fact.location, f"input fact '{fact.name}': 'bring' needs 'assessed_by'"))
