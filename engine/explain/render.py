"""An advice in one of its forms: JSON (`Advice.to_json()`), text, Markdown or HTML."""

from __future__ import annotations

from engine.model.advice import Advice

FORMS = ("text", "json", "markdown", "html")


def render(advice: Advice, form: str) -> str:
    if form == "json":
        return advice.to_json()
    if form == "markdown":
        from engine.explain.markdown import advice_markdown

        return advice_markdown(advice)
    if form == "html":
        from engine.explain.html import advice_html

        return advice_html(advice)
    from engine.explain.text import advice_text

    return advice_text(advice)
