"""Turn a run's trace into the Advice: per scheme its status, amounts, duties and the why.

The output objects are built with `model_construct`: their content comes from a checked plan
and a validated profile, so validating it again would only cost time.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from engine.compile.plan import POLICY_PREFIX, Plan, Rule, figure_gap_from, not_asked
from engine.explain.format import STATUS_WORDS, day, fill, lower_first, value_text
from engine.explain.outcome import (
    applied_rules,
    asked_for,
    fact_value,
    known_amounts,
    main_amount,
    main_period,
    main_span,
    missing_inputs,
    scheme_status,
    status_referral,
)
from engine.explain.questions import (
    UNBOUNDED,
    Ask,
    in_form_order,
    question_text,
    questions_asked,
    rank_questions,
)
from engine.explain.why import decisive_conditions
from engine.lang import ir
from engine.lang.compile import compile_expr
from engine.lang.ir import names_in
from engine.load.specs import Citation
from engine.model.advice import (
    Abbreviation,
    Advice,
    AgendaItem,
    Amount,
    AppliedRule,
    CitationOut,
    Condition,
    Conflict,
    Deadline,
    DiscretionPoint,
    Household,
    Item,
    Question,
    Receipt,
    SchemeAdvice,
    Value,
)
from engine.model.profile import Role
from engine.run.evaluate import DEFAULT, Trace
from engine.values import FIGURE_PREFIX, Unknown, to_cents


def build_advice(trace: Trace, lang: str = "nl") -> Advice:
    plan = trace.plan
    shared = _Rendered()
    household = [_scheme_advice(_SchemeView(trace, s, lang, shared)) for s in sorted(plan.schemes)]
    schemes = _with_members(trace, household, lang)
    questions = rank_questions(
        plan,
        _asks(trace, schemes),
        lang,
        {
            member: ASK_MEMBER[lang].format(who=word)
            for member, word in _member_words(list(trace.members.values()), lang).items()
        },
        _urgent_schemes(trace),
        _Unanswered(trace),
    )
    receipt = _receipt(trace, lang)
    policy = plan.municipalities.get(trace.dated.municipality or "")
    return Advice.model_construct(
        receipt=receipt,
        municipality=policy.spec.name if policy else trace.municipality,
        notices=_notices(plan, trace.peildatum, lang),
        schemes=schemes,
        agenda=_agenda(schemes, trace.peildatum),
        questions=questions,
        abbreviations=_abbreviations(trace, schemes, questions, lang),
        household=Household(
            adults=trace.roles.get("applicant", 0) + trace.roles.get("partner", 0),
            children=trace.roles.get("child", 0),
            other_residents=trace.roles.get("other_resident", 0),
        ),
    )


ASK_MEMBER = {"nl": "Over uw {who}: ", "en": "About your {who}: "}
ROLE_WORDS = {
    "nl": {"partner": "partner", "child": "kind", "other_resident": "medebewoner"},
    "en": {"partner": "partner", "child": "child", "other_resident": "housemate"},
}


def _with_members(trace: Trace, household: list[SchemeAdvice], lang: str) -> list[SchemeAdvice]:
    """Each person scheme's outcome for the applicant, then for each other member judged
    (engine/run/members.py), named "Inburgering - partner"."""
    if trace.member_id is None:
        return household
    runs = list(trace.members.values())
    words = _member_words(runs, lang)
    residents = {run.member_id: _residents_named(trace, run, words, lang) for run in runs}
    schemes: list[SchemeAdvice] = []
    rendered = {run.member_id: _Rendered() for run in runs}  # each run's values, rendered once
    for advice in household:
        schemes.append(advice)
        if not trace.plan.schemes[advice.scheme].spec.per_person:
            continue
        for run in runs:
            member = run.member_id
            view = _SchemeView(
                run, advice.scheme, lang, rendered[member], residents[member], words[member or ""]
            )
            schemes.append(_scheme_advice(view))
    return schemes


def _as_asked(view: _SchemeView, facts: list[str]) -> list[str]:
    """The questions for facts of a member's outcome as the intake asks them (`_in_household`):
    what the household's own questions cover in the household's words ("Welke nationaliteit
    heeft uw partner?", "Welke inkomsten heeft u?"), the rest about the member ("Over uw
    medebewoner: Heeft u ...?"). The member's "u" is for the explanation; a question's "u" is
    whom the klantmanager asks, as everywhere else."""
    run, plan, lang = view.trace, view.plan, view.lang
    household, own = [], []
    for fact in facts:
        key = _in_household(plan, fact, run.member_id or "", run.member_role)
        if key is not None and key[1] is None:
            household.append(key[0])
        else:
            own.append(fact)
    ask = ASK_MEMBER[lang].format(who=view.member_label)
    return [
        *questions_asked(plan, in_form_order(plan, household), lang),
        *(ask + q for q in questions_asked(plan, own, lang, view.residents)),
    ]


# In a member's own view the others are its "andere bewoners"; where "u" means that member,
# they are named as the household knows them.
RESIDENT_WORDS = {
    "nl": {
        "applicant": "de aanvrager",
        "partner": "de partner van de aanvrager",
        "child": "het kind van de aanvrager",
        "numbered child": "kind {n} van de aanvrager",
        "other_resident": "de medebewoner",
        "numbered other_resident": "medebewoner {n}",
        "young child": "een kind van de aanvrager",
    },
    "en": {
        "applicant": "the applicant",
        "partner": "the applicant's partner",
        "child": "the applicant's child",
        "numbered child": "child {n} of the applicant",
        "other_resident": "the housemate",
        "numbered other_resident": "housemate {n}",
        "young child": "a child of the applicant",
    },
}


def _residents_named(trace: Trace, run: Trace, words: dict[str, str], lang: str) -> dict[str, str]:
    """For a member's view: each of its other residents (`medebewoners[0]`) in words."""
    said = RESIDENT_WORDS[lang]
    plan = trace.plan
    lists = [name for name in plan.collections if plan.source_path(name) == "other_residents"]
    named: dict[str, str] = {}
    for index, (member, role) in enumerate(run.residents if lists else ()):
        if member == trace.member_id:
            who = said["applicant"]
        elif member not in words:  # not judged: a child under 16
            who = said["young child"]
        elif (number := words[member].rpartition(" ")[2]).isdigit():
            who = said[f"numbered {role}"].format(n=number)
        else:
            who = said[role]
        named[f"{lists[0]}[{index}]"] = who
    return named


def _member_words(runs: list[Trace], lang: str) -> dict[str, str]:
    """Who each other member is, in words: "partner", "medebewoner", or "kind 1", "kind 2"
    where a role occurs more than once (numbered by member id, as the runs are ordered)."""
    roles = [run.member_role or "" for run in runs]
    counted: dict[str, int] = {}
    words = {}
    for run, role in zip(runs, roles, strict=True):
        word = ROLE_WORDS[lang][role]
        if roles.count(role) > 1:
            # counted, not looked up: runs compare by value, all their facts (slow)
            counted[role] = counted.get(role, 0) + 1
            word += f" {counted[role]}"
        words[run.member_id or ""] = word
    return words


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
            key = (fact, None) if own is None else _in_household(plan, fact, own, roles[own])
            if key is not None:
                asks.setdefault(key, Ask()).waits(scheme.scheme, status_open, distance)
    return asks


def _in_household(
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


_WORDS = re.compile(r"\w+")


@lru_cache(maxsize=16)
def _glossary(plan: Plan) -> tuple[tuple[str, str, bool, bool, Any], ...]:
    """Per glossary term: the term, its words as matched, exact or any case, one word or more.

    An abbreviation (with a capital) matches exactly; a term in lower case in any case.
    """
    glossary: dict[str, Any] = {}
    for scheme in plan.schemes.values():
        glossary.update(scheme.glossary)
    entries = []
    for term in sorted(glossary, key=str.lower):
        exact = any(c.isupper() for c in term)
        words = _WORDS.findall(term if exact else term.lower())
        entries.append((term, " ".join(words), exact, len(words) == 1, glossary[term]))
    return tuple(entries)


@lru_cache(maxsize=8192)
def _terms_in(plan: Plan, text: str) -> frozenset[str]:
    """The glossary terms in one template or fixed text (a bounded set: cached)."""
    tokens = _WORDS.findall(text)
    lower = [t.lower() for t in tokens]
    exact_words, lower_words = set(tokens), set(lower)
    exact_text, lower_text = f" {' '.join(tokens)} ", f" {' '.join(lower)} "
    found = set()
    for term, words, exact, single, _ in _glossary(plan):
        if single:
            hit = words in (exact_words if exact else lower_words)
        else:  # several words in a row
            hit = f" {words} " in (exact_text if exact else lower_text)
        if hit:
            found.add(term)
    return frozenset(found)


def _label_of(plan: Plan, name: str, lang: str) -> str:
    spec = plan.fact_spec(name) or (plan.parameters[name].spec if name in plan.parameters else None)
    return getattr(spec.label, lang) if spec else ""


def _abbreviations(
    trace: Trace, schemes: list[SchemeAdvice], questions: list[Question], lang: str
) -> list[Abbreviation]:
    """The glossary terms this advice shows, in alphabetical order: those in the texts of the
    rules it shows, in every other text of its outcomes and in its questions.

    A rule's text is searched as its template, never with the values filled in, so that each
    template is searched once; the other texts are fixed wordings (names, labels, questions).
    """
    plan = trace.plan
    texts = [
        getattr(trace.dated.rules[rule_id].text, lang) for rule_id in _shown_rules(trace, schemes)
    ]
    for scheme in schemes:
        texts += _fixed_texts(plan, scheme, lang)
    texts += [question.text for question in questions]
    used = set().union(*(_terms_in(plan, text) for text in set(texts)))
    for scheme in schemes:  # what would turn a condition: a label and a value, searched as it
        for condition in scheme.decisive_conditions:  # is and not cached (a text per value)
            if condition.would_change:
                used |= _terms_in.__wrapped__(plan, condition.would_change)
    meanings = {term: meaning for term, _, _, _, meaning in _glossary(plan)}
    return [
        Abbreviation(term=term, meaning=getattr(meanings[term], lang))
        for term in sorted(used, key=str.lower)
    ]


def _fixed_texts(plan: Plan, scheme: SchemeAdvice, lang: str) -> list[str]:
    """What an outcome shows besides its rules' texts: names, labels, words and questions."""
    items = [*scheme.obligations, *scheme.next_steps]
    texts = [scheme.name, scheme.body, scheme.status_text, scheme.refer_to or ""]
    texts += [*scheme.amount_depends_on, *scheme.missing_questions, *scheme.settled_over]
    texts += [*scheme.bring, *scheme.policy_gap_labels, *scheme.not_in_rules]
    texts += [amount.label for amount in scheme.amounts]
    texts += [text for item in items for text in (item.label, item.body)]
    texts += [text for date in scheme.deadlines for text in (date.label, date.body)]
    texts += [text for point in scheme.discretion_points for text in (point.label, point.weigh)]
    cited = [*scheme.explanation, *scheme.decisive_conditions, *items, *scheme.deadlines]
    texts += [shown.citation.label for shown in cited if shown.citation is not None]
    for condition in scheme.decisive_conditions:  # failed ones are worded with labels
        if not condition.holds:
            texts += [_label_of(plan, name, lang) for name in condition.values]
    return texts


def _shown_rules(trace: Trace, schemes: list[SchemeAdvice]) -> set[str]:
    """The rules whose texts the advice shows: in each "Waarom" and "Waarom niet", and behind
    each duty, next step, date and judgement point (decided in the household's run, or in the
    run of the member an outcome is for)."""
    rules = trace.dated.rules
    shown: set[str | None] = set()
    for scheme in schemes:
        run = trace.members.get(scheme.member or "", trace)
        shown |= {step.rule for step in scheme.explanation}
        shown |= {c.rule for c in scheme.decisive_conditions if c.rule in rules}
        outputs = (*scheme.obligations, *scheme.next_steps, *scheme.deadlines)
        shown |= {run.decided_by.get(o.fact) for o in (*outputs, *scheme.discretion_points)}
    return {r for r in shown if r is not None and r != DEFAULT}


def _receipt(trace: Trace, lang: str) -> Receipt:
    """The rules applied (by content hash) and the parameter values they read."""
    plan, dated = trace.plan, trace.dated
    rules = applied_rules(trace)
    for member_trace in trace.members.values():  # the other members' runs rest on rules too
        rules.update(applied_rules(member_trace))
    rules = dict(sorted(rules.items()))
    applied = list(rules)
    used = sorted(
        {n for rule_id in applied for n in dated.rules[rule_id].reads if n in plan.parameters}
    )
    parameters: dict[str, Value] = {}
    for name in used:
        value = dated.params.get(name)
        if type(value) is Unknown or value is None:
            parameters[name] = None
        elif isinstance(value, tuple):
            parameters[name] = ", ".join(str(v) for v in value)
        else:
            parameters[name] = value
    return Receipt(
        engine_version=plan.engine_version,
        plan_hash=plan.hash,
        peildatum=trace.peildatum,
        language=lang,  # type: ignore[arg-type]
        input_hash=trace.input_hash,
        rules=rules,
        parameters=parameters,
    )


def _agenda(schemes: list[SchemeAdvice], peildatum: dt.date) -> list[AgendaItem]:
    """Everything still to do across schemes: dated items first, soonest first; then the rest.

    A date before the peildatum has passed: it stays in its scheme's deadlines, not here.
    """
    items: list[AgendaItem] = []

    def add(
        scheme: SchemeAdvice, kind: str, fact: str, text: str, body: str, date: Any = None
    ) -> None:
        items.append(
            AgendaItem(
                date=date,
                scheme=scheme.scheme,
                kind=kind,
                fact=fact,
                text=text,
                body=body,
                member=scheme.member if scheme.member_label else None,
                for_whom=scheme.member_label,
            )
        )

    for scheme in schemes:
        for d in scheme.deadlines:
            if d.date >= peildatum:
                add(scheme, "deadline", d.fact, d.text, d.body, d.date)
        if scheme.status == "refer" and scheme.refer_to:
            add(scheme, "referral", scheme.scheme, scheme.name, scheme.refer_to)
        for step in scheme.next_steps:
            add(scheme, "next_step", step.fact, step.text, step.body)
    dated = sorted(
        (i for i in items if i.date is not None), key=lambda i: (i.date, i.scheme, i.fact)
    )
    return dated + [i for i in items if i.date is None]


@lru_cache(maxsize=8192)
def rule_citation(rule: Rule) -> CitationOut:
    """The citation of a rule, made once per rule (rules hash by identity, cheaply)."""
    return citation_out(rule.citation)


def citation_out(citation: Citation) -> CitationOut:
    return CitationOut(
        law=citation.law or "",
        bwb=citation.bwb or "",
        article=citation.article,
        lid=citation.lid,
        sub=citation.sub,
        url=citation.url,
        label=citation.label(),
    )


class _Rendered:
    """Values and texts rendered once per advice, shared by every scheme's view."""

    def __init__(self) -> None:
        self.json: dict[str, Value] = {}
        self.texts: dict[str, str] = {}
        self.formatted: dict[str, str] = {}
        self.rests_on: dict[str, tuple[str, ...]] = {}
        self.read_values: dict[str, dict[str, Value]] = {}  # per rule: the values it read


class _SchemeView:
    """Reads one scheme's facts out of a trace, in the chosen language."""

    def __init__(
        self,
        trace: Trace,
        scheme_id: str,
        lang: str,
        shared: _Rendered,
        residents: dict[str, str] | None = None,
        member_label: str | None = None,
    ):
        self.trace, self.plan, self.lang = trace, trace.plan, lang
        self.residents = residents or {}  # a member's view: its list items named (questions)
        self.member_label = member_label  # a member's view: the member in words ("partner")
        self.scheme_id = scheme_id
        self.scheme = self.plan.schemes[scheme_id].spec
        self.facts = self.plan.scheme_facts[scheme_id]
        self.outputs = self.plan.scheme_outputs[scheme_id]
        self.values = trace.facts
        self.params = trace.dated.params
        self._json = shared.json
        self._texts = shared.texts
        self._formatted = shared.formatted
        self._rests_on = shared.rests_on
        self._read_values = shared.read_values

    def value(self, name: str) -> Any:
        if name == "peildatum":  # the builtin: always known
            return self.trace.peildatum
        return fact_value(self.trace, name)

    def json_value(self, name: str) -> Value:
        if name not in self._json:
            self._json[name] = self._to_json(name)
        return self._json[name]

    def _to_json(self, name: str) -> Value:
        value = self.value(name)
        if type(value) is Unknown:
            return None
        if isinstance(value, tuple):
            return ", ".join(str(v) for v in value)
        if isinstance(value, list):
            return None  # a collection: its items are not scalar values
        if isinstance(value, Decimal) and self.plan.types.get(name) == "money":
            return to_cents(value)
        return value

    def label(self, name: str) -> str:
        spec = self.plan.fact_spec(name)
        if spec is None and name in self.plan.parameters:
            spec = self.plan.parameters[name].spec
        if spec is None:
            return PEILDATUM_WORD[self.lang] if name == "peildatum" else name
        return getattr(spec.label, self.lang)

    def unknown(self, name: str) -> bool:
        return name != "peildatum" and type(fact_value(self.trace, name)) is Unknown

    def rule_of(self, fact: str) -> Rule | None:
        decided = self.trace.decided_by.get(fact)
        return self.trace.dated.rules.get(decided) if decided not in (None, DEFAULT) else None

    def formatted(self, name: str) -> str:
        if name not in self._formatted:
            self._formatted[name] = value_text(
                self.value(name), self.plan.types.get(name), self.lang
            )
        return self._formatted[name]

    def text(self, rule: Rule) -> str:
        if rule.id not in self._texts:
            template = getattr(rule.text, self.lang)
            self._texts[rule.id] = fill(template, self.formatted, self.unknown)
        return self._texts[rule.id]

    def read_values(self, rule: Rule) -> dict[str, Value]:
        """The values a rule read (shared by every scheme whose "Waarom" shows the rule)."""
        if rule.id not in self._read_values:
            self._read_values[rule.id] = {n: self.json_value(n) for n in rule.reads_scalar}
        return self._read_values[rule.id]

    def output_facts(self) -> list[str]:
        return [f for facts in self.outputs.values() for f in facts]


def _scheme_advice(view: _SchemeView) -> SchemeAdvice:
    trace, scheme_id, plan = view.trace, view.scheme_id, view.plan
    status = scheme_status(trace, scheme_id)
    unknown = missing_inputs(trace, scheme_id, status)
    waits_on = missing_inputs(trace, scheme_id, status, to_ask=False)  # with local figures
    gaps = sorted(m.removeprefix(POLICY_PREFIX) for m in waits_on if m.startswith(POLICY_PREFIX))
    conflicts = [
        Conflict(fact=f, rules=list(view.trace.conflicts[f]))
        for f in view.facts
        if f in view.trace.conflicts
    ]
    span = main_span(trace, scheme_id, status)
    missing = in_form_order(
        plan, (m for m in unknown if not not_asked(m) and m not in plan.assessed_by)
    )
    figures = sorted(m.removeprefix(FIGURE_PREFIX) for m in waits_on if m.startswith(FIGURE_PREFIX))
    settled = [
        m
        for m in trace.settled.get(view.scheme.outputs.status, ())
        if not m.startswith(FIGURE_PREFIX)  # a figure is not a question
    ]
    name, label = getattr(view.scheme.name, view.lang), view.member_label
    if label is None:
        missing_questions = questions_asked(plan, missing, view.lang, view.residents)
        settled_over = [question_text(plan, m, view.lang) for m in settled]
    else:
        name += f" - {label}"
        missing_questions, settled_over = _as_asked(view, missing), _as_asked(view, settled)
    return SchemeAdvice(
        scheme=view.scheme_id,
        # a person scheme's outcome is for one member: the applicant's run, or a member's own
        member=trace.member_id if view.scheme.per_person else None,
        member_label=label,
        name=name,
        body=view.scheme.body,
        status=status,
        status_text=_status_text(view, status),
        refer_to=(_referral(view) or status_referral(trace, scheme_id))
        if status == "refer"
        else None,
        amount=main_amount(trace, scheme_id, status),
        amount_period=main_period(trace, scheme_id),
        amount_min=span[0] if span else None,
        amount_max=span[1] if span else None,
        amount_depends_on=_amount_depends_on(view) if span else [],
        amounts=[
            Amount(fact=f, label=view.label(f), value=v, period=period)
            for f, v, period in known_amounts(trace, scheme_id)
        ],
        facts={
            f: view.json_value(f)
            for f in view.outputs["info"]
            if type(view.value(f)) is not Unknown
        },
        obligations=_items(view, "obligation"),
        next_steps=_items(view, "next_step"),
        deadlines=_deadlines(view),
        discretion_points=_discretion(view),
        explanation=_explanation(view, status),
        decisive_conditions=_decisive(view) if status == "not_eligible" else [],
        missing_facts=missing,
        missing_questions=missing_questions,
        assessed_facts=sorted(m for m in unknown if m in plan.assessed_by),
        settled_over=settled_over,
        bound_reached=view.scheme.outputs.status in trace.bounded,
        bring=_bring(view, unknown) if status == "refer" else [],
        policy_gaps=gaps,
        policy_gap_labels=[_parameter_label(view, g) for g in gaps],
        figure_gaps=figures,
        not_in_rules=_not_in_rules(view, figures),
        local_policy=_local_policy(view),
        conflicts=conflicts,
    )


def _amount_depends_on(view: _SchemeView) -> list[str]:
    """The questions whose answers fix an open main amount."""
    value = view.value(view.scheme.outputs.amount or "")
    missing = value.missing if type(value) is Unknown else frozenset()
    return [
        question_text(view.plan, m, view.lang)
        for m in sorted(missing)
        if not not_asked(m) and m not in view.plan.assessed_by
    ]


FIGURE_MISSING = {
    "nl": "{label}: het bedrag of cijfer vanaf {day} staat nog niet in de regels.",
    "en": "{label}: the figure from {day} is not yet in the rule base.",
}
LAW_AFTER = {
    "nl": "Wijzigingen van de wet na {day} staan nog niet in de regels{which}.",
    "en": "Changes to the law after {day} are not yet in the rule base{which}.",
}


def _not_in_rules(view: _SchemeView, figures: list[str]) -> list[str]:
    """In words: each figure the outcome waits on that the rule base lacks for the peildatum."""
    peildatum = view.trace.peildatum
    return [
        FIGURE_MISSING[view.lang].format(
            label=_parameter_label(view, name),
            day=day(figure_gap_from(view.plan.parameters[name], peildatum) or peildatum, view.lang),
        )
        for name in figures
    ]


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


def _parameter_label(view: _SchemeView, name: str) -> str:
    return getattr(view.plan.parameters[name].spec.label, view.lang)


def _status_text(view: _SchemeView, status: str) -> str:
    own = view.scheme.status_words.get(status)
    return getattr(own, view.lang) if own else STATUS_WORDS[view.lang][status]


def _local_policy(view: _SchemeView) -> str | None:
    """The municipality whose own figures this scheme used, if any."""
    policy = view.plan.municipalities.get(view.trace.dated.municipality or "")
    if policy is None:
        return None
    used = view.plan.scheme_local_params[view.scheme_id] & set(policy.parameters)
    return policy.spec.name if used else None


def _referral(view: _SchemeView) -> str | None:
    for fact in view.outputs["referral"]:
        value = view.value(fact)
        if isinstance(value, str):
            return value
    return None


def _bring(view: _SchemeView, waits_on: set[str]) -> list[str]:
    """What the person takes to the body that assesses what a referred status waits on."""
    texts = []
    for name in sorted(waits_on & view.plan.assessed_by.keys()):
        bring = view.plan.inputs[name].spec.bring
        if bring and getattr(bring, view.lang) not in texts:
            texts.append(getattr(bring, view.lang))
    return texts


def _texts(view: _SchemeView, fact: str) -> tuple[str, CitationOut | None]:
    rule = view.rule_of(fact)
    if rule is None:
        return view.label(fact), None
    return view.text(rule), rule_citation(rule)


def _body(view: _SchemeView, fact: str) -> str:
    """Who acts on an output: its own body if it names one, else the scheme's."""
    return view.plan.derived[fact].spec.body or view.scheme.body


def _items(view: _SchemeView, kind: str) -> list[Item]:
    items = []
    for fact in view.outputs[kind]:
        if view.value(fact) is True:
            text, citation = _texts(view, fact)
            items.append(
                Item(
                    fact=fact,
                    label=view.label(fact),
                    text=text,
                    body=_body(view, fact),
                    citation=citation,
                )
            )
    return items


def _deadlines(view: _SchemeView) -> list[Deadline]:
    deadlines = []
    for fact in view.outputs["deadline"]:
        value = view.value(fact)
        if isinstance(value, dt.date):
            text, citation = _texts(view, fact)
            deadlines.append(
                Deadline(
                    fact=fact,
                    label=view.label(fact),
                    date=value,
                    text=text,
                    body=_body(view, fact),
                    citation=citation,
                )
            )
    return sorted(deadlines, key=lambda d: (d.date, d.fact))


def _discretion(view: _SchemeView) -> list[DiscretionPoint]:
    points = []
    for fact in view.outputs["discretion"]:
        if view.value(fact) is True:
            text, citation = _texts(view, fact)
            weigh = view.plan.derived[fact].spec.weigh
            points.append(
                DiscretionPoint(
                    fact=fact,
                    label=view.label(fact),
                    weigh=getattr(weigh, view.lang) if weigh else "",
                    text=text,
                    citation=citation,
                )
            )
    return points


def _bearing(view: _SchemeView, status: str) -> frozenset[str]:
    """The facts the outcome rests on: from each output that counts for it (`asked_for`) or is
    shown whatever the status (a next step, a duty, a date), what it rests on (`_rests_on`), and
    the facts there to explain those (`_said_alongside`)."""
    outputs = [
        *asked_for(view.trace, view.scheme_id, status, to_ask=False),
        *(
            f
            for kind in SHOWN_OUTPUTS
            for f in view.outputs.get(kind, ())
            if (value := view.value(f)) is True or isinstance(value, dt.date)
        ),
    ]
    found = set(outputs)
    todo = list(found)
    while todo:
        for name in _rests_on(view, todo.pop()):
            if name not in found:
                found.add(name)
                todo.append(name)
    return frozenset(found | _said_alongside(view, found))


SHOWN_OUTPUTS = ("obligation", "next_step", "deadline", "discretion", "referral")


def _rests_on(view: _SchemeView, fact: str) -> tuple[str, ...]:
    """The derived facts a fact rests on directly (once per advice): what the rule that decided
    it read; for a fact no rule decided (a default, an open fact), what every rule that could
    decide it reads."""
    memo = view._rests_on
    if fact not in memo:
        rule = view.rule_of(fact)
        cases = view.plan.cases
        if rule is not None:
            memo[fact] = cases.derived_read_by((rule,))
        else:
            step = view.trace.dated.steps[cases.index[fact]]
            memo[fact] = cases.derived_read_by(tuple(c.rule for c in step.candidates))
    return memo[fact]


def _said_alongside(view: _SchemeView, bearing: set[str]) -> frozenset[str]:
    """Facts no rule reads, there to explain ("the municipality sets the limit at 130% of your
    norm", "it recounts your housing costs"): they bear where they read a fact the outcome
    rests on, or a figure a rule it rests on reads."""
    notes = view.plan.scheme_notes[view.scheme_id]
    if not notes:
        return frozenset()
    parameters = view.plan.parameters
    read = set(bearing)
    for fact in bearing:
        if (rule := view.rule_of(fact)) is not None:
            read.update(n for n in rule.reads if n in parameters)
    return frozenset(
        fact
        for fact in notes
        if (rule := view.rule_of(fact)) is not None and not read.isdisjoint(rule.reads)
    )


def _explanation(view: _SchemeView, status: str) -> list[AppliedRule]:
    """Each rule that decided something the outcome rests on, once, with everything it
    concluded: a "Waarom" line only where it bears on the outcome, and says something. A rule
    all of whose conclusions are still unknown ("Uw vermogen is onbekend") is left out: what it
    waits on is under "Nog nodig"."""
    bearing = _bearing(view, status)
    by_rule: dict[str, tuple[Rule, dict[str, Value]]] = {}
    known: set[str] = set()
    for fact in view.facts:
        if fact not in bearing:
            continue
        rule = view.rule_of(fact)
        if rule is not None:
            by_rule.setdefault(rule.id, (rule, {}))[1][fact] = view.json_value(fact)
            if type(view.values.get(fact)) is not Unknown:
                known.add(rule.id)
    return [
        AppliedRule(
            rule=rule.id,
            citation=rule_citation(rule),
            concluded=concluded,
            values=view.read_values(rule),
            text=view.text(rule),
        )
        for rule, concluded in by_rule.values()
        if rule.id in known
    ]


def _is_collection(view: _SchemeView, name: str) -> bool:
    return view.plan.types.get(name, "").startswith("collection[")


def _decisive(view: _SchemeView) -> list[Condition]:
    conditions = []
    seen = set()
    status = view.scheme.outputs.status
    # Why not the positive outcome: eligible, or for a scheme that only refers, the referral.
    decisive = decisive_conditions(view.trace, status, wanted="eligible") or decisive_conditions(
        view.trace, status
    )
    for rule, node, holds in decisive:
        key = (rule.id, node.text, holds)
        if key in seen:
            continue
        seen.add(key)
        names = sorted(
            n for n in names_in(node) if n in view.plan.types and not _is_collection(view, n)
        )
        conditions.append(
            Condition(
                rule=rule.id,
                citation=rule_citation(rule),
                condition=" ".join(node.text.split()),
                holds=holds,
                values={n: view.json_value(n) for n in names},
                text=view.text(rule) if holds else _failed_text(view, rule, names),
                would_change=_would_change(view, node, holds),
            )
        )
    return conditions


# For a comparison `fact OP bound`: the relation the fact needs for the outcome to turn.
_TURN = {  # (operator, holds) -> wording key
    ("<", False): "below",
    ("<=", False): "at_most",
    (">", False): "above",
    (">=", False): "at_least",
    ("<", True): "at_least",
    ("<=", True): "above",
    (">", True): "at_most",
    (">=", True): "below",
}
TURN_WORDS = {
    "nl": {
        "below": "lager dan",
        "at_most": "hoogstens",
        "above": "hoger dan",
        "at_least": "minstens",
        "sentence": "Met {label} {relation} {bound} zou dit anders uitvallen.",
    },
    "en": {
        "below": "below",
        "at_most": "at most",
        "above": "above",
        "at_least": "at least",
        "sentence": "With {label} {relation} {bound} this would turn out differently.",
    },
}


def _would_change(view: _SchemeView, node: Any, holds: bool) -> str | None:
    """For `fact < bound` and the like: the value the fact would need, in words."""
    if not isinstance(node, ir.Compare) or (node.op, holds) not in _TURN:
        return None
    if not isinstance(node.left, ir.Name) or node.left.id not in view.plan.types:
        return None
    bound = compile_expr(node.right, view.plan.scope)(view.trace.context())
    if type(bound) is Unknown or not isinstance(bound, int | Decimal):
        return None
    words = TURN_WORDS[view.lang]
    name = node.left.id
    shown = value_text(bound, view.plan.types.get(name), view.lang)
    return words["sentence"].format(
        label=lower_first(view.label(name)), relation=words[_TURN[(node.op, holds)]], bound=shown
    )


PEILDATUM_WORD = {"nl": "peildatum", "en": "reference date"}
FAILED = {
    "nl": "Niet voldaan aan {article}: {values}.",
    "en": "Not met, {article}: {values}.",
}


def _failed_text(view: _SchemeView, rule: Rule, names: list[str]) -> str:
    """A failed condition in words: the rule's own text would describe the outcome it did not give."""
    values = "; ".join(f"{lower_first(view.label(n))}: {view.formatted(n)}" for n in names)
    return FAILED[view.lang].format(article=rule.citation.label(), values=values)
