"""The expression language: allow-list parser, type checker and Kleene three-valued closures."""

from __future__ import annotations

import builtins
import datetime as dt
import os
import time
from decimal import Decimal
from typing import Any

import pytest

from engine.errors import EvaluationError
from engine.lang.compile import Context, compile_expr
from engine.lang.parse import ExpressionSyntaxError, parse
from engine.lang.types import Declared, ExpressionTypeError, Scope, check
from engine.values import Unknown

PEIL = dt.date(2026, 1, 15)

SCOPE = Scope(
    {
        "a": Declared("bool"),
        "b": Declared("bool"),
        "c": Declared("bool"),
        "m": Declared("money"),
        "m2": Declared("money"),
        "n": Declared("number"),
        "d": Declared("date"),
        "t": Declared("text"),
        "e": Declared("text", ("x", "y")),
        "grens": Declared("money", kind="parameter"),
        "soorten": Declared("list[text]", kind="parameter"),
        "peildatum": Declared("date", kind="builtin"),
        "items": Declared("collection[rec]"),
    },
    {
        "rec": {
            "v": Declared("money", kind="field"),
            "ok": Declared("bool", kind="field"),
            "k": Declared("text", ("u", "w"), kind="field"),
            "geb": Declared("date", kind="field"),
        }
    },
)


def U(*names: str) -> Unknown:
    return Unknown(frozenset(names))


def typed(text: str) -> str:
    """Parse and type-check; the static type of the expression."""
    return check(parse(text), SCOPE)


def run(
    text: str,
    facts: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    on: dt.date = PEIL,
) -> Any:
    node = parse(text)
    check(node, SCOPE)
    return compile_expr(node, SCOPE)(Context(dict(facts or {}), dict(params or {}), on))


def refusal(text: str) -> str:
    """The message with which parsing or type checking refuses `text` (it must refuse)."""
    try:
        typed(text)
    except (ExpressionSyntaxError, ExpressionTypeError) as exc:
        return str(exc)
    raise AssertionError(f"{text!r} was accepted")


# ---------------------------------------------------------------------------------------------
# Parsing: what is accepted


@pytest.mark.parametrize(
    ("text", "expected_type"),
    [
        ("a and b or not c", "bool"),
        ("waar and not onwaar", "bool"),
        ("true or false", "bool"),
        ("m + n * 2", "money"),
        ("m - 1.50", "money"),
        ("m / m2", "number"),
        ("m / 3", "money"),
        ("-m", "money"),
        ("m > 0", "bool"),
        ("m if a else n", "money"),
        ("n if a else 2", "number"),
        ('e in ["x", "y"]', "bool"),
        ('e not in ["y"]', "bool"),
        ('e == "x"', "bool"),
        ('"x" != e', "bool"),
        ("t in soorten", "bool"),
        ("18 <= n < 21", "bool"),
        ("d < peildatum", "bool"),
        ("leeftijd(d) >= 18", "bool"),
        ("leeftijd_op(d, peildatum)", "number"),
        ("plus_maanden(d, 1)", "date"),
        ("plus_dagen(d, 1) > plus_weken(d, 1)", "bool"),
        ("plus_jaren(d, 1)", "date"),
        ("datum(2026, 1, 1)", "date"),
        ("min(m, grens, 5)", "money"),
        ("max(d, peildatum)", "date"),
        ("abs(-n)", "number"),
        ("afgerond(m)", "money"),
        ("afgerond(n, 2)", "number"),
        ("som(items, v)", "money"),
        ('som(items, v, ok and k == "u")', "money"),
        ("aantal(items, ok)", "number"),
        ("er_is(items, leeftijd(geb) < 18)", "bool"),
        ("voor_alle(items, v > 0)", "bool"),
        ("1_000 < n", "bool"),
        ("123456789012345 > n", "bool"),
        ("(((((m)))))", "money"),
    ],
)
def test_documented_constructs_are_accepted_with_their_type(text: str, expected_type: str) -> None:
    assert typed(text) == expected_type


def test_folded_yaml_lines_are_one_expression() -> None:
    assert typed("a\n  and b\n  and\n c") == "bool"


