"""`itsm due --format ics`: the deadlines as an iCalendar file, one all-day event each.

Each event's UID is the record id and the kind of deadline (`sup-cloudhost-notice@itsm-cli`),
so a calendar that imports a newer file updates the event (a moved date moves it) instead of
adding a second one. DTSTAMP is the run's `today`, never the clock, so the same records and
`--today` give the same file byte for byte. Written with the icalendar library (the extra
`itsm-cli[ics]`), which folds lines and escapes text as RFC 5545 asks.
"""

from __future__ import annotations

import datetime as dt

from itsm_cli.output import RenderOptions
from itsm_cli.rules.deadlines import DueResult

INSTALL_HINT = "pip install 'itsm-cli[ics]'"


class MissingExtraError(Exception):
    """An optional library is not installed; the message says how to install it."""


def render_due(result: DueResult, options: RenderOptions) -> str:
    try:
        import icalendar
    except ImportError as exc:
        raise MissingExtraError(
            f"--format ics needs the icalendar library: {INSTALL_HINT}"
        ) from exc
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//itsm-cli//itsm due//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "ITSM deadlines")
    stamp = dt.datetime.combine(result.today, dt.time(0, 0), tzinfo=dt.UTC)
    for d in result.deadlines:
        event = icalendar.Event()
        event.add("uid", d.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", d.date)
        if d.date < dt.date.max:  # without DTEND a DATE event lasts its day (RFC 5545)
            event.add("dtend", d.date + dt.timedelta(days=1))
        event.add("summary", f"{d.record}: {d.what}")
        rule = f"Once passed, itsm check reports {d.rule}." if d.rule else ""
        event.add(
            "description",
            f"{d.what}\nRecord: {d.record} ({d.kind}), {d.file}:{d.line}\n"
            f"Owner: {d.owner}\n{rule}".rstrip(),
        )
        event.add("categories", [d.deadline])
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    data: bytes = calendar.to_ical()
    return data.decode("utf-8")
