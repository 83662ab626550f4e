"""`itsm report continuity`: per ContinuityPlan, the services covered, RTO/RPO against the
downtime the covering SLAs allow, the test history, the next test due, open actions and CON
findings — on tests/reports/fixture (see its README: CON-WEB and CON-DESK)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

SVG = "{http://www.w3.org/2000/svg}"

if TYPE_CHECKING:
    from tests.reports.conftest import Reports


def facts(reports: Reports, html: str, plan: str) -> dict[str, str]:
    """The plan's key facts (a two-column table of row headers and values)."""
    return {row[0]: row[1] for row in reports.tables(html)[f"facts-{plan}"].rows}


@pytest.mark.slow
def test_markdown_matches_golden_file(reports: Reports) -> None:
    reports.golden("continuity.md", reports.ok("continuity"))


@pytest.mark.slow
def test_html_is_self_contained_and_lists_every_plan(reports: Reports) -> None:
    html = reports.ok("continuity", fmt="html")
    reports.assert_self_contained(html)
    assert "<h2>CON-DESK: Service desk continuity plan</h2>" in html
    assert "<h2>CON-WEB: Web and mail recovery plan</h2>" in html
    web = facts(reports, html, "CON-WEB")
    assert web["Services"] == "SVC-WEB Managed web hosting (critical) SVC-MAIL Hosted email (high)"
    assert (web["RTO"], web["RPO"]) == ("PT45M (45 min)", "PT15M (15 min)")


@pytest.mark.slow
def test_html_rto_against_each_sla_downtime_allowance(reports: Reports) -> None:
    tables = reports.tables(reports.ok("continuity", fmt="html"))
    rows = tables["allowances-CON-WEB"].records()
    # By hand: 0.1 % of 30 days = 43.2 min; 0.5 % of 91 days = 655.2 min (DESIGN §4 windows).
    assert [
        (r["SLA"], r["Window"], r["Allowed downtime (min)"], r["RTO (min)"], r["Verdict"])
        for r in rows
    ] == [
        ("SLA-WEB", "calendar-month", "43.2", "45", "RTO exceeds the allowance"),
        ("SLA-MAIL", "calendar-quarter", "655.2", "45", "within"),
    ]
    # The retired SLA-WEB-2025 covers SVC-WEB too, but is not compared (as in CON005).
    assert all(r["SLA"] != "SLA-WEB-2025" for r in rows)
    # No SLA covers SVC-DESK: there is nothing to compare CON-DESK's RTO with.
    assert "allowances-CON-DESK" not in tables


@pytest.mark.slow
def test_html_test_history_latest_first_with_achieved_rto(reports: Reports) -> None:
    tests = reports.tables(reports.ok("continuity", fmt="html"))["tests-CON-WEB"]
    assert [
        (r["Date"], r["Type"], r["Result"], r["Achieved RTO"], r["Against RTO PT45M"])
        for r in tests.records()
    ] == [
        ("2026-05-20", "failover", "partial", "PT55M (55 min)", "longer"),
        ("2025-06-10", "walkthrough", "pass", "–", "–"),
    ]


@pytest.mark.slow
def test_html_next_test_due_and_overdue(reports: Reports) -> None:
    html = reports.ok("continuity", fmt="html")
    # CON-DESK: 2026-03-01 + P6M = 2026-09-01, before today.
    assert facts(reports, html, "CON-DESK")["Next test due"].startswith("2026-09-01 (overdue)")
    assert facts(reports, html, "CON-WEB")["Next test due"].startswith("2027-05-20 latest test")
    # On 2026-08-31 the desk plan is not yet late.
    earlier = reports.ok("continuity", fmt="html", today="2026-08-31")
    assert facts(reports, earlier, "CON-DESK")["Next test due"].startswith("2026-09-01 latest")


def test_html_open_actions_come_from_failed_or_partial_tests(reports: Reports) -> None:
    html = reports.ok("continuity", fmt="html")
    section = html.split('id="open-actions-CON-WEB"')[1].split("</ul>")[0]
    assert "Pre-stage the DNS changes" in section
    assert "Script the database promotion" in section
    # The passing test's action is not open.
    assert "Runbook reviewed" not in section
    before_web = html.split('<section class="plan" id="CON-WEB"')[0]
    assert "None: no failed or partial test since the latest pass." in before_web


