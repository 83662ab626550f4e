"""CUS001–CUS004: business relationship management (ISO/IEC 20000-1:2018, 8.3.2).

A Customer retired as a record (`metadata.status: retired`) is a relationship that ended:
CUS001 and CUS002 skip it. CUS003 does not, since a complaint left open stays open.

Entries dated after today (a review, a survey or a complaint written ahead of time) are
DOC004's concern; here they are left out wherever the latest entry is looked for, so a
future date cannot make a customer look reviewed.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.dates import Duration, latest_dated, on_or_before
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.kinds.agreements import SLA
from itsm_cli.records.kinds.customer import Customer
from itsm_cli.records.queries import not_retired
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import days, prose

_CUS = ("8.3.2",)


def _overdue(
    ctx: RuleContext,
    what: str,
    entries_field: str,
    interval: Duration,
) -> Iterator[Finding]:
    """CUS001 and CUS002: the latest entry of `entries_field` (its YAML key) plus
    `interval` is before today, or there is none."""
    for customer in not_retired(ctx.index, Customer):
        spec = customer.model.spec
        entries = spec.service_reviews if entries_field == "serviceReviews" else spec.satisfaction
        latest = latest_dated(entries, ctx.today)
        if latest is None:
            ahead = " (only entries dated after today)" if entries else ""
            yield ctx.finding(
                customer,
                f"customer {customer.id} has no {what}{ahead}",
                ("spec", entries_field),
            )
            continue
        i, entry = latest
        due = interval.after(entry.date)
        if due < ctx.today:
            yield ctx.finding(
                customer,
                f"customer {customer.id}: latest {what} {entry.date} + {interval} = {due}: "
                f"the next {what} is overdue",
                ("spec", entries_field, i, "date"),
            )


@rule(
    "CUS001", Severity.WARNING, _CUS,
    summary="A Customer has no service review within customer.serviceReviewInterval "
    "(default P12M).",
    hint="Review the services' performance with the customer and record the review "
    "(`serviceReviews: [{date, notes, actions}]`).",
    failing="""
        kind: Customer
        spec:
          serviceReviews:
            - {date: 2025-11-03, notes: Annual review}   # + P12M = 2026-11-03, before today
    """,
    passing="""
        kind: Customer
        spec:
          serviceReviews:
            - {date: 2026-10-14, notes: Annual review}
    """,
)
def find_overdue_service_reviews(ctx: RuleContext) -> Iterator[Finding]:
    """8.3.2 asks the provider to review the performance of the services with each customer
    at planned intervals. A review is overdue when the latest review date plus
    `customer.serviceReviewInterval` is before today, or when there is none."""
    interval = Duration.parse(ctx.config.customer.service_review_interval)
    yield from _overdue(ctx, "service review", "serviceReviews", interval)


@rule(
    "CUS002", Severity.WARNING, _CUS,
    summary="A Customer has no satisfaction measurement within customer.satisfactionInterval "
    "(default P12M).",
    hint="Measure the customer's satisfaction (a survey, interviews) and record it "
    "(`satisfaction: [{date, method, asked, responses, score, scaleMax}]`).",
    failing="""
        kind: Customer
        spec:
          satisfaction:
            - {date: 2025-09-30, method: survey, asked: 40, responses: 18, score: 3.9, scaleMax: 5}
    """,
    passing="""
        kind: Customer
        spec:
          satisfaction:
            - {date: 2026-09-30, method: survey, asked: 40, responses: 22, score: 4.1, scaleMax: 5}
    """,
)
def find_overdue_satisfaction(ctx: RuleContext) -> Iterator[Finding]:
    """8.3.2 asks for customer satisfaction to be measured at planned intervals, and the
    results analysed. Without a recent measurement nobody knows whether the customer is
    content until they leave. Overdue when the latest measurement date plus
    `customer.satisfactionInterval` is before today, or when there is none."""
    interval = Duration.parse(ctx.config.customer.satisfaction_interval)
    yield from _overdue(ctx, "satisfaction measurement", "satisfaction", interval)


@rule(
    "CUS003", Severity.WARNING, _CUS,
    summary="A complaint is open longer than customer.complaintWithin (default P30D).",
    hint="Resolve the complaint with the customer (or escalate it) and record it as "
    "closed, with its `closed` date.",
    failing="""
        kind: Customer
        spec:
          complaints:
            - {id: C-0412, date: 2026-10-01, summary: Invoices late, state: open}
    """,
    passing="""
        kind: Customer
        spec:
          complaints:
            - {id: C-0412, date: 2026-10-01, summary: Invoices late, state: closed,
               closed: 2026-10-20}
    """,
)
def find_old_complaints(ctx: RuleContext) -> Iterator[Finding]:
    """8.3.2 asks for service complaints to be recorded, investigated, acted upon and
    closed, and escalated when they are not resolved. A complaint open longer than
    `customer.complaintWithin` after its date (date + complaintWithin before today) is a
    finding; one open exactly that long is not yet. Every open complaint counts, also on a
    retired Customer; a complaint dated after today is left out."""
    within = Duration.parse(ctx.config.customer.complaint_within)
    for customer in ctx.index.of_kind(Customer):
        for i, complaint in on_or_before(customer.model.spec.complaints, ctx.today):
            if complaint.state != "open":
                continue
            limit = within.after(complaint.date)
            if limit >= ctx.today:
                continue
            age = (ctx.today - complaint.date).days
            escalated = " (escalated)" if complaint.escalated else ""
            yield ctx.finding(
                customer,
                f"complaint {complaint.id} of {customer.id} received {complaint.date} has "
                f"been open {days(age)}{escalated}, longer than {within} "
                f"(to be closed by {limit}): {prose(complaint.summary)}",
                ("spec", "complaints", i, "state"),
            )


@rule(
    "CUS004", Severity.WARNING, _CUS,
    summary="An approved SLA in force has no customerRef, in a repository that has Customer "
    "records.",
    hint="Name the Customer record of the customer the agreement is with in "
    "`spec.customerRef`.",
    failing="""
        kind: SLA
        spec:
          customer: ACME Retail   # and a Customer record CUS-ACME exists
    """,
    passing="""
        kind: SLA
        spec:
          customer: ACME Retail
          customerRef: CUS-ACME
    """,
)
def find_slas_without_customer(ctx: RuleContext) -> Iterator[Finding]:
    """Once customers are records, an agreement that names its customer only in words
    cannot be followed to the relationship behind it: its reviews, satisfaction and
    complaints, or the service report sent to that customer. Only approved SLAs in force
    are asked for it (an SLA approved after today is not approved yet), and only where the
    repository keeps Customer records at all."""
    if not ctx.index.of_kind(Customer):
        return
    for sla in ctx.index.of_kind(SLA):
        model = sla.model
        if model.spec.customer_ref is not None:
            continue
        if not model.approved_on(ctx.today) or not model.in_force(ctx.today):
            continue
        yield ctx.finding(
            sla,
            f"approved SLA {sla.id} in force names its customer "
            f"'{prose(model.spec.customer)}' but no Customer record in customerRef",
            ("spec", "customer"),
        )
