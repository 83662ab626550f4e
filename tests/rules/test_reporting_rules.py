"""REP001–REP002, one period at a time, on the fixture in `tests/rules/reporting/` (see its
README), run through `itsm check --select REP`, and the reporting findings on the example
records (the period helpers are tested in `tests/test_period.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RunCheck, RunCheckText

FIXTURE = Path(__file__).parent / "reporting"
EXAMPLES = Path(__file__).parents[2]
AGREEMENTS = "records/agreements/rep001.yaml"
BREACH = "records/measurements/sla-breach.yaml"


@pytest.fixture
def findings(run_check: RunCheck) -> list[Any]:
    code, found = run_check(FIXTURE, "--select", "E,REP")
    assert code == 0  # warnings only, and the records validate
    return found


def test_exactly_the_expected_findings(findings: list[Any], line_of: LineOf) -> None:
    """No REP001 for the agreements that are measured (monthly, or quarterly by quarter or
    by its three months), new since mid-month, draft or expired; no REP002 where only an
    older period misses or the latest is exactly on target."""
    assert [(f["rule"], f["record"], f["file"], f["line"]) for f in findings] == [
        ("REP001", "SLA-MISSING", AGREEMENTS,
         line_of(FIXTURE, AGREEMENTS, "frequency: monthly", "id: SLA-MISSING")),
        ("REP001", "SLA-UNREPORTED", AGREEMENTS,
         line_of(FIXTURE, AGREEMENTS, "spec:", "id: SLA-UNREPORTED")),
        ("REP001", "SLA-QUARTERLY-GAP", AGREEMENTS,
         line_of(FIXTURE, AGREEMENTS, "reporting: {frequency: quarterly}", "SLA-QUARTERLY-GAP")),
        ("REP002", "MEAS-BREACH-2026-10", BREACH, line_of(FIXTURE, BREACH, "availability: 99.82")),
        ("REP002", "MEAS-BREACH-2026-10", BREACH, line_of(FIXTURE, BREACH, "p1-response: 20")),
    ]


def test_rep001_messages_name_the_period(findings: list[Any]) -> None:
    messages = {f["record"]: f["message"] for f in findings if f["rule"] == "REP001"}
    assert messages == {
        # the retired 2026-10 Measurement does not count
        "SLA-MISSING": "no Measurement for 2026-10, a complete monthly reporting period of "
        "the last 12 months (latest: 2026-09)",
        "SLA-UNREPORTED": "no Measurement for 2026-10, a complete monthly reporting period "
        "of the last 12 months (none yet)",
        "SLA-QUARTERLY-GAP": "no Measurement for 2026-Q3, a complete quarterly reporting "
        "period of the last 12 months (latest: 2026-08)",
    }
    f = next(f for f in findings if f["rule"] == "REP001")
    assert f["severity"] == "warning"
    assert f["clauses"] == ["9.4"]


def test_rep002_messages_give_value_and_target(findings: list[Any]) -> None:
    breaches = [f for f in findings if f["rule"] == "REP002"]
    assert [f["message"] for f in breaches] == [
        "availability 99.82 % in 2026-10, the latest Measurement of SLA-BREACH, misses the "
        "target >= 99.9 %",
        # no comparator written: "<=" is the default for a response time
        "p1-response 20 min in 2026-10, the latest Measurement of SLA-BREACH, misses the "
        "target <= 15 min",
    ]
    assert breaches[0]["clauses"] == ["9.4", "8.3.3"]


def test_rep001_first_whole_period_of_a_new_agreement(run_check: RunCheck) -> None:
    """SLA-NEW started on 2026-10-15: on 2026-12-01 its first whole month, 2026-11, is due."""
    _, rep001 = run_check(FIXTURE, "--select", "REP001", today="2026-12-01")
    found = {f["record"]: f["message"] for f in rep001}
    assert found["SLA-NEW"] == (
        "no Measurement for 2026-11, a complete monthly reporting period of the last 12 "
        "months (none yet)"
    )
    # quarterly agreements still look at 2026-Q3
    assert "SLA-QUARTERLY-MONTHS" not in found


def test_text_output(run_check_text: RunCheckText, line_of: LineOf) -> None:
    code, output = run_check_text(FIXTURE, "--select", "REP002")
    assert code == 0
    line = line_of(FIXTURE, BREACH, "availability: 99.82")
    assert output.startswith(f"{BREACH}:{line}:5: REP002 availability 99.82 % in 2026-10")


def test_example_records(run_check: RunCheck, line_of: LineOf) -> None:
    """records/README.md: REP001 for each month since validFrom that nobody measured (each
    SLA has 2026-08 … 2026-10), REP002 on MEAS-TAILSPIN-NETWORK-2026-10 only (the csat miss
    of MEAS-FABRIKAM-WORKPLACE-2026-08 is not the latest)."""
    _, found = run_check(EXAMPLES, "--select", "REP")
    missing = {
        "SLA-ACME-HOSTING": ["2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"],
        "SLA-CONTOSO-SOC": ["2026-05", "2026-06", "2026-07"],
        "SLA-FABRIKAM-WORKPLACE": ["2026-04", "2026-05", "2026-06", "2026-07"],
        "SLA-TAILSPIN-NETWORK": ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05",
                                 "2026-06", "2026-07"],
    }
    assert {
        sla: [f["message"].split()[3].rstrip(",") for f in found if f["record"] == sla]
        for sla in missing
    } == missing
    file = "records/measurements/sla-tailspin-network.yaml"
    assert [(f["rule"], f["record"], f["file"], f["line"], f["message"]) for f in found
            if f["rule"] != "REP001"] == [
        ("REP002", "MEAS-TAILSPIN-NETWORK-2026-10", file,
         line_of(EXAMPLES, file, "availability:", "id: MEAS-TAILSPIN-NETWORK-2026-10"),
         "availability 99.82 % in 2026-10, the latest Measurement of SLA-TAILSPIN-NETWORK, "
         "misses the target >= 99.9 %"),
    ]
    assert len(found) == 1 + sum(len(periods) for periods in missing.values())

