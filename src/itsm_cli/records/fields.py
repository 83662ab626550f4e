"""Field types shared by the record models: ids, dates, durations, percentages."""

from __future__ import annotations

import ast
import datetime as dt
import inspect
import re
import sys
from enum import StrEnum
from functools import cache
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

from itsm_cli.dates import DATE_PATTERN, DURATION_PATTERN, Duration, parse_date

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
        docs = attribute_docstrings(cls)
        for name, info in cls.__pydantic_fields__.items():
            if info.description is None and name in docs:
                info.description = docs[name]


_CLASS = re.compile(r"class ([A-Za-z_]\w*)")
_FIELD = re.compile(r"    ([A-Za-z_]\w*)\s*:(?!=)")
_STRING_START = re.compile(r"    [rRuU]?(\"\"\"|\'\'\'|\"|\')")


def _module_docstrings(lines: list[str]) -> dict[str, dict[str, str]] | None:
    """Class name → {attribute: docstring} for the classes at the top level of a module
    written in this package's style (4-space indents, a docstring right under its annotated
    attribute); None when two classes share a name. A line scan: parsing the module as
    pydantic's `use_attribute_docstrings` does, class by class, cost more than half of
    defining the models, which every command pays at start-up."""
    classes: dict[str, dict[str, str]] = {}
    body: dict[str, str] | None = None
    pending: str | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            found = _CLASS.match(line)
            if found and found.group(1) in classes:
                return None
            body = classes.setdefault(found.group(1), {}) if found else None
            pending = None
            continue
        if body is None:
            continue
        if not line.startswith("    ") or line.startswith("     "):
            continue  # the rest of a statement, or the body of a method
        string = _STRING_START.match(line)
        if string:
            quote = string.group(1)
            text = line.strip()
            start = text.index(quote) + len(quote)
            while quote not in text[start:] and index < len(lines):
                text += "\n" + lines[index]
                index += 1
            if pending is not None:
                body[pending] = inspect.cleandoc(_string_value(text, quote))
            pending = None
            continue
        if line[4] in ")]}":
            continue  # the closing bracket of an annotation that spans lines
        field = _FIELD.match(line)
        pending = field.group(1) if field else None
    return classes


def _string_value(text: str, quote: str) -> str:
    """The value of a string literal; read as written when it holds no escapes (compiling
    each of some 250 docstrings would cost more than the rest of the scan)."""
    if text.startswith(quote) and text.endswith(quote) and "\\" not in text:
        return text[len(quote) : -len(quote)]
    value = ast.literal_eval(text)
    return value if isinstance(value, str) else str(value)


@cache
def _docstrings_of(path: str) -> dict[str, dict[str, str]] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return _module_docstrings(handle.read().splitlines())
    except (OSError, UnicodeDecodeError, ValueError, SyntaxError):
        return None


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The docstrings under the annotated attributes of `cls`, as pydantic's
    `use_attribute_docstrings` finds them; a class that is not at the top level of its
    module (one defined in a function) is left to pydantic's own search."""
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    if path is not None and cls.__qualname__ == cls.__name__:
        classes = _docstrings_of(path)
        if classes is not None and cls.__name__ in classes:
            return classes[cls.__name__]
    from pydantic._internal._docs_extraction import extract_docstrings_from_cls

    return extract_docstrings_from_cls(cls, use_inspect=True)


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
Percent = Annotated[float, Field(ge=0, le=100)]
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