def test_chained_comparison_means_both_comparisons() -> None:
    assert run("18 <= n < 21", {"n": 20}) is True
    assert run("18 <= n < 21", {"n": 21}) is False
    assert run("18 <= n < 21", {"n": 17}) is False


# ---------------------------------------------------------------------------------------------
# Parsing: what is refused, and how


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x.__class__", "attribute access"),
        ("a.b.c", "attribute access"),
        ("().__class__.__bases__[0].__subclasses__()", "allowed"),
        ("items[0]", "indexing"),
        ("lambda: 1", "lambda"),
        ("(lambda q: q)(1)", "only calls of named functions"),
        ("[v for v in items]", "comprehensions"),
        ("{v for v in items}", "comprehensions"),
        ("{v: 1 for v in items}", "comprehensions"),
        ("any(v for v in items)", "comprehensions"),
        ("2 ** 3", "use + - * / only"),
        ("n ** 1000000", "use + - * / only"),
        ("7 // 2", "use + - * / only"),
        ("7 % 2", "use + - * / only"),
        ("n << 2", "use + - * / only"),
        ("(y := 1)", "assignment (:=)"),
        ('f"{m}"', "f-strings"),
        ("min(m, default=1)", "plain arguments"),
        ("min(**kw)", "plain arguments"),
        ("min(*items)", "* arguments"),
        ("{1: 2}", "dictionaries"),
        ("{1, 2}", "sets"),
        ("a is b", "'is'"),
        ("_x", "may not start with '_'"),
        ("__builtins__", "may not start with '_'"),
        ("1234567890123456", "too long"),
        ("12345678901234.56", "too long"),
        ("1e5", "plain decimal"),
        ("1.5E3", "plain decimal"),
        ("0x1F", "plain decimal"),
        ("1j", "not allowed"),
        ("None", "not allowed"),
        ("b'x'", "not allowed"),
        ("~n", "not allowed"),
        ('"' + "a" * 201 + '"', "longer than 200"),
        ("a and", "not a valid expression"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_refused_constructs_name_the_reason(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("foo(1)", "'foo' is not a known function"),
        ('eval("1")', "'eval' is not a known function"),
        ('__import__("os")', "'__import__' is not a known function"),
        ('open("/etc/passwd")', "'open' is not a known function"),
        ('exec("import os")', "'exec' is not a known function"),
    ],
)
def test_calls_of_unknown_functions_are_refused_by_the_checker(text: str, fragment: str) -> None:
    message = refusal(text)
    assert fragment in message
    assert "known:" in message  # it lists the functions that do exist


def test_parse_refuses_non_text() -> None:
    with pytest.raises(ExpressionSyntaxError, match="must be text"):
        parse(5)  # type: ignore[arg-type]


def test_overlong_expression_is_refused() -> None:
    text = " or ".join(["a"] * 600)
    assert len(text) > 2000
    with pytest.raises(ExpressionSyntaxError, match="longer than 2000 characters"):
        parse(text)


def test_expression_of_exactly_the_limit_parses() -> None:
    text = " or ".join(["a"] * 100)
    text = text + " " * (2000 - len(text))
    assert len(text) == 2000
    assert typed(text) == "bool"
    with pytest.raises(ExpressionSyntaxError, match="longer than 2000"):
        parse(text + " ")


@pytest.mark.parametrize(
    "text",
    [
        "(" * 500 + "1" + ")" * 500,
        "-(" * 300 + "1" + ")" * 300,
        "[" * 100 + "]" * 100,
        "min(" * 45 + "1" + ", 1)" * 45,
        "-" * 500 + "1",
        "not " * 450 + "a",
        "1+" * 999 + "1",
        "a if " * 300 + "b" + " else c" * 300,
    ],
)
def test_deep_or_large_expressions_are_refused_quickly(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ExpressionSyntaxError) as info:
        parse(text)
    assert time.perf_counter() - start < 0.5
    message = str(info.value)
    assert any(word in message for word in ("nested", "parts", "longer than"))


def test_nesting_limit_is_forty_levels() -> None:
    assert typed("abs(" * 39 + "n" + ")" * 39) == "number"
    with pytest.raises(ExpressionSyntaxError, match="nested deeper than 40"):
        parse("abs(" * 41 + "n" + ")" * 41)


