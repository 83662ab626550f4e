"""`itsm validate`: YAML syntax, envelope, schema, duplicate ids, broken references."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from itsm_cli.cli import options, terminal


class FindingsFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


FormatOption = Annotated[
    FindingsFormat | None,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]


def validate(
    paths: options.Paths = None,
    output_format: FormatOption = None,
    output: options.Output = None,
    today: options.Today = None,
    quiet: options.Quiet = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """Check YAML syntax, the record schemas, duplicate ids and references.

    Exit status: 0 no errors, 1 errors found, 2 usage or configuration error.

    Examples:

    \b
      itsm validate                      # the records root (itsm.toml, default records/)
      itsm validate records/agreements/  # one folder
      itsm validate -f json -o findings.json
    """
    from itsm_cli.findings import FindingsReport, fails
    from itsm_cli.output import findings_formatter
    from itsm_cli.records.index import load_repository
    from itsm_cli.records.load import InputError
    from itsm_cli.records.yamlread import LIBYAML

    options.parse_today(today)  # validate the option even though schema checks ignore it
    workspace = options.open_workspace(paths, config)
    display = options.Display.from_options(output, quiet, no_color)
    if not LIBYAML:
        terminal.display_warning("libyaml is not available; using the slower pure-Python parser")
    try:
        repository = load_repository(workspace, [Path(p) for p in paths or []])
    except InputError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    report = FindingsReport(
        findings=sorted(repository.findings, key=lambda f: f.sort_key()),
        records=len(repository.index),
        files=len(repository.files),
        command="validate",
    )
    name = (output_format or FindingsFormat.TEXT).value
    terminal.write_output(findings_formatter(name)(report, display.render_options()), output)
    if fails(report.findings, "error"):
        raise typer.Exit(1)
