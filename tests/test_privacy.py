"""No personal data in logs, exception messages or receipts (issue #7, part 2).

A household is written with sentinel values (member ids, BSNs, a birth date, amounts, a
special cost's description, a municipality) and taken through every path of the engine: load,
advise in every format, intake, replay, batch (both backends), diff and the command line. Every
output channel that is not the advice itself is searched for the sentinels: every log record
at DEBUG level from every logger, warnings, the messages and tracebacks of every exception
raised for invalid variants of the household, the receipt, the batch results' error column,
and stderr of `advise`, `batch`, `intake` and `replay`.

The advice body shows the household's own amounts to its case worker: that is its job. Its
receipt holds hashes, rule ids and the figures of the law only, and no output shows a BSN.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rulebase import rules_file, write_base
from support import ROOT

import engine
from engine.api import default_plan, load_plan
from engine.batch import read_results, run_batch
from engine.diff import Case, compare, resolve
from engine.errors import EvaluationError, ProfileError
from engine.explain.html import advice_html
from engine.explain.markdown import advice_markdown
from engine.explain.text import advice_text
from engine.intake.session import ASK_AGAIN, AnswerError, IntakeSession
from engine.model.profile import profile_from_file
from engine.population.table import COLUMNS, LIST_COLUMNS, REQUIRED_COLUMNS
from engine.replay import ReplayError, replay
from engine.run.evaluate import profile_fingerprint

PEILDATUM = dt.date(2026, 1, 15)
APPLICANT_ID = "Jansen-Sentinel-7Q"
PARTNER_ID = "deVries-Sentinel-3K"
BSN = "732104956"  # passes the elfproef
PARTNER_BSN = "369172085"
BIRTH = "1971-03-29"
INCOME = "4321.87"
SAVINGS = "98765.43"
DESCRIPTION = "Sentinel-omschrijving"
MUNICIPALITY = "Sentinelstad"

# Every way a sentinel could be written out: as given, in Dutch notation, day first.
SENTINELS = {
    "applicant id": [APPLICANT_ID, "Jansen-Sentinel"],
    "partner id": [PARTNER_ID, "deVries-Sentinel"],
    "bsn": [BSN, "732 104 956", "7321.04956"],
    "partner bsn": [PARTNER_BSN],
    "birth date": [BIRTH, "29-03-1971", "29 maart 1971", "29 March 1971", "1971, 3, 29"],
    "income": [INCOME, "4321,87", "4.321,87", "4,321.87"],
    "savings": [SAVINGS, "98765,43", "98.765,43", "98,765.43"],
    "description": [DESCRIPTION, "Sentinel-omschr"],
    "municipality": [MUNICIPALITY, "sentinelstad", "SENTINELSTAD"],
}
# A number standing on its own: nine digits inside a hex hash (a plan hash "c93e936180977c9b")
# are no BSN.
NINE_DIGITS = re.compile(r"(?<![0-9A-Za-z])\d{9}(?![0-9A-Za-z])")


def leaks(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """The sentinels (by name) that this text shows, and any nine-digit run (a BSN)."""
    found = [
        name
        for name, forms in SENTINELS.items()
        if name not in allowed and any(form in text for form in forms)
    ]
    if "bsn" not in allowed and NINE_DIGITS.search(text):
        found.append("a nine-digit number")
    return found


def sentinel_profile() -> dict[str, Any]:
    """A couple with a child, every sentinel in its place, valid."""
    exclusions = {
        "detained": False,
        "evading_sentence": False,
        "military_service": False,
        "on_strike_or_locked_out": False,
        "repaying_debts_while_having_means": False,
        "uitreiziger": False,
        "unpaid_leave": False,
        "in_institution": False,
        "weeks_abroad_this_year": 0,
        "consecutive_weeks_abroad": 0,
    }
    person = {
        "lives_in_netherlands": True,
        "registered_in_brp": True,
        "nationality": "NL",
        "exclusions": exclusions,
        "education": {"follows_education": False, "can_follow_funded_education": False},
        "work": {"fully_and_permanently_incapacitated": False, "care_duties": False},
    }
    return {
        "municipality": MUNICIPALITY,
        "reporting_date": "2026-01-05",
        "members": [
            {
                "id": APPLICANT_ID,
                "role": "applicant",
                "bsn": BSN,
                "birth_date": BIRTH,
                **copy.deepcopy(person),
                "incomes": [{"kind": "wages", "net_monthly": INCOME}],
            },
            {
                "id": PARTNER_ID,
                "role": "partner",
                "bsn": PARTNER_BSN,
                "birth_date": "1973-08-02",
                **copy.deepcopy(person),
                "incomes": [],
            },
            {"id": "kind-1", "role": "child", "birth_date": "2015-06-10"},
        ],
        "assets": {
            "bank_and_cash": SAVINGS,
            "other_possessions": "0",
            "debts": "0",
            "owns_home": False,
        },
        "minima": {
            "special_costs": [
                {"description": DESCRIPTION, "amount": "312.40", "necessary": True},
            ],
            "housing_costs_monthly": "812.00",
        },
        "debts": {"problematic_debts": False},
    }


def test_the_sentinel_profile_is_valid_and_uses_every_sentinel() -> None:
    data = sentinel_profile()
    profile = engine.profile_from_dict(data)
    assert profile.applicant.bsn == BSN and profile.partner and profile.partner.bsn == PARTNER_BSN
    text = json.dumps(data)
    assert set(leaks(text)) >= set(SENTINELS)  # the search itself finds every sentinel


# ---------------------------------------------------------------------------------------------
# Capturing every channel


class Channels(logging.Handler):
    """Every log record (DEBUG and up) of every logger, and every warning, as text."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = f"{record.name} {record.levelname} {record.getMessage()}"
        if record.exc_info and record.exc_info[1] is not None:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.texts.append(text)


