"""Hostile and broken rule files are refused at load, with file:line, in bounded time and memory.

Every load runs in a child process with a wall-clock timeout and an address-space cap, so that a
hang, a memory blow-up or a crash shows as a failure here instead of taking the suite down. The
child runs in the test's own folder: anything a hostile file managed to execute would leave a
PWNED file there.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rulebase import rule, rules_file, write_base
from support import ROOT

from engine.load.yaml_source import MAX_FILE_BYTES

pytestmark = (
    pytest.mark.slow
)  # each file is loaded in a child process, under time and memory limits

TIMEOUT_SECONDS = 20  # generous: only a hang reaches it
MEMORY_CAP = 1 << 30  # 1 GiB of address space for the child
RULES = "rules/x/a.yaml"
OK_RULE = rule("x.a", "p", "{status: eligible}")
AMOUNT_FACT = "bedrag: {type: money, output: amount, label: {nl: Bedrag, en: Amount}}\n"

CHILD = """
import json, sys
import engine
from engine.errors import RulesError
try:
    engine.load_plan(sys.argv[1])
except RulesError as exc:
    print(json.dumps({"problems": [str(p) for p in exc.problems]}))
else:
    print(json.dumps({"loaded": True}))
"""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def load_in_child(root: Path) -> list[str]:
    """Load the rule base in a capped child process; the problems it reports."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    try:
        result = subprocess.run(
            [sys.executable, "-c", CHILD, str(root)],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            preexec_fn=_cap_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"loading did not end within {TIMEOUT_SECONDS} s")
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "MemoryError" not in result.stderr and "RecursionError" not in result.stderr
    outcome = json.loads(result.stdout)
    assert "problems" in outcome, "the hostile rule base loaded"
    return outcome["problems"]


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the `occurrence`-th line that holds `needle`."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not in the text"
    return hits[occurrence - 1]


def assert_refused_at(problems: list[str], file: str, line: int, fragment: str) -> None:
    """One error names the file, the line and what is wrong."""
    prefix = f"{file}:{line}: error: "
    hits = [p for p in problems if p.startswith(prefix) and fragment in p]
    assert hits, (prefix, fragment, problems[:5])


def assert_nothing_ran(root: Path) -> None:
    assert not (root / "PWNED").exists()
    assert not (root / "rules" / "x" / "PWNED").exists()


@dataclass(frozen=True)
class Case:
    """A hostile rules file for scheme x, where it goes wrong, and what the error says."""

    text: str
    needle: str  # a piece of the offending line
    fragment: str  # a piece of the message
    occurrence: int = 1  # which line holding the needle

    def line(self) -> int:
        return line_of(self.text, self.needle, self.occurrence)


def with_rule(text: str, facts: str = "") -> str:
    return rules_file(text, facts=facts)


def in_when(expression: str) -> Case:
    """The expression as the condition of a rule (a JSON string is a YAML quoted scalar)."""
    text = with_rule(OK_RULE.replace("when: p", f"when: {json.dumps(expression)}"))
    return Case(text, "- id: x.a", "")


def _billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return with_rule(OK_RULE) + "\n".join(lines) + "\n"


def _many_rules(count: int, overrides: bool = False, same_id: bool = False) -> str:
    body = ""
    for i in range(count):
        rule_id = "x.r" if same_id else f"x.r{i}"
        extra = f", overrides: [x.r{i - 1}]" if overrides and i else ""
        then = f"{{f{i}: {i}, f{i + 1}: {i}}}" if overrides else f"{{bedrag: {i}}}"
        body += (
            f"- {{id: {rule_id}, citation: {{article: '2'}}, when: p, then: {then}, "
            f"text: {{nl: t, en: t}}{extra}}}\n"
        )
    if overrides:
        facts = "".join(
            f"f{i}: {{type: money, label: {{nl: F, en: F}}}}\n" for i in range(count + 1)
        )
    else:
        facts = AMOUNT_FACT
    return with_rule(OK_RULE + body, facts=facts)


