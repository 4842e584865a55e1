"""What to ask next: missing facts as questions, ranked, never about local policy."""

from __future__ import annotations

import copy
import datetime as dt

from support import ROOT, load_example, plain

import engine
from engine.api import default_plan, evaluate
from engine.explain.advise import _asks, build_advice
from engine.explain.questions import _rank, question_text
from engine.load.yaml_source import read_yaml_file
from engine.model.advice import Advice

DAY = dt.date(2026, 3, 1)


def partial_profile() -> dict:
    return {
        "municipality": "Voorbeeldgemeente",
        "members": [
            {"id": "a", "role": "applicant", "birth_date": "1990-01-01"},
            {"id": "h", "role": "other_resident"},
        ],
    }


def ranked(profile: dict) -> tuple[Advice, list[tuple[object, ...]]]:
    """An advice, and for each of its questions the key it was ranked by."""
    trace = evaluate(profile, DAY)
    advice = build_advice(trace)
    asks = _asks(trace, advice.schemes)
    return advice, [_rank(trace.plan, q, frozenset(), asks) for q in advice.questions]


def test_every_question_is_a_missing_fact_of_an_open_outcome() -> None:
    """The household's questions are the missing facts of its and the applicant's outcomes;
    a question about another member is a missing fact of that member's outcome."""
    advice = engine.advise(partial_profile(), DAY)
    missing = {f for s in advice.household_schemes for f in s.missing_facts}
    assert advice.questions, "a partial profile leaves questions"
    asked = [part for q in advice.questions for part in (q.parts or [q]) if part.schemes]
    assert {q.fact for q in asked if q.member is None} == missing
    # A group also lists the rest of its situations still open, so that one "no" settles it:
    # no outcome waits on those (yet), and none is asked on its own.
    extra = [(q, part) for q in advice.questions for part in q.parts if not part.schemes]
    plan = default_plan()
    assert all(plan.group_of(part.fact) == q.fact for q, part in extra)
    assert not {part.fact for _, part in extra} & missing
    about_housemate = [q for q in advice.questions if q.member is not None]
    assert about_housemate and all(q.member == "h" for q in about_housemate)
    for question in asked:
        for scheme_id in question.schemes:
            scheme = advice.scheme(scheme_id, question.member)
            assert question.fact in scheme.missing_facts
    assert all(q.text.startswith("Over uw medebewoner: ") for q in about_housemate)


def test_questions_are_ranked_by_the_outcomes_they_can_settle() -> None:
    """The household's own questions first, then each other member's; among questions alike
    in urgency and in the opening, by how many outcomes the answer can settle."""
    advice, ranks = ranked(partial_profile())
    questions = advice.questions
    assert ranks == sorted(ranks)
    members = [q.member is not None for q in questions]
    assert members == sorted(members)
    groups: dict[tuple[object, ...], list[int]] = {}
    for question, rank in zip(questions, ranks, strict=True):
        groups.setdefault(rank[:7], []).append(len(question.schemes))
    assert all(counts == sorted(counts, reverse=True) for counts in groups.values())
    assert any(len(counts) > 1 and counts[0] > counts[-1] for counts in groups.values())


def test_a_complete_profile_leaves_no_bijstand_question() -> None:
    advice = engine.advise(load_example(), DAY)
    assert all("algemene_bijstand" not in q.schemes for q in advice.questions)


def test_local_policy_is_never_asked_of_the_citizen() -> None:
    profile = load_example()
    profile["municipality"] = "Utrecht"  # no policy file: minima figures are gaps
    advice = engine.advise(profile, DAY)
    gaps = {g for s in advice.schemes for g in s.policy_gaps}
    assert gaps, "Utrecht sets no local figures"
    assert not gaps & {q.fact for q in advice.questions}
    assert all(not q.fact.startswith("beleid:") for q in advice.questions)


def test_questions_about_a_housemate_name_the_housemate() -> None:
    advice = engine.advise(partial_profile(), DAY)
    birth = next(q for q in advice.questions if q.fact == "medebewoners[0].geboortedatum")
    assert birth.answer_type == "date"
    assert "nummer 1" in birth.text and "geboortedatum" in birth.text


def test_text_facts_offer_their_allowed_answers() -> None:
    advice = engine.advise(partial_profile(), DAY)
    permit = next(q for q in advice.questions if q.fact == "verblijfstitel_aanvrager")
    assert permit.values == [*"abcdefghijkl", "none"]


