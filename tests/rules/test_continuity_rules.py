"""CON001–CON005 on the fixture in `tests/rules/continuity/` (see its README), run through
`itsm check --select CON`, and on the example records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from itsm_cli.records.models import Target
from itsm_cli.records.queries import allowed_downtime

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, LineOf, RecordsAt, RunCheck, RunCheckText

FIXTURE = Path(__file__).parent / "continuity"
EXAMPLES = Path(__file__).parents[2]
Findings = dict[tuple[str, str], dict[str, Any]]


def plan(name: str) -> str:
    return f"records/continuity/{name}.yaml"


@pytest.fixture
def findings(run_check: RunCheck, by_rule_and_record: ByRuleAndRecord) -> Findings:
    code, found = run_check(FIXTURE, "--select", "E,CON")
    assert code == 1  # CON001 and CON002 are errors
    return by_rule_and_record(found)


def test_exactly_the_expected_findings(findings: Findings, records_at: RecordsAt) -> None:
    """The records validate (no E findings), and the near-misses stay silent: CON-HOSTING
    and CON-DUE-TODAY have none, nor has the retired CON-ARCHIVE-2023."""
    at = records_at(FIXTURE)  # at("continuity/con-data", "rto: PT4H"): file and line
    located = sorted((rule, record, f["file"], f["line"]) for (rule, record), f in findings.items())
    assert located == [
        ("CON001", "SVC-ARCHIVE", *at("services/services", "criticality:", "id: SVC-ARCHIVE")),
        ("CON001", "SVC-NETWORK", *at("services/services", "criticality:", "id: SVC-NETWORK")),
        ("CON002", "CON-DESK", *at("continuity/con-desk", "testInterval: P12M")),
        ("CON002", "CON-OVERDUE", *at("continuity/con-overdue", "date: 2025-08-14")),
        ("CON003", "CON-DATA", *at("continuity/con-data", "result: fail")),
        ("CON004", "CON-DATA", *at("continuity/con-data", "achievedRto: PT6H")),
        ("CON005", "CON-DATA", *at("continuity/con-data", "rto: PT4H")),
        ("CON005", "CON-DESK", *at("continuity/con-desk", "rto: PT1H")),
        ("CON005", "CON-OVERDUE", *at("continuity/con-overdue", "rto: PT2H")),
    ]


def test_con001_critical_service_without_plan(findings: Findings) -> None:
    f = findings["CON001", "SVC-NETWORK"]
    assert f["severity"] == "error"
    assert f["clauses"] == ["8.7.2"]
    assert f["message"] == "live critical service SVC-NETWORK is covered by no ContinuityPlan"
    # its only plan is retired
    assert ("CON001", "SVC-ARCHIVE") in findings


def test_con002_never_tested_and_overdue(findings: Findings) -> None:
    assert findings["CON002", "CON-DESK"]["message"] == (
        "CON-DESK has never been tested (no `tests`; testInterval P12M)"
    )
    f = findings["CON002", "CON-OVERDUE"]
    assert f["severity"] == "error"
    assert f["message"] == (
        "latest test 2025-08-14 + testInterval P12M = 2026-08-14: the next test is overdue"
    )


def test_con003_failed_test_without_actions(findings: Findings) -> None:
    f = findings["CON003", "CON-DATA"]
    assert f["severity"] == "warning"
    assert f["message"] == (
        "latest test 2026-06-10 (failover) resulted in fail and records no actions"
    )


def test_con004_compares_durations_by_length(findings: Findings) -> None:
    assert findings["CON004", "CON-DATA"]["message"] == (
        "latest test 2026-06-10 recovered in PT6H (360 min), longer than the rto PT4H (240 min)"
    )
    # CON-DUE-TODAY: achievedRto PT1H30M against rto PT90M, the same length
    assert ("CON004", "CON-DUE-TODAY") not in findings


def test_con005_names_the_tightest_budget(findings: Findings) -> None:
    f = findings["CON005", "CON-DATA"]
    assert f["clauses"] == ["8.7.1", "8.7.2"]
    assert f["message"] == (
        "RTO PT4H (240 min) exceeds the 131.04 min a quarter that SLA-DATA-Q availability "
        "99.9 % allows (also breaches SLA-DATA-DRAFT)"
    )
    assert findings["CON005", "CON-DESK"]["message"] == (
        "RTO PT1H (60 min) exceeds the 43.2 min a month that SLA-HOSTING availability "
        "99.9 % allows"
    )


def test_con005_downtime_written_as_a_budget(findings: Findings) -> None:
    """SLA-PORTAL allows at most 100 min of downtime a month (`<=`, unit min); its target of
    700 h to reach is no downtime budget and is not taken for a percentage (which would
    allow -600 %, a negative budget every plan exceeds)."""
    assert findings["CON005", "CON-OVERDUE"]["message"] == (
        "RTO PT2H (120 min) exceeds the 100 min a month that SLA-PORTAL downtime 100 min allows"
    )
    assert ("CON005", "CON-DUE-TODAY") not in findings  # PT90M within 100 min


def test_con002_is_quiet_until_the_day_after_the_due_date(run_check: RunCheck) -> None:
    """CON-OVERDUE's next test was due 2026-08-14: late from 2026-08-15."""
    for day, late in (("2026-08-14", False), ("2026-08-15", True)):
        _, found = run_check(FIXTURE, "--select", "CON002", today=day)
        records = {f["record"] for f in found}
        assert ("CON-OVERDUE" in records) is late