def test_nothing_is_executed_while_parsing_and_checking(tmp_path, monkeypatch) -> None:
    """Hostile texts are refused without running anything they say."""
    marker = tmp_path / "pwned"
    calls: list[str] = []

    def spy(name: str) -> Any:
        def record(*args: Any, **kwargs: Any) -> None:
            calls.append(name)

        return record

    monkeypatch.setattr(builtins, "eval", spy("eval"))
    monkeypatch.setattr(builtins, "exec", spy("exec"))
    monkeypatch.setattr(os, "system", spy("os.system"))
    hostile = [
        f"open({str(marker)!r}, 'w')",
        f"__import__('os').system('touch {marker}')",
        "().__class__.__mro__[1].__subclasses__()",
        f"exec('open({str(marker)!r}, \"w\")')",
        f"eval('open({str(marker)!r}, \"w\")')",
        "[c for c in ().__class__.__base__.__subclasses__()]",
        "(lambda: __import__('os'))()",
    ]
    for text in hostile:
        with pytest.raises((ExpressionSyntaxError, ExpressionTypeError)):
            typed(text)
    monkeypatch.undo()
    assert not marker.exists()
    assert calls == []


# ---------------------------------------------------------------------------------------------
# Types


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("m < d", "cannot compare money with date"),
        ("d == m", "cannot compare date with money"),
        ("t + 1", "arithmetic needs numbers or money"),
        ('t + "x"', "arithmetic needs numbers or money"),
        ("d + 1", "use plus_dagen()"),
        ("a + 1", "arithmetic needs numbers or money"),
        ("m * m2", "money times money"),
        ("n / m", "number divided by money"),
        ('e == "z"', "'z' is not a value of 'e'"),
        ('"z" == e', "'z' is not a value of 'e'"),
        ('e != "z"', "'z' is not a value of 'e'"),
        ('e in ["x", "z"]', "'z' is not a value of 'e'"),
        ('t < "a"', "no order"),
        ("a < b", "no order"),
        ("not m", "'not' needs a yes/no value"),
        ("a and m", "'and' needs yes/no values"),
        ("n or a", "'or' needs yes/no values"),
        ("a if m else b", "must be yes/no"),
        ("a if b else m", "both branches"),
        ("zz", "'zz' is not a declared fact or parameter"),
        ("v > 0", "'v' is not a declared fact"),
        ("leeftijd(m)", "leeftijd() takes (date)"),
        ("plus_maanden(d, d)", "plus_maanden() takes (date, number)"),
        ("min(m)", "at least 2"),
        ("min(m, d)", "of one kind"),
        ("datum(n, 1, 1)", "three whole numbers"),
        ("afgerond(d)", "afgerond"),
        ("abs(t)", "abs() takes one number"),
        ("-t", "only numbers and money can be negated"),
        ("[]", "empty list"),
        ('[1, "a"]', "one type"),
        ("m in [1, 2] and t in 5", "'in' needs a list"),
        ("aantal(m, a)", "must be a collection"),
        ("som(items, ok)", "som() adds numbers or money"),
        ("som(items, v, v)", "condition of som() must be yes/no"),
        ("aantal(items, v)", "condition of aantal() must be yes/no"),
        ("er_is(items)", "takes 2 arguments"),
        ('er_is(items, k == "z")', "'z' is not a value of 'k'"),
    ],
)
def test_type_errors_are_refused_with_a_readable_message(text: str, fragment: str) -> None:
    with pytest.raises(ExpressionTypeError) as info:
        typed(text)
    assert fragment in str(info.value)


def test_number_literal_may_stand_for_money() -> None:
    assert typed("m > 0") == "bool"
    assert typed("max(0, m - 1)") == "money"


def test_record_fields_are_only_in_scope_inside_the_collection() -> None:
    assert typed("som(items, v)") == "money"
    with pytest.raises(ExpressionTypeError):
        typed("v")


# ---------------------------------------------------------------------------------------------
# Kleene three-valued logic


def _kleene_and(x: Any, y: Any) -> Any:
    if x is False or y is False:
        return False
    if x is True and y is True:
        return True
    return None


def _kleene_or(x: Any, y: Any) -> Any:
    if x is True or y is True:
        return True
    if x is False and y is False:
        return False
    return None


