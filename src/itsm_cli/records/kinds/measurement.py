"""The Measurement kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.dates import PERIOD_PATTERN
from itsm_cli.records.fields import Number, RecordId
from itsm_cli.records.models import Problem, Record, Reference, Spec


class MeasurementSpec(Spec):
    agreement: RecordId
    """Id of the SLA or OLA measured."""
    period: Annotated[str, Field(pattern=PERIOD_PATTERN)]
    """A month (2026-10) or a quarter (2026-Q4)."""
    values: dict[str, Number]
    """Actual value per target id of the agreement."""
    notes: str | None = None
    """Context: workload against limits, incidents, explanations of breaches."""

    def problems(self) -> Iterator[Problem]:
        if self.period.startswith("0000-"):
            yield ("period",), f"'{self.period}' is not a period: the calendar has no year 0000"

    def references(self) -> Iterator[Reference]:
        yield ("agreement",), self.agreement, ("SLA", "OLA")


class Measurement(Record):
    """Actual values of an agreement's targets for one period (ISO/IEC 20000-1:2018 9.4)."""

    KIND = "Measurement"
    FOLDER = "measurements"
    CLAUSES = ("9.4",)
    kind: Literal["Measurement"]
    """Always Measurement."""
    spec: MeasurementSpec
    """The fields of a Measurement record."""
