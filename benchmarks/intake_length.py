"""How long an intake is: simulated on the bundled example and every scenario household.

    python benchmarks/intake_length.py [--on 2026-03-01]

For each household: start from its members (id and role) and municipality, take the first open
question the complete profile can answer, answer it from that profile, and count, until no open
question is one the profile answers. Prints, per household and in total, the answers given, the
schemes still undetermined after 15 answers and at the end. It asserts nothing; the guard is
tests/test_intake_length.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import engine  # noqa: E402
from engine.compile.plan import Plan  # noqa: E402
from engine.errors import EngineError  # noqa: E402
from engine.intake import IntakeSession  # noqa: E402
from engine.load.yaml_source import read_yaml_file  # noqa: E402

DAY = dt.date(2026, 3, 1)
SHORT = 15  # the aim: a typical first intake settled or referred within 15 answers
LIMIT = 200
ROLE_ROOTS = {"applicant": "applicant", "partner": "partner"}
LIST_ROLES = {"children": "child", "other_residents": "other_resident"}


@dataclass
class Length:
    household: str
    answers: int
    open_after_short: int  # schemes undetermined after SHORT answers
    open_at_end: int
    # The answers after which every outcome (each scheme, per member) has the status it ends
    # with: settled or referred as far as the profile can settle it. What follows asks for
    # amounts, duties and dates.
    settled_at: int = 0


def households() -> dict[str, dict[str, Any]]:
    """The bundled example and every base profile of the scenario suites, by name."""
    found = {
        "example": _plain(read_yaml_file(ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"))
    }
    for path in sorted((ROOT / "scenarios").rglob("*.yaml")):
        suite = read_yaml_file(path)
        for name, profile in sorted((suite.get("profiles") or {}).items()):
            found[f"{path.parent.name}/{path.stem}/{name}"] = _plain(profile)
    return found


def simulate(plan: Plan, complete: dict[str, Any], day: dt.date = DAY) -> Length | None:
    """The answers an intake takes for one household (None if the profile does not validate).
    The answers are read from the complete profile as the engine reads it: with what its facts
    imply (zero weeks abroad: not abroad), as the person would answer."""
    try:
        complete = engine.profile_from_dict(complete).model_dump(exclude_none=True)
    except EngineError:
        return None
    start = {
        "members": [{"id": m["id"], "role": m["role"]} for m in complete["members"]],
        **({"municipality": complete["municipality"]} if "municipality" in complete else {}),
    }
    try:
        session = IntakeSession(start, day, plan)
    except EngineError:
        return None
    answers, open_after_short = 0, None
    statuses = [_statuses(session)]  # after each answer
    while answers < LIMIT:
        if answers == SHORT:
            open_after_short = _open(session)
        step = next(
            (
                (q, value)
                for q in getattr(session, "open_questions", session.advice.questions)
                if (value := _answer(plan, complete, q)) is not MISSING
            ),
            None,
        )
        if step is None:
            break
        if step[1] is SET_ASIDE:  # a group the profile answers only in part: one by one
            session.skip(step[0].fact, getattr(step[0], "member", None))
            continue
        question, value = step
        member = getattr(question, "member", None)
        try:
            if member is None:
                session.answer(question.fact, value)
            else:
                session.answer(question.fact, value, member)
        except EngineError:
            break  # an answer the session refuses: the simulation cannot go on
        answers += 1
        statuses.append(_statuses(session))
    end = _open(session)
    settled_at = answers
    while settled_at > 0 and statuses[settled_at - 1] == statuses[-1]:
        settled_at -= 1
    return Length(
        "", answers, end if open_after_short is None else open_after_short, end, settled_at
    )


def _statuses(session: IntakeSession) -> tuple[tuple[str, str | None, str], ...]:
    return tuple((s.scheme, getattr(s, "member", None), s.status) for s in session.advice.schemes)


def _open(session: IntakeSession) -> int:
    schemes = getattr(session.advice, "household_schemes", session.advice.schemes)  # older engines
    return sum(1 for s in schemes if s.status == "undetermined")


MISSING = object()
SET_ASIDE = object()


def _answer(plan: Plan, complete: dict[str, Any], question: Any) -> Any:
    """A question's answer from the complete profile. A group of yes/no questions: yes if one
    holds, no if none does; where the profile leaves some open and none holds, the group is set
    aside so that its questions are answered one by one, as the profile can."""
    member = getattr(question, "member", None)
    parts = getattr(question, "parts", None)
    if not parts:
        return answer_from(plan, complete, question.fact, member)
    values = [answer_from(plan, complete, part.fact, member) for part in parts]
    if any(value is True for value in values):
        return True
    if all(value is False for value in values):
        return False
    return SET_ASIDE if any(value is not MISSING for value in values) else MISSING


def answer_from(plan: Plan, complete: dict[str, Any], fact: str, member: str | None) -> Any:
    """What the complete profile says for a question, read where the intake would write it."""
    if "[" in fact:
        collection_name, _, rest = fact.partition("[")
        index_text, _, field_name = rest.partition("].")
        collection = plan.collections[collection_name]
        path = plan.records[collection.record][field_name].spec.from_ or ""
        role = LIST_ROLES.get(collection.from_ or "")
        if role is None:
            return MISSING
        items = sorted((m for m in complete["members"] if m["role"] == role), key=lambda m: m["id"])
        if int(index_text) >= len(items):
            return MISSING
        return _get(items[int(index_text)], path.split("."))
    root, *rest = plan.source_path(fact).split(".")
    if member is not None:
        node = next((m for m in complete["members"] if m["id"] == member), None)
        return MISSING if node is None or root != "applicant" else _get(node, rest)
    if root in ROLE_ROOTS:
        node = next((m for m in complete["members"] if m["role"] == ROLE_ROOTS[root]), None)
        return MISSING if node is None else _get(node, rest)
    if root == "municipality_key":
        return complete.get("municipality", MISSING)
    return _get(complete, [root, *rest])


def _get(node: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(node, dict) or key not in node or node[key] is None:
            return MISSING
        node = node[key]
    return node


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    return node


def measure(plan: Plan, day: dt.date = DAY) -> list[Length]:
    lengths = []
    for name, profile in households().items():
        length = simulate(plan, profile, day)
        if length is not None:
            length.household = name
            lengths.append(length)
    return lengths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--on", type=dt.date.fromisoformat, default=DAY)
    args = parser.parse_args()
    lengths = measure(engine.load_plan(), args.on)
    for length in lengths:
        print(
            f"{length.household:<60} {length.answers:>4} answers, "
            f"{length.open_after_short:>2} open after {SHORT}, {length.open_at_end:>2} at the end, "
            f"statuses settled after {length.settled_at:>2}"
        )
    answers = [length.answers for length in lengths]
    within = sum(1 for length in lengths if length.answers <= SHORT)
    settled = [length.settled_at for length in lengths]
    print(
        f"{len(lengths)} households: median {statistics.median(answers)} answers, "
        f"at most {max(answers)}; {within} done within {SHORT}; "
        f"median {statistics.median(x.open_after_short for x in lengths)} schemes open after {SHORT}"
    )
    print(
        f"statuses settled or referred: median after {statistics.median(settled)} answers, "
        f"at most {max(settled)}; {sum(1 for n in settled if n <= SHORT)} within {SHORT}"
    )


if __name__ == "__main__":
    main()
