"""The advice: per scheme a status, amounts, duties, dates, judgement points and the why.

Serialised deterministically: the same advice gives the same bytes (fields in declaration
order, mappings in the plan's order, Decimal amounts as text with cents, ISO dates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, SerializeAsAny

Status = Literal["eligible", "not_eligible", "undetermined", "refer"]
# A fact's or figure's value. Validated as one of these; written by its own type, which gives
# the same JSON a third as fast as trying each type of the union in turn.
Value = SerializeAsAny[bool | int | Decimal | dt.date | str | None]


class Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


# The many small records inside an advice are plain frozen dataclasses: pydantic serialises
# and validates them as fields of the models below, and building them costs a tenth.
record = dataclass(frozen=True, slots=True, kw_only=True)


@record
class CitationOut:
    law: str
    bwb: str
    article: str
    lid: str | None = None
    sub: str | None = None
    url: str | None = None
    label: str


@record
class AppliedRule:
    rule: str
    citation: CitationOut
    concluded: dict[str, Value]
    values: dict[str, Value]
    text: str


@record
class Condition:
    """A condition that decided a negative outcome: it failed, or an exclusion held."""

    rule: str
    citation: CitationOut
    condition: str
    holds: bool
    values: dict[str, Value]
    text: str
    would_change: str | None = None  # what would turn this condition ("met ... zou u ...")


@record
class Amount:
    fact: str
    label: str
    value: Decimal
    period: Literal["month", "year", "once"] = "month"


@record
class Item:
    """An obligation or a next step, and who acts on it."""

    fact: str
    label: str
    text: str
    body: str
    citation: CitationOut | None = None


@record
class Deadline:
    fact: str
    label: str
    date: dt.date
    text: str
    body: str
    citation: CitationOut | None = None


@record
class AgendaItem:
    """One thing to do, across all schemes: dated items first, soonest first."""

    date: dt.date | None
    scheme: str
    kind: Literal["deadline", "next_step", "obligation", "referral"]
    fact: str
    text: str
    body: str
    member: str | None = None  # for a person scheme's outcome of another member: that member
    for_whom: str | None = None  # and who that is, in words ("partner", "kind 1")


@record
class DiscretionPoint:
    fact: str
    label: str
    weigh: str
    text: str
    citation: CitationOut | None = None


@record
class Conflict:
    fact: str
    rules: list[str] = field(default_factory=list)


@record
class Abbreviation:
    term: str
    meaning: str


@record
class Household:
    """The household in brief, by role; no names."""

    adults: int
    children: int
    other_residents: int


@record
class Question:
    """A missing fact as a question, and the outcomes its answer can settle."""

    fact: str
    text: str
    answer_type: str  # bool, date, money, number, text, or list (a collection)
    values: list[str]  # the allowed answers of a text fact; empty otherwise
    schemes: list[str]  # the schemes whose open outcome lists this fact
    # A question about another member (for a person scheme's outcome): that member's id; the
    # answer goes to that member, where the fact's `from:` path says after `applicant.`.
    member: str | None = None
    # A group of yes/no questions asked as one (`fact` names the group): its questions, each
    # answered "no" by a "no" to the group; after a "yes", asked one by one.
    parts: list[Question] = field(default_factory=list)


@record
class SchemeAdvice:
    scheme: str
    # A person scheme's outcome names the member it is for (the applicant's comes first); a
    # household scheme's names none.
    member: str | None
    member_label: str | None  # another member's outcome: who, in words ("partner", "kind 1")
    name: str
    body: str
    status: Status
    status_text: str  # the status in words, in the advice's language
    refer_to: str | None
    amount: Decimal | None
    amount_period: Literal["month", "year", "once"]
    # The amount not known yet, but every answer gives one: the least and the most of them, and
    # the questions whose answers fix it (None and empty otherwise).
    amount_min: Decimal | None
    amount_max: Decimal | None
    amount_depends_on: list[str]
    amounts: list[Amount]
    facts: dict[str, Value]
    obligations: list[Item]
    next_steps: list[Item]
    deadlines: list[Deadline]
    discretion_points: list[DiscretionPoint]
    explanation: list[AppliedRule]
    decisive_conditions: list[Condition]
    missing_facts: list[str]  # what the intake can still ask; never another body's assessment
    # The same, as the questions that ask them: two or more of a group as one question.
    missing_questions: list[str]
    assessed_facts: list[str]  # what waits on another body's assessment (assessed_by)
    # The status holds whatever the answer to these questions (settled by case analysis).
    settled_over: list[str]
    bound_reached: bool  # open because checking every possible answer went past the bound
    bring: list[str]  # when referred: what the person takes along to the body
    policy_gaps: list[str]  # figures the municipality has not set: "depends on local policy"
    policy_gap_labels: list[str]  # the same figures, in words
    # Figures the rule base lacks for the peildatum (their known values end before it), by
    # name and in words.
    figure_gaps: list[str]
    not_in_rules: list[str]
    local_policy: str | None  # the municipality whose policy figures were applied
    conflicts: list[Conflict]


@record
class Receipt:
    """What an advice rests on (Awb 3:46): enough to replay it, and no personal data."""

    engine_version: str
    plan_hash: str
    peildatum: dt.date
    language: Literal["nl", "en"]
    input_hash: str  # sha256 of the validated profile's canonical JSON
    rules: dict[str, str]  # every rule applied, by id: a hash of its content
    parameters: dict[str, Value]  # every parameter value those rules read


class Advice(Out):
    receipt: Receipt
    municipality: str | None = None
    household: Household | None = None
    notices: list[str] = []  # what the rule base does not cover on the peildatum, in words
    schemes: list[SchemeAdvice]
    agenda: list[AgendaItem] = []
    questions: list[Question] = []  # most outcomes settled first
    abbreviations: list[Abbreviation] = []  # those used in this advice

    def scheme(self, scheme_id: str, member: str | None = None) -> SchemeAdvice:
        """A scheme's outcome: the household's or applicant's, or a member's (`member` id)."""
        for scheme in self.schemes:
            if scheme.scheme == scheme_id and member in (None, scheme.member):
                return scheme
        raise KeyError(scheme_id if member is None else f"{scheme_id} for {member}")

    @property
    def household_schemes(self) -> list[SchemeAdvice]:
        """One outcome per scheme: the household's, or for a person scheme the applicant's."""
        return [s for s in self.schemes if s.member is None or s.member == self.applicant_id]

    @property
    def applicant_id(self) -> str | None:
        """The member id of the applicant, as the person schemes' first outcomes name it."""
        return next((s.member for s in self.schemes if s.member is not None), None)

    def outcomes_of(self, scheme_id: str) -> list[SchemeAdvice]:
        """Every outcome of a scheme: one for a household scheme, one per member judged for a
        person scheme (the applicant's first)."""
        return [scheme for scheme in self.schemes if scheme.scheme == scheme_id]

    def to_json(self) -> str:
        """Deterministic JSON: fields in declaration order, every mapping in plan order."""
        return self.model_dump_json(indent=2) + "\n"
