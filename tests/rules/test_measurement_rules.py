"""REP001–REP004 over twelve months on the fixture in `tests/rules/measurements/` (see its
README): one REP001 per missing period, periods not ended (REP003), two Measurements for one
period (REP004) and the worse of their values (REP002)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import cli

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RunCheck

FIXTURE = Path(__file__).parent / "measurements"
SLAS = "records/agreements/slas.yaml"
DUP = "records/measurements/sla-dup.yaml"


def missing(period: str, frequency: str = "monthly", latest: str | None = None) -> str:
    so_far = f"latest: {latest}" if latest else "none yet"
    return (
        f"no Measurement for {period}, a complete {frequency} reporting period of the last 12 "
        f"months ({so_far})"
    )


def not_ended(period: str, first: str, last: str, state: str, until: str) -> str:
    return (
        f"period {period} ({first} to {last}) {state} on 2026-11-23: this Measurement counts "
        f"for nothing until {until}"
    )


@pytest.fixture
def findings(run_check: RunCheck) -> list[Any]:
    code, found = run_check(FIXTURE, "--select", "E,REP")
    assert code == 0  # warnings only, and the records validate
    return found


def test_rep001_one_finding_per_missing_period(findings: list[Any], line_of: LineOf) -> None:
    """The last 12 complete months (2025-11 … 2026-10) or 4 complete quarters, from the first
    whole period after validFrom; a quarter fills no month of a monthly agreement; a
    Measurement of a running or future month fills nothing."""
    rep001 = [(f["record"], f["line"], f["message"]) for f in findings if f["rule"] == "REP001"]

    def at(sla: str) -> int:  # no `reporting`: at `spec`
        return line_of(FIXTURE, SLAS, "spec:", f"id: {sla},")

    frequency = line_of(FIXTURE, SLAS, "reporting: {frequency: quarterly}")
    assert rep001 == [
        ("SLA-RUNNING", at("SLA-RUNNING"), missing("2026-10")),
        ("SLA-GAPS", at("SLA-GAPS"),
         missing("2026-01", latest="2026-10")),
        ("SLA-GAPS", at("SLA-GAPS"),
         missing("2026-05", latest="2026-10")),
        ("SLA-GAPS", at("SLA-GAPS"),
         missing("2026-07", latest="2026-10")),
        ("SLA-RECENT", at("SLA-RECENT"),
         missing("2026-08", latest="2026-09")),
        ("SLA-RECENT", at("SLA-RECENT"),
         missing("2026-10", latest="2026-09")),
        ("SLA-QUARTER", frequency, missing("2026-Q2", "quarterly", latest="2026-Q3")),
        *[("SLA-MONTHLY-Q", at("SLA-MONTHLY-Q"),
           missing(month, latest="2026-10")) for month in ("2026-07", "2026-08", "2026-09")],
    ]


def test_rep001_findings_of_one_sla_have_distinct_fingerprints(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURE)
    result = cli.run("check", "--today", "2026-11-23", "--select", "REP001", "-f", "gitlab")
    gaps = [f["fingerprint"] for f in json.loads(result.stdout)
            if f["description"].startswith("SLA-GAPS:")]
    assert len(gaps) == 3
    assert len(set(gaps)) == 3


def test_rep001_window_moves_with_today(run_check: RunCheck) -> None:
    """On 2027-02-01 the window is 2026-02 … 2027-01: SLA-GAPS's 2026-01 has left it, and
    the months since 2026-11 are missing; the 2026-11 Measurement of SLA-RUNNING now counts."""
    _, found = run_check(FIXTURE, "--select", "REP001", today="2027-02-01")
    periods = {
        sla: [f["message"].split()[3].rstrip(",") for f in found if f["record"] == sla]
        for sla in ("SLA-GAPS", "SLA-RUNNING")
    }
    assert periods == {
        "SLA-GAPS": ["2026-05", "2026-07", "2026-11", "2026-12", "2027-01"],
        "SLA-RUNNING": ["2026-10", "2026-12"],  # 2027-01 (written early) is now complete
    }


def test_rep002_takes_the_worse_of_two_measurements_for_the_latest_period(
    findings: list[Any], line_of: LineOf
) -> None:
    """Each of the two 2026-10 Measurements of SLA-DUP breaches one target on its own; the
    worse value of each target counts, on the Measurement that holds it. The running month
    2026-11 (on target) hides neither."""
    rep002 = [(f["record"], f["file"], f["line"], f["message"])
              for f in findings if f["rule"] == "REP002"]
    assert rep002 == [
        ("MEAS-DUP-2026-10-A", DUP, line_of(FIXTURE, DUP, "p1-response: 20"),
         "p1-response 20 min in 2026-10, the latest Measurement of SLA-DUP, misses the "
         "target <= 15 min (the worse of 2 Measurements for 2026-10; MEAS-DUP-2026-10-B has "
         "10)"),
        ("MEAS-DUP-2026-10-B", DUP, line_of(FIXTURE, DUP, "availability: 99.85"),
         "availability 99.85 % in 2026-10, the latest Measurement of SLA-DUP, misses the "
         "target >= 99.9 % (the worse of 2 Measurements for 2026-10; MEAS-DUP-2026-10-A has "
         "99.95)"),
        ("MEAS-QUARTER-2026-Q3", "records/measurements/sla-quarter.yaml",
         line_of(FIXTURE, "records/measurements/sla-quarter.yaml", "availability: 99.8}"),
         "availability 99.8 % in 2026-Q3, the latest Measurement of SLA-QUARTER, misses the "
         "target >= 99.9 %"),
    ]


def test_rep003_periods_not_ended(findings: list[Any], line_of: LineOf) -> None:
    rep003 = [(f["record"], f["file"], f["line"], f["message"])
              for f in findings if f["rule"] == "REP003"]
    running = "records/measurements/sla-running.yaml"
    quarter = "records/measurements/sla-quarter.yaml"
    assert rep003 == [
        ("MEAS-DUP-2026-11", DUP, line_of(FIXTURE, DUP, 'period: "2026-11"'),
         not_ended("2026-11", "2026-11-01", "2026-11-30", "is still running", "2026-12-01")),
        ("MEAS-QUARTER-2026-Q4", quarter, line_of(FIXTURE, quarter, 'period: "2026-Q4"'),
         not_ended("2026-Q4", "2026-10-01", "2026-12-31", "is still running", "2027-01-01")),
        ("MEAS-RUNNING-2026-11", running, line_of(FIXTURE, running, 'period: "2026-11"'),
         not_ended("2026-11", "2026-11-01", "2026-11-30", "is still running", "2026-12-01")),
        ("MEAS-RUNNING-2027-01", running, line_of(FIXTURE, running, 'period: "2027-01"'),
         not_ended("2027-01", "2027-01-01", "2027-01-31", "has not begun", "2027-02-01")),
    ]
    assert {f["clauses"][0] for f in findings if f["rule"] == "REP003"} == {"9.4"}


def test_rep003_ends_the_day_after_the_last_day(run_check: RunCheck) -> None:
    """On 2026-11-30 the month 2026-11 is still running; on 2026-12-01 it is complete."""
    _, last_day = run_check(FIXTURE, "--select", "REP003", today="2026-11-30")
    _, next_day = run_check(FIXTURE, "--select", "REP003", today="2026-12-01")
    assert "MEAS-DUP-2026-11" in {f["record"] for f in last_day}
    assert "MEAS-DUP-2026-11" not in {f["record"] for f in next_day}


def test_rep004_one_finding_per_shared_period_naming_all(
    findings: list[Any], line_of: LineOf
) -> None:
    """On the later Measurement in file order; a retired duplicate (SLA-RECENT) is none."""
    gaps = "records/measurements/sla-gaps.yaml"
    rep004 = [(f["record"], f["file"], f["line"], f["message"])
              for f in findings if f["rule"] == "REP004"]
    assert rep004 == [
        ("MEAS-DUP-2026-10-B", DUP, line_of(FIXTURE, DUP, 'period: "2026-10"',
                                            "id: MEAS-DUP-2026-10-B"),
         "2 Measurements of SLA-DUP are for 2026-10: MEAS-DUP-2026-10-A, MEAS-DUP-2026-10-B"),
        ("MEAS-GAPS-2026-03-BIS", gaps, line_of(FIXTURE, gaps, 'period: "2026-03"',
                                                "id: MEAS-GAPS-2026-03-BIS"),
         "2 Measurements of SLA-GAPS are for 2026-03: MEAS-GAPS-2026-03, "
         "MEAS-GAPS-2026-03-BIS"),
    ]


def test_nothing_else_fires(findings: list[Any]) -> None:
    assert len(findings) == 10 + 3 + 4 + 2
