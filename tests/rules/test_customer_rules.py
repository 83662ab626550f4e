"""CUS001–CUS004 on the fixture in `tests/rules/customers/` (see its README), run through
`itsm check --select CUS`, and references from and to Customer records (E004)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, LineOf, RunCheck

FIXTURE = Path(__file__).parent / "customers"
Findings = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture
def findings(run_check: RunCheck, by_rule_and_record: ByRuleAndRecord) -> Findings:
    code, found = run_check(FIXTURE, "--select", "E,CUS")
    assert code == 0  # warnings only
    return by_rule_and_record(found)


def test_exactly_the_expected_findings(findings: Findings) -> None:
    assert sorted(findings) == [
        ("CUS001", "CUS-DELTA"),
        ("CUS001", "CUS-GAMMA"),
        ("CUS002", "CUS-BETA"),
        ("CUS002", "CUS-GAMMA"),
        ("CUS003", "CUS-BETA"),
        ("CUS003", "CUS-OLD"),
        ("CUS004", "SLA-BETA"),
    ]


def test_cus001_ignores_a_review_dated_after_today(findings: Findings, line_of: LineOf) -> None:
    f = findings["CUS001", "CUS-DELTA"]
    assert f["severity"] == "warning"
    assert f["clauses"] == ["8.3.2"]
    assert f["file"] == "records/customers/cus-delta.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "{date: 2025-10-01")
    assert f["message"] == (
        "customer CUS-DELTA: latest service review 2025-10-01 + P12M = 2026-10-01: "
        "the next service review is overdue"
    )
    assert findings["CUS001", "CUS-GAMMA"]["message"] == "customer CUS-GAMMA has no service review"


def test_cus002_overdue_and_only_ahead_of_today(findings: Findings) -> None:
    assert findings["CUS002", "CUS-BETA"]["message"] == (
        "customer CUS-BETA: latest satisfaction measurement 2025-11-20 + P12M = 2026-11-20: "
        "the next satisfaction measurement is overdue"
    )
    assert findings["CUS002", "CUS-GAMMA"]["message"] == (
        "customer CUS-GAMMA has no satisfaction measurement (only entries dated after today)"
    )


def test_cus003_gives_the_age_and_the_deadline(findings: Findings, line_of: LineOf) -> None:
    f = findings["CUS003", "CUS-BETA"]
    assert f["line"] == line_of(FIXTURE, "records/customers/cus-beta.yaml", "state: open")
    assert f["message"] == (
        "complaint C-0420 of CUS-BETA received 2026-10-20 has been open 34 days (escalated), "
        "longer than P30D (to be closed by 2026-11-19): Two unplanned outages in one week"
    )
    # Open 29 days (CUS-ACME) and exactly 30 days (CUS-GAMMA): not yet.
    assert ("CUS003", "CUS-ACME") not in findings
    assert ("CUS003", "CUS-GAMMA") not in findings


def test_cus004_only_approved_slas_in_force(findings: Findings, line_of: LineOf) -> None:
    f = findings["CUS004", "SLA-BETA"]
    assert f["line"] == line_of(FIXTURE, "records/agreements/slas.yaml", "customer: Beta")
    assert f["message"] == (
        "approved SLA SLA-BETA in force names its customer 'Beta Logistics' but no Customer "
        "record in customerRef"
    )


def test_configured_intervals(run_check: RunCheck) -> None:
    _, found = run_check(FIXTURE, "--select", "CUS", "--config", "itsm-strict.toml")
    keys = sorted((f["rule"], f["record"]) for f in found)
    assert ("CUS001", "CUS-BETA") in keys  # 2025-11-23 + P6M
    assert ("CUS002", "CUS-ACME") in keys  # 2026-03-01 + P6M
    assert ("CUS003", "CUS-ACME") in keys  # 29 days > P14D
    assert ("CUS003", "CUS-GAMMA") in keys
    acme = next(f for f in found if f["rule"] == "CUS003" and f["record"] == "CUS-ACME")
    assert "has been open 29 days, longer than P14D (to be closed by 2026-11-08)" in acme["message"]


def test_no_cus004_without_customer_records(tmp_path: Path, run_check: RunCheck) -> None:
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    for name in ("services/services.yaml", "agreements/slas.yaml"):
        target = tmp_path / "records" / name
        target.parent.mkdir(exist_ok=True)
        target.write_text((FIXTURE / "records" / name).read_text())
    sla = tmp_path / "records/agreements/slas.yaml"
    sla.write_text(sla.read_text().replace("  customerRef: CUS-ACME\n", ""))
    _, found = run_check(tmp_path, "--select", "CUS")
    assert found == []


def test_references_name_customer_and_service_records(
    tmp_path: Path, run_check: RunCheck
) -> None:
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    records = tmp_path / "records"
    records.mkdir()
    (records / "services.yaml").write_text(
        (FIXTURE / "records/services/services.yaml").read_text()
    )
    (records / "cus.yaml").write_text(
        (FIXTURE / "records/customers/cus-acme.yaml").read_text().replace(
            "services: [SVC-HOSTING, SVC-BACKUP]", "services: [SVC-HOSTING, SVC-NOPE]"
        )
    )
    (records / "sla.yaml").write_text(
        (FIXTURE / "records/agreements/slas.yaml").read_text().split("---")[0].replace(
            "customerRef: CUS-ACME", "customerRef: SVC-HOSTING"
        )
    )
    code, found = run_check(tmp_path, "--select", "E")
    assert code == 1
    e004 = sorted((f["record"], f["line"]) for f in found if f["rule"] == "E004")
    assert [record for record, _ in e004] == ["CUS-ACME", "SLA-ACME"]
    messages = " | ".join(f["message"] for f in found)
    assert "SVC-NOPE" in messages and "SVC-HOSTING" in messages


CUSTOMER = """\
apiVersion: itsm/v1
kind: Customer
metadata: {id: CUS-X, title: X, owner: o}
spec:
  relationshipManager: Dana Whitfield
  services: [SVC-HOSTING]
  satisfaction:
    - {date: 2026-01-01, method: survey, asked: 2, responses: 2, score: 4, scaleMax: 5}
  complaints:
    - {id: A, date: 2026-01-01, summary: s, state: closed, closed: 2026-01-02, escalated: true}
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("escalated: true", "escalated: yes"),
            "spec.complaints[0].escalated: must be true or false, not 'yes'",
        ),
        (("responses: 2", "responses: 3"), "responses 3 is more than the 2 asked"),
        (("score: 4", "score: 6"), "score 6 is above the scale's maximum 5"),
        (("closed: 2026-01-02", "closed: 2025-12-31"),
         "closed 2025-12-31 is before the complaint's date 2026-01-01"),
        (("method: survey", "method: poll"), "spec.satisfaction[0].method"),
    ],
)
def test_customer_schema_problems_are_e002(
    tmp_path: Path, run_check: RunCheck, change: tuple[str, str], message: str
) -> None:
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    (tmp_path / "records/services.yaml").write_text(
        (FIXTURE / "records/services/services.yaml").read_text()
    )
    (tmp_path / "records/cus.yaml").write_text(CUSTOMER.replace(*change))
    code, found = run_check(tmp_path, "--select", "E")
    assert code == 1
    (f,) = found
    assert f["rule"] == "E002" and message in f["message"], f["message"]
    assert f["line"] == (8 if "satisfaction" in message or "score" in message
                         or "responses" in message else 10)
