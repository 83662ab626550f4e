"""JSON Schemas of the record kinds, for editors and other tools (`itsm schema export`).

One schema per kind, generated from the Pydantic models and kept to JSON Schema draft-07, the
dialect the common YAML editor extensions understand:

- `"$schema": "http://json-schema.org/draft-07/schema#"`; shared parts under `definitions`,
  referenced as `#/definitions/Name`; no keyword newer than draft-07 (`FORBIDDEN_KEYWORDS`).
- `$id` is `urn:itsm-cli:schema:v1:<stem>`, e.g. `urn:itsm-cli:schema:v1:sla` for the file
  `sla.schema.json`: `v1` follows `apiVersion: itsm/v1`, `<stem>` is the kind in lower case.
  A URN names the schema without promising a web address that serves it; editors find the
  file through the modeline (`# yaml-language-server: $schema=../../schemas/sla.schema.json`).
- Draft-07 ignores every keyword next to a `$ref`, so a reference that carries a title or a
  description is wrapped: `{"allOf": [{"$ref": ...}], "description": ...}`.
- Titles and descriptions come from the models' docstrings (editor hover text): a kind's
  description is its class docstring (`Record.DESCRIPTION`), a field's its attribute docstring;
  objects refuse unknown keys (`additionalProperties: false`), as the loader does.
- The schemas accept what the loader accepts, as far as JSON Schema can say it. Beyond the
  field types they state two rules of `Record.problems()`: `approved` is required when
  `status` is approved, and an Evidence record names at least one clause. What they cannot
  state (`validFrom` ≤ `validUntil`, ids unique within a list, references between records)
  is left to `itsm validate`. They are deliberately stricter than Pydantic's lax coercions:
  a number must be written as a number, not as a quoted string.

Output is deterministic (sorted keys, two-space indent, a final newline) so that a test can
compare the committed `schemas/` with a fresh export byte for byte.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema

from itsm_cli.records.atomic import TemporaryFileError, replace_file
from itsm_cli.records.models import KINDS, Record

SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"
ID_PREFIX = "urn:itsm-cli:schema:v1:"
SUFFIX = ".schema.json"
DEFAULT_DIR = "schemas"

FORBIDDEN_KEYWORDS = frozenset(
    {
        "$defs",
        "$anchor",
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "$vocabulary",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "dependentRequired",
        "dependentSchemas",
        "minContains",
        "maxContains",
        "contentSchema",
        "deprecated",
        "discriminator",
    }
)
"""Keywords of drafts 2019-09 and 2020-12 (and OpenAPI) that draft-07 tools do not know."""

_ACRONYMS = {"api": "API", "id": "ID", "rto": "RTO", "rpo": "RPO", "sla": "SLA", "ola": "OLA"}
_WORD = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]|$)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def humanize(name: str) -> str:
    """A title from a camelCase key or a class name: `validFrom` → "Valid from",
    `achievedRto` → "Achieved RTO", `SLASpec` → "SLA spec"."""
    words = [_ACRONYMS.get(w.lower(), w if w.isupper() else w.lower()) for w in _WORD.findall(name)]
    if not words:
        return name
    first = words[0]
    words[0] = first if first.isupper() else first.capitalize()
    return " ".join(words)


def file_name(kind: str) -> str:
    """`SLA` → `sla.schema.json`."""
    return f"{kind.lower()}{SUFFIX}"


def schema_id(kind: str) -> str:
    return f"{ID_PREFIX}{kind.lower()}"


class _Draft07(GenerateJsonSchema):
    """Pydantic's generator with readable field titles."""

    def get_title_from_name(self, name: str) -> str:
        return humanize(name)


