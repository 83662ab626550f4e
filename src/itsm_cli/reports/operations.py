"""The operations report: per process, the ProcessReport counts of the last 12 periods as
charts and a table, the exceptions of the reports within those periods with their ticket
refs, the OPS findings (all of them: a finding stays open until it is resolved); then, per
agreement, its per-incident targets against the Measurement values of the same periods.

It reads the records the way the OPS and REP rules do: retired ProcessReports and
Measurements are withdrawn and not shown; a process is quarterly when its latest report is
for a quarter (OPS005); where two reports share a period (one per service, say) each is a
row of the table and the charts add their counts up, saying so; where two Measurements share
a period, the worse value counts (REP002).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_cli.dates import Period
from itsm_cli.findings import figure
from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.agreements import OLA, SLA
from itsm_cli.records.kinds.process_report import PROCESS_CLAUSES, ProcessReport
from itsm_cli.records.models import Target
from itsm_cli.records.queries import ISSUE_WORDS, measurements_by_period, worse
from itsm_cli.reports import charts
from itsm_cli.reports.environment import ReportError
from itsm_cli.reports.finding_rows import FindingsByRecord, finding_row
from itsm_cli.reports.service import (
    actual_text,
    objective_caption,
    objective_text,
    unit_text,
    within_validity,
)

if TYPE_CHECKING:
    import datetime as dt

    from itsm_cli.findings import Finding
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord
    from itsm_cli.reports.registry import ReportInput

WINDOW = 12
COUNTS = ("opened", "closed", "breached", "reopened", "major", "emergency", "failed", "backlog")
"""The counts of a ProcessReport, in the order of the tables."""


def build(data: ReportInput) -> dict[str, Any]:
    index = data.repository.index
    findings = data.check.findings
    requested = Period.parse(data.period) if data.period else None
    everything = index.of_kind(ProcessReport)
    current = [r for r in everything if r.model.metadata.status is not Status.RETIRED]
    by_process: dict[str, list[LoadedRecord[ProcessReport]]] = {}
    for record in current:
        by_process.setdefault(record.model.spec.process, []).append(record)
    try:
        processes = [
            _process(
                name, by_process[name], requested, data.today, findings, data.findings_by_record
            )
            for name in PROCESS_CLAUSES
            if name in by_process
        ]
        agreements = _agreements(index, requested, data.today)
    except ValueError as exc:
        raise ReportError(f"{exc}; give --period or another --today") from exc
    return {
        "title": "Operations",
        "today": data.today,
        "requested_period": data.period,
        "window": WINDOW,
        "processes": processes,
        "agreements": agreements,
        "retired": len(everything) - len(current),
        "summary": {
            "processes": len(processes),
            "reports": len(current),
            "exceptions": sum(len(p["exceptions"]) for p in processes),
            "findings": sum(1 for p in processes for f in p["findings"] if not f["waived"]),
        },
    }


def _window(end: Period) -> list[Period]:
    return [p for p in (end.shift(k - WINDOW + 1) for k in range(WINDOW)) if p.year >= 1]


def _end(requested: Period | None, today: dt.date, quarterly: bool) -> Period:
    """The last period shown: the one asked for (in the process's granularity), else the
    last complete one."""
    if requested is not None:
        return requested.as_granularity(quarterly)
    return Period.last_complete(today, quarterly)


def _process(
    name: str,
    reports: list[LoadedRecord[ProcessReport]],
    requested: Period | None,
    today: dt.date,
    findings: list[Finding],
    by_record: FindingsByRecord,
) -> dict[str, Any]:
    periods = {Period.parse(r.model.spec.period) for r in reports}
    latest = max(periods, default=None)
    quarterly = latest is not None and latest.quarterly
    window = _window(_end(requested, today, quarterly))
    shown: dict[Period, list[LoadedRecord[ProcessReport]]] = {}
    for report in reports:
        shown.setdefault(Period.parse(report.model.spec.period), []).append(report)
    rows: list[dict[str, Any]] = []
    series: dict[str, list[float | None]] = {c: [] for c in COUNTS}
    for period in window:
        found = shown.get(period, [])
        listed: list[LoadedRecord[ProcessReport] | None] = [*found] or [None]
        for entry in listed:
            counts = entry.model.spec.counts if entry is not None else None
            rows.append(
                {
                    "period": str(period),
                    "report": entry.id if entry is not None else None,
                    "counts": {c: getattr(counts, c) if counts else None for c in COUNTS},
                }
            )
        for count in COUNTS:
            given = [getattr(r.model.spec.counts, count, None) for r in found]
            known = [value for value in given if value is not None]
            series[count].append(float(sum(known)) if known else None)
    used = [c for c in COUNTS if any(value is not None for value in series[c])]
    labels = [p.short_label(first=i == 0) for i, p in enumerate(window)]
    chart_list = [
        {
            "count": count,
            "chart": charts.bar_chart(
                labels,
                series[count],
                f"{name} {count}: {window[0]} to {window[-1]}",
                low=0.0,
            ),
        }
        for count in used
    ]
    exceptions = [
        {
            "period": str(period),
            "report": record.id,
            "ref": exception.ref,
            "issue": exception.issue,
            "reads": ISSUE_WORDS[exception.issue],
            "note": exception.note or "",
        }
        for period, record in sorted(
            ((Period.parse(r.model.spec.period), r) for r in reports),
            key=lambda pr: (pr[0].end, pr[0].start),
            reverse=True,
        )
        if window[0].start <= period.start and period.end <= window[-1].end
        for exception in record.model.spec.exceptions
    ]
    ids = {r.id for r in reports}
    return {
        "process": name,
        "clause": PROCESS_CLAUSES[name],
        "granularity": "quarterly" if quarterly else "monthly",
        "first": str(window[0]),
        "last": str(window[-1]),
        "reports": len(reports),
        "rows": rows,
        "series": series,
        "shared": [
            {"period": str(period), "reports": [r.id for r in shown[period]]}
            for period in window
            if len(shown.get(period, [])) > 1
        ],
        "counts": used,
        "charts": chart_list,
        "exceptions": exceptions,
        "findings": [
            row for record_id in sorted(ids) for row in by_record.rows(record_id, "OPS")
        ],
        "missing": [
            finding_row(f) for f in findings if f.rule == "OPS005" and f.record in ids
        ],
        "sources": sorted({r.model.spec.source for r in reports}),
    }


def _agreements(
    index: RepoIndex, requested: Period | None, today: dt.date
) -> list[dict[str, Any]]:
    """Every SLA and OLA that is not retired and has a per-incident target."""
    found: list[dict[str, Any]] = []
    agreements: list[LoadedRecord[SLA] | LoadedRecord[OLA]] = [
        *index.of_kind(SLA), *index.of_kind(OLA)
    ]
    for record in sorted(agreements, key=lambda r: r.id):
        model = record.model
        if model.metadata.status is Status.RETIRED:
            continue
        targets = [t for t in model.spec.targets if t.window == "per-incident"]
        if not targets:
            continue
        quarterly = model.spec.reporting_frequency == "quarterly"
        window = _window(_end(requested, today, quarterly))
        values = _values(index, record, targets, window)
        found.append(
            {
                "id": record.id,
                "title": model.metadata.title,
                "kind": record.kind,
                "first": str(window[0]),
                "last": str(window[-1]),
                "targets": [_target(record.id, t, window, values[t.id]) for t in targets],
            }
        )
    return found


def _values(
    index: RepoIndex,
    agreement: LoadedRecord[SLA] | LoadedRecord[OLA],
    targets: list[Target],
    window: list[Period],
) -> dict[str, list[float | None]]:
    """Each target's value per period of the window: the worse where two Measurements share
    a period; retired ones, periods not ended and periods not wholly within the agreement's
    validity (its targets were not in force: the service report's reading) count for
    nothing."""
    by_period = measurements_by_period(index, agreement.id)
    spec = agreement.model.spec
    values: dict[str, list[float | None]] = {}
    for target in targets:
        series: list[float | None] = []
        for period in window:
            inside = within_validity(period, spec.valid_from, spec.valid_until)
            shared = [
                m.spec.values[target.id]
                for m in (by_period.get(period, []) if inside else [])
                if target.id in m.spec.values
            ]
            series.append(worse(target, shared) if shared else None)
        values[target.id] = series
    return values


def _target(
    agreement_id: str, target: Target, window: list[Period], values: list[float | None]
) -> dict[str, Any]:
    met = [None if v is None else target.is_met(v) for v in values]
    measured = [(p, v, m) for p, v, m in zip(window, values, met, strict=True) if v is not None]
    latest = measured[-1] if measured else None
    line = target.objective if target.attainment is None else target.attainment
    return {
        "id": target.id,
        "priority": target.priority,
        "metric": target.metric.value,
        "objective_text": objective_text(target),
        "objective_caption": objective_caption(target),
        "unit": unit_text(target),
        "attainment": target.attainment,
        "latest_period": str(latest[0]) if latest else None,
        "latest_text": actual_text(target, latest[1]) if latest else "not measured",
        "latest_met": latest[2] if latest else None,
        "met": sum(1 for m in met if m),
        "measured": len(measured),
        "history": [
            {
                "period": str(p),
                "text": "–" if v is None else figure(v),
                "met": m,
            }
            for p, v, m in zip(window, values, met, strict=True)
        ],
        "chart": charts.bar_chart(
            [p.short_label(first=i == 0) for i, p in enumerate(window)],
            values,
            f"{agreement_id} {target.id}: {window[0]} to {window[-1]} "
            f"(objective {objective_caption(target)})",
            target=line,
            met=met,
            low=0.0,
        ),
    }
