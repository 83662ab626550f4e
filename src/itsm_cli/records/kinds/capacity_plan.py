"""The CapacityPlan kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import (
    IsoDate,
    IsoDuration,
    Number,
    Percent,
    RecordId,
    RecordModel,
    Text,
)
from itsm_cli.records.models import Event, PlanAction, Record, Reference, Spec, dated, refs


class Usage(RecordModel):
    date: IsoDate
    """When the usage was observed."""
    value: Number
    """Observed usage, in the resource's unit."""


class Resource(RecordModel):
    name: Text
    """What is being planned, e.g. "Primary storage"."""
    type: Literal["human", "technical", "information", "financial"]
    """human | technical | information | financial."""
    unit: Text
    """Free text: TB, vCPU, FTE…"""
    capacity: Annotated[Number, Field(gt=0)]
    """Total capacity, in `unit`."""
    threshold: Percent
    """Percentage of capacity at which action is needed."""
    usage: list[Usage] = []
    """Observed usage, in any order."""

    @property
    def threshold_value(self) -> float:
        return self.capacity * self.threshold / 100


class CapacityPlanSpec(Spec):
    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services the plan covers."""
    horizon: IsoDuration
    """How far ahead the plan looks, e.g. P12M."""
    resources: Annotated[list[Resource], Field(min_length=1)]
    """Resources planned (human, technical, information, financial)."""
    actions: list[PlanAction] = []
    """Actions to keep capacity ahead of demand."""

    def references(self) -> Iterator[Reference]:
        return refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        for i, resource in enumerate(self.resources):
            for path, day in dated(resource.usage, "usage"):
                yield ("resources", i, *path), day


class CapacityPlan(Record):
    """A capacity plan: resources, their capacity, thresholds and observed usage (ISO/IEC
    20000-1:2018 8.4.3)."""

    KIND = "CapacityPlan"
    FOLDER = "capacity"
    REVIEWED = True
    CLAUSES = ("8.4.3",)
    kind: Literal["CapacityPlan"]
    """Always CapacityPlan."""
    spec: CapacityPlanSpec
    """The fields of a CapacityPlan record."""
