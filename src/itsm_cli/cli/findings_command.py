"""What `validate` and `check` share: load the repository, optionally run the rules, format
the findings, choose the exit status."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.findings import FailOn

if TYPE_CHECKING:
    from itsm_cli.records.cache import ResultsCache
    from itsm_cli.records.workspace import Workspace


def run_findings_command(
    command: str,
    workspace: Workspace,
    paths: list[Path] | None,
    today: dt.date,
    output_format: options.FindingsFormat | None,
    display: options.Display,
    fail_on: FailOn,
    run_rules: bool,
    debug: bool = False,
    exit_zero: bool = False,
    cross_checks: bool = True,
    cache: ResultsCache | None = None,
) -> None:
    from itsm_cli.findings import Finding, FindingsReport, cap_per_file, fails
    from itsm_cli.output import FINDINGS
    from itsm_cli.records.yamlread import parsed_without_libyaml

    repository = options.load_records(workspace, paths, cross_checks=cross_checks, cache=cache)
    if parsed_without_libyaml():
        terminal.display_warning(
            "libyaml is not available; the records were read with the slower pure-Python parser"
        )
    if run_rules:
        from itsm_cli.rules.engine import check_repository

        result = check_repository(
            repository, today, workspace.config, debug or options.debug_requested()
        )
        findings = result.findings
    else:
        findings = sorted(repository.findings, key=Finding.sort_key)
    # Capped here, for what is printed: coverage (gap, reports) counts every finding.
    findings = sorted(cap_per_file(findings), key=Finding.sort_key)
    report = FindingsReport(
        findings=repository.in_focus(findings),
        records=repository.reported_records,
        files=repository.reported_files,
        command=command,
        fail_on=fail_on,
        subjects=[
            (r.file, r.id, r.line)
            for r in repository.index.records
            if repository.focus is None or r.file in repository.focus
        ],
    )
    name = (output_format or default_format()).value
    terminal.write_output(FINDINGS.streamer(name)(report, display.render_options()), display.output)
    if fails(report.findings, fail_on) and not exit_zero:
        raise typer.Exit(1)


def default_format() -> options.FindingsFormat:
    """`github` inside GitHub Actions (annotations on the changed lines), else `text`."""
    return options.FindingsFormat("github" if os.environ.get("GITHUB_ACTIONS") else "text")
