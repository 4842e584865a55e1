"""Scenario results as JUnit XML, for CI systems that show test reports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from engine.files import atomic_path
from engine.scenarios.suite import Outcome


def write_junit(outcomes: list[Outcome], path: Path) -> None:
    failures = sum(1 for o in outcomes if o.failures)
    errors = sum(1 for o in outcomes if o.error)
    suite = ET.Element(
        "testsuite",
        name="scenarios",
        tests=str(len(outcomes)),
        failures=str(failures),
        errors=str(errors),
    )
    for outcome in outcomes:
        scenario = outcome.scenario
        case = ET.SubElement(suite, "testcase", classname=str(scenario.file), name=scenario.name)
        if outcome.error:
            ET.SubElement(case, "error", message=outcome.error)
        elif outcome.failures:
            failure = ET.SubElement(case, "failure", message=outcome.failures[0])
            failure.text = "\n".join([f"source: {scenario.source}", *outcome.failures])
    with atomic_path(path) as partial:
        ET.ElementTree(suite).write(partial, encoding="utf-8", xml_declaration=True)
