"""Names for list items that survive an insertion above them, for fingerprints.

A finding's fingerprint holds its field path (rule, record id, field path, never a line
number). A path through a list names an item by its position, which changes when a
person adds an older review above the latest or a target at the top; the finding would then
show in `itsm diff` as resolved and introduced again. So the fingerprint names each item by
what identifies it instead: its `id`, else its `name`, `ref`, `category` or `date` (the first
of these it has that no other item of the list shares), else still its position.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel

from itsm_cli.findings import FieldPath, format_path

IDENTITY_KEYS = ("id", "name", "ref", "category", "date")
"""The fields that identify a list item, most telling first."""

_FIELD_NAMES: dict[type[BaseModel], dict[str, str]] = {}
"""Per model class: the name as written (its alias) → the attribute holding it."""


def _field_names(cls: type[BaseModel]) -> dict[str, str]:
    try:
        return _FIELD_NAMES[cls]
    except KeyError:
        names = {(info.alias or name): name for name, info in cls.model_fields.items()}
        _FIELD_NAMES[cls] = names
        return names


def _child(node: Any, key: str) -> Any:
    if isinstance(node, dict):
        return node.get(key)
    if isinstance(node, BaseModel):
        name = _field_names(type(node)).get(key)
        return None if name is None else getattr(node, name, None)
    return None


def _identity(items: list[Any] | tuple[Any, ...], index: int) -> str | None:
    """`id=availability` for the item at `index`, or None when nothing identifies it."""
    item = items[index]
    for key in IDENTITY_KEYS:
        value = _child(item, key)
        if not isinstance(value, (str, int, date)) or isinstance(value, bool):
            continue
        if sum(1 for other in items if _child(other, key) == value) == 1:
            return f"{key}={value}"
    return None


def keyed_path(root: Any, path: FieldPath) -> str:
    """`path` as the fingerprint holds it: `spec.reviews[date=2026-03-01].outcome` for
    `spec.reviews[2].outcome`. `root` is the record, as plain data or as its model; "" when
    the path goes through no list (the fingerprint then holds the path as it is)."""
    if not any(type(part) is int for part in path):
        return ""
    node: Any = root
    shown: list[str] = []
    for part in path:
        if isinstance(part, int):
            name = None
            if isinstance(node, (list, tuple)) and 0 <= part < len(node):
                name = _identity(node, part)
                node = node[part]
            else:
                node = None
            shown.append(f"[{name if name is not None else part}]")
        else:
            node = _child(node, part)
            shown.append(format_path((part,)) if not shown else f".{part}")
    return "".join(shown)
