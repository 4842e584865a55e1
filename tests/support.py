"""Paths and data shared by the tests: the repository root, the example profile, the peildatum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"
PEILDATUM = dt.date(2026, 1, 15)


def examples(full: int) -> int:
    """A property test's example count under the loaded hypothesis profile (tests/conftest.py):
    `full` by default, a tenth in the `dev` profile of the fast loop."""
    return max(2, full * settings().max_examples // 100)


def sized(full: int) -> int:
    """A test's population size: `full` by default, a fifth in the fast loop (the `dev`
    hypothesis profile), so that the loop still runs it on a smaller population."""
    return max(20, full * settings().max_examples // 500)


def plain(node: Any) -> Any:
    """A fresh copy in plain dicts and lists: no loader dicts, and no dict shared between two
    places (generated profiles share their ASSUMED_PERSON groups, which deepcopy keeps)."""
    if isinstance(node, dict):
        return {key: plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [plain(value) for value in node]
    return node


def load_example() -> dict[str, Any]:
    """The example profile as a plain dict (YAML dates as dates, amounts as floats)."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
