"""`itsm due --format markdown`: the deadlines as one table, soonest first (for an issue, a
wiki page or a pull-request comment)."""

from __future__ import annotations

from itsm_cli.output import RenderOptions
from itsm_cli.output.markdown import cell
from itsm_cli.rules.deadlines import DueResult


def render_due(result: DueResult, options: RenderOptions) -> str:
    span = f" within {result.within.text}" if result.within is not None else ""
    lines = [f"### Deadlines from {result.today.isoformat()}{span}", ""]
    if not result.deadlines:
        lines.append("No deadline ahead.")
        return "\n".join(lines) + "\n"
    lines += [
        "| date | in days | record | owner | deadline | rule when passed | file |",
        "|---|---:|---|---|---|---|---|",
    ]
    for d in result.deadlines:
        lines.append(
            f"| {d.date.isoformat()} | {(d.date - result.today).days} | {cell(d.record)} "
            f"| {cell(d.owner)} | {cell(d.what)} | {d.rule or '—'} "
            f"| `{cell(d.file)}:{d.line}` |"
        )
    return "\n".join(lines) + "\n"
