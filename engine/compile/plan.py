"""The Plan: compiled rules in dependency order, dated parameters, and profile readers.

A Plan is immutable and shared freely across threads. Its hash names the content of the rule
base (every rules and schemes file), so a receipt can say exactly which rules gave an advice.
`plan.on(peildatum)` gives the view for one date: the rule versions and parameter values in
force that day, cached per date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, get_args

from engine.check.checker import CheckedBook
from engine.check.declarations import MUNICIPALITY_FACT
from engine.check.rules import CheckedRule
from engine.compile.cases import CaseSpace
from engine.errors import EvaluationError, Location, RulesError
from engine.lang import ir
from engine.lang.compile import Closure, compile_expr
from engine.load.loader import LoadedFact, LoadedMunicipality, LoadedParameter, LoadedScheme
from engine.load.specs import Citation, FactSpec, OutputKind, ParameterValue, Texts, Window
from engine.model.profile_paths import Getter, collection_getter, root_of, scalar_getter
from engine.values import FIGURE_PREFIX, Unknown

DATE_CACHE_SIZE = 1024
POLICY_PREFIX = "beleid:"  # an unknown that local policy, not the citizen, must settle


def not_asked(name: str) -> bool:
    """Whether an unknown is settled by policy or the rule base rather than by an answer."""
    return name.startswith((POLICY_PREFIX, FIGURE_PREFIX))


OUTPUT_KINDS = get_args(OutputKind)


_TEMPLATE_NAME = re.compile(r"\{([a-z_][a-z0-9_]*)\}")  # a fact shown in a rule's text


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    scheme: str
    citation: Citation
    valid: Window | None
    when_ir: ir.Node
    when: Closure
    conclusions: tuple[tuple[str, ir.Node, Closure], ...]
    dominated_by: frozenset[str]
    text: Texts
    reads: tuple[str, ...]
    reads_scalar: tuple[str, ...]  # the reads that are not collections, for explanations
    location: Location
    compiled_from: CheckedRule

    @cached_property
    def content_hash(self) -> str:
        """Changes whenever anything in the rule's definition changes. Made when a receipt
        first names the rule: most of a plan's load would otherwise be spent on hashes."""
        return _rule_hash(self.compiled_from)

    def applies_on(self, day: dt.date) -> bool:
        return self.valid is None or self.valid.contains(day)


@dataclass(frozen=True, eq=False)
class Candidate:
    """One rule as a way to conclude one fact."""

    rule: Rule
    when: Closure
    value: Closure
    value_ir: ir.Node


@dataclass(frozen=True, eq=False)
class Step:
    """Derive one fact: its candidate rules (valid on the date) and its default."""

    fact: str
    candidates: tuple[Candidate, ...]
    default: Any  # None when the fact has no default


@dataclass(frozen=True, eq=False)
class DatedPlan:
    peildatum: dt.date
    params: dict[str, Any]
    steps: tuple[Step, ...]
    rules: dict[str, Rule]  # the rule versions in force on the date, by id
    municipality: str | None  # the municipality key whose policy these figures include


@dataclass(frozen=True)
class Group:
    """Yes/no inputs asked as one question where two or more are open (rules/facts.yaml)."""

    question: Texts
    facts: tuple[str, ...]  # in the order the facts file declares them


