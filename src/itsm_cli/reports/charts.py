"""Inline SVG charts for the HTML reports: no scripts, no fonts fetched, readable printed.

Every chart is a function from plain numbers to an SVG string (wrapped as safe markup for
autoescaping templates). Text is escaped with the standard library's XML escaping.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from itsm_cli.findings import figure, rounded

WIDTH = 640
FONT = "font-family='system-ui, sans-serif' font-size='11'"
CHAR_WIDTH = 6.2
"""About how wide a character of the 11 px chart font is, in pixels (for laying out labels)."""
COLORS = {
    "bar": "#4c78a8",
    "bad": "#d62728",
    "good": "#2ca02c",
    "warn": "#ff9f1c",
    "line": "#4c78a8",
    "trend": "#888888",
    "threshold": "#d62728",
    "grid": "#e5e5e5",
    "axis": "#bbbbbb",
    "text": "#333333",
}


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    head = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}' role='img' aria-label={quoteattr(title)}>"
        f"<title>{escape(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", color: str = "text") -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{COLORS[color]}' "
        f"{FONT}>{escape(text)}</text>"
    )


RIGHT = 64
"""Room right of the plot of a bar or line chart, for the label of a target or threshold
line (so it never lies over a bar or a point)."""

TICKS = 5
"""About how many values the vertical axis labels."""


def _tick_step(lo: float, hi: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) with about TICKS multiples from `lo`
    to `hi` (fewer rather than more on a tie)."""
    power = 10.0 ** math.floor(math.log10((hi - lo) / TICKS))
    steps = [float(f"{f * power:.12g}") for f in (0.5, 1, 2, 5, 10)]

    def count(step: float) -> int:
        return math.floor(hi / step + 1e-9) - math.ceil(lo / step - 1e-9) + 1

    return min(steps, key=lambda step: (abs(count(step) - TICKS), count(step)))


def _decimals(step: float) -> int:
    """The decimals a tick step needs (0.25 → 2, 5 → 0)."""
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


