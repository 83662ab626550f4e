"""The Service kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Literal

from itsm_cli.records.fields import Criticality, Lifecycle, RecordId, Text
from itsm_cli.records.models import Record, Reference, Spec, refs


class ServiceSpec(Spec):
    KEY_ORDER = ("description", "lifecycle", "criticality", "customers", "serviceHours")

    description: Text
    """What the service does for its customers."""
    lifecycle: Lifecycle
    """pipeline | live | retired."""
    criticality: Criticality
    """critical | high | medium | low."""
    customers: list[str] = []
    """Customers (or customer groups) the service is provided to."""
    depends_on: list[RecordId] = []
    """Ids of the Services and Suppliers this service depends on."""
    service_hours: str | None = None
    """When the service is provided, e.g. "24x7" or "Mon-Fri 08:00-18:00 CET"."""

    def references(self) -> Iterator[Reference]:
        return refs(self.depends_on, "dependsOn", ("Service", "Supplier"))


class Service(Record):
    """A service in the service catalogue (ISO/IEC 20000-1:2018 8.2.4)."""

    KIND = "Service"
    FOLDER = "services"
    REVIEWED = True
    CLAUSES = ("8.2.4",)
    kind: Literal["Service"]
    """Always Service."""
    spec: ServiceSpec
    """The fields of a Service record."""
