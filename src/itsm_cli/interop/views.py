"""The tables a consultant hands over as spreadsheets: one per view, plain values only.

`gap` (clause by clause), `findings` (every finding of `itsm check`, waived ones included),
`inventory` (every record with its owner, status, approval and review dates) and `deadlines`
(`itsm due`). CSV and XLSX render the same tables, so the two never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsm_cli.config import Config
from itsm_cli.findings import Finding
from itsm_cli.records.index import RepoIndex
from itsm_cli.rules.coverage import Coverage
from itsm_cli.rules.deadlines import Deadline

Cell = str | int | float | dt.date | None

VIEWS = ("gap", "findings", "inventory", "deadlines")
"""Every view, in the order of the sheets of a workbook."""


@dataclass(frozen=True, slots=True)
class View:
    """One table: its name (a sheet or file name), header and rows."""

    name: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    status_column: str | None = None
    """The column whose values (covered/partial/missing, error/warning/info) get colours."""


def gap_view(coverage: Coverage) -> View:
    rows: list[tuple[Cell, ...]] = [
        (
            c.id,
            c.title,
            "leaf" if c.leaf else "parent",
            c.status,
            ", ".join(c.evidence),
            ", ".join(c.findings),
            ", ".join(c.overdue),
            ", ".join(c.waived),
        )
        for c in coverage.clauses
    ]
    return View(
        "gap",
        ("clause", "title", "level", "status", "evidence", "findings", "review overdue",
         "waived findings"),
        rows,
        status_column="status",
    )


def findings_view(findings: list[Finding]) -> View:
    rows: list[tuple[Cell, ...]] = [
        (
            f.file,
            f.line,
            f.column,
            f.rule,
            f.severity.value,
            f.record or "",
            f.message,
            ", ".join(f.clauses),
            f.hint,
            "yes" if f.waived else "no",
            f.waived_by or "",
        )
        for f in findings
    ]
    return View(
        "findings",
        ("file", "line", "column", "rule", "severity", "record", "message", "clauses", "hint",
         "waived", "waived by"),
        rows,
        status_column="severity",
    )


def inventory_view(index: RepoIndex, config: Config, today: dt.date) -> View:
    rows: list[tuple[Cell, ...]] = []
    for record in sorted(index.records, key=lambda r: (r.kind, r.id)):
        meta = record.model.metadata
        approval = meta.approved
        due = record.model.review_due(config.review_interval(record.kind), today)
        rows.append(
            (
                record.id,
                record.kind,
                meta.title,
                meta.owner,
                meta.status.value,
                approval.by if approval else "",
                approval.date if approval else None,
                meta.last_reviewed,
                due,
                record.file,
                record.line,
            )
        )
    return View(
        "inventory",
        ("id", "kind", "title", "owner", "status", "approved by", "approved on", "last reviewed",
         "review due", "file", "line"),
        rows,
    )


def deadlines_view(deadlines: list[Deadline], today: dt.date) -> View:
    rows: list[tuple[Cell, ...]] = [
        (
            d.date,
            (d.date - today).days,
            d.record,
            d.kind,
            d.owner,
            d.deadline,
            d.what,
            d.rule or "",
            d.file,
            d.line,
        )
        for d in deadlines
    ]
    return View(
        "deadlines",
        ("date", "days left", "record", "kind", "owner", "deadline", "what", "rule once passed",
         "file", "line"),
        rows,
    )
