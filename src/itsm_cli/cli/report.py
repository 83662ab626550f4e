"""`itsm report NAME`: render a report as one self-contained HTML file or Markdown."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.reports.registry import FORMATS, REPORTS

if TYPE_CHECKING:
    from itsm_cli.records.cache import ResultsCache
    from itsm_cli.records.workspace import Workspace
    from itsm_cli.reports.registry import ReportFormat

    ReportFormatChoice = StrEnum
else:
    ReportFormatChoice = StrEnum("ReportFormatChoice", [(n.upper(), n) for n in FORMATS])
"""The `--format` choices of `itsm report`: the names in `reports.registry.FORMATS`."""
HTML = ReportFormatChoice("html")


def report(
    name: Annotated[
        str,
        typer.Argument(
            help=f"{', '.join(REPORTS)}, or all (with --out-dir).",
            metavar="NAME",
        ),
    ],
    paths: options.Paths = None,
    output_format: Annotated[
        ReportFormatChoice,
        typer.Option("--format", "-f", case_sensitive=False, help="Output format."),
    ] = HTML,
    output: options.Output = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir",
            help="Write every report (NAME all) or this one into DIR.",
            file_okay=False,
            metavar="DIR",
        ),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="Reporting period: 2026-10 or 2026-Q3 (default: the last complete one).",
            metavar="PERIOD",
        ),
    ] = None,
    agreement: Annotated[
        str | None,
        typer.Option("--agreement", help="Only this SLA/OLA (service report).", metavar="ID"),
    ] = None,
    edition: Annotated[
        str | None,
        typer.Option("--edition", help="Clause edition: 2018 or 2011.", metavar="YEAR"),
    ] = None,
    customer: Annotated[
        str | None,
        typer.Option(
            "--customer",
            help=(
                "Only this Customer: the SLAs naming it in customerRef (service report), "
                "itself alone (customers report)."
            ),
            metavar="ID",
        ),
    ] = None,
    today: options.Today = None,
    quiet: options.Quiet = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
    no_cache: options.NoCache = False,
    cache_dir: options.CacheDir = None,
) -> None:
    """Render a report a consultant can hand over or a service owner can send.

    HTML is one self-contained file (inline CSS and SVG charts, no scripts); Markdown is
    GitHub-flavoured. Every report names the records commit, the generation date, the
    edition and the --today used. A records repository can override any built-in template
    by putting one with the same name (e.g. gap.html.j2) in its templates folder.

    Examples:

    \b
      itsm report gap -o gap.html
      itsm report service --agreement SLA-ACME-HOSTING --period 2026-10 -f md
      itsm report all --out-dir reports/
      itsm report gap -f pdf -o gap.pdf   # needs itsm-cli[pdf]
    """

    names = list(REPORTS) if name == "all" else [name]
    if name != "all" and name not in REPORTS:
        from itsm_cli.records.errors import suggest

        guess = suggest(name, list(REPORTS))
        tip = f" (did you mean '{guess}'?)" if guess else ""
        raise typer.BadParameter(
            f"unknown report '{name}'{tip}; choose from {', '.join(REPORTS)} or all",
            param_hint="'NAME'",
        )
    if name == "all" and out_dir is None:
        raise typer.BadParameter("rendering all reports needs --out-dir", param_hint="'NAME'")
    if output is not None and out_dir is not None:
        raise typer.BadParameter(
            "give either --output FILE or --out-dir DIR, not both", param_hint="'--output' / '-o'"
        )
    if edition is not None and edition not in ("2018", "2011"):
        raise typer.BadParameter("must be 2018 or 2011", param_hint="'--edition'")
    if period is not None:
        from itsm_cli.dates import Period

        try:
            Period.parse(period)
        except ValueError:
            raise typer.BadParameter(
                "write a month (2026-10) or a quarter (2026-Q3)", param_hint="'--period'"
            ) from None
    chosen = FORMATS[output_format.value]
    if (
        chosen.name == "pdf"
        and output is None
        and out_dir is None
        and terminal.stdout_is_terminal()
    ):
        raise typer.BadParameter(
            "a PDF is not for a terminal: give --output FILE.pdf (or --out-dir DIR)",
            param_hint="'--output' / '-o'",
        )
    day = options.parse_today(today)
    workspace = options.open_workspace(paths, config)
    options.refuse_record_output(output, workspace)
    if not paths:
        options.require_records_root(workspace)
    _render(
        workspace,
        names,
        chosen,
        output,
        out_dir,
        period,
        agreement,
        edition or workspace.config.edition,
        day,
        paths,
        quiet,
        no_color,
        customer,
        options.results_cache(workspace, no_cache, cache_dir),
    )


NAME_WIDTH = max(len(name) for name in REPORTS) + 2


def report_list() -> str:
    """One entry per report of the table, its description wrapped to fit 80 columns."""
    lines = ["Reports:", "", "\b"]
    for spec in REPORTS.values():
        wrapped = textwrap.wrap(spec.description, 76 - 2 - NAME_WIDTH)
        lines.append(f"  {spec.name:<{NAME_WIDTH}}{wrapped[0]}")
        lines += [f"  {'':<{NAME_WIDTH}}{line}" for line in wrapped[1:]]
    return "\n".join(lines)


# The list of reports is the registry's, so a new report appears in the help by itself.
report.__doc__ = (report.__doc__ or "").replace(
    "\n    Examples:", "\n" + textwrap.indent(report_list(), "    ") + "\n\n    Examples:", 1
)


def _render(
    workspace: Workspace,
    names: list[str],
    fmt: ReportFormat,
    output: Path | None,
    out_dir: Path | None,
    period: str | None,
    agreement: str | None,
    edition: str,
    day: dt.date,
    paths: list[Path] | None,
    quiet: bool,
    no_color: bool,
    customer: str | None = None,
    cache: ResultsCache | None = None,
) -> None:
    from itsm_cli.records.index import load_repository
    from itsm_cli.records.load import InputError
    from itsm_cli.reports.environment import ReportError
    from itsm_cli.reports.pdf import PdfUnavailableError, html_to_pdf
    from itsm_cli.reports.provenance import provenance
    from itsm_cli.reports.registry import ReportInput, render_report
    from itsm_cli.rules.engine import check_repository

    try:
        with terminal.status("Reading and checking the records…", quiet or no_color):
            repository = load_repository(
                workspace, [Path(p) for p in paths or []], keep_data=False, parallel=True,
                cache=cache,
            )
            check = check_repository(
                repository, day, workspace.config, options.debug_requested()
            )
    except InputError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    data = ReportInput(
        workspace=workspace,
        repository=repository,
        check=check,
        today=day,
        edition=edition,
        provenance=provenance(workspace, day, edition),
        period=period,
        agreement=agreement,
        customer=customer,
    )
    user_templates = workspace.root / workspace.config.templates
    if "templates" in workspace.config.model_fields_set and not user_templates.is_dir():
        # The default folder may be absent (the built-in templates serve); a folder the
        # configuration names must exist, or its templates would be ignored unsaid.
        label = workspace.config_file.name if workspace.config_file else "configuration"
        what = "is not a folder" if user_templates.exists() else "not found"
        terminal.display_error(
            f"{label}: setting 'templates': '{workspace.config.templates}' {what}; "
            "give the folder of your report templates, or remove the setting"
        )
        raise typer.Exit(2)
    progress = terminal.progress(len(names), "Rendering reports", quiet or no_color)
    try:
        with progress as starting:
            for report_name in names:
                starting(report_name)
                page = render_report(report_name, fmt.template, data, user_templates)
                text: str | bytes = html_to_pdf(page, day) if fmt.name == "pdf" else page
                if out_dir is not None:
                    target = out_dir / f"{report_name}.{fmt.suffix}"
                    terminal.write_output(text, target)
                    if not quiet:
                        terminal.display_note(f"wrote {target}")
                else:
                    terminal.write_output(text, output)
                    if output is None and fmt.name == "html" and not quiet and sys.stdout.isatty():
                        terminal.display_note(
                            "that was the HTML source; write it to a file with -o "
                            f"{report_name}.html and open that in a browser"
                        )
    except (ReportError, PdfUnavailableError) as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
