"""The customers report: per Customer, the services and the SLAs that name it, the last
service review and the next due, the satisfaction trend with response rates, the complaints
open and closed with their age, and its CUS findings.

Dates and intervals are those of the customer rules (`itsm_cli.rules.customers`): entries
dated after today are left out of "latest", as CUS001 and CUS002 leave them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_cli.dates import Duration
from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.agreements import SLA
from itsm_cli.records.kinds.customer import Complaint, Customer
from itsm_cli.reports.finding_rows import FindingsByRecord, finding_row
from itsm_cli.reports.record_rows import service_row
from itsm_cli.reports.service import chosen_customer

if TYPE_CHECKING:
    import datetime as dt

    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord
    from itsm_cli.reports.registry import ReportInput


def build(data: ReportInput) -> dict[str, Any]:
    index = data.repository.index
    settings = data.workspace.config.customer
    intervals = (
        Duration.parse(settings.service_review_interval),
        Duration.parse(settings.satisfaction_interval),
    )
    everything = index.of_kind(Customer)
    only = chosen_customer(data)
    if only is not None:
        # A report for one customer shows no other customer, nor the SLAs of nobody's.
        everything = [only]
    customers = [
        _customer(c, index, data.today, intervals, data.findings_by_record)
        for c in sorted(everything, key=lambda c: c.id)
        if c.model.metadata.status is not Status.RETIRED
    ]
    return {
        "title": "Customers",
        "today": data.today,
        "customers": customers,
        "retired": len(everything) - len(customers),
        "review_interval": settings.service_review_interval,
        "satisfaction_interval": settings.satisfaction_interval,
        "complaint_within": settings.complaint_within,
        "summary": {
            "customers": len(customers),
            "reviews_overdue": sum(1 for c in customers if c["review_overdue"]),
            "surveys_overdue": sum(1 for c in customers if c["survey_overdue"]),
            "open_complaints": sum(len(c["open_complaints"]) for c in customers),
            "findings": sum(1 for c in customers for f in c["findings"] if not f["waived"]),
        },
        "unlinked": [
            finding_row(f) for f in data.check.findings if f.rule == "CUS004" and only is None
        ],
    }


def _customer(
    customer: LoadedRecord[Customer],
    index: RepoIndex,
    today: dt.date,
    intervals: tuple[Duration, Duration],
    findings: FindingsByRecord,
) -> dict[str, Any]:
    from itsm_cli.dates import latest_dated, on_or_before
    from itsm_cli.reports import charts

    spec = customer.model.spec
    review_interval, survey_interval = intervals
    review = latest_dated(spec.service_reviews, today)
    survey = latest_dated(spec.satisfaction, today)
    review_due = review_interval.after(review[1].date) if review else None
    survey_due = survey_interval.after(survey[1].date) if survey else None
    surveys = sorted((s for _, s in on_or_before(spec.satisfaction, today)), key=lambda s: s.date)
    survey_rows: list[dict[str, Any]] = [
        {
            "date": s.date,
            "method": s.method,
            "asked": s.asked,
            "responses": s.responses,
            "response_rate": s.response_rate,
            "score": s.score,
            "scale_max": s.scale_max,
            "score_percent": (
                None if s.score is None or s.scale_max is None else s.score / s.scale_max * 100
            ),
        }
        for s in surveys
    ]
    complaints = [
        _complaint(c, today) for _, c in on_or_before(spec.complaints, today)
    ]
    complaints.sort(key=lambda c: (c["state"] != "open", c["date"]))
    labels = [r["date"].isoformat() for r in survey_rows]
    metadata = customer.model.metadata
    return {
        "id": customer.id,
        "title": metadata.title,
        "owner": metadata.owner,
        "status": metadata.status.value,
        "file": customer.file,
        "manager": spec.relationship_manager,
        "contacts": [
            {"name": c.name, "role": c.role, "email": c.email or ""} for c in spec.contacts
        ],
        "services": [service_row(ref, index) for ref in spec.services],
        "slas": _slas(customer.id, index, today),
        "last_review": review[1].date if review else None,
        "last_review_notes": (review[1].notes or "") if review else "",
        "last_review_actions": list(review[1].actions) if review else [],
        "review_due": review_due,
        "review_overdue": review_due is None or review_due < today,
        "reviews": sorted(
            (
                {"date": r.date, "notes": r.notes or "", "actions": list(r.actions)}
                for _, r in on_or_before(spec.service_reviews, today)
            ),
            key=lambda r: r["date"],
            reverse=True,
        ),
        "last_survey": survey[1].date if survey else None,
        "survey_due": survey_due,
        "survey_overdue": survey_due is None or survey_due < today,
        "surveys": survey_rows,
        "score_series": [r["score_percent"] for r in survey_rows],
        "score_chart": charts.bar_chart(
            labels,
            [r["score_percent"] for r in survey_rows],
            f"{customer.id}: satisfaction score per measurement, in percent of the scale",
            low=0,
            high=100,
        ),
        "response_chart": charts.bar_chart(
            labels,
            [r["response_rate"] for r in survey_rows],
            f"{customer.id}: response rate per measurement, in percent of those asked",
            low=0,
            high=100,
        ),
        "open_complaints": [c for c in complaints if c["state"] == "open"],
        "closed_complaints": [c for c in complaints if c["state"] == "closed"],
        "findings": findings.rows(customer.id, "CUS"),
    }


def _complaint(complaint: Complaint, today: dt.date) -> dict[str, Any]:
    """A complaint with its age: days open until today, or until it was closed."""
    end = today if complaint.state == "open" else complaint.closed
    return {
        "id": complaint.id,
        "date": complaint.date,
        "summary": complaint.summary,
        "state": complaint.state,
        "closed": complaint.closed,
        "escalated": complaint.escalated,
        "age_days": None if end is None else (end - complaint.date).days,
    }


def _slas(customer_id: str, index: RepoIndex, today: dt.date) -> list[dict[str, Any]]:
    """The SLAs whose customerRef names the customer, retired ones left out."""
    rows = []
    for sla in index.derive(_slas_by_customer).get(customer_id, []):
        model = sla.model
        rows.append(
            {
                "id": sla.id,
                "title": model.metadata.title,
                "status": model.metadata.status.value,
                "services": list(model.spec.services),
                "valid_from": model.spec.valid_from,
                "valid_until": model.spec.valid_until,
                "in_force": model.in_force(today),
            }
        )
    return rows


def _slas_by_customer(index: RepoIndex) -> dict[str, list[LoadedRecord[SLA]]]:
    # Once per index (`derive`), by id: a scan and a sort of every SLA for each customer
    # was customers × SLAs.
    by_customer: dict[str, list[LoadedRecord[SLA]]] = {}
    for sla in sorted(index.of_kind(SLA), key=lambda s: s.id):
        ref = sla.model.spec.customer_ref
        if ref is not None and sla.model.metadata.status is not Status.RETIRED:
            by_customer.setdefault(ref, []).append(sla)
    return by_customer