class Plan:
    def __init__(self, checked: CheckedBook, engine_version: str):
        if checked.errors:
            raise RulesError(checked.problems)
        book = checked.book
        self.engine_version = engine_version
        self.hash = content_hash(book.texts)
        self.schemes: dict[str, LoadedScheme] = dict(book.schemes)
        self.parameters: dict[str, LoadedParameter] = dict(book.parameters)
        self.sources = dict(book.sources)
        self.municipalities: dict[str, LoadedMunicipality] = dict(book.municipalities)
        self.inputs: dict[str, LoadedFact] = dict(book.inputs)
        self.derived: dict[str, LoadedFact] = dict(book.derived)
        # Inputs another body establishes, never asked: fact -> body.
        self.assessed_by: dict[str, str] = {
            name: f.spec.assessed_by for name, f in self.inputs.items() if f.spec.assessed_by
        }
        self.collections = {name: spec for name, (_, spec) in book.collections.items()}
        self.records = book.records
        self.order: tuple[str, ...] = tuple(checked.order)
        self.rules: tuple[Rule, ...] = tuple(_compile_rule(r, checked) for r in checked.rules)
        self.rules_by_id: dict[str, list[Rule]] = {}
        for rule in self.rules:
            self.rules_by_id.setdefault(rule.id, []).append(rule)
        self.readers: tuple[tuple[str, Getter], ...] = self._readers()
        self.root_names: tuple[str, ...] = self.roots
        self.scope = checked.scope
        self.types: dict[str, str] = {name: d.type for name, d in checked.scope.names.items()}
        self.scheme_facts: dict[str, tuple[str, ...]] = self._scheme_facts()
        # Per scheme, the municipal (local) parameters its rules read.
        self.scheme_local_params: dict[str, frozenset[str]] = {
            scheme_id: frozenset(
                n
                for rule in self.rules
                if any(fact in self.scheme_facts[scheme_id] for fact, _, _ in rule.conclusions)
                for n in rule.reads
                if n in self.parameters and self.parameters[n].spec.local
            )
            for scheme_id in self.schemes
        }
        # Per scheme and output kind, the scheme's own output facts in derivation order.
        self.scheme_outputs: dict[str, dict[str, tuple[str, ...]]] = {
            scheme_id: {
                kind: tuple(
                    f
                    for f in self.order
                    if self.derived[f].scheme == scheme_id and self.derived[f].spec.output == kind
                )
                for kind in OUTPUT_KINDS
            }
            for scheme_id in self.schemes
        }
        self.cases = CaseSpace(self)  # what case analysis may split on (engine/run/settle.py)
        # Per scheme, the facts no rule reads that are not outputs: there to explain.
        outputs = {f for kinds in self.scheme_outputs.values() for fs in kinds.values() for f in fs}
        self.scheme_notes: dict[str, tuple[str, ...]] = {
            scheme_id: tuple(
                f
                for f in facts
                if f in self.derived and f not in outputs and not self.cases.readers.get(f)
            )
            for scheme_id, facts in self.scheme_facts.items()
        }
        # The order the facts files declare inputs and lists in: how questions break ties.
        self.declared = {name: i for i, name in enumerate([*self.inputs, *self.collections])}
        self.groups: dict[str, Group] = {
            name: Group(spec.question, tuple(f for f in self.inputs if self.group_of(f) == name))
            for name, (_, spec) in book.groups.items()
        }
        self._steps_for: dict[frozenset[str], frozenset[int]] = {}
        self._closures: dict[ir.Node, Closure] = {}
        self._dated: dict[dt.date, DatedPlan] = {}
        self._lock = threading.Lock()

    def fact_spec(self, name: str) -> FactSpec | None:
        fact = self.derived.get(name) or self.inputs.get(name)
        return fact.spec if fact else None

    def group_of(self, name: str) -> str | None:
        """The group an input is asked in, if any."""
        fact = self.inputs.get(name)
        return fact.spec.group if fact else None

    def source_path(self, name: str) -> str:
        """Where the profile holds an input or a list (`applicant.birth_date`, `children`);
        empty for anything else."""
        if name in self.collections:
            return self.collections[name].from_ or ""
        fact = self.inputs.get(name)
        return (fact.spec.from_ or "") if fact else ""

    def _scheme_facts(self) -> dict[str, tuple[str, ...]]:
        """Per scheme, the derived facts its explanation covers, in derivation order.

        Its own facts, and the facts of other schemes its rules read directly (the bijstand
        norm for kwijtschelding, say). How those were derived is the other scheme's story.
        """
        own = {s: {n for n, f in self.derived.items() if f.scheme == s} for s in self.schemes}
        result = {}
        for scheme_id, facts in own.items():
            wanted = set(facts)
            for rule in self.rules:
                if any(fact in facts for fact, _, _ in rule.conclusions):
                    wanted |= {n for n in rule.reads if n in self.derived}
            result[scheme_id] = tuple(name for name in self.order if name in wanted)
        return result

    def closure(self, node: ir.Node) -> Closure:
        """A part of a rule's condition, compiled once (the why-not explanation evaluates the
        parts on their own). Nodes compare by identity: each is one place in this plan's rules."""
        found = self._closures.get(node)
        if found is None:
            found = self._closures.setdefault(node, compile_expr(node, self.scope))
        return found

    def steps_for(self, schemes: frozenset[str]) -> frozenset[int]:
        """The derivation steps (indices in `order`) the given schemes' facts need: their own,
        what their rules read, and what their texts show, all the way up."""
        if schemes not in self._steps_for:
            wanted: set[str] = set()
            for scheme_id in schemes:
                wanted.update(self.scheme_facts[scheme_id])
                for rule in self.rules:
                    if any(fact in self.scheme_facts[scheme_id] for fact, _, _ in rule.conclusions):
                        texts = f"{rule.text.nl} {rule.text.en}"
                        wanted.update(n for n in _TEMPLATE_NAME.findall(texts) if n in self.derived)
            needed: set[str] = set()
            for fact in sorted(wanted):
                needed |= self.cases.upstream(fact)
            index = {name: i for i, name in enumerate(self.order)}
            self._steps_for[schemes] = frozenset(index[f] for f in needed if f in index)
        return self._steps_for[schemes]

    def main_period(self, scheme_id: str) -> str:
        """The period of a scheme's main amount: month, year or once."""
        name = self.schemes[scheme_id].spec.outputs.amount
        return self.derived[name].spec.period if name else "month"

    def _readers(self) -> tuple[tuple[str, Getter], ...]:
        readers: list[tuple[str, Getter]] = []
        for name, fact in sorted(self.inputs.items()):
            readers.append((name, scalar_getter(fact.spec.from_ or "", name, rooted=True)))
        for name, collection in sorted(self.collections.items()):
            fields = {
                f: spec.spec.from_ or "" for f, spec in self.records[collection.record].items()
            }
            readers.append((name, collection_getter(collection.from_, name, fields)))
        return tuple(readers)

    @property
    def roots(self) -> tuple[str, ...]:
        """The profile's top-level names the readers start from."""
        paths = [f.spec.from_ or "" for f in self.inputs.values()]
        paths += [c.from_ for c in self.collections.values()]
        return tuple(sorted({root_of(p) for p in paths}))

    def on(self, peildatum: dt.date, municipality: str | None = None) -> DatedPlan:
        """The rules and figures in force on `peildatum` in a municipality (cached).

        `municipality` is a key (see `municipality_key`); None when the profile does not say.
        """
        key = (peildatum, municipality)
        dated = self._dated.get(key)
        if dated is None:
            dated = self._build_dated(peildatum, municipality)
            with self._lock:
                if len(self._dated) >= DATE_CACHE_SIZE:
                    self._dated.clear()
                self._dated[key] = dated
        return dated

    def _local_value(self, name: str, peildatum: dt.date, municipality: str | None) -> Any:
        """A municipal figure: the municipality's own, else the national default, else unknown."""
        if municipality is None:
            return Unknown(frozenset({MUNICIPALITY_FACT}))
        policy = self.municipalities.get(municipality)
        local = policy.parameters.get(name) if policy else None
        if local is not None:
            value = _value_on(local.values, peildatum)
            if value is not None:
                return _typed(value, self.parameters[name].spec.type)
        national = parameter_value(self.parameters[name], peildatum)
        return national if national is not None else Unknown(frozenset({POLICY_PREFIX + name}))

    def _build_dated(self, peildatum: dt.date, municipality: str | None) -> DatedPlan:
        # Before the rules begin there is nothing to say; after the rules were last brought up
        # to date the advice goes on, with what is not in the rule base unknown and named.
        for scheme in self.schemes.values():
            coverage = scheme.spec.coverage
            if peildatum < coverage.from_:
                until = coverage.until.isoformat() if coverage.until else "open end"
                raise EvaluationError(
                    f"the rules for '{scheme.spec.id}' cover {coverage.from_.isoformat()} to {until}; "
                    f"peildatum {peildatum.isoformat()} lies before that period"
                )
        params = {}
        for name, param in self.parameters.items():
            if param.spec.local:
                params[name] = self._local_value(name, peildatum, municipality)
                continue
            value = parameter_value(param, peildatum)
            if value is not None:
                params[name] = value
            elif param.spec.values and param.spec.values[0].from_ <= peildatum:
                params[name] = Unknown(frozenset({FIGURE_PREFIX + name}))
        by_fact: dict[str, list[Candidate]] = {name: [] for name in self.order}
        for rule in self.rules:
            if not rule.applies_on(peildatum):
                continue
            for fact, value_ir, value in rule.conclusions:
                by_fact[fact].append(Candidate(rule, rule.when, value, value_ir))
        steps = tuple(
            Step(name, tuple(by_fact[name]), self.derived[name].spec.default) for name in self.order
        )
        in_force = {rule.id: rule for rule in self.rules if rule.applies_on(peildatum)}
        return DatedPlan(peildatum, params, steps, in_force, municipality)


