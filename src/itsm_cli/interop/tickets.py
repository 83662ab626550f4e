"""Ticket exports of ServiceNow and Jira (CSV or XLSX) → the figures of one process and period.

One row per ticket; an event log with several rows per ticket keeps the last row of each
`ref`. A ticket belongs to the period in which it was resolved (incidents, requests) or
closed (problems, changes, releases); a period runs from its first day 00:00 up to, not
including, the next period's first day, in the exported wall-clock times (an offset in an
ISO time is ignored: the wall clock is what the export shows). The counts, exceptions and
(per priority) attainment are computed as the README's section on `itsm import tickets`
says; nothing of a ticket but its number is ever written.

A row whose date cannot be read is listed with its row number (as a spreadsheet numbers
it: the header is row 1), column and value, and skipped, never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from itsm_cli.dates import Duration, Period
from itsm_cli.records.models import Target

FIELDS = (
    "ref", "priority", "opened", "resolved", "closed", "reopened", "major", "reviewed",
    "type", "approved", "start", "end", "outcome", "root_cause", "known_error",
)
"""Every field a profile can map onto a column (`--map FIELD=COLUMN`)."""

_SERVICENOW = {
    "ref": "number",
    "priority": "priority",
    "opened": "opened_at",
    "resolved": "resolved_at",
    "closed": "closed_at",
    "reopened": "reopen_count",
    "major": "major_incident_state",
    "reviewed": "u_review_date",
    "type": "type",
    "approved": "approval_set",
    "start": "start_date",
    "end": "end_date",
    "outcome": "close_code",
    "root_cause": "cause_notes",
    "known_error": "known_error",
}
_JIRA = {
    "ref": "Issue key",
    "priority": "Priority",
    "opened": "Created",
    "resolved": "Resolved",
    "closed": "Resolved",
    "major": "Labels",
    "reviewed": "Custom field (Review date)",
    "type": "Issue Type",
    "outcome": "Resolution",
}
PROFILES: dict[str, tuple[str, dict[str, str]]] = {
    "servicenow-incident": ("incident", _SERVICENOW),
    "servicenow-request": ("request", _SERVICENOW),
    "servicenow-problem": ("problem", _SERVICENOW),
    "servicenow-change": ("change", _SERVICENOW),
    "jira": ("incident", _JIRA),
}
"""Profile → (its process, field → column)."""

RESOLVED_BY = {"incident": "resolved", "request": "resolved", "security-incident": "resolved"}
"""The date that puts a ticket in a period: resolved for these, closed for the others."""

_JIRA_PRIORITIES = {"highest": "P1", "high": "P2", "medium": "P3", "low": "P4", "lowest": "P5"}
_MAJOR_STATES = {"accepted", "resolved", "closed"}
_FAILED = {"unsuccessful", "backed out", "backed_out", "backed-out", "failed"}
_TRUE = {"true", "yes", "1", "y"}
_UNIT_SECONDS = {"s": 1, "min": 60, "h": 3600, "d": 86400}


class TicketError(Exception):
    """A usage problem with an export (a missing required column, an unreadable file)."""


@dataclass(frozen=True, slots=True)
class Unreadable:
    file: str
    row: int
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        return f"{self.file}: row {self.row}, column {self.column!r}: {self.why}: {self.value!r}"


@dataclass(slots=True)
class Ticket:
    ref: str
    opened: dt.datetime
    resolved: dt.datetime | None = None
    closed: dt.datetime | None = None
    priority: str | None = None
    reopened: bool = False
    major: bool = False
    reviewed: dt.datetime | None = None
    type: str = ""
    approved: dt.datetime | None = None
    start: dt.datetime | None = None
    outcome: str = ""
    root_cause: bool = False


@dataclass
class Export:
    tickets: dict[str, Ticket] = field(default_factory=dict)
    """The last row of each ticket ref, in the order the refs first appear."""
    rows: int = 0
    unreadable: list[Unreadable] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    """Field → the column it was read from."""


# --- dates -----------------------------------------------------------------------------------

_JAVA_TOKENS = [
    ("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"), ("M", "%m"),
    ("dd", "%d"), ("d", "%d"), ("HH", "%H"), ("H", "%H"), ("hh", "%I"), ("h", "%I"),
    ("mm", "%M"), ("ss", "%S"), ("a", "%p"), ("EEE", "%a"),
]
_JAVA = re.compile("|".join(re.escape(t) for t, _ in _JAVA_TOKENS))


def strptime_pattern(pattern: str) -> str:
    """A date pattern as ServiceNow and Jira write them (`yyyy-MM-dd HH:mm:ss`,
    `dd/MMM/yy h:mm a`) as a strptime format; a pattern holding `%` is one already."""
    if "%" in pattern:
        return pattern
    table = dict(_JAVA_TOKENS)
    return _JAVA.sub(lambda m: table[m.group(0)], pattern)


def date_reader(pattern: str | None) -> Callable[[Any], dt.datetime | None]:
    """Cell value → wall-clock datetime (None for an empty cell); ValueError when it cannot
    be read. ISO 8601 and ServiceNow's `yyyy-MM-dd HH:mm:ss` always; `pattern` too."""
    fmt = strptime_pattern(pattern) if pattern else None
    cache: dict[str, dt.datetime] = {}

    def read(value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time())
        text = str(value).strip()
        if not text:
            return None
        hit = cache.get(text)
        if hit is not None:
            return hit
        parsed: dt.datetime | None = None
        if fmt is not None:
            try:
                parsed = dt.datetime.strptime(text, fmt)
            except ValueError:
                parsed = None
        if parsed is None:
            try:
                parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError("not a date and time") from exc
        parsed = parsed.replace(tzinfo=None)
        if len(cache) < 100_000:
            cache[text] = parsed
        return parsed

    return read


