"""Input columns straight from a household table (engine/population/table.py), for speed.

The general way in (`read_batch`) validates a profile per household and reads it with the
native readers: about 100 µs a household. Here the columns of the table become fact columns
directly. What a table row does not record is the same for every household of one shape
(single or couple): it is read once, from template profiles, through the native readers.

Two guards keep this exact: a fact that is not mapped from a column must read the same from
two template rows that differ in every column (else the plan reads a column this module does
not map, and it refuses to run); and a row that would not validate as a profile (a value out
of range, an unknown household type) is left to the general path, which names the problem.
The differential tests compare both ways in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa

from engine.backends.vector.columns import Col, Coll, constant, falses, from_values
from engine.backends.vector.evaluate import Batch, _kind, collection_column
from engine.compile.plan import Plan
from engine.errors import EngineError
from engine.load.loader import municipality_key
from engine.model.profile import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_MONEY,
    ResidencePermit,
    profile_from_dict,
)
from engine.population.table import HOUSEHOLD_TYPES, YES_NO_COLUMNS, profile_of
from engine.run.evaluate import read_profile
from engine.values import NOT_DERIVED, Unknown

COUPLES = ("couple_no_children", "couple_with_children")
MONEY_COLUMNS = (
    "applicant_net_wages",
    "partner_net_wages",
    "bank_and_cash",
    "housing_costs_monthly",
    "total_debts",
    "municipal_tax_assessment",
    "home_market_value",
    "home_mortgage_debt",
)
DATE_COLUMNS = ("applicant_birth_date", "partner_birth_date", "low_income_since")
LIST_COLUMNS = ("children_birth_dates", "housemate_birth_dates")
# The columns `valid_rows` checks, besides the household's id, type and municipality.
VALIDATED = (*DATE_COLUMNS, "nationality", "residence_permit", *MONEY_COLUMNS, *LIST_COLUMNS)
PERMITS = frozenset(p.value for p in ResidencePermit)
NATIONALITY = re.compile(r"^[A-Z]{2}$")


class UnmappedColumnError(EngineError):
    """The rules read something of a household table that the vector reader does not map."""


def _col(values: list[Any], kind: str) -> Col:
    """A mapped column: an empty cell is unknown (never a policy gap)."""
    n = len(values)
    unk = np.fromiter((v is None for v in values), dtype=bool, count=n)
    if kind == "bool":
        val = np.fromiter((v is True for v in values), dtype=bool, count=n)
    else:
        val = np.empty(n, dtype=object)
        val[:] = values
    return Col(val, unk, falses(n), falses(n))


def _unknown_if_none(value: Any) -> Any:
    return Unknown(frozenset({"?"})) if value is None else value


def _partner_only(values: list[Any], couple: np.ndarray, kind: str) -> Col:
    """A partner's fact: not derived (no partner) for singles."""
    return from_values(
        [(_unknown_if_none(v) if c else NOT_DERIVED) for v, c in zip(values, couple, strict=True)],
        kind,
    )


Reader = Callable[[dict[str, list[Any]], np.ndarray], Col]


def _owned(owns_home: list[bool | None], values: list[Any]) -> Col:
    """A figure of the own home: its cell where the home is owned (empty: unknown), else not
    derived (as the profile reads it: without an owned home there is no home value)."""
    return from_values(
        [
            _unknown_if_none(v) if owned is True else NOT_DERIVED
            for owned, v in zip(owns_home, values, strict=True)
        ],
        "object",
    )


def _yes_no(column: str, path: str) -> Reader:
    if path.startswith("partner."):
        return lambda t, c: _partner_only(t[column], c, "bool")
    return lambda t, c: _col(t[column], "bool")


