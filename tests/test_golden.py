"""Golden files: the texts of every scheme, as a reader sees them, in Dutch and English.

A change to a rule's text, a figure or the rendering shows up here as a diff to review. After
reviewing, regenerate with:  UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
The receipt is left out: it names the plan, which changes with every rules file.
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path

import pytest
from support import EXAMPLE, PEILDATUM, ROOT

import engine
from engine.api import default_plan
from engine.explain.markdown import advice_markdown
from engine.model.profile import profile_from_file
from engine.scenarios.suite import load_file

GOLDEN = Path(__file__).parent / "golden"
RECEIPT = re.compile(r"\n## (Verantwoording|Receipt)\n.*\Z", re.S)


def cases() -> list[tuple[str, object, object]]:
    found = [("voorbeeld", profile_from_file(EXAMPLE).model_dump(mode="json"), PEILDATUM)]
    for path in sorted((ROOT / "scenarios" / "huishoudens").glob("*.yaml")):
        first = load_file(path)[0]
        found.append((path.stem, first.profile, first.peildatum))
    return found


CASES = cases()


def rendered(profile: object, peildatum: object, lang: str) -> str:
    return RECEIPT.sub("\n", advice_markdown(engine.advise(profile, peildatum, lang=lang)))


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("name", "profile", "peildatum"), CASES, ids=[c[0] for c in CASES])
def test_the_texts_match_their_golden_file(name: str, profile, peildatum, lang: str) -> None:
    path = GOLDEN / f"{name}.{lang}.md"
    text = rendered(profile, peildatum, lang)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"golden/{path.name}",
                tofile="now",
            )
        )
        pytest.fail(f"the texts changed; review, then regenerate with UPDATE_GOLDEN=1:\n{diff}")


def test_the_golden_files_cover_a_decided_outcome_of_every_scheme() -> None:
    decided: set[str] = set()
    for _, profile, peildatum in CASES:
        for scheme in engine.advise(profile, peildatum).schemes:
            if scheme.status != "undetermined":
                decided.add(scheme.scheme)
    assert decided == set(default_plan().schemes)


def test_every_rule_has_its_text_in_both_languages() -> None:
    for rule in default_plan().rules:
        assert rule.text.nl.strip() and rule.text.en.strip(), rule.id
        assert rule.text.nl != rule.text.en or not any(c.isalpha() for c in rule.text.nl), rule.id
