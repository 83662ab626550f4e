"""The Audit kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import ClauseRef, IsoDate, RecordId, RecordModel, Text
from itsm_cli.records.models import (
    Event,
    Problem,
    Record,
    Reference,
    Spec,
    refs,
    unique_ids,
    unknown_clauses,
)


class AuditFinding(RecordModel):
    """One finding of an audit."""

    id: Text
    """Short id of the finding, unique within the audit."""
    type: Literal["major", "minor", "observation", "opportunity"]
    """major | minor | observation | opportunity."""
    clause: ClauseRef
    """The clause the finding is about."""
    description: Text
    """What the auditor found."""
    nonconformity: RecordId | None = None
    """Id of the Nonconformity raised for the finding (needed for major and minor)."""


class AuditSpec(Spec):
    type: Literal["internal", "external", "certification", "supplier"]
    """internal | external | certification | supplier."""
    state: Literal["planned", "done", "cancelled"]
    """planned | done | cancelled: the lifecycle of the audit, not of the record."""
    date: IsoDate
    """First day of the audit (YYYY-MM-DD)."""
    auditor: Text
    """Who audits (person, team or body); an internal auditor must not audit their own work."""
    scope: Annotated[list[ClauseRef], Field(min_length=1)]
    """Clauses audited (a parent names its subclauses): what was audited, not evidenced."""
    end: IsoDate | None = None
    """Last day of the audit, when it takes more than one day."""
    criteria: str | None = None
    """Audit criteria (the standard, the SMS policy, contracts)."""
    services: list[RecordId] = []
    """Ids of the Services sampled."""
    report: str | None = None
    """The audit report: a path in the repository or a URL."""
    findings: list[AuditFinding] = []
    """What the audit found."""

    def problems(self) -> Iterator[Problem]:
        yield from unknown_clauses(self.scope, ("scope",))
        for i, finding in enumerate(self.findings):
            for _, message in unknown_clauses([finding.clause]):
                yield ("findings", i, "clause"), message
        yield from unique_ids(self.findings, ("findings",))
        if self.end is not None and self.end < self.date:
            yield ("end",), f"end {self.end} is before date {self.date}"

    def references(self) -> Iterator[Reference]:
        yield from refs(self.services, "services", ("Service",))
        for i, finding in enumerate(self.findings):
            if finding.nonconformity is not None:
                yield ("findings", i, "nonconformity"), finding.nonconformity, ("Nonconformity",)

    def events(self) -> Iterator[Event]:
        # A planned audit lies ahead by nature; one done (or cancelled) has its dates behind.
        if getattr(self, "state", "done") == "planned":
            return
        yield ("date",), self.date
        if self.end is not None:
            yield ("end",), self.end

    @property
    def last_day(self) -> dt.date:
        return self.end or self.date


class Audit(Record):
    """An audit, planned or done: its scope of clauses and its findings (ISO/IEC
    20000-1:2018 9.2)."""

    KIND = "Audit"
    FOLDER = "audits"
    CLAUSES = ("9.2",)
    kind: Literal["Audit"]
    """Always Audit."""
    spec: AuditSpec
    """The fields of an Audit record."""
