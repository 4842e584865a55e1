"""The household table: a population as columns, one row per household, in Parquet or CSV.

A row records what varies between households (composition, ages, incomes, savings, debts,
residence, municipality, an owned home's value) and, as yes/no columns, whatever else a
scheme's status waits on (work and disability, the debt history, Dutch-language education).
What a table does not record is stated once, in ASSUMED, and the impact report prints it: the
profile built from a row says so explicitly rather than leaving it unknown, so that schemes
can be decided for synthetic households. A file written before a column was added still
reads: that column is empty, its facts unknown.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from engine.errors import EngineError, ProfileError

MONEY = pa.decimal128(11, 2)
DATES = pa.list_(pa.date32())

# Yes/no columns, each the profile path it answers: what a scheme's status waits on beyond
# composition, income and means (work and disability for Wsw, beschut werk and the Wajong; the
# debt history for the Wsnp), and what the bijstand's duties and dates wait on (the taaleis,
# the four-week search period). Each is drawn from the marginal of the same name.
YES_NO_COLUMNS: dict[str, str] = {
    "applicant_work_limiting_condition": "applicant.work.work_limiting_condition",
    "applicant_sheltered_work_only": "applicant.work.sheltered_work_only",
    "applicant_registered_with_uwv_as_jobseeker": "applicant.work.registered_with_uwv_as_jobseeker",
    "applicant_permanently_no_work_capacity": "applicant.work.permanently_no_work_capacity",
    "applicant_disabled_before_18_or_during_study": (
        "applicant.work.disabled_before_18_or_during_study"
    ),
    "applicant_receives_wajong": "applicant.work.receives_wajong",
    "applicant_wsw_indicated_and_employed_on_2014_12_31": (
        "applicant.work.wsw_indicated_and_employed_on_2014_12_31"
    ),
    "applicant_wsw_employed": "applicant.work.wsw_employed",
    "applicant_dutch_language_education_8_years": (
        "applicant.education.dutch_language_education_8_years"
    ),
    "applicant_integration_diploma": "applicant.work.integration_diploma",
    "debts_good_faith_last_3_years": "debts.good_faith_last_3_years",
    "debts_amicable_attempt_failed": "debts.amicable_attempt_failed",
    "debts_crime_debts_last_5_years": "debts.crime_debts_last_5_years",
    # added later: drawn last, so that a seed still gives what it gave in the columns above
    "applicant_left_praktijkonderwijs_or_vso_within_year": (
        "applicant.education.left_praktijkonderwijs_or_vso_within_year"
    ),
    "partner_left_praktijkonderwijs_or_vso_within_year": (
        "partner.education.left_praktijkonderwijs_or_vso_within_year"
    ),
}

SCHEMA = pa.schema(
    [
        pa.field("household_id", pa.string(), nullable=False),
        pa.field("municipality", pa.string()),
        pa.field("household_type", pa.string()),
        pa.field("applicant_birth_date", pa.date32()),
        pa.field("partner_birth_date", pa.date32()),
        pa.field("children_birth_dates", DATES),
        pa.field("housemate_birth_dates", DATES),
        pa.field("nationality", pa.string()),
        pa.field("residence_permit", pa.string()),
        pa.field("applicant_net_wages", MONEY),
        pa.field("partner_net_wages", MONEY),
        pa.field("bank_and_cash", MONEY),
        pa.field("owns_home", pa.bool_()),
        pa.field("housing_costs_monthly", MONEY),
        pa.field("problematic_debts", pa.bool_()),
        pa.field("total_debts", MONEY),
        pa.field("municipal_tax_assessment", MONEY),
        pa.field("low_income_since", pa.date32()),
    ]
    + [pa.field(name, pa.bool_()) for name in YES_NO_COLUMNS]
    # an owned home's value and mortgage, empty where the home is not owned
    + [pa.field("home_market_value", MONEY), pa.field("home_mortgage_debt", MONEY)]
)
COLUMNS = tuple(SCHEMA.names)
# Files written before these columns existed still run: those facts are then unknown.
ADDED_COLUMNS = (*YES_NO_COLUMNS, "home_market_value", "home_mortgage_debt")
REQUIRED_COLUMNS = tuple(name for name in COLUMNS if name not in ADDED_COLUMNS)
LIST_COLUMNS = ("children_birth_dates", "housemate_birth_dates")
HOUSEHOLD_TYPES = ("single", "single_parent", "couple_no_children", "couple_with_children")

# What a household table does not record, and what its profiles therefore state.
ASSUMED_PERSON: dict[str, Any] = {
    "lives_in_netherlands": True,
    "registered_in_brp": True,
    "exclusions": {
        "detained": False,
        "evading_sentence": False,
        "military_service": False,
        "on_strike_or_locked_out": False,
        "repaying_debts_while_having_means": False,
        "uitreiziger": False,
        "unpaid_leave": False,
        "in_institution": False,
        "weeks_abroad_this_year": 0,
        "consecutive_weeks_abroad": 0,
    },
    "education": {"follows_education": False, "can_follow_funded_education": False},
    "work": {
        "fully_and_permanently_incapacitated": False,
        "medically_limited_hours": False,
        "in_lks_target_group": False,
        "care_duties": False,
    },
    "caring_with_residence_elsewhere": False,
    "parents_cannot_provide": False,
}
ASSUMED_MINIMA: dict[str, Any] = {
    "prospect_of_income_improvement": False,
    "iit_granted_in_last_12_months": False,
    "special_costs": [],
    "car_value": "0",
    "car_indispensable": False,
}
ASSUMED_DEBTS: dict[str, Any] = {
    "creditor_signal_received": False,
    "eviction_threat": False,
    "utility_cutoff_threat": False,
    "health_insurance_termination_threat": False,
    "earlier_debt_help": False,
    "fraud_conviction": False,
    "in_wsnp": False,
}
ASSUMED = (  # said in Dutch: the impact report is read by policy officers
    "Een huishoudtabel legt niet alles vast; voor elk huishouden is daarom aangenomen: geen "
    "uitsluitingsgrond van art. 13 Participatiewet, niemand in het buitenland, in een "
    "inrichting of in opleiding, niemand volledig arbeidsongeschikt, geen bijzondere kosten, "
    "geen auto, geen individuele inkomenstoeslag in de laatste 12 maanden, geen eerdere "
    "schuldhulp en geen dreigende ontruiming of afsluiting; "
    "huisgenoten zijn meerderjarige niet-verwanten zonder commerciële huurovereenkomst."
)


class PopulationError(EngineError):
    """A population file cannot be read as a household table."""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _adult(role: str, birth: dt.date | None, wages: Decimal | None) -> dict[str, Any]:
    person: dict[str, Any] = {"id": role, "role": role, "birth_date": _iso(birth)}
    person.update(copy.deepcopy(ASSUMED_PERSON))  # each person its own groups
    if wages is not None:  # an unknown income stays unknown; no wages is an empty list
        person["incomes"] = [{"kind": "wages", "net_monthly": str(wages)}] if wages else []
    return person


def profile_of(row: dict[str, Any]) -> dict[str, Any]:
    """The profile of one household row (values as pyarrow gives them: date, Decimal, None)."""
    if row["household_type"] not in HOUSEHOLD_TYPES:
        raise ProfileError([("household_type", f"one of {', '.join(HOUSEHOLD_TYPES)}")])
    applicant = _adult("applicant", row["applicant_birth_date"], row["applicant_net_wages"])
    applicant["nationality"] = row["nationality"]
    applicant["residence_permit"] = row["residence_permit"]
    members = [applicant]
    if row["household_type"] in ("couple_no_children", "couple_with_children"):
        members.append(_adult("partner", row["partner_birth_date"], row["partner_net_wages"]))
    for n, birth in enumerate(row["children_birth_dates"] or ()):
        members.append({"id": f"kind{n + 1}", "role": "child", "birth_date": _iso(birth)})
    for n, birth in enumerate(row["housemate_birth_dates"] or ()):
        members.append(
            {
                "id": f"huisgenoot{n + 1}",
                "role": "other_resident",
                "relation_to_applicant": "none",
                "birth_date": _iso(birth),
                "main_residence_in_home": True,
                "written_commercial_agreement": False,
                "commercial_tenant_same_landlord": False,
                "education": {"follows_education": False},
            }
        )
    profile = {
        "municipality": row["municipality"],
        "members": members,
        "assets": {
            "bank_and_cash": _money(row["bank_and_cash"]),
            "other_possessions": "0",
            "debts": _money(row["total_debts"]),
            "owns_home": row["owns_home"],
        },
        "minima": {
            **ASSUMED_MINIMA,
            "housing_costs_monthly": _money(row["housing_costs_monthly"]),
            "municipal_tax_assessment": _money(row["municipal_tax_assessment"]),
            "household_goods_value": "0",
            "low_income_since": _iso(row["low_income_since"]),
        },
        "debts": {
            **ASSUMED_DEBTS,
            "problematic_debts": row["problematic_debts"],
            "total_debts": _money(row["total_debts"]),
        },
    }
    if row["owns_home"] is True:  # an empty cell (or a file without it): that figure unknown
        figures = {
            "market_value": row.get("home_market_value"),
            "mortgage_debt": row.get("home_mortgage_debt"),
        }
        own_home = {name: _money(value) for name, value in figures.items() if value is not None}
        profile["assets"]["own_home"] = own_home
    partner = next((m for m in members if m["role"] == "partner"), None)
    people = {"applicant": applicant, "partner": partner}
    for column, path in YES_NO_COLUMNS.items():
        if row.get(column) is not None:  # an empty cell, or a file without it: unknown
            _put(profile, people, path, row[column])
    return profile


def _put(profile: dict[str, Any], people: dict[str, Any], path: str, value: Any) -> None:
    """Set a profile path (`applicant.work.x`, `partner.education.x`, `debts.x`) in the
    profile being built; a partner's where the household has one."""
    first, *groups, name = path.split(".")
    if first in people and people[first] is None:
        return
    place = people[first] if first in people else profile.setdefault(first, {})
    for group in groups:
        place = place.setdefault(group, {})
    place[name] = value


