"""`--format github`: GitHub Actions workflow commands, the default inside Actions.

Each unwaived finding becomes `::error file=…,line=…,col=…,title=CODE::message` (`::warning`,
`::notice` for infos), which GitHub shows on the line of the pull request's diff. GitHub keeps
only the first 10 annotations of each level per step, so the rest are printed as plain log
lines with a note saying how many were not annotated. When `GITHUB_STEP_SUMMARY` is set, the
Markdown summary (the `markdown` format) is appended to that file, so the whole list is on the
run's summary page: the one side effect of this format.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.diff_findings import diff_renderer
from itsm_cli.output.escape import terminal_safe, terminal_safe_lines

if TYPE_CHECKING:
    pass

ANNOTATIONS_PER_LEVEL = 10
COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_LEVEL_WORDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command (as `@actions/core` escapes it)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (`file=`, `title=`): the data escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", terminal_safe(finding.file)),
            ("line", str(max(1, finding.line))),
            ("col", str(max(1, finding.column))),
            ("title", finding.rule),
        )
    )
    # Record text is escaped: the log viewer renders ANSI sequences.
    message = terminal_safe_lines(finding.message)
    if finding.record:
        message = f"{terminal_safe(finding.record)}: {message}"
    if finding.hint:
        message += f"\nhelp: {terminal_safe_lines(finding.hint)}"
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(message)}"


def _plain(finding: Finding) -> str:
    line = terminal_safe(f"{finding.location}: {finding.rule} {finding.message}")
    # A file named `::warning::…` at the root must not become a workflow command.
    return f"\u200b{line}" if line.lstrip().startswith("::") else line


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def write_step_summary(report: FindingsReport, options: RenderOptions) -> str | None:
    """Append the Markdown summary to `$GITHUB_STEP_SUMMARY`; a problem as one line, else None."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    from itsm_cli.output import markdown

    try:
        with Path(target).open("a", encoding="utf-8") as summary:
            summary.write(markdown.render_findings(report, options) + "\n")
    except OSError as exc:
        return f"::warning title=itsm::{escape_data(f'cannot write the step summary: {exc}')}"
    return None


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    findings = sorted((f for f in report.findings if not f.waived), key=Finding.sort_key)
    lines: list[str] = []
    overflow: list[Finding] = []
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
        if counts[finding.severity] <= ANNOTATIONS_PER_LEVEL:
            lines.append(annotation(finding))
        else:
            overflow.append(finding)
    if overflow:
        lines.extend(_plain(f) for f in overflow)
        left = [
            _plural(counts[s] - ANNOTATIONS_PER_LEVEL, _LEVEL_WORDS[s])
            for s in Severity
            if counts[s] > ANNOTATIONS_PER_LEVEL
        ]
        lines.append(
            f"itsm: {', '.join(left)} not shown as annotations (GitHub keeps "
            f"{ANNOTATIONS_PER_LEVEL} of each level per step); they are listed above"
            + (" and in the job summary" if os.environ.get("GITHUB_STEP_SUMMARY") else "")
        )
    problem = write_step_summary(report, options)
    if problem:
        lines.append(problem)
    if not options.quiet:
        from itsm_cli.output.text import summary_line

        lines.append(summary_line(report.summary))
    return "\n".join(lines) + ("\n" if lines else "")


# `itsm diff` in this format: the findings the change introduces.
render_diff = diff_renderer(render_findings)
