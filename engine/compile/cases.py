"""What case analysis over unknown inputs may split on, worked out once per plan.

Three-valued logic leaves an outcome open whenever an unknown input is read, even where every
value that input could take gives the same outcome. Case analysis (engine/run/settle.py) tries
those values. It does so exactly where an input has a finite domain: a yes/no fact (yes, no)
and a text fact with declared values (each value), also as a field of a collection item. Any
other input (a number, an amount, a date, a free text, a list) is not split: an outcome that
waits on it stays undetermined.

Splitting also needs to know which facts to derive again: the facts on a path from the input
to the outcome (the "cone"), in derivation order.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.compile.plan import Plan


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
        # Per step (by index): every name its rules read, for the key of a remembered derivation.
        self.step_reads: tuple[tuple[str, ...], ...] = tuple(
            tuple(sorted(self.reads.get(name, ()))) for name in plan.order
        )
        self.domains: dict[str, tuple[Any, ...]] = {}
        for name, fact in plan.inputs.items():
            if domain := _finite(fact.spec.type, fact.spec.values):
                self.domains[name] = domain
        for record, fields in plan.records.items():
            for field_name, fact in fields.items():
                if domain := _finite(fact.spec.type, fact.spec.values):
                    self.domains[f"{record}.{field_name}"] = domain
        # The outcomes worth deciding by cases: the schemes' statuses.
        self.targets = frozenset(scheme.spec.outputs.status for scheme in plan.schemes.values())
        self._downstream = lru_cache(maxsize=4096)(self._downstream_of)
        self._upstream = lru_cache(maxsize=4096)(self._upstream_of)
        self.cone = lru_cache(maxsize=65536)(self._cone)

    def domain(self, name: str) -> tuple[Any, ...] | None:
        """The values of an input, or of a collection item's field (`kinderen[0].relatie`)."""
        if "[" in name:
            collection, _, rest = name.partition("[")
            spec = self.plan.collections.get(collection)
            return self.domains.get(f"{spec.record}.{rest.partition('].')[2]}") if spec else None
        return self.domains.get(name)

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

    def _cone(self, source: str, target: str) -> tuple[int, ...]:
        """Indices of the steps to derive again when `source` changes, to know `target`."""
        between = self._downstream(source) & self._upstream(target)
        return tuple(sorted(self.index[f] for f in between))


def _finite(type_name: str, values: list[str] | None) -> tuple[Any, ...] | None:
    if type_name == "bool":
        return (True, False)
    if type_name == "text" and values:
        return tuple(values)
    return None
