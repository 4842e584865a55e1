"""The one error the durable backend adds."""

from __future__ import annotations

from engine.errors import EngineError


class DurableBackendError(EngineError):
    """The durable-rules backend could not give a result: not installed, crashed, or failed.

    Messages name facts, rule ids and exit codes, never values from the profile.
    """
