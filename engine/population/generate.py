"""A seeded generator of synthetic households, drawn from the marginals in marginals.yaml.

SYNTHETIC: every household is made up. Each characteristic is drawn from a published marginal
where marginals.yaml has one, and from a stated assumption where it has none; characteristics
are drawn independently (the sources give margins, not a joint distribution), so the
population matches each margin, not the correlations between them.

Households are drawn in fixed blocks, each from its own seeded stream: the first N households
of a population are the same whatever its size, and memory is bounded by one block.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from engine.files import atomic_path
from engine.population.marginals import Marginals, MarginalsError, load_marginals
from engine.population.table import (
    DATES,
    SCHEMA,
    YES_NO_COLUMNS,
    PopulationError,
    profile_of,
    to_csv_cells,
)

BLOCK = 65_536  # households per seeded stream; part of the seed's meaning, so fixed
EPOCH = dt.date(1970, 1, 1)
MAX_AGE = 110
SIXTEEN_YEARS = 5_845  # days: 16 years of 365.25 days, rounded up to a whole day
LARGEST = 10_000_000_000  # a population beyond this is a typing error


def household_batches(
    count: int, seed: int, peildatum: dt.date, marginals: Marginals | None = None
) -> Iterator[pa.RecordBatch]:
    """`count` households as record batches of at most BLOCK rows."""
    if not 0 <= count <= LARGEST:
        raise PopulationError(f"a population has 0 to {LARGEST:,} households")
    marginals = marginals or load_marginals()
    for block, start in enumerate(range(0, count, BLOCK)):
        rng = np.random.default_rng([seed, block])
        # Always a whole block, then cut: what a household gets must not depend on how many
        # households follow it, or the first N would differ with the population's size.
        whole = _block(rng, start, BLOCK, peildatum, marginals)
        yield whole.slice(0, min(BLOCK, count - start))


def write_population(
    path: Path | str,
    count: int,
    seed: int,
    peildatum: dt.date,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write a population to Parquet (or CSV), block by block, labelled synthetic."""
    path = Path(path)
    marginals = load_marginals()
    metadata = {
        "synthetic": "true",
        "label": marginals.label,
        "seed": str(seed),
        "peildatum": peildatum.isoformat(),
        "marginals_sha256": marginals.digest,
    }
    schema = SCHEMA.with_metadata(metadata)
    batches = household_batches(count, seed, peildatum, marginals)
    if path.suffix not in (".parquet", ".csv"):
        raise PopulationError(f"'{path.name}': write a population to .parquet or .csv")
    # to a private partial file that becomes `path` only once every household is in it: an
    # interrupted run leaves no population that looks whole (engine/files.py)
    with atomic_path(path) as partial:
        if path.suffix == ".csv":
            _write_csv(partial, batches, progress)
            return
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            for batch in batches:
                writer.write_batch(batch.replace_schema_metadata(metadata))
                if progress:
                    progress(batch.num_rows)


def _write_csv(
    path: Path, batches: Iterator[pa.RecordBatch], progress: Callable[[int], None] | None
) -> None:
    text_schema = pa.schema(
        [pa.field(f.name, pa.string()) if f.type == DATES else f for f in SCHEMA]
    )
    with pa_csv.CSVWriter(path, text_schema) as writer:
        for batch in batches:
            rows = [to_csv_cells(row) for row in batch.to_pylist()]
            writer.write_batch(pa.RecordBatch.from_pylist(rows, schema=text_schema))
            if progress:
                progress(batch.num_rows)


def generate(
    count: int, seed: int = 1, today: dt.date = dt.date(2026, 1, 15)
) -> list[dict[str, Any]]:
    """`count` synthetic households as profiles (for small runs and benchmarks)."""
    return [
        profile_of(row)
        for batch in household_batches(count, seed, today)
        for row in batch.to_pylist()
    ]