# Profile path -> how its column is read from the table (column lists, couple mask).
SCALARS: dict[str, Reader] = {
    "applicant.birth_date": lambda t, c: _col(t["applicant_birth_date"], "object"),
    "applicant.nationality": lambda t, c: _col(t["nationality"], "object"),
    "applicant.residence_permit": lambda t, c: _col(t["residence_permit"], "object"),
    "partner.birth_date": lambda t, c: _partner_only(t["partner_birth_date"], c, "object"),
    "has_partner": lambda t, c: from_values([bool(x) for x in c], "bool"),
    "municipality_key": lambda t, c: _col([_key(m) for m in t["municipality"]], "object"),
    "assets.bank_and_cash": lambda t, c: _col(t["bank_and_cash"], "object"),
    "assets.debts": lambda t, c: _col(t["total_debts"], "object"),
    "assets.owns_home": lambda t, c: _col(t["owns_home"], "bool"),
    "debts.problematic_debts": lambda t, c: _col(t["problematic_debts"], "bool"),
    "debts.total_debts": lambda t, c: _col(t["total_debts"], "object"),
    "minima.housing_costs_monthly": lambda t, c: _col(t["housing_costs_monthly"], "object"),
    "minima.municipal_tax_assessment": lambda t, c: _col(t["municipal_tax_assessment"], "object"),
    "minima.low_income_since": lambda t, c: _col(t["low_income_since"], "object"),
    "assets.own_home.market_value": lambda t, c: _owned(t["owns_home"], t["home_market_value"]),
    "assets.own_home.mortgage_debt": lambda t, c: _owned(t["owns_home"], t["home_mortgage_debt"]),
    **{path: _yes_no(column, path) for column, path in YES_NO_COLUMNS.items()},
}
# Collection path -> per household its items' mapped field values, or None if unknown.
ItemReader = Callable[[dict[str, list[Any]], np.ndarray], list[list[dict[str, Any]] | None]]
COLLECTIONS: dict[str, ItemReader] = {
    "children": lambda t, c: [
        [{"birth_date": d} for d in dates or ()] for dates in t["children_birth_dates"]
    ],
    "other_residents": lambda t, c: [
        [{"birth_date": d} for d in dates or ()] for dates in t["housemate_birth_dates"]
    ],
    "applicant.incomes": lambda t, c: [_wages(w) for w in t["applicant_net_wages"]],
    "partner.incomes": lambda t, c: [
        _wages(w) if couple else [] for w, couple in zip(t["partner_net_wages"], c, strict=True)
    ],
    "minima.special_costs": lambda t, c: [[] for _ in c],
}


def _wages(wages: Decimal | None) -> list[dict[str, Any]] | None:
    if wages is None:
        return None  # unknown income
    return [{"kind": "wages", "net_monthly": wages}] if wages else []


@cache
def _key(name: str | None) -> str | None:
    return municipality_key(name) if name else None


def valid_rows(table: dict[str, list[Any]]) -> np.ndarray:
    """Rows that validate as profiles (checked column-wise, as the profile model checks)."""
    n = len(table["household_id"])
    ok = np.array([t in HOUSEHOLD_TYPES for t in table["household_type"]], dtype=bool)
    for name in MONEY_COLUMNS:
        ok &= np.array([v is None or 0 <= v <= MAX_MONEY for v in table[name]], dtype=bool)
    for name in DATE_COLUMNS:
        ok &= np.array([v is None or EARLIEST_DATE <= v <= LATEST_DATE for v in table[name]])
    for name in LIST_COLUMNS:
        ok &= np.array(
            [all(EARLIEST_DATE <= d <= LATEST_DATE for d in (v or ())) for v in table[name]]
        )
    ok &= np.array([v is None or bool(NATIONALITY.match(v)) for v in table["nationality"]])
    ok &= np.array([v is None or v in PERMITS for v in table["residence_permit"]])
    ok &= np.array([v is None or len(v) <= 80 for v in table["municipality"]], dtype=bool)
    sizes = [
        2 + len(c or ()) + len(h or ())
        for c, h in zip(table["children_birth_dates"], table["housemate_birth_dates"], strict=True)
    ]
    ok &= np.array(sizes) <= 30
    return ok if n else falses(0)


def read_table(plan: Plan, batch: pa.RecordBatch) -> Batch:
    """Fact columns for a batch of household rows that all validate (see `valid_rows`)."""
    table = {name: batch.column(name).to_pylist() for name in batch.schema.names}
    n = batch.num_rows
    couple = np.array([t in COUPLES for t in table["household_type"]], dtype=bool)
    single_facts, couple_facts = _templates(plan)
    facts: dict[str, Any] = {}
    for name, fact in plan.inputs.items():
        path = fact.spec.from_ or ""
        if path in SCALARS:
            facts[name] = SCALARS[path](table, couple)
        else:
            facts[name] = _by_shape(
                single_facts[name], couple_facts[name], couple, plan.types[name]
            )
    for name, collection in plan.collections.items():
        facts[name] = _collection(plan, name, collection.from_, table, couple, couple_facts)
    return Batch(n, facts, falses(n))


