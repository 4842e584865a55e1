"""The citizen profile: one household, as the intake sees it.

Strict: wrong types are refused, never coerced ("yes" is not a yes/no answer). A field left
out or null is unknown, and the engine treats it as unknown, never as zero or false; a group
of fields (assets, work, ...) is left out when nothing in it is known, not given as null. An empty
list is a known "none" (no income); an absent list is unknown. Errors name the field path,
never the value that was given.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from engine.errors import ProfileError

MAX_MONEY = Decimal("100000000")
CENT = Decimal("0.01")  # one hundred million euros: anything larger is a typing error


_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def _money(value: Any) -> Decimal:
    """Euros as Decimal with at most two decimals, from a number or a plain decimal text."""
    if isinstance(value, bool):
        raise ValueError("an amount must be a number of euros, not yes/no")
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, int):
        value = Decimal(value)
    if isinstance(value, str):
        if not _PLAIN_NUMBER.fullmatch(value.strip()):  # Decimal() also reads "1_000", "١٢٣"
            raise ValueError("an amount must be a plain decimal number like 1401.50")
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError("an amount must be a plain decimal number like 1401.50") from None
    if not isinstance(value, Decimal):
        raise ValueError("an amount must be a number of euros")
    if not value.is_finite():
        raise ValueError("an amount must be a finite number")
    if value.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValueError("an amount has at most two decimals (cents)")
    if value < 0:
        raise ValueError("an amount cannot be negative here")
    if value > MAX_MONEY:
        raise ValueError("the amount is implausibly large")
    if value == 0:
        value = Decimal(0)  # "-0" is zero, never shown as -0.00
    return value.quantize(CENT)  # canonical: 210, 210.0 and 210.00 are one amount


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Free text shown in an advice: no control or direction-changing characters, which could move
# a terminal's cursor or make a text read otherwise than it is.
PLAIN_TEXT = r"^[^\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]*$"

# Dates outside this range are typing errors, and would overflow date arithmetic in rules.
EARLIEST_DATE = dt.date(1880, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError("give a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, str):
        if not ISO_DATE.fullmatch(value):
            raise ValueError("a date must be written YYYY-MM-DD and exist")
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("a date must be written YYYY-MM-DD and exist") from None
    if not isinstance(value, dt.date):
        raise ValueError("a date must be written YYYY-MM-DD")
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"a date must lie between {EARLIEST_DATE} and {LATEST_DATE}")
    return value


def _weeks(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("give a whole number of weeks")
    if not 0 <= value <= 53:
        raise ValueError("weeks in a year lie between 0 and 53")
    return value


def _bsn(value: Any) -> str:
    """A burgerservicenummer: nine digits that pass the elfproef. Never echoed in an error."""
    if not isinstance(value, str) or len(value) != 9 or not value.isascii() or not value.isdigit():
        raise ValueError("a BSN is written as nine digits")
    digits = [int(c) for c in value]
    total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
    if total % 11 != 0 or not any(digits):
        raise ValueError("this is not a valid BSN (the elfproef fails)")
    return value


# Enum fields accept their text values (as JSON and YAML give them) but nothing else.
Lax = Field(strict=False)

Money = Annotated[Decimal, BeforeValidator(_money)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Weeks = Annotated[int, BeforeValidator(_weeks)]
Bsn = Annotated[str, BeforeValidator(_bsn)]


class Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Role(StrEnum):
    applicant = "applicant"
    partner = "partner"
    child = "child"
    other_resident = "other_resident"


class Relation(StrEnum):
    """How a household member other than the partner is related to the applicant."""

    parent = "parent"
    child = "child"
    sibling = "sibling"
    grandparent = "grandparent"
    grandchild = "grandchild"
    parent_in_law = "parent_in_law"
    child_in_law = "child_in_law"
    sibling_in_law = "sibling_in_law"
    other_relative = "other_relative"
    none = "none"


class ResidencePermit(StrEnum):
    """Lawful residence under art. 8 Vreemdelingenwet 2000, by letter; `none` if not lawful."""

    a = "a"
    b = "b"
    c = "c"
    d = "d"
    e = "e"
    f = "f"
    g = "g"
    h = "h"
    i = "i"
    j = "j"
    k = "k"
    l = "l"  # noqa: E741 - the letter of the law
    none = "none"


class IncomeKind(StrEnum):
    wages = "wages"
    self_employment = "self_employment"
    benefit = "benefit"
    pension = "pension"
    alimony = "alimony"
    student_finance = "student_finance"
    child_benefit = "child_benefit"  # kinderbijslag
    child_budget = "child_budget"  # kindgebonden budget (Awir toeslag)
    healthcare_allowance = "healthcare_allowance"  # zorgtoeslag (Awir)
    rent_allowance = "rent_allowance"  # huurtoeslag (Awir)
    childcare_allowance = "childcare_allowance"  # kinderopvangtoeslag (Awir)
    informal_care_appreciation = "informal_care_appreciation"  # mantelzorgwaardering
    single_earner_compensation = "single_earner_compensation"  # art. 78gg Pw
    gift = "gift"
    other = "other"


class EducationKind(StrEnum):
    """Which kind of education someone follows or could follow."""

    wsf = "wsf"  # education that can give a right to studiefinanciering (WSF 2000)
    wtos = "wtos"  # WTOS chapter 4
    bbl = "bbl"  # MBO beroepsbegeleidende leerweg
    abroad_comparable = "abroad_comparable"
    praktijkonderwijs = "praktijkonderwijs"
    vso = "vso"
    other = "other"


class IncomeItem(Model):
    kind: Annotated[IncomeKind, Lax]
    net_monthly: Money


class Education(Model):
    follows_education: bool | None = None
    kind: Annotated[EducationKind | None, Lax] = None
    entitled_to_student_finance: bool | None = None
    can_follow_funded_education: bool | None = None  # could follow WSF/WTOS-funded education
    left_praktijkonderwijs_or_vso_within_year: bool | None = None
    dutch_language_education_8_years: bool | None = None


class Exclusions(Model):
    """The situations of art. 13 Participatiewet, asked of the applicant and partner."""

    detained: bool | None = None
    evading_sentence: bool | None = None
    military_service: bool | None = None
    on_strike_or_locked_out: bool | None = None
    repaying_debts_while_having_means: bool | None = None
    uitreiziger: bool | None = None
    unpaid_leave: bool | None = None
    wazo_leave_single_parent: bool | None = None
    in_institution: bool | None = None
    been_abroad: bool | None = None  # abroad at all this calendar year, or now (art. 13 lid 1 e)
    weeks_abroad_this_year: Weeks | None = None
    consecutive_weeks_abroad: Weeks | None = None

    @model_validator(mode="before")
    @classmethod
    def _abroad_or_not(cls, data: Any) -> Any:
        # Whether one was abroad at all is asked before the weeks: "no" is no week of either
        # kind. The weeks answer it in turn: a week abroad is "yes", none of either kind "no".
        if not isinstance(data, dict):
            return data
        weeks = {name: data.get(name) for name in ABROAD_WEEKS}
        counted = [w for w in weeks.values() if type(w) is int]
        been = data.get("been_abroad")
        if been is False:
            if any(counted):
                raise ValueError(
                    "been_abroad is false, but weeks_abroad_this_year or "
                    "consecutive_weeks_abroad gives weeks abroad"
                )
            return {**data, **{name: 0 for name, w in weeks.items() if w is None}}
        if been is None and any(counted):
            return {**data, "been_abroad": True}
        if been is None and len(counted) == len(ABROAD_WEEKS):
            return {**data, "been_abroad": False}
        return data


ABROAD_WEEKS = ("weeks_abroad_this_year", "consecutive_weeks_abroad")


def _percentage(value: Any) -> Decimal:
    number = _money(value)
    if number > 100:
        raise ValueError("a percentage lies between 0 and 100")
    return number


def _hours(value: Any) -> Decimal:
    number = _money(value)
    if number > 80:
        raise ValueError("hours per week lie between 0 and 80")
    return number


Percentage = Annotated[Decimal, BeforeValidator(_percentage)]
Hours = Annotated[Decimal, BeforeValidator(_hours)]


class UwvAdvice(StrEnum):
    positive = "positive"
    negative = "negative"


# Findings that presuppose an illness, disability or limitation that makes work hard: each
# answers the question about such a condition, so it is not asked.
IMPLY_WORK_LIMITING_CONDITION = (
    "fully_and_permanently_incapacitated",
    "medically_limited_hours",
    "sheltered_work_only",
    "permanently_no_work_capacity",
    "receives_wajong",
    "disabled_before_18_or_during_study",
)


class Work(Model):
    # A long-term illness, disability or limitation that makes ordinary work hard, in the
    # person's own words: the sign that makes a referral to UWV for beschut werk or the Wajong
    # worth it (derived-and-who-decides §5-6).
    work_limiting_condition: bool | None = None
    fully_and_permanently_incapacitated: bool | None = None  # art. 4 WIA
    medically_limited_hours: bool | None = None  # medisch urenbeperkt
    in_lks_target_group: bool | None = None  # doelgroep loonkostensubsidie (art. 6 onder e Pw)
    care_duties: bool | None = None
    integration_diploma: bool | None = None  # inburgeringsexamen or onderwijsroute diploma
    # Wsw: indicated and in a Wsw dienstbetrekking on 31 December 2014 (art. 1 Wsw, transition)
    wsw_indicated_and_employed_on_2014_12_31: bool | None = None
    wsw_employed: bool | None = None  # now in a Wsw dienstbetrekking or begeleid werken
    # Beschut werk (art. 10b Pw): the college found that work is possible only in a sheltered setting
    sheltered_work_only: bool | None = None
    uwv_sheltered_work_advice: Annotated[UwvAdvice | None, Lax] = None
    uwv_sheltered_work_advice_date: Date | None = None
    sheltered_work_advice_requested: bool | None = None  # asked UWV for the advice oneself
    in_target_group_register: bool | None = None  # doelgroepregister banenafspraak (UWV)
    permanently_no_work_capacity: bool | None = None  # duurzaam geen arbeidsvermogen (Wajong)
    disabled_before_18_or_during_study: bool | None = None
    receives_wajong: bool | None = None
    has_job: bool | None = None  # a job (or offer) with an employer
    job_start_date: Date | None = None
    job_hours_per_week: Hours | None = None
    loonwaarde_established: bool | None = None  # loonwaarde set by a loonwaardebepaling
    loonwaarde_percentage: Percentage | None = None  # of the wettelijk minimumloon
    registered_with_uwv_as_jobseeker: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _implied_condition(cls, data: Any) -> Any:
        implied = (
            isinstance(data, dict)
            and data.get("work_limiting_condition") is None
            and any(data.get(name) is True for name in IMPLY_WORK_LIMITING_CONDITION)
        )
        return {**data, "work_limiting_condition": True} if implied else data


class Integration(Model):
    """What the Wet inburgering 2021 asks (art. 3-5, 14, 15)."""

    temporary_purpose: bool | None = None  # stay for a temporary purpose (art. 3 lid 1 onder b)
    eu_eea_swiss_or_family_member: bool | None = None
    eu_long_term_resident_integrated_elsewhere: bool | None = None
    treaty_exemption: bool | None = None
    leerplichtig_8_years_in_netherlands: bool | None = None  # art. 4 lid 1 onder a
    designated_diploma: bool | None = None  # art. 4 lid 1 onder b
    currently_leerplichtig: bool | None = None
    following_diploma_course: bool | None = None
    shown_sufficiently_integrated: bool | None = None
    permanently_unable: bool | None = None  # art. 5: psychological, physical or intellectual
    special_circumstances_not_to_blame: bool | None = None  # art. 5
    exemption_granted: bool | None = None  # DUO granted a vrijstelling (art. 4)
    dispensation_granted: bool | None = None  # DUO granted an ontheffing (art. 5)
    duty_started_on: Date | None = None
    brede_intake_done: bool | None = None
    pip_date: Date | None = None  # persoonlijk plan inburgering en participatie
    brp_registration_date: Date | None = None
    visual_or_hearing_impairment: bool | None = None  # leerbaarheidstoets exemption (art. 14)
    integration_completed: bool | None = None  # diploma or certificate obtained


class Person(Model):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    role: Annotated[Role, Lax]
    bsn: Bsn | None = None  # checked with the elfproef; no rule reads it, no output shows it
    relation_to_applicant: Annotated[Relation | None, Lax] = None
    birth_date: Date | None = None
    nationality: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")  # ISO 3166 alpha-2
    residence_permit: Annotated[ResidencePermit | None, Lax] = None
    lives_in_netherlands: bool | None = None
    main_residence_in_home: bool | None = None
    written_commercial_agreement: bool | None = None  # with the applicant, at a commercial price
    commercial_tenant_same_landlord: bool | None = None
    parents_cannot_provide: bool | None = None  # art. 20 lid 3: cannot fall back on parents
    caring_with_residence_elsewhere: bool | None = None  # art. 22a lid 4: mantelzorg elsewhere
    exclusions: Exclusions = Exclusions()
    education: Education = Education()
    work: Work = Work()
    integration: Integration = Integration()
    registered_in_brp: bool | None = None  # inschreven in de BRP of this municipality
    incomes: list[IncomeItem] | None = Field(default=None, max_length=50)

    @property
    def is_dutch(self) -> bool | None:
        return None if self.nationality is None else self.nationality == "NL"


class OwnHome(Model):
    market_value: Money | None = None  # waarde in het economisch verkeer bij vrije oplevering
    mortgage_debt: Money | None = None


class Assets(Model):
    """The household's possessions and debts, as art. 34 Participatiewet counts them."""

    bank_and_cash: Money | None = None
    other_possessions: Money | None = None  # beyond customary household goods
    debts: Money | None = None
    own_home: OwnHome | None = None  # absent if the household owns no home it lives in
    owns_home: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _home_owned(cls, data: Any) -> Any:
        # Owning the home means its value and mortgage exist, though they may not be known
        # yet: without the group they would read as "no such home", not as unknown.
        owned = isinstance(data, dict) and data.get("owns_home") is True
        return {**data, "own_home": {}} if owned and data.get("own_home") is None else data


