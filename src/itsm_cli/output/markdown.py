"""`--format markdown`: a compact pull-request comment or job summary.

A verdict line, a table of counts, then the findings grouped by severity (errors, warnings,
infos, waived), each as a table row `file:line | rule | record | message`. The whole text stays
under GitHub's 65,536-character comment limit: past it, rows are left out and a note says how
many.
"""

from __future__ import annotations

from collections.abc import Sequence

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.escape import markdown_code, markdown_safe

LIMIT = 65_000
"""Characters at most (GitHub refuses comments over 65,536)."""
MARKER = "<!-- itsm-findings -->"
"""Hidden first line, so a CI script can find and replace its previous comment."""
_RESERVE = 400
"""Room kept for the truncation note and the closing lines."""

_GROUPS: tuple[tuple[str, Severity | None], ...] = (
    ("Errors", Severity.ERROR),
    ("Warnings", Severity.WARNING),
    ("Infos", Severity.INFO),
    ("Waived", None),
)


def cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, no line breaks, no HTML, no Markdown, no
    mention or link (record text is written by whoever opens the pull request)."""
    return markdown_safe(text)


def code(text: str, in_table: bool = True) -> str:
    """Inline code that survives backticks, pipes and control characters in the text."""
    return markdown_code(text, in_table)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def verdict(report: FindingsReport) -> str:
    summary = report.summary
    mark = "❌" if report.failed else "✅"
    parts = [plural(summary.errors, "error"), plural(summary.warnings, "warning")]
    if summary.infos:
        parts.append(plural(summary.infos, "info"))
    if summary.waived:
        parts.append(f"{summary.waived} waived")
    scope = f"{plural(summary.records, 'record')} in {plural(summary.files, 'file')}"
    return f"### {mark} itsm {report.command}: {', '.join(parts)} in {scope}"


def _row(finding: Finding) -> str:
    message = finding.message
    if finding.waived:
        message += f" (waived by {finding.waived_by})"
    return (
        f"| {code(f'{finding.file}:{finding.line}')} | {finding.rule} "
        f"| {cell(finding.record or '')} | {cell(message)} |"
    )


def _groups(findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    out = []
    for title, severity in _GROUPS:
        members = [
            f for f in findings
            if (f.waived if severity is None else (not f.waived and f.severity is severity))
        ]
        if members:
            out.append((title, members))
    return out


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    summary = report.summary
    findings = sorted(report.findings, key=Finding.sort_key)
    head = [
        MARKER,
        verdict(report),
        "",
        "| errors | warnings | infos | waived | records | files |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {summary.errors} | {summary.warnings} | {summary.infos} | {summary.waived} "
        f"| {summary.records} | {summary.files} |",
    ]
    text = "\n".join(head) + "\n"
    if not findings:
        return text + "\nNo findings.\n"
    shown = 0
    for title, members in _groups(findings):
        section = (
            f"\n#### {title} ({len(members)})\n\n"
            "| where | rule | record | message |\n|---|---|---|---|\n"
        )
        if len(text) + len(section) + _RESERVE > LIMIT:
            break
        text += section
        for finding in members:
            row = _row(finding) + "\n"
            if len(text) + len(row) + _RESERVE > LIMIT:
                break
            text += row
            shown += 1
        else:
            continue
        break
    left_out = len(findings) - shown
    if left_out:
        text += (
            f"\n_… {plural(left_out, 'more finding')} left out to stay within GitHub's "
            f"comment limit; run `itsm {report.command}` locally for the full list._\n"
        )
    return text
