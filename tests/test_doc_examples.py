"""Every code example in README.md and docs/*.md runs as written.

Python blocks are executed in order, one namespace per file (a later block may use what an
earlier one made, as a reader would). Shell blocks: each `python -m engine ...` command is run,
in order per file, in a scratch folder that sees the repository's examples, rules and scenarios;
in a block with `$ ` prompts only the prompted lines are commands, the rest is sample output.
A synopsis line (PLACEHOLDERS, [options]) is no command. What cannot run here is named below
with the reason, so a new example is run unless someone decides it cannot be.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import ROOT

from engine.population.generate import write_population

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHARED = ("examples", "rules", "schemes", "scenarios")  # what the examples name, by path
POPULATION = "populatie.parquet"  # the population file the batch examples take as given
NOT_RUN = {  # a fragment of the command -> why it cannot run in a test
    "--mutate": "a mutation run of every suite takes minutes; tests/test_scenario_tools.py runs it on one",
    "--scheduler tcp://": "needs a running Dask scheduler on another host",
    "-m pytest": "pytest runs the scenario suites as part of this test suite already",
    "engine serve": "serves until stopped; tests/test_service.py runs it and the curl examples",
}
RUN_ELSEWHERE = {  # a whole command -> the test that runs it and checks what it prints
    "python -m engine batch populatie.parquet --out uitkomsten.parquet": (
        "tests/test_population_outcomes.py runs it on the population of the command before and "
        "compares its summary with the one docs/policy-tools.md shows"
    ),
}
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)


@dataclass
class Block:
    doc: Path
    lang: str
    code: str
    line: int


def blocks(doc: Path) -> list[Block]:
    text = doc.read_text(encoding="utf-8")
    return [
        Block(doc, m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
    ]


def commands(block: Block) -> list[str]:
    """The engine commands of a shell block, continuation lines joined."""
    lines = block.code.replace("\\\n", " ").splitlines()
    if any(line.startswith("$ ") for line in lines):
        lines = [line[2:] for line in lines if line.startswith("$ ")]
    found = []
    for line in lines:
        line = line.split(" && ")[-1].split("  #")[0].strip()  # the setup before && is pip's
        line = re.sub(r"^\.venv/bin/python ", "python ", line)
        if line.startswith("python -m ") and not is_synopsis(line):
            found.append(line)
    return found


def is_synopsis(command: str) -> bool:
    return (
        "[" in command or re.search(r"\b[A-Z]{3,}\b", command.replace("-m engine", "")) is not None
    )


def scratch(tmp_path: Path) -> Path:
    """A folder as a reader's: the repository's examples, rules and scenarios, and a population."""
    for name in SHARED:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    write_population(tmp_path / POPULATION, 200, 7, dt.date(2026, 1, 15))
    return tmp_path


SLOW_PYTHON = {"backends-durable.md", "distributed.md"}  # the durable-rules worker, a Dask cluster


def with_python(doc_list: list[Path]) -> list[object]:
    return [
        pytest.param(doc, id=doc.name, marks=[pytest.mark.slow] if doc.name in SLOW_PYTHON else [])
        for doc in doc_list
        if any(b.lang == "python" for b in blocks(doc))
    ]


def with_commands(doc_list: list[Path]) -> list[Path]:
    return [d for d in doc_list if any(commands(b) for b in blocks(d) if b.lang in ("sh", "bash"))]


@pytest.mark.parametrize("doc", with_python(DOCS))
def test_python_examples_run_as_written(
    doc: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if doc.name == "distributed.md":
        pytest.importorskip("dask.distributed", reason="the Dask example needs the dask extra")
    if doc.name == "backends-durable.md":
        pytest.importorskip("durable", reason="durable-rules is not installed (Python 3.13+)")
    monkeypatch.chdir(scratch(tmp_path))
    namespace: dict[str, object] = {"__name__": "__doc_example__"}
    for block in blocks(doc):
        if block.lang != "python":
            continue
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(block.code, f"{doc.name}:{block.line}", "exec"), namespace)
        check_printed_comments(block, printed.getvalue())


def check_printed_comments(block: Block, printed: str) -> None:
    """`print(a, b)  # eligible 751.07`: a two-word comment after a print is the output it
    promises; the example must print that line."""
    promised = re.findall(r"^print\([^\n]*\)\s+#\s*(\S.*)$", block.code, re.M)
    lines = printed.splitlines()
    for promise in promised:
        words = promise.split()
        if words and re.fullmatch(r"[a-z_]+", words[0]) and len(words) == 2:
            assert promise in lines, f"{block.doc.name}:{block.line} promises '{promise}'"


@pytest.mark.slow
@pytest.mark.parametrize("doc", with_commands(DOCS), ids=lambda d: d.name)
def test_shell_examples_run_as_written(doc: Path, tmp_path: Path) -> None:
    folder = scratch(tmp_path)
    ran = not_run = 0
    for block in blocks(doc):
        if block.lang not in ("sh", "bash"):
            continue
        for command in commands(block):
            reason = RUN_ELSEWHERE.get(command)
            reason = reason or next((why for part, why in NOT_RUN.items() if part in command), None)
            if reason is None and "--dask" in command:
                pytest.importorskip("dask.distributed", reason="needs the dask extra")
            if reason is not None:
                not_run += 1
                continue
            result = run(shlex.split(command), cwd=folder)
            assert result.returncode == 0, (
                f"{doc.name}:{block.line}: `{command}` exited {result.returncode}:\n"
                f"{result.stderr[-2000:]}"
            )
            ran += 1
    assert ran > 0 or not_run > 0  # a doc whose only commands say why they are not run


def test_every_shell_example_is_run_or_says_why() -> None:
    """The examples left out above are exactly those NOT_RUN and RUN_ELSEWHERE name; each reason
    is still used."""
    every = [c for d in DOCS for b in blocks(d) if b.lang in ("sh", "bash") for c in commands(b)]
    assert len(every) >= 15
    for part in NOT_RUN:
        assert any(part in command for command in every), f"NOT_RUN '{part}' is no longer used"
    for command in RUN_ELSEWHERE:
        assert command in every, f"RUN_ELSEWHERE '{command}' is no longer in the docs"


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    if argv[0] == "python":
        argv = [sys.executable, *argv[1:]]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
