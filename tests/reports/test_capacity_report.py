"""`itsm report capacity`: per CapacityPlan and resource, the usage history with its
least-squares trend and threshold, the latest usage, the predicted crossing date, open
actions and CAP findings — on tests/reports/fixture (see its README: CAP-WEB)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

SVG = "{http://www.w3.org/2000/svg}"


def test_markdown_matches_golden_file(reports: Reports) -> None:
    reports.golden("capacity.md", reports.ok("capacity"))


def test_html_resources_with_latest_usage_and_outlook(reports: Reports) -> None:
    html = reports.ok("capacity", fmt="html")
    reports.assert_self_contained(html)
    table = reports.tables(html)["resources-CAP-WEB"]
    assert table.column("Resource") == [
        "Web storage",
        "Web servers",
        "Database licences",
        "Internet bandwidth",
        "Operations engineers",
    ]
    storage = table.row("Web storage")
    # The latest entry by date (the file lists it first), 71 of 100 TB.
    assert storage["Latest usage"] == "71 TB 2026-11-01"
    assert storage["% of capacity"] == "71.0 %"
    assert storage["Threshold"] == "80 % = 80 TB"
    # 62, 65, 68, 71 TB at 30-day steps from 2026-08-03: 0.1 TB a day, so 80 TB is
    # reached on day 180 = 2027-01-30 (within today + P12M).
    assert storage["Trend per 30 days"] == "3 TB"
    assert storage["Predicted crossing"] == "reaches the threshold on 2027-01-30"
    servers = table.row("Web servers")
    assert servers["% of capacity"] == "78.1 %"  # 50 / 64
    assert servers["Predicted crossing"] == "at or over the threshold now"
    assert table.row("Database licences")["Predicted crossing"] == (
        "no trend: fewer than 3 points"
    )
    assert table.row("Internet bandwidth")["Predicted crossing"] == (
        "not within horizon (the trend is flat or falling)"
    )
    assert table.row("Operations engineers")["Predicted crossing"] == "no usage recorded"


def test_html_usage_charts_with_trend_threshold_and_crossing(reports: Reports) -> None:
    html = reports.ok("capacity", fmt="html")
    charts = {reports.svg_label(svg): svg for svg in reports.svgs(html)}
    assert sorted(charts) == [
        "Database licences: usage in licences, trend and threshold",
        "Internet bandwidth: usage in Gbit/s, trend and threshold",
        "Web servers: usage in vCPU, trend and threshold",
        "Web storage: usage in TB, trend and threshold",
    ]
    storage = charts["Web storage: usage in TB, trend and threshold"]
    points = [c.findtext(f"{SVG}title") for c in storage.iter(f"{SVG}circle")]
    assert points == ["2026-08-03: 62", "2026-09-02: 65", "2026-10-02: 68", "2026-11-01: 71"]
    texts = [t.text for t in storage.iter(f"{SVG}text")]
    at = texts.index("threshold")  # labelled right of the plot, the value below the word
    assert texts[at + 1] == "80"
    assert "2027-01-30" in texts  # the marker at the predicted crossing
    assert "2027-11-23" in texts  # the axis runs to today + the horizon
    dashes = [line.get("stroke-dasharray") for line in storage.iter(f"{SVG}line")]
    assert "2 2" in dashes  # the fitted trend
    # Two points: drawn, but no trend line and no crossing.
    licences = charts["Database licences: usage in licences, trend and threshold"]
    assert "2 2" not in [line.get("stroke-dasharray") for line in licences.iter(f"{SVG}line")]


@pytest.mark.slow
def test_html_open_actions_with_overdue_flag(reports: Reports) -> None:
    html = reports.ok("capacity", fmt="html")
    actions = reports.tables(html)["actions-CAP-WEB"]
    assert [(r["Action"], r["Due"], r["Status"]) for r in actions.records()] == [
        ("Add a second storage shelf", "2026-10-31", "overdue"),
        ("Move static assets to the CDN", "2027-02-28", "open"),
    ]
    assert "1 done." in html
    # On its due date an action is not yet overdue.
    earlier = reports.tables(reports.ok("capacity", fmt="html", today="2026-10-31"))
    assert earlier["actions-CAP-WEB"].row("Add a second storage shelf")["Status"] == "open"


@pytest.mark.slow
def test_html_findings_of_the_plan(reports: Reports) -> None:
    findings = reports.tables(reports.ok("capacity", fmt="html"))["findings-CAP-WEB"]
    assert [(r["Rule"], r["Severity"]) for r in findings.records()] == [
        ("CAP003", "error"),
        ("CAP002", "warning"),
        ("CAP004", "warning"),
    ]
    assert "on 2027-01-30, within the plan horizon P12M" in findings.row(
        "records/capacity/cap-web.yaml:28"
    )["Message"]


@pytest.mark.slow
def test_crossing_beyond_horizon_and_service_without_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: Reports
) -> None:
    repo = tmp_path / "sms"
    shutil.copytree(reports.fixture, repo)
    plan = repo / "records/capacity/cap-web.yaml"
    text = plan.read_text()
    # A one-month horizon ends 2026-12-23, before the 2027-01-30 crossing; and the plan
    # now covers SVC-MAIL only, leaving the critical SVC-WEB without one (CAP001).
    text = text.replace("horizon: P12M", "horizon: P1M").replace(
        "services: [SVC-WEB]", "services: [SVC-MAIL]"
    )
    plan.write_text(text)
    monkeypatch.chdir(repo)
    out = reports.ok("capacity")
    assert "not within horizon (the trend reaches it on 2027-01-30)" in out
    assert "- **Horizon:** P1M, to 2026-12-23" in out
    assert "- SVC-WEB (`records/services/svc-web.yaml:13`)" in out
    assert "CAP002" not in out
