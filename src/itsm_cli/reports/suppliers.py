"""The suppliers report: every Supplier's contract on a timeline with its notice date, the
underpinning targets of the contract against the SLA targets they support, the review
history, open disputes, and the supplier's findings (SUP rules).

Contract status on `today`: "in force", "ends within notice" (the last day to give notice,
end − noticePeriod by the calendar, has come: SUP002's condition), "expired" (after the
end), or "not yet in force" (before the start).

Underpinning targets: for each Service the supplier supports (`supports`, or the service
names the supplier in its `dependsOn`, as SUP001 counts it) and each SLA covering that
service that is not retired, a contract target is compared with the SLA's targets of the
same metric. It is "at least as strict" when, in the same unit (times converted between
ms, s, min, h and d) and with the same comparator, its objective is at least as high (≥)
or at least as low (≤) as the SLA's.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from itsm_cli.records import queries
from itsm_cli.records.kinds.supplier import Supplier
from itsm_cli.records.models import Target
from itsm_cli.reports import charts
from itsm_cli.reports.record_rows import service_titles
from itsm_cli.reports.service import objective_text

if TYPE_CHECKING:
    from itsm_cli.findings import Finding
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord
    from itsm_cli.reports.registry import ReportInput

IN_FORCE, WITHIN_NOTICE, EXPIRED, NOT_STARTED = (
    "in force",
    "ends within notice",
    "expired",
    "not yet in force",
)
CSS = {IN_FORCE: "ok", WITHIN_NOTICE: "due", EXPIRED: "bad", NOT_STARTED: "muted"}
OUTCOME_CSS = {"meets": "ok", "partially-meets": "due", "fails": "bad"}

STRICTER, LESS_STRICT, NOT_COMPARABLE, NO_TARGET, NO_SLA = (
    "at least as strict",
    "less strict",
    "not comparable",
    "no SLA target of this metric",
    "no SLA covers the service",
)
VERDICT_CSS = {
    STRICTER: "ok",
    LESS_STRICT: "bad",
    NOT_COMPARABLE: "due",
    NO_TARGET: "muted",
    NO_SLA: "due",
}

SECONDS = {"ms": 0.001, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}


def build(data: ReportInput) -> dict[str, Any]:
    index = data.repository.index
    today = data.today
    named_by = queries.dependants(index)
    findings: dict[str, list[Finding]] = {}
    for finding in data.check.findings:
        if finding.rule.startswith("SUP") and finding.record:
            findings.setdefault(finding.record, []).append(finding)
    suppliers = [
        _supplier(record, index, named_by, today, findings.get(record.id, []))
        for record in sorted(index.of_kind(Supplier), key=lambda s: s.id)
    ]
    timeline = charts.timeline(
        [(s["id"], s["start"], s["end"], s["notice_by"]) for s in suppliers],
        today,
        f"Supplier contracts from start to end, notice dates, and today ({today})",
    )
    counts = {
        status: sum(1 for s in suppliers if s["contract_status"] == status)
        for status in (IN_FORCE, WITHIN_NOTICE, EXPIRED, NOT_STARTED)
    }
    return {
        "title": "Supplier report",
        "today": today,
        "suppliers": suppliers,
        "timeline": timeline,
        "counts": [
            {"status": status, "count": count, "css": CSS[status]}
            for status, count in counts.items()
            if count or status != NOT_STARTED
        ],
        "open_disputes": sum(len(s["open_disputes"]) for s in suppliers),
        "less_strict": sum(
            1 for s in suppliers for row in s["underpinning"] if row["verdict"] == LESS_STRICT
        ),
    }


def contract_status(supplier: Supplier, today: dt.date) -> str:
    contract = supplier.spec.contract
    if today < contract.start:
        return NOT_STARTED
    if today > contract.end:
        return EXPIRED
    deadline = supplier.spec.contract.last_notice_day
    if deadline is not None and deadline <= today:
        return WITHIN_NOTICE
    return IN_FORCE


def compare(underpinning: Target, sla_target: Target) -> str:
    """Whether a contract target is at least as strict as an SLA target of its metric."""
    comparator = underpinning.effective_comparator
    if comparator != sla_target.effective_comparator:
        return NOT_COMPARABLE
    if underpinning.unit == sla_target.unit:
        mine, theirs = underpinning.objective, sla_target.objective
    elif underpinning.unit in SECONDS and sla_target.unit in SECONDS:
        mine = underpinning.objective * SECONDS[underpinning.unit]
        theirs = sla_target.objective * SECONDS[sla_target.unit]
    else:
        return NOT_COMPARABLE
    ok = mine >= theirs if comparator == ">=" else mine <= theirs
    return STRICTER if ok else LESS_STRICT


def _underpinning(
    supplier: Supplier, index: RepoIndex, services: list[str]
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    by_service = queries.slas_by_service(index)
    for target in supplier.spec.contract.targets:
        base = {
            "target": target.id,
            "metric": target.metric.value,
            "objective": objective_text(target),
            "unit": target.unit,
            "window": target.window,
        }
        for service_id in services:
            slas = sorted(by_service.get(service_id, []), key=lambda s: s.id)
            if not slas:
                rows.append(_row(base, service_id, None, None, NO_SLA))
            for sla in slas:
                matching = [t for t in sla.model.spec.targets if t.metric is target.metric]
                if not matching:
                    rows.append(_row(base, service_id, sla.id, None, NO_TARGET))
                for sla_target in matching:
                    rows.append(
                        _row(base, service_id, sla.id, sla_target, compare(target, sla_target))
                    )
    return rows


def _row(
    base: dict[str, Any],
    service: str,
    sla: str | None,
    sla_target: Target | None,
    verdict: str,
) -> dict[str, Any]:
    return {
        **base,
        "service": service,
        "sla": sla,
        "sla_target": sla_target.id if sla_target else None,
        "sla_priority": sla_target.priority if sla_target else None,
        "sla_objective": objective_text(sla_target) if sla_target else None,
        "sla_unit": sla_target.unit if sla_target else None,
        "sla_window": sla_target.window if sla_target else None,
        "verdict": verdict,
        "css": VERDICT_CSS[verdict],
    }


def _supplier(
    record: LoadedRecord[Supplier],
    index: RepoIndex,
    named_by: dict[str, list[str]],
    today: dt.date,
    findings: list[Finding],
) -> dict[str, Any]:
    model = record.model
    spec = model.spec
    contract = spec.contract
    deadline = model.spec.contract.last_notice_day
    status = contract_status(model, today)
    services = sorted(queries.supported_services(record, named_by))
    reviews = sorted(enumerate(spec.reviews), key=lambda item: (item[1].date, item[0]))
    return {
        "id": record.id,
        "title": model.metadata.title,
        "owner": model.metadata.owner,
        "record_status": model.metadata.status.value,
        "type": spec.type,
        "criticality": spec.criticality.value,
        "reference": contract.reference,
        "start": contract.start,
        "end": contract.end,
        "notice_period": str(contract.notice_period) if contract.notice_period else None,
        "notice_by": deadline,
        "days_to_notice": (deadline - today).days if deadline and deadline > today else None,
        "contract_status": status,
        "css": CSS[status],
        "services": service_titles(index, services),
        "contract_targets": [
            {
                "id": t.id,
                "metric": t.metric.value,
                "objective": objective_text(t),
                "unit": t.unit,
                "window": t.window,
            }
            for t in contract.targets
        ],
        "underpinning": _underpinning(model, index, services),
        "reviews": [
            {
                "date": review.date,
                "outcome": review.outcome,
                "css": OUTCOME_CSS[review.outcome],
                "notes": review.notes or "",
                "future": review.date > today,  # shown, marked; counts for nothing (DOC004)
            }
            for _, review in reversed(reviews)
        ],
        "open_disputes": [  # as SUP005: a dispute dated after today is not raised yet
            {"date": d.date, "summary": d.summary}
            for d in sorted(spec.disputes, key=lambda d: d.date, reverse=True)
            if d.status == "open" and not d.date > today
        ],
        "closed_disputes": sum(1 for d in spec.disputes if d.status == "closed"),
        "findings": [
            {
                "rule": f.rule,
                "severity": f.severity.value,
                "message": f.message,
                "location": f.location,
                "waived": f.waived,
                "waived_by": f.waived_by,
            }
            for f in findings
        ],
    }
