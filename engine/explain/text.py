"""The advice as plain text for the terminal, in Dutch or English."""

from __future__ import annotations

from engine.explain.format import day, money
from engine.model.advice import Advice, AppliedRule, SchemeAdvice

ASK_FIRST = 5  # the questions shown in the text; the JSON has them all

PERIOD = {
    "nl": {"month": "per maand", "year": "per jaar", "once": "eenmalig"},
    "en": {"month": "a month", "year": "a year", "once": "one-off"},
}
HEAD = {
    "nl": {
        "why": "Waarom",
        "why_not": "Waarom niet",
        "duties": "Verplichtingen",
        "steps": "Volgende stappen",
        "bring": "Neem mee naar {body}",
        "settled": "Deze uitkomst staat vast, wat u ook antwoordt op",
        "depends": "Het bedrag hangt af van",
        "about": "Dit gaat over uw {who}. In de uitleg is 'u' uw {who}; de vragen zijn aan u.",
        "for": "voor uw {who}",
        "span": "{low} tot {high}",
        "bounded": "Nog open: er zijn te veel mogelijke antwoorden om allemaal na te gaan.",
        "dates": "Termijnen",
        "judge": "Ter beoordeling door de consulent",
        "missing": "Nog nodig",
        "conflict": "Tegenstrijdige regels",
        "peildatum": "Peildatum",
        "rules": "Regels",
        "agenda": "Eerst te doen",
        "policy": "Hangt af van lokaal beleid",
        "not_in_rules": "Nog niet in de regels",
        "notice": "Let op",
        "municipality": "Gemeente",
        "local": "Lokaal beleid van",
        "ask": "Vraag eerst",
        "outcomes": "uitkomsten",
        "outcome": "uitkomst",
        "more": "en nog {n} vragen",
        "more_one": "en nog 1 vraag",
    },
    "en": {
        "why": "Why",
        "why_not": "Why not",
        "duties": "Obligations",
        "steps": "Next steps",
        "bring": "Take along to {body}",
        "settled": "This outcome holds whatever the answer to",
        "depends": "The amount depends on",
        "about": "This is about your {who}. In the explanation, 'you' is your {who}; the questions are to you.",
        "for": "for your {who}",
        "span": "{low} to {high}",
        "bounded": "Still open: there are too many possible answers to check them all.",
        "dates": "Deadlines",
        "judge": "For the caseworker to judge",
        "missing": "Still needed",
        "conflict": "Conflicting rules",
        "peildatum": "Reference date",
        "rules": "Rules",
        "agenda": "To do first",
        "policy": "Depends on local policy",
        "not_in_rules": "Not yet in the rule base",
        "notice": "Note",
        "municipality": "Municipality",
        "local": "Local policy of",
        "ask": "Ask first",
        "outcomes": "outcomes",
        "outcome": "outcome",
        "more": "and {n} more questions",
        "more_one": "and 1 more question",
    },
}


def advice_text(advice: Advice) -> str:
    lang = advice.receipt.language
    head = HEAD[lang]
    lines = [f"{head['peildatum']}: {day(advice.receipt.peildatum, lang)}"]
    if advice.municipality:
        lines.append(f"{head['municipality']}: {advice.municipality}")
    lines.extend(f"{head['notice']}: {notice}" for notice in advice.notices)
    if advice.agenda:
        lines.extend(["", f"{head['agenda']}:"])
        for item in advice.agenda:
            when = f"{day(item.date, lang)}: " if item.date else ""
            whom = f", {head['for'].format(who=item.for_whom)}" if item.for_whom else ""
            lines.append(f"  - {when}{item.text} [{item.body}{whom}]")
    if advice.questions:
        lines.extend(["", f"{head['ask']}:"])
        for question in advice.questions[:ASK_FIRST]:
            count = len(question.schemes)
            lines.append(
                f"  - {question.text} ({count} {head['outcome' if count == 1 else 'outcomes']})"
            )
        if len(advice.questions) > ASK_FIRST:
            more = len(advice.questions) - ASK_FIRST
            lines.append(f"  ... {head['more_one'] if more == 1 else head['more'].format(n=more)}")
    for scheme in advice.schemes:
        lines.extend(["", *_scheme_text(scheme, lang)])
    lines.extend(
        [
            "",
            f"{head['rules']}: {advice.receipt.plan_hash} (engine {advice.receipt.engine_version})",
        ]
    )
    return "\n".join(lines) + "\n"


def amount_words(scheme: SchemeAdvice, lang: str) -> str | None:
    """The main amount, or the least and most it can be, with its period; None if neither."""
    if scheme.amount is not None:
        words = money(scheme.amount, lang)
    elif scheme.amount_min is not None and scheme.amount_max is not None:
        low, high = money(scheme.amount_min, lang), money(scheme.amount_max, lang)
        words = HEAD[lang]["span"].format(low=low, high=high)
    else:
        return None
    return f"{words} {PERIOD[lang][scheme.amount_period]}"


def why_further(scheme: SchemeAdvice) -> list[AppliedRule]:
    """The rules applied, less those "Waarom niet" already gives: the rule that excluded is both
    a decisive condition and an applied rule, and is said once (the JSON keeps both lists)."""
    said = {(c.rule, c.text) for c in scheme.decisive_conditions}
    return [r for r in scheme.explanation if (r.rule, r.text) not in said]


def _scheme_text(scheme: SchemeAdvice, lang: str) -> list[str]:
    head = HEAD[lang]
    status = scheme.status_text
    if scheme.refer_to:
        status = f"{status} {scheme.refer_to}"
    title = f"{scheme.name}: {status}"
    if amount := amount_words(scheme, lang):
        title += f", {amount}"
    lines = [title, "=" * len(title)]
    if scheme.member_label:
        lines.append(head["about"].format(who=scheme.member_label))

    def section(name: str, items: list[str]) -> None:
        if items:
            lines.append(f"{name}:")
            lines.extend(f"  - {item}" for item in items)

    if scheme.status == "not_eligible":
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
        lines.append(head["bounded"])
    section(head["why"], [f"{r.text} ({r.citation.label})" for r in why_further(scheme)])
    section(head["duties"], [o.text for o in scheme.obligations])
    section(head["steps"], [s.text for s in scheme.next_steps])
    section(head["bring"].format(body=scheme.refer_to), scheme.bring)
    section(head["dates"], [f"{day(d.date, lang)}: {d.text}" for d in scheme.deadlines])
    section(head["judge"], [f"{d.label}: {d.weigh}" for d in scheme.discretion_points])
    section(head["missing"], scheme.missing_questions)
    section(head["policy"], scheme.policy_gap_labels)
    section(head["not_in_rules"], scheme.not_in_rules)
    if scheme.local_policy:
        lines.append(f"{head['local']} {scheme.local_policy}.")
    section(head["conflict"], [f"{c.fact}: {', '.join(c.rules)}" for c in scheme.conflicts])
    return lines