def _block(
    rng: np.random.Generator, start: int, n: int, peildatum: dt.date, m: Marginals
) -> pa.RecordBatch:
    kind = m.draw("household_type", rng, n)
    partnered = np.isin(kind, ["couple_no_children", "couple_with_children"])
    with_children = np.isin(kind, ["single_parent", "couple_with_children"])
    today = (peildatum - EPOCH).days

    applicant_age = m.draw_bands("applicant_age", rng, n)
    applicant_birth = _birth_days(rng, today, applicant_age)
    gap = rng.normal(0.0, float(m.value("partner_age_gap", "spread_years")), n)
    partner_age = np.clip(np.rint(applicant_age + gap), 18, 95)
    drawn = m.draw("children_count", rng, n)
    children = np.where(with_children, [int(k.rstrip("+")) for k in drawn], 0)
    housemates = rng.random(n) < float(m.value("housemates", "share"))
    works = rng.random(n) < float(m.value("works_beside_benefit", "share"))
    partner_works = partnered & (rng.random(n) < float(m.value("works_beside_benefit", "share")))
    indebted = rng.random(n) < float(m.value("problematic_debts", "share_bijstand"))
    origin = m.draw("residence", rng, n)
    columns: dict[str, pa.Array] = {
        "household_id": pa.array([f"H{start + i + 1:09d}" for i in range(n)]),
        "municipality": pa.array(m.draw("municipality", rng, n).tolist(), pa.string()),
        "household_type": pa.array(kind.tolist(), pa.string()),
        "applicant_birth_date": _as_dates(applicant_birth),
        "partner_birth_date": _dates(rng, today, partner_age, mask=~partnered),
        "children_birth_dates": _children(rng, today, children, applicant_age, applicant_birth, m),
        "housemate_birth_dates": _housemates(rng, today, housemates, m),
        "nationality": pa.array(m.attribute("residence", "nationality", origin), pa.string()),
        "residence_permit": pa.array(
            m.attribute("residence", "residence_permit", origin), pa.string()
        ),
        "applicant_net_wages": _money(_wages(rng, works, m)),
        "partner_net_wages": _money(_wages(rng, partner_works, m), mask=~partnered),
        "bank_and_cash": _money(m.draw_bands("assets", rng, n) * 100),
        "owns_home": pa.array(rng.random(n) < float(m.value("owns_home", "share"))),
        "housing_costs_monthly": _money(_rent(rng, n, m)),
        "problematic_debts": pa.array(indebted),
        "total_debts": _money(np.where(indebted, _lognormal(rng, n, m, "debt_amount"), 0)),
        "municipal_tax_assessment": _money(_lognormal(rng, n, m, "municipal_tax")),
        "low_income_since": _dates(rng, today, m.draw_bands("low_income_years", rng, n)),
    }
    # Drawn after the columns above, so that those stay what the same seed gave before.
    drawn = {"problematic_debts": indebted}
    nationality = columns["nationality"].to_numpy(zero_copy_only=False)
    for name in YES_NO_COLUMNS:
        yes = rng.random(n) < _shares(m, name, nationality)
        if among := m.entry(name).data.get("among"):
            yes &= drawn[among]
        drawn[name] = yes
        columns[name] = pa.array(yes, mask=~partnered if name.startswith("partner_") else None)
    not_owned = ~columns["owns_home"].to_numpy(zero_copy_only=False)
    value = _lognormal(rng, n, m, "home_market_value")
    low, high = (float(m.value("home_mortgage_share", k)) for k in ("low", "high"))
    mortgage = np.rint(value * rng.uniform(low, high, n))
    columns["home_market_value"] = _money(value, mask=not_owned)
    columns["home_mortgage_debt"] = _money(mortgage, mask=not_owned)
    return pa.RecordBatch.from_arrays([columns[f.name] for f in SCHEMA], schema=SCHEMA)


def _shares(m: Marginals, name: str, nationality: np.ndarray) -> np.ndarray | float:
    """A yes/no column's share: one for everyone, or one per nationality drawn."""
    by_nationality = m.entry(name).data.get("share_by_nationality")
    if by_nationality is None:
        return float(m.value(name, "share"))
    shares = np.zeros(len(nationality))
    for code in np.unique(nationality.astype(str)):
        if code not in by_nationality:
            raise MarginalsError(f"marginals.yaml: '{name}' has no share for nationality {code}")
        shares[nationality == code] = float(by_nationality[code])
    return shares


