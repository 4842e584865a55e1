"""A chunk of household-table rows evaluated by the vector backend, as batch result columns.

The rows come out in the order `engine.batch.result_rows` gives them (per household, its
schemes in plan order), so that results are identical whichever backend made them. A row that
would not validate as a profile goes the native way, which names the field at fault.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from engine.backends.vector.evaluate import evaluate_batch, open_rows, scheme_columns
from engine.backends.vector.table_inputs import VALIDATED, read_table, valid_rows
from engine.compile.plan import Plan
from engine.errors import EvaluationError
from engine.load.loader import municipality_key
from engine.population.table import INVALID, rows_of

if TYPE_CHECKING:
    from engine.batch import BatchSummary


def vector_result_batch(
    batch: pa.RecordBatch,
    plan: Plan,
    peildatum: dt.date,
    summary: BatchSummary,
    schema: pa.Schema,
) -> pa.RecordBatch:
    from engine.batch import result_rows

    n, schemes = batch.num_rows, list(plan.schemes)
    k = len(schemes)
    columns = {
        name: batch.column(name).to_pylist()
        for name in ("household_id", "municipality", "household_type", *VALIDATED)
    }
    fast = valid_rows(columns)
    if INVALID in batch.schema.names:
        fast &= np.array([v is None for v in batch.column(INVALID).to_pylist()], dtype=bool)

    status = np.full((n, k), None, dtype=object)
    amount = np.full((n, k), None, dtype=object)
    period = np.full((n, k), None, dtype=object)
    gap = np.zeros((n, k), dtype=bool)
    keys = [municipality_key(m) if m else None for m in columns["municipality"]]
    for key in dict.fromkeys(k_ for k_, f in zip(keys, fast, strict=True) if f):
        rows = np.flatnonzero(fast & np.array([k_ == key for k_ in keys]))
        dated = plan.on(peildatum, key)
        # First which households have an open status that case analysis or a referral may
        # decide: those go the native way (see `open_rows`); the others are evaluated here.
        inputs = read_table(plan, batch.take(pa.array(rows))).facts
        flagged, errors = open_rows(plan, dated, inputs, len(rows))
        if errors.any():
            raise EvaluationError(
                "a rule could not be evaluated for a household (division by zero or a date out of range)"
            )
        fast[rows[flagged]] = False
        rows = rows[~flagged]
        if not len(rows):
            continue
        part = read_table(plan, batch.take(pa.array(rows)))
        evaluate_batch(plan, dated, part)
        for j, scheme_id in enumerate(schemes):
            c = scheme_columns(plan, dated, part, scheme_id)
            status[rows, j] = c.status
            amount[rows, j] = c.amount
            period[rows, j] = np.where(np.equal(c.amount, None), None, c.period)
            gap[rows, j] = c.policy_gap
    for j, scheme_id in enumerate(schemes):
        tally = summary.statuses.setdefault(scheme_id, Counter())
        tally.update(Counter(status[fast, j].tolist()))
        if plan.main_period(scheme_id) == "month":
            paid = [a for a in amount[fast, j] if a is not None]
            if paid:
                total = summary.monthly_total.get(scheme_id, Decimal(0))
                summary.monthly_total[scheme_id] = total + sum(paid, Decimal(0))
    summary.households += int(fast.sum())

    # The fast households' rows, the others' rows from the native path, then in file order.
    fast_at = np.flatnonzero(fast)
    ids = np.array(columns["household_id"], dtype=object)
    places = np.array(columns["municipality"], dtype=object)
    parts = {
        "household_id": np.repeat(ids[fast_at], k),
        "municipality": np.repeat(places[fast_at], k),
        "scheme": np.tile(np.array(schemes, dtype=object), len(fast_at)),
        "status": status[fast_at].ravel(),
        "amount": amount[fast_at].ravel(),
        "period": period[fast_at].ravel(),
        "policy_gap": gap[fast_at].ravel(),
        "error": np.full(len(fast_at) * k, None, dtype=object),
    }
    order_household = [np.repeat(fast_at, k)]
    order_within = [np.tile(np.arange(k), len(fast_at))]
    native_rows: list[dict] = []
    for i in np.flatnonzero(~fast):
        rows = result_rows(rows_of(batch.slice(int(i), 1)), plan, peildatum, summary)
        native_rows += rows
        order_household.append(np.full(len(rows), i))
        order_within.append(np.arange(len(rows)))
    table = pa.Table.from_pydict({f.name: parts[f.name] for f in schema}, schema=schema)
    if native_rows:
        table = pa.concat_tables([table, pa.Table.from_pylist(native_rows, schema=schema)])
        order = np.lexsort((np.concatenate(order_within), np.concatenate(order_household)))
        table = table.take(pa.array(order))
    return table.combine_chunks().to_batches()[0] if table.num_rows else table.to_batches()
