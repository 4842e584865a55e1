"""Shared fixtures. Helper modules (support, rulebase) live beside the tests."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parent
for folder in (TESTS.parent, TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from support import load_example  # noqa: E402

_EXAMPLE_DATA = load_example()


@pytest.fixture
def example() -> dict[str, Any]:
    """A fresh deep copy of the example profile, free to change in a test."""
    return copy.deepcopy(_EXAMPLE_DATA)
