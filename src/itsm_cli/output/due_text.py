"""`itsm due` for a terminal: one table, soonest first, the days left in colour (red within
a week, yellow within a month) when the options allow colour."""

from __future__ import annotations

import io

from itsm_cli.output import RenderOptions
from itsm_cli.output.console import buffer_console
from itsm_cli.rules.deadlines import DueResult


def _style(days: int) -> str:
    if days <= 7:
        return "bold red"
    return "yellow" if days <= 31 else ""


def render_due(result: DueResult, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = buffer_console(buffer, options)
    span = f" within {result.within.text}" if result.within is not None else ""
    if not result.deadlines:
        console.print(f"No deadline ahead from {result.today.isoformat()}{span}.")
        return buffer.getvalue()
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Date", no_wrap=True)
    table.add_column("Days", justify="right", no_wrap=True)
    table.add_column("Record", no_wrap=True)
    table.add_column("Owner")
    table.add_column("Deadline", ratio=1)
    table.add_column("Then", no_wrap=True)
    for d in result.deadlines:
        days = (d.date - result.today).days
        table.add_row(
            d.date.isoformat(),
            Text(str(days), style=_style(days)),
            d.record,
            d.owner,
            d.what,
            d.rule or "",
        )
    console.print(table)
    if not options.quiet:
        count = len(result.deadlines)
        console.print(
            f"{count} deadline{'s' if count != 1 else ''} from {result.today.isoformat()}{span}; "
            "'Then' is the rule `itsm check` reports once the date has passed"
        )
    return buffer.getvalue()
