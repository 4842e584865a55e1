"""Headless Chromium for the tests that check a page as a person sees it: the DOM, a screenshot."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str:
    """The browser; without one the test is skipped and says why, unless CI demands it
    (`.ci/run` installs Chromium and sets ENGINE_REQUIRE_BROWSER=1)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    reason = "Chromium is needed for this test: apt-get install chromium (.ci/run does)"
    if os.environ.get("ENGINE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def render_in_browser(
    html: str, tmp_path: Path, name: str = "advies", screenshot: bool = True
) -> tuple[str, bytes]:
    """The DOM after Chromium rendered the page, and a screenshot of it (b"" if not asked)."""
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    profile = ["--user-data-dir=" + str(tmp_path / "profile")]
    dom = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, *profile, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    if not screenshot:
        return dom, b""
    shot = tmp_path / f"{name}.png"
    subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            *profile,
            "--window-size=1000,1400",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return dom, shot.read_bytes()
