"""`itsm diff` and `itsm history` for a terminal (colour only when asked for)."""

from __future__ import annotations

from itsm_cli.findings import FailOn
from itsm_cli.gitops.changes import FieldChange, show_value
from itsm_cli.gitops.diff import DiffResult
from itsm_cli.gitops.history import RecordHistory
from itsm_cli.output import RenderOptions
from itsm_cli.output.escape import terminal_safe
from itsm_cli.output.text import finding_line

_MARK = {"added": "+", "removed": "-", "renamed": ">", "changed": "~"}
_COLOR = {"added": "32", "removed": "31", "renamed": "36", "changed": "33"}
_STATUS_COLOR = {"covered": "32", "partial": "33", "missing": "31"}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def field_line(record_id: str, change: FieldChange) -> str:
    """One changed field; keys and values are the record's text, escaped (an escape
    sequence in a value must not reach the terminal)."""
    return terminal_safe(
        f"{record_id} {change.path}: {show_value(change.old)} → {show_value(change.new)}"
    )


def render_diff(
    result: DiffResult,
    options: RenderOptions,
    fail_on: FailOn = "error",
    allow_coverage_drop: bool = False,
) -> str:
    """The whole comparison; the command prints the verdict below it."""
    paint = _Paint(options.color)
    lines = [paint(terminal_safe(f"Records {result.base} → {result.head}"), "1")]
    if not result.base_exists:
        lines.append(f"  (the records root did not exist at {result.base})")
    if not result.records:
        lines.append("  no record changed")
    for record in result.records:
        where = terminal_safe(record.file)
        if record.old_file:
            where = terminal_safe(f"{record.old_file} → {record.file}")
        mark = paint(_MARK[record.status], _COLOR[record.status])
        lines.append(f"  {mark} {record.id} ({record.kind}) {record.status_text}: {where}")
        for change in record.changes:
            lines.append(f"      {field_line(record.id, change)}")
    lines.append("")
    lines.append(paint(f"Findings introduced: {len(result.introduced)}", "1"))
    lines.extend(f"  + {finding_line(f)}" for f in result.introduced)
    lines.append(paint(f"Findings resolved: {len(result.resolved)}", "1"))
    lines.extend(f"  - {finding_line(f)}" for f in result.resolved)
    lines.append("")
    delta = result.score_after - result.score_before
    lines.append(
        paint("Coverage", "1")
        + f": {result.score_before:.1f} → {result.score_after:.1f} ({delta:+.1f})"
    )
    for move in result.clauses:
        before = paint(move.before, _STATUS_COLOR[move.before])
        after = paint(move.after, _STATUS_COLOR[move.after])
        lines.append(f"  {move.id} {move.title}: {before} → {after}")
    return "\n".join(lines) + "\n"


def render_history(history: RecordHistory, options: RenderOptions) -> str:
    paint = _Paint(options.color)
    title = f"History of {terminal_safe(history.record)} ({terminal_safe(history.file)})"
    if history.deleted_in:
        title += f", deleted in {history.deleted_in[:8]}"
    elif history.deleted:
        title += ", deleted in the working tree (not committed yet)"
    elif history.invalid:
        title += f", invalid in the working tree ({', '.join(history.invalid)})"
    lines = [paint(title, "1")]
    if not history.entries:
        lines.append("  no commit has changed this record yet")
    for entry in history.entries:
        if entry.commit is None:
            head = paint("uncommitted", "33") + " working tree"
        else:
            c = entry.commit
            head = (
                f"{paint(c.sha[:8], '33')} {terminal_safe(c.date[:10])} {terminal_safe(c.author)} "
                f"— {terminal_safe(c.subject)}"
            )
        status = entry.status
        if status == "removed" and history.deleted:
            status = paint("deleted", "31")
        where = terminal_safe(entry.file)
        if entry.old_file is not None:
            where = f"{terminal_safe(entry.old_file)} → {where}"
        lines.append(f"{head} [{status}: {where}]")
        for change in entry.changes:
            lines.append(
                "    "
                + terminal_safe(
                    f"{change.path}: {show_value(change.old)} → {show_value(change.new)}"
                )
            )
    return "\n".join(lines) + "\n"
