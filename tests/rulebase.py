"""Helpers to write small rule bases into a temporary folder (shape copied from the bundled one)."""

from __future__ import annotations

import textwrap
from pathlib import Path

LAW = "{name: Testwet, bwb: BWBR0000001}"

SCHEME = """\
scheme:
  id: x
  name: {nl: "X", en: "X"}
  law: {name: Testwet, bwb: BWBR0000001}
  body: gemeente
  summary: {nl: "Samenvatting", en: "Summary"}
  coverage: {from: 2025-01-01, until: 2026-12-31}
  outputs: {status: status}
sources:
  S1: {title: "Bron", url: "https://example.org/bron"}
parameters:
  grens:
    type: money
    label: {nl: "Grens", en: "Limit"}
    citation: {article: "1"}
    values:
      - {from: 2025-01-01, value: 100.00, source: S1}
      - {from: 2026-01-01, value: 200.00, source: S1}
"""

FACTS = """\
inputs:
  p:
    type: bool
    from: applicant.exclusions.detained
    label: {nl: "p", en: "p"}
    question: {nl: "p?", en: "p?"}
  q:
    type: bool
    from: applicant.exclusions.evading_sentence
    label: {nl: "q", en: "q"}
    question: {nl: "q?", en: "q?"}
  r:
    type: bool
    from: applicant.exclusions.military_service
    label: {nl: "r", en: "r"}
    question: {nl: "r?", en: "r?"}
  geld:
    type: money
    from: assets.bank_and_cash
    label: {nl: "geld", en: "money"}
    question: {nl: "geld?", en: "money?"}
  geboren:
    type: date
    from: applicant.birth_date
    label: {nl: "geboren", en: "born"}
    question: {nl: "geboren?", en: "born?"}
"""

STATUS_FACT = (
    "  status: {type: text, values: [eligible, not_eligible, refer], default: not_eligible, "
    'output: status, label: {nl: "Status", en: "Status"}}\n'
)


def rules_file(rules: str, facts: str = "", status: bool = True) -> str:
    """A rules file for scheme x: the status fact (unless status=False), extra facts, rules.

    `facts` and `rules` are YAML blocks written at column 0 (they are indented here).
    """
    text = f"scheme: x\nlaw: {LAW}\nfacts:\n"
    if status:
        text += STATUS_FACT
    if facts:
        text += textwrap.indent(textwrap.dedent(facts), "  ")
    if not status and not facts:
        text = text.replace("facts:\n", "facts: {}\n")
    text += (
        "rules:\n" + textwrap.indent(textwrap.dedent(rules), "  ")
        if rules.strip()
        else "rules: []\n"
    )
    return text


def rule(rule_id: str, when: str, then: str, article: str = "2", extra: str = "") -> str:
    """One rule as a YAML list item; `then` is a flow mapping like '{status: eligible}'."""
    text = (
        f"- id: {rule_id}\n"
        f'  citation: {{article: "{article}"}}\n'
        f"  when: {when}\n"
        f"  then: {then}\n"
        f'  text: {{nl: "Regel {rule_id}", en: "Rule {rule_id}"}}\n'
    )
    if extra:
        text += textwrap.indent(textwrap.dedent(extra), "  ")
    return text


def write_base(
    root: Path,
    files: dict[str, str],
    facts: str = FACTS,
    scheme: str = SCHEME,
) -> Path:
    """Write schemes/x.yaml, rules/facts.yaml and rules/x/<name> for each entry of `files`."""
    (root / "schemes").mkdir(parents=True, exist_ok=True)
    (root / "rules" / "x").mkdir(parents=True, exist_ok=True)
    (root / "schemes" / "x.yaml").write_text(scheme, encoding="utf-8")
    (root / "rules" / "facts.yaml").write_text(facts, encoding="utf-8")
    for name, text in files.items():
        (root / "rules" / "x" / name).write_text(text, encoding="utf-8")
    return root


def profile(detained=None, evading=None, military=None, money=None, born=None, **assets) -> dict:
    applicant = {"id": "a", "role": "applicant", "exclusions": {}}
    for key, value in (
        ("detained", detained),
        ("evading_sentence", evading),
        ("military_service", military),
    ):
        if value is not None:
            applicant["exclusions"][key] = value
    if born is not None:
        applicant["birth_date"] = born
    data = {"members": [applicant], "assets": dict(assets)}
    if money is not None:
        data["assets"]["bank_and_cash"] = money
    return data