def yaml_cases() -> dict[str, Case]:
    ok = with_rule(OK_RULE)
    bomb = _billion_laughs()
    long_text = with_rule(OK_RULE.replace('nl: "Regel x.a"', 'nl: "' + "lol " * 400_000 + '"'))
    flow = ok + "huge: [" + ",".join(["1"] * 210_000) + "]\n"
    deep = ok + "deep: " + "[" * 10_000 + "]" * 10_000 + "\n"
    deep_map = ok + "deep: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"
    tabs = ok.replace("  when: p", "\twhen: p")
    indent = ok.replace("  when: p", "      when: p")
    python_tag = ok.replace("when: p", "when: !!python/object/apply:os.system ['touch PWNED']")
    open_tag = ok.replace("when: p", "when: !!python/object/apply:builtins.open ['PWNED', 'w']")
    name_tag = ok.replace("when: p", "when: !!python/name:os.system")
    duplicate = with_rule(OK_RULE.replace("  when: p\n", "  when: p\n  when: q\n"))
    control = ok.replace("when: p", "when: p\x00\x07")
    return {
        "billion laughs (nested anchors and aliases)": Case(bomb, "&b [*a", "anchors and aliases"),
        "huge flow sequence": Case(flow, "huge:", "more than 200000 YAML nodes"),
        "string of 1.6 MB in a text": Case(long_text, "lol lol", "longer than 20000 characters"),
        "10,000 nested [": Case(deep, "deep:", "nested deeper than 64 levels"),
        "10,000 nested {": Case(deep_map, "deep:", "nested deeper than 64 levels"),
        "tab as indentation": Case(tabs, "\twhen", "cannot start any token"),
        "bad indentation": Case(indent, "      when: p", "YAML: "),
        "!!python/object/apply tag": Case(python_tag, "python/object", "could not determine"),
        "!!python/object/apply open tag": Case(open_tag, "builtins.open", "could not determine"),
        "!!python/name tag": Case(name_tag, "python/name", "could not determine"),
        "duplicate key": Case(duplicate, "when: q", "the key 'when' appears twice"),
        "control characters": Case(control, "when: p", "control character"),
        "number of 10,000 digits": Case(
            ok + "rules_extra: 1" + "0" * 10_000 + "\n", "rules_extra", "longer than 30 digits"
        ),
        "number of 40 digits": Case(ok + "big: 1" + "0" * 40 + "\n", "big:", "30 digits"),
        "float with a huge exponent": Case(
            ok + "big: 1.0e+999999999\n", "big:", "not a plain decimal number"
        ),
        "impossible date": Case(ok + "day: 2025-02-30\n", "day:", "not a valid date"),
        "unknown top-level key": Case(
            ok + "rulez: []\n", "rulez", "Extra inputs are not permitted"
        ),
        "unknown key in a rule (typo)": Case(
            with_rule(OK_RULE.replace("  when:", "  wehn:")), "wehn", "wehn"
        ),
        "condition of the wrong type": Case(
            with_rule(OK_RULE.replace("when: p", "when: [1, 2]")), "when:", "valid string"
        ),
        "conclusions not a mapping": Case(
            with_rule(OK_RULE.replace("then: {status: eligible}", "then: 5")),
            "then:",
            "valid dictionary",
        ),
        "id of the wrong type": Case(
            with_rule(OK_RULE.replace("id: x.a", "id: 5")), "id: 5", "valid string"
        ),
        "rules not a list": Case(
            rules_file("").replace("rules: []", "rules: {a: 1}"), "rules:", "valid list"
        ),
        "duplicate rule id": Case(
            with_rule(OK_RULE + OK_RULE.replace("when: p", "when: q")),
            "- id: x.a",
            "defined twice with overlapping validity (also at rules/x/a.yaml:6)",
            occurrence=2,
        ),
        "a top level that is a list": Case("- 1\n- 2\n", "- 1", "must hold a mapping"),
        "10,000 rules concluding one fact": Case(
            _many_rules(10_000), "id: x.r100,", "at most 100 rules may conclude one fact"
        ),
        "one rule id in 10,000 versions": Case(
            _many_rules(5_000, same_id=True), "then: {bedrag: 50}", "more than 50 versions"
        ),
        "a chain of 3,000 overrides": Case(
            _many_rules(3_000, overrides=True), "id: x.r1,", "chains of more than 200000 pairs"
        ),
    }


@pytest.mark.parametrize(("name", "case"), list(yaml_cases().items()), ids=list(yaml_cases()))
def test_hostile_yaml_is_refused_with_file_and_line(tmp_path: Path, name: str, case: Case) -> None:
    write_base(tmp_path, {"a.yaml": case.text})
    problems = load_in_child(tmp_path)
    assert_refused_at(problems, RULES, case.line(), case.fragment)
    assert_nothing_ran(tmp_path)


