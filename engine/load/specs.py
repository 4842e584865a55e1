"""Typed specifications of what the YAML files say, before any checking across files.

These are the shapes of `schemes/*.yaml` (a scheme, its sources and dated parameters),
`rules/facts.yaml` (the facts read from a profile) and `rules/**/*.yaml` (derived facts and
rules). Unknown keys are refused so that a typo cannot silently drop a condition.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

FactType = Literal["bool", "number", "money", "date", "text"]
OutputKind = Literal[
    "status", "amount", "info", "obligation", "deadline", "discretion", "next_step", "referral"
]

ID_PATTERN = r"^[a-z][a-z0-9_.]*$"
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# What a text shown to a person may hold: no control or direction characters (they could move
# a terminal's cursor, fake a line or make a text read otherwise than it is).
PLAIN_TEXT = r"^[^\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"
WEB_ADDRESS = r"^https?://[^\s<>\"'`]+$"  # a link in an advice: the web, never javascript:


class Texts(Spec):
    """A text in Dutch (B1, klare taal) and English, on one line."""

    nl: str = Field(min_length=1, pattern=PLAIN_TEXT)
    en: str = Field(min_length=1, pattern=PLAIN_TEXT)


class Law(Spec):
    name: str = Field(min_length=1)
    bwb: str = Field(pattern=r"^BWBR\d{7}$")
    url: str | None = Field(default=None, pattern=WEB_ADDRESS)


class Citation(Spec):
    """Where a rule or a parameter stands in the law. Law and BWB id may come from the file."""

    law: str | None = None
    bwb: str | None = Field(default=None, pattern=r"^BWBR\d{7}$")
    article: str = Field(min_length=1)
    lid: str | None = None
    sub: str | None = None
    url: str | None = Field(default=None, pattern=WEB_ADDRESS)

    @field_validator("article", "lid", "sub", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def label(self) -> str:
        parts = [f"art. {self.article}"]
        if self.lid:
            parts.append(f"lid {self.lid}")
        if self.sub:
            parts.append(f"onder {self.sub}")
        return " ".join(parts) + (f" {self.law}" if self.law else "")


class Window(Spec):
    """A validity window; `until` is the last day it applies (inclusive), open if absent."""

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.until is not None and self.until < self.from_:
            raise ValueError("'until' lies before 'from'")
        return self

    def contains(self, day: dt.date) -> bool:
        return self.from_ <= day and (self.until is None or day <= self.until)


class Source(Spec):
    title: str = Field(min_length=1)
    url: str = Field(min_length=1, pattern=WEB_ADDRESS)
    applies_from: dt.date | None = None
    note: str | None = None


class ParameterValue(Spec):
    """A figure's value from a day on. A value its source sets for a period only (a norm
    indexed every half year) says `until`: the last day the source speaks for. After it,
    until a next value is added, the figure is not known: never carried forward."""

    from_: dt.date = Field(alias="from")
    until: dt.date | None = None
    value: Any
    source: str = Field(min_length=1)
    note: str | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    @model_validator(mode="after")
    def _ordered(self) -> ParameterValue:
        if self.until is not None and self.until < self.from_:
            raise ValueError("'until' lies before 'from'")
        return self


class ParameterSpec(Spec):
    type: Literal["number", "money", "date", "text", "list[text]", "list[number]"]
    label: Texts
    citation: Citation
    values: list[ParameterValue] = Field(default_factory=list)
    verify: str | None = None  # an open doubt about the figure, shown to reviewers
    # Who sets the next value, and when: needed once a value ends (`until`), so that
    # `engine figures` can say where a policy officer finds it.
    next_value: str | None = None
    # Set by each municipality (schemes/gemeenten/); `values` here are the national default,
    # if the law has one. Without either, the outcome "depends on local policy".
    local: bool = False

    @model_validator(mode="after")
    def _has_values(self) -> ParameterSpec:
        if not self.values and not self.local:
            raise ValueError("a parameter needs values (or 'local: true' for municipal policy)")
        return self


class SchemeOutputs(Spec):
    status: str = Field(pattern=NAME_PATTERN)
    amount: str | None = Field(default=None, pattern=NAME_PATTERN)


class SchemeSpec(Spec):
    id: str = Field(pattern=NAME_PATTERN)
    name: Texts
    # How to say each status for this scheme ("verplicht" for a duty rather than "recht").
    status_words: dict[Literal["eligible", "not_eligible", "undetermined", "refer"], Texts] = Field(
        default_factory=dict
    )
    law: Law
    body: str = Field(min_length=1)
    summary: Texts
    coverage: Window
    outputs: SchemeOutputs
    # A scheme that concerns one person (its rules speak of the applicant): judged for each
    # member the law asks it for (engine/run/members.py), not once for the household.
    per_person: bool = False
    # How urgent an open outcome of this scheme is, for the order of the questions: 1 urgent,
    # 2 money to live on, 3 the rest. A fact marked `urgent` ranks with 1.
    urgency: Literal[1, 2, 3] = 3


class SchemeFile(Spec):
    scheme: SchemeSpec
    sources: dict[str, Source] = Field(min_length=1)
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    glossary: dict[str, Texts] = Field(default_factory=dict)


class Municipality(Spec):
    name: str = Field(min_length=1, max_length=80)
    code: str | None = Field(default=None, pattern=r"^GM\d{4}$")  # CBS gemeentecode
    example: bool = False  # an example policy that belongs to no real municipality


class LocalValues(Spec):
    values: list[ParameterValue] = Field(min_length=1)
    verify: str | None = None


class MunicipalityFile(Spec):
    """schemes/gemeenten/<name>.yaml: one municipality's policy figures, with sources."""

    municipality: Municipality
    sources: dict[str, Source] = Field(min_length=1)
    parameters: dict[str, LocalValues] = Field(default_factory=dict)


