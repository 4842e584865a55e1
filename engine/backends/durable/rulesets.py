"""A dated plan as a durable-rules ruleset, and one durable-rules host that runs them.

Each derived fact (a Step of the DatedPlan) becomes one durable-rules rule whose condition
joins the assertion of every fact the step reads, so the Rete network decides when a step may
fire: only once all its inputs are in working memory. durable-rules joins at most 16 facts in
one rule, so a step that reads more waits for `gate` facts, each joining up to 16 of them.
Its priority is the step's stratum (one more than the highest stratum it reads; inputs are
stratum 0), and durable-rules fires lower priorities first, so every producer fires before its
consumers (a negation only ever reads a complete fact). The action evaluates the step with
the native candidate semantics (`engine.run.evaluate.derive`: default logic, overrides,
conflicts, Kleene unknowns) on the values that came in with the matched facts, and asserts
the derived fact with what decided it.

This module holds the C core in the calling process: a crash of that core (see
docs/backends-durable.md) takes the process down. `DurableBackend` (worker.py) runs it in a
worker process instead; use this module directly only where that is acceptable.

Known faults of durable-rules 2.0.28, and what is done about each:

- a ruleset name can be registered once and never removed: names are derived from the plan
  hash, the peildatum and the municipality, and kept in a registry, so a name is registered
  at most once per host;
- registering mutates the definition (it pops `run`): a fresh definition is built each time;
- at most 1024 live sessions per ruleset, sessions found by a 32-bit hash of the sid: sids
  are short counters drawn from a pool of 1024, one live session at a time, each deleted when
  its evaluation ends (also after a failure);
- exceptions inside actions are swallowed into session state: every action catches its own
  exceptions, records them per session, and the evaluation re-raises the first one; the
  session state's `exception` field is checked as well;
- the host starts background threads that run pending actions later: this host never starts
  them (`_run` is a no-op); `assert_facts` runs every action synchronously until none is left,
  and an evaluation checks that every step fired;
- only JSON numbers: values are encoded by `codec` (Decimal as scaled integers, dates as day
  ordinals, Unknown as a marker).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import sys
from collections.abc import Callable
from typing import Any, Protocol

from engine.backends.durable.codec import decode, encode
from engine.backends.durable.errors import DurableBackendError
from engine.compile.plan import DatedPlan, Plan, Step
from engine.errors import EngineError, EvaluationError
from engine.lang.compile import Context
from engine.run.evaluate import derive

SESSION_POOL = 1024  # durable-rules keeps at most 1024 live sessions per ruleset
MAX_JOIN = 16  # durable-rules joins at most 16 messages in one rule (MAX_MESSAGE_FRAMES)
Record = dict[str, Any]  # a derived fact as durable-rules holds it: n, v, by (and cf)


def import_durable() -> Any:
    """The `durable.engine` module, or a DurableBackendError that says why it cannot load."""
    try:
        from durable import engine as durable_engine
    except Exception as exc:  # ImportError, or a failing C extension on a newer Python
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        raise DurableBackendError(
            f"durable-rules is not available on Python {version}: {type(exc).__name__}: {exc}. "
            "Install it with `pip install durable-rules==2.0.28` (it builds on Python 3.11 and "
            "3.12), or use the native backend"
        ) from None
    return durable_engine


def ruleset_name(plan: Plan, dated: DatedPlan) -> str:
    """The name of a dated plan's ruleset: plan hash, peildatum and municipality."""
    place = dated.municipality or "-"
    place_hash = hashlib.sha256(place.encode("utf-8")).hexdigest()[:8]
    return f"sd_{plan.hash}_{dated.peildatum:%Y%m%d}_{place_hash}"


def strata(plan: Plan, dated: DatedPlan) -> dict[str, int]:
    """Per derived fact, its stratum: 1 + the highest stratum among the facts it reads."""
    level: dict[str, int] = {}
    for step in dated.steps:
        reads = _reads(plan, step)
        level[step.fact] = 1 + max((level.get(name, 0) for name in reads), default=0)
    return level


def _reads(plan: Plan, step: Step) -> tuple[str, ...]:
    """The facts (inputs, collections, derived facts) a step's candidate rules read."""
    names = {
        name
        for candidate in step.candidates
        for name in candidate.rule.reads
        if name in plan.inputs or name in plan.collections or name in plan.derived
    }
    return tuple(sorted(names))


# A slot of a rule's join: its alias and either one fact's name (the pattern matches that
# fact) or the names of the facts a gate carries (the pattern matches the gate).
Slot = tuple[str, "str | tuple[str, ...]"]
Slots = tuple[Slot, ...]


class Actions(Protocol):
    """The actions a ruleset calls, each made for one rule from its slots."""

    def step(self, step: Step, slots: Slots) -> Callable[[Any], None]: ...

    def gate(self, name: str, slots: Slots) -> Callable[[Any], None]: ...

    def done(self, slots: Slots) -> Callable[[Any], None]: ...