def test_hostile_yaml_in_a_scheme_file_is_refused(tmp_path: Path) -> None:
    write_base(tmp_path, {"a.yaml": with_rule(OK_RULE)})
    scheme = tmp_path / "schemes" / "x.yaml"
    text = scheme.read_text(encoding="utf-8").replace(
        "  body: gemeente", "  body: !!python/object/apply:os.system ['touch PWNED']"
    )
    scheme.write_text(text, encoding="utf-8")
    problems = load_in_child(tmp_path)
    assert_refused_at(problems, "schemes/x.yaml", line_of(text, "body:"), "could not determine")
    assert_nothing_ran(tmp_path)


def test_binary_junk_that_is_not_utf8_is_refused_with_its_line(tmp_path: Path) -> None:
    write_base(tmp_path, {"a.yaml": with_rule(OK_RULE)})
    path = tmp_path / RULES
    path.write_bytes(b"scheme: x\nlaw: ok\n" + bytes(range(128, 256)) * 40 + b"\n")
    problems = load_in_child(tmp_path)
    assert_refused_at(problems, RULES, 3, "not UTF-8 text")


@pytest.mark.parametrize("size", [MAX_FILE_BYTES + 1, 50 * 1024 * 1024])
def test_a_file_above_the_size_limit_is_refused_unread(tmp_path: Path, size: int) -> None:
    write_base(tmp_path, {"a.yaml": with_rule(OK_RULE)})
    with (tmp_path / RULES).open("a", encoding="utf-8") as handle:
        comment = "# " + "x" * 97 + "\n"
        handle.write(comment * (size // len(comment) + 1))
    assert (tmp_path / RULES).stat().st_size > MAX_FILE_BYTES
    problems = load_in_child(tmp_path)
    assert f"{RULES}: error: the file is larger than {MAX_FILE_BYTES} bytes" in problems


def _nested_if_else(depth: int) -> str:
    text = "p"
    for _ in range(depth):
        text = f"(p if q else {text})"
    return text


# name: (expression, what the error says). All are refused by the expression language itself.
EXPRESSIONS = {
    "__import__": ("__import__('os').system('touch PWNED')", "only calls of named functions"),
    "dunder chain": ("().__class__.__bases__", "attribute access"),
    "subclasses": ("().__class__.__base__.__subclasses__()", "allowed"),
    "comprehension": ("[x for x in y]", "comprehensions are not allowed"),
    "generator": ("er_is(x for x in y)", "comprehensions are not allowed"),
    "lambda": ("lambda: 1", "lambda is not allowed"),
    "called lambda": ("(lambda: __import__('os'))()", "only calls of named functions"),
    "10**10**10": ("10**10**10", "use + - * / only"),
    "9**9**9": ("9**9**9", "use + - * / only"),
    "1 and 10,000 zeros": ("1" + "0" * 10_000, "longer than 2000 characters"),
    "1 and 100 zeros": ("geld > 1" + "0" * 100, "too long or not a plain decimal number"),
    "900 nested parentheses": ("(" * 900 + "p" + ")" * 900, "nested"),
    "if-else 60 deep": (_nested_if_else(60), "nested deeper than 40"),
    "if-else 300 deep": (_nested_if_else(300), "longer than 2000 characters"),
    "not 5,000 times": ("not " * 4_000 + "p", "longer than 2000 characters"),
    "f-string": ('f"{p}"', "f-strings are not allowed"),
    "walrus": ("(y := p)", "assignment (:=) is not allowed"),
    "starred": ("min(*p)", "* arguments are not allowed"),
    "open": ("open('PWNED', 'w')", "'open' is not a known function"),
    "eval": ("eval(\"__import__('os').system('touch PWNED')\")", "'eval' is not a known"),
    "exec": ("exec('import os')", "'exec' is not a known function"),
    "attribute call": ("p.bit_length()", "only calls of named functions"),
    "method on a literal": ("'x'.join(p)", "only calls of named functions"),
    "subscript": ("p[0]", "indexing (a[b]) is not allowed"),
    "keyword argument": ("min(geld, default=1)", "plain arguments"),
    "dictionary": ("{1: 2}", "dictionaries are not allowed"),
    "'is'": ("p is q", "'is' comparisons are not allowed"),
    "bytes": ("b'x' == b'y'", "not allowed"),
    "exponent": ("geld > 1e308", "plain decimal"),
    "private name": ("_secret", "may not start with '_'"),
    "unknown name": ("os", "not a declared fact or parameter"),
    "string literal of 300 characters": ('"' + "a" * 300 + '" == "a"', "longer than 200"),
    "statement": ("import os", "not a valid expression"),
}

# Expressions so large that the YAML reader refuses the value before it is parsed.
HUGE_EXPRESSIONS = {
    "10,000 nested parentheses": "(" * 10_000 + "p" + ")" * 10_000,
    "if-else 5,000 deep": _nested_if_else(5_000),
    "string literal of 1 MB": '"' + "a" * 1_000_000 + '" == "a"',
}


@pytest.mark.parametrize(("text", "fragment"), list(EXPRESSIONS.values()), ids=list(EXPRESSIONS))
def test_hostile_expressions_are_refused_with_file_and_line(
    tmp_path: Path, text: str, fragment: str
) -> None:
    case = in_when(text)
    write_base(tmp_path, {"a.yaml": case.text})
    problems = load_in_child(tmp_path)
    assert_refused_at(problems, RULES, case.line(), "rule 'x.a' 'when': ")
    assert_refused_at(problems, RULES, case.line(), fragment)
    assert_nothing_ran(tmp_path)


@pytest.mark.parametrize("text", list(HUGE_EXPRESSIONS.values()), ids=list(HUGE_EXPRESSIONS))
def test_huge_expressions_are_refused_by_the_reader(tmp_path: Path, text: str) -> None:
    case = in_when(text)
    write_base(tmp_path, {"a.yaml": case.text})
    problems = load_in_child(tmp_path)
    assert_refused_at(problems, RULES, line_of(case.text, "when: "), "longer than 20000 characters")


def test_hostile_conclusion_is_refused_with_file_and_line(tmp_path: Path) -> None:
    hostile = json.dumps("__import__('os').system('touch PWNED')")
    text = with_rule(
        rule("x.b", "p", f"{{bedrag: {hostile}}}") + OK_RULE.replace("x.a", "x.c"),
        facts=AMOUNT_FACT,
    )
    write_base(tmp_path, {"a.yaml": text})
    problems = load_in_child(tmp_path)
    assert_refused_at(problems, RULES, line_of(text, "id: x.b"), "then 'bedrag'")
    assert_refused_at(problems, RULES, line_of(text, "id: x.b"), "only calls of named functions")
    assert_nothing_ran(tmp_path)


def test_every_hostile_expression_at_once_reports_each_at_its_own_line(tmp_path: Path) -> None:
    body = "".join(
        rule(f"x.h{i}", json.dumps(text), "{status: eligible}")
        for i, (text, _) in enumerate(EXPRESSIONS.values())
    )
    text = with_rule(body)
    write_base(tmp_path, {"a.yaml": text})
    problems = load_in_child(tmp_path)
    for i, (_, fragment) in enumerate(EXPRESSIONS.values()):
        line = [row.strip() for row in text.splitlines()].index(f"- id: x.h{i}") + 1
        assert_refused_at(problems, RULES, line, f"rule 'x.h{i}' 'when': ")
        assert_refused_at(problems, RULES, line, fragment)
    assert_nothing_ran(tmp_path)


def _bundled_copy(root: Path) -> Path:
    shutil.copytree(ROOT / "rules", root / "rules")
    shutil.copytree(ROOT / "schemes", root / "schemes")
    return root


@pytest.mark.parametrize(
    ("replacement", "fragment"),
    [
        ("__import__('os').system('touch PWNED')", "only calls of named functions"),
        ("().__class__.__bases__", "attribute access"),
        ("10**10**10", "use + - * / only"),
    ],
)
def test_hostile_expression_in_the_bundled_rule_base(
    tmp_path: Path, replacement: str, fragment: str
) -> None:
    root = _bundled_copy(tmp_path)
    path = root / "rules" / "algemene_bijstand" / "recht.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(
        i
        for i, line in enumerate(lines)
        if line.lstrip().startswith("when: ") and not line.rstrip().endswith((">-", ">", "|"))
    )
    indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
    lines[index] = f"{indent}when: {json.dumps(replacement)}\n"
    path.write_text("".join(lines), encoding="utf-8")
    rule_line = 1 + max(i for i in range(index) if lines[i].lstrip().startswith("- id:"))
    problems = load_in_child(root)
    assert_refused_at(problems, "rules/algemene_bijstand/recht.yaml", rule_line, fragment)
    assert_nothing_ran(root)


def test_the_bundled_rule_base_loads_in_the_capped_child(tmp_path: Path) -> None:
    """The guard itself: a good rule base loads within the same limits."""
    root = _bundled_copy(tmp_path)
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(root)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        env=env,
        preexec_fn=_cap_memory,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"loaded": True}
