"""pytest plugin: `pytest scenarios/` collects every scenario as a test item.

Registered through the `pytest11` entry point. Only YAML files that live in a folder named
`scenarios` (or below one) are collected, so other YAML in a project is left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine.scenarios.suite import Scenario, load_file, run_scenario


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".yaml", ".yml") and "scenarios" in file_path.parts[:-1]:
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Any:
        for scenario in load_file(self.path):
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioFailed(Exception):
    """A scenario's outcome differs from its expectation; carries the Outcome."""


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario: Scenario, **kwargs: Any):
        super().__init__(**kwargs)
        self.scenario = scenario

    def runtest(self) -> None:
        from engine.api import default_plan

        outcome = run_scenario(default_plan(), self.scenario)
        if not outcome.passed:
            raise ScenarioFailed(outcome)

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, ScenarioFailed):
            outcome = excinfo.value.args[0]
            lines = [
                f"scenario: {self.scenario.name}",
                f"  at {self.scenario.location}",
                f"  source: {self.scenario.source}",
            ]
            if outcome.error:
                lines.append(f"  error: {outcome.error}")
            lines.extend(f"  {failure}" for failure in outcome.failures)
            return "\n".join(lines)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, (self.scenario.line or 1) - 1, f"scenario: {self.scenario.name}"