def parameter_value(param: LoadedParameter, day: dt.date) -> Any:
    """The value of a parameter on a day: the last value whose 'from' is on or before it.

    None when it has no value yet; the checker guarantees no rule in force reads it then.
    """
    value = _value_on(param.spec.values, day)
    return None if value is None else _typed(value, param.spec.type)


def _value_on(values: list[ParameterValue], day: dt.date) -> Any:
    current = _latest(values, day)
    if current is None or (current.until is not None and day > current.until):
        return None
    return current.value


def _latest(values: list[ParameterValue], day: dt.date) -> ParameterValue | None:
    """The last value whose `from` is on or before the day (it may have ended since)."""
    current = None
    for value in values:
        if value.from_ <= day:
            current = value
    return current


def figure_gap_from(param: LoadedParameter, day: dt.date) -> dt.date | None:
    """The first day without a value, for a figure unknown on `day`: the day after its last
    value's `until` (None when it has a value on `day`)."""
    last = _latest(param.spec.values, day)
    if last is None or last.until is None or day <= last.until:
        return None
    return last.until + dt.timedelta(days=1)


def _typed(value: Any, type_name: str) -> Any:
    if type_name in ("money", "number") and not isinstance(value, int):
        return Decimal(value)
    if type_name.startswith("list["):
        return tuple(value)
    return value


