"""Settled whatever the answer: decide an open outcome when every value of its unknowns agrees.

Three-valued logic is sound but not complete: a Wsw status that reads an indication only
after the AOW age has already excluded it stays open on the indication, although both answers
give "not eligible". So after the run, each output fact left unknown is looked at in
derivation order. The inputs it waits for are split, one at a time in sorted order, into their
values (engine/compile/cases.py: yes/no and declared choices), and only the facts between that
input and the outcome (its cone) are derived again for each value. Where a branch is still
open, the next unknown input of that branch is split; where every branch ends in the same value,
that value holds for every possible answer and the outcome is settled. A branch that ends in a
different value, cannot be split further, or meets a conflict stops the search: the outcome
stays open. The search is bounded (BUDGET cone derivations per outcome); where the bound is
hit the outcome stays open and the trace records it in `bounded`.

A settled fact is pinned in the trace (`settled` names the inputs weighed), and the facts that
read it are derived again, so a settled status reaches the deadlines and duties that read it.
Every backend calls `settle` on its trace, so their traces stay identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from engine.errors import EvaluationError
from engine.intervals import Interval
from engine.lang.compile import Context
from engine.values import FIGURE_PREFIX, NOT_DERIVED, Unknown

if TYPE_CHECKING:
    from engine.compile.cases import CaseSpace
    from engine.compile.plan import DatedPlan, Plan
    from engine.run.evaluate import Trace

BUDGET = 64  # cone derivations per outcome; measured searches need far fewer
TURNS = 3  # answers in the dive that turn what decided the one before
LEARNT_LIMIT = 200_000  # value orders kept per plan (a few thousand a day and municipality)


# What a branch the rules cannot compute raises: a rule's own error (a division by zero), a
# range where only a number will do (a date sum), a bound beyond what a Decimal holds.
_CANNOT_EVALUATE = (EvaluationError, TypeError, ArithmeticError, ValueError, OverflowError)


class _Open(Exception):
    """The search cannot settle: branches differ, an input cannot be split, or the bound hit."""

    def __init__(self, bounded: bool = False):
        self.bounded = bounded


class _Unevaluable(_Open):
    """A branch the rules cannot evaluate (a division by zero, a range where only a number
    will do): the search does not guess, so the outcome stays open if the search meets it."""


@dataclass
class _Scratch:
    """What `derive` writes besides the value; for a hypothetical branch, thrown away."""

    decided_by: dict[str, Any] = field(default_factory=dict)
    conflicts: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Search:
    trace: Trace
    target: str
    budget: int
    hints: dict[str, Any] = field(default_factory=dict)  # answers that left an outcome open
    classes: dict[str, Any] = field(default_factory=dict)  # the values tried, per input
    spread: bool = False  # an amount: answers may give different values; keep the least and most
    leaf: Any = None
    has_leaf: bool = False
    low: Any = None  # set once two answers give different amounts
    high: Any = None
    weighed: set[str] = field(default_factory=set)
    rules: set[str | None] = field(default_factory=set)  # what decided the target in each leaf
    _decided: str | None = None  # what decided the target in the branch last derived
    # The amount figures unknown on the day (none while the rule base has every figure): a
    # branch that weighs one holds its range under the `cijfer:` name, read as the parameter.
    figures: tuple[str, ...] = ()

    def dive(self, facts: dict[str, Any], unknown: Unknown) -> None:
        """Fail fast, before the search, with a few whole answers in one derivation each: every
        input the outcome waits on gets a value (first an earlier search's answer that left an
        outcome open, `hints`, or the first value; then another value for every input where
        there is one; then, up to TURNS times, the next value of the inputs behind the rule that
        decided the last answer, so that what decided it no longer holds: a first conversation's
        bijstand is "not eligible" for weeks abroad, then for detention, ... until an answer
        leaves it open on the assets, or eligible).

        If the outcome is then still open on inputs that cannot be split, the search would end
        in that same place: no answer to what can be split settles it. If two answers give
        two different outcomes, the outcome depends on the answers: the search would find that
        too. Giving inputs values never makes a known outcome unknown, so this only finds sooner
        what the search finds; any other result teaches nothing. An amount whose answers may
        differ (`spread`) is searched in full: its least and most are wanted."""
        first = self._answer(facts, unknown, {})
        if self.spread or not _plain(first):
            return
        decided = self._decided
        second = self._answer(facts, unknown, None)
        if _plain(second) and not _same(first, second):
            raise _Open()
        turned: dict[str, int] = {}  # per input: how many values on from the first answer's
        space: CaseSpace = self.trace.plan.cases
        for _ in range(TURNS):
            rule = self.trace.dated.rules.get(decided) if isinstance(decided, str) else None
            behind = space.inputs_behind(rule) if rule is not None else ()
            if not behind:
                return  # a default decided it: no one answer to turn
            for name in behind:
                turned[name] = turned.get(name, 0) + 1
            answer = self._answer(facts, unknown, turned)
            if not _plain(answer):
                return
            if not _same(first, answer):
                raise _Open()
            decided = self._decided

    def _answer(
        self, facts: dict[str, Any], unknown: Unknown, turned: dict[str, int] | None
    ) -> Any:
        """The outcome for one whole answer to what it waits on (see `dive`): each input's
        first value, or another where `turned` is None, or the value `turned` steps on."""
        space: CaseSpace = self.trace.plan.cases
        branch, path = dict(facts), dict[str, Any]()
        result: Any = unknown
        while type(result) is Unknown and result.missing:
            sources = []
            for name in sorted(result.missing - path.keys()):
                if (value := space.span(name)) is None:
                    values = self._values(name)
                    if not values:
                        continue
                    order = _open_first(self.trace, self.target, name, values)
                    value = self.hints.get(name, order[0])
                    if turned is None:
                        value = values[-1] if values[-1] != value else values[0]
                    elif name in turned:  # values on, in the order that leaves it open
                        start = order.index(value) if value in order else 0
                        value = order[(start + turned[name]) % len(order)]
                path[name] = value
                sources.append(_assign(branch, name, value))
            if not sources:
                self.hints.update(path)
                raise _Open()  # open on what cannot be split, whatever the rest is
            try:
                result = self._derive_cone(branch, tuple(sources))
            except _Unevaluable:
                # a whole answer reaches facts the search may never need: it teaches nothing
                return NOT_DERIVED
        return result

    def explore(
        self,
        facts: dict[str, Any],
        unknown: Unknown,
        fixed: frozenset[str],
        path: dict[str, Any] | None = None,
    ) -> None:
        space: CaseSpace = self.trace.plan.cases
        path = path or {}
        spans = {
            n: span for n in sorted(unknown.missing) if n not in fixed and (span := space.span(n))
        }
        if spans:
            # every value of these amounts at once, as ranges: one derivation, no branching
            branch = dict(facts)
            branch.update(spans)
            self.weighed.update(spans)
            result = self._derive_cone(branch, tuple(spans))
            self._follow(branch, result, fixed | spans.keys(), {**path, **spans})
            return
        name, values = self._split_on(unknown, fixed, path)
        self.weighed.add(name)
        for value in _open_first(self.trace, self.target, name, values):
            branch = dict(facts)
            result = self._derive_cone(branch, (_assign(branch, name, value),))
            self._follow(branch, result, fixed | {name}, {**path, name: value})

    def _follow(
        self, branch: dict[str, Any], result: Any, fixed: frozenset[str], path: dict[str, Any]
    ) -> None:
        """A branch ends in a value, or goes on splitting what it still waits on."""
        if type(result) is Interval:
            raise _Open()  # a range of values, not one: never settles
        if type(result) is not Unknown:
            self._reach(result)
            self.rules.add(self._decided)
        elif not result.missing:
            raise _Open()  # not derived, or a conflict: never settles
        else:
            self.explore(branch, result, fixed, path)

    def _values(self, name: str) -> tuple[Any, ...] | None:
        """The values to try for an input (its figures are the day's: the same all advice)."""
        if name not in self.classes:
            trace = self.trace
            ctx = Context(trace.facts, trace.dated.params, trace.peildatum)
            self.classes[name] = trace.plan.cases.domain(name, ctx)
        return self.classes[name]

    def _split_on(
        self, unknown: Unknown, fixed: frozenset[str], path: dict[str, Any]
    ) -> tuple[str, tuple[Any, ...]]:
        for name in sorted(unknown.missing):
            if name not in fixed and (values := self._values(name)):
                return name, values
        self.hints.update(path)  # answers that leave it open: where the next search dives
        raise _Open()

    def _derive_cone(self, facts: dict[str, Any], sources: tuple[str, ...]) -> Any:
        from engine.run.evaluate import derive

        self.budget -= 1
        if self.budget < 0:
            raise _Open(bounded=True)
        trace = self.trace
        space: CaseSpace = trace.plan.cases
        steps, settled = trace.dated.steps, trace.settled
        ctx = Context(facts, trace.dated.params, trace.peildatum)
        cone = space.cone(sources, self.target)
        params = trace.dated.params
        if self.figures and (weighed := [f for f in self.figures if f in facts]):
            params = {**params, **{f.removeprefix(FIGURE_PREFIX): facts[f] for f in weighed}}
            ctx = Context(facts, params, trace.peildatum)
        scratch = _Scratch()  # keyed by fact: one serves the whole cone
        for index in cone:
            step = steps[index]
            try:
                value = derive(step, ctx, scratch)
            except _CANNOT_EVALUATE:
                raise _Unevaluable() from None
            self._decided = scratch.decided_by.get(step.fact)
            if type(value) is Unknown and step.fact in settled:
                value = trace.facts[step.fact]  # settled for every answer already
            facts[step.fact] = value
        return facts[self.target]

    def _reach(self, value: Any) -> None:
        if not self.has_leaf:
            self.leaf, self.has_leaf = value, True
        elif not _same(value, self.leaf):
            if not (self.spread and _number(value) and _number(self.leaf)):
                raise _Open()
            low = self.leaf if self.low is None else self.low
            high = self.leaf if self.high is None else self.high
            self.low, self.high = min(low, value), max(high, value)


def settle(trace: Trace, schemes: frozenset[str] | None = None) -> None:
    """Settle, by case analysis, the output facts the run left unknown (in place): first the
    statuses; then, for each scheme found eligible, its amounts, duties, next steps and
    deadlines. An amount whose answers give different values gets the least and the most of
    them (`trace.spans`), each the amount for some answer. `schemes` limits it to those (a
    member's run derives only what person schemes need)."""
    plan = trace.plan
    chosen = [s for s in plan.schemes.items() if schemes is None or s[0] in schemes]
    _settle_each(trace, frozenset(s.spec.outputs.status for _, s in chosen), frozenset())
    outputs: set[str] = set()
    amounts: set[str] = set()
    for scheme_id, scheme in chosen:
        if trace.facts[scheme.spec.outputs.status] != "eligible":
            continue
        kinds = plan.scheme_outputs[scheme_id]
        outputs.update(f for kind in SETTLED_OUTPUTS for f in kinds.get(kind, ()))
        amounts.update(kinds.get("amount", ()))
    if outputs:
        _settle_each(trace, frozenset(outputs), spread=frozenset(amounts))


# Besides the status: what a person must do, gets, and by when.
SETTLED_OUTPUTS = ("amount", "obligation", "next_step", "deadline")


def _settle_each(trace: Trace, targets: frozenset[str], spread: frozenset[str]) -> None:
    """Search each open target in derivation order; what a settled one changes is derived
    again before the next target is looked at."""
    from engine.run.evaluate import derive

    space: CaseSpace = trace.plan.cases
    facts, steps, order = trace.facts, trace.dated.steps, trace.plan.order
    if not any(_open(facts[name]) for name in targets):
        return
    ctx = Context(facts, trace.dated.params, trace.peildatum)
    dirty: set[int] = set()
    hints: dict[str, Any] = {}  # this advice's only: answers that left an earlier search open
    classes: dict[str, Any] = {}
    params = trace.dated.params
    figures = tuple(
        f for f in space.figures if type(params.get(f.removeprefix(FIGURE_PREFIX))) is Unknown
    )
    for index, name in enumerate(order):
        if index in dirty:
            facts[name] = derive(steps[index], ctx, trace)
        if name not in targets or not _open(facts[name]):
            continue
        search = _Search(
            trace, name, BUDGET, hints, classes, spread=name in spread, figures=figures
        )
        try:
            search.dive(facts, facts[name])
            search.explore(facts, facts[name], frozenset())
        except _Open as stop:
            if stop.bounded:
                trace.bounded.add(name)
            continue
        if search.low is not None:
            trace.spans[name] = (search.low, search.high)  # stays unknown: it depends
            continue
        facts[name] = search.leaf
        # One rule in every leaf (the AOW age, say) is the reason, as in a run; otherwise no one
        # rule decided it, and the advice names the questions whose answer does not matter.
        rules = search.rules
        trace.decided_by[name] = rules.pop() if len(rules) == 1 and None not in rules else None
        trace.settled[name] = tuple(sorted(search.weighed))
        dirty |= {i for i in space.downstream_steps(name) if steps[i].fact in facts}


def _open_first(trace: Trace, target: str, name: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """An input's values in the order the search tries them: first those that leave the target
    open where nothing else is known (no exclusion, no weeks abroad, living in the Netherlands),
    then those that decide it there. Where an outcome is open, the search finds the branch that
    shows it without first going through every value that decides it; where it is settled, every
    branch is visited anyway. The order is worked out once per day, municipality, target, input
    and values, on a run where every input is unknown: the same in every process, whatever was
    advised before."""
    if "[" in name:  # a list item's field: no item where nothing is known
        return values
    space: CaseSpace = trace.plan.cases
    key = (trace.peildatum, trace.dated.municipality, target, name, values)
    order = space.value_orders.get(key)
    if order is None:
        if len(space.value_orders) >= LEARNT_LIMIT:  # bounded, as the plan's days are
            space.value_orders.clear()
        order = space.value_orders.setdefault(key, _sorted_open_first(trace, key))
    return order


def _sorted_open_first(trace: Trace, key: tuple[Any, ...]) -> tuple[Any, ...]:
    from engine.run.evaluate import derive

    peildatum, municipality, target, name, values = key
    plan = trace.plan
    dated = plan.on(peildatum, municipality)  # the day's own figures, never a what-if's
    base = _nothing_known(plan, dated)
    cone = plan.cases.cone((name,), target)
    ranks = []
    for place, value in enumerate(values):
        branch = {**base, name: value}
        ctx = Context(branch, dated.params, peildatum)
        try:
            for index in cone:
                branch[dated.steps[index].fact] = derive(dated.steps[index], ctx, _Scratch())
        except _CANNOT_EVALUATE:
            return values  # no order to learn here: as declared
        outcome = branch.get(target)
        if type(outcome) is Unknown:  # open; first what leaves least to ask (an exclusion "no")
            ranks.append((0, len(outcome.missing), place))
        else:
            ranks.append((1, 0, place))
    return tuple(values[place] for *_, place in sorted(ranks))


def _nothing_known(plan: Plan, dated: DatedPlan) -> dict[str, Any]:
    """Every fact of a run where no input is known (once per day and municipality)."""
    from engine.run.evaluate import derive

    key = (dated.peildatum, dated.municipality)
    base = plan.cases.nothing_known.get(key)
    if base is None:
        facts: dict[str, Any] = {
            name: Unknown(frozenset({name})) for name in (*plan.inputs, *plan.collections)
        }
        ctx = Context(facts, dated.params, dated.peildatum)
        for step in dated.steps:
            try:
                facts[step.fact] = derive(step, ctx, _Scratch())
            except _CANNOT_EVALUATE:
                facts[step.fact] = NOT_DERIVED
        if len(plan.cases.nothing_known) >= LEARNT_LIMIT // 1000:
            plan.cases.nothing_known.clear()
        base = plan.cases.nothing_known.setdefault(key, facts)
    return base


def _plain(value: Any) -> bool:
    """One known value: not unknown, not a range."""
    return type(value) is not Unknown and type(value) is not Interval


def _number(value: Any) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _open(value: Any) -> bool:
    return type(value) is Unknown and bool(value.missing)


def _assign(facts: dict[str, Any], name: str, value: Any) -> str:
    """Give an input (or a collection item's field) a value; the fact that changed."""
    if "[" not in name:
        facts[name] = value
        return name
    collection, _, rest = name.partition("[")
    index_text, _, field_name = rest.partition("].")
    items = list(facts[collection])
    item = dict(items[int(index_text)])
    item[field_name] = value
    items[int(index_text)] = item
    facts[collection] = items
    return collection


def _same(a: Any, b: Any) -> bool:
    """Equal values; a yes/no never equals a number (True == 1 in Python)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return type(a) is type(b) and a == b