def count_rows(path: Path) -> int | None:
    """Households in a Parquet file (from its footer); None for CSV, known only when read."""
    if path.suffix != ".parquet" or not path.is_file():
        return None  # reading it says what is wrong
    try:
        return pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowException, OSError):
        raise PopulationError(f"'{path.name}' is not a readable Parquet file") from None


def read_batches(path: Path, chunk_size: int) -> Iterator[list[dict[str, Any]]]:
    """The file's rows as dicts, chunk by chunk (see `read_record_batches`)."""
    for batch in read_record_batches(path, chunk_size):
        yield rows_of(batch)


def rows_of(batch: pa.RecordBatch) -> list[dict[str, Any]]:
    rows = batch.to_pylist()
    if INVALID in batch.schema.names:
        for row in rows:
            if row[INVALID] is None:
                del row[INVALID]
    return rows


def read_record_batches(path: Path, chunk_size: int) -> Iterator[pa.RecordBatch]:
    """The file's rows, chunk by chunk: memory is bounded by the chunk, not the file.

    A CSV cell that does not convert to its column's type leaves the row in, with that cell
    unknown and the column named under INVALID, so that one bad row does not stop a run.
    """
    if not path.is_file():  # also a FIFO or a device: never opened, it could hang
        raise PopulationError(f"no population file at '{path}'")
    if path.suffix == ".parquet":
        yield from _parquet_batches(path, chunk_size)
    elif path.suffix == ".csv":
        yield from _csv_batches(path, chunk_size)
    else:
        raise PopulationError(f"'{path.name}': a population is a .parquet or .csv file")


