"""Least-squares trends of dated usage figures, and the day a trend reaches a threshold.

Pure functions on the usage a CapacityPlan records, shared by rule CAP002 and the capacity
report. x is the number of days since the earliest point, y the observed value; the fitted
line is y = slope × x + intercept.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Sequence

MIN_POINTS = 3
"""Fewest points a trend is fitted on (CAP002 in the design)."""

_EPSILON_DAYS = 1e-9
"""Float noise tolerated when the crossing falls exactly on a day boundary."""


def fit_line(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line through (x, y) points.

    Raises ValueError for fewer than two points or when every x is the same (no line fits).
    """
    if len(points) < 2:
        raise ValueError("a line needs at least two points")
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    try:
        slope, intercept = statistics.linear_regression(xs, ys)
    except statistics.StatisticsError as exc:
        raise ValueError("every point has the same x; no line fits") from exc
    return slope, intercept


def day_points(usage: Iterable[tuple[dt.date, float]]) -> tuple[dt.date, list[tuple[int, float]]]:
    """The earliest date and the points as (days since that date, value), in date order."""
    ordered = sorted(usage, key=lambda point: point[0])
    if not ordered:
        raise ValueError("no usage points")
    first = ordered[0][0]
    return first, [((day - first).days, value) for day, value in ordered]


def predicted_crossing(
    usage: Iterable[tuple[dt.date, float]],
    threshold: float,
    until: dt.date | None = None,
    min_points: int = MIN_POINTS,
) -> dt.date | None:
    """The first day on which the least-squares line through `usage` (dated values, any
    order) is at or over `threshold`, when that day comes after the latest point.

    None when there are fewer than `min_points` points, when the trend is flat or falling,
    when the line already reached the threshold on or before the latest point, or when the
    day comes after `until` (if given).
    """
    points = list(usage)
    if len(points) < min_points:
        return None
    first, xy = day_points(points)
    try:
        slope, intercept = fit_line(xy)
    except ValueError:
        return None
    if not slope > 0:  # flat, falling, or not a number (an infinite or NaN value)
        return None
    x_cross = (threshold - intercept) / slope
    x_last = xy[-1][0]
    if not math.isfinite(x_cross) or x_cross <= x_last:
        return None
    offset = max(math.ceil(x_cross - _EPSILON_DAYS), x_last + 1)
    if offset > (dt.date.max - first).days:
        return None  # a nearly flat trend: beyond the calendar
    day = first + dt.timedelta(days=offset)
    if until is not None and day > until:
        return None
    return day
