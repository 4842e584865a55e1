"""Issue 27: the intake in a real terminal (a pseudo-terminal), scripted: a couple with two
incomes and a debt under threat of eviction, in Dutch and in English, without typing YAML."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import ROOT

pytestmark = [
    pytest.mark.slow,  # a whole conversation, answer by answer, in a terminal
    pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal"),
]

PROMPT_ENDS = (")", "]")
# A process waits for a line when nothing more comes for this long after a prompt: the engine
# prints a question and what goes with it at once, after it has worked out the next question.
IDLE = 0.05


class Terminal:
    """A process on a pseudo-terminal: read until it waits for a line, then type one."""

    def __init__(self, *args: str):
        self.master, slave = pty.openpty()
        env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "engine", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=env,
            close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def prompt(self, timeout: float = 60) -> str | None:
        """The next prompt: the last line once the process waits (no output for a moment)
        and that line reads as a question; None when the process has ended."""
        buffer = ""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], IDLE)
            if ready:
                try:
                    chunk = os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:  # the other side closed: the process ended
                    chunk = ""
                if not chunk:
                    self.seen += buffer
                    return None
                buffer += chunk.replace("\r\n", "\n")
                continue
            lines = [line for line in buffer.split("\n") if line.strip()]
            last = lines[-1].strip() if lines else ""
            if last.endswith(PROMPT_ENDS) and not last.startswith("("):
                self.seen += buffer
                return buffer
            if self.process.poll() is not None:
                self.seen += buffer
                return None
        raise AssertionError(f"no prompt within {timeout} s; last output: {buffer[-500:]}")

    def type(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode("utf-8"))

    def finish(self) -> int:
        while self.prompt(timeout=120) is not None:
            self.type("")
        return self.process.wait(timeout=60)


YES_TO = (  # what holds for the scripted household, besides its incomes and its debt
    "uit uw huis gezet",
    "evicted from your home",
    "schulden niet meer betalen",
    "no longer pay your bills",
    "woont u in nederland",
    "do you live in the netherlands",
    "basisregistratie personen",
    "personal records database",
    "basic registration of persons",
    "(brp)",
)


def answer(prompt: str, state: dict, lang: str) -> str:
    """What the klantmanager types for the scripted household (`prompt`: the output since the
    last answer, the question last)."""
    lines = [line.strip() for line in prompt.split("\n") if line.strip()]
    for line in lines[:-1]:  # a list's question comes on its own line before "is there any"
        lower = line.lower()
        if lower.startswith(("? welke inkomsten heeft uw partner", "? what income does your")):
            state["list"] = "partner"
        elif lower.startswith(("? welke inkomsten heeft u", "? what income do you have")):
            state["list"] = "applicant"
        elif lower.startswith("? "):
            state["list"] = "other"
    prompt = lines[-1]
    p = prompt.lower()
    nl = lang == "nl"
    if p.startswith(("woont er nog iemand", "does anyone else")):
        state["members"] = state.get("members", 0) + 1
        return (
            ("partner" if state["members"] == 1 else "nee")
            if nl
            else ("partner" if state["members"] == 1 else "no")
        )
    if "geboortedatum van uw partner" in p or "partner's date of birth" in p:
        return "01-02-1990"
    if p.startswith(("? in welke gemeente", "? in which municipality")):
        return "Utrecht"
    if p.startswith(("is er zoiets", "is there any")):
        yes = state.get("list") in ("applicant", "partner")
        return ("ja" if yes else "nee") if nl else ("yes" if yes else "no")
    if p.startswith(("nog een", "another one")):
        return "nee" if nl else "no"
    if "wat voor inkomen" in p or "what kind of income" in p:
        return "wages" if state.get("list") == "applicant" else "benefit"
    if "netto per maand" in p or "net per month" in p:
        return "1200" if state.get("list") == "applicant" else "800"
    yes_no = "(ja/nee)" in p or "(yes/no)" in p
    if yes_no:
        holds = any(words in p for words in YES_TO)
        if nl:
            return "ja" if holds else "nee"
        return "yes" if holds else "no"
    if "(datum)" in p or "(date)" in p:
        return "01-01-1990"
    if "(bedrag)" in p or "(amount)" in p:
        return "4000" if "schuld" in p or "debt" in p else "0"
    if "(getal)" in p or "(number)" in p:
        return "0"
    if p.endswith("]"):
        choices = prompt.rsplit("[", 1)[1].rstrip("]").split(", ")
        return "NL" if "NL" in choices else choices[-1] if "none" in choices[-1] else choices[0]
    return "NL"  # a free text: nationality


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_couple_with_two_incomes_and_a_debt_at_the_prompt(tmp_path: Path, lang: str) -> None:
    saved = tmp_path / "huishouden.json"
    terminal = Terminal("intake", "--on", "2026-01-15", "--lang", lang, "--save", str(saved))
    state: dict = {}
    for _ in range(400):
        prompt = terminal.prompt()
        if prompt is None:
            break
        terminal.type(answer(prompt, state, lang))
    else:
        raise AssertionError("the intake did not end within 400 answers")
    assert terminal.process.wait(timeout=60) == 0, terminal.seen[-2000:]
    profile = json.loads(saved.read_text(encoding="utf-8"))
    applicant, partner = profile["members"]
    assert partner["role"] == "partner" and partner["birth_date"] == "1990-02-01"
    assert applicant["incomes"] == [{"kind": "wages", "net_monthly": "1200"}]
    assert partner["incomes"] == [{"kind": "benefit", "net_monthly": "800"}]
    assert profile["debts"]["eviction_threat"] is True
    done = "Geen vragen meer." if lang == "nl" else "No more questions."
    assert done in terminal.seen
    photo = "Uw huishouden:" if lang == "nl" else "Your household:"
    assert photo in terminal.seen
    assert "YAML" not in terminal.seen and "Traceback" not in terminal.seen


def test_stopping_keeps_what_was_entered_and_it_resumes(tmp_path: Path) -> None:
    saved = tmp_path / "huishouden.json"
    terminal = Terminal("intake", "--on", "2026-01-15", "--save", str(saved))
    assert "In welke gemeente woont u?" in terminal.prompt()  # the opening: where, then who
    terminal.type("Utrecht")
    assert "Woont er nog iemand" in terminal.prompt()
    terminal.type("kind")
    assert "geboortedatum van uw kind" in terminal.prompt()
    terminal.type("03-04-2015")
    assert "Woont er nog iemand" in terminal.prompt()
    terminal.type("")  # stop
    assert terminal.finish() == 0
    assert "Gestopt. Wat u invulde is bewaard in" in terminal.seen
    kept = json.loads(saved.read_text(encoding="utf-8"))
    assert [m["role"] for m in kept["members"]] == ["applicant", "child"]
    assert kept["municipality"] == "Utrecht"
    again = Terminal("intake", str(saved), "--on", "2026-01-15", "--save", str(saved))
    first = again.prompt()
    assert first is not None and "Woont er nog iemand" not in first  # resumed
    assert "In welke gemeente" not in first
    again.type("")
    assert again.finish() == 0
