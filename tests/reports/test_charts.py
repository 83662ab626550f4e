"""The SVG charts of the HTML reports, read as a reader reads them: round numbers on the
value axis (never 439.835), bars that start at zero unless the values sit close together
far from it, and target or threshold labels in the margin, never over a bar or a point."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from itsm_cli.reports.charts import bar_chart, line_chart, score_bars, timeline

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Aug", "Sep", "Oct"]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def axis_labels(svg: ET.Element) -> list[str]:
    """The value labels at the left of the plot (text ending left of x = 60), bottom to
    top."""
    labels = [
        t for t in svg.iter(f"{SVG}text")
        if t.get("text-anchor") == "end" and float(t.get("x", "0")) < 60
    ]
    labels.sort(key=lambda t: -float(t.get("y", "0")))
    return [t.text or "" for t in labels]


def test_line_chart_axis_has_round_values_not_the_data_extremes() -> None:
    # Usage from 236 TB, a trend that ends at 439.835 TB, a threshold of 320 TB.
    points = [(dt.date(2026, 5, 1), 236.0), (dt.date(2026, 11, 1), 302.0)]
    svg = parse(line_chart(points, "storage", threshold=320, trend=(0.3613, 236.0),
                           until=dt.date(2027, 11, 23)))
    assert axis_labels(svg) == ["250", "300", "350", "400", "450"]
    assert not any("439" in (t.text or "") for t in svg.iter(f"{SVG}text"))


def test_bar_chart_of_availability_starts_just_below_the_values_and_says_so() -> None:
    svg = parse(bar_chart(MONTHS, [99.97, 99.99, 99.95], "availability", target=99.9))
    assert axis_labels(svg) == ["99.90", "99.92", "99.94", "99.96", "99.98"]
    texts = [t.text or "" for t in svg.iter(f"{SVG}text")]
    assert "axis starts at 99.891, not zero" in texts  # 99.9 less 10 % of 99.9–99.99


def test_bar_chart_of_response_times_starts_at_zero() -> None:
    svg = parse(bar_chart(MONTHS, [11, None, 9], "p1-response", target=15))
    assert axis_labels(svg) == ["0", "5", "10", "15"]
    assert not any("not zero" in (t.text or "") for t in svg.iter(f"{SVG}text"))
    heights = sorted(float(r.get("height", "0")) for r in svg.iter(f"{SVG}rect"))
    assert heights[0] / heights[1] == pytest.approx(9 / 11, rel=0.01)  # bars in proportion


def test_big_values_are_shown_in_thousands_and_millions() -> None:
    thousands = parse(bar_chart(MONTHS, [18_000, 24_000, 30_000], "requests"))
    assert axis_labels(thousands) == ["0", "10k", "20k", "30k"]
    millions = parse(bar_chart(MONTHS, [1.1e6, 2.4e6, 3e6], "events"))
    assert axis_labels(millions) == ["0", "1M", "2M", "3M"]


def test_target_label_is_right_of_every_bar() -> None:
    svg = parse(bar_chart(["a"] * 12, [99.95] * 12, "availability", target=99.9))
    right_of_bars = max(float(r.get("x", "0")) + float(r.get("width", "0"))
                        for r in svg.iter(f"{SVG}rect"))
    label = next(t for t in svg.iter(f"{SVG}text") if t.text == "target")
    value = next(t for t in svg.iter(f"{SVG}text") if t.text == "99.9")
    assert float(label.get("x", "0")) > right_of_bars
    assert label.get("x") == value.get("x")
    # The two lines of the label fit in the chart (about 6 px a character at 11 px).
    width = float(svg.get("width", "0"))
    assert float(label.get("x", "0")) + 6 * len("threshold") <= width


def test_score_bar_labels_fit_left_of_the_bars() -> None:
    """The 2011 edition's long group titles used to run off the left edge of the chart."""
    long = "4 Service management system general requirements"
    longer = "5 Design and transition of new or changed services, and a title that goes on"
    svg = parse(score_bars([(long, 86.1), (longer, 0.0), ("9 Control processes", 66.7)], "t"))
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"]
    bars_start = min(float(r.get("x", "0")) for r in svg.iter(f"{SVG}rect"))
    for label in labels:
        right = float(label.get("x", "0"))
        assert right < bars_start
        assert right - 6.2 * len(label.text or "") >= 0  # not cut at the left edge
    assert labels[0].text == long
    assert (labels[1].text or "").endswith("…")
    assert labels[1].findtext(f"{SVG}title") == longer  # in full on hover


def test_timeline_labels_fit_left_of_the_contract_bars() -> None:
    rows = [
        ("SUP-A", dt.date(2025, 1, 1), dt.date(2027, 1, 1), None),
        ("SUP-NORTHWIND-OFFSITE-TAPE-VAULTING", dt.date(2024, 1, 1), dt.date(2026, 12, 31),
         dt.date(2026, 9, 30)),
    ]
    svg = parse(timeline(rows, dt.date(2026, 11, 23), "contracts"))
    labels = [t for t in svg.iter(f"{SVG}text") if t.get("text-anchor") == "end"
              and (t.text or "").startswith("SUP-")]
    bars_start = min(float(r.get("x", "0")) for r in svg.iter(f"{SVG}rect"))
    for label in labels:
        assert float(label.get("x", "0")) < bars_start
        assert float(label.get("x", "0")) - 6.2 * len(label.text or "") >= 0
