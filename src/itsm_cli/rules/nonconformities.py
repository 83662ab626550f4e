"""NCR001–NCR004: nonconformity and corrective action (ISO/IEC 20000-1:2018, 10.1).

A Nonconformity retired as a record is history and is not checked. A nonconformity's
`spec.clauses` are the clauses it is against: NCR004 maps its finding to them, so they are
partial in `itsm gap` until the nonconformity is closed. Closed means `state: closed`.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.findings import Finding, Severity
from itsm_cli.records.kinds.nonconformity import Nonconformity
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import not_retired
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import days, overdue_actions

_NCR = ("10.1",)


def current_nonconformities(ctx: RuleContext) -> Iterator[LoadedRecord[Nonconformity]]:
    """Nonconformities that are not retired."""
    return not_retired(ctx.index, Nonconformity)


@rule(
    "NCR001", Severity.WARNING, _NCR,
    summary="An action of a nonconformity that is not closed is open past its due date.",
    hint="Finish the corrective action and set its status to done, or agree a new due date.",
    failing="""
        kind: Nonconformity
        spec:
          state: open
          actions:
            - {description: Review every SLA, owner: service-level-manager, due: 2026-09-30,
               status: open}   # before today
    """,
    passing="""
        kind: Nonconformity
        spec:
          state: action-taken
          actions:
            - {description: Review every SLA, owner: service-level-manager, due: 2026-09-30,
               status: done}
    """,
)
def find_overdue_corrective_actions(ctx: RuleContext) -> Iterator[Finding]:
    """A corrective action open past its due date leaves the nonconformity in place
    longer than planned (10.1). Once the nonconformity is closed its actions are history."""
    for ncr in current_nonconformities(ctx):
        spec = ncr.model.spec
        if spec.state == "closed":
            continue
        for k, _, words in overdue_actions(ctx.today, spec.actions):
            yield ctx.finding(ncr, words, ("spec", "actions", k, "due"))


@rule(
    "NCR002", Severity.ERROR, _NCR,
    summary="A closed nonconformity records no cause, or no effectiveness with "
    "effective: true.",
    hint="Record the root cause in `spec.cause` and the check that the corrective action "
    "worked in `spec.effectiveness: {date, by, effective: true}`; if it did not work, reopen "
    "the nonconformity.",
    failing="""
        kind: Nonconformity
        spec:
          state: closed
          closed: 2026-10-15   # and no cause, no effectiveness
    """,
    passing="""
        kind: Nonconformity
        spec:
          state: closed
          closed: 2026-10-15
          cause: No owner for SLA reviews
          effectiveness: {date: 2026-10-14, by: Quality manager, effective: true}
    """,
)
def find_closed_without_cause_or_effectiveness(ctx: RuleContext) -> Iterator[Finding]:
    """10.1 asks for the cause of a nonconformity to be determined, and for the
    effectiveness of the corrective action to be reviewed. Closing one without either
    treats the symptom: the auditor will ask why it happened and how you know it will not
    happen again."""
    for ncr in current_nonconformities(ctx):
        spec = ncr.model.spec
        if spec.state != "closed":
            continue
        lacking = []
        if not spec.cause:
            lacking.append("no cause")
        eff = spec.effectiveness
        if eff is None:
            lacking.append("no effectiveness check")
        elif not eff.effective:
            lacking.append(
                f"an effectiveness check ({eff.date.isoformat()}) that found it not effective"
            )
        if lacking:
            path = ("spec", "effectiveness") if spec.cause and eff else ("spec", "state")
            yield ctx.finding(
                ncr,
                f"{ncr.id} is closed with {' and '.join(lacking)}",
                path,
            )


@rule(
    "NCR003", Severity.WARNING, _NCR,
    summary="A major nonconformity is not closed within nonconformity.majorWithin (default "
    "P90D) of raised.",
    hint="Close the nonconformity (cause, actions, effectiveness), or escalate it to top "
    "management.",
    failing="""
        kind: Nonconformity
        spec:
          severity: major
          raised: 2026-06-01   # + P90D = 2026-08-30, before today
          state: open
    """,
    passing="""
        kind: Nonconformity
        spec:
          severity: major
          raised: 2026-10-01   # + P90D = 2026-12-30
          state: open
    """,
)
def find_late_major_nonconformities(ctx: RuleContext) -> Iterator[Finding]:
    """A major nonconformity puts the SMS itself in question; certification bodies expect
    one corrected within about three months. Late is: still not closed after raised +
    majorWithin, or closed after that day."""
    limit = ctx.config.nonconformity.limit
    for ncr in current_nonconformities(ctx):
        spec = ncr.model.spec
        if spec.severity != "major":
            continue
        due = limit.after(spec.raised)
        arithmetic = f"raised {spec.raised.isoformat()} + {limit} = {due.isoformat()}"
        if spec.state != "closed":
            if due < ctx.today:
                yield ctx.finding(
                    ncr,
                    f"major nonconformity {ncr.id}: {arithmetic}, and it is still {spec.state}",
                    ("spec", "raised"),
                )
        elif spec.closed is not None and spec.closed > due:
            yield ctx.finding(
                ncr,
                f"major nonconformity {ncr.id}: {arithmetic}, but it was closed only "
                f"{spec.closed.isoformat()} ({days((spec.closed - due).days)} late)",
                ("spec", "closed"),
            )


@rule(
    "NCR004", Severity.WARNING, (),
    clauses_of_record="the clauses in its spec.clauses",
    summary="A major or minor nonconformity is not closed (so the clauses in its "
    "spec.clauses are partial until it is).",
    hint="Carry the corrective action to closure: cause, actions done, effectiveness "
    "checked, then `state: closed` with its date.",
    failing="""
        kind: Nonconformity
        spec:
          severity: minor
          clauses: ["8.3.3"]
          state: action-taken
    """,
    passing="""
        kind: Nonconformity
        spec:
          severity: minor
          clauses: ["8.3.3"]
          state: closed
          closed: 2026-10-15
    """,
)
def find_open_nonconformities(ctx: RuleContext) -> Iterator[Finding]:
    """While a nonconformity against a clause is open, the clause is not met: its
    finding maps to the clauses in `spec.clauses`, so `itsm gap` shows them partial until it
    is closed. Observations and opportunities do not."""
    for ncr in current_nonconformities(ctx):
        spec = ncr.model.spec
        if spec.severity in ("major", "minor") and spec.state != "closed":
            yield ctx.finding(
                ncr,
                f"{spec.severity} nonconformity {ncr.id} against {', '.join(spec.clauses)} is "
                f"{spec.state} (raised {spec.raised.isoformat()})",
                ("spec", "state"),
                clauses=tuple(spec.clauses),
            )
