"""An intake session: start from what is known, answer one question at a time.

    session = IntakeSession({"members": [{"id": "a", "role": "applicant"}]}, date(2026, 3, 1))
    question = session.next_question           # the fact that settles the most open outcomes
    session.answer(question.fact, "1991-09-14", question.member)  # parsed; re-advises

Answers are written into the profile at the path the fact is declared with (`from:` in the
facts files), so the session works for any rule base. A question about another member (for a
person scheme, `question.member`) is answered on that member. Lists are entered item by item
(`item_questions`, `add_item`, `no_items`, `remove_item`: an income's kind and net amount, a
housemate's birth date), never as YAML; members with `add_member` and `remove_member`.

A bad answer raises AnswerError worded as the question, in the session's language ("Vul een
datum in, zoals 14-09-1991."): no fact id, never the value given; what was entered before stays.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.api import advise, default_plan
from engine.compile.plan import Plan
from engine.errors import EngineError, ProfileError
from engine.load.yaml_source import YamlError, read_yaml_text
from engine.model.advice import Advice, Question
from engine.model.profile import Profile, profile_from_dict
from engine.values import Unknown

YES = {"ja", "j", "yes", "y", "waar", "true"}
NO = {"nee", "n", "no", "onwaar", "false"}
NONE = {"geen", "none", "-", "[]"}
ROLE_OF_ROOT = {"applicant": "applicant", "partner": "partner"}
COLLECTION_ROLES = {"children": "child", "other_residents": "other_resident"}
PROFILE_FIELD_OF_PROPERTY = {"municipality_key": "municipality"}
_NOT_YAML = object()
_ITEM = re.compile(r"^(?P<collection>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")


class AnswerError(EngineError):
    """An answer that does not fit its question, worded as the question in the session's
    language ("Vul een datum in, zoals 14-09-1991."): no fact id, never the answer given."""


# How to ask again, per kind of answer: what a person reads after a wrong answer.
ASK_AGAIN = {
    "nl": {
        "bool": "Antwoord met ja of nee.",
        "date": "Vul een datum in, zoals 14-09-1991.",
        "money": "Vul een bedrag in euro's in, zoals 1250,50.",
        "number": "Vul een getal in, zoals 12.",
        "choice": "Kies een van: {values}.",
        "list": "Voeg ze een voor een toe, of antwoord geen.",
        "fits": "Dit antwoord kan niet kloppen. Kijk het na en probeer het opnieuw.",
        "role": "Kies partner, kind of medebewoner.",
        "member": "Die persoon staat niet (meer) in het huishouden.",
        "item": "Dat nummer staat niet in de lijst.",
    },
    "en": {
        "bool": "Answer yes or no.",
        "date": "Give a date, such as 14-09-1991.",
        "money": "Give an amount in euros, such as 1250.50.",
        "number": "Give a number, such as 12.",
        "choice": "Choose one of: {values}.",
        "list": "Add them one at a time, or answer none.",
        "fits": "This answer cannot be right. Check it and try again.",
        "role": "Choose partner, child or housemate.",
        "member": "That person is not (or no longer) in the household.",
        "item": "That number is not in the list.",
    },
}
ROLES = {  # the words a person may type for a member's role
    "partner": "partner",
    "child": "child",
    "kind": "child",
    "other_resident": "other_resident",
    "medebewoner": "other_resident",
    "housemate": "other_resident",
}
MEMBER_IDS = {"partner": "partner", "child": "kind", "other_resident": "medebewoner"}


@dataclass(frozen=True)
class ItemQuestion:
    """One field of an item of a list (an income's kind, its net amount per month)."""

    field: str
    text: str
    answer_type: str
    values: list[str]


BIRTH_DATE = ItemQuestion("birth_date", "", "date", [])


class IntakeSession:
    def __init__(
        self,
        profile: dict[str, Any] | None,
        peildatum: dt.date,
        plan: Plan | None = None,
        lang: str = "nl",
    ):
        self.profile = (
            copy.deepcopy(profile)
            if profile
            else {"members": [{"id": "aanvrager", "role": "applicant"}]}
        )
        self.peildatum = peildatum
        self.plan = plan or default_plan()
        self.lang = lang
        self.skipped: set[tuple[str, str | None]] = set()
        self.advice = self._advise()

    @property
    def open_questions(self) -> list[Question]:
        """The advice's questions still to ask, in order: a group of questions set aside
        (answered "yes", or skipped) gives its questions an outcome waits on one by one in its
        place."""
        found = []
        for question in self.advice.questions:
            if (question.fact, question.member) not in self.skipped:
                found.append(question)
            else:
                found += [
                    q
                    for q in question.parts
                    if q.schemes and (q.fact, q.member) not in self.skipped
                ]
        return found

    @property
    def next_question(self) -> Question | None:
        return next(iter(self.open_questions), None)

    def skip(self, fact: str, member: str | None = None) -> None:
        """Leave a question for later; it stays unknown (a group's: ask its questions)."""
        self.skipped.add((fact, member))

    def answer(self, fact: str, answer: Any, member: str | None = None) -> Advice:
        """Record one answer and return the updated advice. `member`: the question is about
        that member (`Question.member`), and the answer is written to them. A group of yes/no
        questions: "no" answers each of them no; "yes" asks them one by one."""
        asked = [part for q in self.advice.questions for part in (q, *q.parts)]
        question = next((q for q in asked if q.fact == fact and q.member == member), None) or next(
            (q for q in self.urgent_questions() if q.fact == fact and member is None), None
        )
        if question is None:
            raise AnswerError(f"'{fact}' is not an open question of this intake")
        value = self._read(question, answer)
        if question.parts and not isinstance(value, bool):
            raise AnswerError(ASK_AGAIN[self.lang]["bool"])
        if value is True and question.parts:
            self.skipped.add((fact, member))
            return self.advice
        updated = copy.deepcopy(self.profile)
        for part in question.parts or [question]:
            if member is None:
                _write(self.plan, updated, part.fact, value)
            else:
                _write_for(self.plan, updated, part.fact, member, value)
        self.skipped.discard((fact, member))
        return self._take(updated)

    def urgent_questions(self) -> list[Question]:
        """The inputs the rules mark urgent (a threat of eviction, of a cut-off, of losing the
        health insurance) that are not answered yet: a klantmanager asks them at the opening,
        whatever an outcome waits on, since they make the first conversation due sooner."""
        from engine.explain.questions import urgent_question
        from engine.run.evaluate import read_profile

        known = read_profile(self.plan, self.validated_profile())
        return [
            urgent_question(self.plan, name, self.lang)
            for name, fact in self.plan.inputs.items()
            if fact.spec.urgent
            and type(known.get(name)) is Unknown
            and (name, None) not in self.skipped
        ]

    # --- lists, item by item, and the members of the household -------------------------------

    def item_questions(self, fact: str) -> list[ItemQuestion]:
        """What to ask for each item of a list (`Question.answer_type` "list")."""
        record = self.plan.records[self.plan.collections[fact].record]
        return [
            ItemQuestion(
                name,
                getattr(spec.spec.question or spec.spec.label, self.lang),
                spec.spec.type,
                list(spec.spec.values or ()),
            )
            for name, spec in record.items()
        ]

    def add_item(self, fact: str, answers: Mapping[str, Any], member: str | None = None) -> Advice:
        """Add one item to a list (an income: its kind and net amount), each answer typed as
        at the prompt or given as a value. The list counts as complete with it; add the next
        one, or stop. A household list (children, housemates) adds a member."""
        by_field = {q.field: q for q in self.item_questions(fact)}
        record = self.plan.records[self.plan.collections[fact].record]
        item: dict[str, Any] = {}
        for name, answer in answers.items():
            if name not in by_field:
                raise AnswerError(ASK_AGAIN[self.lang]["fits"])
            value = self._read(by_field[name], answer)
            _set(item, (record[name].spec.from_ or name).split("."), value)
        path = self.plan.source_path(fact)
        updated = copy.deepcopy(self.profile)
        if path in COLLECTION_ROLES:
            role = COLLECTION_ROLES[path]
            updated["members"].append({"id": _new_id(updated, role), "role": role, **item})
        else:
            items = _list_at(self.plan, updated, fact, member, self.lang)
            items.append(item)
        return self._take(updated)

    def no_items(self, fact: str, member: str | None = None) -> Advice:
        """The list is empty (no income, no special costs): known, not unknown."""
        updated = copy.deepcopy(self.profile)
        if self.plan.source_path(fact) not in COLLECTION_ROLES:
            _list_at(self.plan, updated, fact, member, self.lang).clear()
        return self._take(updated)

    def remove_item(self, fact: str, index: int, member: str | None = None) -> Advice:
        """Take an item out of a list again (numbered from 0, as `items` lists them)."""
        updated = copy.deepcopy(self.profile)
        path = self.plan.source_path(fact)
        if path in COLLECTION_ROLES:
            people = _members_with(updated, COLLECTION_ROLES[path])
            if not 0 <= index < len(people):
                raise AnswerError(ASK_AGAIN[self.lang]["item"])
            updated["members"].remove(people[index])
        else:
            items = _list_at(self.plan, updated, fact, member, self.lang)
            if not 0 <= index < len(items):
                raise AnswerError(ASK_AGAIN[self.lang]["item"])
            del items[index]
        return self._take(updated)

    def add_member(self, role: str, birth_date: Any = None) -> str:
        """Add a member of the household (partner, child, housemate: also in Dutch) with a
        birth date if known; returns the new member's id."""
        chosen = ROLES.get(str(role).strip().lower())
        if chosen is None:
            raise AnswerError(ASK_AGAIN[self.lang]["role"])
        member: dict[str, Any] = {"id": _new_id(self.profile, chosen), "role": chosen}
        if birth_date is not None:
            member["birth_date"] = self._read(BIRTH_DATE, birth_date)
        updated = copy.deepcopy(self.profile)
        updated["members"].append(member)
        self._take(updated)
        return member["id"]

    def set_birth_date(self, member_id: str, birth_date: Any) -> Advice:
        """A member's date of birth, typed as at the prompt (14-09-1991) or as a date."""
        value = self._read(BIRTH_DATE, birth_date)
        updated = copy.deepcopy(self.profile)
        found = [m for m in updated["members"] if m.get("id") == member_id]
        if not found:
            raise AnswerError(ASK_AGAIN[self.lang]["member"])
        found[0]["birth_date"] = value
        return self._take(updated)

    def remove_member(self, member_id: str) -> Advice:
        updated = copy.deepcopy(self.profile)
        found = [m for m in updated["members"] if m.get("id") == member_id]
        if not found or found[0].get("role") == "applicant":
            raise AnswerError(ASK_AGAIN[self.lang]["member"])
        updated["members"].remove(found[0])
        return self._take(updated)

    def _read(self, question: Question | ItemQuestion, answer: Any) -> Any:
        """An answer typed as at the prompt is parsed by its question; a value is kept."""
        return parse_answer(question, answer, self.lang) if isinstance(answer, str) else answer

    def _take(self, updated: dict[str, Any]) -> Advice:
        """Keep a changed profile if it is valid, and advise again; otherwise keep what was
        entered before and say so, worded for the person (never the value, never a field id)."""
        try:
            profile_from_dict(updated)
            valid = True
        except ProfileError:
            valid = False
        if not valid:  # raised outside `except`: no hidden context with the profile
            raise AnswerError(ASK_AGAIN[self.lang]["fits"])
        self.profile = updated
        self.advice = self._advise()
        return self.advice

    def _advise(self) -> Advice:
        return advise(self.profile, self.peildatum, self.plan, self.lang)

    def validated_profile(self) -> Profile:
        return profile_from_dict(self.profile)


def parse_answer(question: Question | ItemQuestion, text: str, lang: str = "nl") -> Any:
    """Read a typed answer: ja/nee, a date, an amount (Dutch or plain), a number, a choice."""
    words = ASK_AGAIN[lang]
    raw = text.strip()
    kind = question.answer_type
    if kind == "bool":
        if raw.lower() in YES:
            return True
        if raw.lower() in NO:
            return False
        raise AnswerError(words["bool"])
    if kind == "date":
        for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(raw, pattern).date().isoformat()
            except ValueError:
                continue
        raise AnswerError(words["date"])
    if kind in ("money", "number"):
        return _number(raw, kind, lang)
    if kind == "text":
        if question.values:
            chosen = {v.lower(): v for v in question.values}.get(raw.lower())
            if chosen is None:
                raise AnswerError(words["choice"].format(values=", ".join(question.values)))
            return chosen
        return raw
    if kind == "list":
        if raw.lower() in NONE:
            return []
        try:
            items = read_yaml_text(raw, question.fact)
        except YamlError:  # raised below, not here: the YAML error quotes the answer's text
            items = _NOT_YAML
        if items is _NOT_YAML or not isinstance(items, list):
            raise AnswerError(words["list"])
        return items
    raise AnswerError(words["fits"])


def _number(raw: str, kind: str, lang: str) -> Any:
    text = raw.replace("€", "").replace(" ", "")
    if "," in text:  # Dutch: 1.234,56
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise AnswerError(ASK_AGAIN[lang][kind])
    if kind == "number" and number == number.to_integral_value():
        return int(number)
    return str(number)


def _write(plan: Plan, profile: dict[str, Any], fact: str, value: Any) -> None:
    """Put an answer where the fact is read from."""
    item = _ITEM.match(fact)
    if item:
        collection = plan.collections[item["collection"]]
        field = plan.records[collection.record][item["field"]].spec.from_ or ""
        owner = _item_of(profile, collection.from_, int(item["index"]), fact)
        _set(owner, field.split("."), value)
        return
    root, *rest = plan.source_path(fact).split(".")
    if root in ROLE_OF_ROOT:
        _set(_member(profile, ROLE_OF_ROOT[root], fact), rest, value)
    else:
        _set(profile, [PROFILE_FIELD_OF_PROPERTY.get(root, root), *rest], value)


def _write_for(plan: Plan, profile: dict[str, Any], fact: str, member: str, value: Any) -> None:
    """Put an answer about another member where the fact reads the person the rules speak of
    (`applicant.` in its `from:` path), on that member."""
    root, *rest = plan.source_path(fact).split(".")
    owner = next((m for m in profile.get("members", []) if m.get("id") == member), None)
    if root != "applicant" or owner is None:
        raise AnswerError(f"'{fact}' cannot be answered for that member")
    _set(owner, rest, value)


def _member(profile: dict[str, Any], role: str, fact: str) -> dict[str, Any]:
    for member in profile.get("members", []):
        if member.get("role") == role:
            return member
    raise AnswerError(f"'{fact}' is about the {role}, who is not in the household")


def _item_of(profile: dict[str, Any], path: str, index: int, fact: str) -> dict[str, Any]:
    role = COLLECTION_ROLES.get(path)
    if role is not None:  # numbered as the rules number them: by member id
        items = sorted(
            (m for m in profile.get("members", []) if m.get("role") == role),
            key=lambda m: str(m.get("id", "")),
        )
    else:  # a list inside the profile, such as minima.special_costs or applicant.incomes
        root, *rest = path.split(".")
        node: Any = _member(profile, ROLE_OF_ROOT[root], fact) if root in ROLE_OF_ROOT else profile
        for key in rest if root in ROLE_OF_ROOT else [root, *rest]:
            node = node.get(key) if isinstance(node, dict) else None
        items = node if isinstance(node, list) else []
    if index >= len(items) or not isinstance(items[index], dict):
        raise AnswerError(f"'{fact}' is about an item that is not there")
    return items[index]


def _list_at(
    plan: Plan, profile: dict[str, Any], fact: str, member: str | None, lang: str
) -> list[Any]:
    """The list a list fact reads, in the profile (made empty where it is not there yet)."""
    root, *rest = plan.source_path(fact).split(".")
    if member is not None and root == "applicant":
        owner = next((m for m in profile.get("members", []) if m.get("id") == member), None)
    elif root in ROLE_OF_ROOT:
        owner = next(
            (m for m in profile.get("members", []) if m.get("role") == ROLE_OF_ROOT[root]), None
        )
    else:
        owner, rest = profile, [root, *rest]
    if owner is None:
        raise AnswerError(ASK_AGAIN[lang]["member"])
    node = owner
    for key in rest[:-1]:
        node = node.setdefault(key, {})
    items = node.get(rest[-1])
    if not isinstance(items, list):
        items = node[rest[-1]] = []
    return items


def _members_with(profile: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The members of a role, numbered as the rules number them: by member id."""
    return sorted(
        (m for m in profile.get("members", []) if m.get("role") == role),
        key=lambda m: str(m.get("id", "")),
    )


def _new_id(profile: dict[str, Any], role: str) -> str:
    """An id for a new member: 'partner', 'kind_2', 'medebewoner_1' (never a name)."""
    taken = {str(m.get("id")) for m in profile.get("members", [])}
    base = MEMBER_IDS[role]
    if role == "partner" and base not in taken:
        return base
    number = 1
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


def _set(node: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value
