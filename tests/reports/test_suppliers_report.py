"""`itsm report suppliers`: contracts with notice dates on a timeline, underpinning targets
against the SLA targets they support, reviews, open disputes and SUP findings — on
tests/reports/fixture (see its README)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from itsm_cli.records.models import Target
from itsm_cli.reports.suppliers import compare

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

SVG = "{http://www.w3.org/2000/svg}"


def test_markdown_matches_golden_file(reports: Reports) -> None:
    reports.golden("suppliers.md", reports.ok("suppliers"))


def test_html_contracts_table_with_notice_dates_and_status(reports: Reports) -> None:
    html = reports.ok("suppliers", fmt="html")
    reports.assert_self_contained(html)
    contracts = reports.tables(html)["contracts"]
    assert contracts.column("Supplier") == ["SUP-DC", "SUP-FIBRE", "SUP-PHONES"]
    dc = contracts.row("SUP-DC")
    assert (dc["Contract"], dc["Start"], dc["End"]) == ("NDC-2024-017", "2024-01-01", "2028-12-31")
    # 2028-12-31 minus P6M and 2027-01-31 minus P3M, by the calendar.
    assert (dc["Notice period"], dc["Give notice by"], dc["Status"]) == (
        "P6M",
        "2028-06-30",
        "in force",
    )
    fibre = contracts.row("SUP-FIBRE")
    assert (fibre["Give notice by"], fibre["Status"]) == ("2026-10-31", "ends within notice")
    phones = contracts.row("SUP-PHONES")
    assert (phones["Notice period"], phones["Give notice by"], phones["Status"]) == (
        "–",
        "–",
        "expired",
    )
    assert "(in 585 days)" in html  # 2026-11-23 → 2028-06-30


def test_html_timeline_is_well_formed_svg(reports: Reports) -> None:
    html = reports.ok("suppliers", fmt="html")
    (timeline,) = reports.svgs(html)
    bars = [rect.findtext(f"{SVG}title") for rect in timeline.iter(f"{SVG}rect")]
    assert bars == [
        "SUP-DC: 2024-01-01 – 2028-12-31",
        "SUP-FIBRE: 2025-02-01 – 2027-01-31",
        "SUP-PHONES: 2022-07-01 – 2026-06-30",
    ]
    ticks = [line.findtext(f"{SVG}title") for line in timeline.iter(f"{SVG}line")]
    assert "notice by 2028-06-30" in ticks
    assert "notice by 2026-10-31" in ticks


def test_html_underpinning_targets_against_sla_targets(reports: Reports) -> None:
    tables = reports.tables(reports.ok("suppliers", fmt="html"))
    rows = [
        (r["Contract target"], r["Service"], r["SLA"], r["SLA target"], r["Verdict"])
        for r in tables["underpinning-SUP-DC"].records()
    ]
    assert rows == [
        ("power-availability availability", "SVC-MAIL", "SLA-MAIL", "availability",
         "at least as strict"),
        ("power-availability availability", "SVC-WEB", "SLA-WEB", "availability",
         "at least as strict"),
        ("remote-hands response-time", "SVC-MAIL", "SLA-MAIL", "–",
         "no SLA target of this metric"),
        # 1 h is longer than the 30 min of the SLA's P1 response.
        ("remote-hands response-time", "SVC-WEB", "SLA-WEB", "p1-response (P1)",
         "less strict"),
    ]  # fmt: skip
    fibre = tables["underpinning-SUP-FIBRE"].row("link-availability availability")
    assert fibre["Objective"] == "≥ 99.5 percent calendar-month"
    assert fibre["SLA objective"] == "≥ 99.9 percent calendar-month"
    assert fibre["Verdict"] == "less strict"
    assert "underpinning-SUP-PHONES" not in tables  # no contract targets


def test_retired_sla_is_not_compared(reports: Reports) -> None:
    assert "SLA-WEB-2025" not in reports.ok("suppliers")


def test_html_reviews_latest_first_disputes_and_findings(reports: Reports) -> None:
    html = reports.ok("suppliers", fmt="html")
    tables = reports.tables(html)
    reviews = tables["reviews-SUP-FIBRE"].records()
    assert [(r["Date"], r["Outcome"]) for r in reviews] == [
        ("2026-03-01", "fails"),
        ("2025-03-03", "meets"),
    ]
    assert tables["reviews-SUP-DC"].column("Date") == ["2026-10-05", "2025-10-10"]
    assert tables["disputes-SUP-FIBRE"].records() == [
        {"Opened": "2026-04-15", "Summary": "Service credits for the Q1 outages not yet paid"}
    ]
    assert "disputes-SUP-DC" not in tables
    assert "No open disputes (1 closed)." in html
    findings = tables["findings-SUP-FIBRE"]
    assert findings.column("Rule") == ["SUP002", "SUP004", "SUP005"]
    assert findings.row("SUP002")["Severity"] == "warning (waived by WVR-FIBRE-RENEWAL)"
    assert findings.row("SUP004")["Location"] == "records/suppliers/sup-fibre.yaml:29:26"
    assert tables["findings-SUP-PHONES"].column("Rule") == ["SUP001"]


@pytest.mark.parametrize(
    ("today", "fibre", "phones"),
    [
        ("2026-10-30", "in force", "expired"),
        ("2026-10-31", "ends within notice", "expired"),  # the last day to give notice
        ("2026-06-30", "in force", "in force"),
        ("2027-02-01", "expired", "expired"),
        ("2022-06-30", "not yet in force", "not yet in force"),
    ],
)
def test_contract_status_depends_on_today(
    reports: Reports, today: str, fibre: str, phones: str
) -> None:
    contracts = reports.tables(reports.ok("suppliers", fmt="html", today=today))["contracts"]
    assert contracts.row("SUP-FIBRE")["Status"] == fibre
    assert contracts.row("SUP-PHONES")["Status"] == phones


def _target(metric: str, objective: float, unit: str, comparator: str | None = None) -> Target:
    return Target.model_validate(
        {
            "id": "t",
            "metric": metric,
            "objective": objective,
            "unit": unit,
            "window": "calendar-month",
            "comparator": comparator,
        }
    )


@pytest.mark.parametrize(
    ("underpinning", "sla", "verdict"),
    [
        (_target("availability", 99.9, "percent"), _target("availability", 99.9, "percent"),
         "at least as strict"),
        (_target("response-time", 20, "min"), _target("response-time", 0.5, "h"),
         "at least as strict"),
        (_target("response-time", 2000, "s"), _target("response-time", 30, "min"),
         "less strict"),
        (_target("throughput", 500, "count"), _target("throughput", 400, "count"),
         "at least as strict"),
        (_target("other", 5, "count"), _target("other", 5, "percent"), "not comparable"),
        (_target("other", 5, "count", ">="), _target("other", 5, "count", "<="),
         "not comparable"),
    ],
)  # fmt: skip
def test_strictness_of_an_underpinning_target(
    underpinning: Target, sla: Target, verdict: str
) -> None:
    assert compare(underpinning, sla) == verdict


def test_repository_without_suppliers(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "records" / "services").mkdir(parents=True)
    shutil.copy(reports.fixture / "records/services/svc-mail.yaml", tmp_path / "records/services")
    monkeypatch.chdir(tmp_path)
    assert "0 suppliers on 2026-11-23" in reports.ok("suppliers")
    html = reports.ok("suppliers", fmt="html")
    (timeline,) = reports.svgs(html)
    assert "no contracts" in ET.tostring(timeline, encoding="unicode")
    assert reports.tables(html)["contracts"].body == []


def test_markdown_table_cells_keep_pipes_line_breaks_and_angle_brackets_as_text(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review note with `|`, a line break and `<details>` stays one cell of one row, and
    GitHub shows the text instead of rendering HTML."""
    shutil.copytree(reports.fixture, tmp_path / "sms")
    fibre = tmp_path / "sms/records/suppliers/sup-fibre.yaml"
    note = "notes: Three unplanned outages in Q1; service credits claimed."
    text = fibre.read_text(encoding="utf-8")
    assert note in text
    fibre.write_text(text.replace(
        note, 'notes: "Outages | credits <details>claimed</details>\\r\\nsee <fill in>"'
    ), encoding="utf-8")
    monkeypatch.chdir(tmp_path / "sms")
    markdown = reports.ok("suppliers")
    row = next(line for line in markdown.splitlines() if line.startswith("| 2026-03-01 |"))
    assert row == (
        "| 2026-03-01 | **fails** | Outages \\| credits &lt;details>claimed&lt;/details> "
        "see &lt;fill in> |"
    )
