"""The line at the top of every report that says what it leaves out: a record that fails
validation is in no table, so without this line "6 suppliers" would read as the whole truth
when there are 7."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from itsm_cli.records.index import Repository
    from itsm_cli.records.load import Omission

SHOWN = 5
"""Entries named at the top of a report; the rest are counted (`itsm check` lists them all)."""


@dataclass(frozen=True, slots=True)
class LeftOut:
    """What a report template shows of the records left out."""

    summary: str
    """`1 record left out`, `1 record and 1 file left out`, or, when nothing is,
    `No record left out: all 37 records read are valid.`"""
    entries: tuple[Omission, ...] = ()
    """The first SHOWN of them, by file and line."""
    more: int = 0
    """How many more are left out than `entries` shows."""

    @property
    def complete(self) -> bool:
        return not self.entries

    @property
    def sentence(self) -> str:
        """The whole statement as plain text:
        `1 record left out: SUP-X failed validation (E002 at suppliers/x.yaml:7).`"""
        if self.complete:
            return self.summary
        shown = "; ".join(o.text for o in self.entries)
        more = f"; and {self.more} more (`itsm check` lists them all)" if self.more else ""
        return f"{self.summary}: {shown}{more}."


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def left_out(repository: Repository) -> LeftOut:
    """What the run left out of every report, from the repository's omissions."""
    omissions = sorted(repository.left_out, key=lambda o: (o.file, o.line, o.rule))
    if not omissions:
        included = sum(len(records) for records in repository.index.by_kind.values())
        return LeftOut(f"No record left out: all {_plural(included, 'record')} read are valid.")
    files = sum(1 for o in omissions if o.whole_file)
    records = len(omissions) - files
    counted = " and ".join(
        _plural(count, word) for count, word in ((records, "record"), (files, "file")) if count
    )
    return LeftOut(
        f"{counted} left out", tuple(omissions[:SHOWN]), max(0, len(omissions) - SHOWN)
    )
