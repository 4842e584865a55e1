"""Turn a run's trace into the Advice: each scheme's outcome (scheme.py), the person schemes'
for each other member (members.py), the questions ranked across them all (questions.py), the
agenda, the abbreviations used and the receipt.

The output objects are built with `model_construct`: their content comes from a checked plan
and a validated profile, so validating it again would only cost time.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from engine.compile.plan import Plan
from engine.explain.agenda import agenda_of
from engine.explain.format import day
from engine.explain.glossary import abbreviations
from engine.explain.members import member_words, with_members
from engine.explain.questions import ASK_MEMBER, UNBOUNDED, Ask, in_household, rank_questions
from engine.explain.receipt import receipt_of
from engine.explain.scheme import Rendered, SchemeView, scheme_advice
from engine.model.advice import Advice, Household, SchemeAdvice
from engine.run.evaluate import Trace
from engine.values import Unknown


def build_advice(trace: Trace, lang: str = "nl") -> Advice:
    plan = trace.plan
    shared = Rendered()
    household = [scheme_advice(SchemeView(trace, s, lang, shared)) for s in sorted(plan.schemes)]
    schemes = with_members(trace, household, lang)
    questions = rank_questions(
        plan,
        _asks(trace, schemes),
        lang,
        {
            member: ASK_MEMBER[lang].format(who=word)
            for member, word in member_words(list(trace.members.values()), lang).items()
        },
        _urgent_schemes(trace),
        _Unanswered(trace),
    )
    receipt = receipt_of(trace, lang)
    policy = plan.municipalities.get(trace.dated.municipality or "")
    return Advice.model_construct(
        receipt=receipt,
        municipality=policy.spec.name if policy else trace.municipality,
        notices=_notices(plan, trace.peildatum, lang),
        schemes=schemes,
        agenda=agenda_of(schemes, trace.peildatum),
        questions=questions,
        abbreviations=abbreviations(trace, schemes, questions, lang),
        household=Household(
            adults=trace.roles.get("applicant", 0) + trace.roles.get("partner", 0),
            children=trace.roles.get("child", 0),
            other_residents=trace.roles.get("other_resident", 0),
        ),
    )


def _urgent_schemes(trace: Trace) -> frozenset[str]:
    """The schemes an urgent fact of which holds in this run (a bedreigende situatie)."""
    return frozenset(
        scheme for name, scheme in _urgent_facts(trace.plan) if trace.facts.get(name) is True
    )


@lru_cache(maxsize=16)
def _urgent_facts(plan: Plan) -> tuple[tuple[str, str | None], ...]:
    """The derived facts the rules mark urgent, with their scheme (once per plan)."""
    return tuple((name, fact.scheme) for name, fact in plan.derived.items() if fact.spec.urgent)


class _Unanswered:
    """Whether an input is open in the household's run, or in a member's own, and an open fact
    there still reads it. One that no answer can bring to bear is not open for the asking: the
    Wazo leave of a single parent (art. 13 lid 2 onder b) is never put to a couple."""

    def __init__(self, trace: Trace):
        self.trace = trace
        self.read: dict[str | None, frozenset[str]] = {}  # per member: what open facts read

    def __call__(self, fact: str, member: str | None) -> bool:
        run = self.trace if member is None else self.trace.members.get(member)
        value = run.facts.get(fact) if run is not None else None
        if run is None or type(value) is not Unknown or not value.missing:
            return False
        if member not in self.read:
            self.read[member] = _read_while_open(run)
        return fact in self.read[member]


def _read_while_open(run: Trace) -> frozenset[str]:
    """The inputs that the derived facts still open in a run wait on (three-valued logic: an
    input a rule passed by, because what it was and-ed with is known false, is not among them)."""
    derived = run.plan.derived
    read: set[str] = set()
    for name, value in run.facts.items():
        if type(value) is Unknown and name in derived:
            read |= value.missing
    return frozenset(read)


def _asks(trace: Trace, schemes: list[SchemeAdvice]) -> dict[tuple[str, str | None], Ask]:
    """What each open outcome waits on, as (fact, member) -> why it is asked: the schemes it can
    settle, and which of them wait on it for their status (the rest only for an amount, duties
    or dates). One profile field is one question: a member's fact that the household's run also
    reads (the partner's birth date) is the household's question; what only a member's view
    holds (a housemate's own money) cannot be written into this profile, and is not asked."""
    plan = trace.plan
    roles = {run.member_id: run.member_role for run in trace.members.values()}
    asks: dict[tuple[str, str | None], Ask] = {}
    for scheme in schemes:
        own = scheme.member if scheme.member_label else None
        status_open = scheme.status == "undetermined"
        # A status that waits on a figure the municipality or the law has not set is not closed
        # by any answer: it is never the nearest to settled.
        closable = not (scheme.policy_gaps or scheme.figure_gaps)
        distance = len(scheme.missing_facts) if closable else UNBOUNDED
        for fact in scheme.missing_facts:
            key = (fact, None) if own is None else in_household(plan, fact, own, roles[own])
            if key is not None:
                asks.setdefault(key, Ask()).waits(scheme.scheme, status_open, distance)
    return asks


LAW_AFTER = {
    "nl": "Wijzigingen van de wet na {day} staan nog niet in de regels{which}.",
    "en": "Changes to the law after {day} are not yet in the rule base{which}.",
}


def _notices(plan: Plan, peildatum: dt.date, lang: str) -> list[str]:
    """Past the day a scheme's rules were last brought up to date: that day, once for the
    schemes that share it (named unless it is all of them)."""
    by_until: dict[dt.date, list[str]] = {}
    for scheme in plan.schemes.values():
        until = scheme.spec.coverage.until
        if until is not None and peildatum > until:
            by_until.setdefault(until, []).append(getattr(scheme.spec.name, lang))
    notices = []
    for until, names in sorted(by_until.items()):
        which = "" if len(names) == len(plan.schemes) else f" ({', '.join(names)})"
        notices.append(LAW_AFTER[lang].format(day=day(until, lang), which=which))
    return notices
