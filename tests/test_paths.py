"""Every public function that takes a path accepts a `str` as well as a `Path`."""

from __future__ import annotations

from pathlib import Path

from support import EXAMPLE, PEILDATUM, ROOT

import engine
from engine.batch import read_results, run_batch
from engine.population.generate import write_population
from engine.scenarios.suite import find_files, load_file


def test_profiles_rules_and_scenarios_by_text_path() -> None:
    assert engine.profile_from_file(str(EXAMPLE)) == engine.profile_from_file(EXAMPLE)
    assert engine.load_plan(str(ROOT)).hash == engine.load_plan(ROOT).hash
    suite = str(ROOT / "scenarios" / "afgeleid")
    assert find_files([suite]) == find_files([Path(suite)])
    first = find_files([suite])[0]
    assert [s.name for s in load_file(str(first))] == [s.name for s in load_file(first)]


def test_populations_and_results_by_text_path(tmp_path: Path) -> None:
    population, results = str(tmp_path / "pop.parquet"), str(tmp_path / "out.parquet")
    write_population(population, 20, 3, PEILDATUM)
    summary = run_batch(population, results, engine.load_plan(), PEILDATUM)
    assert summary.households == 20
    assert len({row["household_id"] for row in read_results(results)}) == 20
