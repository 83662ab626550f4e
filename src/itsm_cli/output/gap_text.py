"""`itsm gap` for a terminal: one table grouped by top-level clause (4 … 10), statuses in
colour (green covered, yellow partial, red missing) when the options allow colour, the
evidence behind each leaf and why each clause is partial or missing, a score per top-level
clause and overall."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from itsm_cli.output import RenderOptions
from itsm_cli.output.console import buffer_console
from itsm_cli.rules.coverage import ClauseCoverage, Coverage, Status

if TYPE_CHECKING:
    from rich.table import Column
    from rich.text import Text

STATUS_STYLE: dict[Status, str] = {
    "covered": "green",
    "partial": "yellow",
    "missing": "bold red",
}
MAX_EVIDENCE = 3
"""Evidence ids shown per clause before `+N more` (the JSON output lists them all)."""

MIN_TITLE = 20
"""Columns kept for the clause titles before the evidence column gives way."""

LEGEND = (
    "covered: approved evidence and no open finding · "
    "partial: an unwaived error or warning on the clause, all its evidence overdue for "
    "review, or no approved record of the kind that shows it operating · "
    "missing: no approved, non-retired record evidences it · "
    "a parent is covered when all its subclauses are, missing when all are, partial otherwise"
)


def evidence_text(clause: ClauseCoverage) -> str:
    """One evidence id a line, `(review overdue)` after the overdue ones when some are still
    current, and `+N more` past MAX_EVIDENCE."""
    all_overdue = len(clause.overdue) == len(clause.evidence)
    late = set(clause.overdue)  # a set: a clause may hold thousands of evidence ids
    shown = [
        f"{record} (overdue)" if record in late and not all_overdue else record
        for record in clause.evidence[:MAX_EVIDENCE]
    ]
    more = len(clause.evidence) - len(shown)
    return "\n".join(shown + ([f"+{more} more"] if more > 0 else []))


def reasons(clause: ClauseCoverage, reference: Coverage | None = None) -> list[str]:
    """Why a clause is partial or missing, in words (the coverage's `reason`, one part a
    line); nothing for a covered one. A clause of another edition gives the reason of each
    2018 clause it maps onto that is not covered (their statuses are in the 2018 column)."""
    if clause.status == "covered" or not clause.reason:
        return []
    if reference is not None and clause.leaf and clause.maps_to:
        out = []
        for target in clause.maps_to:
            found = reference.get(target)
            if found is not None and found.reason:
                out.append(f"{target}: {found.reason.replace('; ', ', ')}")
        return out
    return clause.reason.split("; ")


def render_gap(coverage: Coverage, options: RenderOptions) -> str:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = buffer_console(buffer, options)

    def status(value: Status) -> Text:
        return Text(value, style=STATUS_STYLE[value])

    title = f"Clause coverage, {coverage.standard or 'ISO/IEC 20000-1:' + coverage.edition}"
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD, collapse_padding=True,
        pad_edge=False,
        show_edge=False,
    )
    table.add_column("Clause", no_wrap=True)
    table.add_column("Title")
    table.add_column("Status", no_wrap=True)
    table.add_column("Score", justify="right", no_wrap=True)
    reference = coverage.reference
    if reference is not None:
        table.add_column("2018", overflow="fold")
    table.add_column("Evidence", no_wrap=True, overflow="ellipsis")
    table.add_column("Why", overflow="fold")

    blank = [""] * (2 if reference is not None else 1)  # the 2018 and Evidence columns
    groups = {g.id: g for g in coverage.groups}
    clauses = coverage.clauses
    for position, clause in enumerate(clauses):
        last_of_group = position + 1 == len(clauses) or clauses[position + 1].parent is None
        indent = "  " * clause.depth
        group = groups.get(clause.id)
        if group is not None:
            table.add_row(
                Text(clause.id, style="bold"),
                Text(clause.title, style="bold"),
                status(clause.status),
                Text(f"{group.score:.1f}", style="bold"),
                *blank,
                "\n".join(reasons(clause)),
                end_section=last_of_group,
            )
            continue
        if not clause.leaf:
            table.add_row(
                indent + clause.id, clause.title, status(clause.status), "", *blank,
                "\n".join(reasons(clause)), end_section=last_of_group,
            )
            continue
        why = Text("\n".join(reasons(clause, reference)))
        if clause.waived:
            if why:
                why.append("\n")
            why.append(", ".join(f"{code} (waived)" for code in clause.waived), style="dim")
        mapped = [_mapped(clause, reference)] if reference is not None else []
        table.add_row(
            indent + clause.id,
            clause.title,
            status(clause.status),
            "",
            *mapped,
            evidence_text(clause),
            why,
            end_section=last_of_group,
        )
    # Record ids are shown whole while the titles keep MIN_TITLE columns; on a narrower
    # terminal the evidence column gives way too (ids cut with an ellipsis) instead of the
    # titles being squeezed to a few letters.
    others = sum(
        _widest(column) + 2 for column in table.columns if column.header not in ("Title", "Why")
    )
    if others + MIN_TITLE > options.width:
        table.columns[-2].no_wrap = False
    console.print(table)

    overall = Text("Score ", style="bold")
    overall.append(f"{coverage.score:.1f}", style=_score_style(coverage.score))
    overall.append(": ")
    overall.append(f"{coverage.covered} covered", style=STATUS_STYLE["covered"])
    overall.append(", ")
    overall.append(f"{coverage.partial} partial", style=STATUS_STYLE["partial"])
    overall.append(", ")
    overall.append(f"{coverage.missing} missing", style=STATUS_STYLE["missing"])
    overall.append(f" of {coverage.leaves} leaf clauses")
    console.print(overall)
    if not options.quiet:
        console.print(
            Text("Score = (covered + ½ partial) / leaf clauses × 100. " + LEGEND, style="dim")
        )
    return _trimmed(buffer.getvalue())


def _widest(column: Column) -> int:
    """The width of a column's longest line, its header included."""
    lines = [str(column.header)]
    lines += [line for cell in column.cells for line in str(cell).splitlines()]
    return max(len(line) for line in lines)


def _mapped(clause: ClauseCoverage, reference: Coverage) -> Text:
    """The 2018 clauses a clause of another edition maps onto, with the status of those that
    are not covered (they are why it is not covered)."""
    from rich.text import Text

    out = Text()
    for number, target in enumerate(clause.maps_to):
        if number:
            out.append("\n")
        out.append(target)
        found = reference.get(target)
        if found is not None and found.status != "covered":
            out.append(f" ({found.status})", style=STATUS_STYLE[found.status])
    return out


def _score_style(score: float) -> str:
    if score >= 80:
        return "bold green"
    return "bold yellow" if score >= 50 else "bold red"


def _trimmed(text: str) -> str:
    """Without the spaces rich pads each line with (they clutter files and diffs)."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
