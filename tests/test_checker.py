"""Static checks: every problem is reported with file:line, and the bundled rule base is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rulebase import FACTS, SCHEME, rule, rules_file, write_base

import engine
from engine.errors import RulesError

OK_RULE = rule("x.a", "p", "{status: eligible}")
RULES = "rules/x/a.yaml"


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line that contains `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not in the text"
    return hits[occurrence - 1]


def problems(root: Path, files: dict[str, str], **kw) -> list[str]:
    write_base(root, files, **kw)
    return [str(p) for p in engine.check_rules(root).problems]


def only_error(root: Path, files: dict[str, str], **kw) -> str:
    found = problems(root, files, **kw)
    errors = [p for p in found if ": error: " in p]
    assert len(errors) >= 1, found
    return errors[0]


def assert_at(problem: str, file: str, line: int, fragment: str, severity: str = "error") -> None:
    assert problem.startswith(f"{file}:{line}: {severity}: "), problem
    assert fragment in problem, problem


# ---------------------------------------------------------------------------------------------
# The bundled rule base


def test_bundled_rule_base_checks_clean() -> None:
    checked = engine.check_rules()
    assert [str(p) for p in checked.problems] == []
    assert len(checked.book.rules) > 50
    assert "algemene_bijstand" in checked.book.schemes


def test_bundled_rule_base_loads_and_every_rule_has_a_full_citation() -> None:
    plan = engine.load_plan()
    for rule_ in plan.rules:
        assert rule_.citation.law and rule_.citation.bwb and rule_.citation.article, rule_.id
        assert re.fullmatch(r"BWBR\d{7}", rule_.citation.bwb)


def test_a_clean_small_base_has_no_problems(tmp_path: Path) -> None:
    assert problems(tmp_path, {"a.yaml": rules_file(OK_RULE)}) == []


# ---------------------------------------------------------------------------------------------
# YAML level


def test_yaml_syntax_error(tmp_path: Path) -> None:
    text = rules_file(OK_RULE).replace("when: p\n", "when: p: q\n")
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "when: p: q"), "YAML:")


def test_yaml_unclosed_bracket_names_the_file_and_a_line(tmp_path: Path) -> None:
    text = rules_file(OK_RULE) + "  - id: [x.b\n"
    problem = only_error(tmp_path, {"a.yaml": text})
    assert re.match(rf"{re.escape(RULES)}:\d+: error: YAML: ", problem), problem


def test_unknown_key_typo(tmp_path: Path) -> None:
    typo = rule("x.b", "q", "{status: eligible}").replace("  when:", "  wehn:")
    text = rules_file(OK_RULE + typo)
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "wehn:"), "wehn")
    assert "Extra inputs are not permitted" in problem


def test_unknown_key_in_a_scheme_file(tmp_path: Path) -> None:
    scheme = SCHEME.replace("  body: gemeente\n", "  body: gemeente\n  bodyy: UWV\n")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, scheme=scheme)
    assert_at(problem, "schemes/x.yaml", line_of(scheme, "bodyy"), "bodyy")


def test_duplicate_key(tmp_path: Path) -> None:
    text = rules_file(OK_RULE.replace("  when: p\n", "  when: p\n  when: q\n"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "when: q"), "the key 'when' appears twice")


@pytest.mark.parametrize("where", ["anchor_and_alias", "merge_key"])
def test_yaml_anchors_and_aliases_are_refused(tmp_path: Path, where: str) -> None:
    first = OK_RULE.replace('citation: {article: "2"}', 'citation: &cit {article: "2"}')
    if where == "anchor_and_alias":
        second = rule("x.b", "q", "{status: eligible}").replace(
            'citation: {article: "2"}', "citation: *cit"
        )
    else:
        second = rule("x.b", "q", "{status: eligible}").replace(
            'citation: {article: "2"}', "citation: {<<: *cit}"
        )
    text = rules_file(first + second)
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "*cit"), "anchors and aliases")


def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path) -> None:
    text = rules_file(OK_RULE.replace("when: p", "when: !!python/object/apply:os.system ['true']"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "python/object"), "YAML")


def test_the_top_of_a_file_must_be_a_mapping(tmp_path: Path) -> None:
    problem = only_error(tmp_path, {"a.yaml": "- just\n- a list\n"})
    assert_at(problem, RULES, 1, "mapping")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    files = {
        "a.yaml": rules_file(OK_RULE + rule("x.b", "onbekend", "{status: eligible}")),
        "b.yaml": "scheme: x\nfacts: {}\nrules:\n  - id: x.c\n    wehn: p\n",
    }
    found = problems(tmp_path, files)
    assert any("rules/x/a.yaml" in p and "onbekend" in p for p in found)
    assert any("rules/x/b.yaml" in p and "wehn" in p for p in found)
    with pytest.raises(RulesError) as info:
        engine.load_plan(tmp_path)
    assert "onbekend" in str(info.value) and "wehn" in str(info.value)


# ---------------------------------------------------------------------------------------------
# Citations


def test_rule_without_citation(tmp_path: Path) -> None:
    text = rules_file(OK_RULE.replace('  citation: {article: "2"}\n', ""))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "citation")
    assert "Field required" in problem


def test_rule_without_article(tmp_path: Path) -> None:
    text = rules_file(OK_RULE.replace('citation: {article: "2"}', 'citation: {lid: "1"}'))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "citation:"), "citation.article")


def test_rule_without_law_does_not_load(tmp_path: Path) -> None:
    text = rules_file(OK_RULE).replace("law: {name: Testwet, bwb: BWBR0000001}\n", "")
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "no complete citation")


def test_a_rule_may_carry_its_own_law(tmp_path: Path) -> None:
    own = OK_RULE.replace(
        'citation: {article: "2"}', 'citation: {law: Anderewet, bwb: BWBR0000002, article: "7"}'
    )
    text = rules_file(own).replace("law: {name: Testwet, bwb: BWBR0000001}\n", "")
    assert problems(tmp_path, {"a.yaml": text}) == []


def test_bad_bwb_id(tmp_path: Path) -> None:
    text = rules_file(OK_RULE).replace("bwb: BWBR0000001", "bwb: BWB123")
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "bwb: BWB123"), "law.bwb")


# ---------------------------------------------------------------------------------------------
# Expressions


def test_unknown_fact_in_an_expression(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p and onbekend", "{status: eligible}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "'onbekend' is not a declared fact")
    assert "'when'" in problem


def test_type_error_in_a_condition(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "geld > geboren", "{status: eligible}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "cannot compare money with date")


def test_condition_must_be_yes_or_no(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "geld + 1", "{status: eligible}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "but bool is needed")


def test_type_error_in_a_conclusion(tmp_path: Path) -> None:
    facts = 'n: {type: number, label: {nl: "n", en: "n"}}\n'
    text = rules_file(rule("x.a", "p", "{n: geboren}"), facts=facts)
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(
        problem, RULES, line_of(text, "- id: x.a"), "then 'n': gives date, but number is needed"
    )


def test_enum_fact_compared_with_a_value_it_does_not_have(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", 'status == "eligble"', "{status: refer}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "'eligble' is not a value of 'status'")


def test_conclusion_with_a_value_the_fact_does_not_have(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p", "{status: eligble}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "eligble")


def test_refused_syntax_is_reported_with_the_rule(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p.__class__", "{status: eligible}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "attribute access")


def test_concluding_an_input_fact_is_refused(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "q", "{p: true}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "concludes 'p', which is an input fact")


def test_text_placeholder_must_name_a_fact(tmp_path: Path) -> None:
    text = rules_file(OK_RULE.replace('"Regel x.a"', '"Regel {geen_feit}"'))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "'{geen_feit}'")


# ---------------------------------------------------------------------------------------------
# Dependency cycles and precedence

CYCLE_FACTS = (
    'a1: {type: bool, label: {nl: "a", en: "a"}}\nb1: {type: bool, label: {nl: "b", en: "b"}}\n'
)


def test_dependency_cycle_of_positive_conditions(tmp_path: Path) -> None:
    text = rules_file(
        rule("x.c1", "b1", "{a1: true}") + rule("x.c2", "a1", "{b1: true}"), facts=CYCLE_FACTS
    )
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "a1: {type"), "dependency cycle")
    assert "a1, b1" in problem and "x.c1, x.c2" in problem
    assert "through negation" not in problem


def test_dependency_cycle_through_negation(tmp_path: Path) -> None:
    text = rules_file(
        rule("x.c1", "not b1", "{a1: true}") + rule("x.c2", "a1", "{b1: true}"), facts=CYCLE_FACTS
    )
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "a1: {type"), "dependency cycle through negation")


def test_a_fact_that_depends_on_itself_is_a_cycle(tmp_path: Path) -> None:
    text = rules_file(rule("x.c1", "a1 or p", "{a1: true}"), facts=CYCLE_FACTS)
    found = problems(tmp_path, {"a.yaml": text})
    assert any("dependency cycle" in p and "a1" in p for p in found), found


def test_cycle_across_files(tmp_path: Path) -> None:
    files = {
        "a.yaml": rules_file(rule("x.c1", "b1", "{a1: true}"), facts=CYCLE_FACTS),
        "b.yaml": rules_file(rule("x.c2", "a1", "{b1: true}"), status=False),
    }
    found = problems(tmp_path, files)
    assert any(p.startswith(f"{RULES}:") and "dependency cycle" in p for p in found), found


def test_circular_overrides(tmp_path: Path) -> None:
    text = rules_file(
        rule("x.a", "p", "{status: eligible}", extra="overrides: [x.b]\n")
        + rule("x.b", "q", "{status: refer}", extra="overrides: [x.a]\n")
    )
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(
        problem, RULES, line_of(text, "- id: x.a"), "override each other in a circle: x.a, x.b"
    )


def test_longer_circle_of_overrides(tmp_path: Path) -> None:
    text = rules_file(
        rule("x.a", "p", "{status: eligible}", extra="overrides: [x.c]\n")
        + rule("x.b", "q", "{status: refer}", extra="overrides: [x.a]\n")
        + rule("x.c", "r", "{status: not_eligible}", extra="overrides: [x.b]\n")
    )
    found = problems(tmp_path, {"a.yaml": text})
    assert any("in a circle: x.a, x.b, x.c" in p for p in found), found


def test_a_rule_overriding_itself(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p", "{status: eligible}", extra="overrides: [x.a]\n"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "in a circle: x.a")


def test_override_of_an_unknown_rule(tmp_path: Path) -> None:
    text = rules_file(rule("x.a", "p", "{status: eligible}", extra="overrides: [x.bestaat_niet]\n"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.a"), "overrides unknown rule 'x.bestaat_niet'")


def test_override_of_a_rule_about_another_fact(tmp_path: Path) -> None:
    facts = 'ander: {type: bool, default: false, label: {nl: "a", en: "a"}}\n'
    text = rules_file(
        rule("x.a", "p", "{status: eligible}")
        + rule("x.b", "q", "{ander: true}", extra="overrides: [x.a]\n"),
        facts=facts,
    )
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "- id: x.b"), "conclude no fact in common")


def test_conflict_warning_and_error(tmp_path: Path) -> None:
    maybe = rules_file(rule("x.a", "p", "{status: eligible}") + rule("x.b", "q", "{status: refer}"))
    [warning] = problems(tmp_path / "maybe", {"a.yaml": maybe})
    assert_at(warning, RULES, line_of(maybe, "- id: x.b"), "may both apply", severity="warning")
    same = rules_file(rule("x.a", "p", "{status: eligible}") + rule("x.b", "p", "{status: refer}"))
    [error] = problems(tmp_path / "same", {"a.yaml": same})
    assert_at(error, RULES, line_of(same, "- id: x.b"), "always both apply")


# ---------------------------------------------------------------------------------------------
# Parameters


def test_parameter_with_unknown_source(tmp_path: Path) -> None:
    scheme = SCHEME.replace("value: 200.00, source: S1", "value: 200.00, source: S9")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, scheme=scheme)
    assert_at(problem, "schemes/x.yaml", line_of(scheme, "  grens:"), "unknown source 'S9'")
    assert "2026-01-01" in problem


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ('"veel"', "not of type money"),
        ("200.001", "not of type money"),
        ("true", "not of type money"),
        ("[1, 2]", "not of type money"),
        ("2026-01-01", "not of type money"),
    ],
)
def test_parameter_value_of_the_wrong_type(tmp_path: Path, value: str, fragment: str) -> None:
    scheme = SCHEME.replace("value: 200.00", f"value: {value}")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, scheme=scheme)
    assert_at(problem, "schemes/x.yaml", line_of(scheme, "  grens:"), fragment)


def test_parameter_values_out_of_date_order(tmp_path: Path) -> None:
    scheme = SCHEME.replace("from: 2026-01-01, value: 200.00", "from: 2024-06-01, value: 200.00")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, scheme=scheme)
    assert_at(problem, "schemes/x.yaml", line_of(scheme, "  grens:"), "date order")


def test_parameter_values_missing_for_part_of_a_rules_window(tmp_path: Path) -> None:
    scheme = SCHEME.replace("      - {from: 2025-01-01, value: 100.00, source: S1}\n", "")
    text = rules_file(rule("x.a", "geld > grens", "{status: eligible}"))
    problem = only_error(tmp_path, {"a.yaml": text}, scheme=scheme)
    assert_at(
        problem,
        RULES,
        line_of(text, "- id: x.a"),
        "parameter 'grens' has no value before 2026-01-01",
    )


def test_no_gap_when_the_rule_starts_with_the_parameter(tmp_path: Path) -> None:
    scheme = SCHEME.replace("      - {from: 2025-01-01, value: 100.00, source: S1}\n", "")
    text = rules_file(
        rule("x.a", "geld > grens", "{status: eligible}", extra="valid: {from: 2026-01-01}\n")
    )
    assert problems(tmp_path, {"a.yaml": text}, scheme=scheme) == []


def test_parameter_gap_inside_a_rules_later_window(tmp_path: Path) -> None:
    scheme = SCHEME.replace("      - {from: 2025-01-01, value: 100.00, source: S1}\n", "")
    text = rules_file(
        rule("x.a", "geld > grens", "{status: eligible}", extra="valid: {from: 2025-07-01}\n")
    )
    problem = only_error(tmp_path, {"a.yaml": text}, scheme=scheme)
    assert "applies from 2025-07-01" in problem


# ---------------------------------------------------------------------------------------------
# Rule ids, windows, inputs, facts


def test_duplicate_rule_id_with_overlapping_windows(tmp_path: Path) -> None:
    text = rules_file(OK_RULE + rule("x.a", "q", "{status: eligible}"))
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(
        problem, RULES, line_of(text, "- id: x.a", 2), "defined twice with overlapping validity"
    )
    assert f"also at {RULES}:{line_of(text, '- id: x.a')}" in problem


def test_duplicate_rule_id_with_partly_overlapping_windows(tmp_path: Path) -> None:
    text = rules_file(
        rule(
            "x.a", "p", "{status: eligible}", extra="valid: {from: 2025-01-01, until: 2026-01-01}\n"
        )
        + rule("x.a", "q", "{status: eligible}", extra="valid: {from: 2026-01-01}\n")
    )
    problem = only_error(tmp_path, {"a.yaml": text})
    assert "overlapping validity" in problem


def test_duplicate_rule_id_with_disjoint_windows_is_fine(tmp_path: Path) -> None:
    text = rules_file(
        rule(
            "x.a", "p", "{status: eligible}", extra="valid: {from: 2025-01-01, until: 2025-12-31}\n"
        )
        + rule("x.a", "q", "{status: eligible}", extra="valid: {from: 2026-01-01}\n")
    )
    assert problems(tmp_path, {"a.yaml": text}) == []


def test_window_until_before_from(tmp_path: Path) -> None:
    text = rules_file(OK_RULE + "  valid: {from: 2026-01-01, until: 2025-01-01}\n")
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "valid:"), "'until' lies before 'from'")


def test_input_fact_with_a_path_that_does_not_exist(tmp_path: Path) -> None:
    facts = FACTS.replace("applicant.exclusions.detained", "applicant.exclusions.detaned")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, facts=facts)
    assert_at(
        problem,
        "rules/facts.yaml",
        line_of(facts, "  p:"),
        "'detaned' is not a field of Exclusions",
    )


def test_input_fact_with_an_unknown_top_level_path(tmp_path: Path) -> None:
    facts = FACTS.replace("applicant.exclusions.detained", "aanvrager.gedetineerd")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, facts=facts)
    assert_at(
        problem, "rules/facts.yaml", line_of(facts, "  p:"), "'aanvrager' is not a field of Profile"
    )


def test_input_fact_whose_path_has_another_type(tmp_path: Path) -> None:
    facts = FACTS.replace("from: applicant.exclusions.detained", "from: applicant.birth_date")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, facts=facts)
    assert_at(problem, "rules/facts.yaml", line_of(facts, "  p:"), "does not fit fact type bool")


def test_input_fact_without_question(tmp_path: Path) -> None:
    facts = FACTS.replace('    question: {nl: "p?", en: "p?"}\n', "")
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, facts=facts)
    assert_at(problem, "rules/facts.yaml", line_of(facts, "  p:"), "needs a question")


def test_enum_input_must_declare_exactly_the_profile_values(tmp_path: Path) -> None:
    facts = FACTS + (
        "  permit:\n    type: text\n    from: applicant.residence_permit\n    values: [a, b]\n"
        '    label: {nl: "v", en: "v"}\n    question: {nl: "v?", en: "v?"}\n'
    )
    problem = only_error(tmp_path, {"a.yaml": rules_file(OK_RULE)}, facts=facts)
    assert_at(problem, "rules/facts.yaml", line_of(facts, "  permit:"), "declare exactly those")


def test_fact_declared_twice(tmp_path: Path) -> None:
    facts = 'extra: {type: bool, default: false, label: {nl: "e", en: "e"}}\n'
    files = {
        "a.yaml": rules_file(OK_RULE, facts=facts),
        "b.yaml": rules_file("", facts=facts, status=False),
    }
    found = problems(tmp_path, files)
    assert any(
        p.startswith("rules/x/b.yaml:") and "declared twice" in p and "rules/x/a.yaml:" in p
        for p in found
    ), found


def test_derived_fact_that_shadows_an_input(tmp_path: Path) -> None:
    facts = 'p: {type: bool, default: false, label: {nl: "p", en: "p"}}\n'
    found = problems(tmp_path, {"a.yaml": rules_file(OK_RULE, facts=facts)})
    assert any("the name 'p' is declared twice" in p for p in found), found


def test_default_that_does_not_fit(tmp_path: Path) -> None:
    facts = 'n: {type: date, default: 0, label: {nl: "n", en: "n"}}\n'
    text = rules_file(OK_RULE, facts=facts)
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "n: {type: date"), "default does not fit")


def test_declared_fact_nobody_concludes_is_a_warning(tmp_path: Path) -> None:
    facts = 'los: {type: bool, label: {nl: "l", en: "l"}}\n'
    text = rules_file(OK_RULE, facts=facts)
    [warning] = problems(tmp_path, {"a.yaml": text})
    assert_at(
        warning, RULES, line_of(text, "los: {type"), "no rule concludes it", severity="warning"
    )


def test_status_output_must_be_declared(tmp_path: Path) -> None:
    text = rules_file(
        OK_RULE.replace("{status: eligible}", "{n: 1}"),
        facts='n: {type: number, label: {nl: "n", en: "n"}}\n',
        status=False,
    )
    found = problems(tmp_path, {"a.yaml": text})
    assert any(
        p.startswith("schemes/x.yaml:1: error:") and "'status' is not declared" in p for p in found
    )


def test_discretion_needs_weigh(tmp_path: Path) -> None:
    facts = 'kan: {type: bool, default: false, output: discretion, label: {nl: "k", en: "k"}}\n'
    text = rules_file(OK_RULE + rule("x.kan", "q", "{kan: true}"), facts=facts)
    problem = only_error(tmp_path, {"a.yaml": text})
    assert_at(problem, RULES, line_of(text, "kan: {type"), "must say what to weigh")


def test_missing_folders(tmp_path: Path) -> None:
    checked = engine.check_rules(tmp_path)
    assert any("folder not found" in p.message for p in checked.errors)
    with pytest.raises(RulesError):
        engine.load_plan(tmp_path)
