"""How rule messages write numbers: computed figures rounded for reading, measured or agreed
figures exactly as written (so a value just under a target never reads as meeting it); and
free text from a record, on one line."""

from __future__ import annotations


def number(value: float) -> str:
    """A computed figure as people write it: 320, 43.2, 0.43 (at most two decimals)."""
    return format(round(value, 2) + 0.0, ".10g")  # + 0.0 turns -0.0 into 0.0


def figure(value: float) -> str:
    """A figure from a record, as written: 99.82, 4.3, 15 (never rounded)."""
    return format(value, ".10g")


def prose(text: str) -> str:
    """Free text from a record (notes, a summary, a name) on one line: a finding is one line
    of `file:line:col: CODE message`, and notes are often written over several."""
    return " ".join(text.split())


def not_counted(count: int, what: str) -> str:
    """` (its 2 tests dated after today do not count)`, or nothing when `count` is 0: a
    reader who sees entries in the record must learn why the finding ignores them (DOC004
    reports each one)."""
    if count == 0:
        return ""
    if count == 1:
        return f" (its {what} dated after today does not count)"
    return f" (its {count} {what}s dated after today do not count)"