# --- reading ---------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            head = handle.readline()
            delimiter = ";" if head.count(";") > head.count(",") else ","
            yield from csv.reader(io.StringIO(head), delimiter=delimiter)
            yield from csv.reader(handle, delimiter=delimiter)
    except UnicodeDecodeError as exc:
        raise TicketError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:
        raise TicketError(f"{path}: not a CSV file: {exc}") from exc


def _xlsx_rows(path: Path) -> Iterator[list[Any]]:
    try:
        import openpyxl
    except ImportError as exc:
        raise TicketError(
            "reading XLSX needs openpyxl: pip install 'itsm-cli[tickets]' (or export CSV)"
        ) from exc
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise TicketError(f"{path}: not an XLSX workbook ({type(exc).__name__})") from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else v for v in row]
    finally:
        workbook.close()


def rows_of(path: Path) -> Iterator[list[Any]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _xlsx_rows(path)
    return _csv_rows(path)


def _columns(
    header: Sequence[Any], wanted: dict[str, str], file: str, required: Iterable[str]
) -> dict[str, list[int]]:
    names = [str(h).strip() for h in header]
    lowered = [n.lower() for n in names]
    found: dict[str, list[int]] = {}
    for name, column in wanted.items():
        indexes = [i for i, n in enumerate(lowered) if n == column.lower()]
        if indexes:
            found[name] = indexes
    missing = [f for f in required if f not in found]
    if missing:
        shown = ", ".join(f"{wanted[f]!r} (field {f})" for f in missing)
        raise TicketError(
            f"{file}: no column {shown}; name the column with --map {missing[0]}=COLUMN"
        )
    return found


def _priority(text: str) -> str | None:
    value = text.strip()
    if not value:
        return None
    match = re.match(r"\s*([1-5])\b", value)
    if match:
        return f"P{match.group(1)}"
    if re.fullmatch(r"[Pp][1-5]", value):
        return value.upper()
    return _JIRA_PRIORITIES.get(value.lower())


def read_export(
    paths: Sequence[Path],
    shown: dict[Path, str],
    profile: str,
    mapping: dict[str, str],
    date_format: str | None,
    process: str,
    on_rows: Callable[[int], None] = lambda _n: None,
    by_priority: bool = False,
) -> Export:
    """Every ticket of the exports, reduced to the last row per ref. `by_priority`: the
    values of per-priority targets are wanted (`--agreement`), so the priority column is
    required too (without it, every target would silently get no value)."""
    _, defaults = PROFILES[profile]
    wanted = {**defaults, **mapping}
    belongs = RESOLVED_BY.get(process, "closed")
    required = ("ref", "opened", belongs, *(("priority",) if by_priority else ()))
    read_date = date_reader(date_format)
    export = Export()
    for path in paths:
        file = shown.get(path, str(path))
        rows = rows_of(path)
        header = next(rows, None)
        if header is None:
            raise TicketError(f"{file}: empty file (no header row)")
        columns = _columns(header, wanted, file, required)
        export.columns = {f: wanted[f] for f in columns}
        for number, row in enumerate(rows, start=2):
            export.rows += 1
            if export.rows % 10_000 == 0:
                on_rows(export.rows)
            if not any(str(v).strip() for v in row):
                continue
            ticket = _ticket(row, columns, wanted, read_date, file, number, export.unreadable)
            if ticket is not None:
                export.tickets.pop(ticket.ref, None)
                export.tickets[ticket.ref] = ticket
    on_rows(export.rows)
    if profile.startswith("servicenow-"):
        _refuse_another_process(export, process, ", ".join(shown.get(p, str(p)) for p in paths))
    return export


SERVICENOW_NUMBERS: dict[str, tuple[str, ...]] = {
    "incident": ("INC",),
    "request": ("RITM", "REQ", "SCTASK"),
    "problem": ("PRB", "PTASK"),
    "change": ("CHG", "CTASK"),
    "security-incident": ("SIR",),
}
"""The prefixes ServiceNow numbers each process's tickets with (INC0010023, CHG0030011)."""


def _numbered_for(ref: str) -> str | None:
    match = re.fullmatch(r"([A-Za-z]+)\d+", ref)
    if match is None:
        return None
    prefix = match.group(1).upper()
    return next((p for p, own in SERVICENOW_NUMBERS.items() if prefix in own), None)


def _refuse_another_process(export: Export, process: str, files: str) -> None:
    """An export of changes read as problems would write change figures over the problem
    report of the period, and the columns alone cannot tell (most are optional): the ticket
    numbers can. Refused only when no ticket is numbered for `process` and some are numbered
    for one other process; numbers of another form (a renumbered instance) say nothing."""
    found = {_numbered_for(ref) for ref in export.tickets} - {None}
    if process in found or len(found) != 1:
        return
    other = found.pop()
    assert other is not None
    example = next(ref for ref in export.tickets if _numbered_for(ref) == other)
    message = (
        f"{files}: the tickets are numbered as {other} tickets ({example}), not as {process} "
        f"tickets ({' or '.join(p + '…' for p in SERVICENOW_NUMBERS[process])})"
    )
    if f"servicenow-{other}" in PROFILES:
        message += f": use --profile servicenow-{other}"
    raise TicketError(message)


def _cell(row: Sequence[Any], columns: dict[str, list[int]], name: str) -> Any:
    indexes = columns.get(name)
    if not indexes or indexes[0] >= len(row):
        return ""
    return row[indexes[0]]


def _ticket(
    row: Sequence[Any],
    columns: dict[str, list[int]],
    wanted: dict[str, str],
    read_date: Callable[[Any], dt.datetime | None],
    file: str,
    number: int,
    unreadable: list[Unreadable],
) -> Ticket | None:
    ref = str(_cell(row, columns, "ref")).strip()
    if not ref:
        unreadable.append(Unreadable(file, number, wanted["ref"], "", "no ticket number"))
        return None
    dates: dict[str, dt.datetime | None] = {}
    for name in ("opened", "resolved", "closed", "reviewed", "approved", "start"):
        if name not in columns:
            dates[name] = None
            continue
        value = _cell(row, columns, name)
        try:
            dates[name] = read_date(value)
        except ValueError:
            unreadable.append(Unreadable(file, number, wanted[name], str(value), "not a date"))
            return None
    opened = dates["opened"]
    if opened is None:
        unreadable.append(Unreadable(file, number, wanted["opened"], "", "no opening date"))
        return None
    for name in ("resolved", "closed"):
        done = dates[name]
        if done is not None and done < opened:
            # Not guessed either way: a negative resolution time would count as met.
            unreadable.append(
                Unreadable(file, number, wanted[name], str(_cell(row, columns, name)),
                           f"before the ticket was opened ({_cell(row, columns, 'opened')})")
            )
            return None
    major_cells = [str(row[i]) for i in columns.get("major", []) if i < len(row)]
    if wanted.get("major", "").lower() == "labels":
        labels = {p.strip().lower() for cell in major_cells for p in re.split(r"[ ,;]+", cell)}
        major = "major-incident" in labels
    else:
        major = any(c.strip().lower() in _MAJOR_STATES for c in major_cells)
    reopened_text = str(_cell(row, columns, "reopened")).strip()
    try:
        reopened = float(reopened_text or 0) > 0
    except ValueError:
        unreadable.append(
            Unreadable(file, number, wanted["reopened"], reopened_text, "not a number")
        )
        return None
    root = str(_cell(row, columns, "root_cause")).strip()
    known = str(_cell(row, columns, "known_error")).strip().lower() in _TRUE
    return Ticket(
        ref=ref,
        opened=opened,
        resolved=dates["resolved"],
        closed=dates["closed"],
        priority=_priority(str(_cell(row, columns, "priority"))),
        reopened=reopened,
        major=major,
        reviewed=dates["reviewed"],
        type=str(_cell(row, columns, "type")).strip().lower(),
        approved=dates["approved"],
        start=dates["start"],
        outcome=str(_cell(row, columns, "outcome")).strip().lower(),
        root_cause=bool(root) or known,
    )


# --- figures ---------------------------------------------------------------------------------


def period_span(period: str) -> tuple[dt.datetime, dt.datetime]:
    """[first instant, first instant of the next period) of `2026-10` or `2026-Q4`."""
    parsed = Period.parse(period)
    try:
        end = dt.datetime.combine(parsed.next.start, dt.time())
    except ValueError:  # 9999-12: no period follows it
        end = dt.datetime.max
    return dt.datetime.combine(parsed.start, dt.time()), end


@dataclass
class Figures:
    counts: dict[str, int]
    exceptions: list[dict[str, str]]
    values: dict[str, float] = field(default_factory=dict)
    """Measurement value per per-incident target id (with `--agreement`)."""
    value_notes: list[str] = field(default_factory=list)
    breached: int | None = None


def _done_at(ticket: Ticket, process: str) -> dt.datetime | None:
    if RESOLVED_BY.get(process) == "resolved":
        return ticket.resolved
    return ticket.closed


def compute(
    export: Export,
    process: str,
    period: str,
    root_cause_within: Duration,
    targets: Sequence[Target] = (),
) -> Figures:
    start, end = period_span(period)
    tickets = list(export.tickets.values())
    mine = [t for t in tickets if (d := _done_at(t, process)) is not None and start <= d < end]
    counts: dict[str, int] = {
        "opened": sum(1 for t in tickets if start <= t.opened < end),
        "closed": len(mine),
        "backlog": sum(
            1 for t in tickets
            if t.opened < end and ((d := _done_at(t, process)) is None or d >= end)
        ),
    }
    cols = export.columns
    if "reopened" in cols:
        counts["reopened"] = sum(1 for t in mine if t.reopened)
    if "major" in cols:
        counts["major"] = sum(1 for t in mine if t.major)
    if "type" in cols and process == "change":
        counts["emergency"] = sum(1 for t in mine if t.type == "emergency")
    if "outcome" in cols and process in ("change", "release"):
        counts["failed"] = sum(1 for t in mine if t.outcome in _FAILED)
    exceptions = _exceptions(mine, tickets, process, end, root_cause_within, cols)
    figures = Figures(counts, exceptions)
    figures.value_notes.extend(_checks_not_run(process, cols))
    _attainment(mine, targets, figures)
    return figures


# The exception checks of each process, with the fields (columns) each needs.
_CHECKS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "change": (("implemented-before-approval", ("approved", "start")),
               ("emergency-without-review", ("type", "reviewed")),
               ("failed-without-review", ("outcome", "reviewed"))),
    "release": (("release-without-approval", ("approved",)),
                ("failed-without-review", ("outcome", "reviewed"))),
    "incident": (("major-without-review", ("major", "reviewed")),),
    "security-incident": (("major-without-review", ("major", "reviewed")),),
}


