"""Options every command shares, declared once, and the run context built from them."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import terminal
from itsm_cli.output import FINDINGS, RenderOptions

if TYPE_CHECKING:
    from itsm_cli.records.cache import ResultsCache
    from itsm_cli.records.index import Repository
    from itsm_cli.records.workspace import Workspace

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
QuietTable = Annotated[
    bool,
    typer.Option("--quiet", "-q", help="Leave out the notes and the legend below the table."),
]
NoColor = Annotated[
    bool, typer.Option("--no-color", help="Never use colour (also: NO_COLOR=1).")
]
# Each command's `--format` enum is built at run time from its result type's table, so the
# type checker, which cannot see its members, knows it as any StrEnum.
if TYPE_CHECKING:
    FindingsFormat = StrEnum
else:
    FindingsFormat = FINDINGS.choices("FindingsFormat")
"""Output formats of the commands that report findings: the names in `output.FINDINGS`."""


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
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Read every file again: neither use nor update the results cache.",
    ),
]
CacheDir = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Folder of the results cache, which spares re-reading unchanged files "
        "(default: .itsm_cache at the repository root).",
        envvar="ITSM_CACHE_DIR",
        file_okay=False,
        metavar="DIR",
        show_default=False,
    ),
]


def results_cache(
    workspace: Workspace, no_cache: bool, cache_dir: Path | None
) -> ResultsCache | None:
    """The results cache of this run (`records.cache`), or None with `--no-cache`."""
    if no_cache:
        return None
    from itsm_cli.records.cache import CACHE_DIR, ResultsCache

    directory = cache_dir if cache_dir is not None else workspace.root / CACHE_DIR
    if cache_dir is None and directory.is_symlink():
        # A link committed in the repository must not make us write (or prune) elsewhere.
        return None
    return ResultsCache.for_settings(directory, workspace.config.model_dump(mode="json"))


# Set for one run by `--debug` (wherever it stands on the command line); read by the
# commands that run rules, so a crashing rule shows its traceback instead of a finding.
DEBUG: ContextVar[bool] = ContextVar("itsm_debug", default=False)


def debug_requested() -> bool:
    """True when this run was started with `--debug`."""
    return DEBUG.get()


def parse_today(value: str | None) -> dt.date:
    from itsm_cli.dates import parse_date, real_today

    if value is None:
        return real_today()
    try:
        return parse_date(value)
    except ValueError as exc:
        message = str(exc)
        try:  # written YYYY-MM-DD, yet no day of the calendar (2026-02-30)?
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                dt.date.fromisoformat(value)
        except ValueError as why:
            message = f"'{value}' is not a day of the calendar ({why})"
        raise typer.BadParameter(message, param_hint="'--today'") from exc


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
    from itsm_cli.config import ConfigError
    from itsm_cli.records.workspace import load_workspace, marked_root

    here = Path.cwd()
    start = paths[0] if paths else here
    if not start.exists():
        start = here
    elif marked_root(start) is None and here in Path(os.path.abspath(start)).parents:
        # A plain folder (no itsm.toml, no Git): `itsm validate records/services/x.yaml`
        # is about the records of the folder the command runs in, not of x.yaml's folder.
        start = here
    try:
        return load_workspace(start, config_file)
    except ConfigError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc


def refuse_record_output(output: Path | None, workspace: Workspace) -> None:
    """A usage error (exit 2) when --output names a YAML file under the records root: the
    output would replace a record, or be read as one on the next run."""
    if output is None or not output.name.lower().endswith((".yaml", ".yml")):
        return
    root = workspace.records_root.resolve()
    target = output.resolve()  # through links, to where the file would really be written
    if root == target or root in target.parents:
        raise typer.BadParameter(
            f"{output} is a YAML file under the records root "
            f"'{_shown(workspace.records_root)}', where it would replace or become a record; "
            "write the output elsewhere",
            param_hint="'--output' / '-o'",
        )


def load_records(
    workspace: Workspace,
    paths: list[Path] | None,
    cross_checks: bool = True,
    cache: ResultsCache | None = None,
) -> Repository:
    """Load the records under `paths` (default: the records root), through the results
    `cache` when there is one. A path or records root that does not exist is one line and
    exit 2; finding no record file at all is a warning (the run goes on: an empty folder is
    not an error, but it is rarely what was meant)."""
    from itsm_cli.records.index import load_repository
    from itsm_cli.records.load import InputError

    if not paths:
        require_records_root(workspace)
    try:
        # These commands read models and positions only: the plain data need not stay.
        repository = load_repository(
            workspace, [Path(p) for p in paths or []], cross_checks=cross_checks,
            keep_data=False, parallel=True, cache=cache,
        )
    except InputError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    if repository.reported_files == 0 and not repository.in_focus(repository.findings):
        where = ", ".join(str(p) for p in paths) if paths else _shown(workspace.records_root)
        terminal.display_warning(f"no record files (*.yaml, *.yml) found in {where}")
    return repository


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when that is short."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if not relative.startswith("../..") else str(path)


def require_records_root(workspace: Workspace, takes_paths: bool = True) -> None:
    """Exit 2 with one line when the records root is missing or not a folder.
    `takes_paths`: the command accepts PATH arguments instead of the records root."""
    root = workspace.records_root
    if root.is_dir():
        return
    problem = "is not a folder" if root.exists() else "does not exist"
    if workspace.config_file is not None:
        advice = f" (set by `records` in {workspace.config_file.name})"
    else:
        paths = " name the files or folders to check," if takes_paths else ""
        advice = (
            ": run itsm in a records repository (`itsm init` starts one),"
            f"{paths} or set `records` in itsm.toml"
        )
    terminal.display_error(f"records root '{_shown(root)}' {problem}{advice}")
    raise typer.Exit(2)


def check_rule_codes(
    workspace: Workspace, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None
) -> None:
    """Refuse rule codes that match no rule, from the configuration (exit 2) and from
    --select / --ignore (a usage error): a typo would otherwise select nothing, or ignore
    nothing, without a word."""
    from itsm_cli.records.errors import suggest
    from itsm_cli.rules import all_rules

    known = list(all_rules())
    prefixes = sorted({c.rstrip("0123456789") for c in known}) + known

    def problem(code: str, exact: bool) -> str | None:
        if code in known or (not exact and any(k.startswith(code) for k in known)):
            return None
        guess = suggest(code, known if exact else prefixes)
        tip = f" (did you mean '{guess}'?)" if guess else "; `itsm rules` lists them"
        what = "is not a rule code" if exact else "matches no rule code"
        return f"'{code}' {what}{tip}"

    settings = workspace.config
    name = workspace.config_file.name if workspace.config_file else "configuration"
    configured = [("select", c, False) for c in settings.select]
    configured += [("ignore", c, False) for c in settings.ignore]
    configured += [("severity", c, True) for c in settings.severity]
    for key, code, exact in configured:
        found = problem(code, exact)
        if found:
            terminal.display_error(f"{name}: setting '{key}': {found}")
            raise typer.Exit(2)
    for option, codes in (("--select", select), ("--ignore", ignore)):
        for code in codes or ():
            found = problem(code, False)
            if found:
                raise typer.BadParameter(found, param_hint=f"'{option}'")