def _dates(
    rng: np.random.Generator, today: int, ages: np.ndarray, mask: np.ndarray | None = None
) -> pa.Array:
    return _as_dates(_birth_days(rng, today, ages), mask)


def _as_dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())


def _birth_days(rng: np.random.Generator, today: int, ages: np.ndarray) -> np.ndarray:
    """Birth dates (days since 1970) of people exactly `ages` old today, drawn uniformly over
    the year of birthdays that give that age by the calendar."""
    latest, earliest = _birthday_bounds(today)
    a = ages.astype(np.int64)
    span = latest[a] - earliest[a] + 1
    return earliest[a] + np.floor(rng.random(len(a)) * span).astype(np.int64)


def _birthday_bounds(today: int) -> tuple[np.ndarray, np.ndarray]:
    """Per whole age 0..MAX_AGE: the latest and earliest birth date giving that age today."""
    day = EPOCH + dt.timedelta(days=today)
    latest = [(_years_before(day, age) - EPOCH).days for age in range(MAX_AGE + 1)]
    earliest = [(_years_before(day, age + 1) - EPOCH).days + 1 for age in range(MAX_AGE + 1)]
    return np.array(latest), np.array(earliest)


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day `years` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _children(
    rng: np.random.Generator,
    today: int,
    counts: np.ndarray,
    parent_age: np.ndarray,
    parent_birth: np.ndarray,
    m: Marginals,
) -> pa.Array:
    """The youngest child by its published age band, siblings between that age and 17; each
    child at least 16 years younger than the applicant."""
    oldest = np.minimum(17, parent_age - 16)
    youngest = np.minimum(m.draw_bands("youngest_child_age", rng, len(counts)), oldest)
    owner = np.repeat(np.arange(len(counts)), counts)
    first = np.concatenate([[True], owner[1:] != owner[:-1]]) if len(owner) else owner == 0
    low, high = youngest[owner], oldest[owner]
    siblings = low + np.floor(rng.random(len(owner)) * (high - low + 1))
    ages = np.where(first, low, siblings)
    # Born at least 16 years after the applicant (by the day, not only by whole years).
    births = np.maximum(_birth_days(rng, today, ages), parent_birth[owner] + SIXTEEN_YEARS)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), _as_dates(births)).cast(DATES)


def _housemates(
    rng: np.random.Generator, today: int, present: np.ndarray, m: Marginals
) -> pa.Array:
    low, high = (int(m.value("housemate_age", k)) for k in ("low", "high"))
    counts = present.astype(np.int64)
    ages = rng.integers(low, high + 1, int(counts.sum())).astype(float)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), _dates(rng, today, ages)).cast(DATES)


def _wages(rng: np.random.Generator, works: np.ndarray, m: Marginals) -> np.ndarray:
    """Net monthly earnings in cents for those who work beside the benefit, else 0."""
    median = float(m.value("works_beside_benefit", "median_monthly_earnings_eur"))
    earned = rng.lognormal(np.log(median), 0.6, len(works))
    return np.where(works, np.rint(earned * 100), 0)


def _rent(rng: np.random.Generator, n: int, m: Marginals) -> np.ndarray:
    """Monthly rent in cents, log-normal with the published mean."""
    mean, sigma = float(m.value("rent", "mean_monthly_rent_eur")), float(m.value("rent", "sigma"))
    median = mean / np.exp(sigma**2 / 2)
    return np.rint(rng.lognormal(np.log(median), sigma, n) * 100)


def _lognormal(rng: np.random.Generator, n: int, m: Marginals, name: str) -> np.ndarray:
    """Amounts in cents around a median, spread by sigma (both from the marginal)."""
    median, sigma = float(m.value(name, "median")), float(m.value(name, "sigma"))
    return np.rint(rng.lognormal(np.log(median), sigma, n) * 100)


def _money(cents: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    whole = pa.array(cents.astype(np.int64), pa.int64(), mask=mask).cast(pa.decimal128(19, 0))
    scaled = pc.multiply(whole, pa.scalar(Decimal("0.01"), pa.decimal128(3, 2)))
    return scaled.cast(pa.decimal128(11, 2))
