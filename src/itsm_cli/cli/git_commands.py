"""`itsm diff` and `itsm history`: what a change does to compliance, and who changed a record."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.cli.gap import Edition
from itsm_cli.findings import FailOn
from itsm_cli.output import DIFF, HISTORY

if TYPE_CHECKING:
    DiffFormat = StrEnum
    HistoryFormat = StrEnum
else:
    DiffFormat = DIFF.choices("DiffFormat")
    HistoryFormat = HISTORY.choices("HistoryFormat")


def diff(
    base: Annotated[
        str,
        typer.Option("--base", help="Commit, branch or tag to compare against.", metavar="REF"),
    ],
    head: Annotated[
        str | None,
        typer.Option(
            "--head",
            help="Commit to compare (default: the working tree, uncommitted changes included).",
            metavar="REF",
        ),
    ] = None,
    fail_on: Annotated[
        FailOn | None,
        typer.Option(
            "--fail-on",
            help="Fail when an introduced finding is at or above this severity "
            "[default: error, or the config].",
            show_default=False,
        ),
    ] = None,
    allow_coverage_drop: Annotated[
        bool,
        typer.Option(
            "--allow-coverage-drop", help="Do not fail when a covered clause loses coverage."
        ),
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Report, but always exit 0.")
    ] = False,
    edition: Annotated[
        Edition | None,
        typer.Option(
            "--edition",
            help="Clause edition for coverage [default: 2018, or the config].",
            case_sensitive=False,
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="Output format (sarif, github, junit, gitlab report the introduced findings).",
        ),
    ] = None,
    output: options.Output = None,
    today: options.Today = None,
    quiet: options.Quiet = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """Show what a change does to the records and to compliance.

    Records added, removed, renamed and changed (field by field), findings introduced and
    resolved, and clause coverage before and after. The base is read from Git objects; the
    working tree is never touched. Exit status 1 when a change introduces a finding at or
    above --fail-on, or a covered clause loses coverage.

    Examples:

    \b
      itsm diff --base origin/main                 # the working tree against main
      itsm diff --base main --head feature/sla     # two commits
      itsm diff --base origin/main -f markdown -o comment.md
    """
    from dataclasses import replace

    from itsm_cli.gitops.diff import diff_repository
    from itsm_cli.gitops.git import GitError

    day = options.parse_today(today)
    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    options.check_rule_codes(workspace, None, None)
    settings = workspace.config.overlay(
        fail_on=fail_on, edition=edition.value if edition else None
    )
    workspace = replace(workspace, config=settings)
    display = options.Display.from_options(output, quiet, no_color)
    try:
        result = diff_repository(
            workspace, base, head, day, settings, debug=options.debug_requested(),
            parallel=True, config_per_commit=config is None,
        )
    except GitError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    name = (output_format or _default_diff_format()).value
    text = DIFF.renderer(name)(
        result, display.render_options(), settings.fail_on, allow_coverage_drop
    )
    terminal.write_output(text, display.output)
    failing = result.failing(settings.fail_on)
    lost = [] if allow_coverage_drop else result.lost_coverage
    if (failing or lost) and not exit_zero:
        if not quiet and name != "json":
            reasons = []
            if failing:
                many = "s" if len(failing) > 1 else ""
                reasons.append(
                    f"{len(failing)} introduced finding{many} at or above {settings.fail_on}"
                )
            if lost:
                reasons.append(
                    "coverage lost on "
                    + ", ".join(c.id for c in lost)
                    + " (--allow-coverage-drop to accept)"
                )
            terminal.display_note("failing: " + "; ".join(reasons))
        raise typer.Exit(1)


def _default_diff_format() -> DiffFormat:
    return DiffFormat("github" if os.environ.get("GITHUB_ACTIONS") else "text")


def history(
    record_id: Annotated[str, typer.Argument(help="Id of the record.", metavar="ID")],
    output_format: Annotated[
        HistoryFormat | None,
        typer.Option("--format", "-f", case_sensitive=False, help="Output format."),
    ] = None,
    output: options.Output = None,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """Show the commits that changed one record, with the fields each changed.

    Renames are followed; a commit that only touched another record of the same file is
    left out; uncommitted changes come first.

    Examples:

    \b
      itsm history SLA-ACME-HOSTING
      itsm history SUP-MERIDIAN-COLO -f json
    """
    from itsm_cli.gitops.git import GitError
    from itsm_cli.gitops.history import record_history

    # An id git could take for an option, or none at all, never reaches it; any other
    # misspelling is looked for, and answered with the ids that exist (`sla-web`: SLA-WEB).
    if not record_id.strip() or record_id.startswith("-"):
        raise typer.BadParameter(
            f"'{record_id}' is not a record id: capitals, digits and hyphens, e.g. "
            "SLA-ACME-HOSTING",
            param_hint="'ID'",
        )
    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    options.require_records_root(workspace, takes_paths=False)
    display = options.Display.from_options(output, False, no_color)
    try:
        result = record_history(workspace, record_id)
    except GitError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    name = (output_format or HistoryFormat("text")).value
    terminal.write_output(HISTORY.renderer(name)(result, display.render_options()), output)
