"""The strict profile: refusals name the field path and never echo the value."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import EXAMPLE, ROOT

import engine
from engine.model.profile import Profile

SENTINEL = "SENTINEL-9f3"


def refuse(data: Any) -> engine.ProfileError:
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_dict(data)
    return info.value


def paths(error: engine.ProfileError) -> list[str]:
    return [path for path, _ in error.errors]


def _set(*path: Any, value: Any) -> Callable[[dict], None]:
    def mutate(data: dict) -> None:
        node = data
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value

    return mutate


MUTATIONS = [
    # (description, mutation, expected path)
    ("date as text", _set("members", 0, "birth_date", value=SENTINEL), "members[0].birth_date"),
    (
        "impossible date",
        _set("members", 0, "birth_date", value="2023-02-29"),
        "members[0].birth_date",
    ),
    ("31 April", _set("members", 1, "birth_date", value="2026-04-31"), "members[1].birth_date"),
    ("date as number", _set("members", 0, "birth_date", value=19910914), "members[0].birth_date"),
    (
        "date and time",
        _set("members", 0, "birth_date", value=dt.datetime(1991, 9, 14, 12)),
        "members[0].birth_date",
    ),
    (
        "yes for a bool",
        _set("members", 0, "lives_in_netherlands", value="yes"),
        "members[0].lives_in_netherlands",
    ),
    (
        "text for a bool",
        _set("members", 0, "lives_in_netherlands", value=SENTINEL),
        "members[0].lives_in_netherlands",
    ),
    (
        "1 for a bool",
        _set("members", 0, "lives_in_netherlands", value=1),
        "members[0].lives_in_netherlands",
    ),
    (
        "nested bool",
        _set("members", 0, "exclusions", "detained", value="false"),
        "members[0].exclusions.detained",
    ),
    (
        "3 decimals",
        _set("members", 0, "incomes", 0, "net_monthly", value="210.005"),
        "members[0].incomes[0].net_monthly",
    ),
    (
        "3 decimals float",
        _set("members", 0, "incomes", 1, "net_monthly", value=250.001),
        "members[0].incomes[1].net_monthly",
    ),
    (
        "3 decimals Decimal",
        _set("assets", "bank_and_cash", value=Decimal("1.999")),
        "assets.bank_and_cash",
    ),
    ("negative amount", _set("assets", "bank_and_cash", value=-5), "assets.bank_and_cash"),
    ("negative text amount", _set("assets", "debts", value="-0.01"), "assets.debts"),
    ("amount as words", _set("assets", "bank_and_cash", value=SENTINEL), "assets.bank_and_cash"),
    ("amount yes/no", _set("assets", "bank_and_cash", value=True), "assets.bank_and_cash"),
    ("amount NaN", _set("assets", "bank_and_cash", value="NaN"), "assets.bank_and_cash"),
    (
        "amount infinite",
        _set("assets", "bank_and_cash", value=float("inf")),
        "assets.bank_and_cash",
    ),
    ("amount too large", _set("assets", "bank_and_cash", value=10**12), "assets.bank_and_cash"),
    ("amount as list", _set("assets", "bank_and_cash", value=[SENTINEL]), "assets.bank_and_cash"),
    # an unknown key is named by its mapping: the key may be a value typed in the wrong place
    ("unknown field", _set("members", 0, "colour", value=SENTINEL), "members[0]"),
    ("unknown top field", _set("colour", value=SENTINEL), "(profile)"),
    ("unknown nested field", _set("assets", "car", value=SENTINEL), "assets"),
    (
        "unknown enum value",
        _set("members", 1, "relation_to_applicant", value=SENTINEL),
        "members[1].relation_to_applicant",
    ),
    ("unknown role", _set("members", 1, "role", value=SENTINEL), "members[1].role"),
    (
        "unknown income kind",
        _set("members", 0, "incomes", 0, "kind", value=SENTINEL),
        "members[0].incomes[0].kind",
    ),
    ("bad id", _set("members", 1, "id", value=SENTINEL + " !"), "members[1].id"),
    (
        "bad nationality",
        _set("members", 0, "nationality", value=SENTINEL),
        "members[0].nationality",
    ),
    (
        "weeks out of range",
        _set("members", 0, "exclusions", "weeks_abroad_this_year", value=99),
        "members[0].exclusions.weeks_abroad_this_year",
    ),
    (
        "weeks as text",
        _set("members", 0, "exclusions", "consecutive_weeks_abroad", value=SENTINEL),
        "members[0].exclusions.consecutive_weeks_abroad",
    ),
    (
        "weeks as bool",
        _set("members", 0, "exclusions", "consecutive_weeks_abroad", value=True),
        "members[0].exclusions.consecutive_weeks_abroad",
    ),
    ("incomes not a list", _set("members", 0, "incomes", value=SENTINEL), "members[0].incomes"),
    (
        "group not a mapping",
        _set("members", 0, "exclusions", value=SENTINEL),
        "members[0].exclusions",
    ),
    ("members not a list", _set("members", value=SENTINEL), "members"),
    ("no members", _set("members", value=[]), "members"),
    ("municipality as number", _set("municipality", value=12345), "municipality"),
    ("reporting date", _set("reporting_date", value=SENTINEL), "reporting_date"),
]


@pytest.mark.parametrize(("what", "mutate", "path"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_bad_field_names_the_path_never_the_value(example, what, mutate, path) -> None:
    mutate(example)
    error = refuse(example)
    assert paths(error) == [path], error.errors
    message = str(error)
    assert path in message
    assert SENTINEL not in message
    assert SENTINEL not in repr(error.errors)
    assert "Traceback" not in message


def test_several_problems_are_reported_together(example) -> None:
    example["members"][0]["birth_date"] = SENTINEL
    example["assets"]["debts"] = -1
    example["members"][1]["main_residence_in_home"] = "ja"
    error = refuse(example)
    assert sorted(paths(error)) == [
        "assets.debts",
        "members[0].birth_date",
        "members[1].main_residence_in_home",
    ]
    assert "3 problem(s)" in str(error)


@pytest.mark.parametrize(
    ("what", "members", "fragment"),
    [
        (
            "no applicant",
            [{"id": "a", "role": "child"}],
            "exactly one member with role 'applicant'",
        ),
        (
            "two applicants",
            [{"id": "a", "role": "applicant"}, {"id": "b", "role": "applicant"}],
            "exactly one member with role 'applicant'",
        ),
        (
            "two partners",
            [
                {"id": "a", "role": "applicant"},
                {"id": "b", "role": "partner"},
                {"id": "c", "role": "partner"},
            ],
            "at most one member with role 'partner'",
        ),
        (
            "duplicate ids",
            [{"id": SENTINEL, "role": "applicant"}, {"id": SENTINEL, "role": "child"}],
            "distinct id",
        ),
    ],
)
def test_household_shape(what, members, fragment) -> None:
    error = refuse({"members": members})
    message = str(error)
    assert fragment in message
    assert SENTINEL not in message


def test_profile_must_be_a_mapping() -> None:
    for data in ([SENTINEL], SENTINEL, None, 5):
        error = refuse(data)
        assert paths(error) == ["(profile)"]
        assert SENTINEL not in str(error)


def test_deeply_nested_junk_is_refused_cleanly() -> None:
    junk: Any = SENTINEL
    for _ in range(2000):
        junk = {"x": junk}
    error = refuse({"members": [{"id": "a", "role": "applicant"}], "assets": junk})
    assert SENTINEL not in str(error)


def test_minimal_profile_is_valid() -> None:
    profile = engine.profile_from_dict({"members": [{"id": "a", "role": "applicant"}]})
    assert profile.applicant.id == "a"
    assert profile.partner is None
    assert profile.assets.bank_and_cash is None  # unknown, not zero


def test_amounts_are_exact_decimals(example) -> None:
    example["members"][0]["incomes"] = [
        {"kind": "wages", "net_monthly": 0.1},
        {"kind": "other", "net_monthly": "0.20"},
        {"kind": "gift", "net_monthly": 3},
    ]
    profile = engine.profile_from_dict(example)
    amounts = [i.net_monthly for i in profile.applicant.incomes]
    assert amounts == [Decimal("0.1"), Decimal("0.20"), Decimal(3)]
    assert all(isinstance(a, Decimal) for a in amounts)
    assert amounts[0] + amounts[1] == Decimal("0.30")


def test_enum_values_and_iso_dates_are_accepted_as_text(example) -> None:
    profile = engine.profile_from_dict(json.loads(json.dumps(example, default=str)))
    assert profile.applicant.birth_date == dt.date(1991, 9, 14)
    assert profile.other_residents[0].relation_to_applicant.value == "sibling"


def test_the_input_is_not_changed(example) -> None:
    before = json.dumps(example, default=str, sort_keys=True)
    engine.profile_from_dict(example)
    assert json.dumps(example, default=str, sort_keys=True) == before


# ---------------------------------------------------------------------------------------------
# Files


def _dump(profile: Profile) -> dict:
    return profile.model_dump(mode="json")


def test_loading_from_yaml_and_json_gives_the_same_profile(tmp_path: Path, example) -> None:
    from_yaml = engine.profile_from_file(EXAMPLE)
    json_path = tmp_path / "profile.json"
    json_path.write_text(json.dumps(example, default=str), encoding="utf-8")
    from_json = engine.profile_from_file(json_path)
    yml_path = tmp_path / "profile.yml"
    yml_path.write_text(yaml.safe_dump(example), encoding="utf-8")
    from_yml = engine.profile_from_file(yml_path)
    assert from_yaml == from_json == from_yml  # Decimal 250.0 equals 250.00
    assert _dump(from_json) == _dump(from_yml)
    assert from_json.applicant.incomes[1].net_monthly == Decimal("250.00")


def test_json_numbers_are_read_as_decimals(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        '{"members": [{"id": "a", "role": "applicant", '
        '"incomes": [{"kind": "wages", "net_monthly": 0.10}]}], "assets": {"bank_and_cash": 0.20}}'
    )
    profile = engine.profile_from_file(path)
    assert profile.applicant.incomes[0].net_monthly + profile.assets.bank_and_cash == Decimal(
        "0.30"
    )


def test_json_file_with_three_decimals(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"members": [{"id": "a", "role": "applicant"}], "assets": {"debts": 1.005}}')
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(path)
    assert paths(info.value) == ["assets.debts"]


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text('{"members": [' + SENTINEL + "]}")
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(path)
    assert paths(info.value) == ["(file)"]
    assert "not valid JSON" in str(info.value)
    assert SENTINEL not in str(info.value)


def test_invalid_yaml_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("members: [{id: a, role: applicant}\n")
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(path)
    assert paths(info.value) == ["(file)"]
    assert "YAML" in str(info.value)


def test_yaml_file_with_aliases_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("members:\n  - &m {id: a, role: applicant}\n  - *m\n")
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(path)
    assert "aliases" in str(info.value)


def test_yaml_file_with_bad_field(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(
        f"members:\n  - id: a\n    role: applicant\n    lives_in_netherlands: {SENTINEL}\n"
    )
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(path)
    assert paths(info.value) == ["members[0].lives_in_netherlands"]
    assert SENTINEL not in str(info.value)


def test_yaml_yes_is_not_a_bool_answer(tmp_path: Path) -> None:
    # yes is no answer to a yes/no field (YAML 1.2: only true and false are), quoted or not
    path = tmp_path / "p.yaml"
    path.write_text('members:\n  - {id: a, role: applicant, lives_in_netherlands: "yes"}\n')
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(path)
    assert paths(info.value) == ["members[0].lives_in_netherlands"]


def _yaml_profile(tmp_path: Path, bank: str, nationality: str = "NL") -> Path:
    path = tmp_path / "p.yaml"
    path.write_text(
        "members:\n  - {id: a, role: applicant, nationality: "
        + nationality
        + "}\nassets: {bank_and_cash: "
        + bank
        + "}\n"
    )
    return path


@pytest.mark.parametrize(
    ("written", "amount"),
    [("0100", "100.00"), ("100", "100.00"), ("-0", "0.00"), ("-0.00", "0.00"), ("+5", "5.00")],
)
def test_yaml_numbers_are_read_as_yaml_1_2(tmp_path: Path, written: str, amount: str) -> None:
    """Issue 25: YAML 1.1 read 0100 as octal (64); a zero never shows as -0.00."""
    profile = engine.profile_from_file(_yaml_profile(tmp_path, written))
    assert str(profile.assets.bank_and_cash) == amount


@pytest.mark.parametrize("written", ["12:50", "0x10", "0o100", "1_000"])
def test_yaml_1_1_number_forms_are_refused_by_path(tmp_path: Path, written: str) -> None:
    """Issue 25: base 60 (12:50 was 770), hex, octal and 1_000 are no amounts: refused, naming
    the field, not read as some other number."""
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(_yaml_profile(tmp_path, written))
    assert paths(info.value) == ["assets.bank_and_cash"]


def test_an_exponent_is_refused(tmp_path: Path) -> None:
    with pytest.raises(engine.ProfileError, match="not a plain decimal number"):
        engine.profile_from_file(_yaml_profile(tmp_path, "1e3"))


def test_the_country_code_no_is_norway_not_false(tmp_path: Path) -> None:
    profile = engine.profile_from_file(_yaml_profile(tmp_path, "0", nationality="NO"))
    assert profile.members[0].nationality == "NO"


@pytest.mark.parametrize("name", ["absent.json", "absent.yaml"])
def test_missing_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(engine.ProfileError) as info:
        engine.profile_from_file(tmp_path / name)
    assert "cannot read" in str(info.value)


def test_not_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"members: [{id: \xff\xfe, role: applicant}]\n")
    with pytest.raises(engine.ProfileError):
        engine.profile_from_file(path)


# ---------------------------------------------------------------------------------------------
# Schema


def test_schema_profile_prints_valid_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "engine", "schema", "profile"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert "members" in schema["properties"]
    assert "members" in schema.get("required", [])
    assert schema.get("additionalProperties") is False
    assert "Person" in json.dumps(schema)


def test_schema_advice_prints_valid_json() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "engine", "schema", "advice"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert "receipt" in schema["properties"] and "schemes" in schema["properties"]


def test_an_owned_home_without_its_figures_leaves_them_unknown_not_absent() -> None:
    """`owns_home: true` means the home's value and mortgage exist: they are asked, not read
    as "no home" (which would leave kwijtschelding underivable instead of waiting on them)."""
    from engine.run.evaluate import run
    from engine.values import Unknown

    profile = engine.profile_from_dict(
        {
            "municipality": "Utrecht",
            "members": [{"id": "a", "role": "applicant", "birth_date": "1980-01-01"}],
            "assets": {"owns_home": True},
        }
    )
    assert profile.assets.own_home is not None
    trace = run(engine.load_plan(), profile, dt.date(2026, 1, 15))
    for fact in ("woningwaarde", "hypotheekschuld"):
        value = trace.facts[fact]
        assert type(value) is Unknown and value.missing == {fact}, fact


def _exclusions(**given: object) -> object:
    person = {"id": "a", "role": "applicant", "exclusions": given}
    return engine.profile_from_dict({"members": [person]}).members[0].exclusions


def test_not_abroad_is_no_week_abroad_and_the_weeks_answer_whether() -> None:
    """Art. 13 lid 1 onder e Pw counts weeks abroad this calendar year and in a row; whether one
    was abroad at all is asked first. "No" is zero weeks of either kind; the weeks, where given,
    answer whether: one week is "yes", none of either kind "no"."""
    none = _exclusions(been_abroad=False)
    assert (none.weeks_abroad_this_year, none.consecutive_weeks_abroad) == (0, 0)
    assert _exclusions(weeks_abroad_this_year=0, consecutive_weeks_abroad=3).been_abroad is True
    assert _exclusions(weeks_abroad_this_year=0, consecutive_weeks_abroad=0).been_abroad is False
    assert _exclusions(weeks_abroad_this_year=0).been_abroad is None  # a stay in a row: open
    assert _exclusions(been_abroad=True).weeks_abroad_this_year is None
    error = refuse(
        {
            "members": [
                {
                    "id": "a",
                    "role": "applicant",
                    "exclusions": {"been_abroad": False, "weeks_abroad_this_year": 7},
                }
            ]
        }
    )
    assert paths(error) == ["members[0].exclusions"]
    assert "been_abroad" in str(error) and "7" not in str(error)
