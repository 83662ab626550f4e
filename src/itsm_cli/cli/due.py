"""`itsm due`: every deadline ahead, soonest first."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.output import DUE

if TYPE_CHECKING:
    from itsm_cli.dates import Duration

    DueFormat = StrEnum
else:
    DueFormat = DUE.choices("DueFormat")
"""Output formats of `itsm due`: the names in `output.DUE`."""
TEXT = DueFormat("text")


def _within(value: str | None) -> Duration | None:
    from itsm_cli.dates import Duration

    if value is None:
        return None
    try:
        return Duration.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(
            f"'{value}' is not an ISO 8601 duration such as P60D, P3M or P1Y ({exc})",
            param_hint="'--within'",
        ) from exc


def due(
    paths: options.Paths = None,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            help="Only deadlines up to today + DURATION (ISO 8601: P60D, P3M) "
            "[default: every deadline ahead].",
            metavar="DURATION",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DueFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = TEXT,
    output: options.Output = None,
    today: options.Today = None,
    quiet: options.QuietTable = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
    no_cache: options.NoCache = False,
    cache_dir: options.CacheDir = None,
) -> None:
    """List every deadline ahead, soonest first.

    Reviews falling due, the last day to give notice on a contract, agreements and
    contracts ending, waivers expiring, the next continuity test, capacity actions due:
    each with its record, owner, and the rule `itsm check` reports once the date has
    passed (deadlines already passed are those findings, not listed here). The ics
    format is a calendar file with one all-day event per deadline and stable UIDs, so
    importing it again updates the events (needs `pip install 'itsm-cli[ics]'`).

    Examples:

    \b
      itsm due                             # every deadline ahead
      itsm due --within P60D               # the next 60 days
      itsm due -f ics -o deadlines.ics     # for a calendar
      itsm due -f json --today 2026-11-23  # reproducible, for other tools
    """
    from itsm_cli.interop.ics import MissingExtraError
    from itsm_cli.rules.deadlines import DueResult, find_deadlines

    day = options.parse_today(today)
    span = _within(within)
    workspace = options.open_workspace(paths, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, no_color)
    repository = options.load_records(
        workspace, paths, cache=options.results_cache(workspace, no_cache, cache_dir)
    )
    result = DueResult(day, span, find_deadlines(repository.index, workspace.config, day, span))
    if repository.left_out and not quiet:
        from itsm_cli.reports.omissions import left_out

        # A record that fails validation has no deadlines to give: said, so that an empty
        # or short list is not read as all there is.
        terminal.display_warning(
            f"{left_out(repository).sentence} Their deadlines are not listed."
        )
    try:
        text = DUE.renderer(output_format.value)(result, display.render_options())
    except MissingExtraError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    terminal.write_output(text, display.output)
