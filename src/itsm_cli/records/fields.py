"""Field types shared by the record models: ids, dates, durations, percentages."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticUndefined

from itsm_cli.dates import DATE_PATTERN, DURATION_PATTERN, Duration, parse_date
from itsm_cli.records.docstrings import describe_fields

ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"
CLAUSE_PATTERN = r"^[4-9](\.[0-9]+)*$|^10(\.[0-9]+)*$"


class RecordModel(BaseModel):
    """Base of every model: camelCase keys as in YAML, unknown keys refused; attribute
    docstrings become field descriptions (`attribute_docstrings`)."""

    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        alias_generator=to_camel,
        str_strip_whitespace=False,
        # Validators are built on first use, so a command pays only for the kinds it meets
        # (building every kind's at import was most of the start-up time).
        defer_build=True,
    )

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        # Before any schema is built (defer_build), so the JSON Schemas carry them.
        describe_fields(cls)
        _fresh_empty_defaults(cls)


def _fresh_empty_defaults(cls: type[BaseModel]) -> None:
    """Make each `[]` or `{}` default a `list` or `dict` factory. Pydantic deep-copies a
    default it cannot hash for every record that leaves the field out (19,000 copies at
    10,000 records, 1–2 µs each), where calling the type makes the same empty value for a
    fraction of that; the JSON Schema still shows the default."""
    for info in cls.__pydantic_fields__.values():
        default = info.default
        if type(default) in (list, dict) and not default and info.json_schema_extra is None:
            info.default = PydanticUndefined
            info.default_factory = type(default)
            info.json_schema_extra = {"default": type(default)()}


def _duration(value: Any) -> Duration:
    if isinstance(value, Duration):
        return value
    return Duration.parse(value)


RecordId = Annotated[
    str,
    StringConstraints(pattern=ID_PATTERN),
    WithJsonSchema({"type": "string", "pattern": ID_PATTERN}),
]
IsoDate = Annotated[
    dt.date,
    BeforeValidator(parse_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN}),
]
IsoDuration = Annotated[
    Duration,
    BeforeValidator(_duration),
    PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN, "examples": ["P12M", "PT4H"]}),
]
# Numbers and booleans are taken only as YAML 1.2 writes them (README, "Records"): the
# text "99.9", `yes` or `on` (strings to the reader) are wrong types, never coerced, and a
# boolean is no number. Pydantic's lax mode would read "3" as 3 and `yes` as true.
Number = Annotated[float, Field(strict=True)]
"""A number (`99.9`, `4`): text that looks like one and booleans are refused."""
Count = Annotated[int, Field(strict=True, ge=0)]
"""A whole number of things, 0 or more (`3`, not `3.0` or "3")."""
Flag = Annotated[bool, Field(strict=True)]
"""`true` or `false` only: `yes`, `on`, `1` and "true" are refused."""
Percent = Annotated[float, Field(strict=True, ge=0, le=100)]
Text = Annotated[str, StringConstraints(min_length=1)]
ClauseRef = Annotated[
    str,
    StringConstraints(pattern=CLAUSE_PATTERN),
    WithJsonSchema({"type": "string", "pattern": CLAUSE_PATTERN}),
]


class Status(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    RETIRED = "retired"


class Criticality(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Lifecycle(StrEnum):
    PIPELINE = "pipeline"
    LIVE = "live"
    RETIRED = "retired"
