"""`itsm validate`: YAML syntax, envelope, schema, duplicate ids, broken references."""

from __future__ import annotations

from typing import Annotated

import typer

from itsm_cli.cli import options
from itsm_cli.cli.findings_command import run_findings_command


def validate(
    paths: options.Paths = None,
    output_format: options.FindingsFormatOption = None,
    output: options.Output = None,
    today: options.Today = None,
    quiet: options.Quiet = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
    no_cache: options.NoCache = False,
    cache_dir: options.CacheDir = None,
    exit_zero: options.ExitZero = False,
    schema_only: Annotated[
        bool,
        typer.Option(
            "--schema-only",
            help="Check each file on its own: skip duplicate ids and references, which need "
            "every record (for pre-commit hooks on the staged files).",
        ),
    ] = False,
) -> None:
    """Check YAML syntax, the record schemas, duplicate ids and references.

    Files unchanged since the last run are not parsed again: what reading them gave is kept
    in the results cache (.itsm_cache/ at the repository root; --cache-dir or ITSM_CACHE_DIR
    elsewhere, --no-cache to read everything). Validation and references run every time.

    Exit status: 0 no errors, 1 errors found, 2 usage or configuration error.

    Examples:

    \b
      itsm validate                      # the records root (default records/)
      itsm validate records/agreements/  # one folder
      itsm validate -f json -o findings.json
      itsm validate --schema-only records/services/svc-web.yaml
    """
    day = options.parse_today(today)
    workspace = options.open_workspace(paths, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, no_color)
    run_findings_command(
        "validate", workspace, paths, day, output_format, display, "error", run_rules=False,
        exit_zero=exit_zero, cross_checks=not schema_only,
        cache=options.results_cache(workspace, no_cache, cache_dir),
    )
