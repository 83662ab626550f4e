"""Field-by-field differences between two versions of a record's data.

List items that carry an `id` are matched by it (`targets[availability].objective`), so
reordering a list is not a change; other lists are compared by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FieldChange:
    path: str
    """`spec.targets[availability].objective`"""
    old: Any
    new: Any
    """`MISSING` when the field was removed (old likewise when added)."""

    @property
    def kind(self) -> str:
        if self.old is MISSING:
            return "added"
        if self.new is MISSING:
            return "removed"
        return "changed"


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING: Any = _Missing()


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _keyed(items: list[Any]) -> dict[str, Any] | None:
    """Items by id when every item is a mapping with a distinct text id."""
    if not items or not all(isinstance(i, dict) and isinstance(i.get("id"), str) for i in items):
        return None
    keyed = {i["id"]: i for i in items}
    return keyed if len(keyed) == len(items) else None


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every leaf that differs between `old` and `new`, in a stable order."""
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[FieldChange] = []
        for key in [*old, *(k for k in new if k not in old)]:
            sub = _join(path, str(key))
            changes.extend(diff_values(old.get(key, MISSING), new.get(key, MISSING), sub))
        return changes
    if isinstance(old, list) and isinstance(new, list):
        old_keyed, new_keyed = _keyed(old), _keyed(new)
        if old_keyed is not None and new_keyed is not None:
            changes = []
            for key in [*old_keyed, *(k for k in new_keyed if k not in old_keyed)]:
                changes.extend(
                    diff_values(
                        old_keyed.get(key, MISSING), new_keyed.get(key, MISSING), f"{path}[{key}]"
                    )
                )
            return changes
        if all(not isinstance(i, (dict, list)) for i in (*old, *new)):
            return [] if old == new else [FieldChange(path, old, new)]
        changes = []
        for i in range(max(len(old), len(new))):
            changes.extend(
                diff_values(
                    old[i] if i < len(old) else MISSING,
                    new[i] if i < len(new) else MISSING,
                    f"{path}[{i}]",
                )
            )
        return changes
    if old is MISSING and new is MISSING:
        return []
    if type(old) is type(new) and old == new:
        return []
    return [FieldChange(path, old, new)]


def show_value(value: Any) -> str:
    """A compact, single-line rendering of a value for diff output."""
    if value is MISSING:
        return "(absent)"
    if isinstance(value, str):
        return value if value and " " not in value.strip() else repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (dict, list)):
        import json

        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= 80 else text[:77] + "..."
    return str(value)
