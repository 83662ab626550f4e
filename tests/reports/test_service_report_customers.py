"""`itsm report service` with Customer records: one section per customer (by `customerRef`,
else by the SLA's `customer` text), and `--customer ID` for one customer's agreements alone
— on tests/reports/customers_budgets (see its README). Without Customer records the report
is as before (tests/reports/test_service_report.py and its golden file)."""

from __future__ import annotations

import re
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


def headings(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if re.match(r"^#{1,2} (Customer|SLA) ", line)]


@pytest.mark.slow
def test_one_section_per_customer(here: Reports) -> None:
    assert headings(here.ok("service")) == [
        "# Customer CUS-ACME: ACME Retail",
        "## SLA SLA-ACME: Hosting for ACME Retail",
        "## SLA SLA-ACME-BACKUP: Backup for ACME Retail",
        "# Customer Beta Logistics (no customerRef)",
        "## SLA SLA-BETA: Hosting for Beta Logistics",
        "# Customer Delta Foods (no customerRef)",
        "## SLA SLA-DELTA: Hosting for Delta Foods",
        "## SLA SLA-DELTA-2025: Hosting for Delta Foods (2025)",
        "# Customer Gamma Insurance (no customerRef)",
        "## SLA SLA-GAMMA: Backup for Gamma Insurance",
    ]
    html = here.ok("service", fmt="html")
    assert '<h2 class="customer" id="customer-CUS-ACME">Customer CUS-ACME: ACME Retail</h2>' in html


def test_customer_option_shows_that_customer_alone(here: Reports) -> None:
    md = here.ok("service", "--customer", "CUS-ACME")
    assert headings(md) == [
        "# Customer CUS-ACME: ACME Retail",
        "## SLA SLA-ACME: Hosting for ACME Retail",
        "## SLA SLA-ACME-BACKUP: Backup for ACME Retail",
    ]
    assert "Beta" not in md and "Delta" not in md and "Gamma" not in md
    assert "Scope: customer CUS-ACME" in md


def test_customer_option_with_agreement(here: Reports) -> None:
    md = here.ok("service", "--customer", "CUS-ACME", "--agreement", "SLA-ACME-BACKUP")
    assert headings(md) == [
        "# Customer CUS-ACME: ACME Retail",
        "## SLA SLA-ACME-BACKUP: Backup for ACME Retail",
    ]
    wrong = here.render("service", "--customer", "CUS-ACME", "--agreement", "SLA-BETA")
    assert wrong.exit_code == 2
    assert wrong.stderr.strip() == (
        "itsm: error: --agreement SLA-BETA is not an SLA of customer CUS-ACME"
    )


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("CUS-ACMX", "--customer: 'CUS-ACMX' names no Customer record (did you mean 'CUS-ACME'?)"),
        ("SLA-ACME", "--customer: 'SLA-ACME' names a record of kind SLA, not a Customer "
         "(did you mean 'CUS-ACME'?)"),
    ],
)
def test_unknown_customer_is_one_line(here: Reports, given: str, message: str) -> None:
    rendered = here.render("service", "--customer", given)
    assert rendered.exit_code == 2
    assert rendered.stderr.strip() == f"itsm: error: {message}"