@pytest.fixture
def channels(caplog: pytest.LogCaptureFixture) -> Iterator[Channels]:
    """Log capture at DEBUG on the root logger and on every logger that does not propagate."""
    handler = Channels()
    caplog.set_level(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    levels = {logger: logger.level for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        if not logger.propagate:
            logger.addHandler(handler)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield handler
    root.removeHandler(handler)
    for logger, level in levels.items():
        logger.setLevel(level)
        logger.removeHandler(handler)
    handler.texts += [f"warning {w.category.__name__} {w.message}" for w in caught]
    handler.texts += [record.getMessage() for record in caplog.records]
    for text in handler.texts:
        assert not leaks(text), text


def test_the_log_capture_sees_debug_records_of_any_logger(caplog: pytest.LogCaptureFixture) -> None:
    """The channel check itself: a record with a sentinel is caught, also from a quiet logger."""
    handler = Channels()
    logger = logging.getLogger("engine.some.module")
    logger.propagate = False
    try:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        logger.debug("profile %s", APPLICANT_ID)
    finally:
        logger.propagate = True
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)
    assert leaks(handler.texts[0]) == ["applicant id"]


def _exception_texts(error: BaseException) -> list[str]:
    """Everything an exception shows or carries: message, args, its own fields, its traceback,
    and the same of every exception chained to it, also a context hidden by `from None`
    (error reporters and debuggers can still reach it)."""
    texts = ["".join(traceback.format_exception(error))]
    seen: set[int] = set()
    chain: list[BaseException | None] = [error]
    while chain:
        current = chain.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        texts += [repr(value) for value in vars(current).values()]
        chain += [current.__cause__, current.__context__]
    return texts


def assert_no_leak(error: BaseException) -> None:
    for text in _exception_texts(error):
        assert not leaks(text), text


# ---------------------------------------------------------------------------------------------
# Load and advise


def test_load_advise_and_render_log_nothing_personal(channels: Channels, tmp_path: Path) -> None:
    data = sentinel_profile()
    as_json = tmp_path / "huishouden.json"
    as_json.write_text(json.dumps(data), encoding="utf-8")
    as_yaml = tmp_path / "huishouden.yaml"
    as_yaml.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    profile = profile_from_file(as_json)
    assert profile == profile_from_file(as_yaml) == engine.profile_from_dict(data)
    for lang in ("nl", "en"):
        advice = engine.advise(profile, PEILDATUM, lang=lang)
        bodies = [
            advice.to_json(),
            advice_text(advice),
            advice_markdown(advice),
            advice_html(advice),
        ]
        for body in bodies:
            assert BSN not in body and PARTNER_BSN not in body  # no output shows a BSN
    engine.evaluate(data, PEILDATUM)


def test_the_receipt_holds_hashes_rule_ids_and_law_figures_only() -> None:
    profile = engine.profile_from_dict(sentinel_profile())
    advice = engine.advise(profile, PEILDATUM)
    receipt = json.loads(advice.to_json())["receipt"]
    assert not leaks(json.dumps(receipt)), receipt
    assert set(receipt) == {
        "engine_version",
        "plan_hash",
        "peildatum",
        "language",
        "input_hash",
        "rules",
        "parameters",
    }
    plan = default_plan()
    assert all(re.fullmatch(r"[0-9a-f]{12}", h) for h in receipt["rules"].values())
    assert set(receipt["rules"]) <= set(plan.rules_by_id)
    assert set(receipt["parameters"]) <= set(plan.parameters)  # figures of the law, by name
    assert re.fullmatch(r"[0-9a-f]{64}", receipt["input_hash"])


def test_the_input_hash_covers_the_whole_profile_not_one_field() -> None:
    data = sentinel_profile()
    profile = engine.profile_from_dict(data)
    digest = engine.advise(profile, PEILDATUM).receipt.input_hash
    whole = hashlib.sha256(profile.model_dump_json().encode("utf-8")).hexdigest()
    assert digest == whole == profile_fingerprint(profile)
    singles = [form for forms in SENTINELS.values() for form in forms]
    for single in singles:
        assert digest != hashlib.sha256(single.encode("utf-8")).hexdigest()
    for path, value in [
        (("members", 0, "bsn"), "111222333"),
        (("members", 2, "birth_date"), "2015-06-11"),
        (("minima", "special_costs", 0, "description"), "Bril"),
        (("municipality",), "Alkmaar"),
    ]:
        changed = copy.deepcopy(data)
        node: Any = changed
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        other = engine.advise(engine.profile_from_dict(changed), PEILDATUM).receipt.input_hash
        assert other != digest, path


# ---------------------------------------------------------------------------------------------
# Invalid variants of the household: the messages name paths, never values


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


INVALID_VARIANTS = {
    "birth date with a time": (("members", 0, "birth_date"), BIRTH + "T08:00"),
    "birth date day first": (("members", 0, "birth_date"), "29-03-1971"),
    "birth date with a space": (("members", 0, "birth_date"), BIRTH + " "),
    "income with three decimals": (("members", 0, "incomes", 0, "net_monthly"), INCOME + "5"),
    "income negative": (("members", 0, "incomes", 0, "net_monthly"), "-" + INCOME),
    "income in Dutch notation": (("members", 0, "incomes", 0, "net_monthly"), "4321,87"),
    "income as a float": (("members", 0, "incomes", 0, "net_monthly"), 4321.875),
    "savings with a euro sign": (("assets", "bank_and_cash"), "€" + SAVINGS),
    "savings as a list": (("assets", "bank_and_cash"), [SAVINGS]),
    "bsn failing the elfproef": (("members", 0, "bsn"), BSN[:-1] + "7"),
    "bsn digits swapped": (("members", 0, "bsn"), BSN[1] + BSN[0] + BSN[2:]),
    "bsn as a number": (("members", 0, "bsn"), int(BSN)),
    "bsn with spaces": (("members", 0, "bsn"), "732 104 956"),
    "bsn ten digits": (("members", 0, "bsn"), BSN + "0"),
    "id with a space": (("members", 0, "id"), "Jansen-Sentinel 7Q"),
    "id too long": (("members", 0, "id"), APPLICANT_ID * 5),
    "id twice": (("members", 1, "id"), APPLICANT_ID),
    "description too long": (("minima", "special_costs", 0, "description"), DESCRIPTION * 7),
    "description as a mapping": (("minima", "special_costs", 0, "description"), {"x": DESCRIPTION}),
    "municipality too long": (("municipality",), MUNICIPALITY * 8),
    "municipality as a list": (("municipality",), [MUNICIPALITY]),
    "nationality": (("members", 0, "nationality"), MUNICIPALITY),
    "role": (("members", 0, "role"), MUNICIPALITY),
}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(sentinel_profile())[:-40],  # cut short: not valid JSON
        json.dumps(sentinel_profile()).replace(BSN, BSN + '"x'),
        json.dumps(sentinel_profile()) + " " + INCOME,
    ],
)
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_broken_profile_file_carries_no_personal_data(
    channels: Channels, tmp_path: Path, text: str, suffix: str
) -> None:
    path = tmp_path / ("huishouden" + suffix)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError) as info:
        profile_from_file(path)
    assert_no_leak(info.value)


