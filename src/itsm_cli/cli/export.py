"""`itsm export csv|xlsx`: the gap analysis, findings, record inventory and deadlines as
spreadsheets."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from itsm_cli.cli import options, terminal


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ViewName(StrEnum):
    """The views of `itsm export` (`interop.views.VIEWS`), or all of them."""

    GAP = "gap"
    FINDINGS = "findings"
    INVENTORY = "inventory"
    DEADLINES = "deadlines"
    ALL = "all"


def export(
    export_format: Annotated[
        ExportFormat,
        typer.Argument(help="csv (one file per view) or xlsx (one sheet per view).",
                       case_sensitive=False, metavar="csv|xlsx", show_default=False),
    ],
    paths: options.Paths = None,
    view: Annotated[
        ViewName,
        typer.Option("--view", help="Which table to export.", case_sensitive=False),
    ] = ViewName.ALL,
    output: options.Output = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out-dir", help="Write each view's CSV file (gap.csv, findings.csv …) into DIR.",
            file_okay=False, metavar="DIR", show_default=False,
        ),
    ] = None,
    edition: Annotated[
        str | None,
        typer.Option("--edition", help="Edition for the gap view: 2018 or 2011 [default: "
                     "2018, or the config].", show_default=False),
    ] = None,
    today: options.Today = None,
    quiet: options.QuietTable = False,
    config: options.ConfigFile = None,
    no_cache: options.NoCache = False,
    cache_dir: options.CacheDir = None,
) -> None:
    """Export the gap analysis, findings, inventory and deadlines as spreadsheets.

    Views: gap (clause by clause, with evidence and findings), findings (every finding
    of `itsm check`, waived ones marked), inventory (every record with owner, status,
    approval and review dates) and deadlines (`itsm due`). CSV is UTF-8 with a
    byte-order mark, one file per view; XLSX (`pip install 'itsm-cli[xlsx]'`) is one
    workbook with a sheet per view, frozen and filterable headers and coloured statuses,
    the same bytes for the same records and --today. Text a spreadsheet would run as a
    formula (starting with = + - @) is written with a leading '.

    Examples:

    \b
      itsm export xlsx -o gap-analysis.xlsx
      itsm export csv --out-dir export/
      itsm export csv --view findings > findings.csv
    """
    from dataclasses import replace

    from itsm_cli.clauses.standard import load_catalogue
    from itsm_cli.interop import views as tables
    from itsm_cli.interop.csv_export import render_csv
    from itsm_cli.interop.xlsx_export import MissingExtraError, render_xlsx
    from itsm_cli.rules.coverage import compute_coverage
    from itsm_cli.rules.deadlines import find_deadlines
    from itsm_cli.rules.engine import check_repository

    names = list(tables.VIEWS) if view is ViewName.ALL else [view.value]
    if output is not None and out_dir is not None:
        raise typer.BadParameter(
            "give either --output FILE or --out-dir DIR, not both", param_hint="'--output' / '-o'"
        )
    if export_format is ExportFormat.CSV and len(names) > 1 and out_dir is None:
        raise typer.BadParameter(
            "CSV holds one view a file: give --out-dir DIR for all of them, or one --view",
            param_hint="'--out-dir'",
        )
    if export_format is ExportFormat.XLSX and output is None and out_dir is None:
        raise typer.BadParameter(
            "a workbook is written to a file: give --output FILE.xlsx", param_hint="'--output'"
        )
    if edition is not None and edition not in ("2018", "2011"):
        raise typer.BadParameter("must be 2018 or 2011", param_hint="'--edition'")
    day = options.parse_today(today)
    workspace = options.open_workspace(paths, config)
    options.refuse_record_output(output, workspace)
    settings = workspace.config.overlay(edition=edition)
    workspace = replace(workspace, config=settings)
    with terminal.status("Reading and checking the records…", quiet):
        repository = options.load_records(
            workspace, paths, cache=options.results_cache(workspace, no_cache, cache_dir)
        )
        result = check_repository(repository, day, settings)
    built: list[tables.View] = []
    for name in names:
        if name == "gap":
            coverage = compute_coverage(
                repository.index, result.findings, load_catalogue(settings.edition), day,
                settings,
            )
            built.append(tables.gap_view(coverage))
        elif name == "findings":
            built.append(tables.findings_view(result.findings))
        elif name == "inventory":
            built.append(tables.inventory_view(repository.index, settings, day))
        else:
            built.append(
                tables.deadlines_view(find_deadlines(repository.index, settings, day), day)
            )
    if export_format is ExportFormat.XLSX:
        try:
            data = render_xlsx(built, day)
        except MissingExtraError as exc:
            terminal.display_error(str(exc))
            raise typer.Exit(2) from exc
        target = output if output is not None else (out_dir or Path()) / "itsm-export.xlsx"
        terminal.write_output(data, target)
        if not quiet:
            terminal.display_note(f"wrote {target} ({', '.join(names)})")
        return
    for table in built:
        destination = out_dir / f"{table.name}.csv" if out_dir is not None else output
        terminal.write_output(render_csv(table), destination)
        if destination is not None and not quiet:
            terminal.display_note(f"wrote {destination}")
