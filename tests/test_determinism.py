"""The same profile, rules and peildatum give byte-identical output across processes.

Each process gets its own PYTHONHASHSEED (0, 1, 2, 12345 and random), so any output that
depends on the order of a set or a dict built from hashed strings would differ between them.
tests/test_cli.py compares the JSON and English text of the example for a few seeds; this file
covers every output format and language, generated profiles with unknown facts in several
municipalities, and the results file of a batch run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from support import EXAMPLE, ROOT

from engine.population.generate import generate

pytestmark = pytest.mark.slow  # a fresh interpreter per hash seed

SEEDS = ("0", "1", "2", "12345", "random")
ON = "2026-01-15"
VARIANTS = {
    "json-nl": ("--format", "json"),
    "json-en": ("--format", "json", "--lang", "en"),
    "text-nl": ("--format", "text"),
    "text-en": ("--format", "text", "--lang", "en"),
    "markdown-nl": ("--format", "markdown"),
    "markdown-en": ("--format", "markdown", "--lang", "en"),
}

# What `advise` does (read the profile, advise, render), for many (profile, format, language)
# triples in one process per hash seed, with the plan loaded once; OUT/<name> gets the text.
DRIVER = """
import datetime, json, pathlib, sys
import engine
from engine.explain.render import render
plan = engine.load_plan()
jobs = json.loads(sys.argv[1])
for name, (path, form, lang) in jobs.items():
    profile = engine.profile_from_file(pathlib.Path(path))
    advice = engine.advise(profile, datetime.date.fromisoformat(sys.argv[3]), plan, lang)
    with open(sys.argv[2] + "/" + name, "w", encoding="utf-8", newline="") as handle:
        handle.write(render(advice, form))
"""


def run(args: list[str], hashseed: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ENGINE_DEBUG", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONHASHSEED"] = hashseed
    result = subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, timeout=300, env=env
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return result


def profiles_with_unknowns(folder: Path) -> list[Path]:
    """Generated households, some facts left out, in several municipalities, as JSON files."""
    rng = random.Random(7)
    households = generate(6, seed=11)
    paths = []
    for index, (household, municipality) in enumerate(
        zip(
            households,
            ["Kerkrade", "Westland", "Utrecht", None, "Voorbeeldgemeente", "Alkmaar"],
            strict=True,
        )
    ):
        profile: dict[str, Any] = copy.deepcopy(household)
        members = profile["members"]
        for member in members:
            keys = sorted(k for k in member if k not in ("id", "role"))
            for key in rng.sample(keys, min(2, len(keys))):
                del member[key]
        if index % 2:
            profile.pop("assets", None)
        if municipality is None:
            profile.pop("municipality", None)
        else:
            profile["municipality"] = municipality
        path = folder / f"profile{index}.json"
        path.write_text(json.dumps(profile, default=str, indent=1), encoding="utf-8")
        paths.append(path)
    return paths


def test_every_format_and_language_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    profiles = [EXAMPLE, *profiles_with_unknowns(tmp_path)]
    jobs = {
        f"{path.stem}.{form}-{lang}": [str(path), form, lang]
        for path in profiles
        for form in ("json", "text", "markdown", "html")
        for lang in ("nl", "en")
    }
    digests: dict[str, set[str]] = {name: set() for name in jobs}
    for seed in SEEDS:
        out = tmp_path / f"seed-{seed}"
        out.mkdir()
        run(["-c", DRIVER, json.dumps(jobs), str(out), ON], seed)
        for name in jobs:
            digests[name].add(hashlib.sha256((out / name).read_bytes()).hexdigest())
    differing = sorted(name for name, found in digests.items() if len(found) != 1)
    assert differing == []
    # the outputs are real advice: unknowns give open outcomes, and the JSON says which facts
    first = tmp_path / "seed-0"
    advice = [json.loads((first / f"{p.stem}.json-nl").read_text()) for p in profiles[1:]]
    assert all(a["receipt"]["peildatum"] == ON for a in advice)
    assert any(s["status"] == "undetermined" for a in advice for s in a["schemes"])
    assert any(s["missing_facts"] for a in advice for s in a["schemes"])
    assert len({(first / f"{p.stem}.json-nl").read_text() for p in profiles}) == len(profiles)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_the_command_line_itself_is_byte_identical_across_hash_seeds(variant: str) -> None:
    """`python -m engine advise` as a user runs it, for the example profile."""
    args = ["-m", "engine", "advise", str(EXAMPLE.relative_to(ROOT)), "--on", ON]
    outputs = {run([*args, *VARIANTS[variant]], seed).stdout for seed in ("0", "12345", "random")}
    assert len(outputs) == 1
    assert len(outputs.pop()) > 1000


def test_batch_results_are_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    population = tmp_path / "population.csv"
    run(["-m", "engine", "population", str(population), "--households", "300", "--seed", "5"], "0")
    results = {}
    for seed in SEEDS:
        out = tmp_path / f"results-{seed}.csv"
        run(["-m", "engine", "batch", str(population), "--out", str(out), "--on", ON], seed)
        results[seed] = out.read_bytes()
    assert len(set(results.values())) == 1
    lines = results["0"].decode("utf-8").splitlines()
    assert len(lines) > 300  # a header and a row per household (and scheme)
    assert "eligible" in results["0"].decode("utf-8")


def test_generated_population_file_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    files = set()
    for seed in ("1", "random"):
        out = tmp_path / f"population-{seed}.csv"
        args = ["-m", "engine", "population", str(out), "--households", "200", "--seed", "9"]
        run([*args, "--on", "2025-06-30"], seed)
        files.add(out.read_bytes())
    assert len(files) == 1


def test_the_impact_report_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    """A municipality's adoption report lists the rules that decide differently; rules that
    change for as many households (a scheme's right and its amount) keep one order."""
    reports = set()
    for seed in ("0", "1", "12345"):
        report = tmp_path / f"alphen-{seed}.html"
        args = ["-m", "engine", "municipalities", "--population", "60", "--on", ON]
        run([*args, "--adopt", "Alphen aan den Rijn", "--report", str(report)], seed)
        reports.add(report.read_bytes())
    assert len(reports) == 1
    text = reports.pop().decode("utf-8")
    assert "Regels die anders beslissen" in text and "iit.36.1.recht" in text
