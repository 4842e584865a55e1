"""The impact of the 2023 kostendelersnorm change over a hand-made population, as a report.

Base: the reform file that restores the old rule (housemates count from 21); candidate: the
bundled rules (from 27). A single applicant of 30 without income with one unrelated housemate
aged 21 to 26 gets € 1.001,07 (A = 2) under the base and € 1.401,50 under the candidate: a gain
of € 400,43 a month. With a housemate of 27 or older, or none, nothing changes.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from browser import render_in_browser
from households import household as standard_household
from households import write_csv
from support import PEILDATUM, ROOT

from engine.diff import Impact, compare, resolve
from engine.population.generate import write_population
from engine.population.source import PopulationSource
from engine.report.impact import ReportInput, render_impact

REFORM = ROOT / "examples" / "reforms" / "kostendelersnorm-vanaf-21.yaml"
BASE, CANDIDATE = resolve(str(REFORM)), resolve("bundled")
GAIN = Decimal("400.43")  # 1.401,50 - 1.001,07

HOUSEMATE_25 = "2000-06-01"  # 25 on the peildatum: counts only under the old rule
HOUSEMATE_22 = "2003-03-01"  # 22
HOUSEMATE_31 = "1995-01-01"  # 31: counts under both


def household(household_id: str, municipality: str, housemates: str = "") -> dict[str, str]:
    """The standard hand-made single (tests/households.py), in a municipality, with housemates."""
    return standard_household(
        household_id, municipality=municipality, housemate_birth_dates=housemates
    )


def hand_made(path: Path, zevenaar: str = "Zevenaar") -> Path:
    """Five households: three gain (two in Zevenaar, one in Kerkrade), two do not change."""
    return write_csv(
        path,
        [
            household("Z1", zevenaar, HOUSEMATE_25),  # gains
            household("Z2", zevenaar, HOUSEMATE_31),  # counts under both rules
            household("Z3", zevenaar, HOUSEMATE_22),  # gains
            household("K1", "Kerkrade", HOUSEMATE_25),  # gains
            household("K2", "Kerkrade"),  # lives alone
        ],
    )


def impact_of(source: PopulationSource) -> Impact:
    return compare(BASE, CANDIDATE, source.cases())


def report(impact: Impact, source: PopulationSource) -> str:
    about = ReportInput(
        title="Impactrapport kostendelersnorm",
        base=str(REFORM.name),
        candidate="bundled",
        base_hash=BASE.hash,
        candidate_hash=CANDIDATE.hash,
        peildatum=PEILDATUM,
        population=source.describe(),
    )
    return render_impact(impact, CANDIDATE, about)


def kpi(dom: str, name: str) -> str:
    found = re.search(rf'id="{name}"[^>]*>([^<]*)<', dom)
    assert found, name
    return found.group(1).strip()


def bars(dom: str, kind: str) -> list[tuple[float, float]]:
    """(width, height) of every chart bar of a kind: gain, loss, open, mixed."""
    out = []
    for rect in re.findall(r"<rect\b[^>]*>", dom):
        if re.search(rf'class="bar {kind}"', rect):
            width = float(re.search(r'width="([\d.]+)"', rect).group(1))
            height = float(re.search(r'height="([\d.]+)"', rect).group(1))
            out.append((width, height))
    return out


# --- the counts, computed by hand -----------------------------------------------------------


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> PopulationSource:
    path = hand_made(tmp_path_factory.mktemp("pop") / "huishoudens.csv")
    return PopulationSource(str(path), 1, PEILDATUM)


@pytest.fixture(scope="module")
def impact(population: PopulationSource) -> Impact:
    return impact_of(population)


def test_the_diff_counts_the_hand_made_households(impact: Impact) -> None:
    assert impact.households == 5
    assert impact.households_changed == 3
    assert impact.changes == 3  # only algemene bijstand changes, for three households
    bijstand = impact.by_scheme["algemene_bijstand"]
    assert (bijstand.gain, bijstand.loss, bijstand.open) == (3, 0, 0)
    assert bijstand.monthly_change == 3 * GAIN
    assert bijstand.status_changes == {}  # eligible under both, only the amount differs
    assert {c[1] for c in impact.changed} == {"Zevenaar", "Kerkrade"}
    assert sorted(c[0] for c in impact.changed) == ["K1", "Z1", "Z3"]
    for _, _, scheme, was, now in impact.changed:
        assert (scheme, was, now) == (
            "algemene_bijstand",
            ("eligible", Decimal("1001.07")),
            ("eligible", Decimal("1401.50")),
        )


def test_the_diff_counts_per_municipality(impact: Impact) -> None:
    zevenaar, kerkrade = impact.by_municipality["Zevenaar"], impact.by_municipality["Kerkrade"]
    assert (zevenaar.households, zevenaar.changed, zevenaar.winners) == (3, 2, 2)
    assert (kerkrade.households, kerkrade.changed, kerkrade.winners) == (2, 1, 1)
    assert (zevenaar.losers, zevenaar.mixed, kerkrade.losers, kerkrade.mixed) == (0, 0, 0, 0)
    assert zevenaar.monthly_change == 2 * GAIN
    assert kerkrade.monthly_change == GAIN


def test_the_deltas_and_the_rule_that_decides_differently(impact: Impact) -> None:
    assert impact.monthly_deltas == {400: 3}  # floor of 400.43, three households
    assert impact.rules_changed["pw.22a.1.alleenstaande"] == 3
    assert all(n <= 3 for n in impact.rules_changed.values())


# --- the report in a browser ----------------------------------------------------------------


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


@pytest.mark.browser
def test_the_report_shows_the_counts_in_chromium(
    impact: Impact, population: PopulationSource, tmp_path: Path
) -> None:
    dom, png = render_in_browser(report(impact, population), tmp_path, name="impact")
    assert kpi(dom, "households") == "5"
    assert kpi(dom, "changed") == "3"
    assert kpi(dom, "winners") == "3"
    assert kpi(dom, "losers") == "0"
    assert kpi(dom, "mixed") == "0"
    assert kpi(dom, "monthly") == "€ 1.201,29"  # 3 x 400,43
    assert "€ 14.415,48 per jaar" in dom  # 12 x 1.201,29
    assert dom.count("<svg") == 3
    for section in ("distribution", "schemes", "municipalities", "rules", "examples"):
        assert f'<section id="{section}"' in dom, section

    # The histogram: the bin "200 tot 500" holds the three households, every other bin none.
    table = re.search(r'<section id="distribution">.*?</section>', dom, re.S).group(0)
    labels = [unescape(t) for t in re.findall(r"<th>([^<]*)</th>", table)[1:]]
    counts = re.findall(r'<td class="n">([^<]*)</td>', table)
    assert dict(zip(labels, counts, strict=True)) == {
        "< -500": "0",
        "-500 tot -200": "0",
        "-200 tot -50": "0",
        "-50 tot 0": "0",
        "0": "0",
        "0 tot 50": "0",
        "50 tot 200": "0",
        "200 tot 500": "3",
        "> 500": "0",
    }

    gains = [b for b in bars(dom, "gain") if b[0] > 0 and b[1] > 0]
    assert len(gains) == 4  # the histogram bin, bijstand, Kerkrade, Zevenaar
    assert [b for b in bars(dom, "loss") if b[0] > 0 and b[1] > 0] == []  # pure gain: no loss
    assert [b for b in bars(dom, "mixed") if b[0] > 0 and b[1] > 0] == []

    assert "pw.22a.1.alleenstaande" in re.search(
        r'<section id="rules">.*?</section>', dom, re.S
    ).group(0)
    assert 'id="synthetic-label"' not in dom  # a hand-made table is not labelled synthetic
    assert "SYNTHETISCHE" not in dom

    # A real picture of the page: the asked size, and far more than a blank page of that size
    # (about 7 KB as PNG) compresses to.
    assert png_size(png) == (1000, 1400)
    assert len(png) > 20_000


def synthetic_report() -> str:
    source = PopulationSource("30", 5, PEILDATUM)
    return report(impact_of(source), source)


def test_a_generated_population_is_labelled_synthetic() -> None:
    assert_labelled_synthetic(synthetic_report())


@pytest.mark.browser
def test_a_generated_population_is_labelled_synthetic_in_chromium(tmp_path: Path) -> None:
    html = synthetic_report()
    dom, _ = render_in_browser(html, tmp_path, name="synthetic", screenshot=False)
    assert_labelled_synthetic(dom)


def assert_labelled_synthetic(dom: str) -> None:
    label = re.search(r'<p class="synthetic" id="synthetic-label">([^<]*)</p>', dom)
    assert label and "SYNTHETISCHE POPULATIE" in label.group(1)
    assert "30 huishoudens, gegenereerd met seed 5" in label.group(1)
    assert kpi(dom, "households") == "30"
    sources = re.search(r'<section id="population-sources">.*?</section>', dom, re.S).group(0)
    for name in ("household_type", "applicant_age", "housemates"):  # every marginal is listed
        assert f"<td>{name}</td>" in sources, name


def test_a_synthetic_parquet_file_is_labelled_and_a_plain_csv_is_not(tmp_path: Path) -> None:
    written = tmp_path / "pop.parquet"
    write_population(written, 5, 1, PEILDATUM)
    plain = hand_made(tmp_path / "pop.csv")
    assert PopulationSource(str(written), 1, PEILDATUM).describe().synthetic is True
    assert PopulationSource(str(plain), 1, PEILDATUM).describe().synthetic is False
    assert PopulationSource("5", 1, PEILDATUM).describe().synthetic is True


EVIL = "<script>alert(1)</script>"


def evil_report(tmp_path: Path) -> tuple[Impact, str]:
    """The report over a household in a municipality whose name is a script."""
    path = write_csv(
        tmp_path / "pop.csv",
        [household("E1", EVIL, HOUSEMATE_25), household("K1", "Kerkrade", HOUSEMATE_25)],
    )
    source = PopulationSource(str(path), 1, PEILDATUM)
    impact = impact_of(source)
    return impact, report(impact, source)


def test_a_municipality_name_is_text_never_markup(tmp_path: Path) -> None:
    impact, html = evil_report(tmp_path)
    assert impact.by_municipality[EVIL].winners == 1
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.browser
def test_a_municipality_name_is_text_never_markup_in_chromium(tmp_path: Path) -> None:
    _, html = evil_report(tmp_path)
    dom, _ = render_in_browser(html, tmp_path, name="escaped", screenshot=False)
    assert "<script" not in dom  # no script element came out of the page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # the name is shown as text


# --- command line ---------------------------------------------------------------------------


def engine_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "engine", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


def test_diff_over_a_population_writes_a_report_and_fails_on_change(tmp_path: Path) -> None:
    population = hand_made(tmp_path / "pop.csv")
    out = tmp_path / "out.html"
    result = engine_cli(
        "diff",
        "--base",
        str(REFORM),
        "--candidate",
        "bundled",
        "--population",
        str(population),
        "--report",
        str(out),
        "--fail-on-change",
    )
    assert result.returncode == 1, result.stderr
    assert "households with any change: 3" in result.stdout
    assert "municipality Zevenaar: 2 households changed (2 better off" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert kpi(html, "households") == "5"
    assert kpi(html, "winners") == "3"
    assert kpi(html, "monthly") == "€ 1.201,29"


def test_diff_without_change_exits_zero(tmp_path: Path) -> None:
    population = hand_made(tmp_path / "pop.csv")
    result = engine_cli(
        "diff",
        "--base",
        "bundled",
        "--candidate",
        "bundled",
        "--population",
        str(population),
        "--fail-on-change",
    )
    assert result.returncode == 0, result.stderr
    assert "households with any change: 0" in result.stdout


def test_municipalities_adopting_a_policy_writes_a_report(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = engine_cli(
        "municipalities", "--population", "20", "--adopt", "Zevenaar", "--report", str(out)
    )
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert "Zevenaar" in title
    assert 'id="synthetic-label"' in html
    municipalities = len({m.spec.name for m in CANDIDATE.municipalities.values()})
    assert kpi(html, "households") == str(20 * municipalities)  # each placed in every one


def test_municipalities_report_needs_adopt(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = engine_cli("municipalities", "--population", "4", "--report", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("error:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--adopt" in result.stderr
    assert not out.exists()


def test_the_report_says_how_many_stay_open_and_why() -> None:
    """A generated population: per scheme, the households undetermined or referred after the
    change and why, in Dutch; a local figure a municipality has not set is named as such."""
    source = PopulationSource("60", 5, PEILDATUM)
    impact = impact_of(source)
    cz = impact.by_scheme["collectieve_zorgverzekering"]
    assert cz.unsettled > 0
    assert cz.reasons == {"beleid:cz_inkomensgrens_percentage": cz.unsettled}
    html = report(impact, source)
    section = html.split('<section id="open">', 1)[1].split("</section>", 1)[0]
    assert CANDIDATE.schemes["collectieve_zorgverzekering"].spec.name.nl in section
    assert (
        "cz_inkomensgrens_percentage (een lokaal cijfer dat de gemeente niet heeft vastgesteld): "
        f"{cz.unsettled}" in section
    )
