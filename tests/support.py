"""Paths and data shared by the tests: the repository root, the example profile, the peildatum."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"
PEILDATUM = dt.date(2026, 1, 15)


def load_example() -> dict[str, Any]:
    """The example profile as a plain dict (YAML dates as dates, amounts as floats)."""
    return yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