def _checks_not_run(process: str, cols: dict[str, str]) -> list[str]:
    """The exception checks the export's columns cannot support, said rather than passed
    over: no `approval_set` column is no evidence that every change was approved."""
    notes = []
    for issue, fields in _CHECKS.get(process, ()):
        absent = [f for f in fields if f not in cols]
        if absent:
            notes.append(
                f"{issue} not checked: no column for the field {' nor '.join(absent)} "
                f"(--map {absent[0]}=COLUMN names it)"
            )
    if process == "problem" and "root_cause" not in cols and "known_error" not in cols:
        notes.append(
            "no-root-cause not checked: no column for the field root_cause nor known_error "
            "(--map root_cause=COLUMN names it)"
        )
    return notes


def _exceptions(
    mine: list[Ticket], tickets: list[Ticket], process: str, end: dt.datetime,
    root_cause_within: Duration, cols: dict[str, str],
) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    reviewed = "reviewed" in cols

    def add(ticket: Ticket, issue: str, note: str) -> None:
        found.append({"ref": ticket.ref, "issue": issue, "note": note})

    for t in mine:
        if process == "change":
            if "approved" in cols and "start" in cols:
                if t.approved is None:
                    add(t, "implemented-before-approval", "no approval recorded")
                elif t.start is not None and t.approved > t.start:
                    add(t, "implemented-before-approval",
                        f"approved {t.approved:%Y-%m-%d %H:%M}, started {t.start:%Y-%m-%d %H:%M}")
            if reviewed and t.type == "emergency" and t.reviewed is None:
                add(t, "emergency-without-review", "emergency change with no review")
        if process in ("change", "release") and reviewed and t.outcome in _FAILED \
                and t.reviewed is None:
            add(t, "failed-without-review", f"{t.outcome} with no review")
        if process == "release" and "approved" in cols and t.approved is None:
            add(t, "release-without-approval", "no approval recorded")
        if process in ("incident", "security-incident") and reviewed and t.major \
                and t.reviewed is None:
            add(t, "major-without-review", "major incident with no review")
    if process == "problem" and ("root_cause" in cols or "known_error" in cols):
        for t in tickets:
            open_at_end = t.opened < end and (t.closed is None or t.closed >= end)
            if not open_at_end or t.root_cause:
                continue
            deadline = dt.datetime.combine(root_cause_within.after(t.opened.date()),
                                           t.opened.time())
            if deadline < end:
                add(t, "no-root-cause",
                    f"open since {t.opened:%Y-%m-%d}, longer than {root_cause_within}, "
                    "with no root cause")
    found.sort(key=lambda e: (e["issue"], e["ref"]))
    return found