@dataclass(frozen=True, slots=True)
class _ValueScale:
    """The vertical value axis of a chart: values from `lo` to `hi` on a plot `plot_h` high
    below `top`, from `left` to `right`."""

    lo: float
    hi: float
    top: int
    plot_h: int
    left: int
    right: int

    @classmethod
    def of(
        cls, lo: float, hi: float, top: int, plot_h: int, left: int, from_zero: bool = False
    ) -> _ValueScale:
        """The scale of values from `lo` to `hi`, widened by 10 % of the range on each side
        (a flat range by 1 first); with `from_zero`, from exactly 0 instead of below `lo`."""
        if lo == hi:
            lo, hi = lo - 1, hi + 1
        pad = (hi - lo) * 0.1
        bottom = 0.0 if from_zero else lo - pad
        return cls(bottom, hi + pad, top, plot_h, left, WIDTH - RIGHT)

    def y(self, value: float) -> float:
        return self.top + self.plot_h * (1 - (value - self.lo) / (self.hi - self.lo))

    def ticks(self) -> list[tuple[float, str]]:
        """Round values within the scale, each with its label (the same decimals for all)."""
        step = _tick_step(self.lo, self.hi)
        first = math.ceil(self.lo / step - 1e-9)
        last = math.floor(self.hi / step + 1e-9)
        biggest = max(abs(first), abs(last)) * step
        # From 12,000 in thousands (12k), from 1,200,000 in millions (1.2M).
        unit, suffix = (
            (1e6, "M") if biggest >= 1.2e6 else (1e3, "k") if biggest >= 1.2e4 else (1.0, "")
        )
        places = _decimals(step / unit)
        return [
            (k * step, f"{k * step / unit:,.{places}f}{suffix}" if k else "0")
            for k in range(first, last + 1)
        ]

    def axis(self) -> list[str]:
        """The baseline, and a faint line across the plot at each tick, labelled at the
        left."""
        bottom = self.top + self.plot_h
        body = [
            f"<line x1='{self.left}' y1='{bottom}' x2='{self.right}' y2='{bottom}' "
            f"stroke='{COLORS['axis']}'/>"
        ]
        for value, label in self.ticks():
            y = self.y(value)
            if abs(y - bottom) > 0.5:
                body.append(
                    f"<line x1='{self.left}' y1='{y:.1f}' x2='{self.right}' y2='{y:.1f}' "
                    f"stroke='{COLORS['grid']}'/>"
                )
            body.append(_text(self.left - 4, y + 4, label, "end"))
        return body

    def reference(self, value: float, label: str) -> list[str]:
        """A dashed line across the plot at `value` (a target, a threshold), labelled in the
        margin at its right end: `label` above the line, the value below it."""
        y = self.y(value)
        x = self.right + 4
        return [
            f"<line x1='{self.left}' y1='{y:.1f}' x2='{self.right}' y2='{y:.1f}' "
            f"stroke='{COLORS['threshold']}' stroke-dasharray='4 3'/>",
            _text(x, y - 3, label, "start", "threshold"),
            _text(x, y + 11, figure(value), "start", "threshold"),
        ]


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    title: str,
    target: float | None = None,
    met: Sequence[bool | None] | None = None,
    low: float | None = None,
    high: float | None = None,
) -> Markup:
    """Vertical bars (one per period) with an optional dashed target line; bars that miss
    the target are red. The bars rise from zero unless the values are all close together
    far from it (availability around 99.9 %): then the axis starts just below them, and a
    note above the plot says so."""
    height, left, bottom, top = 200, 48, 36, 14
    present = [v for v in values if v is not None]
    lo = (
        low
        if low is not None
        else min([*present, *([target] if target is not None else [])], default=0.0)
    )
    hi = (
        high
        if high is not None
        else max([*present, *([target] if target is not None else [])], default=1.0)
    )
    plot_h = height - bottom - top
    plot_w = WIDTH - left - RIGHT
    step = plot_w / max(1, len(values))
    scale = _ValueScale.of(lo, hi, top, plot_h, left, from_zero=0 <= lo < 0.75 * hi)
    y = scale.y
    body = scale.axis()
    if scale.lo != 0:
        # A bar cut off below is read as a smaller share than it is: say so on the chart.
        body.append(_text(left, top - 3, f"axis starts at {scale.lo:g}, not zero", "start"))
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        x = left + i * step + step * 0.15
        if value is not None:
            ok = met[i] if met is not None and i < len(met) else None
            color = COLORS["bar"] if ok is None else COLORS["good" if ok else "bad"]
            top_y = y(value)
            body.append(
                f"<rect x='{x:.1f}' y='{top_y:.1f}' width='{step * 0.7:.1f}' "
                f"height='{top + plot_h - top_y:.1f}' fill='{color}'>"
                f"<title>{escape(label)}: {figure(value)}</title></rect>"
            )
        body.append(_text(x + step * 0.35, height - bottom + 14, label, "middle"))
    if target is not None:
        body.extend(scale.reference(target, "target"))
    return _svg(WIDTH, height, body, title)


