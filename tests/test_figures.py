"""Issue 26: figures that end, the checks on their periods, and `engine figures`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rulebase import SCHEME, rule, rules_file, write_base
from test_cli import cli

import engine
from engine.check.figures import ending_figures

FILES = {"a.yaml": rules_file(rule("x.a", "geld < grens", "{status: eligible}"))}
LAST = "      - {from: 2026-01-01, value: 200.00, source: S1}\n"


def scheme_with(values: str, next_value: bool = True) -> str:
    text = SCHEME.replace(LAST, values)
    if next_value:
        text = text.replace(
            '    citation: {article: "1"}\n',
            '    citation: {article: "1"}\n    next_value: "The minister, every 1 January"\n',
        )
    return text


def errors(root: Path, scheme: str) -> list[str]:
    write_base(root, FILES, scheme=scheme)
    return [str(p) for p in engine.check_rules(root).errors]


def test_values_that_end_and_follow_on_the_next_day_check_clean(tmp_path: Path) -> None:
    values = (
        "      - {from: 2026-01-01, until: 2026-06-30, value: 200.00, source: S1}\n"
        "      - {from: 2026-07-01, until: 2026-12-31, value: 210.00, source: S1}\n"
    )
    assert errors(tmp_path, scheme_with(values)) == []


def test_a_gap_between_values_is_an_error_naming_the_days(tmp_path: Path) -> None:
    values = (
        "      - {from: 2026-01-01, until: 2026-06-30, value: 200.00, source: S1}\n"
        "      - {from: 2026-08-01, value: 210.00, source: S1}\n"
    )
    (problem,) = errors(tmp_path, scheme_with(values))
    assert "parameter 'grens': no value from 2026-07-01 to 2026-07-31" in problem
    assert problem.startswith("schemes/x.yaml:")


def test_a_value_running_past_the_next_is_an_error(tmp_path: Path) -> None:
    values = (
        "      - {from: 2026-01-01, until: 2026-12-31, value: 200.00, source: S1}\n"
        "      - {from: 2026-07-01, value: 210.00, source: S1}\n"
    )
    (problem,) = errors(tmp_path, scheme_with(values))
    assert "runs until 2026-12-31, past the next one from 2026-07-01" in problem


def test_a_figure_that_ends_must_say_who_sets_the_next(tmp_path: Path) -> None:
    values = "      - {from: 2026-01-01, until: 2026-12-31, value: 200.00, source: S1}\n"
    (problem,) = errors(tmp_path, scheme_with(values, next_value=False))
    assert "say who sets the next one" in problem and "next_value" in problem


def test_until_before_from_is_refused_by_path(tmp_path: Path) -> None:
    values = "      - {from: 2026-01-01, until: 2025-12-31, value: 200.00, source: S1}\n"
    write_base(tmp_path, FILES, scheme=scheme_with(values))
    with pytest.raises(engine.RulesError, match="'until' lies before 'from'"):
        engine.load_plan(tmp_path)


def test_ending_figures_lists_the_bundled_norms_soonest_first() -> None:
    plan = engine.load_plan()
    found = {f.name: f for f in ending_figures(plan)}
    norm = found["norm_21_a"]
    assert norm.ends == dt.date(2026, 12, 31) and norm.source == "PW-2026b"
    assert "1 January and 1 July" in norm.next_value
    assert found["aow_leeftijd"].ends == dt.date(2027, 12, 31)
    ends = [f.ends for f in ending_figures(plan)]
    assert ends == sorted(ends)
    assert "aow_leeftijd" not in {f.name for f in ending_figures(plan, dt.date(2027, 7, 1))}
    assert ending_figures(plan, dt.date(2026, 12, 31)) == []  # nothing ends before that day
    assert "kostendelers_deel_per_persoon" not in found  # set by the law until it changes it


def test_the_figures_command_prints_one_line_each_with_source_and_next() -> None:
    result = cli("figures", "--until", "2027-07-01")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(ending_figures(engine.load_plan(), dt.date(2027, 7, 1))) > 20
    line = next(x for x in lines if x.startswith("norm_21_a:"))
    assert "known until 2026-12-31" in line
    assert "https://wetten.overheid.nl/BWBR0015703/2026-07-01" in line
    assert "next: SZW sets the norms" in line


def test_the_figures_command_refuses_a_bad_date() -> None:
    result = cli("figures", "--until", "1-7-2027")
    assert result.returncode == 2 and "not a date" in result.stderr


# --- sound: what is decided without a figure holds for every value it may get ---------------

LATER = dt.date(2027, 1, 15)


@pytest.mark.parametrize("factor", ["0.01", "0.5", "1", "1.5", "100"])
def test_an_outcome_decided_without_the_new_figures_holds_for_any_of_them(factor: str) -> None:
    """Each status the advice decides on 15-01-2027, with the norms unknown, is the status the
    rules give for that household with the norms at any positive value: the last known ones
    times a factor from a cent's worth to a hundredfold."""
    from decimal import Decimal

    from engine.explain.outcome import scheme_status
    from engine.population.generate import generate
    from engine.run.evaluate import run

    plan = engine.load_plan()
    ending = ending_figures(plan)
    figures = {
        f.name: plan.parameters[f.name].spec.values[-1].value * Decimal(factor)
        for f in ending
        if plan.parameters[f.name].spec.type == "money"
    }
    decided = weighed = 0
    for data in generate(40, seed=26, today=LATER):
        profile = engine.profile_from_dict(data)
        unknown = run(plan, profile, LATER)
        known = run(plan, profile, LATER, what_if=figures)
        weighed += sum(
            any(name.startswith("cijfer:") for name in over) for over in unknown.settled.values()
        )
        for scheme_id in plan.schemes:
            status = scheme_status(unknown, scheme_id)
            if status != "undetermined":
                decided += 1
                assert scheme_status(known, scheme_id) == status, (scheme_id, factor)
    assert decided > 100  # the rule: most outcomes do not wait on a figure
    assert weighed > 20  # and some are decided because every positive figure agrees
