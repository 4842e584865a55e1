"""Where the bundled rule base lives: inside the installed package, or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_root() -> Path:
    """The folder holding the bundled `rules/` and `schemes/`.

    An installed wheel carries them in `engine/_bundled/`; a source checkout (or an editable
    install) has them beside the package.
    """
    installed = _PACKAGE / "_bundled"
    if (installed / "rules").is_dir():
        return installed
    return _PACKAGE.parent