@pytest.mark.slow
def test_html_findings_of_each_plan(reports: Reports) -> None:
    tables = reports.tables(reports.ok("continuity", fmt="html"))
    assert [
        (r["Rule"], r["Location"]) for r in tables["findings-CON-WEB"].records()
    ] == [
        ("CON005", "records/continuity/con-web.yaml:24"),
        ("CON004", "records/continuity/con-web.yaml:36"),
    ]
    (desk,) = tables["findings-CON-DESK"].records()
    assert desk["Rule"] == "CON002"
    assert "2026-09-01: the next test is overdue" in desk["Message"]


def test_never_tested_plan_and_service_without_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: Reports
) -> None:
    repo = tmp_path / "sms"
    shutil.copytree(reports.fixture, repo)
    # Move SVC-WEB out of CON-WEB: a live critical service with no plan (CON001).
    plan = repo / "records/continuity/con-web.yaml"
    text = plan.read_text()
    plan.write_text(text.replace("services: [SVC-WEB, SVC-MAIL]", "services: [SVC-MAIL]"))
    (repo / "records/continuity/con-new.yaml").write_text(
        "apiVersion: itsm/v1\nkind: ContinuityPlan\n"
        "metadata: {id: CON-NEW, title: New plan, owner: continuity-manager}\n"
        "spec:\n  services: [SVC-MAIL]\n  invocation: Duty manager.\n"
        "  scenarios: [{id: s1, description: Loss, strategy: Restore}]\n"
        "  rto: PT1H\n  rpo: PT1H\n  returnToNormal: Fail back.\n  testInterval: P12M\n"
    )
    monkeypatch.chdir(repo)
    out = reports.ok("continuity")
    assert "- SVC-WEB (`records/services/svc-web.yaml:13`)" in out  # CON001
    new = out.split("## CON-NEW: New plan")[1].split("## CON-WEB")[0]
    assert "next due **never tested**" in new
    assert "**Never tested.**" in new
    assert "has never been tested" in new  # its CON002 finding


@pytest.mark.slow
def test_html_charts_rto_against_achieved_and_the_next_test_due(reports: Reports) -> None:
    html = reports.ok("continuity", fmt="html")
    svgs = {reports.svg_label(s): s for s in reports.svgs(html)}
    rto = svgs["RTO against the achieved RTO of the latest test, per plan"]
    bars = list(rto.iter(f"{SVG}rect"))
    titles = [r.findtext(f"{SVG}title") for r in bars]
    # Two bars a plan from zero: the RTO asked for, and the latest test's achieved RTO.
    assert all(float(r.get("x", "0")) == float(bars[0].get("x", "0")) for r in bars)
    assert any(t and t.startswith("CON-WEB: RTO ") for t in titles)
    timeline = svgs["Latest test to next test due, per plan"]
    spans = [r.findtext(f"{SVG}title") for r in timeline.iter(f"{SVG}rect")]
    assert "CON-WEB: 2026-05-20 – 2027-05-20" in spans
    # CON-DESK's next test (2026-09-01) has passed: its bar is red.
    desk = next(r for r in timeline.iter(f"{SVG}rect")
                if (r.findtext(f"{SVG}title") or "").startswith("CON-DESK"))
    assert desk.get("fill") == "#d62728"


def test_a_partial_test_without_actions_is_named_not_called_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: Reports
) -> None:
    """CON-DESK passed on 2026-03-01; a partial test after it that records no action is what
    CON003 reports, so "Open actions" names it rather than saying there was no such test."""
    repo = tmp_path / "sms"
    shutil.copytree(reports.fixture, repo)
    plan = repo / "records/continuity/con-desk.yaml"
    plan.write_text(plan.read_text().replace(
        "    - {date: 2026-03-01, type: tabletop, result: pass}\n",
        "    - {date: 2026-03-01, type: tabletop, result: pass}\n"
        "    - {date: 2026-05-31, type: tabletop, result: partial}\n",
    ))
    monkeypatch.chdir(repo)
    out = reports.ok("continuity")
    desk = out.split("## CON-DESK")[1].split("\n## ")[0]
    actions = desk.split("### Open actions")[1].split("###")[0]
    assert actions.strip() == "None recorded: the partial test of 2026-05-31 records no action."
    assert "CON003" in desk
