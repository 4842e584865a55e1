"""From a profile to the durable-rules input facts, and from its derived facts to a Trace.

The Trace is built exactly as the native `run` builds it (same facts in the same order, same
`decided_by` and `conflicts`), so `outcomes()` and `build_advice()` cannot tell the backends
apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from engine.backends.durable.codec import decode
from engine.run.evaluate import Trace, start_trace
from engine.run.settle import settle


def finish_trace(trace: Trace, records: Iterable[dict[str, Any]]) -> Trace:
    """Add the derived facts (durable-rules records, in step order) to the trace."""
    for record in records:
        name = record["n"]
        trace.facts[name] = decode(record["v"])
        trace.decided_by[name] = record["by"]
        if "cf" in record:
            trace.conflicts[name] = tuple(record["cf"])
    settle(trace)  # the second pass, as the native run makes it
    return trace


__all__ = ["finish_trace", "start_trace"]
