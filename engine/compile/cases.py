"""What case analysis over unknown inputs may split on, worked out once per plan.

Three-valued logic leaves an outcome open whenever an unknown input is read, even where every
value that input could take gives the same outcome. Case analysis (engine/run/settle.py) tries
those values. It does so exactly where an input's values fall into a few classes the rules
cannot tell apart within a class:

- a yes/no fact: yes, no; a text fact with declared values: each value (also as a field of a
  collection item);
- a number or amount that every rule only compares with a figure known on the day (a constant
  or a parameter, never the household's own facts), and never adds, multiplies or passes to a
  function: zero, and one value below, at and above each such figure (the profile model allows
  no negative amounts, weeks or hours).

Any other number the profile model bounds (an amount that is added up, hours, a percentage) is
not split but taken as its whole range at once (engine/intervals.py): from zero to the largest
value the profile accepts. So is an amount figure whose known values end before the peildatum
(`cijfer:` name, engine/compile/plan.py): any positive amount, since the next value is not in
the rule base and is never guessed. Any other input (a date, a free text, a list) is not weighed: an
outcome that waits on it stays undetermined.

Splitting also needs to know which facts to derive again: the facts on a path from the input
to the outcome (the "cone"), in derivation order.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from engine.intervals import Interval
from engine.lang import ir
from engine.lang.compile import Closure, Context, compile_expr
from engine.model.profile import field_range
from engine.values import CENT, FIGURE_PREFIX

ORDERING = frozenset({"<", "<=", ">", ">=", "==", "!="})

if TYPE_CHECKING:
    from engine.compile.plan import Plan, Rule


class CaseSpace:
    """Per plan: the finite domain of each splittable input and the cones between facts."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.index = {name: i for i, name in enumerate(plan.order)}
        self.readers: dict[str, set[str]] = {}  # fact or input -> derived facts that read it
        self.reads: dict[str, set[str]] = {}  # derived fact -> what its rules read
        for rule in plan.rules:
            for fact, _, _ in rule.conclusions:
                self.reads.setdefault(fact, set()).update(rule.reads)
                for name in rule.reads:
                    self.readers.setdefault(name, set()).add(fact)
        self.domains: dict[str, tuple[Any, ...]] = {}
        compared = _compared_only(plan)
        self.bounds: dict[str, tuple[Closure, ...]] = {}  # numbers split at figures
        self.spans: dict[str, Interval] = {}  # other numbers: their whole range at once
        for name, fact in plan.inputs.items():
            if domain := _finite(fact.spec.type, fact.spec.values):
                self.domains[name] = domain
            elif fact.spec.type in ("number", "money") and compared.get(name):
                self.bounds[name] = tuple(compile_expr(n, plan.scope) for n in compared[name])
            elif fact.spec.type in ("number", "money") and (
                bounds := field_range(fact.spec.from_ or "")
            ):
                self.spans[name] = Interval(*bounds, frozenset((name,)))
        self.figures: tuple[str, ...] = ()  # amount figures that may end: weighed when unknown
        for name, param in plan.parameters.items():
            ending = any(value.until for value in param.spec.values)
            if param.spec.type == "money" and ending and name in self.readers:
                figure = FIGURE_PREFIX + name
                self.spans[figure] = Interval(CENT, Decimal("Infinity"), frozenset((figure,)))
                self.readers[figure] = self.readers[name]
                self.figures += (figure,)
        for record, fields in plan.records.items():
            for field_name, fact in fields.items():
                if domain := _finite(fact.spec.type, fact.spec.values):
                    self.domains[f"{record}.{field_name}"] = domain
        self._downstream = lru_cache(maxsize=4096)(self._downstream_of)
        self._upstream = lru_cache(maxsize=4096)(self._upstream_of)
        self.cone = lru_cache(maxsize=65536)(self._cone)
        self.derived_read_by = lru_cache(maxsize=8192)(self._derived_read_by)
        self.inputs_behind = lru_cache(maxsize=8192)(self._inputs_behind)
        # Filled by the settle pass (engine/run/settle.py): the order to try an input's values
        # in, and the run where nothing is known that it is learnt on, per day and municipality.
        self.value_orders: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self.nothing_known: dict[tuple[Any, ...], dict[str, Any]] = {}

    def splittable(self, name: str) -> bool:
        """Whether case analysis can weigh an input: split it (a yes/no, a choice, a compared
        number) or take its whole range (any other number the profile bounds)."""
        return name in self.bounds or name in self.spans or self.domain(name) is not None

    def span(self, name: str) -> Interval | None:
        """Every value an input may take at once, for an amount or number not split."""
        return self.spans.get(name)

    def domain(self, name: str, ctx: Context | None = None) -> tuple[Any, ...] | None:
        """The values of an input, or of a collection item's field (`kinderen[0].relatie`);
        a number's classes need the day's figures (`ctx`)."""
        if name in self.bounds:
            return _around(self.bounds[name], ctx, self.plan.types[name]) if ctx else None
        if "[" in name:
            collection, _, rest = name.partition("[")
            spec = self.plan.collections.get(collection)
            return self.domains.get(f"{spec.record}.{rest.partition('].')[2]}") if spec else None
        return self.domains.get(name)

    def _inputs_behind(self, rule: Rule) -> tuple[str, ...]:
        """The splittable inputs a rule's conclusion rests on: those it reads, and those the
        derived facts it reads rest on. Only its yes/no inputs, where it has any: turning one of
        those changes one answer, where a choice has several to go through."""
        names = set()
        for name in rule.reads:
            behind = (
                (n for fact in self.upstream(name) for n in self.reads.get(fact, ()))
                if name in self.index
                else (name,)
            )
            names.update(n for n in behind if n in self.domains or n in self.bounds)
        yes_no = {n for n in names if self.domains.get(n) == (True, False)}
        return tuple(sorted(yes_no or names))

    def _derived_read_by(self, rules: tuple[Rule, ...]) -> tuple[str, ...]:
        """The derived facts some of these rules read (the same in every run: cached)."""
        return tuple(sorted({n for rule in rules for n in rule.reads if n in self.index}))

    def upstream(self, fact: str) -> frozenset[str]:
        """`fact` and the derived facts it is derived from, directly or through others."""
        return self._upstream(fact)

    def downstream_steps(self, name: str) -> frozenset[int]:
        """The steps that read `name`, directly or through other facts."""
        return frozenset(self.index[f] for f in self._downstream(name))

    def _downstream_of(self, name: str) -> frozenset[str]:
        found: set[str] = set()
        stack = [name]
        while stack:
            for reader in self.readers.get(stack.pop(), ()):
                if reader not in found:
                    found.add(reader)
                    stack.append(reader)
        return frozenset(found)

    def _upstream_of(self, fact: str) -> frozenset[str]:
        found = {fact}
        stack = [fact]
        while stack:
            for name in self.reads.get(stack.pop(), ()):
                if name in self.index and name not in found:
                    found.add(name)
                    stack.append(name)
        return frozenset(found)

    def _cone(self, sources: tuple[str, ...], target: str) -> tuple[int, ...]:
        """Indices of the steps to derive again when `sources` change, to know `target`."""
        reached = frozenset().union(*(self._downstream(s) for s in sources))
        between = self._upstream(target) & reached
        return tuple(sorted(self.index[f] for f in between))