def _compile_rule(checked: CheckedRule, book: CheckedBook) -> Rule:
    spec = checked.rule.spec
    scope = book.scope
    return Rule(
        id=spec.id,
        scheme=checked.rule.scheme,
        citation=checked.rule.citation,
        valid=spec.valid,
        when_ir=checked.when,
        when=compile_expr(checked.when, scope),
        conclusions=tuple((fact, node, compile_expr(node, scope)) for fact, node in checked.then),
        dominated_by=book.dominated_by.get(spec.id, frozenset()),
        text=spec.text,
        reads=tuple(sorted(checked.reads)),
        reads_scalar=tuple(
            sorted(n for n in checked.reads if not scope.names[n].type.startswith("collection["))
        ),
        location=checked.rule.location,
        compiled_from=checked,
    )


def _rule_hash(checked: CheckedRule) -> str:
    content = {
        "spec": checked.rule.spec.model_dump(mode="json", by_alias=True),
        "scheme": checked.rule.scheme,
        "citation": checked.rule.citation.model_dump(mode="json"),
        "municipality": checked.rule.municipality,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def content_hash(texts: list[tuple[str, bytes]]) -> str:
    """A rule base's files by name and bytes, as one hash (the plan's)."""
    digest = hashlib.sha256()
    for name, content in sorted(texts):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()[:16]