def _attainment(mine: list[Ticket], targets: Sequence[Target], figures: Figures) -> None:
    breaching: set[str] = set()
    counted = False
    for target in targets:
        if target.window != "per-incident" or not target.priority:
            continue
        seconds = _UNIT_SECONDS.get(target.unit)
        if seconds is None:
            figures.value_notes.append(
                f"target {target.id}: unit {target.unit} is not a duration; no value"
            )
            continue
        if target.metric == "response-time":
            # The exports hold when a ticket was resolved, not when it was first answered:
            # a resolution time written as a response time would be a false breach.
            figures.value_notes.append(
                f"target {target.id}: response-time is not in the export (resolution times "
                "only); no value"
            )
            continue
        limit = dt.timedelta(seconds=target.objective * seconds)
        durations = [
            (t.ref, t.resolved - t.opened)
            for t in mine
            if t.priority == target.priority.upper() and t.resolved is not None
        ]
        if not durations:
            figures.value_notes.append(
                f"target {target.id}: no {target.priority} ticket resolved in the period; no value"
            )
            continue
        within = sum(1 for _, d in durations if d <= limit)
        counted = True
        breaching.update(ref for ref, d in durations if d > limit)
        # Two decimals, rounded towards the breach: 397 of 399 tickets is 99.49 % (not
        # 99.5 %, which would meet an attainment of 99.5), and 4 h 0 min 1 s is 4.01 h.
        if target.attainment is not None:
            share = math.floor(Fraction(10_000 * within, len(durations)))
            figures.values[target.id] = share / 100
        else:
            worst = max(d for _, d in durations) // dt.timedelta(microseconds=1)
            hundredths = math.ceil(Fraction(100 * worst, seconds * 1_000_000))
            figures.values[target.id] = hundredths / 100
    breached = len(breaching)
    if counted:
        figures.breached = breached
