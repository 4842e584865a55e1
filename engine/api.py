"""The library surface: load a plan, advise on a profile."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.bundled import bundled_root
from engine.check.checker import CheckedBook, check_book
from engine.compile.plan import Plan, content_hash
from engine.errors import RulesError
from engine.explain.advise import build_advice
from engine.load.loader import RuleBook, file_texts, load
from engine.load.reform import apply_reform
from engine.model.advice import Advice
from engine.model.profile import Profile, profile_from_dict
from engine.run.evaluate import Trace
from engine.run.members import run_household
from engine.version import ENGINE_VERSION

# Plans by rule base (folder, reforms in order) and the content hash of its files.
_plans: dict[tuple[str, tuple[str, ...], str], Plan] = {}
_plans_lock = threading.Lock()


def check_rules(root: Path | str | None = None, reforms: Sequence[Path | str] = ()) -> CheckedBook:
    """Load a rule base, apply reforms in order, and check it; lists every problem found."""
    return check_book(_read_book(root, reforms))


def load_plan(root: Path | str | None = None, reforms: Sequence[Path | str] = ()) -> Plan:
    """Load, check and compile a rule base (the bundled one by default), with reforms.

    The files are read each time, so a changed file gives a new plan. Files read before, with
    the same bytes, give the plan compiled then: parsing, checking and compiling the same
    bytes again could only give the same plan.
    """
    folder = Path(root) if root is not None else bundled_root()
    # Every file's bytes, unparsed, name the plan compiled from them before.
    texts = file_texts(folder, [Path(r) for r in reforms])
    key = None if texts is None else (str(folder), tuple(map(str, reforms)), content_hash(texts))
    if key is not None:
        with _plans_lock:
            plan = _plans.get(key)
        if plan is not None:
            return plan
    book = _read_book(folder, reforms, dict(texts or []))
    checked = check_book(book)
    if checked.errors:
        raise RulesError(checked.problems)
    plan = Plan(checked, ENGINE_VERSION)
    if key is None or plan.hash != key[2]:
        return plan  # what was parsed is not every file read above: a file changed or failed
    with _plans_lock:
        return _plans.setdefault(key, plan)


def _read_book(
    root: Path | str | None,
    reforms: Sequence[Path | str],
    read_before: dict[str, bytes] | None = None,
) -> RuleBook:
    book = load(Path(root) if root is not None else bundled_root(), read_before)
    for reform in reforms:
        apply_reform(book, Path(reform))
    return book


_default_plan: Plan | None = None
_default_lock = threading.Lock()


def default_plan() -> Plan:
    """The bundled plan, loaded once however many threads ask for it at once."""
    global _default_plan
    if _default_plan is None:
        with _default_lock:
            if _default_plan is None:
                _default_plan = load_plan()
    return _default_plan


def evaluate(
    profile: Profile | dict[str, Any], peildatum: dt.date, plan: Plan | None = None
) -> Trace:
    """Run the rules on a profile and return the trace (every fact and what decided it)."""
    if not isinstance(profile, Profile):
        profile = profile_from_dict(profile)
    return run_household(plan or default_plan(), profile, peildatum)


def advise(
    profile: Profile | dict[str, Any],
    peildatum: dt.date,
    plan: Plan | None = None,
    lang: str = "nl",
) -> Advice:
    """The combined, explained advice for one household on one peildatum."""
    if lang not in ("nl", "en"):
        raise ValueError("lang must be 'nl' or 'en'")
    return build_advice(evaluate(profile, peildatum, plan), lang)
