"""The advice as Markdown and as one printable HTML page, checked in a real headless browser."""

from __future__ import annotations

import datetime as dt
import subprocess
from html import unescape
from pathlib import Path

import pytest
from browser import CHROMIUM_FLAGS, chromium, render_in_browser
from support import load_example

import engine
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text

DAY = dt.date(2026, 1, 15)


KEY_FACTS = pytest.mark.parametrize(
    ("lang", "facts"),
    [
        (
            "nl",
            [
                "Algemene bijstand",
                "€ 751,07 per maand",
                "Eerst te doen",
                "Afkortingen en begrippen",
                "Peildatum: 15 januari 2026",
                "1 volwassene, 0 kinderen, 1 andere bewoner",
                "Uitvoeringsinstituut Werknemersverzekeringen",
            ],
        ),
        (
            "en",
            [
                "General social assistance",
                "€751.07 a month",
                "To do first",
                "Abbreviations and terms",
                "Reference date: 15 January 2026",
                "Employee Insurance Agency",
            ],
        ),
    ],
)


def assert_key_facts(page: str, advice: engine.Advice, facts: list[str]) -> None:
    for fact in facts:
        assert fact in unescape(page), fact
    for scheme in advice.schemes:  # every scheme has its own section
        assert f'id="scheme-{scheme.scheme}"' in page


@KEY_FACTS
def test_the_page_holds_the_key_facts(lang: str, facts: list[str]) -> None:
    """What the browser test below checks in the rendered page, checked in the HTML itself."""
    advice = engine.advise(load_example(), DAY, lang=lang)
    assert_key_facts(advice_html(advice), advice, facts)


@KEY_FACTS
@pytest.mark.browser
def test_the_page_renders_in_chromium_with_the_key_facts(
    lang: str, facts: list[str], tmp_path: Path
) -> None:
    advice = engine.advise(load_example(), DAY, lang=lang)
    dom, png = render_in_browser(advice_html(advice), tmp_path)
    assert_key_facts(dom, advice, facts)
    assert png.startswith(b"\x89PNG") and len(png) > 20_000  # a real, non-empty picture


@pytest.mark.browser
def test_the_printed_page_shows_the_key_facts(tmp_path: Path) -> None:
    """Printed to PDF by Chromium: what is on paper is what a person sees (not the folded 'why')."""
    from pypdf import PdfReader

    advice = engine.advise(load_example(), DAY)
    page = tmp_path / "advies.html"
    page.write_text(advice_html(advice), encoding="utf-8")
    pdf = tmp_path / "advies.pdf"
    subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            "--user-data-dir=" + str(tmp_path / "profile"),
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    printed = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    flat = "".join(printed.split())
    for fact in [
        "Algemenebijstand:recht",
        "€751,07permaand",
        "Eersttedoen",
        "Vraageerst",
        "Afkortingenenbegrippen",
    ]:
        assert fact in flat, fact
    assert "Uwbijstandis€751,07permaand" not in flat  # the explanation stays folded on paper


def test_texts_are_escaped_never_markup(tmp_path: Path) -> None:
    profile = load_example()
    profile["municipality"] = "<script>document.title='x'</script>"
    html = advice_html(engine.advise(profile, DAY))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_the_page_lists_only_abbreviations_it_uses() -> None:
    advice = engine.advise(load_example(), DAY)
    terms = [a.term for a in advice.abbreviations]
    assert "UWV" in terms  # the work duty tells you to register with the UWV
    assert "AIO" not in terms  # no one here is at the AOW age
    assert terms == sorted(terms, key=str.lower)


def test_missing_facts_are_shown_as_questions_and_gaps_in_words() -> None:
    profile = load_example()
    profile["municipality"] = "Utrecht"
    advice = engine.advise(profile, DAY)
    markdown = advice_markdown(advice)
    gap_scheme = next(s for s in advice.schemes if s.policy_gaps)
    assert gap_scheme.policy_gap_labels[0] in markdown
    assert gap_scheme.policy_gaps[0] not in markdown.replace(gap_scheme.policy_gap_labels[0], "")


def test_markdown_has_every_scheme_and_the_receipt() -> None:
    advice = engine.advise(load_example(), DAY, lang="en")
    markdown = advice_markdown(advice)
    assert markdown.startswith("# Advice — 15 January 2026")
    for scheme in advice.household_schemes:  # other members' outcomes: JSON only (issue 23)
        assert f"## {scheme.name}:" in markdown
    assert advice.receipt.plan_hash in markdown


def test_the_rule_that_decided_no_is_said_once_and_kept_in_the_json() -> None:
    """The rule that excluded is both a decisive condition ("Waarom niet") and an applied rule
    ("Waarom"): the renderings say it once; the JSON keeps both lists whole."""
    advice = engine.advise(load_example(), DAY)
    refused = [s for s in advice.household_schemes if s.status == "not_eligible"]
    assert refused
    pages = {
        "text": advice_text(advice),
        "markdown": advice_markdown(advice),
        "html": unescape(advice_html(advice)),
    }
    for scheme in refused:
        assert scheme.decisive_conditions
        for condition in scheme.decisive_conditions:
            if condition.rule in {r.rule for r in scheme.explanation}:
                both = [r for r in scheme.explanation if r.rule == condition.rule]
                assert any(r.text == condition.text for r in both)  # in the JSON twice
            for kind, page in pages.items():
                assert page.count(condition.text) == 1, (kind, scheme.scheme, condition.text)
