"""Reforms as data: a YAML file that changes figures or rules from a date.

    reform:
      name: Kostendelersnorm vanaf 21 jaar
      description: ...
    sources: {KDN-OUD: {title: ..., url: ...}}
    parameters:                      # new values; the base's values before the first one stay
      kostendeler_minimumleeftijd:
        - {from: 2025-01-01, value: 21, source: KDN-OUD}
    remove_rules: [some.rule.id]     # rules that no longer apply
    rules:                           # rules added, in the format of a rules file
      scheme: algemene_bijstand
      law: {name: Participatiewet, bwb: BWBR0015703}
      rules: [...]

A reform is applied to a loaded rule base before it is checked, so it meets every check a
rules file does, and the plan's hash names it.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from engine.errors import Location
from engine.load.loader import LoadedParameter, RuleBook, _add_sources, _load_rules_spec, _read
from engine.load.specs import ParameterValue, RulesFile, Source, Spec


class ReformInfo(Spec):
    name: str = Field(min_length=1)
    description: str | None = None


class ReformFile(Spec):
    reform: ReformInfo
    sources: dict[str, Source] = Field(default_factory=dict)
    parameters: dict[str, list[ParameterValue]] = Field(default_factory=dict)
    remove_rules: list[str] = Field(default_factory=list)
    rules: RulesFile | None = None


def apply_reform(book: RuleBook, path: Path) -> str | None:
    """Change `book` as the reform says; return the reform's name (None if it failed to load)."""
    read = _read(book, path, ReformFile)
    if read is None:
        return None
    document, spec, name = read
    _add_sources(book, document, name, spec.sources)
    for param_name, values in spec.parameters.items():
        loaded = book.parameters.get(param_name)
        location = Location(name, document.key_lines.get("parameters"))
        if loaded is None:
            book.problem(location, f"the reform changes '{param_name}', which is not a parameter")
            continue
        first = min(v.from_ for v in values) if values else None
        kept = [v for v in loaded.spec.values if first is None or v.from_ < first]
        spec_now = loaded.spec.model_copy(
            update={"values": kept + sorted(values, key=lambda v: v.from_)}
        )
        book.parameters[param_name] = LoadedParameter(location, param_name, loaded.scheme, spec_now)
    removed = set(spec.remove_rules)
    unknown = removed - {r.spec.id for r in book.rules}
    for rule_id in sorted(unknown):
        book.problem(Location(name), f"the reform removes rule '{rule_id}', which does not exist")
    book.rules = [r for r in book.rules if r.spec.id not in removed]
    if spec.rules is not None:
        _load_rules_spec(book, document.get("rules"), spec.rules, name)
    return spec.reform.name
