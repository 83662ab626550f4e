"""OPS001–OPS005 on the fixture in `tests/rules/operations/` (see its README): one finding
per exception at its `ref`, retired reports ignored, the last complete month or quarter of
each process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import cli

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RunCheck

FIXTURE = Path(__file__).parent / "operations"
CHANGES = "records/operations/changes.yaml"
RELEASES = "records/operations/releases.yaml"


@pytest.fixture
def findings(run_check: RunCheck) -> list[Any]:
    code, found = run_check(FIXTURE, "--select", "E,OPS")
    assert code == 1  # OPS001 is an error
    return found


def rows(findings: list[Any], code: str) -> list[tuple[str, str, int, str]]:
    return [(f["record"], f["file"], f["line"], f["message"])
            for f in findings if f["rule"] == code]


def test_ops001_one_error_per_unapproved_change(findings: list[Any], line_of: LineOf) -> None:
    """The retired 2026-09 report's CHG0030001 is not reported."""
    assert rows(findings, "OPS001") == [
        ("OPS-CHANGE-2026-10", CHANGES, line_of(FIXTURE, CHANGES, "ref: CHG0030011"),
         "change CHG0030011 in 2026-10: implemented before it was approved "
         "(implemented-before-approval): approved the day after the start"),
        ("OPS-RELEASE-2026-Q4", RELEASES, line_of(FIXTURE, RELEASES, "ref: RLS0000012"),
         "release RLS0000012 in 2026-Q4: released without approval (release-without-approval)"),
    ]
    assert {f["severity"] for f in findings if f["rule"] == "OPS001"} == {"error"}
    assert {tuple(f["clauses"]) for f in findings if f["rule"] == "OPS001"} == {
        ("8.5.1.3", "8.5.3")
    }


def test_ops002_unreviewed_emergency_and_failed_changes(
    findings: list[Any], line_of: LineOf
) -> None:
    assert rows(findings, "OPS002") == [
        ("OPS-CHANGE-2026-10", CHANGES, line_of(FIXTURE, CHANGES, "ref: CHG0030042"),
         "change CHG0030042 in 2026-10: emergency change never reviewed "
         "(emergency-without-review)"),
        ("OPS-CHANGE-2026-10", CHANGES, line_of(FIXTURE, CHANGES, "ref: CHG0030043"),
         "change CHG0030043 in 2026-10: failed, never reviewed (failed-without-review)"),
    ]


def test_ops003_and_ops004(findings: list[Any], line_of: LineOf) -> None:
    """A draft report counts; the retired security-incident report does not."""
    incidents = "records/operations/incidents.yaml"
    problems = "records/operations/problems.yaml"
    assert rows(findings, "OPS003") == [
        ("OPS-INCIDENT-2026-10", incidents, line_of(FIXTURE, incidents, "ref: INC0010023"),
         "incident INC0010023 in 2026-10: major incident never reviewed "
         "(major-without-review)"),
    ]
    assert rows(findings, "OPS004") == [
        ("OPS-PROBLEM-2026-Q2", problems, line_of(FIXTURE, problems, "ref: PRB0040007"),
         "problem PRB0040007 in 2026-Q2: open with no root cause recorded (no-root-cause): "
         "open since 2026-04-02"),
    ]
    assert [f["clauses"] for f in findings if f["rule"] in ("OPS003", "OPS004")] == [
        ["8.6.1"], ["8.6.3"]
    ]


def test_ops005_last_complete_period_per_process(findings: list[Any], line_of: LineOf) -> None:
    """Problems are quarterly (2026-Q3 missing), requests monthly (2026-10 missing: the
    running 2026-11 fills nothing); releases are quarterly by their latest report and 2026-Q3
    is filled by three months; incidents and changes have 2026-10."""
    problems = "records/operations/problems.yaml"
    requests = "records/operations/requests.yaml"
    assert rows(findings, "OPS005") == [
        ("OPS-PROBLEM-2026-Q2", problems, line_of(FIXTURE, problems, 'period: "2026-Q2"'),
         "no ProcessReport (problem) for 2026-Q3, the last complete quarter (latest complete: "
         "2026-Q2)"),
        ("OPS-REQUEST-2026-11", requests, line_of(FIXTURE, requests, 'period: "2026-11"'),
         "no ProcessReport (request) for 2026-10, the last complete month (latest complete: "
         "2026-09)"),
    ]


def test_ops005_moves_with_today(run_check: RunCheck) -> None:
    """On 2026-10-31 the last complete month is 2026-09: requests have it; changes (their
    2026-09 report is retired) and incidents (only the running 2026-10) do not. On 2027-01-01
    the releases' 2026-Q4 has ended and fills the last complete quarter."""
    _, found = run_check(FIXTURE, "--select", "OPS005", today="2026-10-31")
    assert [(f["record"], f["message"].split(",")[0]) for f in found] == [
        ("OPS-CHANGE-2026-10", "no ProcessReport (change) for 2026-09"),
        ("OPS-INCIDENT-2026-10", "no ProcessReport (incident) for 2026-09"),
        ("OPS-PROBLEM-2026-Q2", "no ProcessReport (problem) for 2026-Q3"),
    ]
    _, found = run_check(FIXTURE, "--select", "OPS005", today="2027-01-01")
    by_record = {f["record"]: f["message"].split(",")[0] for f in found}
    assert "OPS-RELEASE-2026-Q4" not in by_record
    assert by_record["OPS-PROBLEM-2026-Q2"] == "no ProcessReport (problem) for 2026-Q4"


def test_fingerprints_follow_the_ticket(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each exception has its own fingerprint, and the ref (not only its place) makes it."""
    monkeypatch.chdir(FIXTURE)
    result = cli.run("check", "--today", "2026-11-23", "--select", "OPS001,OPS002", "-f", "gitlab")
    prints = [f["fingerprint"] for f in json.loads(result.stdout)]
    assert len(prints) == 4
    assert len(set(prints)) == 4


def test_nothing_else_fires(findings: list[Any]) -> None:
    assert len(findings) == 2 + 2 + 1 + 1 + 2
