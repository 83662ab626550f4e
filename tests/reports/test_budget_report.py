"""`itsm report budget`: per Budget planned against actual per category (charts and
tables, Decimal sums), the variances over the threshold with their notes, the forecast to
period end, and per service the budgets covering it — on tests/reports/customers_budgets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

FIXTURE = Path(__file__).parent / "customers_budgets"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def here(reports: Reports, monkeypatch: pytest.MonkeyPatch) -> Reports:
    monkeypatch.chdir(FIXTURE)
    return reports


def facts(reports: Reports, html: str, record: str) -> dict[str, str]:
    return {row[0]: row[1] for row in reports.tables(html)[f"facts-{record}"].rows}


@pytest.mark.slow
def test_markdown_matches_golden_file(here: Reports) -> None:
    here.golden("budget.md", here.ok("budget"))


def test_totals_and_forecast(here: Reports) -> None:
    html = here.ok("budget", fmt="html")
    here.assert_self_contained(html)
    hosting = facts(here, html, "BUD-HOSTING-2026")
    # 120,000 + 50,000 + 8,000 + 16,000; 134,400 + 54,950 + 7,200 + 20,000
    assert hosting["Planned"] == "194,000.00 EUR"
    assert hosting["Actual"] == "216,550.00 EUR (4 of 4 lines)"
    # forecast 146,000 (people); the others have none and the year is not over, so the
    # larger of plan and actual: 54,950 + 8,000 + 20,000
    assert hosting["Forecast to period end"] == "228,950.00 EUR (+18.0 % against plan)"
    q3 = facts(here, html, "BUD-MAIL-2026-Q3")
    assert q3["Period"] == "2026-Q3 (2026-07-01 to 2026-09-30), ended"
    assert q3["Actual"] == "8,500.00 GBP (1 of 3 lines)"


def test_lines_with_variances_and_notes(here: Reports) -> None:
    html = here.ok("budget", fmt="html")
    lines = here.tables(html)["lines-BUD-HOSTING-2026"].records()
    assert [(r["Category"], r["Variance"]) for r in lines] == [
        ("people", "+12.0 %"),
        ("infrastructure", "+9.9 %"),
        ("facilities", "-10.0 %"),
        ("licences", "+25.0 %"),
    ]
    assert "line 1 (people): +12.0 %, planned 120,000.00 EUR, actual 134,400.00 EUR: " in html
    assert "line 4 (licences): +25.0 %, planned 16,000.00 EUR, actual 20,000.00 EUR: " \
        "Database licences renewed at the new list price." in html
    assert "line 2 (infrastructure)" not in html  # 9.9 % is within the 10 %


def test_per_service_table_and_charts(here: Reports) -> None:
    html = here.ok("budget", fmt="html")
    rows = here.tables(html)["per-service-table"].records()
    assert [(r["Service"], r["Budget"]) for r in rows] == [
        ("SVC-BACKUP", "BUD-BACKUP-2026-Q4"),
        ("SVC-HOSTING", "BUD-HOSTING-2026"),
        ("SVC-MAIL", "BUD-MAIL-2026-Q3"),
        ("SVC-MAIL", "BUD-MAIL-2026-11"),
    ]
    assert "Live services in no approved budget of the current period (BUD001)" in html
    labels = [here.svg_label(svg) for svg in here.svgs(html)]
    assert "BUD-HOSTING-2026 2026: planned against actual per category" in labels
    assert "SVC-HOSTING: planned against actual per budget" in labels
    (chart,) = [s for s in here.svgs(html) if here.svg_label(s).startswith("BUD-HOSTING-2026")]
    titles = [t.text for t in chart.iter(f"{SVG}title")]
    assert "people: actual 134,400 EUR" in titles
    colours = {
        r.findtext(f"{SVG}title"): r.get("fill") for r in chart.iter(f"{SVG}rect")
    }
    assert colours["people: actual 134,400 EUR"] == "#d62728"  # over the 10 %
    assert colours["infrastructure: actual 54,950 EUR"] == "#2ca02c"
    # bars from zero: every rect starts at the axis
    axis = chart.find(f"{SVG}line")
    assert axis is not None
    assert {r.get("x") for r in chart.iter(f"{SVG}rect")} == {axis.get("x1")}


def test_threshold_from_configuration(
    here: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.copytree(FIXTURE, tmp_path / "repo")
    (tmp_path / "repo/itsm.toml").write_text('records = "records"\n[budget]\nvariance = 5\n')
    monkeypatch.chdir(tmp_path / "repo")
    md = here.ok("budget")
    assert "### Variances over 5 %" in md
    assert "- line 2 (infrastructure): +9.9 %" in md


def test_empty_repository(here: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "records").mkdir()
    monkeypatch.chdir(tmp_path)
    assert "No Budget records." in here.ok("budget")
    assert here.ok("budget", fmt="html").startswith("<!DOCTYPE html>")


@pytest.mark.slow
def test_period_shows_the_budgets_that_overlap_it(here: Reports) -> None:
    md = here.ok("budget", "--period", "2026-11")
    assert "Budgets whose period overlaps 2026-11." in md
    shown = [line for line in md.splitlines() if line.startswith("## BUD-")]
    assert shown == [
        "## BUD-HOSTING-2026: Managed hosting budget 2026",
        "## BUD-BACKUP-2026-Q4: Managed backup budget 2026-Q4",
        "## BUD-MAIL-2026-11: Hosted mail budget 2026-11",
    ]
    q3 = here.ok("budget", "--period", "2026-Q3")
    assert [line for line in q3.splitlines() if line.startswith("## BUD-")] == [
        "## BUD-HOSTING-2026: Managed hosting budget 2026",
        "## BUD-MAIL-2026-Q3: Hosted mail budget 2026-Q3",
    ]


CATEGORIES = Path(__file__).parent / "budget_categories"


def test_lines_of_one_category_are_added_up(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/reports/budget_categories: two people and two licences lines make one bar pair
    and one row each per category, summed exactly."""
    monkeypatch.chdir(CATEGORIES)
    html = reports.ok("budget", fmt="html", today="2026-12-01")
    rows = reports.tables(html)["categories-BUD-DESK-2026"].records()
    assert rows == [
        {"Category": "people", "Lines": "2", "Planned": "0.30 EUR", "Actual": "0.30 EUR",
         "Variance": "+0.0 %"},
        {"Category": "licences", "Lines": "2", "Planned": "2,000.00 EUR",
         "Actual": "2,200.01 EUR", "Variance": "+10.0005 %"},
    ]
    chart = next(
        svg for svg in reports.svgs(html)
        if reports.svg_label(svg) == "BUD-DESK-2026 2026: planned against actual per category"
    )
    assert [t.text for t in chart.iter(f"{SVG}title")][1:] == [
        "people: planned 0.30 EUR", "people: actual 0.30 EUR",
        "licences: planned 2,000 EUR", "licences: actual 2,200 EUR",
    ]
    md = reports.ok("budget", today="2026-12-01")
    assert "| licences | 2 | 2,000.00 EUR | 2,200.01 EUR | **+10.0005 %** |" in md


def test_budgets_outside_the_period_are_not_called_retired(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CATEGORIES)
    md = reports.ok("budget", "--period", "2026-11", today="2026-12-01")
    assert "Budgets: 1 (1 outside 2026-11, not shown) ·" in md
    assert "retired" not in md.split("## ")[0]
