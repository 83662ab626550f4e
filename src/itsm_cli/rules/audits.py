"""AUD001–AUD004: internal audit (ISO/IEC 20000-1:2018, 9.2).

An Audit retired as a record is history and counts for nothing. Otherwise an audit counts
by its lifecycle (`spec.state`), not its document status: an internal audit that was done is
done whether or not its report record has been approved. An audit dated after today has not
happened (DOC004). A repository with no Audit record at all has done no internal audit:
AUD002 says so once, about the repository (AUD001 then has no audit to compare with).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from itsm_cli.clauses.standard import REFERENCE_EDITION, clause_matches, load_catalogue
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.kinds.audit import Audit
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import held_by, not_retired
from itsm_cli.rules.documents import repository_finding
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import days

_AUD = ("9.2",)


def current_audits(ctx: RuleContext) -> list[LoadedRecord[Audit]]:
    """Audits that are not retired."""
    return list(not_retired(ctx.index, Audit))


def internal_done(ctx: RuleContext) -> list[LoadedRecord[Audit]]:
    """Internal audits done on or before today, latest first."""
    done = [
        a for a in current_audits(ctx)
        if a.model.spec.type == "internal" and a.model.spec.state == "done"
    ]
    return held_by(done, ctx.today)


def in_cycle(ctx: RuleContext, day: dt.date) -> bool:
    """Whether an audit dated `day` is within `audit.cycle` before today: day + cycle is
    not before today."""
    return not ctx.config.audit.period.after(day) < ctx.today


def cycle_start(ctx: RuleContext) -> dt.date:
    """The first day an audit can be dated and still be in the cycle (`in_cycle`). Today
    minus the cycle is not always that day: months end on different days (2024-02-29 less
    P12M is 2023-02-28, yet 2023-02-28 + P12M = 2024-02-28 is before 2024-02-29)."""
    start = ctx.config.audit.period.before(ctx.today)
    # Calendar clamping moves the answer by a few days at most; the bounds only keep a
    # degenerate cycle (P0D, the calendar's ends) from looping long.
    for _ in range(31):
        if in_cycle(ctx, start) or start >= ctx.today:
            break
        start += dt.timedelta(days=1)
    for _ in range(31):
        if start == dt.date.min or not in_cycle(ctx, start - dt.timedelta(days=1)):
            break
        start -= dt.timedelta(days=1)
    return start


@rule(
    "AUD001", Severity.WARNING, _AUD,
    summary="A leaf clause was in the scope of no internal Audit done within audit.cycle "
    "(default P12M); one finding per clause, only when some internal audit was done in "
    "the cycle.",
    hint="Plan an internal audit whose `scope` names the clause (or a clause above it), or "
    "widen the scope of the next one.",
    failing="""
        kind: Audit
        spec:
          type: internal
          state: done
          date: 2026-06-12
          scope: ["8"]   # clauses 4-7, 9 and 10 audited by no internal audit this cycle
    """,
    passing="""
        kind: Audit
        spec:
          type: internal
          state: done
          date: 2026-06-12
          scope: ["4", "5", "6", "7", "8", "9", "10"]
    """,
)
def find_clauses_not_audited(ctx: RuleContext) -> Iterator[Finding]:
    """9.2 asks for an audit programme that covers the SMS at planned intervals: every
    requirement audited within the cycle. A clause no internal audit looked at in the cycle
    is a hole in the programme, whatever else the audits found. A scope naming a parent
    clause (`8.3`) covers every clause below it. Reported only where some internal audit was
    done in the cycle (with none, AUD002 says so once), on the latest of them."""
    audits = internal_done(ctx)
    recent = [a for a in audits if in_cycle(ctx, a.model.spec.date)]
    if not recent:
        return
    anchor = recent[0]
    cycle = ctx.config.audit.period
    since = cycle_start(ctx)
    scoped = [s for a in recent for s in a.model.spec.scope]
    for clause in load_catalogue(REFERENCE_EDITION).leaves():
        if any(clause_matches(s, clause.id) for s in scoped):
            continue
        last = next(
            (
                a.model.spec.date for a in audits
                if any(clause_matches(s, clause.id) for s in a.model.spec.scope)
            ),
            None,
        )
        if last is None:
            when = "never audited"
        else:
            when = f"audited last {last.isoformat()} + {cycle} = {cycle.after(last).isoformat()}"
        yield ctx.finding(
            anchor,
            f"clause {clause.id} ({clause.title}) is in the scope of no internal audit done "
            f"within audit.cycle {cycle} (since {since.isoformat()}): {when}",
            ("spec", "scope", clause.id),
        )


@rule(
    "AUD002", Severity.ERROR, _AUD,
    summary="No internal Audit was done within audit.cycle (default P12M).",
    hint="Carry out the internal audit of the programme and record it as an Audit with "
    "`type: internal`, `state: done` and its date.",
    failing="""
        kind: Audit
        spec:
          type: internal
          state: done
          date: 2025-06-12   # + P12M = 2026-06-12, before today
    """,
    passing="""
        kind: Audit
        spec:
          type: internal
          state: done
          date: 2026-06-12
    """,
)
def find_no_recent_internal_audit(ctx: RuleContext) -> Iterator[Finding]:
    """An SMS that has not audited itself within its own cycle cannot show the auditor
    that it conforms (9.2): internal audit is how it finds its own nonconformities first.
    External and certification audits do not count: they are someone else's programme."""
    audits = current_audits(ctx)
    cycle = ctx.config.audit.period
    if not audits:
        yield repository_finding(
            ctx,
            f"no internal audit done within audit.cycle {cycle}: the repository holds no "
            "Audit record (a retired one counts for nothing)"
        )
        return
    done = internal_done(ctx)
    if done and in_cycle(ctx, done[0].model.spec.date):
        return
    if done:
        last = done[0].model.spec.date
        yield ctx.finding(
            done[0],
            f"no internal audit done within audit.cycle {cycle}: audited last "
            f"{last.isoformat()} + {cycle} = {cycle.after(last).isoformat()}",
            ("spec", "date"),
        )
        return
    latest = max(audits, key=lambda a: a.model.spec.date)
    yield ctx.finding(
        latest,
        f"no internal audit done within audit.cycle {cycle}: no internal Audit in state done "
        f"dated on or before {ctx.today.isoformat()}",
        ("spec", "state"),
    )


