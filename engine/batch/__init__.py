"""Batch runs over a population file (`python -m engine batch`).

The pipeline of a run: the population read chunk by chunk (engine/population/table.py), each
chunk evaluated, natively (`native.py`) or column-wise (engine/backends/vector/batch.py), the
result rows written as they come (`run.py`), what the run counted (`results.py`), and an
interrupted run's results kept to go on from (`checkpoint.py`).
"""

from engine.batch.checkpoint import BatchInterrupted, ResumeError
from engine.batch.results import BatchSummary, read_results
from engine.batch.run import run_batch

__all__ = ["BatchInterrupted", "BatchSummary", "ResumeError", "read_results", "run_batch"]