@pytest.mark.parametrize("variant", sorted(INVALID_VARIANTS))
def test_an_invalid_variant_names_paths_not_values(channels: Channels, variant: str) -> None:
    path, value = INVALID_VARIANTS[variant]
    data = _set(sentinel_profile(), path, value)
    with pytest.raises(ProfileError) as info:
        engine.profile_from_dict(data)
    assert_no_leak(info.value)
    with pytest.raises(ProfileError) as info:  # the same through an intake session
        IntakeSession(data, PEILDATUM)
    assert_no_leak(info.value)


def test_a_leaking_message_would_be_caught() -> None:
    """The check itself: an exception that carries a sentinel in a field is found."""
    error = ProfileError([("members[0].bsn", "a BSN is written as nine digits")])
    assert_no_leak(error)
    error.errors.append(("members[0].id", APPLICANT_ID))
    with pytest.raises(AssertionError):
        assert_no_leak(error)


# ---------------------------------------------------------------------------------------------
# Intake


def _start_of_intake() -> dict[str, Any]:
    """The sentinel household with facts left open, so that the intake has questions."""
    data = sentinel_profile()
    del data["reporting_date"]
    del data["debts"]
    for member in data["members"][:2]:
        del member["exclusions"]["detained"]
        del member["lives_in_netherlands"]
    del data["members"][1]["incomes"]  # a list question
    del data["members"][0]["nationality"]  # a text question
    data["members"][0]["exclusions"].pop("consecutive_weeks_abroad", None)  # a number question
    return data