@rule(
    "AUD003", Severity.WARNING, _AUD,
    summary="An Audit is still planned after its end (or date) has passed.",
    hint="Set `state: done` (with its findings) once the audit took place, or `cancelled`; "
    "to postpone it, change its date.",
    failing="""
        kind: Audit
        spec:
          state: planned
          date: 2026-10-05   # before today
    """,
    passing="""
        kind: Audit
        spec:
          state: planned
          date: 2026-12-14   # next month
    """,
)
def find_stale_planned_audits(ctx: RuleContext) -> Iterator[Finding]:
    """A record that still says "planned" after the audit's last day is either out of
    date (the audit happened and its findings are not recorded) or hides an audit that
    silently did not take place: either way the programme (9.2) is not what it says."""
    for audit in current_audits(ctx):
        spec = audit.model.spec
        if spec.state == "planned" and spec.last_day < ctx.today:
            field = "end" if spec.end is not None else "date"
            yield ctx.finding(
                audit,
                f"{audit.id} is still planned, but its {field} {spec.last_day.isoformat()} "
                f"has passed ({days((ctx.today - spec.last_day).days)} before today)",
                ("spec", "state"),
            )


@rule(
    "AUD004", Severity.ERROR, ("9.2", "10.1"),
    summary="A major or minor audit finding names no Nonconformity.",
    hint="Raise a Nonconformity for the finding and name its id in the finding's "
    "`nonconformity`.",
    failing="""
        kind: Audit
        spec:
          findings:
            - {id: F1, type: minor, clause: 8.3.3, description: SLA not reviewed}
    """,
    passing="""
        kind: Audit
        spec:
          findings:
            - {id: F1, type: minor, clause: 8.3.3, description: SLA not reviewed,
               nonconformity: NCR-2026-03}
    """,
)
def find_findings_without_nonconformity(ctx: RuleContext) -> Iterator[Finding]:
    """A major or minor audit finding is a nonconformity: 10.1 asks for it to be reacted
    to, its cause found and corrected. One that names no Nonconformity record has no
    corrective action anyone can follow to closure. Observations and opportunities need
    none."""
    for audit in current_audits(ctx):
        for k, found in enumerate(audit.model.spec.findings):
            if found.type in ("major", "minor") and found.nonconformity is None:
                yield ctx.finding(
                    audit,
                    f"{found.type} finding {found.id} (clause {found.clause}) of {audit.id} "
                    "names no Nonconformity",
                    ("spec", "findings", k),
                )
