"""Pydantic validation errors → E002 findings in plain English at file:line:col."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from itsm_cli.dates import PERIOD_PATTERN
from itsm_cli.findings import FieldPath, format_path
from itsm_cli.records.fields import CLAUSE_PATTERN, ID_PATTERN
from itsm_cli.records.models import RULE_CODE_PATTERN, TARGET_ID_PATTERN

_ID_HELP = "capitals, digits and hyphens, e.g. SLA-ACME-HOSTING"
_FORMS = {
    CLAUSE_PATTERN: (
        "is not a clause number of ISO/IEC 20000-1 (4 to 10, e.g. 8.3.3)",
        "`itsm clauses` lists the clauses.",
    ),
    PERIOD_PATTERN: ("is not a period: write a month (2026-10) or a quarter (2026-Q4)", ""),
    RULE_CODE_PATTERN: ("is not a rule code (e.g. SLM003)", "`itsm rules` lists the rules."),
    TARGET_ID_PATTERN: (
        "is not a target id (letters, digits, '.', '_' and '-', e.g. availability)",
        "",
    ),
}
"""What a value that does not match a pattern should look like, in words (the pattern
itself means nothing to most readers)."""


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """Every BaseModel class an annotation can hold (through list, Optional, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        return
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def model_at(model: type[BaseModel], path: FieldPath) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path` (aliases, list indexes skipped)."""
    current: type[BaseModel] | None = model
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = next(
            (f for name, f in current.model_fields.items() if (f.alias or name) == part), None
        )
        if field is None:
            return None
        current = next(_models_in(field.annotation), None)
    return current


def allowed_keys(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


SUGGEST_MAX_LENGTH = 64
"""Longer words get no fuzzy "did you mean" (difflib's cost grows with the product of the
lengths, and a key that long is no typo of a field name)."""


def suggest(word: str, options: list[str]) -> str | None:
    if len(word) > SUGGEST_MAX_LENGTH:
        return None
    match = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if match:
        return match[0]
    lowered = {o.lower(): o for o in options}
    return lowered.get(word.lower().replace("_", "").replace("-", ""))


def show(value: Any) -> str:
    """A value as a message quotes it: text in quotes, collections by their shape."""
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if value is None or isinstance(value, bool):
        return _YAML_WORDS[value]  # as the record writes them, not Python's True and None
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "..."


_YAML_WORDS = {None: "null", True: "true", False: "false"}


def describe(error: Any, model: type[BaseModel]) -> tuple[FieldPath, FieldPath, str, str]:
    """(path of the field, path whose position to report, message, hint) of one error."""
    loc: FieldPath = tuple(p for p in error["loc"] if p != "[key]")
    kind: str = error["type"]
    msg: str = error["msg"]
    where = format_path(loc) or "record"
    value = error.get("input")
    hint = ""
    if kind == "missing":
        report_at = loc[:-1]
        message = f"missing required field '{loc[-1]}'"
        if len(loc) > 1:
            message += f" in {format_path(loc[:-1])}"
        hint = f"Add `{loc[-1]}:` here."
    elif kind == "extra_forbidden":
        report_at = loc
        options = allowed_keys(model_at(model, loc[:-1]))
        message = f"unknown field '{loc[-1]}'"
        if len(loc) > 1:
            message += f" in {format_path(loc[:-1])}"
        guess = suggest(str(loc[-1]), options)
        if guess:
            message += f" (did you mean '{guess}'?)"
            hint = f"Rename it to `{guess}`."
        elif options:
            hint = "Allowed here: " + ", ".join(options) + "."
    else:
        report_at = loc
        if kind == "value_error":
            detail = msg.removeprefix("Value error, ")
        elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] == ID_PATTERN:
            # metadata.id, and every reference to another record (services, dependsOn, ...)
            detail = f"{show(value)} is not a valid id ({_ID_HELP})"
            hint = "Ids are upper case, e.g. SLA-ACME-HOSTING."
        elif kind == "invalid_key":
            detail = f"the key {show(value)} must be text"
            hint = "Quote the key if it is meant as text."
        elif kind in ("literal_error", "enum"):
            detail = msg.replace("Input should be", "must be") + f", not {show(value)}"
            guess = suggest(str(value), re.findall(r"'([^']*)'", msg))
            if guess:
                detail += f" (did you mean '{guess}'?)"
                hint = f"Write `{guess}`."
        elif kind == "too_short":
            detail = "must not be empty"
        elif kind in ("string_type",):
            detail = f"must be text, not {show(value)}"
            hint = "Quote the value if it is meant as text."
        elif kind in ("bool_parsing", "bool_type"):
            detail = f"must be true or false, not {show(value)}"
            hint = "Write `true` or `false`: only these two are booleans in YAML 1.2."
        elif kind in ("float_parsing", "float_type", "int_parsing", "int_type"):
            number = "a whole number" if kind.startswith("int") else "a number"
            detail = f"must be {number}, not {show(value)}"
            if isinstance(value, str):
                hint = "Write the number without quotes: quoted, it is text."
        elif kind in ("model_type", "dict_type", "model_attributes_type"):
            detail = f"must be a mapping of fields, not {show(value)}"
        elif kind == "list_type":
            detail = f"must be a list, not {show(value)}"
        elif kind in ("less_than_equal", "greater_than_equal", "greater_than", "less_than"):
            detail = msg.replace("Input should be", "must be") + f", not {show(value)}"
        elif kind == "string_pattern_mismatch" and error["ctx"]["pattern"] in _FORMS:
            form, hint = _FORMS[error["ctx"]["pattern"]]
            detail = f"{show(value)} {form}"
        elif kind == "string_pattern_mismatch":
            detail = f"{show(value)} does not have the expected form ({error['ctx']['pattern']})"
        else:
            detail = msg.replace("Input should be", "must be")
        message = f"{where}: {detail}"
    return loc, report_at, message, hint


def describe_all(
    exc: ValidationError, model: type[BaseModel], limit: int | None = None
) -> list[tuple[FieldPath, FieldPath, str, str]]:
    """The first `limit` errors (all by default) described; the others are only counted
    (`exc.error_count()`), so a document of 241,000 unknown keys is not 241,000 look-ups."""
    described = exc.errors(include_url=False)
    return [describe(e, model) for e in described[:limit]]
