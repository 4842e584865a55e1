"""A fast start: advising on one profile imports none of the heavy libraries that only batch
runs, reports and clusters need (benchmarks/bench_start.py measures the time itself)."""

from __future__ import annotations

import subprocess
import sys

from support import EXAMPLE, ROOT

HEAVY = ("dask", "distributed", "pyarrow", "numpy", "jinja2", "rich", "durable")

PROBE = f"""
import contextlib, sys
from engine.cli import main
with contextlib.suppress(SystemExit):  # main exits with the command's status
    main(["advise", {str(EXAMPLE)!r}, "--on", "2026-01-15", "--format", "json"])
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
print("HEAVY", heavy, file=sys.stderr)
"""


def test_advise_imports_no_heavy_library() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert '"receipt"' in result.stdout  # the advice was really made
    assert "HEAVY []" in result.stderr, result.stderr[-500:]