def build_schema(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of one kind, as a plain JSON value."""
    model: type[Record] = KINDS[kind]
    raw = model.model_json_schema(
        by_alias=True,
        ref_template="#/definitions/{model}",
        schema_generator=_Draft07,
        mode="validation",
    )
    definitions = raw.pop("$defs", {})
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": schema_id(kind),
        **raw,
        "title": f"itsm/v1 {kind}",
        "description": model.DESCRIPTION,
    }
    schema["required"] = ["apiVersion", "kind", "metadata", "spec"]  # the order records use
    properties = schema["properties"]
    properties["kind"]["description"] = f"Always {kind}."
    properties["spec"]["description"] = f"The fields of the {kind} kind."
    properties["metadata"]["description"] = (
        "Id, title, owner, status, approval and review dates: the envelope every record shares."
    )
    if "Metadata" in definitions:
        definitions["Metadata"].update(_APPROVED_WHEN_APPROVED)
    if kind == "Evidence":
        properties["metadata"] = {
            "allOf": [{"$ref": "#/definitions/Metadata"}, _EVIDENCE_NAMES_A_CLAUSE],
            "description": properties["metadata"]["description"]
            + " An Evidence record names at least one clause in `clauses`.",
        }
    for name, definition in definitions.items():
        if definition.get("title") == name:
            definition["title"] = humanize(name)
    if definitions:
        schema["definitions"] = definitions
    tidy: dict[str, Any] = _tidy(schema)
    return tidy


_APPROVED_WHEN_APPROVED: dict[str, Any] = {
    "if": {"properties": {"status": {"const": "approved"}}, "required": ["status"]},
    "then": {
        "required": ["approved"],
        "properties": {"approved": {"type": "object"}},
    },
}
"""`status: approved` needs `approved: {by, date}` (a problem of `Record.problems()`)."""

_EVIDENCE_NAMES_A_CLAUSE: dict[str, Any] = {
    "required": ["clauses"],
    "properties": {"clauses": {"minItems": 1}},
}

_SCHEMA_MAPS = ("properties", "definitions", "patternProperties")
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SCHEMA_VALUES = ("items", "additionalProperties", "not", "if", "then", "else", "contains")


def _tidy(node: Any, property_name: str | None = None) -> Any:
    """Draft-07 clean-up of one schema node and everything below it: `$ref` siblings moved
    into an `allOf` wrapper, `default: null` dropped, a title on every property of an object
    (not on the partial schemas of `if`/`then` or an `allOf` part)."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    titled = node.get("type") == "object"
    for key, value in node.items():
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {
                name: _tidy(sub, name if key == "properties" and titled else None)
                for name, sub in value.items()
            }
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_tidy(sub) for sub in value]
        elif key in _SCHEMA_VALUES:
            out[key] = _tidy(value)
        else:
            out[key] = value
    if "default" in out and out["default"] is None:
        del out["default"]
    if property_name is not None and "title" not in out:
        out["title"] = humanize(property_name)
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out["allOf"] = [{"$ref": ref}, *out.get("allOf", [])]
    return out


def render(schema: dict[str, Any]) -> str:
    """Stable text: sorted keys, two-space indent, UTF-8 characters as they are, final newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def export_texts() -> dict[str, str]:
    """File name → schema text, for every kind in the design's order."""
    return {file_name(kind): render(build_schema(kind)) for kind in KINDS}


def keywords(node: Any) -> Iterator[str]:
    """Every keyword used in a schema (property and definition names are not keywords)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                for sub in value.values():
                    yield from keywords(sub)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                for sub in value:
                    yield from keywords(sub)
            elif key in _SCHEMA_VALUES:
                yield from keywords(value)


class FileState(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class SchemaFile:
    """One exported schema file and how it compares with what is on disk."""

    name: str
    path: Path
    state: FileState

    @property
    def stale(self) -> bool:
        return self.state is not FileState.UNCHANGED


class ExportError(Exception):
    """The folder cannot be read or written (a one-line message for the user)."""


def export_schemas(directory: Path, write: bool = True) -> list[SchemaFile]:
    """Compare every kind's schema with the file in `directory` and, when `write`, replace
    the files that differ (each written to a temporary file, then renamed into place).
    Files that are already up to date are left untouched. Raises ExportError."""
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is not a folder")
    files: list[SchemaFile] = []
    texts = export_texts()
    for name, text in texts.items():
        path = directory / name
        data = text.encode("utf-8")
        try:
            current = path.read_bytes() if path.is_file() else None
        except OSError as exc:
            raise ExportError(f"cannot read {path}: {exc.strerror or exc}") from exc
        if current is None:
            state = FileState.NEW
        elif current != data:
            state = FileState.CHANGED
        else:
            state = FileState.UNCHANGED
        files.append(SchemaFile(name, path, state))
    if write:
        for item in files:
            if item.stale:
                _write_atomically(item.path, texts[item.name].encode("utf-8"))
    return files


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
    try:
        replace_file(path, (data,))
    except TemporaryFileError as exc:
        raise ExportError(f"cannot write to {path.parent}: {exc.strerror or exc}") from exc
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
