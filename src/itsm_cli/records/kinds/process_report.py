"""The ProcessReport kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.dates import PERIOD_PATTERN
from itsm_cli.records.fields import Count, RecordId, RecordModel, Text
from itsm_cli.records.models import Problem, Record, Reference, Spec, refs

PROCESS_CLAUSES: dict[str, str] = {
    "incident": "8.6.1",
    "request": "8.6.2",
    "problem": "8.6.3",
    "change": "8.5.1",
    "release": "8.5.3",
    "security-incident": "8.7.3.3",
}
"""The clause a ProcessReport evidences, by its process."""

Process = Literal["incident", "request", "problem", "change", "release", "security-incident"]
ExceptionIssue = Literal[
    "implemented-before-approval",
    "emergency-without-review",
    "failed-without-review",
    "release-without-approval",
    "major-without-review",
    "no-root-cause",
]

ISSUE_PROCESSES: dict[str, tuple[str, ...]] = {
    "implemented-before-approval": ("change",),
    "emergency-without-review": ("change",),
    "failed-without-review": ("change", "release"),
    "release-without-approval": ("release",),
    "major-without-review": ("incident", "security-incident"),
    "no-root-cause": ("problem",),
}
"""The processes whose tickets can raise each exception issue. A change cannot be a major
incident without review, so the issue in a report of another process is a wrong value. A
security incident is an incident: a major one unreviewed is the same exception."""


class ProcessCounts(RecordModel):
    """Ticket counts of the period, computed from the export."""

    opened: Count | None = None
    """Tickets opened in the period, however they ended."""
    closed: Count | None = None
    """Tickets that belong to the period: resolved (incidents, requests) or closed (problems,
    changes) in it."""
    breached: Count | None = None
    """Tickets of the period that missed their resolution objective."""
    reopened: Count | None = None
    """Tickets of the period reopened at least once."""
    major: Count | None = None
    """Major incidents among the period's tickets."""
    emergency: Count | None = None
    """Emergency changes among the period's tickets."""
    failed: Count | None = None
    """Changes or releases of the period that failed (unsuccessful or backed out)."""
    backlog: Count | None = None
    """Tickets opened before the period's end and not yet resolved or closed at its end."""


class ProcessException(RecordModel):
    """One ticket that broke a control of the process."""

    ref: Text
    """The ticket number in the ITSM tool (INC0010023, CHG0030011, OPS-42)."""
    issue: ExceptionIssue
    """implemented-before-approval | emergency-without-review | failed-without-review |
    release-without-approval | major-without-review | no-root-cause."""
    note: str | None = None
    """What happened, or what was done about it."""


class ProcessReportSpec(Spec):
    process: Process
    """incident | request | problem | change | release | security-incident."""
    period: Annotated[str, Field(pattern=PERIOD_PATTERN)]
    """A month (2026-10) or a quarter (2026-Q4)."""
    source: Text
    """The system and export the figures were computed from (e.g. "ServiceNow incident
    export 2026-11-02")."""
    services: list[RecordId] = []
    """Ids of the Services the tickets concern (none: every service)."""
    counts: ProcessCounts | None = None
    """Figures of the period: never the tickets themselves."""
    exceptions: list[ProcessException] = []
    """Tickets that broke a control of the process, by reference."""

    def problems(self) -> Iterator[Problem]:
        if self.period.startswith("0000-"):
            yield ("period",), f"'{self.period}' is not a period: the calendar has no year 0000"
        for index, exception in enumerate(self.exceptions):
            processes = ISSUE_PROCESSES[exception.issue]
            if self.process not in processes:
                yield (
                    ("exceptions", index, "issue"),
                    f"'{exception.issue}' is an exception of {' and '.join(processes)} reports,"
                    f" not of this {self.process} report",
                )

    def references(self) -> Iterator[Reference]:
        return refs(self.services, "services", ("Service",))


class ProcessReport(Record):
    """The figures of one process (incident, request, problem, change, release,
    security-incident) for one month or quarter, computed from the ITSM tool's export: counts and
    exceptions, never the tickets themselves (ISO/IEC 20000-1:2018 8.5.1, 8.5.3,
    8.6.1-8.6.3, 8.7.3.3 by process)."""

    KIND = "ProcessReport"
    FOLDER = "operations"
    CLAUSES_BY_FIELDS = {
        clause: f"process: {process}" for process, clause in PROCESS_CLAUSES.items()
    }
    kind: Literal["ProcessReport"]
    """Always ProcessReport."""
    spec: ProcessReportSpec
    """The fields of a ProcessReport record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """The clause of its process (incident 8.6.1, change 8.5.1 …)."""
        return (PROCESS_CLAUSES[self.spec.process],)
