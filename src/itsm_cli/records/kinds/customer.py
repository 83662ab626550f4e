"""The Customer kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.findings import figure
from itsm_cli.records.fields import (
    Count,
    Flag,
    IsoDate,
    Number,
    RecordId,
    RecordModel,
    Text,
)
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


class ServiceReview(RecordModel):
    date: IsoDate
    """When the service review with the customer took place."""
    notes: str | None = None
    """What was reviewed and agreed."""
    actions: list[str] = []
    """Actions agreed in the review."""


class SatisfactionSurvey(RecordModel):
    date: IsoDate
    """When customer satisfaction was measured."""
    method: Literal["survey", "interview", "other"]
    """survey | interview | other."""
    asked: Count | None = None
    """How many people were asked."""
    responses: Count | None = None
    """How many answered (at most `asked`)."""
    score: Annotated[Number, Field(ge=0)] | None = None
    """The satisfaction score, from 0 to `scaleMax`."""
    scale_max: Annotated[Number, Field(gt=0)] | None = None
    """The best score on the scale used (e.g. 5 or 10)."""

    @property
    def response_rate(self) -> float | None:
        """Responses as a percentage of those asked; None when either is unknown."""
        if self.asked is None or self.responses is None or self.asked == 0:
            return None
        return self.responses / self.asked * 100


class Complaint(RecordModel):
    id: Text
    """Short id of the complaint, unique within the customer (e.g. a ticket number)."""
    date: IsoDate
    """When the complaint was received."""
    summary: Text
    """What the customer complained about."""
    state: Literal["open", "closed"]
    """open | closed."""
    closed: IsoDate | None = None
    """When the complaint was closed."""
    escalated: Flag = False
    """Whether the complaint was escalated (true or false; `yes` is text, not a boolean)."""


class CustomerSpec(Spec):
    relationship_manager: Text
    """The person or role who manages the relationship with the customer."""
    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services provided to the customer."""
    contacts: list[Contact] = []
    """Contacts at the customer."""
    service_reviews: list[ServiceReview] = []
    """Service reviews held with the customer, in any order."""
    satisfaction: list[SatisfactionSurvey] = []
    """Satisfaction measurements, in any order."""
    complaints: list[Complaint] = []
    """Complaints, recorded to closure."""

    def problems(self) -> Iterator[Problem]:
        yield from unique_ids(self.complaints, ("complaints",))
        for i, survey in enumerate(self.satisfaction):
            if (
                survey.asked is not None
                and survey.responses is not None
                and survey.responses > survey.asked
            ):
                yield ("satisfaction", i, "responses"), (
                    f"responses {survey.responses} is more than the {survey.asked} asked"
                )
            if (
                survey.score is not None
                and survey.scale_max is not None
                and survey.score > survey.scale_max
            ):
                yield ("satisfaction", i, "score"), (
                    f"score {figure(survey.score)} is above the scale's maximum "
                    f"{figure(survey.scale_max)}"
                )
        for i, complaint in enumerate(self.complaints):
            if complaint.closed is not None and complaint.closed < complaint.date:
                yield ("complaints", i, "closed"), (
                    f"closed {complaint.closed} is before the complaint's date {complaint.date}"
                )

    def references(self) -> Iterator[Reference]:
        return refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        yield from dated(self.contacts, "contacts")
        yield from dated(self.service_reviews, "serviceReviews")
        yield from dated(self.satisfaction, "satisfaction")
        yield from dated(self.complaints, "complaints")
        for i, complaint in enumerate(self.complaints):
            if complaint.closed is not None:
                yield ("complaints", i, "closed"), complaint.closed


class Customer(Record):
    """A customer: relationship manager, services, service reviews, satisfaction and
    complaints (ISO/IEC 20000-1:2018 8.3.2)."""

    KIND = "Customer"
    FOLDER = "customers"
    REVIEWED = True
    CLAUSES = ("8.3.2",)
    kind: Literal["Customer"]
    """Always Customer."""
    spec: CustomerSpec
    """The fields of a Customer record."""
