"""`itsm report service`: targets against actuals for one period, attainment over the last
12 periods, breaches, workload, unmeasured periods — on tests/reports/fixture (see its README
for the measurements and the numbers computed by hand)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from itsm_cli.dates import Period

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

RED = "#d62728"
SVG = "{http://www.w3.org/2000/svg}"

# SLA-WEB availability in 2025-11 … 2026-10 (None: before validFrom or not measured).
WEB_AVAILABILITY = {
    "2026-01": 99.95,
    "2026-02": 99.92,
    "2026-03": 99.81,
    "2026-04": 99.97,
    "2026-05": 99.93,
    "2026-07": 99.99,
    "2026-08": 99.96,
    "2026-09": 99.94,
    "2026-10": 99.86,
}


def attainment(values: list[float | None], objective: float) -> str:
    """Over the due periods (complete, within the agreement's validity), None where a due
    period has no value: "7 of 10 periods met, 2 not measured"."""
    met = sum(1 for v in values if v is not None and v >= objective)
    missing = values.count(None)
    tail = f", {missing} not measured" if missing else ""
    return f"{100 * met / len(values):.1f} % ({met} of {len(values)} periods met{tail})"


def test_markdown_matches_golden_file(reports: Reports) -> None:
    reports.golden("service.md", reports.ok("service"))


def test_markdown_lists_every_sla_that_is_not_retired(reports: Reports) -> None:
    text = reports.ok("service")
    assert "## SLA SLA-MAIL: Hosted email for Fabrikam Legal" in text
    assert "## SLA SLA-WEB: Web hosting for Contoso Shops" in text
    assert "SLA-WEB-2025" not in text  # retired
    assert "OLA-DESK" not in text  # OLAs only with --agreement
    assert "the last complete month before 2026-11-23" in text
    assert "the last complete quarter before 2026-11-23" in text
    assert "**Not measured:** 2026-06" in text


def test_html_targets_table_has_actuals_and_hand_computed_attainment(
    reports: Reports,
) -> None:
    html = reports.ok("service", fmt="html")
    reports.assert_self_contained(html)
    tables = reports.tables(html)
    web = tables["targets-SLA-WEB"]
    availability = web.row("availability")
    assert availability["Objective"] == "≥ 99.9"
    assert availability["Unit"] == "percent"
    assert availability["Actual"] == "99.86"
    assert availability["Status"] == "breached"
    # due: 2026-01 … 2026-10 (2025-11 and 2025-12 are before validFrom); 2026-06 has no
    # Measurement, so it is due and not measured, never left out
    due = [f"2026-{month:02d}" for month in range(1, 11)]
    expected = attainment([WEB_AVAILABILITY.get(p) for p in due], 99.9)
    assert expected == "70.0 % (7 of 10 periods met, 1 not measured)"
    assert availability["Attainment (2025-11 to 2026-10)"] == expected
    # no P1 incident in 2026-02 and 2026-07: no value, so not measured either
    assert web.row("p1-response")["Attainment (2025-11 to 2026-10)"] == (
        "50.0 % (5 of 10 periods met, 3 not measured)"
    )
    assert web.row("satisfaction")["Status"] == "met"
    mail = tables["targets-SLA-MAIL"].row("availability")
    assert mail["Actual"] == "99.85"
    # 2025-Q1 … 2026-Q3 but 2025-Q4 (reported by month, not counted); 2025-Q2 breached.
    assert mail["Attainment (2023-Q4 to 2026-Q3)"] == attainment(
        [99.7, 99.4, 99.8, 99.6, 99.95, 99.85], 99.5
    )


def test_html_charts_are_well_formed_svg_with_breaches_in_red(reports: Reports) -> None:
    html = reports.ok("service", fmt="html")
    charts = reports.svgs(html)
    assert len(charts) == 5  # SLA-MAIL: 2 targets, SLA-WEB: 3
    chart = next(c for c in charts if reports.svg_label(c).startswith("SLA-WEB availability"))
    bars = chart.findall(f"{SVG}rect")
    assert len(bars) == len(WEB_AVAILABILITY)  # no bar where nothing was measured
    red = sorted((bar.findtext(f"{SVG}title") or "") for bar in bars if bar.get("fill") == RED)
    assert red == ["Mar: 99.81", "Oct: 99.86"]


def test_html_history_flags_periods_not_measured(reports: Reports) -> None:
    tables = reports.tables(reports.ok("service", fmt="html"))
    history = tables["history-SLA-WEB"]
    assert history.column("Period")[0] == "2025-11"
    assert history.column("Period")[-1] == "2026-10"
    assert history.row("2025-11")["State"] == "outside agreement"
    assert history.row("2026-06")["State"] == "not measured"  # its Measurement is retired
    assert history.row("2026-02")["p1-response"] == "–"  # no P1 incident that month
    assert history.row("2026-03")["availability"] == "99.81"


def test_quarter_reported_by_three_monthly_measurements(reports: Reports) -> None:
    tables = reports.tables(reports.ok("service", fmt="html"))
    quarter = tables["history-SLA-MAIL"].row("2025-Q4")
    assert quarter == {
        "Period": "2025-Q4",
        "State": "measured by month",
        "availability": "99.95 / 99.8 / 99.9",
        "p2-resolution": "4 / 5.5 / 3",
    }
    notes = tables["workload-SLA-MAIL"].row("2025-Q4")["Measurement notes"]
    assert notes.startswith("2025-11: Reported monthly")


def test_html_breaches_latest_first_and_workload(reports: Reports) -> None:
    html = reports.ok("service", fmt="html")
    tables = reports.tables(html)
    breaches = [
        (r["Period"], r["Target"], r["Objective"], r["Actual"])
        for r in tables["breaches-SLA-WEB"].records()
    ]
    assert breaches == [
        ("2026-10", "availability", "≥ 99.9", "99.86"),
        ("2026-10", "p1-response", "≤ 30", "35"),
        ("2026-03", "availability", "≥ 99.9", "99.81"),
        ("2026-03", "p1-response", "≤ 30", "41"),
        ("2026-03", "satisfaction", "≥ 4", "3.8"),
    ]
    assert "Limits: Up to 2,000 orders an hour" in html
    notes = tables["workload-SLA-WEB"]
    assert notes.column("Period") == ["2026-10", "2026-08", "2026-07", "2026-03", "2026-02"]
    assert "2,300 orders an hour" in notes.row("2026-08")["Measurement notes"]
    assert "states no workload limits" in html  # SLA-MAIL
    assert "Withdrawn" not in html  # the retired Measurement of 2026-06


def test_agreement_option_takes_an_ola(reports: Reports) -> None:
    text = reports.ok("service", "--agreement", "OLA-DESK")
    assert "## OLA OLA-DESK: Service desk first response" in text
    assert "- **Provider:** Service Desk team" in text
    assert "SLA-WEB" not in text
    # no validity dates: each of the 12 complete periods is due, 10 of them not measured
    row = (
        "| first-response | response-time | – | ≤ 15 | min | 17 | **breached** | "
        "8.3 % (1 of 12 periods met, 10 not measured)"
    )
    assert row in text
    assert "Up to 720 contacts a week" in text


def test_agreement_option_takes_a_retired_sla(reports: Reports) -> None:
    text = reports.ok("service", "--agreement", "SLA-WEB-2025", "--period", "2025-12")
    assert "## SLA SLA-WEB-2025" in text
    assert "status retired" in text
    assert "**Not measured:** 2025-01, 2025-02" in text


@pytest.mark.parametrize(
    ("agreement", "message"),
    [
        ("SLA-WEBB", "no SLA or OLA has the id 'SLA-WEBB' (did you mean 'SLA-WEB'?)"),
        ("SVC-WEB", "'SVC-WEB' is a Service, not an SLA or OLA"),
    ],
)
def test_unknown_agreement_is_a_one_line_error(
    reports: Reports, agreement: str, message: str
) -> None:
    result = reports.render("service", "--agreement", agreement)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_period_option_picks_the_period_and_its_window(reports: Reports) -> None:
    html = reports.ok("service", "--agreement", "SLA-WEB", "--period", "2026-03", fmt="html")
    targets = reports.tables(html)["targets-SLA-WEB"]
    row = targets.row("availability")
    assert row["Actual"] == "99.81"
    assert row["Status"] == "breached"
    # 2025-04 … 2026-03: only 2026-01 … 2026-03 measured, 2026-03 breached.
    assert row["Attainment (2025-04 to 2026-03)"] == attainment([99.95, 99.92, 99.81], 99.9)


@pytest.mark.slow
def test_period_of_the_other_granularity_is_converted(reports: Reports) -> None:
    text = reports.ok("service", "--period", "2026-Q1")
    assert "2026-Q1 taken as 2026-03: SLA-WEB is reported monthly" in text
    assert "### Targets, 2026-Q1" in text  # SLA-MAIL is quarterly: no conversion
    text = reports.ok("service", "--period", "2026-08")
    assert "2026-08 taken as 2026-Q3: SLA-MAIL is reported quarterly" in text


def test_default_period_in_january_is_the_previous_year(reports: Reports) -> None:
    text = reports.ok("service", today="2027-01-15")
    assert "### Targets, 2026-12" in text
    assert "### Targets, 2026-Q4" in text
    assert "**Not measured:** 2026-06, 2026-11, 2026-12" in text


def test_period_arithmetic() -> None:
    assert str(Period.last_complete(dt.date(2026, 1, 1), quarterly=False)) == "2025-12"
    assert str(Period.last_complete(dt.date(2026, 3, 31), quarterly=True)) == "2025-Q4"
    assert str(Period.last_complete(dt.date(2026, 4, 1), quarterly=True)) == "2026-Q1"
    quarter = Period.parse("2024-Q1")
    assert (quarter.start, quarter.end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert str(Period.parse("2024-02").shift(-2)) == "2023-12"
    assert Period.parse("2024-02").end == dt.date(2024, 2, 29)
    with pytest.raises(ValueError, match="not a period"):
        Period.parse("2024-13")


def test_repository_without_slas(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "records" / "services").mkdir(parents=True)
    shutil.copy(reports.fixture / "records/services/svc-web.yaml", tmp_path / "records/services")
    monkeypatch.chdir(tmp_path)
    assert "No SLA to report on." in reports.ok("service")
    html = reports.ok("service", fmt="html")
    assert "<p>No SLA to report on.</p>" in html
    assert reports.svgs(html) == []


MEASUREMENTS = Path(__file__).parents[1] / "rules" / "measurements"
"""The REP001–REP004 fixture (tests/rules/measurements/README.md): duplicates, gaps, periods
not ended."""


def test_attainment_counts_due_periods_not_measured_ones(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SLA-GAPS is in force over the whole window 2025-11 … 2026-10: 12 periods due, 9
    measured and met (2026-03 twice: the worse, 99.92, still meets), 3 not measured."""
    monkeypatch.chdir(MEASUREMENTS)
    text = reports.ok("service", "--agreement", "SLA-GAPS")
    assert (
        "| availability | availability | – | ≥ 99.9 | percent | 99.95 | met | "
        "75.0 % (9 of 12 periods met, 3 not measured) |"
    ) in text
    assert "**Not measured:** 2026-01, 2026-05, 2026-07" in text
    assert "| 2026-03 | measured | 99.92 |" in text


def test_two_measurements_of_one_period_show_the_worse_and_a_running_period_counts_nothing(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SLA-DUP, --period 2026-11 on 2026-11-23: the month is still running (its Measurement is
    not shown and not counted); 2026-10, the one due period, has the worse of its two
    Measurements: availability 99.85 (not A's 99.95), p1-response 20 (not B's 10)."""
    monkeypatch.chdir(MEASUREMENTS)
    html = reports.ok("service", "--agreement", "SLA-DUP", "--period", "2026-11", fmt="html")
    tables = reports.tables(html)
    history = tables["history-SLA-DUP"]
    assert history.row("2026-11") == {
        "Period": "2026-11", "State": "not ended",
        "availability": "", "p1-response": "", "satisfaction": "",
    }
    assert history.row("2026-10") == {
        "Period": "2026-10", "State": "measured",
        "availability": "99.85", "p1-response": "20", "satisfaction": "4",
    }
    targets = tables["targets-SLA-DUP"]
    attained = {t: targets.row(t)["Attainment (2025-12 to 2026-11)"]
                for t in ("availability", "p1-response", "satisfaction")}
    assert attained == {
        "availability": "0.0 % (0 of 1 period met)",
        "p1-response": "0.0 % (0 of 1 period met)",
        "satisfaction": "100.0 % (1 of 1 period met)",
    }
    assert "not ended: the period is still running" in html


OUTSIDE_VALIDITY = Path(__file__).parent / "outside_validity"


def test_measurements_outside_the_agreement_are_shown_but_never_judged(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SLA-SHORT is in force 2026-03-01 … 2026-09-15 (tests/reports/outside_validity): its
    February and September Measurements would breach, but the agreement's targets did not
    hold (wholly) then, so neither is a breach nor counted."""
    monkeypatch.chdir(OUTSIDE_VALIDITY)
    text = reports.ok("service", today="2026-12-01")
    assert "| 2026-02 | outside agreement | 97.5 |" in text
    assert "| 2026-09 | outside agreement | 98.1 |" in text
    assert "✗" not in text.split("### Last 12 periods")[1].split("### Breaches")[0].replace(
        "✗ breached ·", ""
    )
    assert "16.7 % (1 of 6 periods met, 5 not measured)" in text
    assert "No breaches in the last 12 periods." in text
    february = reports.ok("service", "--period", "2026-02", today="2026-12-01")
    assert (
        "- **Result:** none: the period is not wholly within the agreement's validity, so its "
        "targets were not in force"
    ) in february
    assert "breached" not in february.split("### Targets")[1].split("### Last")[0]
    html = reports.ok("service", "--period", "2026-02", fmt="html", today="2026-12-01")
    history = reports.tables(html)["history-SLA-SHORT"]
    assert history.row("2026-02") == {
        "Period": "2026-02", "State": "outside agreement", "availability": "97.5",
        "response": "45",
    }
