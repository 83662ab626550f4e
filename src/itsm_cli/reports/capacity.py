"""The capacity report: per CapacityPlan and resource, the usage history with its
least-squares trend and threshold, the latest usage against capacity, the predicted day the
trend reaches the threshold, the plan's open actions and its CAP findings.

The trend and the predicted crossing are those of rule CAP002 (`itsm_cli.records.trend`),
over the same horizon (today + the plan's horizon); "at or over the threshold" is CAP003's
test and "overdue" CAP004's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.capacity_plan import CapacityPlan, Resource
from itsm_cli.reports import charts
from itsm_cli.reports.finding_rows import FindingsByRecord, finding_row
from itsm_cli.reports.record_rows import plan_row

if TYPE_CHECKING:
    import datetime as dt

    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord
    from itsm_cli.reports.registry import ReportInput


def build(data: ReportInput) -> dict[str, Any]:
    index = data.repository.index
    findings = data.check.findings
    everything = index.of_kind(CapacityPlan)
    plans = [
        _plan(plan, index, data.today, data.findings_by_record)
        for plan in everything
        if plan.model.metadata.status is not Status.RETIRED
    ]
    resources = [r for p in plans for r in p["resources"]]
    return {
        "title": "Capacity",
        "today": data.today,
        "plans": plans,
        "retired": len(everything) - len(plans),
        "summary": {
            "plans": len(plans),
            "resources": len(resources),
            "over": sum(1 for r in resources if r["state"] == "over"),
            "crossing": sum(1 for r in resources if r["state"] == "crossing"),
            "open_actions": sum(len(p["actions"]) for p in plans),
            "overdue_actions": sum(1 for p in plans for a in p["actions"] if a["overdue"]),
        },
        "uncovered": [finding_row(f) for f in findings if f.rule == "CAP001"],
    }


def _plan(
    plan: LoadedRecord[CapacityPlan],
    index: RepoIndex,
    today: dt.date,
    findings: FindingsByRecord,
) -> dict[str, Any]:
    spec = plan.model.spec
    until = spec.horizon.after(today)
    actions = [
        {
            "description": a.description,
            "owner": a.owner,
            "due": a.due,
            "overdue": a.due < today,  # CAP004
        }
        for a in sorted(spec.actions, key=lambda a: a.due)
        if a.status == "open"
    ]
    return {
        **plan_row(plan, index),
        "horizon": str(spec.horizon),
        "horizon_end": until,
        "resources": [_resource(r, until, today) for r in spec.resources],
        "actions": actions,
        "done_actions": sum(1 for a in spec.actions if a.status == "done"),
        "findings": findings.rows(plan.id, "CAP"),
    }


def _resource(resource: Resource, until: dt.date, today: dt.date) -> dict[str, Any]:
    from itsm_cli.dates import latest_dated, on_or_before
    from itsm_cli.records.trend import MIN_POINTS, day_points, fit_line, predicted_crossing

    # Usage dated after today is no observation (DOC004): not shown as a point, not counted.
    observed = on_or_before(resource.usage, today)
    ignored = len(resource.usage) - len(observed)
    points = sorted(((u.date, u.value) for _, u in observed), key=lambda p: p[0])
    threshold = resource.threshold_value
    latest = latest_dated(resource.usage, today)
    trend: tuple[float, float] | None = None
    crossing: dt.date | None = None
    if latest is None:
        state, outlook = "no-data", "no usage recorded"
    elif latest[1].value >= threshold:  # CAP003
        state, outlook = "over", "at or over the threshold now"
    elif len(points) < MIN_POINTS:
        state, outlook = "no-trend", f"no trend: fewer than {MIN_POINTS} points"
    else:
        try:
            trend = fit_line(day_points(points)[1])
        except ValueError:
            trend = None
        crossing = predicted_crossing(points, threshold, until)  # CAP002
        if crossing is not None:
            state, outlook = "crossing", f"reaches the threshold on {crossing.isoformat()}"
        else:
            state = "ok"
            later = predicted_crossing(points, threshold)
            outlook = "not within horizon"
            if later is not None:
                outlook += f" (the trend reaches it on {later.isoformat()})"
            elif trend is not None and not trend[0] > 0:
                outlook += " (the trend is flat or falling)"
    if ignored:
        entries = "entry" if ignored == 1 else "entries"
        outlook += f"; {ignored} usage {entries} dated after today ignored"
    latest_value = latest[1].value if latest else None
    return {
        "name": resource.name,
        "type": resource.type,
        "unit": resource.unit,
        "capacity": resource.capacity,
        "threshold": resource.threshold,
        "threshold_value": threshold,
        "latest": latest_value,
        "latest_date": latest[1].date if latest else None,
        "latest_percent": None
        if latest_value is None
        else latest_value / resource.capacity * 100,
        "points": len(points),
        "slope_per_30_days": None if trend is None else trend[0] * 30,
        "state": state,
        "outlook": outlook,
        "crossing": crossing,
        "series": [v for _, v in points],
        "chart": charts.line_chart(
            points,
            f"{resource.name}: usage in {resource.unit}, trend and threshold",
            threshold=threshold,
            trend=trend,
            until=until if trend is not None else None,
            marker=crossing,
        )
        if points
        else None,
    }
