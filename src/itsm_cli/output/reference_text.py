"""`itsm rules`, `itsm explain CODE` and `itsm clauses` for a terminal.

Rich tables (colour only when the options allow it); the YAML examples of `explain` are
syntax-highlighted on a terminal and plain otherwise.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import TYPE_CHECKING

from itsm_cli.findings import Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.console import buffer_console

if TYPE_CHECKING:
    from itsm_cli.clauses.standard import Catalogue
    from itsm_cli.rules.registry import Rule

SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def clause_list(clauses: tuple[str, ...]) -> str:
    return ", ".join(clauses) if clauses else "—"


def _clause_cell(entry: Rule) -> str:
    if not entry.clauses_of_record:
        return clause_list(entry.clauses)
    return ", ".join((*entry.clauses, "its record's"))


def code_ranges(codes: tuple[str, ...]) -> str:
    """`E001, E002, E003, SLM004` → `E001–E003, SLM004` (runs of three or more)."""
    parts: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= 3:
            parts.append(f"{run[0]}–{run[-1]}")
        else:
            parts.extend(run)
        run.clear()

    for code in codes:
        if run and _follows(run[-1], code):
            run.append(code)
        else:
            flush()
            run.append(code)
    flush()
    return ", ".join(parts)


def _split_code(code: str) -> tuple[str, str]:
    prefix = code.rstrip("0123456789")
    return prefix, code[len(prefix):]


def _follows(previous: str, code: str) -> bool:
    prefix_a, number_a = _split_code(previous)
    prefix_b, number_b = _split_code(code)
    if prefix_a != prefix_b or not number_a or not number_b:
        return False
    return int(number_b) == int(number_a) + 1


# --- itsm rules ---------------------------------------------------------------------------


def render_rules(rules: Mapping[str, Rule], options: RenderOptions) -> str:
    """Every rule grouped by process area: code, default severity, clauses, summary."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    console = buffer_console(buffer, options)
    areas: dict[str, list[Rule]] = {}
    for entry in rules.values():
        areas.setdefault(entry.area, []).append(entry)
    # One table per area with fixed column widths under one header, so a long area name or
    # clause list never squeezes the summary out.
    def area_table(title: str | None, header: bool) -> Table:
        table = Table(
            box=box.SIMPLE_HEAD,
            show_header=header,
            collapse_padding=True,
            pad_edge=False,
            show_edge=False,
            expand=True,
            title=Text(title, style="bold") if title else None,
            title_justify="left",
        )
        table.add_column("  Code", no_wrap=True, width=8)
        table.add_column("Severity", no_wrap=True, width=8)
        table.add_column("Clauses", width=16)
        table.add_column("Summary", ratio=1)
        return table

    console.print(area_table(None, header=True))
    for area, entries in areas.items():
        table = area_table(area.capitalize(), header=False)
        for entry in entries:
            table.add_row(
                Text(f"  {entry.code}", style="bold"),
                Text(entry.severity.value, style=SEVERITY_STYLE[entry.severity]),
                _clause_cell(entry),
                entry.summary,
            )
        console.print(table)
    if not options.quiet:
        console.print(
            Text(
                f"{len(rules)} rules. `itsm explain CODE` shows one with its rationale and "
                "examples; severities can be changed in the configuration.",
                style="dim",
            )
        )
    return _trimmed(buffer.getvalue())


# --- itsm explain CODE --------------------------------------------------------------------


def _paragraphs(text: str, width: int) -> str:
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    wrapped = (
        textwrap.fill(" ".join(b.split()), width=width, initial_indent="  ",
                      subsequent_indent="  ")
        for b in blocks
    )
    return "\n\n".join(wrapped)