def _by_shape(single: Any, couple_value: Any, couple: np.ndarray, type_name: str) -> Col:
    """A fact the table does not record: one value for singles, one for couples."""
    n, kind = len(couple), _kind(type_name)
    a, b = constant(single, n, kind), constant(couple_value, n, kind)
    if _same(single, couple_value):
        return a
    return Col(
        np.where(couple, b.val, a.val),
        np.where(couple, b.unk, a.unk),
        np.where(couple, b.pol, a.pol),
        falses(n),
    )


def _collection(
    plan: Plan,
    name: str,
    path: str,
    table: dict[str, list[Any]],
    couple: np.ndarray,
    template: dict[str, Any],
) -> Coll:
    if path not in COLLECTIONS:
        raise UnmappedColumnError(f"the vector reader does not map the collection '{path}'")
    record = plan.collections[name].record
    kinds = {f: plan.scope.records[record][f].type for f in plan.scope.records[record]}
    paths = {f: plan.records[record][f].spec.from_ or "" for f in kinds}  # field -> item path
    fixed = template[name][0] if template[name] else {}  # a template item's unmapped fields
    households = COLLECTIONS[path](table, couple)
    values: list[Any] = []
    for items in households:
        if items is None:
            values.append(Unknown(frozenset({name})))
            continue
        values.append(
            [
                {
                    f: _unknown_if_none(item[path]) if path in item else fixed[f]
                    for f, path in paths.items()
                }
                for item in items
            ]
        )
    return collection_column(values, kinds)


TEMPLATE: dict[str, Any] = {
    "household_id": "T",
    "municipality": "Voorbeeldgemeente",
    "applicant_birth_date": dt.date(1980, 5, 6),
    "partner_birth_date": dt.date(1982, 7, 8),
    "children_birth_dates": [dt.date(2015, 1, 2)],
    "housemate_birth_dates": [dt.date(1960, 3, 4)],
    "nationality": "NL",
    "residence_permit": None,
    "applicant_net_wages": Decimal("100.00"),
    "partner_net_wages": Decimal("200.00"),
    "bank_and_cash": Decimal("1000.00"),
    "owns_home": False,
    "housing_costs_monthly": Decimal("600.00"),
    "problematic_debts": False,
    "total_debts": Decimal("0.00"),
    "municipal_tax_assessment": Decimal("300.00"),
    "low_income_since": dt.date(2020, 1, 1),
    **dict.fromkeys(YES_NO_COLUMNS, False),
    "home_market_value": Decimal("250000.00"),
    "home_mortgage_debt": Decimal("100000.00"),
}
OTHER_TEMPLATE: dict[str, Any] = {  # every mapped column different from TEMPLATE
    **TEMPLATE,
    "municipality": "Kerkrade",
    "applicant_birth_date": dt.date(1990, 9, 10),
    "partner_birth_date": dt.date(1991, 11, 12),
    "children_birth_dates": [dt.date(2018, 3, 4)],
    "housemate_birth_dates": [dt.date(2000, 5, 6)],
    "nationality": "SY",
    "residence_permit": "c",
    "applicant_net_wages": Decimal("0.00"),
    "partner_net_wages": None,
    "bank_and_cash": Decimal("5.00"),
    "owns_home": True,
    "housing_costs_monthly": Decimal("700.00"),
    "problematic_debts": True,
    "total_debts": Decimal("900.00"),
    "municipal_tax_assessment": None,
    "low_income_since": None,
    **dict.fromkeys(YES_NO_COLUMNS, True),
    "home_market_value": None,
    "home_mortgage_debt": Decimal("5.00"),
}


@cache
def _templates(plan: Plan) -> tuple[dict[str, Any], dict[str, Any]]:
    """The facts a table does not record, read once per shape; refuses an unmapped column."""
    shapes = []
    for household_type in ("single_parent", "couple_with_children"):
        first = _read({**TEMPLATE, "household_type": household_type}, plan)
        second = _read({**OTHER_TEMPLATE, "household_type": household_type}, plan)
        for name, fact in plan.inputs.items():
            path = fact.spec.from_ or ""
            if path not in SCALARS and not _same(first[name], second[name]):
                raise UnmappedColumnError(
                    f"fact '{name}' ({path}) depends on a table column the vector reader "
                    "does not map"
                )
        shapes.append(first)
    return shapes[0], shapes[1]


def _read(row: dict[str, Any], plan: Plan) -> dict[str, Any]:
    return read_profile(plan, profile_from_dict(profile_of(row)))


def _same(a: Any, b: Any) -> bool:
    if type(a) is Unknown or type(b) is Unknown:
        return type(a) is type(b) and a.missing == b.missing
    return a == b
