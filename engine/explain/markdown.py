"""The advice as Markdown, in Dutch or English: for case notes and e-mail."""

from __future__ import annotations

from engine.explain.format import day
from engine.explain.text import HEAD, amount_words, why_further
from engine.model.advice import Advice, Household, SchemeAdvice

TITLE = {"nl": "Advies", "en": "Advice"}
WORDS = {
    "nl": {
        "household": "Huishouden",
        "adults": "volwassenen",
        "adult": "volwassene",
        "children": "kinderen",
        "child": "kind",
        "others": "andere bewoners",
        "other": "andere bewoner",
        "who": "wie",
        "glossary": "Afkortingen en begrippen",
        "receipt": "Verantwoording",
    },
    "en": {
        "household": "Household",
        "adults": "adults",
        "adult": "adult",
        "children": "children",
        "child": "child",
        "others": "other residents",
        "other": "other resident",
        "who": "who",
        "glossary": "Abbreviations and terms",
        "receipt": "Receipt",
    },
}


def household_words(household: Household, lang: str) -> str:
    """ "1 volwassene, 2 kinderen, 0 andere bewoners": the household in brief, plurals right."""
    words = WORDS[lang]

    def count(n: int, one: str, many: str) -> str:
        return f"{n} {words[one] if n == 1 else words[many]}"

    return ", ".join(
        (
            count(household.adults, "adult", "adults"),
            count(household.children, "child", "children"),
            count(household.other_residents, "other", "others"),
        )
    )


def advice_markdown(advice: Advice) -> str:
    lang = advice.receipt.language
    head, words = HEAD[lang], WORDS[lang]
    lines = [f"# {TITLE[lang]} — {day(advice.receipt.peildatum, lang)}", ""]
    if advice.municipality:
        lines.append(f"**{head['municipality']}:** {advice.municipality}  ")
    lines.extend(f"**{head['notice']}:** {notice}  " for notice in advice.notices)
    if advice.household:
        h = advice.household
        lines.append(f"**{words['household']}:** {household_words(h, lang)}")
    if advice.agenda:
        lines += ["", f"## {head['agenda']}", ""]
        for item in advice.agenda:
            when = f"**{day(item.date, lang)}** — " if item.date else ""
            whom = f", {head['for'].format(who=item.for_whom)}" if item.for_whom else ""
            lines.append(f"- {when}{item.text} ({words['who']}: {item.body}{whom})")
    if advice.questions:
        lines += ["", f"## {head['ask']}", ""]
        lines += [f"- {q.text}" for q in advice.questions]
    for scheme in advice.schemes:
        lines += ["", *_scheme(scheme, lang)]
    if advice.abbreviations:
        lines += ["", f"## {words['glossary']}", ""]
        lines += [f"- **{a.term}**: {a.meaning}" for a in advice.abbreviations]
    r = advice.receipt
    lines += [
        "",
        f"## {words['receipt']}",
        "",
        f"engine {r.engine_version}, {head['rules'].lower()} {r.plan_hash}, "
        f"{len(r.rules)} rules, input {r.input_hash[:12]}",
    ]
    return "\n".join(lines) + "\n"


def _scheme(scheme: SchemeAdvice, lang: str) -> list[str]:
    head = HEAD[lang]
    status = scheme.status_text + (f" {scheme.refer_to}" if scheme.refer_to else "")
    title = f"## {scheme.name}: {status}"
    if amount := amount_words(scheme, lang):
        title += f", {amount}"
    lines = [title]
    if scheme.member_label:
        lines.extend(["", HEAD[lang]["about"].format(who=scheme.member_label)])

    def section(name: str, items: list[str]) -> None:
        if items:
            lines.extend(["", f"**{name}**", ""])
            lines.extend(f"- {item}" for item in items)

    section(
        head["why_not"],
        [
            f"{c.text} ({c.citation.label})" + (f" {c.would_change}" if c.would_change else "")
            for c in scheme.decisive_conditions
        ],
    )
    section(head["depends"], scheme.amount_depends_on)
    section(head["settled"], scheme.settled_over)
    if scheme.bound_reached:
        lines.extend(["", head["bounded"]])
    section(head["duties"], [i.text for i in scheme.obligations])
    section(head["steps"], [f"{i.text} ({i.body})" for i in scheme.next_steps])
    section(head["bring"].format(body=scheme.refer_to), scheme.bring)
    section(head["dates"], [f"{day(d.date, lang)}: {d.text}" for d in scheme.deadlines])
    section(head["judge"], [f"{d.label}: {d.weigh}" for d in scheme.discretion_points])
    section(head["missing"], scheme.missing_questions)
    section(head["policy"], scheme.policy_gap_labels)
    section(head["not_in_rules"], scheme.not_in_rules)
    section(head["why"], [f"{r.text} ({r.citation.label})" for r in why_further(scheme)])
    return lines
