"""OPS001–OPS005: operational control read from ProcessReports (ISO/IEC 20000-1:2018, 8.5,
8.6, 9.1).

A ProcessReport holds the figures and exceptions of one process for one month or quarter,
computed from the ITSM tool's export (`itsm import tickets`). These rules read it the way an
auditor samples tickets.

Decisions:
- Reports retired as records (`metadata.status: retired`) are withdrawn and count for nothing;
  drafts count, as Measurements do (REP): the tickets broke the control whether or not the
  report has been signed off, and its approval is the owner's business (DOC002, coverage).
- OPS001–OPS004 are one finding per exception, at its `ref`; the ref is in the message and in
  the field path, so the fingerprint follows the ticket, not its place in the list.
- OPS005 looks at each process on its own (all services together). Its granularity is that of
  the process's latest report: quarterly when that report is for a quarter, else monthly. A
  quarter is also filled by reports for its three months; a month is never filled by a
  quarter (it cannot show the month on its own), as for REP001. Reports of a period not yet
  ended fill nothing. The finding sits on the latest report of the process.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.dates import Period
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.kinds.process_report import ProcessReport
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import ISSUE_WORDS, not_retired
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import prose


def current_reports(ctx: RuleContext) -> list[LoadedRecord[ProcessReport]]:
    """ProcessReports that are not retired, in file order."""
    return list(not_retired(ctx.index, ProcessReport))


def _exceptions(ctx: RuleContext, issues: tuple[str, ...]) -> Iterator[Finding]:
    for record in current_reports(ctx):
        spec = record.model.spec
        for number, exception in enumerate(spec.exceptions):
            if exception.issue not in issues:
                continue
            note = f": {prose(exception.note)}" if exception.note else ""
            yield ctx.finding(
                record,
                f"{spec.process} {exception.ref} in {spec.period}: "
                f"{ISSUE_WORDS[exception.issue]} ({exception.issue}){note}",
                # the ref after the path keeps one finding per ticket apart (fingerprint);
                # the line is that of `ref`
                ("spec", "exceptions", number, "ref", exception.ref),
            )


@rule(
    "OPS001", Severity.ERROR, ("8.5.1.3", "8.5.3"),
    summary="A ProcessReport exception implemented-before-approval or "
    "release-without-approval (one finding per exception, its ref in the message).",
    hint="Record the retrospective approval and what was done about the breach of the change "
    "control (the exception's `note`, a Nonconformity); an approved Waiver accepts it.",
    failing="""
        kind: ProcessReport
        spec:
          process: change
          period: "2026-10"
          exceptions:
            - {ref: CHG0030011, issue: implemented-before-approval}
    """,
    passing="""
        kind: ProcessReport
        spec:
          process: change
          period: "2026-10"
          exceptions: []      # every change approved before it started
    """,
)
def find_unapproved_changes(ctx: RuleContext) -> Iterator[Finding]:
    """8.5.1.3 requires changes to be approved before they are deployed, and 8.5.3 releases
    to be authorised: a change implemented before its approval is the control not working,
    which an auditor sampling the change log finds first. Each ticket is its own finding, so
    one can be waived or resolved without hiding the others."""
    yield from _exceptions(ctx, ("implemented-before-approval", "release-without-approval"))


@rule(
    "OPS002", Severity.WARNING, ("8.5.1.3",),
    summary="A ProcessReport exception emergency-without-review or failed-without-review.",
    hint="Review the change (date and outcome in the ITSM tool) and re-import the period, or "
    "record why no review is needed in the exception's `note` and waive the finding.",
    failing="""
        kind: ProcessReport
        spec:
          process: change
          period: "2026-10"
          exceptions:
            - {ref: CHG0030042, issue: emergency-without-review}
    """,
    passing="""
        kind: ProcessReport
        spec:
          process: change
          period: "2026-10"
          counts: {emergency: 1}     # reviewed: no exception
    """,
)
def find_unreviewed_changes(ctx: RuleContext) -> Iterator[Finding]:
    """8.5.1.3 asks that emergency changes and unsuccessful changes be reviewed, so the
    organisation learns why the normal path was skipped or why the change failed."""
    yield from _exceptions(ctx, ("emergency-without-review", "failed-without-review"))


@rule(
    "OPS003", Severity.WARNING, ("8.6.1",),
    summary="A ProcessReport exception major-without-review.",
    hint="Hold and record the major incident review (its date in the ITSM tool) and re-import "
    "the period.",
    failing="""
        kind: ProcessReport
        spec:
          process: incident
          period: "2026-10"
          exceptions:
            - {ref: INC0010023, issue: major-without-review}
    """,
    passing="""
        kind: ProcessReport
        spec:
          process: incident
          period: "2026-10"
          counts: {major: 1}         # reviewed: no exception
    """,
)
def find_unreviewed_major_incidents(ctx: RuleContext) -> Iterator[Finding]:
    """8.6.1 asks for major incidents to be managed by a documented procedure that includes
    a review; a major incident closed without one is a lesson the organisation did not
    draw."""
    yield from _exceptions(ctx, ("major-without-review",))


@rule(
    "OPS004", Severity.WARNING, ("8.6.3",),
    summary="A ProcessReport exception no-root-cause.",
    hint="Record the root cause (or the known error and its workaround) of the problem in the "
    "ITSM tool and re-import the period.",
    failing="""
        kind: ProcessReport
        spec:
          process: problem
          period: "2026-10"
          exceptions:
            - {ref: PRB0040007, issue: no-root-cause}
    """,
    passing="""
        kind: ProcessReport
        spec:
          process: problem
          period: "2026-10"
          exceptions: []
    """,
)
def find_problems_without_root_cause(ctx: RuleContext) -> Iterator[Finding]:
    """8.6.3 asks for problems to be analysed for their root causes; a problem open past
    `problem.rootCauseWithin` with none recorded is analysis that is not happening."""
    yield from _exceptions(ctx, ("no-root-cause",))


def _filled(period: Period, reported: set[Period]) -> bool:
    if period in reported:
        return True
    return period.quarterly and all(month in reported for month in period.months())


@rule(
    "OPS005", Severity.WARNING, ("9.1",),
    summary="A process that has ProcessReports has none for its last complete period "
    "(month, or quarter where its reports are quarterly).",
    hint="Import the period's export (`itsm import tickets FILE --profile P --period P`), or "
    "retire the process's reports if it is no longer reported on.",
    failing="""
        kind: ProcessReport
        metadata: {id: OPS-INCIDENT-2026-09}
        spec:
          process: incident
          period: "2026-09"     # today is 2026-11-23: no report for 2026-10
    """,
    passing="""
        kind: ProcessReport
        metadata: {id: OPS-INCIDENT-2026-10}
        spec:
          process: incident
          period: "2026-10"
    """,
)
def find_processes_without_latest_report(ctx: RuleContext) -> Iterator[Finding]:
    """9.1 asks for the performance of the processes to be monitored and measured at planned
    intervals: a process that was reported on and then stopped is monitoring that lapsed.
    Only the last complete period is asked for; earlier gaps are history, which the
    operations report shows."""
    by_process: dict[str, list[tuple[Period, LoadedRecord[ProcessReport]]]] = {}
    for record in current_reports(ctx):
        period = Period.parse(record.model.spec.period)
        by_process.setdefault(record.model.spec.process, []).append((period, record))
    for process, reports in by_process.items():
        latest = max((period for period, _ in reports), default=None)
        if latest is None:
            continue
        try:
            due = Period.last_complete(ctx.today, latest.quarterly)
        except ValueError:
            continue  # nothing has ended since the calendar began
        reported = {period for period, _ in reports if period.complete(ctx.today)}
        if _filled(due, reported):
            continue
        # the latest report of the process by period, the last such in file order
        at = [record for period, record in reports if period == latest][-1]
        ended = max(reported, default=None)
        so_far = f"latest complete: {ended}" if ended else "none for a complete period"
        granularity = "quarter" if due.quarterly else "month"
        yield ctx.finding(
            at,
            f"no ProcessReport ({process}) for {due}, the last complete {granularity} "
            f"({so_far})",
            ("spec", "period", str(due)),
        )
