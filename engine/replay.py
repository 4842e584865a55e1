"""Replay an advice: reproduce it byte for byte, or say exactly what changed since.

An advice's receipt names the plan, the peildatum, a hash of the input, every rule applied
(with a hash of its content) and every parameter value those rules read. Given the same
profile, `replay` runs the current rules again and compares.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from engine.api import advise, default_plan
from engine.compile.plan import Plan
from engine.errors import EngineError
from engine.model.profile import Profile
from engine.run.evaluate import input_hash


class ReplayError(EngineError):
    """The advice or the profile cannot be replayed."""


@dataclass
class Replay:
    identical: bool
    plan_changed: bool
    changed_rules: list[str] = field(default_factory=list)  # changed, gone, or newly applied
    changed_parameters: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    changed_outcomes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    advice_json: str = ""


def _advice_of(original_json: str) -> dict[str, Any] | None:
    """The advice with a receipt (peildatum and language), or None if it is not one."""
    try:
        original = json.loads(original_json)
        receipt = original["receipt"]
        receipt["peildatum"], receipt["language"]
    except (ValueError, KeyError, TypeError):
        return None
    return original if isinstance(receipt, dict) else None


def replay(original_json: str, profile: Profile, plan: Plan | None = None) -> Replay:
    original = _advice_of(original_json)
    if original is None:  # raised outside `except`: a JSON error holds the whole advice text
        raise ReplayError("this is not an advice in JSON with a receipt")
    receipt = original["receipt"]
    peildatum, language = receipt["peildatum"], receipt["language"]
    if input_hash(profile) != receipt.get("input_hash"):
        raise ReplayError("the profile is not the one this advice was given for (its hash differs)")
    again = advise(profile, dt.date.fromisoformat(peildatum), plan or default_plan(), language)
    text = again.to_json()
    if text == original_json:
        return Replay(identical=True, plan_changed=False, advice_json=text)
    now = json.loads(text)
    return Replay(
        identical=False,
        plan_changed=receipt.get("plan_hash") != now["receipt"]["plan_hash"],
        changed_rules=_changed_rules(receipt.get("rules", {}), now["receipt"]["rules"]),
        changed_parameters=_changed(receipt.get("parameters", {}), now["receipt"]["parameters"]),
        changed_outcomes=_changed_outcomes(original, now),
        advice_json=text,
    )


def _changed_rules(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(r for r in set(before) | set(after) if before.get(r) != after.get(r))


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {
        name: (before.get(name), after.get(name))
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _changed_outcomes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    old = {s["scheme"]: (s["status"], s["amount"]) for s in before.get("schemes", [])}
    new = {s["scheme"]: (s["status"], s["amount"]) for s in after.get("schemes", [])}
    return _changed(old, new)
