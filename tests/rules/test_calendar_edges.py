"""Dates at the ends of the calendar (fixture `calendar_edges/`, see its README): adding an
interval or a horizon that runs past 9999-12-31, or subtracting one before 0001-01-01, is
never an internal error."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, RecordsAt, RunCheck

REPO = Path(__file__).parent / "calendar_edges"


@pytest.mark.parametrize("today", ["2026-11-23", "9999-12-31", "0001-01-01"])
def test_no_rule_fails_at_the_ends_of_the_calendar(run_check: RunCheck, today: str) -> None:
    _, findings = run_check(REPO, "--ignore", "DOC001", today=today)
    assert [f["message"] for f in findings if f["file"] == "(itsm)"] == []


def test_findings_beside_dates_at_the_ends_of_the_calendar(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, records_at: RecordsAt
) -> None:
    # Repository-wide findings (DOC001, and AUD002 and MRV001: no audit, no review) are not
    # what this fixture is about.
    _, findings = run_check(REPO, "--ignore", "DOC001,AUD002,MRV001")
    found = by_rule_and_record(findings)
    # Events dated 9999-12-31 lie after today: DOC004 each, and they count for nothing
    # (DOC002, SUP003 and CON002 fire as if they were not there; no CON004).
    assert set(found) == {
        ("CAP002", "CAP-FAR"),
        ("CON002", "CON-FAR"),
        ("DOC002", "EV-FAR-FUTURE"),
        ("DOC004", "CON-FAR"),
        ("DOC004", "EV-FAR-FUTURE"),
        ("DOC004", "SUP-FAR"),
        ("E002", "MEAS-YEAR-ZERO"),
        ("REP003", "MEAS-FAR-9999-12"),
        ("SUP001", "SUP-FAR"),
        ("SUP003", "SUP-FAR"),
    }
    cap = found["CAP002", "CAP-FAR"]
    assert "on 2026-12-22, within the plan horizon P100Y (by 2126-11-23)" in cap["message"]


def test_intervals_after_the_last_day_of_the_calendar(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, records_at: RecordsAt
) -> None:
    """On 9999-12-31 the events of that day have happened: adding an interval to them runs
    past the calendar, and is never overdue."""
    # REP001 (every missing month of 9999, one finding each) is not this test's subject.
    _, findings = run_check(REPO, "--ignore", "DOC001,REP001", today="9999-12-31")
    at = records_at(REPO)
    found = by_rule_and_record(findings)
    assert not [key for key in found if key[0] == "DOC004"]
    # reviewed on 9999-12-31: the next review (beyond the calendar) is not overdue
    assert ("DOC002", "EV-FAR-FUTURE") not in found
    assert ("SUP003", "SUP-FAR") not in found
    assert ("CON002", "CON-FAR") not in found
    # a month counted from 9999-12-31 runs past the calendar: counted from 2000-01-01
    con = found["CON004", "CON-FAR"]
    assert (con["file"], con["line"]) == at("continuity/con-far", "achievedRto: P1M")
    assert "recovered in P1M (44640 min), longer than the rto PT4H (240 min)" in con["message"]


def test_measurement_periods_at_the_ends_of_the_calendar(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, records_at: RecordsAt
) -> None:
    _, findings = run_check(REPO, "--ignore", "DOC001")
    at = records_at(REPO)
    found = by_rule_and_record(findings)
    year_zero = found["E002", "MEAS-YEAR-ZERO"]
    assert (year_zero["file"], year_zero["line"]) == at(
        "measurements/sla-far", "period:", after="id: MEAS-YEAR-ZERO"
    )
    assert year_zero["message"] == "'0000-01' is not a period: the calendar has no year 0000"
    future = found["REP003", "MEAS-FAR-9999-12"]
    assert future["message"] == (
        "period 9999-12 (9999-12-01 to 9999-12-31) has not begun on 2026-11-23: this "
        "Measurement counts for nothing until it ends"
    )
    assert ("REP002", "MEAS-FAR-9999-12") not in found
    assert ("REP001", "SLA-FAR") not in found