class FactSpec(Spec):
    """A fact: read from the profile (`from`) or derived by rules."""

    type: FactType
    label: Texts
    values: list[str] | None = None  # allowed values of a text fact
    question: Texts | None = None  # how to ask for an input fact
    from_: str | None = Field(default=None, alias="from")
    default: bool | int | str | None = None
    output: OutputKind | None = None
    weigh: Texts | None = None  # for discretion points: what the law says to weigh
    body: str | None = None  # who acts on this output, if not the scheme's body (UWV, SVB, DUO)
    # An input only another body can establish (a UWV assessment, a college's finding): never
    # asked at the intake. A status that waits on such facts of one body alone refers to it,
    # with what the person brings along.
    assessed_by: str | None = None
    bring: Texts | None = None
    period: Literal["month", "year", "once"] = "month"  # for amounts: per month, per year, one-off
    # Urgent (engine/explain/questions.py): an input asked before the rest whatever it settles
    # (a threat of eviction or cut-off); a yes/no derived fact that, when it holds, makes its
    # scheme's questions urgent (a bedreigende situatie).
    urgent: bool = False
    # A group of yes/no inputs asked at once where two or more are open ("Geldt een van deze
    # situaties voor u?"): a "no" answers them all; a "yes" asks them one by one.
    group: str | None = Field(default=None, pattern=NAME_PATTERN)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class GroupSpec(Spec):
    """Yes/no inputs asked as one question: the question, after which their labels are listed."""

    question: Texts

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class CollectionSpec(Spec):
    record: str = Field(pattern=NAME_PATTERN)
    from_: str = Field(alias="from")
    label: Texts
    question: Texts | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class FactsFile(Spec):
    """rules/facts.yaml: what the engine reads from a profile."""

    records: dict[str, dict[str, FactSpec]] = Field(default_factory=dict)
    collections: dict[str, CollectionSpec] = Field(default_factory=dict)
    inputs: dict[str, FactSpec] = Field(default_factory=dict)
    groups: dict[str, GroupSpec] = Field(default_factory=dict)


class RuleSpec(Spec):
    id: str = Field(pattern=ID_PATTERN)
    citation: Citation
    valid: Window | None = None
    when: str | bool = True
    then: dict[str, Any] = Field(min_length=1)
    overrides: list[str] = Field(default_factory=list)
    text: Texts


class RulesFile(Spec):
    scheme: str = Field(pattern=NAME_PATTERN)
    law: Law | None = None
    municipality: str | None = None  # rules of one municipality's verordening
    facts: dict[str, FactSpec] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(default_factory=list)
