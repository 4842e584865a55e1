"""Hand-made household tables (CSV) for the population, batch and report tests."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from engine.population.table import COLUMNS


def household(household_id: str, **cells: str) -> dict[str, str]:
    """A single Dutch applicant of 30 (born 1995-06-01) without income, € 500 savings, renting
    in Zevenaar. Empty cells are unknown; columns not named here stay empty."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        household_id=household_id,
        municipality="Zevenaar",
        household_type="single",
        applicant_birth_date="1995-06-01",
        nationality="NL",
        applicant_net_wages="0",
        bank_and_cash="500.00",
        owns_home="false",
        housing_costs_monthly="600.00",
        problematic_debts="false",
        total_debts="0",
        municipal_tax_assessment="350.00",
    )
    row.update(cells)
    return row


def write_csv(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path
