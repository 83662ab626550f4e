"""The Supplier kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

import datetime as dt
from collections.abc import Iterator
from typing import Literal

from itsm_cli.records.fields import Criticality, IsoDate, IsoDuration, RecordId, RecordModel, Text
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


class Contract(RecordModel):
    reference: Text
    """Contract number or document reference."""
    start: IsoDate
    """First day of the contract (YYYY-MM-DD)."""
    end: IsoDate
    """Last day of the contract (YYYY-MM-DD)."""
    notice_period: IsoDuration | None = None
    """Notice needed to end or renegotiate the contract, e.g. P90D."""
    targets: list[Target] = []
    """Underpinning targets the supplier commits to."""

    def in_force(self, today: dt.date) -> bool:
        return self.start <= today <= self.end

    @property
    def last_notice_day(self) -> dt.date | None:
        """The last day to give notice: end − noticePeriod, by the calendar (2027-01-31 − P3M
        = 2026-10-31); None without a notice period."""
        return None if self.notice_period is None else self.notice_period.before(self.end)


class SupplierReview(RecordModel):
    date: IsoDate
    """When the performance review took place."""
    outcome: Literal["meets", "partially-meets", "fails"]
    """meets | partially-meets | fails."""
    notes: str | None = None
    """What was found and agreed."""


class Dispute(RecordModel):
    date: IsoDate
    """When the dispute was raised."""
    summary: Text
    """What the dispute is about."""
    status: Literal["open", "closed"]
    """open | closed."""


class SupplierSpec(Spec):
    # Logs that grow (reviews, disputes) come last.
    KEY_ORDER = ("type", "criticality", "supports", "contract", "contacts", "interfaces")

    type: Literal["external", "internal", "customer-as-supplier"]
    """external | internal | customer-as-supplier."""
    criticality: Criticality
    """critical | high | medium | low."""
    supports: list[RecordId]
    """Ids of the Services this supplier supports."""
    contract: Contract
    """The contract (or agreement) with the supplier."""
    contacts: list[Contact] = []
    """Contacts at the supplier."""
    reviews: list[SupplierReview] = []
    """Performance reviews, in any order."""
    interfaces: list[str] = []
    """Interfaces between the supplier's and our processes."""
    disputes: list[Dispute] = []
    """Contractual disputes, recorded to closure."""

    def problems(self) -> Iterator[Problem]:
        if self.contract.start > self.contract.end:
            yield ("contract", "end"), (
                f"contract end {self.contract.end} is before its start {self.contract.start}"
            )
        yield from target_problems(self.contract.targets, ("contract", "targets"))

    def references(self) -> Iterator[Reference]:
        return refs(self.supports, "supports", ("Service",))

    def events(self) -> Iterator[Event]:
        yield from dated(self.contacts, "contacts")
        yield from dated(self.reviews, "reviews")
        yield from dated(self.disputes, "disputes")


class Supplier(Record):
    """A supplier and its contract (ISO/IEC 20000-1:2018 8.3.4.1; 8.3.4.2 for internal
    suppliers and customers acting as a supplier)."""

    KIND = "Supplier"
    FOLDER = "suppliers"
    REVIEWED = True
    CLAUSES = ("8.3.4.1",)
    CLAUSES_BY_FIELDS = {"8.3.4.2": "type: internal or customer-as-supplier"}
    kind: Literal["Supplier"]
    """Always Supplier."""
    spec: SupplierSpec
    """The fields of a Supplier record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        # 8.3.4.2 is about internal suppliers and customers acting as a supplier: neither
        # is the external supplier under contract of 8.3.4.1 (nor its mandatory document).
        return ("8.3.4.1",) if self.spec.type == "external" else ("8.3.4.2",)
