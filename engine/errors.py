"""Errors the engine raises. Each carries one readable message; none carries personal data."""

from __future__ import annotations

import re
from dataclasses import dataclass


class EngineError(Exception):
    """Base class: every error the engine raises on purpose."""


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe for a terminal: control and direction characters written as escapes, so that
    a file name or a tampered value cannot move the cursor, colour the screen or fake a line."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@dataclass(frozen=True)
class Location:
    """Where something stands in a rules file."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        file = printable(self.file)
        return f"{file}:{self.line}" if self.line else file


@dataclass(frozen=True)
class Problem:
    """One finding of the loader or the checker."""

    location: Location
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {printable(self.message)}"


class RulesError(EngineError):
    """The rules or schemes could not be loaded; lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        lines = "\n".join(str(p) for p in errors)
        super().__init__(f"{len(errors)} error(s) in the rules:\n{lines}")


class ProfileError(EngineError):
    """A profile failed validation. Messages name field paths, never field values."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        # One line, so that the command line answers with one line whatever the problems.
        found = "; ".join(f"{path}: {' '.join(message.split())}" for path, message in errors)
        super().__init__(f"the profile is not valid ({len(errors)} problem(s)): {found}")


class EvaluationError(EngineError):
    """The plan could not be evaluated for this peildatum (for example outside its coverage)."""


class ScenarioError(EngineError):
    """A scenario file is malformed."""