def line_chart(
    points: Sequence[tuple[dt.date, float]],
    title: str,
    threshold: float | None = None,
    trend: tuple[float, float] | None = None,
    until: dt.date | None = None,
    marker: dt.date | None = None,
) -> Markup:
    """Observed values over time, an optional fitted trend (slope per day, intercept at the
    first point) drawn until `until`, a threshold line, and a marker (predicted crossing)."""
    height, left, bottom, top = 220, 56, 36, 14
    if not points:
        return _svg(WIDTH, 40, [_text(8, 24, "no data")], title)
    first = points[0][0]
    last = max(until or points[-1][0], points[-1][0], marker or points[-1][0])
    days = max(1, (last - first).days)
    values = [v for _, v in points]
    if threshold is not None:
        values.append(threshold)
    if trend is not None:
        values.append(trend[1] + trend[0] * days)
    plot_h, plot_w = height - bottom - top, WIDTH - left - RIGHT
    scale = _ValueScale.of(min(values), max(values), top, plot_h, left)
    y = scale.y

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / days

    body = [
        *scale.axis(),
        _text(left, height - 8, first.isoformat()),
        _text(scale.right, height - 8, last.isoformat(), "end"),
    ]
    if threshold is not None:
        body.extend(scale.reference(threshold, "threshold"))
    if trend is not None:
        slope, intercept = trend
        body.append(
            f"<line x1='{x(first):.1f}' y1='{y(intercept):.1f}' x2='{x(last):.1f}' "
            f"y2='{y(intercept + slope * days):.1f}' stroke='{COLORS['trend']}' "
            "stroke-dasharray='2 2'/>"
        )
    path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    body.append(
        f"<polyline points='{path}' fill='none' stroke='{COLORS['line']}' stroke-width='2'/>"
    )
    for d, v in points:
        body.append(
            f"<circle cx='{x(d):.1f}' cy='{y(v):.1f}' r='3' fill='{COLORS['line']}'>"
            f"<title>{d.isoformat()}: {figure(v)}</title></circle>"
        )
    if marker is not None:
        mx = x(marker)
        body.append(
            f"<line x1='{mx:.1f}' y1='{top}' x2='{mx:.1f}' y2='{top + plot_h}' "
            f"stroke='{COLORS['warn']}'/>"
        )
        body.append(_text(mx, top + 10, marker.isoformat(), "middle", "text"))
    return _svg(WIDTH, height, body, title)


def timeline(
    rows: Sequence[tuple[str, dt.date, dt.date, dt.date | None]],
    today: dt.date,
    title: str,
    empty: str = "no contracts",
    late: Sequence[bool] = (),
) -> Markup:
    """One bar per row from start to end, a tick at the notice date, a line at today; the
    rows marked `late` (a test overdue) are red."""
    row_h, top = 22, 10
    height = top + row_h * len(rows) + 30
    if not rows:
        return _svg(WIDTH, 40, [_text(8, 24, empty)], title)
    left = max(120, math.ceil(CHAR_WIDTH * max(len(r[0]) for r in rows)) + 12)
    first = min([r[1] for r in rows] + [today])
    last = max([r[2] for r in rows] + [today])
    days = max(1, (last - first).days)
    plot_w = WIDTH - left - 10

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / days

    body: list[str] = []
    for i, (label, start, end, notice) in enumerate(rows):
        y0 = top + i * row_h
        body.append(_text(left - 6, y0 + 14, label, "end"))
        color = COLORS["bad"] if i < len(late) and late[i] else COLORS["bar"]
        body.append(
            f"<rect x='{x(start):.1f}' y='{y0 + 4}' width='{max(1.0, x(end) - x(start)):.1f}' "
            f"height='{row_h - 8}' fill='{color}'><title>{escape(label)}: "
            f"{start.isoformat()} – {end.isoformat()}</title></rect>"
        )
        if notice is not None:
            body.append(
                f"<line x1='{x(notice):.1f}' y1='{y0 + 2}' x2='{x(notice):.1f}' "
                f"y2='{y0 + row_h - 2}' stroke='{COLORS['warn']}' stroke-width='3'>"
                f"<title>notice by {notice.isoformat()}</title></line>"
            )
    tx = x(today)
    bottom = top + row_h * len(rows)
    body.append(
        f"<line x1='{tx:.1f}' y1='{top}' x2='{tx:.1f}' y2='{bottom}' "
        f"stroke='{COLORS['threshold']}' stroke-dasharray='3 2'/>"
    )
    body.append(_text(tx, bottom + 14, f"today {today.isoformat()}", "middle", "threshold"))
    body.append(_text(left, height - 4, first.isoformat()))
    body.append(_text(WIDTH - 10, height - 4, last.isoformat(), "end"))
    return _svg(WIDTH, height, body, title)