class SpecialCost(Model):
    """A cost for which bijzondere bijstand may be asked (art. 35 Pw)."""

    description: str = Field(min_length=1, max_length=120, pattern=PLAIN_TEXT)
    amount: Money
    incurred_on: Date | None = None
    necessary: bool | None = None  # necessary and arising from special circumstances
    covered_elsewhere: bool | None = None  # by a voorliggende voorziening or insurance


class Minima(Model):
    """What the minima schemes ask about the household (art. 35, 36 Pw; kwijtschelding)."""

    low_income_since: Date | None = None  # since when income stayed within the IIT limit
    prospect_of_income_improvement: bool | None = None
    iit_granted_in_last_12_months: bool | None = None
    special_costs: list[SpecialCost] | None = Field(default=None, max_length=20)
    municipal_tax_assessment: Money | None = None  # aanslag gemeentelijke belastingen (year)
    housing_costs_monthly: Money | None = None
    car_value: Money | None = None
    car_indispensable: bool | None = None
    household_goods_value: Money | None = None


class Debts(Model):
    """The debt situation, as schuldhulpverlening and the Wsnp ask it."""

    problematic_debts: bool | None = None  # cannot, or foreseeably cannot, keep paying
    total_debts: Money | None = None
    help_requested_on: Date | None = None  # the request for schuldhulpverlening
    creditor_signal_received: bool | None = None  # vroegsignalering: did a creditor signal come in?
    creditor_signal_on: Date | None = None  # the day the gemeente received it
    eviction_threat: bool | None = None  # gedwongen woningontruiming
    utility_cutoff_threat: bool | None = None  # gas, electricity, stadsverwarming or water
    health_insurance_termination_threat: bool | None = None
    earlier_debt_help: bool | None = None
    fraud_conviction: bool | None = None  # irrevocable, causing harm to a bestuursorgaan
    good_faith_last_3_years: bool | None = None
    amicable_attempt_failed: bool | None = None  # minnelijk traject via an art. 48 Wck body
    crime_debts_last_5_years: bool | None = None
    in_wsnp: bool | None = None


