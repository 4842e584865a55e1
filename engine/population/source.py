"""Where a run's households come from: a population file, or N generated on the fly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from engine.diff import Case
from engine.population.generate import household_batches
from engine.population.marginals import load_marginals
from engine.population.table import ASSUMED, count_rows, profile_of, read_batches
from engine.report.impact import Population

CHUNK = 5_000


@dataclass(frozen=True)
class PopulationSource:
    spec: str  # a file path, or a number of households to generate
    seed: int
    peildatum: dt.date

    @property
    def generated(self) -> bool:
        return self.spec.isdigit()

    @property
    def count(self) -> int | None:
        return int(self.spec) if self.generated else count_rows(Path(self.spec))

    def rows(self) -> Iterator[list[dict]]:
        if self.generated:
            for batch in household_batches(int(self.spec), self.seed, self.peildatum):
                yield batch.to_pylist()
        else:
            yield from read_batches(Path(self.spec), CHUNK)

    def cases(self) -> Iterator[Case]:
        for rows in self.rows():
            for row in rows:
                yield Case(row["household_id"], profile_of(row), self.peildatum)

    def synthetic(self) -> bool:
        if self.generated:
            return True
        path = Path(self.spec)
        if path.suffix != ".parquet":
            return False
        metadata = pq.read_schema(path).metadata or {}
        return metadata.get(b"synthetic") == b"true"

    def describe(self) -> Population:
        synthetic = self.synthetic()
        if self.generated:
            what = f"{self.count:,} huishoudens, gegenereerd met seed {self.seed}"
        else:
            what = f"De huishoudens uit {Path(self.spec).name}"
        if synthetic:
            what += ", getrokken uit de gepubliceerde verdelingen en aannames onderaan"
        marginals = load_marginals()
        return Population(
            description=f"{what}.",
            synthetic=synthetic,
            assumptions=ASSUMED,
            marginals=[(e.name, e.status, e.period, e.source) for e in marginals.entries.values()]
            if synthetic
            else [],
        )