def _minutes_text(minutes: float) -> str:
    if minutes >= 60 and minutes % 60 == 0:
        return f"{rounded(minutes / 60)} h"
    if minutes >= 60:
        return f"{minutes / 60:.1f} h"
    return f"{rounded(minutes)} min"


def _two_bars(
    rows: Sequence[tuple[str, float, float | None, bool]],
    title: str,
    names: tuple[str, str],
    shown: Callable[[float], str],
    unit: str,
    margin: int,
    empty: str,
) -> Markup:
    """Horizontal bars from zero, two per row: the first value (grey: what was asked or
    planned) and the second (green, red when the row's flag says it is off; "not recorded"
    when missing), each labelled with `shown(value)`, `unit` on the axis and on hover."""
    first, second = names
    row_h, top, bottom = 34, 10, 30
    if not rows:
        return _svg(WIDTH, 40, [_text(8, 24, empty)], title)
    left = max(120, math.ceil(CHAR_WIDTH * max(len(r[0]) for r in rows)) + 12)
    plot_w = WIDTH - left - margin
    most = max([r[1] for r in rows] + [r[2] for r in rows if r[2] is not None] + [1.0])
    height = top + row_h * len(rows) + bottom
    tip_unit = f" {escape(unit)}" if unit else ""

    def width_of(value: float) -> float:
        return max(1.0, plot_w * value / most)

    body = [
        f"<line x1='{left}' y1='{top}' x2='{left}' y2='{top + row_h * len(rows)}' "
        f"stroke='{COLORS['axis']}'/>",
        _text(left, height - 12, "0"),
        _text(left + plot_w, height - 12, shown(most) + (f" {unit}" if unit else ""), "end"),
    ]
    for i, (label, wanted, achieved, off) in enumerate(rows):
        y0 = top + i * row_h
        body.append(_text(left - 6, y0 + 18, label, "end"))
        body.append(
            f"<rect x='{left}' y='{y0 + 4}' width='{width_of(wanted):.1f}' height='11' "
            f"fill='{COLORS['axis']}'><title>{escape(label)}: {first} "
            f"{shown(wanted)}{tip_unit}</title></rect>"
        )
        body.append(_text(left + width_of(wanted) + 4, y0 + 13, f"{first} {shown(wanted)}"))
        if achieved is None:
            body.append(_text(left + 2, y0 + 27, f"{second}: not recorded", "start", "trend"))
            continue
        color = COLORS["bad" if off else "good"]
        body.append(
            f"<rect x='{left}' y='{y0 + 17}' width='{width_of(achieved):.1f}' height='11' "
            f"fill='{color}'><title>{escape(label)}: {second} "
            f"{shown(achieved)}{tip_unit}</title></rect>"
        )
        body.append(
            _text(left + width_of(achieved) + 4, y0 + 26, f"{second} {shown(achieved)}")
        )
    return _svg(WIDTH, height, body, title)


def paired_bars(
    rows: Sequence[tuple[str, float, float | None]], title: str, first: str, second: str
) -> Markup:
    """Two bars per row, in minutes (labelled in minutes or hours): the `first` value (the
    RTO asked for) and the `second` (what was achieved, red when longer)."""
    flagged = [(label, a, b, b is not None and b > a) for label, a, b in rows]
    return _two_bars(flagged, title, (first, second), _minutes_text, "", 70, "no plans")

LONGEST_LABEL = 56
"""Characters of a score bar's label shown before it is cut with `…` (in full on hover)."""


STATUS_COLORS = {"covered": "good", "partial": "warn", "missing": "bad"}
"""Bar colour per coverage status: the same green, amber and red as the status cells."""


