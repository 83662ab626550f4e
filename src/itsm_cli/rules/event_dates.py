"""DOC004: an event dated after today (ISO/IEC 20000-1:2018, 7.5.3).

A record states what has happened: an approval, a review, a test, a usage reading, a
signature. Which dates are events is said by the models (`Record.events`, one
`Spec.events` per kind), so a new kind lists its own; dates that lie ahead by nature
(`validUntil`, a contract's `end`, an action's `due`, a waiver's `expires`) are not events.

The finding is only half of it: wherever the latest entry is looked for, entries dated
after today are ignored (`dates.latest_dated`, `dates.on_or_before`), and a record approved
after today is not approved until that day (`Record.approved_on`). An entry dated today is
not after today.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.findings import FieldPath, Finding, Severity, format_path
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Record
from itsm_cli.rules.registry import RuleContext, rule

_EFFECT = {
    "tests": "the test does not count until then",
    "reviews": "the review does not count until then",
    "disputes": "the dispute is ignored until then",
    "resources": "it is no observation of usage until then",
    "signatories": "a signature cannot lie ahead",
    "contacts": "a signature or appointment cannot lie ahead",
}
"""What ignoring a future entry of a spec list means, by the list (a resource's usage is
under `resources`)."""


def _effect(record: LoadedRecord[Record], path: FieldPath) -> str:
    if path[:2] == ("metadata", "approved"):
        return f"{record.id} counts as not approved until then"
    if path == ("metadata", "lastReviewed"):
        return "the review does not count until then"
    field = path[1] if len(path) > 1 else ""
    return _EFFECT.get(str(field), "an event cannot lie ahead")


@rule(
    "DOC004", Severity.ERROR, ("7.5.3",),
    summary="An event is dated after today (an approval, a review, a test, usage, a "
    "dispute, a signature).",
    hint="Correct the date (often a mistyped year). Record an event once it has happened; "
    "plan what is still ahead elsewhere (an action's `due`, the next test follows from "
    "`testInterval`).",
    failing="""
        kind: ContinuityPlan
        spec:
          tests:
            - {date: 2025-05-16, type: failover, result: pass}
            - {date: 2027-03-01, type: tabletop, result: pass}   # after today
    """,
    passing="""
        kind: ContinuityPlan
        spec:
          tests:
            - {date: 2025-05-16, type: failover, result: pass}
            - {date: 2026-03-01, type: tabletop, result: pass}
    """,
)
def find_events_after_today(ctx: RuleContext) -> Iterator[Finding]:
    """Documented information must be accurate (7.5.3): a test, review or approval dated
    in the future either has not happened or carries a mistyped date, and either way it
    must not pass for evidence. A continuity test dated next year would otherwise silence
    CON002 for a year, a review dated 2029 would silence DOC002 for three. So every such
    date is an error at its field, and the entry counts for nothing until its day: the
    rules and reports that look for the latest test, review or usage skip it, and a record
    approved after today is not approved (coverage, DOC001, SLM001, CAT001, REP001; a
    waiver waives nothing). An entry dated today is not after today. Dates that lie ahead
    by nature (`validUntil`, a contract's `end`, an action's `due`, a waiver's `expires`, a
    plan's horizon) never fire. The `date` of a signatory or contact (a signature, an
    appointment) is an event too."""
    today = ctx.today
    for record in ctx.index.records:
        for path, day in record.model.events():
            if day > today:
                field = format_path(path[1:])
                yield ctx.finding(
                    record,
                    f"{field} {day.isoformat()} is after today ({today.isoformat()}): "
                    f"{_effect(record, path)}",
                    path,
                )