def _pattern(kind: str, name: str) -> dict[str, Any]:
    return {"$and": [{"t": kind}, {"n": name}]}


def _join(
    rules: dict[str, Any], rule_name: str, names: list[str], pri: int, actions: Actions
) -> tuple[list[dict[str, Any]], Slots]:
    """The `all` of a rule that waits for every fact in `names`, and its slots.

    durable-rules joins at most MAX_JOIN messages in one rule (error 304 beyond). For more,
    the facts are joined in gates of at most MAX_JOIN each: a gate rule asserts one `gate`
    fact carrying the values it joined, and the rule joins the gates.
    """
    if len(names) <= MAX_JOIN:
        slots: Slots = tuple((f"a{i}", name) for i, name in enumerate(names))
        patterns = [{alias: _pattern("fact", name)} for alias, name in slots]
        return patterns or [{"a0": {"t": "start"}}], slots
    chunks = [names[i : i + MAX_JOIN] for i in range(0, len(names), MAX_JOIN)]
    if len(chunks) > MAX_JOIN:
        raise DurableBackendError(f"'{rule_name}' reads more facts than two join levels hold")
    gate_slots = []
    for number, chunk in enumerate(chunks):
        gate = f"{rule_name}g{number}"
        chunk_slots: Slots = tuple((f"a{i}", name) for i, name in enumerate(chunk))
        rules[gate] = {
            "all": [{alias: _pattern("fact", name)} for alias, name in chunk_slots],
            "pri": pri,
            "run": actions.gate(gate, chunk_slots),
        }
        gate_slots.append((f"g{number}", tuple(chunk)))
    patterns = [{f"g{n}": _pattern("gate", f"{rule_name}g{n}")} for n in range(len(chunks))]
    return patterns, tuple(gate_slots)


def definition(plan: Plan, dated: DatedPlan, actions: Actions) -> dict[str, Any]:
    """The durable-rules ruleset for a dated plan, as the plain dict `register_rulesets` takes.

    One rule per step (`s<index>`): its `all` joins every fact the step reads (through gates
    when there are many), or the start fact when it reads none; `pri` is the step's stratum.
    A last rule, `done`, joins every derived fact that no step reads (durable-rules refuses to
    store a fact no rule matches) and fires last, so an evaluation knows it ran to the end.
    """
    level = strata(plan, dated)
    rules: dict[str, Any] = {}
    read = {name for step in dated.steps for name in _reads(plan, step)}
    for index, step in enumerate(dated.steps):
        name = f"s{index:03d}"
        pri = level[step.fact]
        patterns, slots = _join(rules, name, list(_reads(plan, step)), pri, actions)
        rules[name] = {"all": patterns, "pri": pri, "run": actions.step(step, slots)}
    final = [step.fact for step in dated.steps if step.fact not in read]
    pri = 1 + max(level.values(), default=0)
    patterns, slots = _join(rules, "done", final, pri, actions)
    rules["done"] = {"all": patterns, "pri": pri, "run": actions.done(slots)}
    return rules


def _values(matched: dict[str, Any], slots: Slots) -> dict[str, Any]:
    """The decoded values of the facts a rule matched, directly or through gates."""
    values = {}
    for alias, names in slots:
        message = matched[alias]
        if type(names) is str:
            values[names] = decode(message["v"])
        else:
            carried = message["vs"]
            for name in names:
                values[name] = decode(carried[name])
    return values


class _Scratch:
    """What `derive` writes besides the value: which rule decided, and conflicts."""

    __slots__ = ("conflicts", "decided_by")

    def __init__(self) -> None:
        self.decided_by: dict[str, str | None] = {}
        self.conflicts: dict[str, tuple[str, ...]] = {}


class _Session:
    """What the actions of one evaluation record outside durable-rules."""

    __slots__ = ("done", "errors")

    def __init__(self) -> None:
        self.errors: list[EngineError] = []
        self.done = False


