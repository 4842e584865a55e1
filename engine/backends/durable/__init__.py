"""The durable backend: the plan compiled into durable-rules (Rete) rulesets, run in a worker.

    from engine.backends.durable import DurableBackend

    with DurableBackend() as durable:
        trace = durable.evaluate(profile, peildatum)   # equal to the native run's trace

See docs/backends-durable.md for the mapping and for the faults of durable-rules it neutralises.
"""

from __future__ import annotations

from engine.backends.durable.errors import DurableBackendError
from engine.backends.durable.worker import DurableBackend

__all__ = ["DurableBackend", "DurableBackendError", "unavailable_reason"]


def unavailable_reason() -> str | None:
    """None when durable-rules imports in this interpreter; else why not (one sentence)."""
    from engine.backends.durable.rulesets import import_durable

    try:
        import_durable()
    except DurableBackendError as exc:
        return str(exc)
    return None