def test_every_asked_fact_has_a_question_in_both_languages() -> None:
    plan = default_plan()
    for name, fact in plan.inputs.items():
        assert fact.spec.question is not None, name
        assert fact.spec.question.nl.strip() and fact.spec.question.en.strip(), name
    for record, fields in plan.records.items():
        for name, field in fields.items():
            texts = field.spec.question or field.spec.label
            assert texts.nl.strip() and texts.en.strip(), f"{record}.{name}"


def test_questions_follow_the_language_of_the_advice() -> None:
    nl = engine.advise(partial_profile(), DAY, lang="nl").questions
    en = engine.advise(partial_profile(), DAY, lang="en").questions
    assert [q.fact for q in nl] == [q.fact for q in en]
    assert nl[0].text != en[0].text


def test_an_open_status_asks_only_what_it_waits_on() -> None:
    """Issue 24: while a status is open, its scheme lists and asks what the status waits on;
    what only an amount, duty or date reads follows once the status is settled."""
    plan = default_plan()
    advice = engine.advise(partial_profile(), DAY)
    trace = engine.evaluate(partial_profile(), DAY)
    open_ = [s for s in advice.household_schemes if s.status == "undetermined"]
    assert open_
    for scheme in open_:
        status = trace.facts[plan.schemes[scheme.scheme].spec.outputs.status]
        waits_on = {m for m in status.missing if not m.startswith("beleid:")}
        assert set(scheme.missing_facts) == waits_on - set(plan.assessed_by), scheme.scheme


def test_whether_comes_before_how_much() -> None:
    """Issue 24: a question an open status waits on comes before one that only fills in a
    settled outcome. A young disabled bijstand client: whether the Wajong (UWV) applies is asked
    before the bijstand's duties and date, although bijstand (money to live on) ranks higher."""
    suite = plain(read_yaml_file(ROOT / "scenarios" / "wajong" / "wajong.yaml"))
    profile = copy.deepcopy(suite["profiles"]["jongere"])
    del profile["reporting_date"]
    person = profile["members"][0]
    del person["work"]["disabled_before_18_or_during_study"], person["work"]["receives_wajong"]
    del person["education"]["dutch_language_education_8_years"]
    advice = engine.advise(profile, DAY)
    assert advice.scheme("algemene_bijstand").status == "eligible"
    assert advice.scheme("algemene_bijstand").missing_facts  # its duties and date wait
    assert advice.scheme("wajong").status == "undetermined"
    opens = [
        any(advice.scheme(s).status == "undetermined" for s in q.schemes) for q in advice.questions
    ]
    assert opens == sorted(opens, reverse=True) and not opens[-1]
    facts = [q.fact for q in advice.questions]
    assert facts.index("ontvangt_wajong_aanvrager") < facts.index("meldingsdatum")


def test_a_question_ranks_by_the_statuses_that_wait_on_it_then_the_nearest_first() -> None:
    """Issue 24: a couple whose bijstand is settled. Whether they own their home fills in the
    bijstand; for a status it matters only to schemes that wait on many more facts. It does not
    take the bijstand's urgency (money to live on), and comes after the questions whose answer
    can close a status that waits on little else, such as whether there is a work limitation
    (beschut werk, Wajong)."""
    suite = plain(read_yaml_file(ROOT / "scenarios" / "algemene_bijstand" / "normen.yaml"))
    profile = copy.deepcopy(suite["profiles"]["gehuwden"])
    del profile["assets"]["owns_home"], profile["members"][1]["nationality"]
    advice, ranks = ranked(profile)
    questions = advice.questions
    bijstand = advice.scheme("algemene_bijstand")
    assert bijstand.status == "eligible" and "eigen_woning" in bijstand.missing_facts
    facts = [q.fact for q in questions]
    assert facts.index("eigen_woning") > facts.index("arbeidsbeperking_aanvrager")
    open_statuses = [  # the household's and applicant's that wait on a fact (not on policy)
        s
        for s in advice.schemes
        if s.status == "undetermined" and s.member_label is None and s.missing_facts
    ]
    nearest = min(len(s.missing_facts) for s in open_statuses)
    first = questions[0]
    assert any(
        first.fact in s.missing_facts and len(s.missing_facts) == nearest for s in open_statuses
    )
    assert ranks == sorted(ranks)


