"""The intake: one question at a time towards a household's advice (`session.py`), and that
session held at a prompt as a klantmanager holds it (`conversation.py`, `python -m engine
intake`). The HTTP service serves the same session (engine/service/intake.py)."""

from engine.intake.session import AnswerError, IntakeSession

__all__ = ["AnswerError", "IntakeSession"]
