"""The ManagementReview kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import IsoDate, Text
from itsm_cli.records.models import Event, PlanAction, Record, Reference, Spec


class ManagementReviewSpec(Spec):
    date: IsoDate
    """When the review took place (YYYY-MM-DD)."""
    attendees: Annotated[list[Text], Field(min_length=1)]
    """Who attended (top management at least)."""
    inputs: dict[str, str | list[str]]
    """What was reviewed, by input name (previous-actions, performance, risks …): a text,
    or a list of the ids of the records considered."""
    decisions: list[str]
    """Decisions taken (improvement opportunities, changes to the SMS, resources)."""
    actions: list[PlanAction] = []
    """Actions agreed."""

    def events(self) -> Iterator[Event]:
        yield ("date",), self.date

    def references(self) -> Iterator[Reference]:
        # A list input names the records considered, of any kind: one that names no record
        # claims an input nobody can look up.
        for name, value in self.inputs.items():
            if isinstance(value, list):
                for i, ref in enumerate(value):
                    yield ("inputs", name, i), ref, ()


class ManagementReview(Record):
    """A management review of the SMS: inputs, decisions and actions (ISO/IEC 20000-1:2018
    9.3)."""

    KIND = "ManagementReview"
    FOLDER = "reviews"
    CLAUSES = ("9.3",)
    kind: Literal["ManagementReview"]
    """Always ManagementReview."""
    spec: ManagementReviewSpec
    """The fields of a ManagementReview record."""