def _compared_only(plan: Plan) -> dict[str, list[ir.Node]]:
    """Per input: the figures it is compared with, if every read of it is such a comparison
    (an input read any other way is absent)."""
    uses: dict[str, list[ir.Node] | None] = {}

    def walk(node: ir.Node, parent: ir.Node | None) -> None:
        if isinstance(node, ir.Name):
            other = None
            if isinstance(parent, ir.Compare) and parent.op in ORDERING:
                other = parent.right if parent.left is node else parent.left
            known = other is not None and all(n in plan.parameters for n in ir.names_in(other))
            found = uses.setdefault(node.id, [])
            if found is not None:
                uses[node.id] = [*found, other] if known else None  # type: ignore[list-item]
            return
        for child in ir.children(node):
            walk(child, node)

    for rule in plan.rules:
        for node in (rule.when_ir, *(value for _, value, _ in rule.conclusions)):
            walk(node, None)
    return {name: found for name, found in uses.items() if found}


def _around(bounds: tuple[Closure, ...], ctx: Context, type_name: str) -> tuple[Any, ...] | None:
    """Zero, and a value below, at and above each figure: one of each class."""
    step = Decimal(1) if type_name == "number" else Decimal("0.01")
    points = {Decimal(0)}
    for bound in bounds:
        value = bound(ctx)
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return None  # a figure not known on the day (or not a number): do not split
        points |= {Decimal(value) - step, Decimal(value), Decimal(value) + step}
    values = sorted(p for p in points if p >= 0)
    if type_name == "number":
        return tuple(int(v) if v == v.to_integral_value() else v for v in values)
    return tuple(values)


def _finite(type_name: str, values: list[str] | None) -> tuple[Any, ...] | None:
    if type_name == "bool":
        return (True, False)
    if type_name == "text" and values:
        return tuple(values)
    return None