class Profile(Model):
    municipality: str | None = Field(default=None, max_length=80, pattern=PLAIN_TEXT)
    reporting_date: Date | None = None  # datum van melding (art. 41, 44 Participatiewet)
    members: list[Person] = Field(min_length=1, max_length=30)
    assets: Assets = Assets()
    minima: Minima = Minima()
    debts: Debts = Debts()

    @model_validator(mode="after")
    def _household_shape(self) -> Profile:
        roles = [m.role for m in self.members]
        if roles.count(Role.applicant) != 1:
            raise ValueError("a household has exactly one member with role 'applicant'")
        if roles.count(Role.partner) > 1:
            raise ValueError("a household has at most one member with role 'partner'")
        ids = [m.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("every member needs a distinct id")
        return self

    @property
    def municipality_key(self) -> str | None:
        """The municipality as rules match it: lower case, single spaces."""
        return " ".join(self.municipality.lower().split()) if self.municipality else None

    @property
    def applicant(self) -> Person:
        return next(m for m in self.members if m.role is Role.applicant)

    @property
    def partner(self) -> Person | None:
        return next((m for m in self.members if m.role is Role.partner), None)

    @property
    def has_partner(self) -> bool:
        return self.partner is not None

    @property
    def children(self) -> list[Person]:
        return _by_id(m for m in self.members if m.role is Role.child)

    @property
    def other_residents(self) -> list[Person]:
        return _by_id(m for m in self.members if m.role is Role.other_resident)

    @property
    def owns_home(self) -> bool | None:
        return self.assets.owns_home


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _key(key: str, first: bool) -> str:
    if _NAME.fullmatch(key):
        return key if first else f".{key}"
    return f"[{json.dumps(key)}]"  # any other key quoted and escaped: the path stays one line


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """JSON objects as YAML mappings: a key given twice is refused, not silently the last."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("a key is given twice")
    return dict(pairs)


def _by_id(people: Iterable[Person]) -> list[Person]:
    """Members of one role in the order of their ids, not of the list: an advice (and the
    names of its missing facts, `kinderen[1]...`) must not depend on how members are listed."""
    return sorted(people, key=lambda person: person.id)


def _error_path(loc: tuple[Any, ...], data: Any) -> str:
    """The path of a pydantic error location, followed through the input itself.

    A part that is a key or index of the input is named (a key that is not text ends the path
    at its mapping: it cannot be written as a path); a field left out is named; pydantic's own
    validator names are left out.
    """
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            if not isinstance(part, str):
                break
            parts.append(_key(part, not parts))
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            parts.append(f"[{part}]")
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and _NAME.fullmatch(part):
            parts.append(_key(part, not parts))  # a required field left out
            node = None
    return "".join(parts) or "(profile)"


def _unknown_field(key: Any) -> str:
    close = difflib.get_close_matches(str(key), _field_names(), n=1, cutoff=0.8)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"a field the profile does not know{hint}"


@functools.cache
def _field_names() -> tuple[str, ...]:
    """Every field name of the profile model and the models inside it."""
    names: set[str] = set()
    todo: list[Any] = [Profile]
    seen: set[Any] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(name)
            for inner in _annotations(field.annotation):
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    todo.append(inner)
    return tuple(sorted(names))


def profile_from_dict(data: Any) -> Profile:
    """Validate a profile; raise ProfileError that names field paths and never echoes values.

    The error is raised after the `except` clause, not in it: the pydantic error holds the
    values given, and must not ride along as the ProfileError's (hidden) __context__.
    """
    if not isinstance(data, dict):
        raise ProfileError([("(profile)", "a profile is a mapping with 'members' and more")])
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_input=False, include_url=False):
            message = error["msg"].removeprefix("Value error, ")
            loc = error["loc"]
            if error["type"] == "invalid_key":
                loc = loc[:-1]  # a key not text: its mapping
            elif error["type"] == "extra_forbidden":
                # the key was typed by someone and may be a value ("98765.43"): name its
                # mapping and, at most, the known field it resembles
                message = _unknown_field(loc[-1])
                loc = loc[:-1]
            problems.append((_error_path(loc, data), message))
    except RecursionError:
        problems = [("(profile)", "the profile is nested too deeply")]
    raise ProfileError(problems)


def profile_from_file(path: Path | str) -> Profile:
    """Read a profile from a .json, .yaml or .yml file.

    As in profile_from_dict, errors are raised outside the `except` clauses: a JSON or YAML
    error holds the file's text (JSONDecodeError.doc, a YAML mark's buffer).
    """
    from engine.files import read_bytes
    from engine.load.yaml_source import MAX_FILE_BYTES, YamlError, read_yaml_file

    path = Path(path)
    problem = None
    if path.suffix.lower() == ".json":
        try:  # as for YAML: a regular file, bounded memory and time
            data = json.loads(
                read_bytes(path, MAX_FILE_BYTES).decode("utf-8"),
                parse_float=Decimal,
                object_pairs_hook=_no_duplicate_keys,
            )
        except OSError as exc:
            problem = f"cannot read the profile: {exc.strerror}"
        except (ValueError, RecursionError) as exc:
            problem = f"not valid JSON: {str(exc).split(':')[0]}"
    else:
        try:
            data = read_yaml_file(path, path.name)
        except YamlError as exc:
            problem = _without_quotes(exc.problem.message)
    if problem is not None:
        raise ProfileError([("(file)", problem)])
    return profile_from_dict(data)


_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def _without_quotes(message: str) -> str:
    """A YAML reader's message without the text it quotes from the file (a value, a tag)."""
    first_line = message.strip().split("\n")[0]
    return _QUOTED.sub("'…'", first_line)


