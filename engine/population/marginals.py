"""The marginals a synthetic population is drawn from, each with its source or marked assumed.

marginals.yaml is data a policy officer can review: per characteristic its figures, the
population and period they describe, and where they come from (`status: documented`) or why
we chose them (`status: assumption`). The impact report lists every entry and its status.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from engine.errors import EngineError
from engine.load.yaml_source import read_yaml_text

MARGINALS_FILE = Path(__file__).with_name("marginals.yaml")
STATUSES = ("documented", "partly_documented", "assumption")
SHARE_TOLERANCE = Decimal("0.002")  # published shares are rounded


class MarginalsError(EngineError):
    """marginals.yaml is incomplete or inconsistent."""


@dataclass(frozen=True)
class Entry:
    name: str
    status: str
    describes: str
    period: str
    source: str  # title and publisher, or the reason for an assumption
    data: dict[str, Any]


@dataclass(frozen=True)
class Marginals:
    label: str
    digest: str  # sha256 of the file, recorded in every population written from it
    entries: dict[str, Entry]

    def entry(self, name: str) -> Entry:
        if name not in self.entries:
            raise MarginalsError(f"marginals.yaml has no entry '{name}'")
        return self.entries[name]

    def value(self, name: str, key: str) -> Any:
        data = self.entry(name).data
        if key not in data:
            raise MarginalsError(f"marginals.yaml: entry '{name}' has no '{key}'")
        return data[key]

    def shares(self, name: str) -> dict[str, Decimal]:
        return dict(self.value(name, "shares"))

    def draw(self, name: str, rng: np.random.Generator, n: int) -> np.ndarray:
        """n categories drawn by the entry's shares (normalised: published shares are rounded)."""
        shares = self.shares(name)
        keys = np.array(list(shares), dtype=object)
        weights = np.array([float(v) for v in shares.values()])
        return keys[rng.choice(len(keys), size=n, p=weights / weights.sum())]

    def draw_bands(self, name: str, rng: np.random.Generator, n: int) -> np.ndarray:
        """Whole numbers (ages, euros): a band by its share, then a number within it, uniformly."""
        bands = list(self.value(name, "bands").values())
        weights = np.array([float(b["share"]) for b in bands])
        band = rng.choice(len(bands), size=n, p=weights / weights.sum())
        low = np.array([int(b["low"]) for b in bands])[band]
        high = np.array([int(b["high"]) for b in bands])[band]
        return (low + np.floor(rng.random(n) * (high - low + 1))).astype(float)

    def attribute(self, name: str, key: str, categories: np.ndarray) -> list[Any]:
        """Per drawn category, an attribute the entry gives it (e.g. a nationality)."""
        table = self.value(name, "categories")
        values = np.empty(len(categories), dtype=object)
        for category in np.unique(categories):  # a few categories, many households
            values[categories == category] = table[category].get(key)
        return values.tolist()


@cache
def load_marginals(path: Path = MARGINALS_FILE) -> Marginals:
    text = path.read_text(encoding="utf-8")
    document = read_yaml_text(text, path.name)
    if not isinstance(document, dict) or "marginals" not in document:
        raise MarginalsError(f"{path.name}: expected 'label' and 'marginals'")
    entries = {name: _entry(name, raw) for name, raw in document["marginals"].items()}
    return Marginals(
        label=str(document.get("label", "SYNTHETIC")),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        entries=entries,
    )


META = ("describes", "period", "status", "source", "sources", "reason", "note", "anchors")


def _entry(name: str, raw: dict[str, Any]) -> Entry:
    status = raw.get("status")
    if status not in STATUSES:
        raise MarginalsError(f"marginals.yaml: '{name}' needs status documented or assumption")
    sources = [raw["source"]] if isinstance(raw.get("source"), dict) else raw.get("sources", [])
    if status != "assumption" and not all(isinstance(s, dict) and s.get("title") for s in sources):
        raise MarginalsError(f"marginals.yaml: '{name}' needs its sources, each with a title")
    if status != "assumption" and not sources:
        raise MarginalsError(f"marginals.yaml: documented '{name}' needs a source")
    if status == "assumption" and not raw.get("reason"):
        raise MarginalsError(f"marginals.yaml: assumed '{name}' needs a reason")
    data = {k: v for k, v in raw.items() if k not in META}
    _check_shares(name, data)
    return Entry(
        name=name,
        status=status,
        describes=str(raw.get("describes", "")),
        period=str(raw.get("period", "")),
        source="; ".join(_source_text(s) for s in sources) or str(raw["reason"]),
        data=data,
    )


def _check_shares(name: str, data: dict[str, Any]) -> None:
    shares = data.get("shares")
    if shares is None and "bands" in data:
        shares = {k: band["share"] for k, band in data["bands"].items()}
    if shares is None:
        return
    total = sum((Decimal(str(v)) for v in shares.values()), Decimal(0))
    if abs(total - 1) > SHARE_TOLERANCE:
        raise MarginalsError(f"marginals.yaml: the shares of '{name}' add up to {total}, not 1")


def _source_text(source: dict[str, Any]) -> str:
    parts = [source.get("publisher"), source.get("title"), source.get("url")]
    return ", ".join(str(p) for p in parts if p)
