"""`itsm report operations`: per process the counts of the last 12 periods (tables and bar
charts from zero), the exceptions with their ticket refs, the OPS findings, and the
per-incident targets of every agreement against their Measurements — on
tests/reports/operations (see its README)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

FIXTURE = Path(__file__).parent / "operations"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def ops(reports: Reports, monkeypatch: pytest.MonkeyPatch) -> Reports:
    monkeypatch.chdir(FIXTURE)
    return reports


def test_html_counts_per_period_for_the_last_12_months(ops: Reports) -> None:
    html = ops.ok("operations", fmt="html")
    ops.assert_self_contained(html)
    counts = ops.tables(html)["counts-incident"]
    assert counts.header == ["Period", "Report", "opened", "closed", "major", "backlog"]
    assert [row[0] for row in counts.body] == [
        "2025-11", "2025-12", *[f"2026-{m:02d}" for m in range(1, 11)]
    ]
    # the retired 2026-07 report (999 opened) is not shown
    assert counts.row("2026-07") == {
        "Period": "2026-07", "Report": "–", "opened": "–", "closed": "–", "major": "–",
        "backlog": "–",
    }
    assert [counts.row(p)["opened"] for p in ("2026-08", "2026-09", "2026-10")] == [
        "30", "41", "26"
    ]
    assert counts.row("2026-10")["major"] == "2"
    # the change process only counts what its reports hold
    assert ops.tables(html)["counts-change"].header == [
        "Period", "Report", "opened", "closed", "emergency", "failed"
    ]


def test_html_charts_start_at_zero(ops: Reports) -> None:
    html = ops.ok("operations", fmt="html")
    labels = [ops.svg_label(svg) for svg in ops.svgs(html)]
    assert "incident opened: 2025-11 to 2026-10" in labels
    assert "change failed: 2025-11 to 2026-10" in labels
    for svg in ops.svgs(html):
        axis = [t.text for t in svg.iter(f"{SVG}text")]
        assert "0" in axis, ops.svg_label(svg)


def test_html_exceptions_listed_with_their_refs(ops: Reports) -> None:
    tables = ops.tables(ops.ok("operations", fmt="html"))
    assert [(r["Period"], r["Ticket"], r["Exception"], r["Note"])
            for r in tables["exceptions-incident"].records()] == [
        ("2026-10", "INC0010023", "major incident never reviewed (major-without-review)",
         "review planned for 2026-12-01"),
    ]
    assert [r["Ticket"] for r in tables["exceptions-change"].records()] == [
        "CHG0030011", "CHG0030042"
    ]
    assert [r["Rule"] for r in tables["findings-change"].records()] == [
        "OPS001", "OPS005", "OPS002"
    ]


def test_html_per_incident_attainment_of_every_agreement(ops: Reports) -> None:
    """p1-resolution: 96.2 % within 4 h meets its attainment 95 % (91.7 in 2026-09 did not);
    p2-resolution has no attainment: its longest resolution, 9.25 h, misses <= 8 h.
    Availability is not a per-incident target."""
    table = ops.tables(ops.ok("operations", fmt="html"))["per-incident-SLA-DESK"]
    assert [(r["Target"], r["Objective"], r["Unit"], r["Latest"], r["Periods met"])
            for r in table.records()] == [
        ("p1-resolution", "≥ 95 % within 4 h", "percent",
         "2026-10: 96.2 % of P1 incidents within 4 h, target 95 %", "1 of 2 measured"),
        ("p2-resolution", "≤ 8", "h", "2026-10: 9.25", "1 of 2 measured"),
    ]
    assert [cells[4] for cells in table.cell_classes[1:]] == [["met"], ["breached"]]


def test_markdown_lists_processes_exceptions_and_targets(ops: Reports) -> None:
    md = ops.ok("operations")
    assert "Processes: 2 · ProcessReports: 4 (1 retired, not shown) · exceptions: 3" in md
    assert "## incident (8.6.1)" in md and "## change (8.5.1)" in md
    assert "| 2026-09 | OPS-INCIDENT-2026-09 | 41 | 44 | 1 | 2 |" in md
    assert "| 2026-09 | CHG0030011 | implemented before it was approved" in md
    assert "INC0000999" not in md
    assert (
        "**No report for the last complete period:** no ProcessReport (change) for 2026-10"
        in md
    )
    assert "2026-10: 96.2 % of P1 incidents within 4 h, target 95 %" in md


def test_period_moves_the_window(ops: Reports) -> None:
    """Counts and exceptions of 2026-10 lie after the window 2025-10 … 2026-09."""
    md = ops.ok("operations", "--period", "2026-09")
    assert "3 reports, monthly, 2025-10 to 2026-09" in md
    assert "| 2026-10 |" not in md


def test_service_report_shows_the_share_against_the_attainment(ops: Reports) -> None:
    html = ops.ok("service", fmt="html")
    assert "96.2 % of P1 incidents within 4 h, target 95 %" in html
    assert "≥ 95 % within 4 h" in html


SHARED_PERIODS = Path(__file__).parent / "shared_periods"


def test_two_reports_of_one_period_are_both_shown_and_added_up_in_the_charts(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/reports/shared_periods: November 2026 has a report per service; neither is
    dropped, and the trends add them up (opened 10 + 3, backlog 4 + none given)."""
    monkeypatch.chdir(SHARED_PERIODS)
    html = reports.ok("operations", fmt="html", today="2026-12-01")
    body = reports.tables(html)["counts-incident"].body
    assert [row for row in body if row[0] == "2026-11"] == [
        ["2026-11", "PR-INC-WEB-2026-11", "10", "9", "4"],
        ["2026-11", "PR-INC-MAIL-2026-11", "3", "2", "–"],
        ["2026-11", "PR-INC-DESK-2026-11", "–", "–", "–"],
    ]
    assert (
        "added up in the charts: 2026-11 (PR-INC-WEB-2026-11, PR-INC-MAIL-2026-11, "
        "PR-INC-DESK-2026-11)"
    ) in html
    bars = {
        reports.svg_label(svg): [t.text for t in svg.iter(f"{SVG}title")][1:]
        for svg in reports.svgs(html)
    }
    assert bars["incident opened: 2025-12 to 2026-11"] == ["Oct: 26", "Nov: 13"]
    assert bars["incident backlog: 2025-12 to 2026-11"] == ["Oct: 2", "Nov: 4"]
    text = reports.ok("operations", today="2026-12-01")
    assert "Several reports of one period, added up in the trends: 2026-11" in text


def test_per_incident_values_outside_the_agreement_are_not_counted(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tests/reports/outside_validity: SLA-SHORT's response was 45 and 50 min in periods
    its targets were not (wholly) in force; only 2026-03 (20 min) counts, as in the
    service report."""
    monkeypatch.chdir(Path(__file__).parent / "outside_validity")
    text = reports.ok("operations", today="2026-12-01")
    assert (
        "| response | – | ≤ 30 | min | 2026-03: 20 | 1 of 1 measured | "
        "`– – – 20 – – – – – – – –` |"
    ) in text
