"""The Nonconformity kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import ClauseRef, Flag, IsoDate, RecordId, RecordModel, Text
from itsm_cli.records.models import (
    Event,
    PlanAction,
    Problem,
    Record,
    Reference,
    Spec,
    unknown_clauses,
)


class Effectiveness(RecordModel):
    """The check that the corrective action worked."""

    date: IsoDate
    """When effectiveness was checked (YYYY-MM-DD)."""
    by: Text
    """Who checked."""
    effective: Flag
    """Whether the action was effective (true or false)."""
    notes: str | None = None
    """What was looked at."""


class NonconformitySpec(Spec):
    source: Literal["audit", "incident", "complaint", "review", "measurement", "other"]
    """audit | incident | complaint | review | measurement | other."""
    raised: IsoDate
    """When the nonconformity was raised (YYYY-MM-DD)."""
    severity: Literal["major", "minor", "observation", "opportunity"]
    """major | minor | observation | opportunity."""
    clauses: Annotated[list[ClauseRef], Field(min_length=1)]
    """The clauses the nonconformity is against (they are not evidenced by it)."""
    description: Text
    """What does not conform."""
    state: Literal["open", "action-taken", "closed"]
    """open | action-taken | closed: the lifecycle of the nonconformity, not of the record."""
    audit: RecordId | None = None
    """Id of the Audit that found it."""
    cause: str | None = None
    """Root cause found."""
    correction: str | None = None
    """What was done at once to contain it."""
    actions: list[PlanAction] = []
    """Corrective actions."""
    effectiveness: Effectiveness | None = None
    """The check that the corrective actions worked."""
    closed: IsoDate | None = None
    """When the nonconformity was closed (required when state is closed)."""

    def problems(self) -> Iterator[Problem]:
        yield from unknown_clauses(self.clauses, ("clauses",))
        if self.state == "closed" and self.closed is None:
            yield ("state",), "state is closed but the `closed` date is missing"
        if self.closed is not None and self.closed < self.raised:
            yield ("closed",), f"closed {self.closed} is before raised {self.raised}"

    def references(self) -> Iterator[Reference]:
        if self.audit is not None:
            yield ("audit",), self.audit, ("Audit",)

    def events(self) -> Iterator[Event]:
        yield ("raised",), self.raised
        if self.closed is not None:
            yield ("closed",), self.closed
        if self.effectiveness is not None:
            yield ("effectiveness", "date"), self.effectiveness.date


class Nonconformity(Record):
    """A nonconformity and its corrective action to closure (ISO/IEC 20000-1:2018 10.1;
    10.2 for an opportunity for improvement)."""

    KIND = "Nonconformity"
    FOLDER = "nonconformities"
    CLAUSES = ("10.1",)
    CLAUSES_BY_FIELDS = {"10.2": "severity: opportunity"}
    kind: Literal["Nonconformity"]
    """Always Nonconformity."""
    spec: NonconformitySpec
    """The fields of a Nonconformity record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """10.1; 10.2 for an opportunity for improvement. `spec.clauses` are the clauses it
        is against: never evidenced by it."""
        return ("10.2",) if self.spec.severity == "opportunity" else self.CLAUSES