TRUTH = [True, False, None]


@pytest.mark.parametrize("x", TRUTH)
@pytest.mark.parametrize("y", TRUTH)
@pytest.mark.parametrize("op", ["and", "or"])
def test_kleene_truth_tables(x: Any, y: Any, op: str) -> None:
    facts = {"a": U("a") if x is None else x, "b": U("b") if y is None else y}
    got = run(f"a {op} b", facts)
    expected = (_kleene_and if op == "and" else _kleene_or)(x, y)
    if expected is None:
        assert type(got) is Unknown
        # the unknown names exactly the unknown operands
        assert got.missing == frozenset(n for n, v in (("a", x), ("b", y)) if v is None)
    else:
        assert got is expected


def test_false_and_unknown_is_false_in_either_order() -> None:
    assert run("a and b", {"a": False, "b": U("b")}) is False
    assert run("a and b", {"a": U("a"), "b": False}) is False


def test_true_or_unknown_is_true_in_either_order() -> None:
    assert run("a or b", {"a": True, "b": U("b")}) is True
    assert run("a or b", {"a": U("a"), "b": True}) is True


def test_not_unknown_is_unknown_with_the_same_missing_fact() -> None:
    assert run("not a", {"a": U("a")}) == U("a")
    assert run("not a", {"a": True}) is False
    assert run("not a", {"a": False}) is True


def test_unknown_propagates_with_the_union_of_missing_facts() -> None:
    facts = {"a": U("a"), "b": U("b"), "c": U("c")}
    assert run("a and b and c", facts) == U("a", "b", "c")
    assert run("(a or b) and c", facts) == U("a", "b", "c")
    assert run("m + n > 3", {"m": U("m"), "n": U("n")}) == U("m", "n")
    assert run("min(m, n)", {"m": Decimal(2), "n": U("n")}) == U("n")
    assert run("leeftijd(d) >= 18", {"d": U("d")}) == U("d")


def test_unknown_and_unknown_keeps_every_missing_fact() -> None:
    got = run("a and b", {"a": U("a", "x"), "b": U("b")})
    assert got == U("a", "b", "x")


def test_unknown_values_are_not_truthy() -> None:
    with pytest.raises(TypeError):
        bool(U("a"))


def test_if_else_with_known_test_takes_one_branch_only() -> None:
    assert run("m if a else n", {"a": True, "m": Decimal("1.50"), "n": U("n")}) == Decimal("1.50")
    assert run("m if a else n", {"a": False, "m": U("m"), "n": 2}) == 2


def test_if_else_with_unknown_test() -> None:
    # both branches agree: the test does not matter
    assert run("m if a else n", {"a": U("a"), "m": Decimal(2), "n": 2}) == 2
    # they differ: unknown, naming the test's missing fact
    assert run("m if a else n", {"a": U("a"), "m": Decimal(1), "n": 2}) == U("a")
    # a branch is unknown as well: the union
    assert run("m if a else n", {"a": U("a"), "m": U("m"), "n": 2}) == U("a", "m")


# ---------------------------------------------------------------------------------------------
# Collections


def item(v: Any = Decimal("1.00"), ok: Any = True, k: Any = "u", geb: Any = None) -> dict:
    return {"v": v, "ok": ok, "k": k, "geb": geb or dt.date(2000, 1, 1)}


def test_empty_collection() -> None:
    facts = {"items": []}
    assert run("aantal(items, ok)", facts) == 0
    assert run("som(items, v)", facts) == 0
    assert run("er_is(items, ok)", facts) is False
    assert run("voor_alle(items, ok)", facts) is True


def test_unknown_collection_is_unknown() -> None:
    for text in ("aantal(items, ok)", "som(items, v)", "er_is(items, ok)", "voor_alle(items, ok)"):
        assert run(text, {"items": U("items")}) == U("items")


def test_som_adds_and_filters() -> None:
    items = [item(Decimal("10.50")), item(Decimal("2.25"), ok=False), item(Decimal("1.00"), k="w")]
    assert run("som(items, v)", {"items": items}) == Decimal("13.75")
    assert run("som(items, v, ok)", {"items": items}) == Decimal("11.50")
    assert run('som(items, v, ok and k == "u")', {"items": items}) == Decimal("10.50")
    assert run("som(items, v, k in soorten)", {"items": items}, {"soorten": ("w",)}) == Decimal(1)


