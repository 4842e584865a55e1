"""Why a scheme stays open or is referred, for a population: a few names a summary can count.

An advice explains an open outcome fully (engine/explain/scheme.py). Over a population a
policy maker needs counts: how many households a scheme leaves undetermined or refers, and
why. Each open or referred status gives one or more reasons:

- a local figure the municipality has not set (`beleid:` name): every figure of the scheme's
  status that is unknown there on the day is named, since the municipality must set them before
  any household there can be decided (whatever else the household has left open);
- otherwise the inputs the status waits on (fact ids; the body that assesses one is named when
  the reasons are printed);
- a referral the rules conclude: `verwijzing:` and the body, where the scheme names it;
- a status the rules cannot derive at all for this household: NOT_IN_RULES.

Both backends give the same reasons: they need only the status, whether it waits on a local
figure, and the referral, which the vector backend knows per row as well.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from engine.compile.plan import POLICY_PREFIX, DatedPlan
from engine.values import Unknown

if TYPE_CHECKING:
    from engine.compile.plan import Plan
    from engine.run.evaluate import Trace

NOT_IN_RULES = "niet_in_de_regels"
REFERRAL = "verwijzing:"


def open_reasons(
    plan: Plan, dated: DatedPlan, scheme_id: str, status: Any, referral: Any
) -> tuple[str, ...]:
    """The reasons of one household's open or referred status (see the module's text)."""
    if type(status) is not Unknown:
        body = referral if isinstance(referral, str) else ""
        return (REFERRAL + body,) if status == "refer" else ()
    if any(name.startswith(POLICY_PREFIX) for name in status.missing):
        return unset_figures(plan, dated, scheme_id)
    return tuple(sorted(status.missing)) or (NOT_IN_RULES,)


def unset_figures(plan: Plan, dated: DatedPlan, scheme_id: str) -> tuple[str, ...]:
    """The local figures a scheme's status reads that are not set on the day, as `beleid:`
    names (the same for every household of one municipality)."""
    known = _unset.setdefault(dated, {})
    if scheme_id not in known:
        space = plan.cases
        status = plan.schemes[scheme_id].spec.outputs.status
        read = {name for fact in space.upstream(status) for name in space.reads.get(fact, ())}
        known[scheme_id] = tuple(
            sorted(
                missing
                for name in read
                if type(value := dated.params.get(name)) is Unknown
                for missing in value.missing
                if missing.startswith(POLICY_PREFIX)
            )
        )
    return known[scheme_id]


# per dated plan (each municipality and day, and each what-if run), gone with it
_unset: weakref.WeakKeyDictionary[DatedPlan, dict[str, tuple[str, ...]]] = (
    weakref.WeakKeyDictionary()
)


def referral_of(plan: Plan, scheme_id: str, facts: dict[str, Any]) -> Any:
    """The body a scheme's referral output names, if it has one and it is known."""
    for name in plan.scheme_outputs[scheme_id].get("referral", ()):
        value = facts.get(name)
        if isinstance(value, str):
            return value
    return None


def trace_reasons(trace: Trace, scheme_id: str) -> tuple[str, ...]:
    """The reasons of a scheme's status in a run (none where it is decided)."""
    plan = trace.plan
    status = trace.facts[plan.schemes[scheme_id].spec.outputs.status]
    referral = referral_of(plan, scheme_id, trace.facts)
    return open_reasons(plan, trace.dated, scheme_id, status, referral)


WORDS = {
    "en": {
        "not_in_rules": "not covered by the rules for this household",
        "referred": "referred",
        "referred_to": "referred to {body}",
        "policy": "{name} (a local figure the municipality has not set)",
        "assessed": "{name} (assessed by {body})",
    },
    "nl": {
        "not_in_rules": "de regels gaan niet over dit huishouden",
        "referred": "verwezen",
        "referred_to": "verwezen naar {body}",
        "policy": "{name} (een lokaal cijfer dat de gemeente niet heeft vastgesteld)",
        "assessed": "{name} (beoordeelt: {body})",
    },
}


def reason_text(plan: Plan, reason: str, lang: str = "en") -> str:
    """A reason as a summary prints it: the name, and who settles it. In English the fact's
    id (the summary of a run, read with the rules at hand); in Dutch its label (a report)."""
    words = WORDS[lang]
    if reason == NOT_IN_RULES:
        return words["not_in_rules"]
    if reason.startswith(REFERRAL):
        body = reason.removeprefix(REFERRAL)
        return words["referred_to"].format(body=body) if body else words["referred"]
    if reason.startswith(POLICY_PREFIX):
        return words["policy"].format(name=reason.removeprefix(POLICY_PREFIX))
    name = reason
    if lang != "en" and (spec := plan.fact_spec(reason)) is not None:
        name = getattr(spec.label, lang)
    body = plan.assessed_by.get(reason)
    return words["assessed"].format(name=name, body=body) if body else name
