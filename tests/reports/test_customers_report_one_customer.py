"""`itsm report customers --customer ID`: a report to hand to one customer shows that customer
alone (and no SLA that names no customer); an id that names no Customer is a usage error
with a suggestion. On the bundled example records (four customers)."""

from __future__ import annotations

from tests.helpers import cli
from tests.helpers.paths import ROOT

TODAY = "2026-11-23"


def _customers(*args: str) -> cli.Result:
    return cli.run("report", "customers", "-f", "md", "--today", TODAY, *args, cwd=ROOT)


def test_one_customer_alone() -> None:
    everyone, one = _customers(), _customers("--customer", "CUS-ACME-RETAIL")
    assert everyone.exit_code == one.exit_code == 0, one.output
    headings = [line for line in one.stdout.splitlines() if line.startswith("## ")]
    assert len(headings) == 1 and "CUS-ACME-RETAIL" in headings[0]
    assert "CUS-CONTOSO-HEALTH" not in one.stdout
    assert len([line for line in everyone.stdout.splitlines() if line.startswith("## ")]) > 1


def test_an_unknown_customer_is_a_usage_error_with_a_suggestion() -> None:
    result = _customers("--customer", "CUS-ACME-RETAL")
    assert result.exit_code == 2
    assert "did you mean 'CUS-ACME-RETAIL'?" in result.output
