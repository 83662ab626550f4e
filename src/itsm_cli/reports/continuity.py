"""The continuity report: per ContinuityPlan, the services it covers, its RTO and RPO
against the downtime the covering SLAs allow, its test history, the next test due, the
actions still open and its CON findings.

The figures come from the continuity rules (`itsm_cli.rules.continuity`): the downtime
allowance and minute lengths of CON005 and CON004, the latest test and due date of CON002.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.continuity_plan import ContinuityPlan, ContinuityTest
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
    everything = index.of_kind(ContinuityPlan)
    plans = [
        _plan(plan, index, data.today, data.findings_by_record)
        for plan in everything
        if plan.model.metadata.status is not Status.RETIRED
    ]
    return {
        "title": "Service continuity and availability",
        "rto_chart": _rto_chart(plans),
        "test_timeline": _test_timeline(plans, data.today),
        "today": data.today,
        "plans": plans,
        "retired": len(everything) - len(plans),
        "summary": {
            "plans": len(plans),
            "overdue": sum(1 for p in plans if p["overdue"]),
            "rto_exceeds": sum(1 for p in plans if any(a["exceeded"] for a in p["allowances"])),
            "open_actions": sum(len(p["open_actions"]) for p in plans),
            "findings": sum(1 for p in plans for f in p["findings"] if not f["waived"]),
        },
        "uncovered": [
            finding_row(f) for f in findings if f.rule == "CON001"
        ],
    }


def _plan(
    plan: LoadedRecord[ContinuityPlan],
    index: RepoIndex,
    today: dt.date,
    findings: FindingsByRecord,
) -> dict[str, Any]:
    from itsm_cli.dates import latest_dated
    from itsm_cli.records.queries import minutes

    spec = plan.model.spec
    rto = minutes(spec.rto)
    latest = latest_dated(spec.tests, today)
    if latest is None:
        last_date, next_due, overdue = None, None, True
    else:
        last_date = latest[1].date
        next_due = spec.test_interval.after(last_date)
        overdue = next_due < today  # CON002
    return {
        **plan_row(plan, index),
        "rto": str(spec.rto),
        "rto_minutes": rto,
        "rpo": str(spec.rpo),
        "rpo_minutes": minutes(spec.rpo),
        "availability_while_invoked": spec.availability_while_invoked,
        "test_interval": str(spec.test_interval),
        "invocation": spec.invocation,
        "scenarios": [
            {"id": s.id, "description": s.description} for s in spec.scenarios
        ],
        "allowances": _allowances(plan.model, index, rto),
        "tests": _tests(plan.model, today),
        "latest_test": last_date,
        "next_due": next_due,
        "overdue": overdue,
        "open_actions": _open_actions(plan.model, today),
        "unactioned": [
            {"date": t.date, "result": t.result} for t in _since_last_pass(plan.model, today)
            if not t.actions
        ],
        "findings": findings.rows(plan.id, "CON"),
    }


def _rto_chart(plans: list[dict[str, Any]]) -> Any:
    """Per plan, its RTO against the achieved RTO of its latest test (CON004's comparison)."""
    from itsm_cli.reports import charts

    rows = []
    for p in plans:
        latest = p["tests"][0] if p["tests"] else None
        achieved = latest["achieved_minutes"] if latest is not None else None
        rows.append((p["id"], p["rto_minutes"], achieved))
    return charts.paired_bars(
        rows, "RTO against the achieved RTO of the latest test, per plan", "RTO",
        "latest test",
    )


def _test_timeline(plans: list[dict[str, Any]], today: dt.date) -> Any:
    """Per tested plan, a bar from its latest test to the next test due (CON002's date)."""
    from itsm_cli.reports import charts

    tested = [p for p in plans if p["latest_test"] is not None and p["next_due"] is not None]
    return charts.timeline(
        [(p["id"], p["latest_test"], p["next_due"], None) for p in tested],
        today,
        "Latest test to next test due, per plan",
        empty="no plan has been tested",
        late=[p["overdue"] for p in tested],
    )


def _allowances(plan: ContinuityPlan, index: RepoIndex, rto: float) -> list[dict[str, Any]]:
    """Each availability target of an SLA covering one of the plan's services, with the
    downtime it allows per window against the RTO: CON005's SLAs, allowance and comparison
    (per-incident targets allow no budget and are skipped)."""
    from itsm_cli.records.queries import allowed_downtime, longer, slas_by_service

    by_service = slas_by_service(index)
    slas = {sla.id: sla for ref in plan.spec.services for sla in by_service.get(ref, [])}
    rows = []
    for sla in slas.values():
        covered = [s for s in sla.model.spec.services if s in plan.spec.services]
        for target in sla.model.spec.targets:
            allowed = allowed_downtime(target)
            if allowed is None:
                continue
            rows.append(
                {
                    "sla": sla.id,
                    "sla_status": sla.model.metadata.status.value,
                    "services": covered,
                    "target": target.id,
                    "objective": target.objective,
                    "window": target.window,
                    "allowance_minutes": allowed,
                    "exceeded": longer(rto, allowed),
                }
            )
    rows.sort(key=lambda r: (r["allowance_minutes"], r["sla"], r["target"]))
    return rows


def _tests(plan: ContinuityPlan, today: dt.date) -> list[dict[str, Any]]:
    """The test history, latest first, each achieved RTO against the plan's (as CON004
    compares them, in minutes from the test's date). A test dated after today is shown
    marked `future`: it has not happened and counts for nothing (DOC004)."""
    from itsm_cli.records.queries import longer, minutes

    rows = []
    for order, test in sorted(
        enumerate(plan.spec.tests), key=lambda item: (item[1].date, item[0]), reverse=True
    ):
        achieved = None if test.achieved_rto is None else minutes(test.achieved_rto, test.date)
        wanted = minutes(plan.spec.rto, test.date)
        rows.append(
            {
                "date": test.date,
                "type": test.type,
                "result": test.result,
                "achieved_rto": str(test.achieved_rto) if test.achieved_rto else None,
                "achieved_minutes": achieved,
                "within_rto": None if achieved is None else not longer(achieved, wanted),
                "findings": list(test.findings),
                "actions": list(test.actions),
                "index": order,
                "future": test.date > today,
            }
        )
    return rows


def _since_last_pass(plan: ContinuityPlan, today: dt.date) -> list[ContinuityTest]:
    """The failed and partial tests since the latest passing one, newest first (a later
    pass shows the plan working again, so what came before it is taken as dealt with).
    Tests dated after today have not happened and count for nothing."""
    from itsm_cli.dates import on_or_before

    held = [t for _, t in on_or_before(plan.spec.tests, today)]
    last_pass: dt.date | None = max((t.date for t in held if t.result == "pass"), default=None)
    tests: list[ContinuityTest] = sorted(held, key=lambda t: t.date, reverse=True)
    return [
        t for t in tests
        if t.result != "pass" and (last_pass is None or t.date > last_pass)
    ]


def _open_actions(plan: ContinuityPlan, today: dt.date) -> list[dict[str, Any]]:
    """Actions recorded by the failed or partial tests since the latest passing test."""
    return [
        {"date": test.date, "result": test.result, "action": action}
        for test in _since_last_pass(plan, today)
        for action in test.actions
    ]
