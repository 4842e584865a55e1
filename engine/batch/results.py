"""A batch run's results: one row per household and scheme (the table written), what the run
counted, and the results read back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

RESULT_SCHEMA = pa.schema(
    [
        pa.field("household_id", pa.string(), nullable=False),
        pa.field("municipality", pa.string()),
        pa.field("scheme", pa.string()),
        pa.field("status", pa.string()),  # eligible, not_eligible, refer, undetermined, invalid
        pa.field("amount", pa.decimal128(11, 2)),  # the scheme's main amount, if eligible
        pa.field("period", pa.string()),  # of the amount: month, year or once
        pa.field("policy_gap", pa.bool_()),  # rests on a local figure the municipality has not set
        pa.field("error", pa.string()),  # for an invalid household: the field paths at fault
    ]
)


@dataclass
class BatchSummary:
    households: int = 0
    invalid: int = 0
    statuses: dict[str, Counter] = field(default_factory=dict)  # scheme -> status -> households
    monthly_total: dict[str, Decimal] = field(default_factory=dict)  # scheme -> sum per month
    # scheme -> why households stay undetermined or are referred (engine/explain/why_open.py)
    # -> how many households
    reasons: dict[str, Counter] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, other: BatchSummary) -> None:
        """Count another part of the run in."""
        self.households += other.households
        self.invalid += other.invalid
        for scheme, counts in other.statuses.items():
            self.statuses.setdefault(scheme, Counter()).update(counts)
        for scheme, total in other.monthly_total.items():
            self.monthly_total[scheme] = self.monthly_total.get(scheme, Decimal(0)) + total
        for scheme, counts in other.reasons.items():
            self.reasons.setdefault(scheme, Counter()).update(counts)

    def count_reasons(self, scheme: str, reasons: tuple[str, ...]) -> None:
        if reasons:
            self.reasons.setdefault(scheme, Counter()).update(reasons)


def read_results(path: Path | str) -> Iterator[dict[str, Any]]:
    """Result rows back, for tests and reports."""
    yield from read_results_table(Path(path)).to_pylist()


def read_results_table(path: Path) -> pa.Table:
    if path.suffix == ".parquet":
        return pq.read_table(path)
    types = {f.name: f.type for f in RESULT_SCHEMA}
    options = pa_csv.ConvertOptions(column_types=types, strings_can_be_null=True)
    return pa_csv.read_csv(path, convert_options=options).cast(RESULT_SCHEMA)
