"""The agreement kinds, SLA and OLA: their shared `AgreementSpec`, their specs and classes."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import IsoDate, RecordId, RecordModel, Text
from itsm_cli.records.models import (
    Contact,
    Event,
    Problem,
    Record,
    Reference,
    Spec,
    Target,
    dated,
    refs,
    target_problems,
)


class Reporting(RecordModel):
    frequency: Literal["monthly", "quarterly"] = "monthly"
    """How often performance against targets is reported."""
    recipients: list[str] = []
    """Who receives the service reports."""


class AgreementSpec(Spec):
    """Fields SLAs and OLAs share."""

    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services the agreement covers."""
    targets: Annotated[list[Target], Field(min_length=1)]
    """The service level targets (at least one)."""
    service_hours: str | None = None
    """When the agreed service is provided, e.g. "Mon-Fri 08:00-18:00 CET"."""
    workload_limits: str | None = None
    """Workload the targets hold for (e.g. "up to 2,000 orders an hour")."""
    exceptions: list[str] | None = None
    """Situations the targets do not cover."""
    reporting: Reporting | None = None
    """How performance against the targets is reported, and to whom."""
    signatories: list[Contact] = []
    """Who signed the agreement, for each party."""

    def problems(self) -> Iterator[Problem]:
        return target_problems(self.targets, ("targets",))

    def references(self) -> Iterator[Reference]:
        return refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        return dated(self.signatories, "signatories")

    def target(self, target_id: str) -> Target | None:
        return next((t for t in self.targets if t.id == target_id), None)

    @property
    def reporting_frequency(self) -> str:
        return self.reporting.frequency if self.reporting else "monthly"


_AGREEMENT_ORDER = (
    "services", "validFrom", "validUntil", "serviceHours", "workloadLimits", "exceptions",
    "targets", "reporting", "signatories",
)
"""An agreement reads who, what, when, then its terms: the fields SLAs and OLAs share come
first in the models, after the party in the document."""


class SLASpec(AgreementSpec):
    KEY_ORDER = ("customer", "customerRef", *_AGREEMENT_ORDER)

    customer: Text
    """The customer the agreement is with."""
    valid_from: IsoDate
    """First day the agreement is in force (YYYY-MM-DD)."""
    valid_until: IsoDate
    """Last day the agreement is in force (YYYY-MM-DD)."""
    customer_ref: RecordId | None = None
    """Id of the Customer record of the customer the agreement is with."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.valid_from > self.valid_until:
            yield ("validUntil",), (
                f"validUntil {self.valid_until} is before validFrom {self.valid_from}"
            )

    def references(self) -> Iterator[Reference]:
        yield from super().references()
        if self.customer_ref is not None:
            yield ("customerRef",), self.customer_ref, ("Customer",)


class OLASpec(AgreementSpec):
    KEY_ORDER = ("provider", *_AGREEMENT_ORDER)

    provider: Text
    """The internal team that provides, or the id of a Supplier of type internal."""
    valid_from: IsoDate | None = None
    """First day the agreement is in force, if limited."""
    valid_until: IsoDate | None = None
    """Last day the agreement is in force, if limited."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            yield ("validUntil",), (
                f"validUntil {self.valid_until} is before validFrom {self.valid_from}"
            )


class SLA(Record):
    """A service level agreement with a customer (ISO/IEC 20000-1:2018 8.3.3)."""

    KIND = "SLA"
    FOLDER = "agreements"
    REVIEWED = True
    CLAUSES = ("8.3.3",)
    kind: Literal["SLA"]
    """Always SLA."""
    spec: SLASpec
    """The fields of a SLA record."""

    def in_force(self, today: dt.date) -> bool:
        return self.spec.valid_from <= today <= self.spec.valid_until


class OLA(Record):
    """An agreement with an internal supplier or another part of the organization (ISO/IEC
    20000-1:2018 8.3.4.2)."""

    KIND = "OLA"
    FOLDER = "agreements"
    REVIEWED = True
    CLAUSES = ("8.3.4.2",)
    kind: Literal["OLA"]
    """Always OLA."""
    spec: OLASpec
    """The fields of a OLA record."""

    def in_force(self, today: dt.date) -> bool:
        start, end = self.spec.valid_from, self.spec.valid_until
        return (start is None or start <= today) and (end is None or today <= end)


Agreement = SLA | OLA
