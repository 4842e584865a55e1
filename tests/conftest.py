"""Shared fixtures: the repository root, the example profile and the peildatum of the brief."""

from __future__ import annotations

import copy
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
for folder in (ROOT, TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

EXAMPLE = ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"
PEILDATUM = dt.date(2026, 1, 15)


def load_example() -> dict[str, Any]:
    """The example profile as a plain dict (YAML dates as dates, amounts as floats)."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))


_EXAMPLE_DATA = load_example()


@pytest.fixture
def example() -> dict[str, Any]:
    """A fresh deep copy of the example profile, free to change in a test."""
    return copy.deepcopy(_EXAMPLE_DATA)
