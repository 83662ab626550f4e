"""Formatters: one module per output format, declared once per result type below.

A formatter turns a result of the core into text; it never decides exit codes and never
prints. Each result type (findings, gap, reference, diff, history, due) has one table of its
formats; the commands' `--format` choices are built from it. Modules are named by their
dotted path and imported when their format is asked for, so `--format json` never pays for
rich. Adding a format is one module plus one row here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class RenderOptions:
    color: bool = False
    width: int = 100
    quiet: bool = False


Formatter = Callable[..., str]
Streamer = Callable[..., Iterable[str]]


@dataclass(frozen=True, slots=True)
class Format:
    """One output format of one result type."""

    name: str
    """What `--format` takes."""
    module: str
    """Dotted path of the module that renders it; it defines every function of the result type."""
    description: str
    terminal: bool = False
    """Laid out for a terminal: the width and colour of `RenderOptions` change its output
    (every other format gives the same bytes whatever they are)."""


@dataclass(frozen=True, slots=True)
class ResultType:
    """A kind of result the core returns, and the formats it can be shown in."""

    name: str
    functions: tuple[str, ...]
    """The functions every module of its formats defines, each `(result, RenderOptions, …)
    -> str`; the first is the one `renderer` gives by default."""
    formats: tuple[Format, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.formats)

    def __getitem__(self, name: str) -> Format:
        for entry in self.formats:
            if entry.name == name:
                return entry
        raise KeyError(f"{self.name} results have no format '{name}'")

    def renderer(self, name: str, function: str | None = None) -> Formatter:
        """The function that renders this result in format `name` (its module imported now)."""
        wanted = function or self.functions[0]
        if wanted not in self.functions:
            raise KeyError(f"{self.name} formats define no {wanted}")
        found: Formatter = getattr(importlib.import_module(self[name].module), wanted)
        return found

    def streamer(self, name: str, function: str | None = None) -> Streamer:
        """The same text as `renderer`, as pieces to write one after the other: a format
        whose module defines `stream_…` beside `render_…` (findings as JSON) never holds
        the whole text, which at 100,000 findings is several times the memory of the
        records; any other format gives its whole text as one piece."""
        wanted = function or self.functions[0]
        render = self.renderer(name, wanted)
        module = importlib.import_module(self[name].module)
        stream = getattr(module, wanted.replace("render_", "stream_", 1), None)
        if callable(stream):
            found: Streamer = stream
            return found
        return lambda *args, **kwargs: (render(*args, **kwargs),)

    def choices(self, enum_name: str) -> type[StrEnum]:
        """The `--format` choices, in table order, as the enum Typer turns into a Choice."""
        return StrEnum(enum_name, [(n.upper(), n) for n in self.names()])  # type: ignore[return-value]


def _module(name: str) -> str:
    return f"itsm_cli.output.{name}"


FINDINGS = ResultType(
    "findings",
    ("render_findings",),
    (
        Format("text", _module("text"), "Findings grouped by file, with hints and a summary.",
               terminal=True),
        Format("json", _module("json"), "The stable JSON document (version 1)."),
        Format("sarif", _module("sarif"), "SARIF 2.1.0, for code scanning."),
        Format("github", _module("github"), "GitHub workflow annotations and a step summary."),
        Format("gitlab", _module("gitlab"), "GitLab Code Quality JSON."),
        Format("junit", _module("junit"), "JUnit XML, one test case per record."),
        Format("markdown", _module("markdown"), "Markdown, for a pull-request comment."),
    ),
)
"""What `validate`, `check` and `import backstage --drift` report."""

GAP = ResultType(
    "gap",
    ("render_gap",),
    (
        Format("text", _module("gap_text"), "The clause table, the score and the legend.",
               terminal=True),
        Format("json", _module("gap_json"), "The stable gap JSON document (version 1)."),
    ),
)
"""Clause coverage: `itsm gap`."""

REFERENCE = ResultType(
    "reference",
    ("render_rules", "render_explain", "render_clauses"),
    (
        Format("text", _module("reference_text"), "Tables and prose for a reader.",
               terminal=True),
        Format("json", _module("reference_json"), "JSON, for other tools."),
    ),
)
"""The rule and clause catalogues: `itsm rules`, `itsm explain`, `itsm clauses`."""

DIFF = ResultType(
    "diff",
    ("render_diff",),
    (
        Format("text", _module("diff_text"), "Records and findings changed, coverage moved.",
               terminal=True),
        Format("json", _module("diff_json"), "The whole comparison as JSON."),
        Format("markdown", _module("diff_markdown"), "A pull-request comment with a verdict."),
        Format("sarif", _module("sarif"), "The introduced findings as SARIF 2.1.0."),
        Format("github", _module("github"), "The introduced findings as annotations."),
        Format("junit", _module("junit"), "The introduced findings as JUnit XML."),
        Format("gitlab", _module("gitlab"), "The introduced findings as Code Quality JSON."),
    ),
)
"""What a change does: `itsm diff`. Each function takes the fail level and whether a lost
clause is allowed after the options."""

HISTORY = ResultType(
    "history",
    ("render_history",),
    (
        Format("text", _module("diff_text"), "Commits, newest first, with the fields changed.",
               terminal=True),
        Format("json", _module("diff_json"), "The commits as JSON."),
    ),
)
"""The Git history of one record: `itsm history`."""

DUE = ResultType(
    "due",
    ("render_due",),
    (
        Format("text", _module("due_text"), "A table of deadlines, soonest first.",
               terminal=True),
        Format("json", _module("due_json"), "The deadlines as JSON."),
        Format("markdown", _module("due_markdown"), "A Markdown table."),
        # Another tool's file format, so its module lives with the other tools' formats.
        Format("ics", "itsm_cli.interop.ics", "An iCalendar file with stable event UIDs."),
    ),
)
"""Deadlines ahead: `itsm due`."""

RESULT_TYPES: tuple[ResultType, ...] = (FINDINGS, GAP, REFERENCE, DIFF, HISTORY, DUE)


def findings_formatter(name: str) -> Formatter:
    """The renderer of a findings report in format `name`."""
    return FINDINGS.renderer(name)

