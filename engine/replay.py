"""Replay an advice: reproduce it byte for byte, or say exactly what changed since.

An advice's receipt names the plan, the peildatum, a hash of the input, every rule applied
(with a hash of its content) and every parameter value those rules read. Given the same
profile, `replay` runs the current rules again and compares.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from engine.api import advise, default_plan
from engine.compile.plan import Plan
from engine.errors import EngineError
from engine.model.advice import Receipt
from engine.model.profile import Profile
from engine.run.evaluate import profile_fingerprint


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


_RECEIPT = TypeAdapter(Receipt)


def _advice_of(original_json: str) -> tuple[dict[str, Any], Receipt] | None:
    """The advice and its receipt, or None if it is not an advice with a valid receipt (a
    tampered or damaged file: a language that does not exist, values of the wrong type, JSON
    nested beyond reason) or its outcomes are not a list of schemes."""
    try:
        original = json.loads(original_json)
    except (ValueError, RecursionError):
        return None
    if not isinstance(original, dict) or not isinstance(original.get("receipt"), dict):
        return None
    try:
        receipt = _RECEIPT.validate_python(original["receipt"])
    except (ValidationError, RecursionError):
        return None
    schemes = original.get("schemes", [])
    if not isinstance(schemes, list) or not all(
        isinstance(s, dict) and isinstance(s.get("scheme"), str) for s in schemes
    ):
        return None
    return original, receipt


def replay(original_json: str, profile: Profile, plan: Plan | None = None) -> Replay:
    found = _advice_of(original_json)
    if found is None:  # raised outside `except`: a JSON error holds the whole advice text
        raise ReplayError("this is not an advice in JSON with a valid receipt")
    original, receipt = found
    if profile_fingerprint(profile) != receipt.input_hash:
        raise ReplayError("the profile is not the one this advice was given for (its hash differs)")
    again = advise(profile, receipt.peildatum, plan or default_plan(), receipt.language)
    text = again.to_json()
    if text == original_json:
        return Replay(identical=True, plan_changed=False, advice_json=text)
    now = json.loads(text)
    return Replay(
        identical=False,
        plan_changed=receipt.plan_hash != now["receipt"]["plan_hash"],
        changed_rules=_changed_rules(receipt.rules, now["receipt"]["rules"]),
        changed_parameters=_changed(
            original["receipt"]["parameters"], now["receipt"]["parameters"]
        ),
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
    old = {s["scheme"]: (s.get("status"), s.get("amount")) for s in before.get("schemes", [])}
    new = {s["scheme"]: (s["status"], s["amount"]) for s in after.get("schemes", [])}
    return _changed(old, new)
