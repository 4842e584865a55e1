"""The library surface: load a plan, advise on a profile."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from engine.bundled import bundled_root
from engine.check.checker import CheckedBook, check_book
from engine.compile.plan import Plan
from engine.errors import RulesError
from engine.explain.advise import build_advice
from engine.load.loader import load
from engine.load.reform import apply_reform
from engine.model.advice import Advice
from engine.model.profile import Profile, profile_from_dict
from engine.run.evaluate import Trace
from engine.run.members import run_household
from engine.version import ENGINE_VERSION

_plans: dict[tuple[str, str], Plan] = {}
_plans_lock = threading.Lock()


def check_rules(root: Path | str | None = None, reforms: Sequence[Path | str] = ()) -> CheckedBook:
    """Load a rule base, apply reforms in order, and check it; lists every problem found."""
    book = load(Path(root) if root is not None else bundled_root())
    for reform in reforms:
        apply_reform(book, Path(reform))
    return check_book(book)


def load_plan(root: Path | str | None = None, reforms: Sequence[Path | str] = ()) -> Plan:
    """Load, check and compile a rule base (the bundled one by default), with reforms.

    Plans are cached by the content hash of their files, so a changed file gives a new plan.
    """
    checked = check_rules(root, reforms)
    if checked.errors:
        raise RulesError(checked.problems)
    plan = Plan(checked, ENGINE_VERSION)
    key = (str(checked.book.root), plan.hash)
    with _plans_lock:
        return _plans.setdefault(key, plan)


_default_plan: Plan | None = None


def default_plan() -> Plan:
    global _default_plan
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
