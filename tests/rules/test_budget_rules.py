"""BUD001–BUD003 on the fixture in `tests/rules/budgets/` (see its README), run through
`itsm check --select BUD`, and the Budget's own checks (period, currency, amounts)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from itsm_cli.records.kinds.budget import BudgetLine

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RunCheck

FIXTURE = Path(__file__).parent / "budgets"
Found = list[dict[str, Any]]


@pytest.fixture
def found(run_check: RunCheck) -> Found:
    code, findings = run_check(FIXTURE, "--select", "E,BUD")
    assert code == 0  # warnings only
    return findings


def keys(found: Found) -> list[tuple[str, str, int]]:
    return sorted((f["rule"], f["record"], f["line"]) for f in found)


def test_exactly_the_expected_findings(found: Found, line_of: LineOf) -> None:
    hosting = "records/budgets/bud-hosting-2026.yaml"
    q3 = "records/budgets/bud-mail-2026-q3.yaml"
    assert keys(found) == sorted([
        ("BUD001", "SVC-MAIL", line_of(FIXTURE, "records/services/services.yaml", "lifecycle",
                                       "id: SVC-MAIL")),
        ("BUD002", "BUD-HOSTING-2026", line_of(FIXTURE, hosting, "category: people")),
        ("BUD002", "BUD-MAIL-2026-11", line_of(
            FIXTURE, "records/budgets/bud-mail-2026-11.yaml", "category: other")),
        ("BUD002", "BUD-MAIL-2026-Q3", line_of(FIXTURE, q3, "category: people")),
        ("BUD003", "BUD-MAIL-2026-Q3", line_of(FIXTURE, q3, "category: licences")),
    ])


def message(found: Found, rule: str, record: str) -> str:
    (text,) = [f["message"] for f in found if f["rule"] == rule and f["record"] == record]
    return str(text)


def test_bud001_names_the_service_and_the_day(found: Found) -> None:
    f = next(f for f in found if f["rule"] == "BUD001")
    assert f["severity"] == "warning" and f["clauses"] == ["8.4.1"]
    assert f["message"] == (
        "live service SVC-MAIL is in no approved Budget for a period that contains 2026-11-23"
    )


def test_bud002_gives_the_arithmetic(found: Found) -> None:
    assert message(found, "BUD002", "BUD-HOSTING-2026") == (
        "BUD-HOSTING-2026 line 1 (people): planned 120,000.00 EUR, actual 134,400.00 EUR: "
        "+12.0 % over the 10 % allowed, and no note"
    )
    assert message(found, "BUD002", "BUD-MAIL-2026-Q3") == (
        "BUD-MAIL-2026-Q3 line 2 (people): planned 10,000.00 GBP, actual 8,500.00 GBP: "
        "-15.0 % under the 10 % allowed, and no note"
    )
    assert message(found, "BUD002", "BUD-MAIL-2026-11") == (
        "BUD-MAIL-2026-11 line 1 (other): planned 0.00 GBP, actual 350.00 GBP: "
        "spent with nothing planned, and no note"
    )


def test_bud002_threshold_from_configuration(run_check: RunCheck) -> None:
    _, findings = run_check(FIXTURE, "--select", "BUD002", "--config", "itsm-five-percent.toml")
    hosting = sorted(f["message"] for f in findings if f["record"] == "BUD-HOSTING-2026")
    assert hosting == [
        "BUD-HOSTING-2026 line 1 (people): planned 120,000.00 EUR, actual 134,400.00 EUR: "
        "+12.0 % over the 5 % allowed, and no note",
        "BUD-HOSTING-2026 line 2 (infrastructure): planned 50,000.00 EUR, actual 54,950.00 "
        "EUR: +9.9 % over the 5 % allowed, and no note",
        "BUD-HOSTING-2026 line 3 (facilities): planned 8,000.00 EUR, actual 7,200.00 EUR: "
        "-10.0 % under the 5 % allowed, and no note",
    ]


def test_bud003_period_ended_without_actual(found: Found) -> None:
    assert message(found, "BUD003", "BUD-MAIL-2026-Q3") == (
        "BUD-MAIL-2026-Q3: period 2026-Q3 ended 2026-09-30, but lines 1 (licences, planned "
        "4,200.00 GBP), 3 (facilities, planned 1,200.00 GBP) have no actual"
    )


def test_bud003_fires_the_day_after_the_period(run_check: RunCheck) -> None:
    _, last_day = run_check(FIXTURE, "--select", "BUD003", today="2026-12-31")
    _, after = run_check(FIXTURE, "--select", "BUD003", today="2027-01-01")
    assert "BUD-BACKUP-2026-Q4" not in {f["record"] for f in last_day}
    assert "BUD-BACKUP-2026-Q4" in {f["record"] for f in after}


def _repo(tmp_path: Path, budget: str) -> Path:
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    records = tmp_path / "records"
    records.mkdir()
    (records / "services.yaml").write_text(
        (FIXTURE / "records/services/services.yaml").read_text()
    )
    if budget:
        (records / "budget.yaml").write_text(budget)
    return tmp_path


WHOLE_SMS = """\
apiVersion: itsm/v1
kind: Budget
metadata:
  id: BUD-SMS-2026
  title: SMS budget 2026
  owner: finance-manager
  status: approved
  approved: {by: CFO, date: 2026-01-05}
