"""Dates and ISO 8601 durations, added by the calendar.

Durations are parsed by `isodate` and added to dates the calendar way (2026-01-31 + P1M =
2026-02-28), never as blocks of 30 days: a review "every 12 months" must fall on the same day
of the month a year later.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import isodate

DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
"""What a record may write as a date; the JSON Schemas use the same pattern."""
DURATION_PATTERN = (
    r"^P(?!$)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?"
    r"(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+(\.[0-9]+)?S)?)?$"
)
"""What a record may write as a duration (whole numbers; a fraction only for seconds): the
loader and the JSON Schemas accept exactly this. isodate alone would also take `PT`, `P1DT`
and `P1.5Y`, and the last cannot be added to a date."""
_DATE = re.compile(DATE_PATTERN)
_DURATION = re.compile(DURATION_PATTERN)


MAX_DURATION = dt.timedelta(days=36_525)
"""The longest duration accepted: 100 years."""


@dataclass(frozen=True, slots=True)
class Duration:
    """An ISO 8601 duration as written in a record (`P12M`, `P90D`, `PT4H`)."""

    text: str
    _value: Any

    @classmethod
    def parse(cls, text: str) -> Duration:
        """Raises ValueError with a plain message for anything that is not ISO 8601."""
        if not isinstance(text, str) or not _DURATION.fullmatch(text):
            raise ValueError(f"'{text}' is not an ISO 8601 duration (e.g. P12M, P90D, PT4H)")
        try:
            value = isodate.parse_duration(text)
        except (isodate.ISO8601Error, ValueError, TypeError, OverflowError) as exc:
            raise ValueError(
                f"'{text}' is not an ISO 8601 duration (e.g. P12M, P90D, PT4H)"
            ) from exc
        duration = cls(text, value)
        # Every date computed from a record must stay within the calendar: a duration of
        # more than a century is a typo, and would overflow date arithmetic later.
        try:
            too_long = duration.approx_timedelta() > MAX_DURATION
        except (OverflowError, ValueError):
            too_long = True
        if too_long:
            raise ValueError(f"'{text}' is longer than 100 years")
        return duration

    def after(self, day: dt.date) -> dt.date:
        """The date this duration after `day`, by the calendar; the last day of the calendar
        (9999-12-31) when it would fall beyond it."""
        try:
            moved = day + self._value
        except (OverflowError, ValueError):  # past year 9999
            return dt.date.max
        return moved.date() if isinstance(moved, dt.datetime) else moved

    def before(self, day: dt.date) -> dt.date:
        """The date this duration before `day`, by the calendar; the first day of the
        calendar (0001-01-01) when it would fall before it."""
        try:
            moved = day - self._value
        except (OverflowError, ValueError):  # before year 1
            return dt.date.min
        return moved.date() if isinstance(moved, dt.datetime) else moved

    def approx_timedelta(self, anchor: dt.date | None = None) -> dt.timedelta:
        """The length of the duration starting at `anchor` (default 2000-01-01; also when
        the duration would run past the end of the calendar from `anchor`)."""
        default = dt.date(2000, 1, 1)
        start = dt.datetime.combine(anchor or default, dt.time())
        try:
            end: dt.datetime = start + self._value
        except (OverflowError, ValueError):
            start = dt.datetime.combine(default, dt.time())
            end = start + self._value
        return end - start

    @property
    def hours(self) -> float:
        return self.approx_timedelta().total_seconds() / 3600

    def __str__(self) -> str:
        return self.text


def parse_date(value: object) -> dt.date:
    """A calendar date from `YYYY-MM-DD` text (or a date); ValueError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"'{value}' is not a date written YYYY-MM-DD")


def real_today() -> dt.date:
    return dt.date.today()


class Dated(Protocol):
    @property
    def date(self) -> dt.date: ...


D = TypeVar("D", bound=Dated)


def on_or_before(entries: Iterable[D], today: dt.date) -> list[tuple[int, D]]:
    """The entries dated on or before `today`, each with its index in `entries`.

    An entry dated after today records an event that has not happened (DOC004 reports it):
    it is no observation, no test and no review yet, so nothing that looks for the latest
    entry may count it. Every such look-up goes through here or `latest_dated`."""
    return [(i, entry) for i, entry in enumerate(entries) if not entry.date > today]


def latest_dated(entries: Iterable[D], today: dt.date) -> tuple[int, D] | None:
    """The entry with the latest `date` on or before `today` and its index (the later entry
    on a tie); None when there is none. Entries dated after today are ignored."""
    latest: tuple[int, D] | None = None
    for i, entry in on_or_before(entries, today):
        if latest is None or entry.date >= latest[1].date:
            latest = (i, entry)
    return latest
