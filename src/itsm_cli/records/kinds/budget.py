"""The Budget kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

from itsm_cli.dates import BUDGET_PERIOD_PATTERN, Period
from itsm_cli.records.fields import RecordId, RecordModel
from itsm_cli.records.models import Problem, Record, Reference, Spec, refs


def _money(value: Any) -> Any:
    """An amount as a Decimal from the number as written: the loader gives a float, whose
    shortest text (`str`) is the decimal the record wrote, so no binary rounding enters
    sums and variances."""
    if isinstance(value, bool):
        return value  # refused by the Decimal validator, not read as 1 or 0
    if isinstance(value, float | int):
        return Decimal(str(value))
    if isinstance(value, str):
        # A quoted amount is text (YAML 1.2), refused as every other number field is: the
        # same error type, so the same message and the "without quotes" hint.
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    Field(allow_inf_nan=False),
    PlainSerializer(float, return_type=float),
    WithJsonSchema({"type": "number"}),
]


class BudgetLine(RecordModel):
    category: Literal[
        "people", "licences", "infrastructure", "external-services", "facilities", "other"
    ]
    """people | licences | infrastructure | external-services | facilities | other."""
    planned: Annotated[Money, Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]
    """Amount budgeted for the period, in the Budget's currency."""
    actual: Money | None = None
    """Amount spent in the period, in the Budget's currency."""
    forecast: Money | None = None
    """Expected amount by the end of the period, in the Budget's currency."""
    note: str | None = None
    """Why the actual differs from the plan, or other context."""


def _year_text(value: Any) -> Any:
    """`period: 2026` unquoted is a YAML integer; the year it means, as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}" if 0 <= value <= 9999 else str(value)
    return value


class BudgetSpec(Spec):
    KEY_ORDER = ("period", "currency", "services", "lines")

    period: Annotated[
        str,
        BeforeValidator(_year_text),
        Field(pattern=BUDGET_PERIOD_PATTERN),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": BUDGET_PERIOD_PATTERN},
                    {"type": "integer", "minimum": 1, "maximum": 9999},
                ],
                "examples": ["2026", "2026-Q4", "2026-10"],
            }
        ),
    ]
    """A year (2026), a quarter (2026-Q4) or a month (2026-10)."""
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    """ISO 4217 currency code of every amount in the budget, e.g. EUR."""
    lines: Annotated[list[BudgetLine], Field(min_length=1)]
    """Budget lines by category: planned, actual and forecast amounts."""
    services: list[RecordId] = []
    """Ids of the Services the budget is for (none: the whole SMS)."""

    @property
    def first_day(self) -> dt.date:
        """The first day of the period."""
        return Period.parse(self.period, year=True).start

    @property
    def last_day(self) -> dt.date:
        """The last day of the period."""
        return Period.parse(self.period, year=True).end

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def problems(self) -> Iterator[Problem]:
        from itsm_cli.records.currencies import is_currency

        if self.period.startswith("0000"):
            yield ("period",), f"'{self.period}' is not a period: the calendar has no year 0000"
        if not is_currency(self.currency):
            yield ("currency",), f"'{self.currency}' is not an ISO 4217 currency code"

    def references(self) -> Iterator[Reference]:
        return refs(self.services, "services", ("Service",))


class Budget(Record):
    """A budget for one period, by category: planned, actual and forecast amounts in the
    budget's currency (ISO/IEC 20000-1:2018 8.4.1)."""

    KIND = "Budget"
    FOLDER = "budgets"
    REVIEWED = True
    CLAUSES = ("8.4.1",)
    kind: Literal["Budget"]
    """Always Budget."""
    spec: BudgetSpec
    """The fields of a Budget record."""
