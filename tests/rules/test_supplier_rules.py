"""SUP001–SUP005 on the fixture in `tests/rules/suppliers/` (see its README), run through
`itsm check --select SUP`, and on the example records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, LineOf, RunCheck, RunCheckText

FIXTURE = Path(__file__).parent / "suppliers"
EXAMPLES = Path(__file__).parents[2]
Findings = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture
def findings(run_check: RunCheck, by_rule_and_record: ByRuleAndRecord) -> Findings:
    code, found = run_check(FIXTURE, "--select", "E,SUP")
    assert code == 1  # SUP001 is an error
    return by_rule_and_record(found)


def test_exactly_the_expected_findings(findings: Findings) -> None:
    assert sorted(findings) == [
        ("SUP001", "SUP-LAPSED"),
        ("SUP001", "SUP-NEWCARRIER"),
        ("SUP002", "SUP-POWER"),
        ("SUP002", "SUP-TRANSIT"),
        ("SUP003", "SUP-LAPSED"),
        ("SUP003", "SUP-NETOPS"),
        ("SUP003", "SUP-TRANSIT"),
        ("SUP004", "SUP-SOFTWARE"),
        ("SUP005", "SUP-OLD-DC"),
        ("SUP005", "SUP-SOFTWARE"),
    ]


def test_sup001_contract_ended(findings: Findings, line_of: LineOf) -> None:
    f = findings["SUP001", "SUP-LAPSED"]
    assert f["severity"] == "error"
    assert f["clauses"] == ["8.3.4.1"]
    assert f["file"] == "records/suppliers/sup-lapsed.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "end: 2026-09-30")
    # SVC-LAB is in the pipeline, so only the live service is named, once
    assert f["message"] == (
        "contract RH-2025-03 ended on 2026-09-30, but SUP-LAPSED supports live service "
        "SVC-HOSTING"
    )


def test_sup001_contract_not_started_found_through_depends_on(
    findings: Findings, line_of: LineOf
) -> None:
    f = findings["SUP001", "SUP-NEWCARRIER"]
    assert f["line"] == line_of(FIXTURE, "records/suppliers/sup-newcarrier.yaml", "start:")
    assert f["message"] == (
        "contract NC-2027-01 starts only on 2027-01-01, but SUP-NEWCARRIER supports live "
        "service SVC-NETWORK"
    )


def test_sup002_gives_the_last_day_for_notice(findings: Findings, line_of: LineOf) -> None:
    f = findings["SUP002", "SUP-TRANSIT"]
    assert f["severity"] == "warning"
    assert f["file"] == "records/suppliers/sup-transit.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "end: 2027-01-31")
    assert f["message"] == (
        "contract TRN-MSA-2024-112 ends 2027-01-31; notice (P3M) had to be given by 2026-10-31"
    )


def test_sup002_fires_on_the_last_day_and_not_the_day_before(findings: Findings) -> None:
    f = findings["SUP002", "SUP-POWER"]
    assert f["message"] == (
        "contract GEN-0091 ends 2027-02-23; notice (P3M) must be given today (2026-11-23)"
    )
    assert ("SUP002", "SUP-CABLING") not in findings  # last day 2026-11-24
    assert ("SUP002", "SUP-COLO") not in findings  # last day 2027-09-30
    assert ("SUP002", "SUP-LAPSED") not in findings  # already ended
    assert ("SUP002", "SUP-LABKIT") not in findings  # no noticePeriod


def test_sup003_latest_review_too_old_by_its_own_interval(
    findings: Findings, line_of: LineOf
) -> None:
    f = findings["SUP003", "SUP-TRANSIT"]
    assert f["line"] == line_of(
        FIXTURE, "records/suppliers/sup-transit.yaml", "date: 2026-04-22"
    )
    assert f["message"] == (
        "critical supplier SUP-TRANSIT: latest performance review 2026-04-22 + P6M = "
        "2026-10-22: the next review is overdue"
    )


def test_sup003_never_reviewed_points_at_spec(findings: Findings, line_of: LineOf) -> None:
    f = findings["SUP003", "SUP-LAPSED"]
    assert f["line"] == line_of(FIXTURE, "records/suppliers/sup-lapsed.yaml", "spec:")
    assert f["message"] == "high supplier SUP-LAPSED has no performance review"
    assert ("SUP003", "SUP-POWER") not in findings  # due today, not overdue
    assert ("SUP003", "SUP-CABLING") not in findings  # medium


def test_findings_on_an_internal_supplier_fall_under_8_3_4_2(findings: Findings) -> None:
    assert findings["SUP003", "SUP-NETOPS"]["clauses"] == ["8.3.4.2"]
    assert findings["SUP003", "SUP-LAPSED"]["clauses"] == ["8.3.4.1"]  # external


def test_sup003_uses_the_configured_default_interval(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> None:
    _, found = run_check(
        FIXTURE, "--select", "SUP003", "--config", "itsm-six-months.toml"
    )
    keyed = by_rule_and_record(found)
    assert sorted(keyed) == [
        ("SUP003", "SUP-LAPSED"),
        ("SUP003", "SUP-NETOPS"),
        ("SUP003", "SUP-POWER"),
        ("SUP003", "SUP-TRANSIT"),
    ]
    assert "2025-11-23 + P6M = 2026-05-23" in keyed["SUP003", "SUP-POWER"]["message"]


def test_sup004_only_the_latest_review_counts(findings: Findings, line_of: LineOf) -> None:
    f = findings["SUP004", "SUP-SOFTWARE"]
    assert f["line"] == line_of(FIXTURE, "records/suppliers/sup-software.yaml", "outcome: fails")
    assert f["message"] == (  # notes written on two lines, given on one
        "latest performance review of SUP-SOFTWARE (2026-09-09) fails: "
        "Three outages over 4 hours in Q3. Service credits claimed for each."
    )
    assert ("SUP004", "SUP-COLO") not in findings  # an earlier review failed


def test_sup005_every_open_dispute_even_of_a_retired_supplier(
    findings: Findings, line_of: LineOf
) -> None:
    f = findings["SUP005", "SUP-SOFTWARE"]
    assert f["line"] == line_of(FIXTURE, "records/suppliers/sup-software.yaml", "status: open")
    assert f["message"] == (
        "dispute with SUP-SOFTWARE opened 2026-09-20 is still open: "
        "Service credits for the Q3 outages"
    )
    assert findings["SUP005", "SUP-OLD-DC"]["message"] == (  # a summary on two lines
        "dispute with SUP-OLD-DC opened 2025-12-15 is still open: "
        "Deposit not returned after exit"
    )
    assert ("SUP005", "SUP-COLO") not in findings  # closed


def test_retired_supplier_fires_only_for_its_dispute(findings: Findings) -> None:
    assert [rule for rule, record in findings if record == "SUP-OLD-DC"] == ["SUP005"]


def test_example_records_only_skyline_notice_waived(
    run_check: RunCheck, line_of: LineOf
) -> None:
    code, found = run_check(EXAMPLES, "records", "--select", "SUP")
    assert len(found) == 1
    f = found[0]
    assert (f["rule"], f["record"], f["waived"]) == ("SUP002", "SUP-SKYLINE-FIBRE", True)
    assert f["line"] == line_of(
        EXAMPLES, "records/suppliers/sup-skyline-fibre.yaml", "end: 2027-01-31"
    )
    assert f["message"] == (
        "contract SKY-MSA-2024-112 ends 2027-01-31; notice (P3M) had to be given by 2026-10-31"
    )
    assert code == 0


def test_text_output_of_a_failing_run(run_check_text: RunCheckText, line_of: LineOf) -> None:
    code, output = run_check_text(FIXTURE, "--select", "SUP001")
    assert code == 1
    line = line_of(FIXTURE, "records/suppliers/sup-lapsed.yaml", "end: 2026-09-30")
    assert f"records/suppliers/sup-lapsed.yaml:{line}:" in output
    assert "SUP001" in output


def test_text_output_one_line_per_finding_whatever_the_notes(
    run_check_text: RunCheckText,
) -> None:
    """Review notes and dispute summaries written over several lines are quoted on one: every
    finding stays one `file:line:col: CODE message` line, followed by its help line."""
    code, output = run_check_text(FIXTURE, "--select", "SUP004,SUP005")
    assert code == 0  # warnings only
    lines = output.splitlines()
    body = lines[: lines.index("")]
    assert sorted(line.split(": ")[1].split()[0] for line in body[::2]) == [
        "SUP004", "SUP005", "SUP005"
    ]
    assert all(line.startswith("records/suppliers/") for line in body[::2])
    assert all(line.startswith("  help: ") for line in body[1::2])