spec:
  period: "2026"
  currency: EUR
  lines:
    - {category: people, planned: 0.1, actual: 0.11}
"""


def test_bud001_a_budget_without_services_covers_every_service(
    tmp_path: Path, run_check: RunCheck
) -> None:
    _, findings = run_check(_repo(tmp_path, WHOLE_SMS), "--select", "E,BUD")
    # 0.1 → 0.11 is exactly +10 % in decimal arithmetic (a float would say 9.999…)
    assert findings == []


def test_bud001_silent_without_budget_records(tmp_path: Path, run_check: RunCheck) -> None:
    _, findings = run_check(_repo(tmp_path, ""), "--select", "BUD")
    assert findings == []


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (("currency: EUR", "currency: EUX"), "spec.currency", "'EUX' is not an ISO 4217"),
        (("currency: EUR", "currency: eur"), "spec.currency", ""),
        (('period: "2026"', "period: 2026-13"), "spec.period", ""),
        (("planned: 0.1,", "planned: -5,"), "spec.lines[0].planned", ""),
        (("planned: 0.1,", "planned: true,"), "spec.lines[0].planned", ""),
        (("planned: 0.1,", "planned: .nan,"), "spec.lines[0].planned", ""),
    ],
)
def test_budget_schema_problems_are_e002(
    tmp_path: Path, run_check: RunCheck, change: tuple[str, str], where: str, words: str
) -> None:
    code, findings = run_check(_repo(tmp_path, WHOLE_SMS.replace(*change)), "--select", "E")
    assert code == 1
    (f,) = findings
    assert f["rule"] == "E002" and f["record"] == "BUD-SMS-2026"
    assert words in f["message"]
    assert f["line"] == 1 + WHOLE_SMS.replace(*change).splitlines().index(
        next(line for line in WHOLE_SMS.replace(*change).splitlines() if change[1] in line)
    ), where


def test_amounts_are_decimals_from_the_numbers_as_written() -> None:
    line = BudgetLine.model_validate({"category": "people", "planned": 0.1, "actual": 0.3})
    assert line.planned == Decimal("0.1") and line.actual == Decimal("0.3")


def test_a_year_written_as_a_number_is_a_period(tmp_path: Path, run_check: RunCheck) -> None:
    repo = _repo(tmp_path, WHOLE_SMS.replace('period: "2026"', "period: 2026"))
    _, findings = run_check(repo, "--select", "E,BUD")
    assert findings == []
    # in 2027 the budget of 2026 covers nothing: every live service is unbudgeted
    _, findings = run_check(repo, "--select", "E,BUD", today="2027-01-05")
    assert sorted((f["rule"], f["record"]) for f in findings) == [
        ("BUD001", "SVC-BACKUP"), ("BUD001", "SVC-HOSTING"), ("BUD001", "SVC-MAIL"),
    ]


@pytest.mark.parametrize(
    ("percent", "shown"),
    [("12", "+12.0 %"), ("-10", "-10.0 %"), ("10.04", "+10.04 %"), ("10.001", "+10.001 %"),
     ("-10.0004", "-10.0004 %")],
)
def test_a_variance_over_the_threshold_never_reads_as_the_threshold(
    percent: str, shown: str
) -> None:
    from itsm_cli.records.queries import percent_text

    assert percent_text(Decimal(percent), Decimal(10)) == shown