def render_explain(entry: Rule, catalogue: Catalogue, options: RenderOptions) -> str:
    """One rule: identity, clauses with titles, summary, rationale, fix, and examples."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.syntax import Syntax
    from rich.text import Text

    buffer = io.StringIO()
    console = buffer_console(buffer, options)
    width = max(40, options.width - 2)

    head = Text(entry.code, style="bold")
    head.append(" · ")
    head.append(entry.severity.value, style=SEVERITY_STYLE[entry.severity])
    head.append(f" · {entry.area}")
    console.print(head)
    console.print(entry.summary)

    def heading(title: str) -> None:
        console.print()
        console.print(Text(title, style="bold"))

    heading("Clauses")
    if entry.clauses:
        for clause_id in entry.clauses:
            clause = catalogue.get(clause_id)
            title = clause.title if clause else ""
            console.print(f"  {clause_id}  {title}".rstrip())
        if entry.clauses_of_record:
            console.print(f"  and, for each finding, {entry.clauses_of_record}")
    elif entry.clauses_of_record:
        console.print(f"  none of its own: each finding is on {entry.clauses_of_record}")
    else:
        console.print("  none: its findings make no clause partial")
    heading("Why it matters")
    console.print(_paragraphs(entry.rationale, width))
    heading("How to fix")
    console.print(_paragraphs(entry.hint, width))
    for title, example in (("Failing example", entry.failing), ("Passing example", entry.passing)):
        if not example:
            continue
        heading(title)
        if options.color:
            syntax = Syntax(
                example, "yaml", theme="ansi_dark", background_color="default", word_wrap=True
            )
            console.print(Padding(Group(syntax), (0, 0, 0, 2)))
        else:
            console.print(textwrap.indent(example, "  "), soft_wrap=True)
    return _trimmed(buffer.getvalue())


# --- itsm clauses -------------------------------------------------------------------------


def render_clauses(
    catalogue: Catalogue, rules: Mapping[str, tuple[str, ...]], options: RenderOptions
) -> str:
    """The clause tree: title, the kinds that evidence it (2018) or the 2018 clauses it maps
    onto (other editions), the mandatory-document flag, and the rules mapped to it."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from itsm_cli.clauses.standard import REFERENCE_EDITION
    from itsm_cli.records.models import kinds_evidencing

    reference = catalogue.edition == REFERENCE_EDITION
    buffer = io.StringIO()
    console = buffer_console(buffer, options)
    title = catalogue.standard or f"ISO/IEC 20000-1:{catalogue.edition}"
    table = Table(
        title=f"Clauses of {title}", title_justify="left", box=box.SIMPLE_HEAD,
        collapse_padding=True, pad_edge=False, show_edge=False,
    )
    table.add_column("Clause", no_wrap=True)
    table.add_column("Title")
    if reference:
        table.add_column("Kinds")
        table.add_column("Mandatory doc.", no_wrap=True)
    else:
        table.add_column("Maps to 2018")
    table.add_column("Rules")
    notes: list[tuple[str, str]] = []
    clauses = list(catalogue)
    for position, clause in enumerate(clauses):
        indent = "  " * clause.depth
        style = "bold" if clause.parent is None else ""
        name = Text(clause.title, style=style)
        if clause.note:
            notes.append((clause.id, clause.note))
            name.append(f" [{len(notes)}]", style="dim")
        if reference:
            middle: list[str | Text] = [
                ", ".join(kinds_evidencing(clause.id)),
                Text("yes" if clause.mandatory else "", style="cyan"),
            ]
        else:
            middle = [", ".join(clause.maps_to) if clause.is_leaf else ""]
        last = position + 1 == len(clauses) or clauses[position + 1].parent is None
        table.add_row(
            Text(indent + clause.id, style=style),
            name,
            *middle,
            code_ranges(rules.get(clause.id, ())),
            end_section=last,
        )
    console.print(table)
    if notes and not options.quiet:
        console.print(Text("Notes", style="bold"))
        for number, (clause_id, note) in enumerate(notes, start=1):
            console.print(f"  [{number}] {clause_id}: {note}")
    if catalogue.amendments and not options.quiet:
        console.print(Text("Reflects " + ", ".join(catalogue.amendments) + ".", style="dim"))
    return _trimmed(buffer.getvalue())


def _trimmed(text: str) -> str:
    """Without the spaces rich pads each line with (they clutter files and diffs)."""
    return "".join(line.rstrip() + "\n" for line in text.splitlines())
