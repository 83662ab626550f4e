"""`itsm due` for a terminal: one table, soonest first, the days left in colour (red within
a week, yellow within a month) when the options allow colour.

The table is laid out here rather than by rich: rich measures and renders every cell of a
table (7.6 s for the 15,000 deadlines of 10,000 records); this is one pass over the rows."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from itsm_cli.output import RenderOptions
from itsm_cli.output.escape import terminal_safe
from itsm_cli.rules.deadlines import DueResult

HEADERS = ("Date", "Days", "Record", "Owner", "Deadline", "Then")
_GAP = "   "
_MIN_DEADLINE = 16
"""The narrowest the Deadline column gets on a narrow terminal (its text wraps)."""
_MIN_OWNER = 8


def _color(days: int) -> str:
    if days <= 7:
        return "1;31"
    return "33" if days <= 31 else ""


def _cells(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def _pad(text: str, width: int, right: bool = False) -> str:
    room = " " * max(0, width - _cells(text))
    return room + text if right else text + room


def _truncated(text: str, width: int) -> str:
    """`text` in at most `width` cells, ending with `…` when cut."""
    if _cells(text) <= width:
        return text
    from rich.cells import set_cell_size

    return set_cell_size(text, width - 1) + "…"


def _wrapped(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` cells, broken between words where it can be
    (textwrap counts characters: a line of wide characters is cut again by cells)."""
    lines = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if text.isascii():
        return lines
    from rich.cells import chop_cells

    return [part for line in lines for part in chop_cells(line, width)]


def _widths(rows: Sequence[tuple[str, ...]], width: int) -> list[int]:
    """Each column's width: all as wide as their longest cell when the table fits `width`;
    otherwise Owner and Deadline share what is left, Deadline (wrapped) at least half of it
    and Owner (cut) the rest."""
    natural = [max(_cells(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    date, days, record, owner, deadline, then = natural
    left = width - (date + days + record + then) - len(_GAP) * (len(HEADERS) - 1)
    if owner + deadline > left:
        owner = min(owner, max(_MIN_OWNER, left - max(_MIN_DEADLINE, left // 2)))
        deadline = min(deadline, max(_MIN_DEADLINE, left - owner))
    return [date, days, record, owner, deadline, then]


def render_due(result: DueResult, options: RenderOptions) -> str:
    span = f" within {result.within.text}" if result.within is not None else ""
    if not result.deadlines:
        return f"No deadline ahead from {result.today.isoformat()}{span}.\n"

    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if options.color and code else text

    rows = [
        (
            d.date.isoformat(),
            str((d.date - result.today).days),
            terminal_safe(d.record),
            terminal_safe(d.owner),
            terminal_safe(d.what),
            d.rule or "",
        )
        for d in result.deadlines
    ]
    widths = _widths(rows, options.width)
    date_w, days_w, record_w, owner_w, deadline_w, _ = widths
    lines = [
        paint(
            _GAP.join(
                _pad(h, w, h == "Days") for h, w in zip(HEADERS, widths, strict=True)
            ).rstrip(),
            "1",
        ),
        "─" * (sum(widths) + len(_GAP) * (len(widths) - 1)),
    ]
    blank = [" " * date_w, " " * days_w, " " * record_w, " " * owner_w]
    for date, days, record, owner, what, then in rows:
        parts = _wrapped(what, deadline_w)
        lines.append(
            _GAP.join(
                (
                    date,
                    paint(_pad(days, days_w, right=True), _color(int(days))),
                    _pad(record, record_w),
                    _pad(_truncated(owner, owner_w), owner_w),
                    _pad(parts[0], deadline_w),
                    then,
                )
            )
        )
        lines.extend(_GAP.join([*blank, part]) for part in parts[1:])
    if not options.quiet:
        count = len(result.deadlines)
        lines.append(
            f"{count} deadline{'s' if count != 1 else ''} from {result.today.isoformat()}{span}; "
            "'Then' is the rule `itsm check` reports once the date has passed"
        )
    return "".join(line.rstrip() + "\n" for line in lines)
