"""The engine over HTTP (`python -m engine serve`): engine/service/app.py makes the app,
body.py reads requests, intake.py holds the intake's routes."""

from engine.service.app import app_from_environment, create_app
from engine.service.body import MAX_BODY_BYTES

__all__ = ["MAX_BODY_BYTES", "app_from_environment", "create_app"]
