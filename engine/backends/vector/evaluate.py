"""Run a plan over a batch of households, column-wise: the vector backend.

The batch is split by municipality (local figures differ), each part is evaluated step by
step in the plan's order with the native default logic (overrides, conflicts, open rules)
done with masks, and per household the outcomes are read as `engine.explain.outcome` does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import numpy as np

from engine.backends.vector.columns import Col, Coll, constant, falses, from_values, same
from engine.backends.vector.compile import ColumnFn, Env, compile_column
from engine.compile.plan import DatedPlan, Plan, Step
from engine.explain.outcome import Outcome, outcomes
from engine.load.loader import municipality_key
from engine.model.profile import Profile
from engine.run.evaluate import read_profile, run
from engine.run.settle import SETTLED_OUTPUTS
from engine.values import FIGURE_PREFIX, Unknown, to_cents


@dataclass(frozen=True)
class CompiledStep:
    fact: str
    is_bool: bool
    conditions: tuple[ColumnFn, ...]
    values: tuple[ColumnFn, ...]
    dominated: tuple[tuple[int, ...], ...]  # per candidate: the candidates that override it
    default: Any


@dataclass
class Batch:
    """A batch's input columns and, after a run, every fact's column."""

    n: int
    facts: dict[str, Any]  # fact -> Col or Coll
    errors: np.ndarray  # per household: native evaluation would have raised


def run_vector(
    plan: Plan, profiles: Sequence[Profile], peildatum: dt.date
) -> list[list[Outcome] | None]:
    """Per household its outcomes in plan order, or None where native evaluation raises."""
    groups: dict[str | None, list[int]] = {}
    for i, profile in enumerate(profiles):
        key = municipality_key(profile.municipality) if profile.municipality else None
        groups.setdefault(key, []).append(i)
    results: list[list[Outcome] | None] = [None] * len(profiles)
    for municipality, rows in groups.items():
        dated = plan.on(peildatum, municipality)
        batch = read_batch(plan, [profiles[i] for i in rows])
        inputs = dict(batch.facts)
        evaluate_batch(plan, dated, batch)
        found = batch_outcomes(plan, dated, batch)
        for i, outcome in zip(rows, found, strict=True):
            results[i] = outcome
        # An open status may be settled by case analysis, or be a referral: both need what it
        # waits on, which only the native path knows per household; it then decides.
        for i, open_ in zip(rows, open_rows(plan, dated, inputs, batch.n)[0], strict=True):
            if open_ and results[i] is not None:
                results[i] = outcomes(run(plan, profiles[i], peildatum))
    return results


def open_rows(
    plan: Plan, dated: DatedPlan, inputs: dict[str, Any], n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per household: whether a status is open and waits on an input that case analysis can
    weigh (engine/run/settle.py) or another body assesses, or an eligible scheme's amount,
    duty, next step or deadline is open and waits on such an input. Only such an outcome can
    be settled, spanned or referred; every other stays open on the native path too.

    `inputs` are the input columns of `n` households (not changed); the second array says where
    evaluating would raise, as `Batch.errors`. The facts are derived with the `pol` masks
    retagged: an unknown input that can be split or is assessed carries the tag, and so does an
    amount figure not yet in the rule base (taken as any positive amount); nothing else does.
    The tag then propagates as the native missing sets do.
    """
    space = plan.cases
    retagged: dict[str, Any] = {}
    for name, column in inputs.items():
        if isinstance(column, Coll):
            record = plan.collections[name].record
            fields = {
                f: Col(c.val, c.unk, c.unk & (f"{record}.{f}" in space.domains), c.err)
                for f, c in column.fields.items()
            }
            retagged[name] = Coll(
                column.owner, column.index, fields, column.unk, falses(n), column.err
            )
        else:
            tagged = name in plan.assessed_by or space.splittable(name)
            retagged[name] = Col(column.val, column.unk, column.unk & tagged, column.err)
    batch = Batch(n, retagged, falses(n))
    evaluate_batch(plan, dated, batch, policy=False)
    found = falses(n)
    for scheme_id, scheme in plan.schemes.items():
        status = batch.facts[scheme.spec.outputs.status]
        found |= status.unk & status.pol
        # once eligible, its amounts, duties and dates are searched too
        eligible = status.known & (status.val == "eligible")
        for kind in SETTLED_OUTPUTS:
            for name in plan.scheme_outputs[scheme_id].get(kind, ()):
                found |= eligible & batch.facts[name].unk & batch.facts[name].pol
    return found, batch.errors