def test_a_status_that_waits_on_local_policy_is_never_the_nearest_to_settled() -> None:
    """Utrecht sets no meedoen figures: its status waits on the debts and on local policy, and
    no answer closes it. The debts question ranks by the nearest status an answer can close
    (the bijzondere bijstand's two facts), not by the meedoen's one."""
    suite = plain(read_yaml_file(ROOT / "scenarios" / "algemene_bijstand" / "normen.yaml"))
    profile = copy.deepcopy(suite["profiles"]["gehuwden"])
    del profile["assets"]["debts"]
    trace = evaluate(profile, DAY)
    advice = build_advice(trace)
    meedoen = advice.scheme("meedoen")
    assert meedoen.status == "undetermined" and meedoen.policy_gaps
    assert meedoen.missing_facts == ["schulden"]
    closable = [
        len(s.missing_facts)
        for s in advice.schemes
        if s.status == "undetermined" and "schulden" in s.missing_facts and not s.policy_gaps
    ]
    assert _asks(trace, advice.schemes)[("schulden", None)].nearest == min(closable) == 2


def test_the_first_question_for_a_household_threatened_with_eviction_is_about_that_debt() -> None:
    """An eviction threat makes schuldhulpverlening urgent (Wgs art. 4 lid 2: a first
    conversation within 3 working days): what it waits on is asked before anything else."""
    data = copy.deepcopy(load_example())
    data["debts"] = {"eviction_threat": True}
    first = engine.advise(data, DAY).questions[0]
    assert (first.fact, first.member) == ("problematische_schulden", None)
    assert "schuldhulpverlening" in first.schemes
    data["debts"] = {"eviction_threat": False}
    assert engine.advise(data, DAY).questions[0].fact != "problematische_schulden"


def test_a_first_conversation_opens_with_what_comes_in_and_never_orders_by_id() -> None:
    """Who lives here is known; the klantmanager asks what comes in next. Questions that rank
    alike follow the facts files' order (a form's), not the alphabet."""
    plan = default_plan()
    data = {
        "municipality": "Utrecht",
        "members": [
            {"id": "a", "role": "applicant", "birth_date": "1988-04-02"},
            {"id": "p", "role": "partner", "birth_date": "1990-09-14"},
        ],
    }
    advice, ranks = ranked(data)
    questions = advice.questions
    assert [q.fact for q in questions[:2]] == ["inkomsten_aanvrager", "inkomsten_partner"]
    assert ranks == sorted(ranks)
    ranked_alike: dict[tuple[object, ...], list[str]] = {}
    for question, rank in zip(questions, ranks, strict=True):
        ranked_alike.setdefault(rank[:-1], []).append(question.fact)
    alike = max(ranked_alike.values(), key=len)
    assert len(alike) > 2
    assert [plan.declared[f] for f in alike if f in plan.declared] == sorted(
        plan.declared[f] for f in alike if f in plan.declared
    )


def test_what_a_scheme_still_needs_is_listed_as_a_form_asks_it_not_by_id() -> None:
    """An open scheme's missing facts (and their questions, in the same order, a group's as one)
    follow the facts files' order: the exclusions together, the time abroad after them, never
    the alphabet."""
    plan = default_plan()
    advice = engine.advise(partial_profile(), DAY)
    bijstand = advice.scheme("algemene_bijstand")
    missing = bijstand.missing_facts
    assert missing != sorted(missing)
    declared = [plan.declared[f.split("[")[0]] for f in missing]  # a list's fields: the list
    assert declared == sorted(declared)
    # the same order, the exclusions asked as one question
    grouped = [f for f in missing if plan.group_of(f) == "uitsluitingen_aanvrager"]
    assert len(grouped) >= 2
    texts = [question_text(plan, f, "nl") for f in missing if f not in grouped]
    assert [q for q in bijstand.missing_questions if not q.startswith("Geldt")] == texts
    assert len(bijstand.missing_questions) == len(texts) + 1


def test_a_list_items_questions_come_in_its_records_order_never_by_id() -> None:
    """A housemate's birth date first: under the age from which a housemate counts, nothing
    else about him is needed. Then the fields as rules/facts.yaml declares them."""
    plan = default_plan()
    profile = {
        "municipality": "Utrecht",
        "members": [
            {"id": "a", "role": "applicant", "birth_date": "1990-01-01"},
            {"id": "h", "role": "other_resident"},
        ],
    }
    questions = engine.advise(profile, DAY).questions
    fields = [q.fact.split(".", 1)[1] for q in questions if q.fact.startswith("medebewoners[0].")]
    declared = list(plan.records["persoon"])
    assert fields[0] == "geboortedatum" and len(fields) >= 3
    assert fields == sorted(fields, key=declared.index)
    assert fields != sorted(fields)  # not alphabetical
