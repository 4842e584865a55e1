"""The durable backend behind a process boundary: a crash of the C core is an error, not an exit.

`DurableBackend` starts one worker process (multiprocessing, spawn context) that loads the same
rule base, holds the durable-rules host and evaluates profiles. The caller keeps its own plan
and builds the Trace from the derived facts the worker sends back (JSON-able records), so
`outcomes()` and `build_advice()` run in the caller exactly as for the native backend.

If the worker dies (a segmentation fault of the C core: exit code -11), the call raises
DurableBackendError and the next call starts a fresh worker. A worker that holds many rulesets
(they can never be removed) is retired and replaced.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import signal
import threading
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, NoReturn

from engine.backends.durable.errors import DurableBackendError
from engine.backends.durable.trace import finish_trace, start_trace
from engine.compile.plan import Plan
from engine.errors import EngineError, EvaluationError
from engine.model.advice import Advice
from engine.model.profile import Profile, profile_from_dict
from engine.run.evaluate import Trace

MAX_RULESETS = 256  # per worker; beyond, the worker is replaced (rulesets cannot be removed)
TIMEOUT = 120.0  # seconds for one answer from the worker


def _serve(conn: Connection, root: str | None, reforms: tuple[str, ...]) -> None:
    """The worker: answer commands until told to stop. The plan and the durable-rules host
    are made on the first evaluation, so a worker that is never used costs little."""
    plan: Plan | None = None
    engine = None
    conn.send(("ready",))
    while True:
        try:
            command, *args = conn.recv()
        except EOFError:
            return
        if command == "stop":
            return
        try:
            if command == "evaluate":
                if plan is None:
                    from engine.api import load_plan

                    plan = load_plan(root, reforms)
                if engine is None:
                    from engine.backends.durable.rulesets import DurableEngine

                    engine = DurableEngine()
                profile, peildatum = args
                trace = start_trace(plan, profile, peildatum)
                records = engine.derive(plan, trace.dated, trace.facts)
                conn.send(("ok", plan.hash, records, engine.rulesets >= MAX_RULESETS))
            elif command == "upstream-crash":
                _upstream_crash()
                conn.send(("ok", None, None, True))
            elif command == "signal":  # for tests: die as a crashing C core would
                import os

                os.kill(os.getpid(), args[0])
            else:
                conn.send(("error", "backend", f"unknown command '{command}'"))
        except DurableBackendError as exc:
            conn.send(("error", "backend", str(exc)))
        except EvaluationError as exc:
            conn.send(("error", "evaluation", str(exc)))
        except EngineError as exc:
            conn.send(("error", "engine", str(exc)))
        except Exception as exc:  # never a value from the profile: only the kind of error
            conn.send(("error", "backend", f"the durable worker failed: {type(exc).__name__}"))


def _upstream_crash(attempts: int = 64) -> None:
    """The reproducer of durable-rules issue #381: two rules that share a join and differ
    only in a fact-to-fact comparison. The C core then reads memory it does not own, and dies
    with a segmentation fault when that memory is unmapped: in a fresh process usually on the
    first attempt, otherwise after a few more rulesets (each attempt is a new one)."""
    from durable import lang

    for attempt in range(attempts):
        name = f"upstream_381_{attempt}"
        with lang.ruleset(name):

            @lang.when_all(
                lang.c.first << (lang.m.metric == "met-A") & (lang.m.amount > 10),
                lang.c.second << (lang.m.metric == "met-B") & (lang.m.amount > lang.c.first.amount),
            )
            def detected(c: Any) -> None:
                pass

            @lang.when_all(
                lang.c.first << (lang.m.metric == "met-A") & (lang.m.amount > 50),
                lang.c.second << (lang.m.metric == "met-B") & (lang.m.amount < lang.c.first.amount),
            )
            def detected2(c: Any) -> None:
                pass

        lang.post(name, {"metric": "met-A", "amount": 100})
        lang.post(name, {"metric": "met-B", "amount": 200})


def _exit_text(code: int | None) -> str:
    if code is None:
        return "did not exit"
    if code < 0:
        try:
            return f"exit code {code}, {signal.Signals(-code).name}"
        except ValueError:
            return f"exit code {code}"
    return f"exit code {code}"


class DurableBackend:
    """Evaluate profiles with durable-rules in a worker process, giving native-equal traces.

        with DurableBackend() as durable:
            trace = durable.evaluate(profile, peildatum)
            advice = durable.advise(profile, peildatum)

    `root` and `reforms` name the rule base as for `engine.api.load_plan`; the worker loads the
    same files and the plan hashes must agree. Raises DurableBackendError when durable-rules
    is not available, when its C core crashes (the worker is restarted on the next call), or
    when a rule action fails; EvaluationError where the native run raises it.
    """

    def __init__(
        self,
        root: Path | str | None = None,
        reforms: Sequence[Path | str] = (),
        timeout: float = TIMEOUT,
    ):
        from engine.api import load_plan

        self.root = str(root) if root is not None else None
        self.reforms = tuple(str(r) for r in reforms)
        self.plan: Plan = load_plan(self.root, self.reforms)
        self.timeout = timeout
        self.restarts = 0  # how many workers were started after the first
        self._process: Any = None
        self._conn: Connection | None = None
        self._started = 0
        # One worker answers one question at a time over one pipe: a caller holds the lock from
        # its question to its answer, so two threads never read each other's replies.
        self._lock = threading.RLock()

    # -- the public surface -------------------------------------------------------------

    def evaluate(self, profile: Profile | dict[str, Any], peildatum: dt.date) -> Trace:
        """The trace of a run, equal to the native `run(plan, profile, peildatum)`."""
        if not isinstance(profile, Profile):
            profile = profile_from_dict(profile)
        trace = start_trace(self.plan, profile, peildatum)  # refuses a date outside coverage
        plan_hash, records, retire = self._ask("evaluate", profile, peildatum)
        if retire:
            self.close()
        if plan_hash != self.plan.hash:
            raise DurableBackendError(
                f"the durable worker loaded rules {plan_hash}, the caller {self.plan.hash}"
            )
        return finish_trace(trace, records)

    def advise(
        self, profile: Profile | dict[str, Any], peildatum: dt.date, lang: str = "nl"
    ) -> Advice:
        """The combined, explained advice, as `engine.advise` gives it."""
        from engine.explain.advise import build_advice
        from engine.run.members import judge_members

        if lang not in ("nl", "en"):
            raise ValueError("lang must be 'nl' or 'en'")
        if not isinstance(profile, Profile):
            profile = profile_from_dict(profile)
        # the other members of person schemes are judged on the native path (docs/design.md)
        trace = judge_members(self.plan, profile, self.evaluate(profile, peildatum))
        return build_advice(trace, lang)

    def close(self) -> None:
        """Stop the worker (a new one starts on the next call)."""
        with self._lock:
            self._close()

    def _close(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(("stop",))
            conn.close()
        if process is not None:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()

    def __enter__(self) -> DurableBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    # -- the worker -----------------------------------------------------------------------

    def _start(self) -> Connection:
        if self._conn is not None:
            return self._conn
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(
            target=_serve,
            args=(child, self.root, self.reforms),
            name="durable-rules worker",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        if self._started:
            self.restarts += 1
        self._started += 1
        self._receive("starting")
        return parent

    def _ask(self, command: str, *args: Any) -> Any:
        with self._lock:
            conn = self._start()
            try:
                conn.send((command, *args))
            except OSError:
                self._died(command)
            reply = self._receive(command)
        if reply[0] == "ok":
            return reply[1:]
        _, kind, message = reply
        if kind == "evaluation":
            raise EvaluationError(message)
        raise DurableBackendError(message)

    def _receive(self, doing: str) -> Any:
        conn = self._conn
        assert conn is not None
        try:
            if not conn.poll(self.timeout):
                process = self._process
                if process is not None:
                    process.kill()  # our own worker, by its handle
                self.close()
                raise DurableBackendError(
                    f"the durable-rules worker gave no answer within {self.timeout:g} s "
                    f"({doing}); it was stopped and restarts on the next call"
                )
            return conn.recv()
        except (EOFError, OSError):
            self._died(doing)

    def _died(self, doing: str) -> NoReturn:
        process = self._process
        code = None
        if process is not None:
            process.join(5)
            code = process.exitcode
        self.close()
        raise DurableBackendError(
            f"the durable-rules engine crashed ({_exit_text(code)}) while {_doing(doing)}; "
            "the worker restarts on the next call"
        )


def _doing(command: str) -> str:
    return {
        "evaluate": "evaluating a profile",
        "starting": "starting",
        "upstream-crash": "running the issue #381 ruleset",
        "signal": "being signalled",
    }.get(command, command)
