"""The ContinuityPlan kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import IsoDate, IsoDuration, Percent, RecordId, RecordModel, Text
from itsm_cli.records.models import (
    Contact,
    Event,
    Problem,
    Record,
    Reference,
    Spec,
    dated,
    refs,
    unique_ids,
)


class Scenario(RecordModel):
    id: Text
    """Short id of the scenario, unique within the plan."""
    description: Text
    """The major loss of service the scenario covers."""
    strategy: Text
    """How service is restored in this scenario."""


class ContinuityTest(RecordModel):
    date: IsoDate
    """When the test took place."""
    type: Literal["tabletop", "walkthrough", "failover", "full"]
    """tabletop | walkthrough | failover | full."""
    result: Literal["pass", "partial", "fail"]
    """pass | partial | fail."""
    achieved_rto: IsoDuration | None = None
    """Recovery time achieved in the test (ISO 8601 duration)."""
    findings: list[str] = []
    """What the test revealed."""
    actions: list[str] = []
    """Actions agreed to fix deficiencies."""


class ContinuityPlanSpec(Spec):
    # The availability while the plan is invoked sits with its RTO and RPO.
    KEY_ORDER = ("services", "invocation", "scenarios", "rto", "rpo", "availabilityWhileInvoked")

    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services the plan covers."""
    invocation: Text
    """Criteria for invoking the plan, and who decides."""
    scenarios: Annotated[list[Scenario], Field(min_length=1)]
    """Procedures for a major loss of service."""
    rto: IsoDuration
    """Recovery time objective."""
    rpo: IsoDuration
    """Recovery point objective."""
    return_to_normal: Text
    """How normal working is restored after the plan was invoked."""
    test_interval: IsoDuration
    """How often the plan must be tested, e.g. P12M."""
    availability_while_invoked: Percent | None = None
    """Availability target (percent) while the plan is invoked."""
    contacts: list[Contact] = []
    """People to contact when the plan is invoked."""
    tests: list[ContinuityTest] = []
    """Tests of the plan, in any order."""

    def problems(self) -> Iterator[Problem]:
        return unique_ids(self.scenarios, ("scenarios",))

    def references(self) -> Iterator[Reference]:
        return refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        yield from dated(self.contacts, "contacts")
        yield from dated(self.tests, "tests")


class ContinuityPlan(Record):
    """A service continuity and availability plan (ISO/IEC 20000-1:2018 8.7.1, 8.7.2)."""

    KIND = "ContinuityPlan"
    FOLDER = "continuity"
    REVIEWED = True
    CLAUSES = ("8.7.1", "8.7.2")
    kind: Literal["ContinuityPlan"]
    """Always ContinuityPlan."""
    spec: ContinuityPlanSpec
    """The fields of a ContinuityPlan record."""
