"""Options every command shares, declared once, and the run context built from them."""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import terminal
from itsm_cli.output import RenderOptions

if TYPE_CHECKING:
    from itsm_cli.config import Workspace

Paths = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Record files or folders (default: the records root from the configuration).",
        show_default=False,
        metavar="PATH",
    ),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to FILE instead of standard output.", dir_okay=False,
        metavar="FILE",
    ),
]
Today = Annotated[
    str | None,
    typer.Option(
        "--today",
        help="Date that date-relative rules treat as today (default: the real date).",
        metavar="YYYY-MM-DD",
    ),
]
Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print findings only: no hints, no summary.")
]
NoColor = Annotated[
    bool, typer.Option("--no-color", help="Never use colour (also: NO_COLOR=1).")
]
class FindingsFormat(StrEnum):
    """Output formats of the commands that report findings (validate, check, diff)."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    GITLAB = "gitlab"
    JUNIT = "junit"
    MARKDOWN = "markdown"


FindingsFormatOption = Annotated[
    FindingsFormat | None,
    typer.Option(
        "--format", "-f", help="Output format (default: text; github when GITHUB_ACTIONS is set).",
        case_sensitive=False,
    ),
]
ExitZero = Annotated[
    bool,
    typer.Option("--exit-zero", help="Report the findings, but exit 0 whatever they are."),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config", help="Configuration file (default: itsm.toml or pyproject.toml [tool.itsm]).",
        dir_okay=False, metavar="FILE",
    ),
]


def parse_today(value: str | None) -> dt.date:
    from itsm_cli.dates import parse_date, real_today

    if value is None:
        return real_today()
    try:
        return parse_date(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--today'") from exc


@dataclass(frozen=True, slots=True)
class Display:
    """How results are shown: colour, width, quietness, destination."""

    color: bool
    width: int
    quiet: bool
    output: Path | None

    @classmethod
    def from_options(cls, output: Path | None, quiet: bool, no_color: bool) -> Display:
        color = output is None and terminal.stream_wants_color(sys.stdout, no_color)
        return cls(color, terminal.width(), quiet, output)

    def render_options(self) -> RenderOptions:
        return RenderOptions(color=self.color, width=self.width, quiet=self.quiet)


def open_workspace(paths: list[Path] | None, config_file: Path | None) -> Workspace:
    """The workspace around the first path (or the current folder); exit 2 on bad config."""
    from itsm_cli.config import ConfigError, load_workspace

    start = paths[0] if paths else Path.cwd()
    if not start.exists():
        start = Path.cwd()
    try:
        return load_workspace(start, config_file)
    except ConfigError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