def _bad_answers(kind: str) -> list[str]:
    return {
        "bool": [MUNICIPALITY, APPLICANT_ID, BSN],
        "date": [BIRTH + "x", "29-03-1971-" + MUNICIPALITY, "1971-02-30"],
        "money": [INCOME + MUNICIPALITY, "-" + SAVINGS, SAVINGS + "5"],
        "number": [INCOME + MUNICIPALITY, SAVINGS + "5" + "x"],
        "text": [DESCRIPTION * 10, MUNICIPALITY * 10],
        "list": [
            f"[{{kind: {MUNICIPALITY}, net_monthly: {INCOME}}}]",
            f"{{{DESCRIPTION}: 1}}",
            f"[{{kind: wages, net_monthly: {INCOME}",  # not valid YAML
        ],
    }[kind]


def test_intake_answers_and_refusals_show_no_personal_data(channels: Channels) -> None:
    session = IntakeSession(_start_of_intake(), PEILDATUM, lang="nl")
    first_of_type: dict[str, Any] = {}
    for question in session.advice.questions:
        first_of_type.setdefault(question.answer_type, question)
    assert set(first_of_type) == {"bool", "date", "money", "number", "text", "list"}
    refused = 0
    for kind, question in sorted(first_of_type.items()):
        for bad in _bad_answers(kind):
            try:
                session.answer(question.fact, bad)
            except AnswerError as error:
                refused += 1
                assert_no_leak(error)
    assert refused >= 12
    good = {"bool": "nee", "date": BIRTH, "money": INCOME, "number": "3", "list": "geen"}
    for kind, answer in good.items():
        question = first_of_type[kind]
        if question.fact in {q.fact for q in session.advice.questions}:
            session.answer(question.fact, answer)
    with pytest.raises(AnswerError) as info:
        session.answer("geen_vraag_" + APPLICANT_ID, INCOME)
    assert "geen_vraag_" in str(info.value)  # the fact named is the caller's own text
    assert session.validated_profile().applicant.bsn == BSN


def test_intake_takes_an_answer_about_one_special_cost() -> None:
    """The intake asks for a special cost's date; it must also be able to take the answer."""
    session = IntakeSession(_start_of_intake(), PEILDATUM)
    asked = {q.fact for q in session.advice.questions}
    assert "bijzondere_kosten[0].kost_datum" in asked
    session.answer("bijzondere_kosten[0].kost_datum", "02-01-2026")
    assert session.profile["minima"]["special_costs"][0]["incurred_on"] == "2026-01-02"
    assert "bijzondere_kosten[0].kost_datum" not in {q.fact for q in session.advice.questions}


# ---------------------------------------------------------------------------------------------
# Replay and diff


