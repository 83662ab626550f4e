"""MRV001–MRV003: management review (ISO/IEC 20000-1:2018, 9.3).

A ManagementReview retired as a record is history and counts for nothing. MRV001 counts only
approved reviews (the minutes agreed); MRV002 looks at the latest review on or before today
whatever its document status; a review dated after today has not happened (DOC004). A
repository with no ManagementReview record at all has held none: MRV001 says so once, about
the repository.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.findings import Finding, Severity
from itsm_cli.records.kinds.management_review import ManagementReview
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import held_by, not_retired
from itsm_cli.rules.documents import repository_finding
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import overdue_actions

_MRV = ("9.3",)


def held_reviews(ctx: RuleContext) -> list[LoadedRecord[ManagementReview]]:
    """Reviews not retired and dated on or before today, latest first."""
    return held_by(not_retired(ctx.index, ManagementReview), ctx.today)


@rule(
    "MRV001", Severity.ERROR, _MRV,
    summary="No approved ManagementReview is dated within managementReview.interval "
    "(default P12M) before today.",
    hint="Hold the management review and record it (date, attendees, inputs, decisions); "
    "approve the record once the minutes are agreed.",
    failing="""
        kind: ManagementReview
        metadata: {status: approved}
        spec:
          date: 2025-06-12   # + P12M = 2026-06-12, before today
    """,
    passing="""
        kind: ManagementReview
        metadata: {status: approved}
        spec:
          date: 2026-06-12
    """,
)
def find_no_recent_management_review(ctx: RuleContext) -> Iterator[Finding]:
    """Top management reviews the SMS at planned intervals (9.3): whether it still fits,
    what the audits, nonconformities, risks and performance say, and what to change. A
    review that is not approved is not yet the agreed record of one."""
    everything = list(not_retired(ctx.index, ManagementReview))
    interval = ctx.config.management_review.period
    if not everything:
        yield repository_finding(
            ctx,
            f"no approved management review within managementReview.interval {interval}: "
            "the repository holds no ManagementReview record (a retired one counts for "
            "nothing)"
        )
        return
    held = held_reviews(ctx)
    approved = [r for r in held if r.model.approved_on(ctx.today)]
    if approved:
        last = approved[0].model.spec.date
        due = interval.after(last)
        if not due < ctx.today:
            return
        yield ctx.finding(
            approved[0],
            f"no approved management review within managementReview.interval {interval}: "
            f"latest approved {last.isoformat()} + {interval} = {due.isoformat()}",
            ("spec", "date"),
        )
        return
    anchor = held[0] if held else max(everything, key=lambda r: r.model.spec.date)
    others = ", ".join(r.id for r in held) or "none held on or before today"
    yield ctx.finding(
        anchor,
        f"no approved management review within managementReview.interval {interval}: "
        f"none is approved ({others})",
        ("metadata", "status"),
    )


@rule(
    "MRV002", Severity.WARNING, _MRV,
    summary="The latest ManagementReview lacks inputs named in managementReview.inputs; the "
    "message lists them.",
    hint="Record what was reviewed under each missing input in `spec.inputs` (a text, or "
    "the ids of the records considered).",
    failing="""
        kind: ManagementReview
        spec:
          inputs:
            performance: SLA attainment 99.95 %   # and nine inputs missing
    """,
    passing="""
        kind: ManagementReview
        spec:
          inputs:
            previous-actions: All three closed
            context-changes: New data-protection law
            performance: [MEAS-WEBSHOP-2026-10]
            customer-satisfaction: Survey score 4.2 of 5
            supplier-performance: [SUP-CLOUDHOST]
            audit-results: [AUD-2026-INTERNAL]
            nonconformities: [NCR-2026-01]
            risks: [RSK-DATACENTRE]
            improvement-opportunities: Automate capacity reporting
            resources: One more service desk analyst
    """,
)
def find_missing_review_inputs(ctx: RuleContext) -> Iterator[Finding]:
    """9.3 names what a management review must consider: the status of previous actions,
    changes in context, performance, customer satisfaction, suppliers, audits,
    nonconformities, risks, opportunities for improvement and resources. A review that
    recorded none on one of these cannot show it was considered. An input given as empty
    text or an empty list counts as missing."""
    held = held_reviews(ctx)
    if not held:
        return
    latest = held[0]
    inputs = latest.model.spec.inputs
    missing = [name for name in ctx.config.management_review.inputs if not inputs.get(name)]
    if missing:
        n = len(missing)
        yield ctx.finding(
            latest,
            f"latest management review {latest.id} ({latest.model.spec.date.isoformat()}) "
            f"lacks {n} input{'s' if n != 1 else ''}: {', '.join(missing)}",
            ("spec", "inputs"),
        )


@rule(
    "MRV003", Severity.WARNING, _MRV,
    summary="A management review action is open past its due date.",
    hint="Finish the action and set its status to done, or agree a new due date at the next "
    "review.",
    failing="""
        kind: ManagementReview
        spec:
          actions:
            - {description: Hire a capacity analyst, owner: head-of-service, due: 2026-09-30,
               status: open}   # before today
    """,
    passing="""
        kind: ManagementReview
        spec:
          actions:
            - {description: Hire a capacity analyst, owner: head-of-service, due: 2026-09-30,
               status: done}
    """,
)
def find_overdue_review_actions(ctx: RuleContext) -> Iterator[Finding]:
    """Decisions of a management review become actions; one left open past its due date
    is a decision of top management not carried out (9.3)."""
    for review in not_retired(ctx.index, ManagementReview):
        for k, _, words in overdue_actions(ctx.today, review.model.spec.actions):
            yield ctx.finding(review, words, ("spec", "actions", k, "due"))
