"""An advice's receipt: the plan, the peildatum, a hash of the input, every rule applied (by
content hash) and every parameter value those rules read (engine/replay.py replays it)."""

from __future__ import annotations

from engine.explain.outcome import applied_rules
from engine.model.advice import Receipt, Value
from engine.run.evaluate import Trace
from engine.values import Unknown


def receipt_of(trace: Trace, lang: str) -> Receipt:
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
