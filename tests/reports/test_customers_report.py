"""`itsm report customers`: per Customer the services and SLAs, the last service review and
the next due, the satisfaction trend with response rates, complaints with their age and
the CUS findings — on tests/reports/customers_budgets (see its README)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

FIXTURE = Path(__file__).parent / "customers_budgets"


@pytest.fixture
def here(reports: Reports, monkeypatch: pytest.MonkeyPatch) -> Reports:
    monkeypatch.chdir(FIXTURE)
    return reports


def facts(reports: Reports, html: str, record: str) -> dict[str, str]:
    return {row[0]: row[1] for row in reports.tables(html)[f"facts-{record}"].rows}


def test_markdown_matches_golden_file(here: Reports) -> None:
    here.golden("customers.md", here.ok("customers"))


def test_html_lists_customers_but_not_the_retired_one(here: Reports) -> None:
    html = here.ok("customers", fmt="html")
    here.assert_self_contained(html)
    assert "<h2>CUS-ACME: ACME Retail</h2>" in html
    assert "CUS-OLD" not in html.split('id="summary"')[1].split("</section>", 1)[1]
    assert "1 retired, not shown" in html
    acme = facts(here, html, "CUS-ACME")
    assert acme["Services"] == "SVC-HOSTING Managed hosting SVC-BACKUP Managed backup"
    assert acme["SLAs"] == (
        "SLA-ACME 2026-01-01 to 2027-12-31 (approved) "
        "SLA-ACME-BACKUP 2026-01-01 to 2027-12-31 (approved)"
    )
    assert acme["Next service review due"] == "2027-06-10"


@pytest.mark.slow
def test_html_review_due_and_overdue(here: Reports) -> None:
    html = here.ok("customers", fmt="html")
    assert facts(here, html, "CUS-DELTA")["Next service review due"] == "2026-10-01 (overdue)"
    # CUS-DELTA's review dated 2026-12-15 is ahead of today: not the latest
    assert facts(here, html, "CUS-DELTA")["Last service review"] == "2025-10-01 Annual review"
    assert facts(here, html, "CUS-GAMMA")["Next service review due"] == "never reviewed"
    # 2025-11-23 + P12M = today: due, not overdue
    assert facts(here, html, "CUS-BETA")["Next service review due"] == "2026-11-23"


@pytest.mark.slow
def test_satisfaction_trend_and_response_rates(here: Reports) -> None:
    html = here.ok("customers", fmt="html")
    surveys = here.tables(html)["surveys-CUS-ACME"].records()
    assert [(r["Date"], r["Score (% of scale)"], r["Response rate"]) for r in surveys] == [
        ("2025-03-01", "76.0 %", "50.0 %"),
        ("2025-09-01", "72.0 %", "75.0 %"),
        ("2026-03-01", "82.0 %", "55.0 %"),
    ]
    labels = [here.svg_label(svg) for svg in here.svgs(html)]
    assert "CUS-ACME: satisfaction score per measurement, in percent of the scale" in labels
    assert "CUS-ACME: response rate per measurement, in percent of those asked" in labels
    md = here.ok("customers")
    assert "Score trend (percent of the scale, oldest first): `" in md


@pytest.mark.slow
def test_bar_charts_start_at_zero(here: Reports) -> None:
    html = here.ok("customers", fmt="html")
    (chart,) = [
        svg for svg in here.svgs(html)
        if here.svg_label(svg).startswith("CUS-ACME: response rate")
    ]
    texts = [t.text for t in chart.iter("{http://www.w3.org/2000/svg}text")]
    assert "0" in texts  # the axis starts at zero, not just below the lowest bar


@pytest.mark.slow
def test_complaints_open_and_closed_with_their_age(here: Reports) -> None:
    html = here.ok("customers", fmt="html")
    rows = here.tables(html)["complaints-CUS-ACME"].records()
    assert [(r["Complaint"], r["State"], r["Age (days)"]) for r in rows] == [
        ("C-0412", "open", "29"),
        ("C-0388", "closed", "18"),
    ]
    beta = here.tables(html)["complaints-CUS-BETA"].row("C-0420")
    assert (beta["Age (days)"], beta["Escalated"]) == ("34", "yes")


@pytest.mark.slow
def test_findings_and_unlinked_slas(here: Reports) -> None:
    html = here.ok("customers", fmt="html")
    findings = here.tables(html)["findings-CUS-BETA"].records()
    assert sorted(r["Rule"] for r in findings) == ["CUS002", "CUS003"]
    assert "Approved SLAs in force that name no Customer record (CUS004)" in html
    assert "<code>SLA-BETA</code>" in html


@pytest.mark.slow
def test_empty_repository(here: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "records").mkdir()
    monkeypatch.chdir(tmp_path)
    assert "No Customer records." in here.ok("customers")
    assert here.ok("customers", fmt="html").startswith("<!DOCTYPE html>")