INVALID = "invalid_columns"  # a CSV row's cells that could not be read, by column name


def _parquet_batches(path: Path, chunk_size: int) -> Iterator[pa.RecordBatch]:
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as error:
        raise PopulationError(f"'{path.name}' is not a readable Parquet file") from error
    present = _check_columns(path, source.schema_arrow.names)
    try:
        for batch in source.iter_batches(batch_size=chunk_size, columns=present):
            yield whole(batch).cast(SCHEMA, safe=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        raise PopulationError(f"'{path.name}': its columns do not have the table's types") from None
    except (pa.ArrowException, OSError):
        raise PopulationError(f"'{path.name}' is damaged or cut short; write it again") from None


def _csv_batches(path: Path, chunk_size: int) -> Iterator[pa.RecordBatch]:
    """CSV: every cell read as text, then converted column by column."""
    present = _check_columns(path, _csv_header(path))
    options = pa_csv.ConvertOptions(
        column_types={name: pa.string() for name in present},
        include_columns=present,
        strings_can_be_null=True,
    )
    try:
        reader = pa_csv.open_csv(
            path, read_options=pa_csv.ReadOptions(block_size=1 << 20), convert_options=options
        )
        for block in reader:
            for start in range(0, block.num_rows, chunk_size):
                yield _typed(whole(block.slice(start, chunk_size), pa.string()))
    except pa.ArrowInvalid as error:
        raise PopulationError(f"'{path.name}': {_first_line(error)}") from None


def _typed(block: pa.RecordBatch) -> pa.RecordBatch:
    """Text cells to the table's types; a cell that does not convert is named, not fatal."""
    n = block.num_rows
    bad: list[list[str]] = [[] for _ in range(n)]
    columns = []
    for field in SCHEMA:
        text = block.column(field.name)
        if field.name in LIST_COLUMNS:
            values = [
                _cell(_date_list, cell, field.name, i, bad)
                for i, cell in enumerate(text.to_pylist())
            ]
            columns.append(pa.array(values, type=DATES))
            continue
        try:
            columns.append(pc.cast(text, field.type))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            convert = _CELL.get(str(field.type), _money_cell)
            values = [
                _cell(convert, cell, field.name, i, bad) for i, cell in enumerate(text.to_pylist())
            ]
            columns.append(pa.array(values, type=field.type))
    invalid = pa.array([", ".join(names) or None for names in bad], type=pa.string())
    schema = SCHEMA.append(pa.field(INVALID, pa.string()))
    return pa.RecordBatch.from_arrays([*columns, invalid], schema=schema)


def _cell(convert: Any, cell: str | None, column: str, row: int, bad: list[list[str]]) -> Any:
    if cell is None:
        return None
    try:
        return convert(cell)
    except (ValueError, ArithmeticError):
        bad[row].append(column)
        return None


def _money_cell(text: str) -> Decimal:
    value = Decimal(text.strip())
    if not value.is_finite() or value != value.quantize(Decimal("0.01")) or abs(value) >= 10**9:
        raise ValueError("not an amount in cents")
    return value


def _bool_cell(text: str) -> bool:
    """As Arrow reads a yes/no cell: true/false or 1/0, in any case."""
    word = text.strip().lower()
    if word not in ("true", "false", "1", "0"):
        raise ValueError("not true or false")
    return word in ("true", "1")


_CELL: dict[str, Any] = {
    "date32[day]": lambda text: dt.date.fromisoformat(text.strip()),
    "bool": _bool_cell,
    "string": str,
}


def _date_list(text: str) -> list[dt.date]:
    return [dt.date.fromisoformat(part.strip()) for part in text.split(";") if part.strip()]


def _csv_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as file:
        return next(csv.reader(file), [])


def _check_columns(path: Path, names: list[str]) -> list[str]:
    """The table's columns the file has; refuses a file without one that every file has."""
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise PopulationError(f"'{path.name}' lacks the columns: {', '.join(missing)}")
    return [name for name in COLUMNS if name in names]


def whole(batch: Any, cell_type: pa.DataType | None = None) -> Any:
    """A batch with every table column: a column the file predates is empty (unknown).
    `cell_type` for the added columns (text, for CSV cells still to convert). A record batch
    or a table."""
    names = batch.schema.names
    if all(name in names for name in COLUMNS):
        return batch
    columns = [
        batch.column(name)
        if name in names
        else pa.nulls(batch.num_rows, cell_type or SCHEMA.field(name).type)
        for name in COLUMNS
    ]
    return type(batch).from_arrays(columns, names=list(COLUMNS))


def _first_line(error: Exception) -> str:
    """Arrow's message without the offending row's values (they may be personal data)."""
    return str(error).splitlines()[0].split(":")[0]


def to_csv_cells(row: dict[str, Any]) -> dict[str, Any]:
    """A row as CSV cells: date lists joined by ';'."""
    out = dict(row)
    for name in LIST_COLUMNS:
        dates = row[name]
        out[name] = None if dates is None else ";".join(d.isoformat() for d in dates)
    return out