def score_bars(
    rows: Sequence[tuple[str, float]], title: str, statuses: Sequence[str] | None = None
) -> Markup:
    """Horizontal bars of scores from 0 to 100 (one per clause group), the labels at their
    left in a margin as wide as the longest one needs. With `statuses` (covered / partial /
    missing, one per row) a bar takes the colour of its row's status, so the chart and the
    table beside it agree; without, the colour comes from the score."""
    row_h = 22
    labels = [
        label if len(label) <= LONGEST_LABEL else label[: LONGEST_LABEL - 1].rstrip() + "…"
        for label, _ in rows
    ]
    left = max(120, math.ceil(CHAR_WIDTH * max((len(x) for x in labels), default=0)) + 12)
    height = row_h * len(rows) + 10
    plot_w = WIDTH - left - 60
    body: list[str] = []
    for i, ((label, score), shown) in enumerate(zip(rows, labels, strict=True)):
        y0 = 5 + i * row_h
        if statuses is not None:
            color = STATUS_COLORS[statuses[i]]
        else:
            color = "good" if score >= 80 else "warn" if score >= 50 else "bad"
        text = _text(left - 6, y0 + 14, shown, "end")
        if shown != label:
            text = text.replace("</text>", f"<title>{escape(label)}</title></text>")
        body.append(text)
        body.append(
            f"<rect x='{left}' y='{y0 + 3}' width='{plot_w}' height='{row_h - 6}' "
            f"fill='{COLORS['grid']}'/>"
        )
        body.append(
            f"<rect x='{left}' y='{y0 + 3}' width='{plot_w * max(0.0, min(score, 100)) / 100:.1f}'"
            f" height='{row_h - 6}' fill='{COLORS[color]}'/>"
        )
        body.append(_text(left + plot_w + 6, y0 + 14, f"{score:.1f}"))
    return _svg(WIDTH, height, body, title)


def _amount_text(value: float) -> str:
    """An amount on a chart label: 134,400 (no cents, the tables give them), but 0.30 for an
    amount under 100 that has cents (it is not 0)."""
    if abs(value) < 100 and value != round(value):
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def planned_actual_bars(
    rows: Sequence[tuple[str, float, float | None, bool]], title: str, unit: str
) -> Markup:
    """Two bars per row: planned (grey) and actual (green when within the allowed variance,
    red when over it, as the fourth value of the row says). Amounts in `unit` (a currency
    code)."""
    return _two_bars(
        rows, title, ("planned", "actual"), _amount_text, unit, 120, "no budget lines"
    )


def heat_map(counts: Sequence[Sequence[int]], title: str, high: int) -> Markup:
    """A 5 × 5 risk matrix: `counts[likelihood - 1][impact - 1]` risks per cell, likelihood
    up the side, impact along the bottom; cells whose score (likelihood × impact) is at or
    above `high` are red, those from half of it amber, the rest green."""
    cell, left, top = 56, 90, 10
    body: list[str] = []
    for li in range(5, 0, -1):
        y = top + (5 - li) * cell
        body.append(_text(left - 8, y + cell / 2 + 4, str(li), anchor="end"))
        for im in range(1, 6):
            x = left + (im - 1) * cell
            score = li * im
            color = "bad" if score >= high else "warn" if score * 2 >= high else "good"
            n = counts[li - 1][im - 1]
            body.append(
                f"<rect x='{x}' y='{y}' width='{cell - 2}' height='{cell - 2}' "
                f"fill='{COLORS[color]}' fill-opacity='{0.85 if n else 0.25}'>"
                f"<title>likelihood {li} × impact {im} = {score}: {n} risk"
                f"{'s' if n != 1 else ''}</title></rect>"
            )
            if n:
                body.append(_text(x + cell / 2 - 1, y + cell / 2 + 4, str(n), anchor="middle"))
    base = top + 5 * cell
    for im in range(1, 6):
        body.append(_text(left + (im - 0.5) * cell, base + 16, str(im), anchor="middle"))
    body.append(_text(left + 2.5 * cell, base + 34, "impact", anchor="middle"))
    body.append(_text(left - 40, top + 2.5 * cell, "likelihood", anchor="middle"))
    return _svg(left + 5 * cell + 20, base + 44, body, title)
