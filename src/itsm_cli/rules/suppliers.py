"""SUP001–SUP005: supplier management (ISO/IEC 20000-1:2018, 8.3.4.1; internal suppliers
are checked the same way, their "contract" being the dates of the OLA, and their findings
fall under 8.3.4.2).

A Supplier retired as a record (`metadata.status: retired`) is history: SUP001–SUP004 skip
it. SUP005 does not, since an open dispute stays open after the relationship ends.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.dates import latest_dated, on_or_before
from itsm_cli.findings import FieldPath, Finding, Severity
from itsm_cli.records.fields import Criticality
from itsm_cli.records.kinds.service import Service
from itsm_cli.records.kinds.supplier import Supplier
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import dependants, is_live, not_retired, supported_services
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import not_counted, prose

_SUP = ("8.3.4.1",)


def _current_suppliers(ctx: RuleContext) -> Iterator[LoadedRecord[Supplier]]:
    return not_retired(ctx.index, Supplier)


def _finding(
    ctx: RuleContext,
    supplier: LoadedRecord[Supplier],
    message: str,
    path: FieldPath,
    hint: str | None = None,
) -> Finding:
    """A finding about a supplier, on the clause its type falls under: 8.3.4.2 for an
    internal supplier (so `itsm gap` marks that clause partial, not 8.3.4.1), 8.3.4.1
    otherwise."""
    return ctx.finding(supplier, message, path, hint=hint, clauses=supplier.model.kind_clauses)


def _listing(ids: list[str], most: int = 3) -> str:
    shown = ", ".join(ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


@rule(
    "SUP001", Severity.ERROR, _SUP,
    summary="A Supplier that supports a live Service has no contract in force.",
    hint="Renew the contract and record its new dates, or stop relying on the supplier "
    "(remove it from `supports` and from the services' dependsOn).",
    failing="""
        kind: Supplier
        spec:
          supports: [SVC-MANAGED-HOSTING]   # live
          contract:
            reference: MDC-2023-0417
            start: 2023-04-01
            end: 2026-03-31                 # before today
    """,
    passing="""
        kind: Supplier
        spec:
          supports: [SVC-MANAGED-HOSTING]
          contract:
            reference: MDC-2026-0112
            start: 2026-04-01
            end: 2029-03-31
    """,
)
def find_suppliers_without_contract(ctx: RuleContext) -> Iterator[Finding]:
    """A live service that relies on a supplier working without a contract in force has no
    agreed obligations behind it: no targets, no liability, no notice terms. 8.3.4.1 asks
    for a documented contract with each external supplier. A supplier counts as supporting
    a service when it lists the service in `supports` or the service names the supplier in
    its `dependsOn`."""
    named_by = dependants(ctx.index)
    for supplier in _current_suppliers(ctx):
        contract = supplier.model.spec.contract
        if contract.in_force(ctx.today):
            continue
        live = [
            ref
            for ref in supported_services(supplier, named_by)
            if (s := ctx.index.get(ref, Service)) is not None and is_live(s.model)
        ]
        if not live:
            continue
        hint = None  # the rule's: renew, or stop relying on the supplier
        if ctx.today < contract.start:
            state, path = f"starts only on {contract.start}", ("spec", "contract", "start")
            hint = (
                "Record the contract that is in force until then (its reference and dates), "
                "or agree an earlier start with the supplier."
            )
        else:
            state, path = f"ended on {contract.end}", ("spec", "contract", "end")
        noun = "service" if len(live) == 1 else "services"
        yield _finding(
            ctx,
            supplier,
            f"contract {contract.reference} {state}, but {supplier.id} supports live "
            f"{noun} {_listing(live)}",
            path,
            hint=hint,
        )


@rule(
    "SUP002", Severity.WARNING, _SUP,
    summary="A contract ends within its noticePeriod.",
    hint="Decide now whether to renew, renegotiate or end the contract, and record the "
    "decision (a new contract end date, or a Waiver while the renewal is signed).",
    failing="""
        kind: Supplier
        spec:
          contract:
            end: 2027-01-31
            noticePeriod: P3M   # notice was due by 2026-10-31; today is 2026-11-23
    """,
    passing="""
        kind: Supplier
        spec:
          contract:
            end: 2027-06-30
            noticePeriod: P3M   # notice due by 2027-03-30
    """,
)
def find_contracts_in_notice_period(ctx: RuleContext) -> Iterator[Finding]:
    """Once a contract is inside its notice period the provider can no longer end or
    renegotiate it on its own terms: it renews by default, or lapses with the service still
    depending on it. Contract changes and renewals have to be managed before that point.
    The last day to give notice is the end date minus the notice period, by the calendar
    (2027-01-31 - P3M = 2026-10-31). Contracts without a noticePeriod never fire; a contract
    already ended is SUP001's concern."""
    today = ctx.today
    for supplier in _current_suppliers(ctx):
        contract = supplier.model.spec.contract
        notice, last_day = contract.notice_period, contract.last_notice_day
        if notice is None or last_day is None:
            continue
        if not last_day <= today <= contract.end:
            continue
        when = (
            f"must be given today ({last_day})"
            if last_day == today
            else f"had to be given by {last_day}"
        )
        yield _finding(
            ctx,
            supplier,
            f"contract {contract.reference} ends {contract.end}; notice ({notice}) {when}",
            ("spec", "contract", "end"),
        )


