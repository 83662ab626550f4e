"""CAP001–CAP004 on the fixture in `tests/rules/capacity/` (see its README), run through
`itsm check --select CAP`; the least-squares helpers of `itsm_cli.records.trend` with numbers
worked out by hand; and the capacity findings on the example records."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from itsm_cli.records.trend import day_points, fit_line, predicted_crossing

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RunCheck, RunCheckText

FIXTURE = Path(__file__).parent / "capacity"
EXAMPLES = Path(__file__).parents[2]
PLAN = "records/capacity/cap-hosting.yaml"


@pytest.fixture
def findings(run_check: RunCheck) -> list[Any]:
    code, found = run_check(FIXTURE, "--select", "CAP")
    assert code == 1  # CAP001 and CAP003 are errors
    return found


def test_exactly_the_expected_findings(findings: list[Any], line_of: LineOf) -> None:
    """Every near-miss in the fixture stays silent: flat, falling, slow and two-point trends,
    a trend beyond a short horizon, a resource back under its threshold, actions done or
    due today or later, a high or pipeline service, and everything in a retired plan."""
    assert sorted((f["rule"], f["record"], f["file"], f["line"]) for f in findings) == [
        ("CAP001", "SVC-ARCHIVE", "records/services/critical.yaml",
         line_of(FIXTURE, "records/services/critical.yaml", "criticality:", "id: SVC-ARCHIVE")),
        ("CAP001", "SVC-STORAGE", "records/services/critical.yaml",
         line_of(FIXTURE, "records/services/critical.yaml", "criticality:", "id: SVC-STORAGE")),
        ("CAP002", "CAP-HOSTING", PLAN,
         line_of(FIXTURE, PLAN, "usage:", "name: Rising storage")),
        ("CAP003", "CAP-HOSTING", PLAN,
         line_of(FIXTURE, PLAN, "value: 300", "name: Object store")),
        ("CAP004", "CAP-HOSTING", PLAN,
         line_of(FIXTURE, PLAN, "due: 2026-10-31")),
    ]


def test_cap001_critical_service_without_plan(findings: list[Any]) -> None:
    found = {f["record"]: f for f in findings if f["rule"] == "CAP001"}
    assert set(found) == {"SVC-STORAGE", "SVC-ARCHIVE"}  # SVC-ARCHIVE's only plan is retired
    f = found["SVC-STORAGE"]
    assert f["severity"] == "error"
    assert f["clauses"] == ["8.4.3"]
    assert f["message"] == "live critical service SVC-STORAGE is covered by no CapacityPlan"


def test_cap002_gives_the_predicted_date(findings: list[Any]) -> None:
    (f,) = [f for f in findings if f["rule"] == "CAP002"]
    assert f["severity"] == "warning"
    # y = 200 + 0.5 x reaches 300 at x = 200 days after 2026-08-03
    assert f["message"] == (
        "'Rising storage': the least-squares trend of 4 usage points reaches the threshold "
        "300 TB (75 % of 400 TB) on 2027-02-19, within the plan horizon P12M (by 2027-11-23); "
        "latest usage 245 TB on 2026-11-01"
    )


def test_cap003_points_at_the_latest_entry_by_date(
    findings: list[Any], line_of: LineOf
) -> None:
    (f,) = [f for f in findings if f["rule"] == "CAP003"]
    assert f["line"] == line_of(FIXTURE, PLAN, "{date: 2026-11-01, value: 300}")
    assert f["message"] == (
        "'Object store': latest usage 300 TB on 2026-11-01 is at or over the threshold "
        "300 TB (60 % of 500 TB)"
    )


def test_cap004_open_action_past_due(findings: list[Any]) -> None:
    (f,) = [f for f in findings if f["rule"] == "CAP004"]
    assert f["severity"] == "warning"
    assert f["message"] == (
        "action 'Order an expansion shelf' (owner capacity-manager) was due 2026-10-31 and "
        "is still open, 23 days late"
    )


def test_cap004_is_quiet_the_day_an_action_falls_due(run_check: RunCheck) -> None:
    _, found = run_check(FIXTURE, "--select", "CAP004", today="2026-10-31")
    assert found == []


def test_cap002_a_shorter_today_moves_the_horizon(run_check: RunCheck) -> None:
    """On 2026-02-01 the P12M horizon ends 2027-02-01, before the predicted 2027-02-19."""
    _, found = run_check(FIXTURE, "--select", "CAP002", today="2026-02-01")
    assert found == []


def test_cap002_a_predicted_day_already_past_says_so(run_check: RunCheck) -> None:
    """On 2027-03-01 nobody has recorded the usage since 2026-11-01, and the trend reached
    the threshold on 2027-02-19: not "within the plan horizon" but before today."""
    _, found = run_check(FIXTURE, "--select", "CAP002", today="2027-03-01")
    messages = {f["record"]: f["message"] for f in found}
    assert messages["CAP-HOSTING"] == (
        "'Rising storage': the least-squares trend of 4 usage points reached the threshold "
        "300 TB (75 % of 400 TB) on 2027-02-19, before today; latest usage 245 TB on 2026-11-01"
    )
    assert "CAP-BACKUP" in messages  # its P1M horizon does not matter for a day past


def test_text_output_names_the_predicted_date(
    run_check_text: RunCheckText, line_of: LineOf
) -> None:
    code, output = run_check_text(FIXTURE, "--select", "CAP002")
    assert code == 0  # a warning does not fail the run by default
    line = line_of(FIXTURE, PLAN, "usage:", "name: Rising storage")
    assert output.startswith(f"{PLAN}:{line}:7: CAP002 'Rising storage': ")
    assert "on 2027-02-19" in output


# --- the example records ---------------------------------------------------------------


def test_example_records(run_check: RunCheck, line_of: LineOf) -> None:
    """records/README.md: only CAP002 on the primary storage of CAP-HOSTING-PLATFORM (302 TB
    is still under 320 TB, so no CAP003); every open action is due after today."""
    _, found = run_check(EXAMPLES, "--select", "CAP")
    file = "records/capacity/cap-hosting-platform.yaml"
    assert [(f["rule"], f["record"], f["file"], f["line"]) for f in found] == [
        ("CAP002", "CAP-HOSTING-PLATFORM", file,
         line_of(EXAMPLES, file, "usage:", "name: Primary storage")),
    ]
    # 7 monthly points: slope 0.35665 TB/day from 236.19 TB on 2026-05-01, so 320 TB is
    # reached at day 234.998, during 2026-12-21: the first day at or over it is 2026-12-22.
    assert "reaches the threshold 320 TB (80 % of 400 TB) on 2026-12-22" in found[0]["message"]


# --- the trend helpers -----------------------------------------------------------------


def test_fit_line_on_points_of_a_line() -> None:
    assert fit_line([(0, 200), (30, 215), (60, 230), (90, 245)]) == pytest.approx((0.5, 200))


def test_fit_line_least_squares_by_hand() -> None:
    # mean x = 1, mean y = 2; Sxy = (-1)(-1) + 0 + (1)(0) = 1; Sxx = 2
    # slope = 1 / 2 = 0.5; intercept = 2 - 0.5 * 1 = 1.5
    assert fit_line([(0, 1), (1, 3), (2, 2)]) == pytest.approx((0.5, 1.5))


def test_fit_line_needs_two_distinct_x() -> None:
    with pytest.raises(ValueError):
        fit_line([(0, 1)])
    with pytest.raises(ValueError):
        fit_line([(3, 1), (3, 2), (3, 5)])


def test_day_points_sorts_by_date() -> None:
    first, points = day_points(
        [(dt.date(2026, 3, 1), 5.0), (dt.date(2026, 1, 1), 1.0), (dt.date(2026, 2, 1), 3.0)]
    )
    assert first == dt.date(2026, 1, 1)
    assert points == [(0, 1.0), (31, 3.0), (59, 5.0)]


D = dt.date


def test_predicted_crossing_on_an_exact_line() -> None:
    usage = [(D(2026, 8, 3), 200.0), (D(2026, 9, 2), 215.0), (D(2026, 10, 2), 230.0)]
    # y = 200 + 0.5 x: 300 at x = 200, i.e. 2026-08-03 + 200 days
    assert predicted_crossing(usage, 300) == D(2027, 2, 19)
    assert predicted_crossing(usage, 300, until=D(2027, 2, 19)) == D(2027, 2, 19)
    assert predicted_crossing(usage, 300, until=D(2027, 2, 18)) is None


def test_predicted_crossing_rounds_up_to_the_first_day_over() -> None:
    usage = [(D(2026, 1, 1), 0.0), (D(2026, 1, 3), 1.0), (D(2026, 1, 5), 2.0)]
    # y = 0.5 x reaches 2.25 at x = 4.5: on day 5 (2026-01-06) the line is at 2.5
    assert predicted_crossing(usage, 2.25) == D(2026, 1, 6)


def test_predicted_crossing_never_for_flat_or_falling_trends() -> None:
    flat = [(D(2026, 1, 1), 5.0), (D(2026, 2, 1), 5.0), (D(2026, 3, 1), 5.0)]
    falling = [(D(2026, 1, 1), 9.0), (D(2026, 2, 1), 7.0), (D(2026, 3, 1), 5.0)]
    assert predicted_crossing(flat, 6) is None
    assert predicted_crossing(falling, 10) is None


def test_predicted_crossing_needs_three_points() -> None:
    two = [(D(2026, 1, 1), 1.0), (D(2026, 2, 1), 50.0)]
    assert predicted_crossing(two, 60) is None
    assert predicted_crossing(two, 60, min_points=2) is not None


def test_predicted_crossing_only_after_the_latest_point() -> None:
    # (0, 0), (1, 10), (2, 5): slope 5 / 2 = 2.5, intercept 5 - 2.5 = 2.5; the line is at
    # 7.5 on the latest day, over 6, though the latest value (5) is under it: the line
    # crossed 6 at x = 1.4, before the latest point, so there is nothing to predict.
    usage = [(D(2026, 1, 1), 0.0), (D(2026, 1, 2), 10.0), (D(2026, 1, 3), 5.0)]
    assert fit_line([(0, 0.0), (1, 10.0), (2, 5.0)]) == pytest.approx((2.5, 2.5))
    assert predicted_crossing(usage, 6) is None
    assert predicted_crossing(usage, 8) == D(2026, 1, 4)  # x = 2.2: day 3


def test_predicted_crossing_of_a_nearly_flat_trend_beyond_the_calendar() -> None:
    usage = [(D(2026, 1, 1), 1.0), (D(2026, 1, 2), 1.0), (D(2026, 1, 3), 1.0 + 1e-12)]
    assert predicted_crossing(usage, 1e9) is None
