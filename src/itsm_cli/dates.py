"""Dates and ISO 8601 durations, added by the calendar.

Durations are parsed by `isodate` and added to dates the calendar way (2026-01-31 + P1M =
2026-02-28), never as blocks of 30 days: a review "every 12 months" must fall on the same day
of the month a year later.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
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
PERIOD_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$"
"""What a Measurement or a ProcessReport may write as its period: a month or a quarter."""
BUDGET_PERIOD_PATTERN = r"^[0-9]{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$"
"""What a Budget may write as its period: a year as well."""
_DATE = re.compile(DATE_PATTERN)
_DURATION = re.compile(DURATION_PATTERN)
_PERIOD = re.compile(r"([0-9]{4})(?:-(?:(0[1-9]|1[0-2])|Q([1-4])))?")
_MONTH_NAMES = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
)


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
        if not isinstance(text, str):  # before the cache, which would refuse a list unhashed
            raise ValueError(_not_a_duration(text))
        return _parsed_duration(text)

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


def _not_a_duration(text: object) -> str:
    return f"'{text}' is not an ISO 8601 duration (e.g. P12M, P90D, PT4H)"


@functools.lru_cache(maxsize=1024)
def _parsed_duration(text: str) -> Duration:
    """Durations are immutable and a repository writes few distinct ones (`P12M` in most
    records): each text is parsed once per run, not once per field. Errors are not cached."""
    if not _DURATION.fullmatch(text):
        raise ValueError(_not_a_duration(text))
    try:
        value = isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, TypeError, OverflowError) as exc:
        raise ValueError(_not_a_duration(text)) from exc
    duration = Duration(text, value)
    # Every date computed from a record must stay within the calendar: a duration of more
    # than a century is a typo, and would overflow date arithmetic later.
    try:
        too_long = duration.approx_timedelta() > MAX_DURATION
    except (OverflowError, ValueError):
        too_long = True
    if too_long:
        raise ValueError(f"'{text}' is longer than 100 years")
    return duration


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


@functools.total_ordering
@dataclass(frozen=True, slots=True, eq=True)
class Period:
    """A calendar month (`2026-10`), quarter (`2026-Q4`) or, for a Budget, year (`2026`).

    Periods are ordered by their last day, then their first: the month 2026-12 comes after
    the quarter 2026-Q4 (which ends the same day but starts earlier), and every month of a
    quarter before the quarter's last month. Two periods are equal only when they are the
    same text: a quarter is not its three months."""

    length: int
    """Months in the period: 1, 3 or 12."""
    ordinal: int
    """Periods of this length since the calendar began: year × 12 + month − 1 for a month,
    year × 4 + quarter − 1 for a quarter, the year itself for a year."""

    @classmethod
    def parse(cls, text: str, *, year: bool = False) -> Period:
        """`2026-10` or `2026-Q4` (and `2026` with `year`), year 0001 to 9999; ValueError
        with the words a user is shown otherwise."""
        match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
        whole_year = match is not None and not (match.group(2) or match.group(3))
        if match is None or match.group(1) == "0000" or (whole_year and not year):
            also = ", a year (2026)" if year else ""
            raise ValueError(
                f"'{text}' is not a period: write a month (2026-10){also} or a quarter (2026-Q3)"
            )
        number = int(match.group(1))
        if match.group(3):
            return cls.quarter(number, int(match.group(3)))
        if match.group(2):
            return cls.month(number, int(match.group(2)))
        return cls(12, number)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(1, year * 12 + month - 1)

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(3, year * 4 + quarter - 1)

    @classmethod
    def containing(cls, day: dt.date, quarterly: bool) -> Period:
        """The month, or the quarter, that `day` falls in."""
        if quarterly:
            return cls.quarter(day.year, (day.month - 1) // 3 + 1)
        return cls.month(day.year, day.month)

    @classmethod
    def last_complete(cls, today: dt.date, quarterly: bool) -> Period:
        """The latest month (or quarter) whose last day is before today: 2026-10 (monthly) or
        2026-Q3 (quarterly) on 2026-11-23. ValueError when today lies in the first period of
        the calendar (0001-01, 0001-Q1): none ended before it."""
        previous = cls.containing(today, quarterly).shift(-1)
        if previous.year < 1:
            raise ValueError(f"no reporting period ended before {today.isoformat()}")
        return previous

    @property
    def _per_year(self) -> int:
        return 12 // self.length

    @property
    def quarterly(self) -> bool:
        return self.length == 3

    @property
    def year(self) -> int:
        return self.ordinal // self._per_year

    @property
    def number(self) -> int:
        """Month 1–12, quarter 1–4, or 1 for a year."""
        return self.ordinal % self._per_year + 1

    @property
    def first_month(self) -> int:
        return (self.number - 1) * self.length + 1

    @property
    def start(self) -> dt.date:
        """The first day of the period."""
        return dt.date(self.year, self.first_month, 1)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        month = self.first_month + self.length - 1
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def next(self) -> Period:
        """The period of the same length that follows this one."""
        return self.shift(1)

    @property
    def text(self) -> str:
        """As a record writes it: `2026-10`, `2026-Q4`, `2026`."""
        if self.length == 12:
            return f"{self.year:04d}"
        if self.quarterly:
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}-{self.number:02d}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def complete(self, today: dt.date) -> bool:
        """Whether the period has ended: its last day is before today."""
        return self.end < today

    def shift(self, periods: int) -> Period:
        return Period(self.length, self.ordinal + periods)

    def months(self) -> tuple[Period, ...]:
        """The months of the period, in order; a month is its own."""
        first = Period.month(self.year, self.first_month)
        return tuple(first.shift(k) for k in range(self.length))

    def as_granularity(self, quarterly: bool) -> Period:
        """This month or quarter in the other granularity: the quarter containing a month,
        or the last month of a quarter."""
        if quarterly == self.quarterly:
            return self
        if quarterly:
            return Period.containing(self.start, True)
        return self.months()[-1]

    def short_label(self, first: bool = False) -> str:
        """A label narrow enough for a chart of 12 bars: the year only on January or Q1, and
        on the first bar unless the next one starts a year."""
        if self.length == 12:
            return self.text
        name = f"Q{self.number}" if self.quarterly else _MONTH_NAMES[self.number - 1]
        with_year = self.number == 1 or (first and self.next.number != 1)
        return f"{name} {self.year}" if with_year else name

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.end, self.start) < (other.end, other.start)

    def __str__(self) -> str:
        return self.text