@rule(
    "SUP003", Severity.WARNING, _SUP,
    summary="A critical or high Supplier has no performance review within its review interval.",
    hint="Review the supplier's performance against its contract and add the review "
    "(`reviews: [{date, outcome, notes}]`).",
    failing="""
        kind: Supplier
        metadata:
          reviewInterval: P6M
        spec:
          criticality: critical
          reviews:
            - {date: 2026-04-22, outcome: meets}   # + P6M = 2026-10-22, before today
    """,
    passing="""
        kind: Supplier
        metadata:
          reviewInterval: P6M
        spec:
          criticality: critical
          reviews:
            - {date: 2026-10-20, outcome: partially-meets}
    """,
)
def find_overdue_supplier_reviews(ctx: RuleContext) -> Iterator[Finding]:
    """The suppliers a service cannot do without must be monitored: 8.3.4.1 asks for their
    performance to be reviewed at planned intervals. A review is overdue when the latest
    review date plus the interval is before today, or when there is no review at all (a
    review dated after today has not happened: DOC004 reports it, and it counts for nothing
    here nor in SUP004). The interval is the record's own `metadata.reviewInterval`, else
    the configured default for Suppliers (P12M)."""
    important = (Criticality.CRITICAL, Criticality.HIGH)
    default = ctx.review_interval("Supplier")
    for supplier in _current_suppliers(ctx):
        spec = supplier.model.spec
        if spec.criticality not in important:
            continue
        who = f"{spec.criticality.value} supplier {supplier.id}"
        latest = latest_dated(supplier.model.spec.reviews, ctx.today)
        ahead = not_counted(sum(1 for r in spec.reviews if r.date > ctx.today), "review")
        if latest is None:
            yield _finding(
                ctx, supplier, f"{who} has no performance review{ahead}", ("spec", "reviews")
            )
            continue
        i, review = latest
        interval = supplier.model.metadata.review_interval or default
        due = interval.after(review.date)
        if due < ctx.today:
            yield _finding(
                ctx,
                supplier,
                f"{who}: latest performance review {review.date} + {interval} = {due}: "
                f"the next review is overdue{ahead}",
                ("spec", "reviews", i, "date"),
            )


@rule(
    "SUP004", Severity.WARNING, _SUP,
    summary="A Supplier's latest review outcome is fails.",
    hint="Agree an improvement plan with the supplier (or find another one) and review "
    "again; record the actions in the review notes.",
    failing="""
        kind: Supplier
        spec:
          reviews:
            - {date: 2026-03-18, outcome: meets}
            - {date: 2026-09-09, outcome: fails}   # the latest
    """,
    passing="""
        kind: Supplier
        spec:
          reviews:
            - {date: 2026-03-18, outcome: fails}
            - {date: 2026-09-09, outcome: meets}   # the latest
    """,
)
def find_failing_suppliers(ctx: RuleContext) -> Iterator[Finding]:
    """A supplier whose latest review found it failing its contract puts every service it
    supports at risk. The review has to lead somewhere: corrective action, a changed
    contract or a new supplier. Only the latest review counts, so a failure followed by a
    passing review no longer fires."""
    for supplier in _current_suppliers(ctx):
        latest = latest_dated(supplier.model.spec.reviews, ctx.today)
        if latest is None or latest[1].outcome != "fails":
            continue
        i, review = latest
        notes = f": {prose(review.notes)}" if review.notes and review.notes.strip() else ""
        yield _finding(
            ctx,
            supplier,
            f"latest performance review of {supplier.id} ({review.date}) fails{notes}",
            ("spec", "reviews", i, "outcome"),
        )


@rule(
    "SUP005", Severity.WARNING, _SUP,
    summary="A Supplier has an open dispute.",
    hint="Resolve the dispute with the supplier and set its status to closed.",
    failing="""
        kind: Supplier
        spec:
          disputes:
            - {date: 2026-09-02, summary: Unpaid service credits, status: open}
    """,
    passing="""
        kind: Supplier
        spec:
          disputes:
            - {date: 2026-09-02, summary: Unpaid service credits, status: closed}
    """,
)
def find_open_disputes(ctx: RuleContext) -> Iterator[Finding]:
    """8.3.4.1 asks for contractual disputes with suppliers to be managed. An open dispute
    is a risk to the services the supplier supports and to the relationship; an auditor
    asks for its status and how it will be closed. Every open dispute is a finding, also
    on a retired Supplier. A dispute dated after today has not been raised yet: DOC004
    reports its date and SUP005 ignores it."""
    for supplier in ctx.index.of_kind(Supplier):
        for i, dispute in on_or_before(supplier.model.spec.disputes, ctx.today):
            if dispute.status == "open":
                yield _finding(
                    ctx,
                    supplier,
                    f"dispute with {supplier.id} opened {dispute.date} is still open: "
                    f"{prose(dispute.summary)}",
                    ("spec", "disputes", i, "status"),
                )
