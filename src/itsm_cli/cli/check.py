"""`itsm check`: validate plus every compliance rule."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from itsm_cli.cli import options
from itsm_cli.cli.findings_command import run_findings_command
from itsm_cli.findings import FailOn

SelectCodes = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Run only these rules: codes or prefixes, repeated or separated by commas, "
        "e.g. SLM,CAP002 (default: all, or the config).",
        metavar="CODES",
        show_default=False,
    ),
]
IgnoreCodes = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        help="Skip these rules: codes or prefixes, e.g. DOC002,WVR.",
        metavar="CODES",
        show_default=False,
    ),
]


def _codes(values: list[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    return tuple(c.strip().upper() for v in values for c in v.split(",") if c.strip())


def check(
    paths: options.Paths = None,
    select: SelectCodes = None,
    ignore: IgnoreCodes = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Lowest unwaived severity that fails the run [default: error, or the config].",
            show_default=False,
        ),
    ] = None,
    output_format: options.FindingsFormatOption = None,
    output: options.Output = None,
    today: options.Today = None,
    quiet: options.Quiet = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
    no_cache: options.NoCache = False,
    cache_dir: options.CacheDir = None,
    exit_zero: options.ExitZero = False,
) -> None:
    """Validate the records and run every compliance rule.

    Findings are sorted by file and line; waived findings are shown dimmed and never fail
    the run. Codes are case-insensitive; a code or prefix that matches no rule is a usage
    error, in --select/--ignore and in the configuration alike, so a typo cannot silently
    turn a check off. Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage error.

    Examples:

    \b
      itsm check                               # everything under the records root
      itsm check --select SLM,SUP --fail-on warning
      itsm check --ignore DOC002 --today 2026-11-23
      itsm check -f json -o findings.json
      itsm check -f sarif -o itsm.sarif --exit-zero   # for code scanning
    """
    day = options.parse_today(today)
    workspace = options.open_workspace(paths, config)
    options.refuse_record_output(output, workspace)
    selected, ignored = _codes(select), _codes(ignore)
    options.check_rule_codes(workspace, selected, ignored)
    settings = workspace.config.overlay(select=selected, ignore=ignored, fail_on=fail_on)
    workspace = replace(workspace, config=settings)
    display = options.Display.from_options(output, quiet, no_color)
    run_findings_command(
        "check", workspace, paths, day, output_format, display, settings.fail_on, run_rules=True,
        exit_zero=exit_zero, cache=options.results_cache(workspace, no_cache, cache_dir),
    )