def read_batch(plan: Plan, profiles: Sequence[Profile]) -> Batch:
    """Input columns from validated profiles, read with the native readers."""
    rows = [read_profile(plan, p) for p in profiles]
    n = len(rows)
    facts: dict[str, Any] = {}
    for name, _ in plan.readers:
        values = [row[name] for row in rows]
        if name in plan.collections:
            record = plan.collections[name].record
            kinds = {f: plan.scope.records[record][f].type for f in plan.scope.records[record]}
            facts[name] = collection_column(values, kinds)
        else:
            facts[name] = from_values(values, _kind(plan.types[name]))
    return Batch(n, facts, falses(n))


def collection_column(values: list[Any], kinds: dict[str, str]) -> Coll:
    n = len(values)
    unk = np.fromiter((type(v) is Unknown for v in values), dtype=bool, count=n)
    owner, index, records = [], [], []
    for i, items in enumerate(values):
        if type(items) is Unknown:
            continue
        for j, record in enumerate(items):
            owner.append(i)
            index.append(j)
            records.append(record)
    fields = {f: from_values([r[f] for r in records], _kind(k)) for f, k in kinds.items()}
    return Coll(
        np.array(owner, dtype=np.int64),
        np.array(index, dtype=np.int64),
        fields,
        unk,
        falses(n),
        falses(n),
    )


def _kind(type_name: str) -> str:
    return "bool" if type_name == "bool" else "object"


@cache
def compiled_steps(plan: Plan, peildatum: dt.date) -> tuple[CompiledStep, ...]:
    """The dated plan's steps as column functions (cached per plan and date)."""
    dated = plan.on(peildatum)
    return tuple(_compile_step(plan, step) for step in dated.steps)


def _compile_step(plan: Plan, step: Step) -> CompiledStep:
    scope = plan.scope
    ids = [c.rule.id for c in step.candidates]
    return CompiledStep(
        fact=step.fact,
        is_bool=plan.types[step.fact] == "bool",
        conditions=tuple(compile_column(c.rule.when_ir, scope) for c in step.candidates),
        values=tuple(compile_column(c.value_ir, scope) for c in step.candidates),
        dominated=tuple(
            tuple(j for j, other in enumerate(ids) if other in c.rule.dominated_by)
            for c in step.candidates
        ),
        default=step.default,
    )


def evaluate_batch(plan: Plan, dated: DatedPlan, batch: Batch, policy: bool = True) -> None:
    """Derive every fact. With `policy` False, the `pol` tag marks what case analysis can weigh
    instead of local policy (see `open_rows`)."""
    n = batch.n
    params = {
        name: constant(value, n, _kind(plan.types.get(name, "")))
        for name, value in dated.params.items()
    }
    if not policy:
        # the tag marks what case analysis can weigh: of the figures, an amount not yet known
        for name, column in params.items():
            column.pol = column.unk & (FIGURE_PREFIX + name in plan.cases.spans)
    env = Env(n, batch.facts, params, dated.peildatum)
    for step in compiled_steps(plan, dated.peildatum):
        column = _derive(step, env)
        batch.facts[step.fact] = column
        batch.errors |= column.err
        column.err = falses(n)  # counted once, here: later readers must not count it again


def _derive(step: CompiledStep, env: Env) -> Col:
    """The native `derive`, with masks: which rules hold, which are open, and the result."""
    n, kind = env.n, "bool" if step.is_bool else "object"
    conditions = [c(env) for c in step.conditions]
    err = falses(n)
    for c in conditions:
        err |= c.err
    holding = [~c.unk & c.val for c in conditions]
    open_ = [c.unk for c in conditions]
    dominated = [_any([holding[j] for j in step.dominated[i]], n) for i in range(len(holding))]
    winners = [h & ~d for h, d in zip(holding, dominated, strict=True)]
    n_holding = np.sum(holding, axis=0) if holding else np.zeros(n, int)
    values = [v(env) for v in step.values]

    # The first winning rule's value (with one holding rule, that rule's value).
    first = np.full(n, -1)
    for i in range(len(winners) - 1, -1, -1):
        first = np.where(winners[i], i, first)
    result = _default(step, n, kind)
    for i, value in enumerate(values):
        result = _take(result, value, first == i)
        err |= winners[i] & value.err  # every winner's value is evaluated

    # Several rules hold: unknown if a winner's value is, a conflict if the values differ.
    multi = n_holding > 1
    early = falses(n)  # native returns here, before looking at open rules
    if len(values) > 1 and multi.any():
        first_value = _pick(values, first)
        unknown, conflict, win_pol = falses(n), falses(n), falses(n)
        for i, value in enumerate(values):
            w = winners[i] & multi
            unknown |= w & value.unk
            win_pol |= w & value.unk & value.pol
            conflict |= w & ~value.unk & ~same(value, first_value, step.is_bool, step.is_bool)
        conflict &= ~unknown
        early = unknown | conflict
        result = Col(
            result.val,
            result.unk | early,
            np.where(unknown, win_pol, np.where(conflict, False, result.pol)),
            result.err,
        )

    # Open rules that no holding rule overrides, and that would conclude something else.
    relevant = [o & ~d & ~early for o, d in zip(open_, dominated, strict=True)]
    differs, open_pol = falses(n), falses(n)
    for i, value in enumerate(values):
        differs |= relevant[i] & ~same(value, result, step.is_bool, step.is_bool)
        open_pol |= relevant[i] & (conditions[i].pol | (value.unk & value.pol))
        err |= relevant[i] & value.err
    unk = differs | result.unk
    pol = np.where(differs, open_pol, result.pol)
    return Col(result.val, unk, pol & unk, err)


