"""How rule messages write free text from a record (on one line) and entries they leave out.
Numbers are written by `itsm_cli.findings.figure` (a recorded value, as written) and
`rounded` (a computed one), as the reports and exports write them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from itsm_cli.records.models import PlanAction


def prose(text: str) -> str:
    """Free text from a record (notes, a summary, a name) on one line: a finding is one line
    of `file:line:col: CODE message`, and notes are often written over several."""
    return " ".join(text.split())


def days(count: int) -> str:
    """`1 day`, `3 days`."""
    return f"{count} day" if count == 1 else f"{count} days"


def not_counted(count: int, what: str) -> str:
    """` (its 2 tests dated after today do not count)`, or nothing when `count` is 0: a
    reader who sees entries in the record must learn why the finding ignores them (DOC004
    reports each one)."""
    if count == 0:
        return ""
    if count == 1:
        return f" (its {what} dated after today does not count)"
    return f" (its {count} {what}s dated after today do not count)"


def overdue_actions(
    today: dt.date, actions: list[PlanAction]
) -> Iterator[tuple[int, PlanAction, str]]:
    """Each action open past its due date, with its index and the words that say so (CAP004,
    RSK002, MRV003, NCR001). An action due today is not late yet."""
    for k, action in enumerate(actions):
        if action.status == "open" and action.due < today:
            late = (today - action.due).days
            yield k, action, (
                f"action '{prose(action.description)}' (owner {prose(action.owner)}) was due "
                f"{action.due.isoformat()} and is still open, {days(late)} late"
            )