def test_som_is_unknown_if_a_counted_item_is_unknown() -> None:
    items = [item(Decimal(1)), item(U("items[1].v"))]
    assert run("som(items, v)", {"items": items}) == U("items[1].v")


def test_som_ignores_an_unknown_item_that_its_condition_leaves_out() -> None:
    items = [item(Decimal(1)), item(U("items[1].v"), ok=False)]
    assert run("som(items, v, ok)", {"items": items}) == Decimal(1)


def test_som_with_unknown_condition_is_unknown() -> None:
    items = [item(Decimal(1)), item(Decimal(2), ok=U("items[1].ok"))]
    assert run("som(items, v, ok)", {"items": items}) == U("items[1].ok")


def test_aantal_counts_and_is_unknown_with_an_unknown_item() -> None:
    items = [item(ok=True), item(ok=False), item(ok=True)]
    assert run("aantal(items, ok)", {"items": items}) == 2
    items.append(item(ok=U("items[3].ok")))
    assert run("aantal(items, ok)", {"items": items}) == U("items[3].ok")


def test_er_is_follows_or() -> None:
    assert run("er_is(items, ok)", {"items": [item(ok=True), item(ok=U("x"))]}) is True
    assert run("er_is(items, ok)", {"items": [item(ok=False), item(ok=U("x"))]}) == U("x")
    assert run("er_is(items, ok)", {"items": [item(ok=False), item(ok=False)]}) is False


def test_voor_alle_follows_and() -> None:
    assert run("voor_alle(items, ok)", {"items": [item(ok=False), item(ok=U("x"))]}) is False
    assert run("voor_alle(items, ok)", {"items": [item(ok=True), item(ok=U("x"))]}) == U("x")
    assert run("voor_alle(items, ok)", {"items": [item(ok=True), item(ok=True)]}) is True


def test_unknown_items_union_their_missing_facts() -> None:
    items = [item(ok=U("i0")), item(ok=U("i1")), item(ok=False)]
    assert run("er_is(items, ok)", {"items": items}) == U("i0", "i1")
    assert run("aantal(items, ok)", {"items": items}) == U("i0", "i1")


def test_collection_predicate_sees_outer_facts_and_peildatum() -> None:
    items = [item(geb=dt.date(2010, 1, 16)), item(geb=dt.date(2008, 1, 15))]
    assert run("aantal(items, leeftijd(geb) < 18)", {"items": items}) == 1
    assert run("aantal(items, ok and a)", {"items": items, "a": True}) == 2
    assert run("aantal(items, ok and a)", {"items": items, "a": False}) == 0


def test_nested_collection_calls_restore_the_item() -> None:
    items = [item(Decimal(1)), item(Decimal(2))]
    got = run("aantal(items, v > som(items, v) / 4)", {"items": items})
    assert got == 2  # 1 > 0.75 and 2 > 0.75


# ---------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 31), 1, dt.date(2026, 4, 30)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), 12, dt.date(2027, 1, 15)),
        (dt.date(2026, 12, 15), 1, dt.date(2027, 1, 15)),
        (dt.date(2026, 1, 15), -13, dt.date(2024, 12, 15)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
    ],
)
def test_plus_maanden_clips_to_month_end(start: dt.date, months: int, expected: dt.date) -> None:
    assert (
        run(
            f"plus_maanden(d, {months})" if months >= 0 else f"plus_maanden(d, -{-months})",
            {"d": start},
        )
        == expected
    )


def test_plus_jaren_from_29_february() -> None:
    assert run("plus_jaren(d, 1)", {"d": dt.date(2024, 2, 29)}) == dt.date(2025, 2, 28)
    assert run("plus_jaren(d, 4)", {"d": dt.date(2024, 2, 29)}) == dt.date(2028, 2, 29)


def test_plus_dagen_and_plus_weken() -> None:
    assert run("plus_dagen(d, 1)", {"d": dt.date(2026, 12, 31)}) == dt.date(2027, 1, 1)
    assert run("plus_weken(d, 4)", {"d": dt.date(2026, 1, 5)}) == dt.date(2026, 2, 2)
    assert run("plus_dagen(d, -1)", {"d": dt.date(2024, 3, 1)}) == dt.date(2024, 2, 29)