def test_replay_and_its_refusals_show_no_personal_data(channels: Channels) -> None:
    profile = engine.profile_from_dict(sentinel_profile())
    original = engine.advise(profile, PEILDATUM).to_json()
    assert replay(original, profile).identical
    other = engine.profile_from_dict(_set(sentinel_profile(), ("assets", "bank_and_cash"), "1.00"))
    for advice_json, who in [(original, other), ("[]", profile), ('{"receipt": 1}', profile)]:
        with pytest.raises(ReplayError) as info:
            replay(advice_json, who)
        assert_no_leak(info.value)


def test_replay_of_a_broken_advice_carries_no_personal_data() -> None:
    """The advice shows the household's municipality and amounts; a ReplayError for a broken
    advice must not carry its text (JSONDecodeError.doc) along as a hidden __context__."""
    profile = engine.profile_from_dict(sentinel_profile())
    original = engine.advise(profile, PEILDATUM).to_json()
    assert MUNICIPALITY in original
    with pytest.raises(ReplayError) as info:
        replay(original[:-10], profile)
    assert_no_leak(info.value)


def test_diff_logs_nothing_personal(channels: Channels) -> None:
    reform = ROOT / "examples" / "reforms" / "kostendelersnorm-vanaf-21.yaml"
    impact = compare(
        resolve("bundled"),
        resolve(str(reform)),
        [Case("huishouden", sentinel_profile(), PEILDATUM)],
    )
    assert impact.households == 1


# ---------------------------------------------------------------------------------------------
# Batch: the results' error column names columns and paths only


def _row(**cells: str) -> dict[str, str]:
    row = {
        "household_id": "hh-1",
        "municipality": MUNICIPALITY,
        "household_type": "couple_with_children",
        "applicant_birth_date": BIRTH,
        "partner_birth_date": "1973-08-02",
        "children_birth_dates": "2015-06-10",
        "housemate_birth_dates": "",
        "nationality": "NL",
        "residence_permit": "",
        "applicant_net_wages": INCOME,
        "partner_net_wages": "0",
        "bank_and_cash": SAVINGS,
        "owns_home": "false",
        "housing_costs_monthly": "812.00",
        "problematic_debts": "false",
        "total_debts": "0",
        "municipal_tax_assessment": "0",
        "low_income_since": "2024-01-01",
    }
    row.update(cells)
    assert set(REQUIRED_COLUMNS) <= set(row) <= set(COLUMNS) and set(LIST_COLUMNS) <= set(row)
    return row


BATCH_ROWS = [
    _row(household_id="valid"),
    _row(household_id="cells", applicant_net_wages=INCOME + "5", bank_and_cash="98765,43"),
    _row(household_id="birth", applicant_birth_date="1871-03-29", children_birth_dates=BIRTH + "x"),
    _row(household_id="type", household_type=MUNICIPALITY),
    _row(household_id="nationality", nationality=MUNICIPALITY),
    _row(household_id="negative", bank_and_cash="-" + SAVINGS),
]