# The values a profile accepts for a number field: what case analysis may assume of an unknown
# amount (engine/run/settle.py). Money is never negative (art. 31 and 34 Pw count amounts
# received and possessed); weeks, hours and percentages have their natural bounds.
_RANGES: dict[Any, tuple[Decimal, Decimal]] = {
    _money: (Decimal(0), MAX_MONEY),
    _weeks: (Decimal(0), Decimal(53)),
    _hours: (Decimal(0), Decimal(80)),
    _percentage: (Decimal(0), Decimal(100)),
}


def field_range(path: str) -> tuple[Decimal, Decimal] | None:
    """The bounds the profile model puts on a number field (`applicant.work.job_hours_per_week`,
    `minima.housing_costs_monthly`); None where the path names no bounded number."""
    first, *rest = path.split(".")
    model: Any = Person if first in Role.__members__ else Profile
    names = rest if model is Person else [first, *rest]
    found: list[Any] = []
    for name in names:
        field = model.model_fields.get(name) if model is not None else None
        if field is None:
            return None
        found = [*field.metadata, *_annotations(field.annotation)]
        model = next((t for t in found if isinstance(t, type) and issubclass(t, BaseModel)), None)
    for item in found:
        if (bounds := _RANGES.get(getattr(item, "func", None))) is not None:
            return bounds
    return None


def _annotations(annotation: Any) -> list[Any]:
    """The types and validators inside an annotation (`Money | None`, `OwnHome | None`)."""
    found: list[Any] = [annotation]
    for inner in get_args(annotation):
        found.extend(_annotations(inner))
    if hasattr(annotation, "__metadata__"):
        found.extend(annotation.__metadata__)
    return found
