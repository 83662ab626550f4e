"""The Waiver kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import IsoDate, Text
from itsm_cli.records.models import RULE_CODE_PATTERN, Record, Reference, Spec


class WaiverSpec(Spec):
    rule: Annotated[str, Field(pattern=RULE_CODE_PATTERN)]
    """The rule code waived, e.g. SLM003."""
    records: Annotated[list[str], Field(min_length=1)]
    """Ids of the records the waiver covers, or ["*"] for all."""
    reason: Text
    """Why the deviation is accepted."""
    approved_by: Text
    """Who accepted the deviation."""
    expires: IsoDate
    """Last day the waiver applies (YYYY-MM-DD)."""

    def references(self) -> Iterator[Reference]:
        for i, ref in enumerate(self.records):
            if ref != "*":
                yield ("records", i), ref, ()


class Waiver(Record):
    """An accepted deviation: suppresses the findings of one rule on some records until it
    expires."""

    KIND = "Waiver"
    FOLDER = "waivers"
    kind: Literal["Waiver"]
    """Always Waiver."""
    spec: WaiverSpec
    """The fields of a Waiver record."""