def test_datum_builds_a_constant_date() -> None:
    assert run("datum(2026, 2, 28)") == dt.date(2026, 2, 28)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (dt.date(2000, 1, 15), dt.date(2026, 1, 15), 26),  # on the birthday
        (dt.date(2000, 1, 15), dt.date(2026, 1, 14), 25),  # the day before
        (dt.date(2000, 1, 15), dt.date(2026, 1, 16), 26),
        (dt.date(2008, 1, 15), dt.date(2026, 1, 15), 18),
        (dt.date(2008, 1, 16), dt.date(2026, 1, 15), 17),
        (dt.date(2000, 2, 29), dt.date(2026, 2, 28), 25),  # no 29 February in 2026
        (dt.date(2000, 2, 29), dt.date(2026, 3, 1), 26),  # ages on 1 March
        (dt.date(2000, 2, 29), dt.date(2024, 2, 29), 24),  # leap year: on the day itself
        (dt.date(2000, 2, 29), dt.date(2024, 2, 28), 23),
        (dt.date(2026, 1, 15), dt.date(2026, 1, 15), 0),
    ],
)
def test_leeftijd_on_the_peildatum(born: dt.date, on: dt.date, age: int) -> None:
    assert run("leeftijd(d)", {"d": born}, on=on) == age
    assert run("leeftijd_op(d, peildatum)", {"d": born}, on=on) == age


def test_peildatum_is_the_evaluation_date() -> None:
    assert run("peildatum", on=dt.date(2025, 7, 1)) == dt.date(2025, 7, 1)


# ---------------------------------------------------------------------------------------------
# Money and numbers


@pytest.mark.parametrize(
    ("amount", "rounded"),
    [
        ("1.005", "1.01"),
        ("1.004", "1.00"),
        ("2.675", "2.68"),
        ("0.125", "0.13"),
        ("0.135", "0.14"),
        ("1001.065", "1001.07"),
        ("-1.005", "-1.01"),
        ("7", "7.00"),
    ],
)
def test_afgerond_rounds_half_up_to_cents(amount: str, rounded: str) -> None:
    got = run("afgerond(m)", {"m": Decimal(amount)})
    assert got == Decimal(rounded)
    assert str(got) == rounded


def test_kostendelersnorm_formula_rounds_to_the_published_cents() -> None:
    # ((0.40 + 2 x 0.30) / 2) x 2002.13 = 1001.065 -> 1001.07 (half up, not half even)
    got = run("afgerond((0.40 + n * 0.30) / n * m)", {"n": 2, "m": Decimal("2002.13")})
    assert got == Decimal("1001.07")


def test_money_arithmetic_is_exact_decimal() -> None:
    got = run("m + m2", {"m": Decimal("0.10"), "m2": Decimal("0.20")})
    assert got == Decimal("0.30")
    assert isinstance(got, Decimal)


def test_number_literals_are_exact_decimals() -> None:
    node = parse("0.1")
    assert node.value == Decimal("0.1")  # type: ignore[attr-defined]
    assert run("n * 0.1 == 0.3", {"n": 3}) is True


def test_division_by_zero_is_an_evaluation_error() -> None:
    with pytest.raises(EvaluationError, match="division by zero"):
        run("m / n", {"m": Decimal(1), "n": 0})


def test_min_max_abs() -> None:
    assert run("min(m, 5)", {"m": Decimal("7.5")}) == 5
    assert run("max(0, m - 10)", {"m": Decimal("7.5")}) == 0
    assert run("abs(m - 10)", {"m": Decimal("7.5")}) == Decimal("2.5")
    assert run("max(d, datum(2026, 1, 1))", {"d": dt.date(2025, 1, 1)}) == dt.date(2026, 1, 1)


def test_text_list_membership() -> None:
    assert run('e in ["x"]', {"e": "x"}) is True
    assert run('e not in ["x"]', {"e": "x"}) is False
    assert run("t in soorten", {"t": "gift"}, {"soorten": ("wages", "gift")}) is True
