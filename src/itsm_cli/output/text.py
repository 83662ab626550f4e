"""`--format text`: one `file:line:col: CODE message` line per finding (editors and terminals
jump to it), an indented `help:` line with the fix hint, and a summary at the end. Colour only
when the options say so (a terminal without NO_COLOR / --no-color)."""

from __future__ import annotations

import io
from collections.abc import Iterator

from itsm_cli.findings import Finding, FindingsReport, Severity, Summary
from itsm_cli.output import RenderOptions
from itsm_cli.output.escape import terminal_safe

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(summary: Summary) -> str:
    parts = [
        plural(summary.errors, "error"),
        plural(summary.warnings, "warning"),
    ]
    if summary.infos:
        parts.append(plural(summary.infos, "info"))
    if summary.waived:
        parts.append(f"{summary.waived} waived")
    counted = f"{plural(summary.records, 'record')} in {plural(summary.files, 'file')}"
    if not (summary.errors or summary.warnings or summary.infos):
        waived = f" ({summary.waived} waived)" if summary.waived else ""
        return f"✔ {counted}: no findings{waived}"
    return f"✖ {', '.join(parts)} in {counted}"


def area_line(findings: list[Finding]) -> str | None:
    """`by area: suppliers 2, capacity 1` for the unwaived findings of compliance rules."""
    from collections import Counter

    from itsm_cli.rules.registry import area_of

    counts = Counter(area_of(f.rule) for f in findings if not f.waived)
    if not counts:
        return None
    return "by area: " + ", ".join(f"{area} {n}" for area, n in counts.most_common())


def finding_line(finding: Finding) -> str:
    """`file:line:col: CODE message`, with the waiver that closed it, safe for a terminal."""
    waived = f" (waived by {finding.waived_by})" if finding.waived else ""
    return terminal_safe(f"{finding.location}: {finding.rule} {finding.message}{waived}")


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    return "".join(stream_findings(report, options))


def stream_findings(report: FindingsReport, options: RenderOptions) -> Iterator[str]:
    """`render_findings` a finding at a time (in colour, for a terminal, all at once)."""
    findings = sorted(report.findings, key=Finding.sort_key)
    if options.color:
        yield _render_rich(findings, report.summary, options, report.command)
        return
    for finding in findings:
        if finding.hint and not options.quiet:
            yield f"{finding_line(finding)}\n  help: {terminal_safe(finding.hint)}\n"
        else:
            yield finding_line(finding) + "\n"
    if not options.quiet:
        if findings:
            yield "\n"
        yield summary_line(report.summary) + "\n"
        areas = area_line(findings) if report.command == "check" else None
        if areas:
            yield areas + "\n"


def _render_rich(
    findings: list[Finding], summary: Summary, options: RenderOptions, command: str
) -> str:
    from rich.console import Console
    from rich.text import Text

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=options.width, highlight=False)
    for finding in findings:
        line = Text()
        # Record text (file names, quoted values) escaped: it must not drive the terminal.
        line.append(terminal_safe(finding.location), style="bold")
        line.append(": ")
        message = terminal_safe(finding.message)
        if finding.waived:
            waiver = terminal_safe(str(finding.waived_by))
            line.append(f"{finding.rule} {message} (waived by {waiver})", style="dim")
        else:
            line.append(finding.rule, style=SEVERITY_STYLE[finding.severity])
            line.append(f" {message}")
        console.print(line, soft_wrap=True)
        if finding.hint and not options.quiet:
            hint = terminal_safe(finding.hint)
            console.print(Text(f"  help: {hint}", style="dim"), soft_wrap=True)
    if not options.quiet:
        if findings:
            console.print()
        failed = summary.errors > 0
        style = "bold red" if failed else ("yellow" if summary.warnings else "bold green")
        console.print(Text(summary_line(summary), style=style))
        areas = area_line(findings) if command == "check" else None
        if areas:
            console.print(Text(areas, style="dim"))
    return buffer.getvalue()