def write_population(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows(BATCH_ROWS)
    return path


@pytest.mark.parametrize("backend", ["native", "vector"])
def test_batch_errors_name_columns_and_paths_only(
    channels: Channels, tmp_path: Path, backend: str
) -> None:
    population = write_population(tmp_path / "population.csv")
    out = tmp_path / "results.csv"
    summary = run_batch(population, out, default_plan(), PEILDATUM, backend=backend)
    results = list(read_results(out))
    errors = {row["household_id"]: row["error"] for row in results if row["status"] == "invalid"}
    assert set(errors) == {"cells", "birth", "type", "nationality", "negative"}, errors
    assert summary.invalid == 5
    for error in errors.values():
        assert error and not leaks(error), error
    assert any(row["status"] != "invalid" for row in results if row["household_id"] == "valid")
    assert not leaks(repr(summary))


# ---------------------------------------------------------------------------------------------
# The rules side: evaluation errors quote the rule, never the values it read


EXPLODING = rules_file(
    """\
    - id: x.einde
      citation: {article: "3"}
      then: {einde: "plus_jaren(geboren, 9000)"}
      text: {nl: "Einde", en: "End"}
    - id: x.deel
      citation: {article: "4"}
      then: {deel: grens / geld}
      text: {nl: "Deel", en: "Share"}
    """,
    facts="""\
    einde: {type: date, output: info, label: {nl: "Einde", en: "End"}}
    deel: {type: number, output: info, label: {nl: "Deel", en: "Share"}}
    """,
)


@pytest.mark.parametrize(
    ("fact", "profile"),
    [
        ("einde", {"birth_date": BIRTH}),
        ("deel", {"bank_and_cash": "0.00"}),
    ],
)
def test_an_evaluation_error_quotes_the_rule_not_the_values(
    tmp_path: Path, fact: str, profile: dict[str, Any]
) -> None:
    plan = load_plan(write_base(tmp_path, {"x.yaml": EXPLODING}))
    data: dict[str, Any] = {
        "municipality": MUNICIPALITY,
        "members": [
            {"id": APPLICANT_ID, "role": "applicant", "bsn": BSN, "birth_date": BIRTH},
        ],
        "assets": {"bank_and_cash": profile.get("bank_and_cash", SAVINGS)},
    }
    with pytest.raises(EvaluationError) as info:
        engine.advise(data, PEILDATUM, plan)
    assert_no_leak(info.value)
    assert {"einde": "plus_jaren", "deel": "grens / geld"}[fact] in str(info.value)


# ---------------------------------------------------------------------------------------------
# The command line: stderr of advise, batch, intake and replay


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("ENGINE_DEBUG", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    return path


def test_cli_advise_writes_nothing_personal_to_stderr(tmp_path: Path) -> None:
    good = _write(tmp_path / "huishouden.json", sentinel_profile())
    result = cli("advise", str(good), "--on", "2026-01-15", "--format", "json")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert not leaks(json.dumps(json.loads(result.stdout)["receipt"]))
    assert BSN not in result.stdout and PARTNER_BSN not in result.stdout
    for name in ["bsn failing the elfproef", "income with three decimals", "id twice"]:
        path, value = INVALID_VARIANTS[name]
        bad = _write(tmp_path / "fout.json", _set(sentinel_profile(), path, value))
        result = cli("advise", str(bad), "--on", "2026-01-15")
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
        assert not leaks(result.stderr), result.stderr


def test_cli_replay_writes_nothing_personal(tmp_path: Path) -> None:
    good = _write(tmp_path / "huishouden.json", sentinel_profile())
    advice = tmp_path / "advies.json"
    advice.write_text(
        engine.advise(engine.profile_from_dict(sentinel_profile()), PEILDATUM).to_json(),
        encoding="utf-8",
    )
    result = cli("replay", str(advice), str(good))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert not leaks(result.stdout)
    other = _write(tmp_path / "ander.json", _set(sentinel_profile(), ("assets", "debts"), "5"))
    result = cli("replay", str(advice), str(other))
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert not leaks(result.stderr + result.stdout), result.stderr


def test_cli_intake_echoes_no_answer_and_no_profile_value(tmp_path: Path) -> None:
    start = _write(tmp_path / "start.json", _start_of_intake())
    answers = "\n".join([MUNICIPALITY, BIRTH + "x", INCOME + "€x", "?", APPLICANT_ID, "", ""])
    result = cli("intake", str(start), "--on", "2026-01-15", stdin=answers)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    worded = [text.split("{")[0] for text in ASK_AGAIN["nl"].values()]
    refusals = [
        line for line in result.stdout.splitlines() if line.strip().startswith(tuple(worded))
    ]
    assert refusals  # the bad answers were refused, each in a line of its own
    for line in refusals:
        assert not leaks(line), line
    bad_start = _write(
        tmp_path / "fout.json", _set(sentinel_profile(), ("members", 0, "bsn"), BSN[::-1])
    )
    result = cli("intake", str(bad_start), "--on", "2026-01-15", stdin="\n")
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert not leaks(result.stderr + result.stdout), result.stderr


def test_cli_batch_writes_nothing_personal(tmp_path: Path) -> None:
    population = write_population(tmp_path / "population.csv")
    out = tmp_path / "results.csv"
    result = cli("batch", str(population), "--out", str(out), "--progress", "never")
    assert result.returncode == 0, result.stderr
    assert not leaks(result.stderr + result.stdout), result.stderr + result.stdout
    errors = [row["error"] for row in read_results(out) if row["error"]]
    assert len(errors) == 5 and not any(leaks(e) for e in errors)
    broken = tmp_path / "broken.csv"
    broken.write_text(
        population.read_text(encoding="utf-8") + f'"x",{MUNICIPALITY},{INCOME},"\n',
        encoding="utf-8",
    )
    result = cli("batch", str(broken), "--out", str(tmp_path / "r2.csv"), "--progress", "never")
    assert result.returncode == 2 and result.stderr.startswith("error: "), result.stderr
    assert not leaks(result.stderr + result.stdout), result.stderr
