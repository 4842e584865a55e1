"""Shared fixtures. Helper modules (support, rulebase) live beside the tests."""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
for folder in (TESTS.parent, TESTS):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from support import load_example  # noqa: E402

_EXAMPLE_DATA = load_example()

# Hypothesis settings in one place. Runs are reproducible (derandomize, no example database);
# a test names its full example count through support.examples(), which gives a tenth of it
# under `dev`. The fast loop (`pytest -m "not slow"`) runs `dev` unless a profile is named with
# --hypothesis-profile; every other run, the README's full command included, runs `full`.
settings.register_profile(
    "full",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("dev", settings.get_profile("full"), max_examples=10)


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("hypothesis_profile", None) is None:
        fast_loop = "not slow" in (config.option.markexpr or "")
        settings.load_profile("dev" if fast_loop else "full")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # what needs a browser is slow by nature
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def example() -> dict[str, Any]:
    """A fresh deep copy of the example profile, free to change in a test."""
    return copy.deepcopy(_EXAMPLE_DATA)