def test_text_output(run_check_text: RunCheckText, line_of: LineOf) -> None:
    code, output = run_check_text(FIXTURE, "--select", "CON005")
    assert code == 0  # warnings only
    line = line_of(FIXTURE, plan("con-desk"), "rto: PT1H")
    assert f"{plan('con-desk')}:{line}:3: CON005 RTO PT1H (60 min) exceeds" in output


@pytest.mark.parametrize(
    ("objective", "window", "minutes"),
    [
        (99.9, "calendar-month", 43.2),  # 0.1 % of 30 days
        (99.5, "calendar-month", 216.0),
        (99.9, "calendar-quarter", 131.04),  # 0.1 % of 91 days
        (99.9, "calendar-year", 525.6),  # 0.1 % of 365 days
        (99.0, "rolling-30d", 432.0),
        (99.99, "per-incident", None),
    ],
)
def test_allowed_downtime(objective: float, window: str, minutes: float | None) -> None:
    target = Target.model_validate(
        {"id": "a", "metric": "availability", "objective": objective, "unit": "percent",
         "window": window}
    )
    assert allowed_downtime(target) == (None if minutes is None else pytest.approx(minutes))


@pytest.mark.parametrize(
    ("metric", "objective", "unit", "comparator", "minutes"),
    [
        ("response-time", 15, "min", None, None),  # not about availability
        ("availability", 4, "h", "<=", 240.0),  # at most 4 h down a month
        ("availability", 30, "min", "<=", 30.0),
        ("availability", 700, "h", None, None),  # hours to reach: no budget
        ("availability", 5, "percent", "<=", None),  # a percentage not to exceed: no budget
        ("availability", 3, "count", "<=", None),  # outages, not minutes
    ],
)
def test_allowed_downtime_only_for_availability_percentages_and_budgets(
    metric: str, objective: float, unit: str, comparator: str | None, minutes: float | None
) -> None:
    target = Target.model_validate(
        {"id": "t", "metric": metric, "objective": objective, "unit": unit,
         "comparator": comparator, "window": "calendar-month"}
    )
    assert allowed_downtime(target) == minutes


def test_example_records(run_check: RunCheck, line_of: LineOf) -> None:
    """records/README.md: only CON002 on CON-SERVICE-DESK (latest test 2025-08-14 + P12M);
    CON-DATACENTRE-FAILOVER's PT30M fits the 43.2 min of the 99.9 % SLAs, CON-SERVICE-DESK's
    PT2H the 216 min of SLA-FABRIKAM-WORKPLACE."""
    _, found = run_check(EXAMPLES, "--select", "CON")
    file = "records/continuity/con-service-desk.yaml"
    assert [(f["rule"], f["record"], f["file"], f["line"], f["message"]) for f in found] == [
        ("CON002", "CON-SERVICE-DESK", file, line_of(EXAMPLES, file, "date: 2025-08-14"),
         "latest test 2025-08-14 + testInterval P12M = 2026-08-14: the next test is overdue"),
    ]
