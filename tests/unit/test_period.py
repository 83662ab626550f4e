"""`itsm_cli.dates.Period`, the one reading of a period (`2026-10`, `2026-Q4`, a Budget's
`2026`) shared by the REP and OPS rules, the service, operations and budget reports, the
ticket importer and the `--period` options; and the commands that refuse a bad one."""

from __future__ import annotations

import datetime as dt

import pytest

from itsm_cli.dates import Period
from itsm_cli.interop.tickets import period_span
from tests.helpers import cli
from tests.helpers.paths import ROOT

D = dt.date
EXAMPLES = ROOT


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", D(2026, 10, 1), D(2026, 10, 31)),
        ("2026-02", D(2026, 2, 1), D(2026, 2, 28)),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
        ("2026-12", D(2026, 12, 1), D(2026, 12, 31)),
        ("2026-Q1", D(2026, 1, 1), D(2026, 3, 31)),
        ("2026-Q4", D(2026, 10, 1), D(2026, 12, 31)),
        ("0001-01", D(1, 1, 1), D(1, 1, 31)),
        ("9999-Q4", D(9999, 10, 1), D(9999, 12, 31)),
    ],
)
def test_start_end_and_text(text: str, start: dt.date, end: dt.date) -> None:
    period = Period.parse(text)
    assert (period.start, period.end) == (start, end)
    assert period.text == str(period) == text


def test_a_year_only_where_asked_for() -> None:
    year = Period.parse("2026", year=True)
    assert (year.start, year.end, year.text, year.next.text) == (
        D(2026, 1, 1), D(2026, 12, 31), "2026", "2027"
    )
    assert len(year.months()) == 12
    with pytest.raises(ValueError, match="write a month"):
        Period.parse("2026")


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q0", "2026-Q5", "0000-05", "26-10",
                                  "2026-1", "2026-10-01", " 2026-10", "2026-10\n", "٢٠٢٦-10", ""])
def test_not_a_period(text: str) -> None:
    with pytest.raises(ValueError, match=f"'{text}' is not a period"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("text", "following"),
    [("2026-11", "2026-12"), ("2026-12", "2027-01"), ("2026-Q3", "2026-Q4"),
     ("2026-Q4", "2027-Q1")],
)
def test_next(text: str, following: str) -> None:
    assert Period.parse(text).next == Period.parse(following)
    assert Period.parse(following).shift(-1) == Period.parse(text)


def test_months_and_granularity() -> None:
    quarter = Period.parse("2026-Q3")
    assert [m.text for m in quarter.months()] == ["2026-07", "2026-08", "2026-09"]
    assert quarter.as_granularity(quarterly=False).text == "2026-09"
    assert Period.parse("2026-08").as_granularity(quarterly=True) == quarter
    assert quarter.as_granularity(quarterly=True) is quarter


def test_ordering_by_end_then_start_across_months_and_quarters() -> None:
    """REP002 and OPS005 take the latest period by its end, then its start: the month
    2026-12 comes after the quarter 2026-Q4, which comes after 2026-11."""
    texts = ["2026-12", "2026-Q4", "2026-11", "2026-Q3", "2026-10", "2025-12"]
    periods = [Period.parse(t) for t in texts]
    assert [p.text for p in sorted(periods)] == [
        "2025-12", "2026-Q3", "2026-10", "2026-11", "2026-Q4", "2026-12"
    ]
    assert max(periods).text == "2026-12"
    assert Period.parse("2026-Q4") != Period.parse("2026-12")
    assert len({Period.parse("2026-Q4"), Period.parse("2026-Q4")}) == 1


@pytest.mark.parametrize(
    ("today", "monthly", "quarterly"),
    [
        (D(2026, 11, 23), "2026-10", "2026-Q3"),
        (D(2026, 1, 1), "2025-12", "2025-Q4"),
        (D(2026, 3, 31), "2026-02", "2025-Q4"),
        (D(2026, 4, 1), "2026-03", "2026-Q1"),
    ],
)
def test_last_complete(today: dt.date, monthly: str, quarterly: str) -> None:
    assert Period.last_complete(today, quarterly=False).text == monthly
    assert Period.last_complete(today, quarterly=True).text == quarterly
    assert Period.last_complete(today, quarterly=False).complete(today)
    assert not Period.containing(today, quarterly=False).complete(today)


def test_nothing_complete_in_the_first_month_of_the_calendar() -> None:
    with pytest.raises(ValueError, match="no reporting period ended before 0001-01-15"):
        Period.last_complete(D(1, 1, 15), quarterly=False)


def test_ticket_periods_run_to_the_next_periods_first_instant() -> None:
    assert period_span("2026-12") == (dt.datetime(2026, 12, 1), dt.datetime(2027, 1, 1))
    assert period_span("2026-Q3") == (dt.datetime(2026, 7, 1), dt.datetime(2026, 10, 1))


@pytest.mark.parametrize(
    ("period", "shown", "left_out"),
    [
        ("2026-08", ["BUD-2026-OPERATIONS", "BUD-2026-Q3-DC-REFRESH"], []),
        ("2026-Q4", ["BUD-2026-OPERATIONS"], ["BUD-2026-Q3-DC-REFRESH"]),
    ],
)
def test_budget_report_period_takes_the_budgets_it_overlaps(
    period: str, shown: list[str], left_out: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month or quarter given to the budget report selects every budget whose period (a
    year, a quarter) overlaps it."""
    monkeypatch.chdir(EXAMPLES)
    result = cli.run(
        *["report", "budget", "-f", "md", "--period", period, "--today", "2026-11-23"]
    )
    assert result.exit_code == 0, result.output
    for budget in shown:
        assert budget in result.output
    for budget in left_out:
        assert budget not in result.output


def test_report_period_in_other_digits_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    result = cli.run(*["report", "budget", "-f", "md", "--period", "٢٠٢٦-Q3"])
    assert result.exit_code == 2
    assert "write a month (2026-10) or a quarter (2026-Q3)" in result.output
