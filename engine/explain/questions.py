"""What to ask next: every missing fact as a question, in the order a klantmanager asks.

Only facts that an open outcome lists are asked, so no question is wasted on a fact that
cannot change anything; gaps in local policy are never put to the citizen. The order:

1. the household's own questions before those about another member (grouped per member);
2. what is urgent, which is data in the rules: an input marked `urgent` (a threat of eviction
   or cut-off), then what a scheme made urgent waits on (a derived fact of it marked `urgent`
   holds: a bedreigende situatie);
3. what an open status waits on before what only fills in a settled outcome (its amount,
   duties or dates): first whether, then how much;
4. the opening of a conversation: the municipality, who lives here, what comes in;
5. the most urgent scheme whose open status the answer can settle (`urgency` in the scheme
   file: 1 urgent, 2 money to live on, 3 the rest); for a question that only fills in, the
   most urgent scheme it fills in;
6. the open status nearest to settled: the fewest facts a status the answer bears on still
   waits on, so that each answer is likely to close one (the wsw's two facts before the
   bijzondere bijstand's twenty); a status that also waits on a figure not set (local policy)
   is closed by no answer, and never the nearest;
7. how many open outcomes the answer can settle;
8. the order in which the facts files declare the facts (a form's order; a list item's fields
   in its record's order), never the id.

Two or more open yes/no questions of one group (the exclusions of art. 13 Participatiewet, for
one member) are asked as one, where the first of them stands: "Geldt een van deze situaties
voor u? U bent gedetineerd; ...". Most people answer "no" once instead of eight times. The
question lists every situation of the group still unanswered for that member that an open fact
still reads, also those no outcome waits on yet, so that one "no" settles the group and it is
never asked again; after a "yes", only those an outcome waits on are asked one by one. A
situation no answer can bring to bear is not listed: a couple is not asked about the leave of a
single parent.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from engine.compile.plan import Plan
from engine.explain.format import lower_first
from engine.model.advice import Question
from engine.model.profile import Role

_ITEM = re.compile(r"^(?P<collection>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")
ITEM_PREFIX = {"nl": "Over {label} nummer {number}: ", "en": "About {label} number {number}: "}
UNBOUNDED = 1_000_000  # no status an answer can close waits on the question


@dataclass
class Ask:
    """Why one fact (for one member) is asked: the schemes whose open outcome waits on it."""

    schemes: set[str] = field(default_factory=set)
    for_status: set[str] = field(default_factory=set)  # those whose open status waits on it
    nearest: int = UNBOUNDED  # the fewest facts one of those statuses still waits on

    def waits(self, scheme: str, status_open: bool, facts_missing: int) -> None:
        self.schemes.add(scheme)
        if status_open:
            self.for_status.add(scheme)
            self.nearest = min(self.nearest, facts_missing)


def rank_questions(
    plan: Plan,
    asks: Mapping[tuple[str, str | None], Ask],
    lang: str,
    prefixes: dict[str | None, str],
    urgent: frozenset[str] = frozenset(),
    unanswered: Callable[[str, str | None], bool] = lambda fact, member: False,
) -> list[Question]:
    """`asks`: per (fact, member) why it is asked (member None: the household's and
    applicant's); `prefixes`: per member, how a question to them begins; `urgent`: the schemes
    made urgent in this advice (an urgent fact of theirs holds); `unanswered`: whether an input
    is still open for a member (a group lists them all)."""
    questions = []
    for (fact, member), ask in asks.items():
        base = urgent_question(plan, fact, lang)
        questions.append(
            Question(
                fact=fact,
                text=base.text if member is None else prefixes[member] + base.text,
                answer_type=base.answer_type,
                values=list(base.values),
                schemes=sorted(ask.schemes),
                member=member,
            )
        )
    ranked = sorted(questions, key=lambda q: _rank(plan, q, urgent, asks))
    return _grouped(plan, ranked, lang, unanswered) if plan.groups else ranked


def _grouped(
    plan: Plan, ranked: list[Question], lang: str, unanswered: Callable[[str, str | None], bool]
) -> list[Question]:
    """Each group with two or more open questions (per member) as one question, in the place
    of its first."""
    keys = [(q.fact, q.member) for q in ranked]
    return [
        ranked[i]
        if group is None
        else _group_question(plan, group, [ranked[j] for j in at], lang, unanswered)
        for i, group, at in _gathered(plan, keys)
    ]


def _gathered(
    plan: Plan, keys: list[tuple[str, str | None]]
) -> list[tuple[int, str | None, list[int]]]:
    """For facts asked (per member) in order: each one's place, or, where two or more belong to
    one group, the group and their places, in the place of the first."""
    groups = [plan.group_of(fact) for fact, _ in keys]
    places: dict[tuple[str, str | None], list[int]] = {}
    for i, ((_, member), group) in enumerate(zip(keys, groups, strict=True)):
        if group is not None:
            places.setdefault((group, member), []).append(i)
    gathered: list[tuple[int, str | None, list[int]]] = []
    for i, ((_, member), group) in enumerate(zip(keys, groups, strict=True)):
        at = places.get((group, member), []) if group is not None else []
        if len(at) < 2:
            gathered.append((i, None, [i]))
        elif i == at[0]:
            gathered.append((i, group, at))
    return gathered


def _group_question(
    plan: Plan,
    group: str,
    parts: list[Question],
    lang: str,
    unanswered: Callable[[str, str | None], bool],
) -> Question:
    first = parts[0]
    prefix = first.text.removesuffix(question_text(plan, first.fact, lang))  # "Over uw partner: "
    asked = {q.fact for q in parts}
    parts += [  # the rest of the group still open: a "no" answers them too (no scheme waits)
        replace(
            urgent_question(plan, fact, lang),
            text=prefix + question_text(plan, fact, lang),
            member=first.member,
        )
        for fact in plan.groups[group].facts
        if fact not in asked and fact not in plan.assessed_by and unanswered(fact, first.member)
    ]
    parts = sorted(parts, key=lambda q: plan.declared[q.fact])
    return Question(
        fact=group,
        text=prefix + group_text(plan, group, [q.fact for q in parts], lang),
        answer_type="bool",
        values=[],
        schemes=sorted({s for q in parts for s in q.schemes}),
        member=first.member,
        parts=parts,
    )


def group_text(plan: Plan, group: str, facts: list[str], lang: str) -> str:
    """A group's question, then each fact's label: "Geldt een van deze situaties voor u? U bent
    gedetineerd; u staakt ..."."""
    labels = [getattr(plan.inputs[fact].spec.label, lang) for fact in facts]
    listed = "; ".join([labels[0], *(lower_first(label) for label in labels[1:])])
    return f"{getattr(plan.groups[group].question, lang)} {listed}."


def questions_asked(
    plan: Plan, facts: list[str], lang: str, items: Mapping[str, str] | None = None
) -> list[str]:
    """The questions that ask for these facts (in form order), two or more of a group asked as
    one in the place of the first. `items` names list items by who they are (`medebewoners[0]`:
    "de aanvrager") instead of by their number."""
    return list(_questions_asked(plan, tuple(facts), lang, tuple(sorted((items or {}).items()))))


@lru_cache(maxsize=8192)  # the same few lists come back in every advice and every intake step
def _questions_asked(
    plan: Plan, facts: tuple[str, ...], lang: str, items: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    named = dict(items)
    return tuple(
        _named(plan, facts[i], lang, named)
        if group is None
        else group_text(plan, group, [facts[j] for j in at], lang)
        for i, group, at in _gathered(plan, [(fact, None) for fact in facts])
    )


# How a list item's question speaks of the person it is about.
THIS_PERSON = {"nl": "deze persoon", "en": "this person"}
ABOUT = {"nl": "Over {who}: ", "en": "About {who}: "}


def _named(plan: Plan, fact: str, lang: str, items: Mapping[str, str]) -> str:
    """A fact's question; for a list item named in `items`, about that person by name ("Woont
    de aanvrager echt in uw woning?") instead of "Over ... nummer 1: Woont deze persoon ..."."""
    item = _ITEM.match(fact)
    if item is None or (who := items.get(fact.partition(".")[0])) is None:
        return question_text(plan, fact, lang)
    _, spec = _item_field(plan, item)
    own = getattr(spec.question or spec.label, lang)
    if THIS_PERSON[lang] in own:
        return own.replace(THIS_PERSON[lang], who)
    return ABOUT[lang].format(who=who) + own


# The opening of an intake, by where a fact is read in the profile.
OPENING = ("municipality", "members", "incomes")


def _rank(
    plan: Plan,
    question: Question,
    urgent: frozenset[str],
    asks: Mapping[tuple[str, str | None], Ask],
) -> tuple[object, ...]:
    if question.parts:  # a group stands where its first question an outcome waits on would
        return min(_rank(plan, part, urgent, asks) for part in question.parts if part.schemes)
    ask = asks[(question.fact, question.member)]
    opening, urgent_input = _opening(plan, question.fact)
    urgency = min(
        (1 if s in urgent else plan.schemes[s].spec.urgency for s in ask.for_status or ask.schemes),
        default=3,
    )
    if urgent_input:
        urgency = 0
    return (
        question.member is not None,
        question.member or "",
        urgency > 1,  # what is urgent comes before even the opening
        not ask.for_status,  # whether before how much
        opening,
        urgency,
        ask.nearest,
        -len(question.schemes),
        _form_place(plan, question.fact),
    )


@lru_cache(maxsize=16384)
def _opening(plan: Plan, fact: str) -> tuple[int, bool]:
    """Where in the opening of a conversation a fact is asked, and whether the rules mark it
    urgent (the same for every advice on a plan)."""
    fact = fact.partition("[")[0]  # a list item's field: its list
    spec = plan.inputs[fact].spec if fact in plan.inputs else None
    path = plan.source_path(fact)
    opening = next((i for i, part in enumerate(OPENING) if _opens(path, part)), len(OPENING))
    return opening, spec is not None and bool(spec.urgent)


def in_form_order(plan: Plan, facts: Iterable[str]) -> list[str]:
    """Facts in the order the facts files declare them (a list's fields after their list), as
    a form asks them: never by id."""
    return sorted(facts, key=lambda f: _form_place(plan, f))


@lru_cache(maxsize=16384)
def _form_place(plan: Plan, fact: str) -> tuple[int, int, int, str]:
    """Where a form asks a fact: in the order the facts files declare it; a list item's fields
    after the list, item by item, in the order its record declares them (the birth date first:
    a housemate under the age that counts needs no more questions)."""
    item = _ITEM.match(fact)
    if item is None:
        return plan.declared.get(fact, len(plan.declared)), 0, 0, fact
    collection = item["collection"]
    fields = list(plan.records[plan.collections[collection].record])
    place = plan.declared.get(collection, len(plan.declared))
    return place, 1 + int(item["index"]), fields.index(item["field"]), fact


def _opens(path: str, part: str) -> bool:
    """Whether a profile path belongs to one part of the opening."""
    if part == "municipality":
        return path.startswith("municipality")
    if part == "members":
        return path in ("children", "other_residents") or path.endswith((".birth_date", ".role"))
    return path.endswith(".incomes")


@lru_cache(maxsize=16384)
def urgent_question(plan: Plan, fact: str, lang: str) -> Question:
    """The question for an input, outside any advice's ranking (the intake's opening)."""
    return _question(plan, fact, [], lang)


def question_text(plan: Plan, fact: str, lang: str) -> str:
    """How the intake asks for an input fact (or a collection item's field); the same for
    every advice on a plan, so worked out once."""
    return urgent_question(plan, fact, lang).text


def _question(plan: Plan, fact: str, schemes: list[str], lang: str) -> Question:
    item = _ITEM.match(fact)
    if item:
        collection, spec = _item_field(plan, item)
        prefix = ITEM_PREFIX[lang].format(
            label=lower_first(getattr(collection.label, lang)), number=int(item["index"]) + 1
        )
        text = prefix + getattr(spec.question or spec.label, lang)
        return Question(
            fact=fact,
            text=text,
            answer_type=spec.type,
            values=list(spec.values or []),
            schemes=schemes,
        )
    if fact in plan.collections:
        collection = plan.collections[fact]
        text = getattr(collection.question or collection.label, lang)
        return Question(fact=fact, text=text, answer_type="list", values=[], schemes=schemes)
    spec = plan.inputs[fact].spec
    return Question(
        fact=fact,
        text=getattr(spec.question or spec.label, lang),
        answer_type=spec.type,
        values=list(spec.values or []),
        schemes=schemes,
    )


def _item_field(plan: Plan, item: re.Match[str]) -> tuple[Any, Any]:
    """A list item's field (`kinderen[0].geboortedatum`): its list and the field's spec."""
    collection = plan.collections[item["collection"]]
    return collection, plan.records[collection.record][item["field"]].spec


ASK_MEMBER = {"nl": "Over uw {who}: ", "en": "About your {who}: "}


def in_household(
    plan: Plan, fact: str, member: str, role: str | None
) -> tuple[str, str | None] | None:
    """A fact missing in a member's view, as the household's question or the member's own."""
    path = "(item)" if "[" in fact else plan.source_path(fact)  # a list item: no path of its own
    root, _, rest = path.partition(".")
    partner = role == Role.partner.value
    if root == "applicant":
        twin = fact.removesuffix("_aanvrager") + "_partner"
        if partner and fact.endswith("_aanvrager") and plan.source_path(twin) == f"partner.{rest}":
            return twin, None
        return fact, member
    if root == "partner":  # in the partner's view: the applicant
        twin = fact.removesuffix("_partner") + "_aanvrager"
        return (twin, None) if plan.source_path(twin) == f"applicant.{rest}" else None
    return (fact, None) if partner else None  # the household's own, shared only with a partner