def _any(masks: list[np.ndarray], n: int) -> np.ndarray:
    out = falses(n)
    for mask in masks:
        out = out | mask
    return out


def _default(step: CompiledStep, n: int, kind: str) -> Col:
    if step.default is None:
        return constant(Unknown(), n, kind)  # not derived: no rule, no default
    return constant(step.default, n, kind)


def _take(base: Col, value: Col, rows: np.ndarray) -> Col:
    return Col(
        np.where(rows, value.val, base.val),
        np.where(rows, value.unk, base.unk),
        np.where(rows, value.pol, base.pol),
        base.err,
    )


def _pick(values: list[Col], choice: np.ndarray) -> Col:
    """Per household, the value of the candidate `choice` names (-1: any, unused)."""
    picked = values[0]
    for i, value in enumerate(values[1:], start=1):
        picked = _take(picked, value, choice == i)
    return picked


def batch_outcomes(plan: Plan, dated: DatedPlan, batch: Batch) -> list[list[Outcome] | None]:
    """Per household its outcomes, as `engine.explain.outcome.outcomes` reads a trace."""
    per_scheme = [_scheme_outcomes(plan, dated, batch, s) for s in plan.schemes]
    return [
        None if batch.errors[i] else [scheme[i] for scheme in per_scheme] for i in range(batch.n)
    ]


def _value(batch: Batch, dated: DatedPlan, name: str, n: int, kind: str) -> Col:
    if name in batch.facts:
        return batch.facts[name]
    return constant(dated.params.get(name, Unknown()), n, kind)


@dataclass(frozen=True)
class SchemeColumns:
    """One scheme's outcome for every household of a batch."""

    status: np.ndarray  # text
    amount: np.ndarray  # Decimal in cents, or None
    period: str
    amounts: dict[str, tuple[np.ndarray, np.ndarray, str]]  # fact -> (known, cents, period)
    policy_gap: np.ndarray


def scheme_columns(plan: Plan, dated: DatedPlan, batch: Batch, scheme_id: str) -> SchemeColumns:
    """As `engine.explain.outcome.scheme_outcome`, for all households at once."""
    n = batch.n
    spec = plan.schemes[scheme_id].spec
    status = _value(batch, dated, spec.outputs.status, n, "object")
    statuses = np.where(status.unk, "undetermined", status.val).astype(str)
    outputs = [f for facts in plan.scheme_outputs[scheme_id].values() for f in facts]
    columns = {f: _value(batch, dated, f, n, _kind(plan.types[f])) for f in outputs}
    narrow = np.isin(statuses, ["not_eligible", "refer"])
    gap = status.unk & status.pol
    for f in outputs:
        gap |= ~narrow & columns[f].unk & columns[f].pol
    amounts = {
        f: (~columns[f].unk, _cents(columns[f]), plan.derived[f].spec.period)
        for f in plan.scheme_outputs[scheme_id]["amount"]
    }
    name = spec.outputs.amount
    amount = np.full(n, None, dtype=object)
    if name is not None:
        known, cents, _ = amounts.get(name) or (~columns[name].unk, _cents(columns[name]), "")
        paid = known & (statuses == "eligible")
        amount[paid] = cents[paid]
    period = plan.main_period(scheme_id)
    return SchemeColumns(statuses, amount, period, amounts, gap)


_TO_CENTS = np.frompyfunc(lambda v: to_cents(_decimal(v)), 1, 1)


def _cents(col: Col) -> np.ndarray:
    out = np.full(len(col.unk), None, dtype=object)
    known = ~col.unk
    if known.any():
        out[known] = _TO_CENTS(col.val[known])
    return out


def _scheme_outcomes(plan: Plan, dated: DatedPlan, batch: Batch, scheme_id: str) -> list[Outcome]:
    c = scheme_columns(plan, dated, batch, scheme_id)
    facts = list(c.amounts.items())
    return [
        Outcome(
            scheme_id,
            str(c.status[i]),
            c.amount[i],
            c.period,
            tuple((f, cents[i], period) for f, (known, cents, period) in facts if known[i]),
            bool(c.policy_gap[i]),
        )
        for i in range(batch.n)
    ]


def _decimal(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)