class DurableEngine:
    """One durable-rules host with a registry of rulesets and a pool of session ids.

    Not thread-safe: use one per thread (the worker process has exactly one).
    """

    def __init__(self) -> None:
        durable_engine = import_durable()

        class QuietHost(durable_engine.Host):
            def _run(self) -> None:  # no background dispatch threads: all work is synchronous
                pass

        self._host = QuietHost()
        # ruleset name -> the facts its rules match, and whether a rule waits for the start fact
        self._registered: dict[str, tuple[frozenset[str], bool]] = {}
        self._sids = itertools.count()
        self._sessions: dict[str, _Session] = {}  # live sessions by sid

    @property
    def rulesets(self) -> int:
        """How many rulesets this host holds (they can never be removed)."""
        return len(self._registered)

    def ensure(self, plan: Plan, dated: DatedPlan) -> str:
        """Register the dated plan's ruleset unless this host already has it; its name."""
        name = ruleset_name(plan, dated)
        if name not in self._registered:
            rules = definition(plan, dated, _EngineActions(dated, self._sessions))
            patterns = [next(iter(p.values())) for rule in rules.values() for p in rule["all"]]
            matched = frozenset(
                p["$and"][1]["n"] for p in patterns if p.get("$and", [{}])[0].get("t") == "fact"
            )
            start = any(p.get("t") == "start" for p in patterns)
            self._host.register_rulesets({name: rules})  # this pops every `run` from `rules`
            self._registered[name] = (matched, start)
        return name

    def derive(self, plan: Plan, dated: DatedPlan, inputs: dict[str, Any]) -> list[Record]:
        """Assert the input facts in a fresh session; the derived facts, in step order."""
        name = self.ensure(plan, dated)
        sid, session = self._open()
        # Only facts some rule matches: durable-rules refuses a batch with an unmatched fact
        # (MessageNotHandledException) and then leaves its queued actions unrun.
        matched, start = self._registered[name]
        facts = [{"sid": sid, "t": "start"}] if start else []
        facts += [
            {"sid": sid, "t": "fact", "n": n, "v": encode(v)}
            for n, v in inputs.items()
            if n in matched
        ]
        try:
            try:
                self._host.assert_facts(name, facts)
            except Exception as exc:
                if session.errors:
                    raise session.errors[0] from None
                raise DurableBackendError(
                    f"durable-rules refused the facts: {type(exc).__name__}"
                ) from None
            if session.errors:
                raise session.errors[0]
            if "exception" in self._host.get_state(name, sid):
                raise DurableBackendError("durable-rules recorded an exception in a rule action")
            derived = {f["n"]: f for f in self._host.get_facts(name, sid) if "by" in f}
        finally:
            self._close(name, sid)
        missing = [step.fact for step in dated.steps if step.fact not in derived]
        if missing or not session.done:
            first = f", the first '{missing[0]}'" if missing else ""
            raise DurableBackendError(
                f"durable-rules stopped before the end: {len(missing)} fact(s) underived{first}"
            )
        return [derived[step.fact] for step in dated.steps]

    def _open(self) -> tuple[str, _Session]:
        """A fresh session: a short sid from a pool of 1024, none of them live twice."""
        if len(self._sessions) >= SESSION_POOL:
            raise DurableBackendError("no durable-rules session is free (1024 are live)")
        while True:
            sid = str(next(self._sids) % SESSION_POOL)
            if sid not in self._sessions:
                session = self._sessions[sid] = _Session()
                return sid, session

    def _close(self, name: str, sid: str) -> None:
        try:
            self._host.delete_state(name, sid)
        except Exception:
            return  # keep the sid marked live: it is never handed out again in this process
        del self._sessions[sid]


class _EngineActions:
    """Actions that derive with the native semantics and record failures per session."""

    def __init__(self, dated: DatedPlan, sessions: dict[str, _Session]):
        self.params = dated.params
        self.peildatum = dated.peildatum
        self.sessions = sessions

    def _session(self, matched: dict[str, Any], slots: Slots) -> tuple[str, _Session | None]:
        sid = matched[slots[0][0] if slots else "a0"]["sid"]
        session = self.sessions.get(sid)
        # after a failure, nothing more is derived in that session
        return sid, None if session is None or session.errors else session

    def step(self, step: Step, slots: Slots) -> Callable[[Any], None]:
        fact, params, peildatum = step.fact, self.params, self.peildatum

        def action(c: Any) -> None:  # durable-rules requires exactly one argument
            sid, session = self._session(c._m, slots)
            if session is None:
                return
            try:
                scratch = _Scratch()
                context = Context(_values(c._m, slots), params, peildatum)
                value = derive(step, context, scratch)
                record = {
                    "sid": sid,
                    "t": "fact",
                    "n": fact,
                    "v": encode(value),
                    "by": scratch.decided_by.get(fact),  # only derived facts have it
                }
                if fact in scratch.conflicts:
                    record["cf"] = list(scratch.conflicts[fact])
                c.assert_fact(record)
            except BaseException as exc:  # durable-rules would swallow it: record it
                session.errors.append(_as_engine_error(exc, fact, peildatum))

        return action

    def gate(self, name: str, slots: Slots) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            sid, session = self._session(c._m, slots)
            if session is None:
                return
            try:
                carried = {fact: c._m[alias]["v"] for alias, fact in slots}
                c.assert_fact({"sid": sid, "t": "gate", "n": name, "vs": carried})
            except BaseException as exc:
                session.errors.append(_as_engine_error(exc, name, self.peildatum))

        return action

    def done(self, slots: Slots) -> Callable[[Any], None]:
        def action(c: Any) -> None:
            _, session = self._session(c._m, slots)
            if session is not None:
                session.done = True

        return action


def _as_engine_error(exc: BaseException, fact: str, peildatum: dt.date) -> EngineError:
    if isinstance(exc, KeyError):  # as the native run reports a parameter without a value
        return EvaluationError(f"parameter {exc} has no value on {peildatum.isoformat()}")
    if isinstance(exc, EngineError):
        return exc
    return DurableBackendError(
        f"a durable-rules action failed while deriving '{fact}': {type(exc).__name__}"
    )
