"""A chunk of household-table rows evaluated by the vector backend, as batch result columns.

The rows come out in the order `engine.batch.native.result_rows` gives them (per household, its
schemes in plan order), so that results are identical whichever backend made them. A row that
would not validate as a profile goes the native way, which names the field at fault.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import numpy as np
import pyarrow as pa

from engine.backends.vector.columns import falses
from engine.backends.vector.evaluate import Batch, evaluate_batch, open_rows, scheme_columns
from engine.backends.vector.table_inputs import VALIDATED, read_table, valid_rows
from engine.batch.native import result_rows
from engine.batch.results import BatchSummary
from engine.compile.plan import DatedPlan, Plan
from engine.errors import EvaluationError
from engine.explain.why_open import REFERRAL, unset_figures
from engine.load.loader import municipality_key
from engine.population.table import INVALID, rows_of


def _open_on_facts(plan: Plan, part: Batch) -> np.ndarray:
    """Households with a status open on no local figure (it waits on facts, or the rules
    cannot derive it): only the native path knows which facts."""
    found = falses(part.n)
    for scheme in plan.schemes.values():
        status = part.facts[scheme.spec.outputs.status]
        found |= status.unk & ~status.pol
    return found


def _reasons(plan: Plan, dated: DatedPlan, part: Batch, scheme_id: str) -> np.ndarray:
    """Per household, as `engine.explain.why_open.open_reasons`: the municipality's unset
    figures where the status waits on one, the body where the rules refer."""
    status = part.facts[plan.schemes[scheme_id].spec.outputs.status]
    out = np.full(part.n, None, dtype=object)
    unset = unset_figures(plan, dated, scheme_id)
    for i in np.flatnonzero(status.unk & status.pol):
        out[i] = unset
    referred = ~status.unk & (status.val == "refer")
    if referred.any():
        bodies = np.full(part.n, "", dtype=object)
        for name in reversed(plan.scheme_outputs[scheme_id].get("referral", ())):
            column = part.facts[name]
            named = ~column.unk & np.array([isinstance(v, str) for v in column.val], dtype=bool)
            bodies[named] = column.val[named]
        for i in np.flatnonzero(referred):
            out[i] = (REFERRAL + bodies[i],)
    return out


def vector_result_batch(
    batch: pa.RecordBatch,
    plan: Plan,
    peildatum: dt.date,
    summary: BatchSummary,
    schema: pa.Schema,
) -> pa.RecordBatch:
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
    reasons = np.full((n, k), None, dtype=object)  # a tuple where the status gives reasons
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
        # A status open on no local figure: the native path names the facts it waits on.
        keep = ~_open_on_facts(plan, part)
        fast[rows[~keep]] = False
        for j, scheme_id in enumerate(schemes):
            c = scheme_columns(plan, dated, part, scheme_id)
            status[rows[keep], j] = c.status[keep]
            amount[rows[keep], j] = c.amount[keep]
            period[rows[keep], j] = np.where(np.equal(c.amount, None), None, c.period)[keep]
            gap[rows[keep], j] = c.policy_gap[keep]
            reasons[rows[keep], j] = _reasons(plan, dated, part, scheme_id)[keep]
    for j, scheme_id in enumerate(schemes):
        tally = summary.statuses.setdefault(scheme_id, Counter())
        tally.update(Counter(status[fast, j].tolist()))
        for why in reasons[fast, j]:
            if why:
                summary.count_reasons(scheme_id, why)
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
