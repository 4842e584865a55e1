"""An intake session: start from what is known, answer one question at a time.

    session = IntakeSession({"members": [{"id": "a", "role": "applicant"}]}, date(2026, 3, 1))
    question = session.next_question           # the fact that settles the most open outcomes
    session.answer(question.fact, "1991-09-14", question.member)  # parsed; re-advises

Answers are written into the profile at the path the fact is declared with (`from:` in the
facts files), so the session works for any rule base. A question about another member (for a
person scheme, `question.member`) is answered on that member. A bad answer raises AnswerError naming
the fact and what is expected, never the value given.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.api import advise, default_plan
from engine.compile.plan import Plan
from engine.errors import EngineError, ProfileError
from engine.load.yaml_source import YamlError, read_yaml_text
from engine.model.advice import Advice, Question
from engine.model.profile import Profile, profile_from_dict

YES = {"ja", "j", "yes", "y", "waar", "true"}
NO = {"nee", "n", "no", "onwaar", "false"}
NONE = {"geen", "none", "-", "[]"}
ROLE_OF_ROOT = {"applicant": "applicant", "partner": "partner"}
COLLECTION_ROLES = {"children": "child", "other_residents": "other_resident"}
PROFILE_FIELD_OF_PROPERTY = {"municipality_key": "municipality"}
_NOT_YAML = object()
_ITEM = re.compile(r"^(?P<collection>\w+)\[(?P<index>\d+)\]\.(?P<field>\w+)$")


class AnswerError(EngineError):
    """An answer that does not fit its question."""


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
    def next_question(self) -> Question | None:
        return next(
            (q for q in self.advice.questions if (q.fact, q.member) not in self.skipped), None
        )

    def skip(self, fact: str, member: str | None = None) -> None:
        """Leave a question for later; it stays unknown."""
        self.skipped.add((fact, member))

    def answer(self, fact: str, answer: Any, member: str | None = None) -> Advice:
        """Record one answer and return the updated advice. `member`: the question is about
        that member (`Question.member`), and the answer is written to them."""
        question = next(
            (q for q in self.advice.questions if q.fact == fact and q.member == member), None
        )
        if question is None:
            raise AnswerError(f"'{fact}' is not an open question of this intake")
        value = parse_answer(question, answer) if isinstance(answer, str) else answer
        updated = copy.deepcopy(self.profile)
        if member is None:
            _write(self.plan, updated, fact, value)
        else:
            _write_for(self.plan, updated, fact, member, value)
        try:
            profile_from_dict(updated)
            problems = None
        except ProfileError as exc:
            problems = "; ".join(message for _, message in exc.errors)
        if problems is not None:  # raised outside `except`: no hidden context with the profile
            raise AnswerError(f"the answer to '{fact}' does not fit: {problems}")
        self.profile = updated
        self.skipped.discard((fact, member))
        self.advice = self._advise()
        return self.advice

    def _advise(self) -> Advice:
        return advise(self.profile, self.peildatum, self.plan, self.lang)

    def validated_profile(self) -> Profile:
        return profile_from_dict(self.profile)


def parse_answer(question: Question, text: str) -> Any:
    """Read a typed answer: ja/nee, a date, an amount (Dutch or plain), a number, a choice."""
    raw = text.strip()
    kind = question.answer_type
    if kind == "bool":
        if raw.lower() in YES:
            return True
        if raw.lower() in NO:
            return False
        raise AnswerError(f"'{question.fact}' needs ja or nee (yes or no)")
    if kind == "date":
        for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(raw, pattern).date().isoformat()
            except ValueError:
                continue
        raise AnswerError(f"'{question.fact}' needs a date: YYYY-MM-DD or DD-MM-YYYY")
    if kind in ("money", "number"):
        return _number(question.fact, raw, kind)
    if kind == "text":
        if question.values:
            chosen = {v.lower(): v for v in question.values}.get(raw.lower())
            if chosen is None:
                raise AnswerError(f"'{question.fact}' needs one of: {', '.join(question.values)}")
            return chosen
        return raw
    if kind == "list":
        if raw.lower() in NONE:
            return []
        try:
            items = read_yaml_text(raw, question.fact)
        except YamlError:  # raised below, not here: the YAML error quotes the answer's text
            items = _NOT_YAML
        if items is _NOT_YAML:
            raise AnswerError(
                f"'{question.fact}' needs a list like [{{kind: wages, net_monthly: 1200}}] or geen"
            )
        if not isinstance(items, list):
            raise AnswerError(f"'{question.fact}' needs a list, or geen")
        return items
    raise AnswerError(f"'{question.fact}' cannot be answered here")


def _number(fact: str, raw: str, kind: str) -> Any:
    text = raw.replace("€", "").replace(" ", "")
    if "," in text:  # Dutch: 1.234,56
        text = text.replace(".", "").replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise AnswerError(f"'{fact}' needs a number, like 1234,56") from None
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


def _set(node: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value
