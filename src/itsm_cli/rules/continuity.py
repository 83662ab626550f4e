"""CON001–CON005: service continuity and availability management (ISO/IEC 20000-1:2018,
8.7.1 and 8.7.2).

A ContinuityPlan retired as a record (`metadata.status: retired`) is history: it covers no
service (CON001) and is not checked (CON002–CON005). A draft plan counts and is checked like
an approved one: a plan being written still has to be tested before anyone relies on it.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.dates import latest_dated
from itsm_cli.findings import Finding, Severity, figure, rounded
from itsm_cli.records.kinds.continuity_plan import ContinuityPlan, ContinuityTest
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Target
from itsm_cli.records.queries import (
    allowed_downtime,
    critical_services_without,
    longer,
    minutes,
    not_retired,
    slas_by_service,
)
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import not_counted

_CON = ("8.7.2",)

_WINDOW_WORDS = {
    "calendar-month": "a month",
    "calendar-quarter": "a quarter",
    "calendar-year": "a year",
    "rolling-30d": "in any 30 days",
}


def current_plans(ctx: RuleContext) -> Iterator[LoadedRecord[ContinuityPlan]]:
    """ContinuityPlans that are not retired."""
    return not_retired(ctx.index, ContinuityPlan)


def _tested_plans(
    ctx: RuleContext,
) -> Iterator[tuple[LoadedRecord[ContinuityPlan], int, ContinuityTest]]:
    """Each plan that is not retired and has been tested, with its latest test and the
    index of that test (CON003, CON004)."""
    for plan in current_plans(ctx):
        latest = latest_dated(plan.model.spec.tests, ctx.today)
        if latest is not None:
            yield plan, *latest


def _objective(target: Target) -> str:
    """`99.9 %`, `4 h`"""
    unit = "%" if target.unit == "percent" else target.unit
    return f"{figure(target.objective)} {unit}"


@rule(
    "CON001", Severity.ERROR, _CON,
    summary="A live critical Service is covered by no ContinuityPlan.",
    hint="Write a ContinuityPlan that lists the service in `spec.services` (a draft counts "
    "while it is prepared), or add the service to an existing plan.",
    failing="""
        kind: Service
        metadata: {id: SVC-MANAGED-NETWORK}
        spec:
          lifecycle: live
          criticality: critical   # and no ContinuityPlan names SVC-MANAGED-NETWORK
    """,
    passing="""
        kind: ContinuityPlan
        metadata: {id: CON-DATACENTRE-FAILOVER, status: approved}
        spec:
          services: [SVC-MANAGED-NETWORK]
    """,
)
def find_critical_services_without_continuity_plan(ctx: RuleContext) -> Iterator[Finding]:
    """8.7.2 asks for service continuity to be planned for the services agreed with
    customers; a critical service with no plan has no agreed way back after a major loss
    (a site, a carrier, a ransomware attack). Any plan that is not retired counts, drafts
    included: the rule asks whether continuity is being planned at all."""
    for service in critical_services_without(ctx.index, ContinuityPlan):
        yield ctx.finding(
            service,
            f"live critical service {service.id} is covered by no ContinuityPlan",
            ("spec", "criticality"),
        )


@rule(
    "CON002", Severity.ERROR, _CON,
    summary="A ContinuityPlan was never tested, or its latest test is older than testInterval.",
    hint="Test the plan (a tabletop or walkthrough at least) and record the test under "
    "`spec.tests` with its date, type and result.",
    failing="""
        kind: ContinuityPlan
        spec:
          testInterval: P12M
          tests:
            - {date: 2025-08-14, type: tabletop, result: pass}   # next due 2026-08-14
    """,
    passing="""
        kind: ContinuityPlan
        spec:
          testInterval: P12M
          tests:
            - {date: 2026-05-16, type: failover, result: pass}   # next due 2027-05-16
    """,
)
def find_untested_continuity_plans(ctx: RuleContext) -> Iterator[Finding]:
    """A continuity plan that has not been tested is a hope, not a plan: 8.7.2 asks for
    the plans to be tested at planned intervals, and the plan's own `testInterval` is that
    interval. The next test falls due `testInterval` after the latest one, by the calendar;
    the plan is late from the day after. A plan never tested is reported at its
    `testInterval`. A test dated after today has not happened (DOC004 reports it): it is
    not the latest test here, nor in CON003 and CON004."""
    for plan in current_plans(ctx):
        spec = plan.model.spec
        latest = latest_dated(plan.model.spec.tests, ctx.today)
        ahead = not_counted(sum(1 for t in spec.tests if t.date > ctx.today), "test")
        if latest is None:
            what = "no `tests`" if not spec.tests else "no test on or before today"
            yield ctx.finding(
                plan,
                f"{plan.id} has never been tested ({what}; testInterval "
                f"{spec.test_interval}){ahead}",
                ("spec", "testInterval"),
            )
            continue
        i, test = latest
        due = spec.test_interval.after(test.date)
        if due < ctx.today:
            yield ctx.finding(
                plan,
                f"latest test {test.date.isoformat()} + testInterval {spec.test_interval} "
                f"= {due.isoformat()}: the next test is overdue{ahead}",
                ("spec", "tests", i, "date"),
            )


@rule(
    "CON003", Severity.WARNING, _CON,
    summary="The latest test result is fail or partial and records no actions.",
    hint="Record under the test's `actions` what will be done about what the test showed "
    "(and by whom), then re-test.",
    failing="""
        kind: ContinuityPlan
        spec:
          tests:
            - date: 2026-05-16
              type: failover
              result: partial
              findings: [Two VMs needed manual IP re-mapping]
    """,
    passing="""
        kind: ContinuityPlan
        spec:
          tests:
            - date: 2026-05-16
              type: failover
              result: partial
              findings: [Two VMs needed manual IP re-mapping]
              actions: [Add the re-mapping to the orchestration runbook]
    """,
)
def find_failed_tests_without_actions(ctx: RuleContext) -> Iterator[Finding]:
    """A test that failed, or only partly worked, has shown a weakness in the plan. 8.7.2
    expects the results of tests to be recorded and acted upon; a failed test with no
    actions leaves the weakness in place for the real event."""
    for plan, i, test in _tested_plans(ctx):
        if test.result in ("fail", "partial") and not test.actions:
            yield ctx.finding(
                plan,
                f"latest test {test.date.isoformat()} ({test.type}) resulted in {test.result} "
                "and records no actions",
                ("spec", "tests", i, "result"),
            )


@rule(
    "CON004", Severity.WARNING, _CON,
    summary="The latest test's achievedRto is longer than rto.",
    hint="Improve the recovery (automation, runbooks, standby capacity) and re-test, or "
    "agree a longer rto with the customers and check it against their SLAs (CON005).",
    failing="""
        kind: ContinuityPlan
        spec:
          rto: PT30M
          tests:
            - {date: 2026-05-16, type: failover, result: pass, achievedRto: PT45M}
    """,
    passing="""
        kind: ContinuityPlan
        spec:
          rto: PT30M
          tests:
            - {date: 2026-05-16, type: failover, result: pass, achievedRto: PT24M}
    """,
)
def find_tests_missing_rto(ctx: RuleContext) -> Iterator[Finding]:
    """The recovery time objective is a promise about how quickly service comes back; the
    latest test is the best evidence of whether the organization can keep it (8.7.2). Only
    the latest test counts: an older slow recovery that has since been improved is history.
    Durations are compared by their length."""
    for plan, i, test in _tested_plans(ctx):
        spec = plan.model.spec
        achieved = test.achieved_rto
        if achieved is None:
            continue
        got, wanted = minutes(achieved, test.date), minutes(spec.rto, test.date)
        if longer(got, wanted):
            yield ctx.finding(
                plan,
                f"latest test {test.date.isoformat()} recovered in {achieved} "
                f"({rounded(got)} min), longer than the rto {spec.rto} ({rounded(wanted)} min)",
                ("spec", "tests", i, "achievedRto"),
            )


@rule(
    "CON005", Severity.WARNING, ("8.7.1", "8.7.2"),
    summary="The plan's rto is longer than the downtime that the availability target of an "
    "SLA covering the same service allows in its window.",
    hint="Shorten the rto (and show by a test that it holds), or agree an availability "
    "target the recovery can honour.",
    failing="""
        kind: ContinuityPlan
        spec:
          services: [SVC-MANAGED-HOSTING]
          rto: PT4H        # 240 min; SLA-ACME-HOSTING's 99.9 % a month allows 43.2 min
    """,
    passing="""
        kind: ContinuityPlan
        spec:
          services: [SVC-MANAGED-HOSTING]
          rto: PT30M
    """,
)
def find_rto_beyond_availability(ctx: RuleContext) -> Iterator[Finding]:
    """Availability (8.7.1) and continuity (8.7.2) must fit together: if a major loss is
    recovered only after the rto, a single invocation spends more downtime than the
    availability target allows in its window, and the SLA is breached by design. The
    allowance is (100 − objective) % of the window for a percentage (unit percent,
    comparator >=), with calendar-month, calendar-quarter, calendar-year and rolling-30d
    windows counted as 30, 91, 365 and 30 days; an availability target written as the
    downtime not to exceed (comparator <=, unit s, min, h or d) is the allowance itself.
    Per-incident targets have no budget and are skipped, as are availability targets
    written any other way. Every SLA that is not retired and covers one
    of the plan's services counts; the finding names the tightest allowance."""
    by_service = slas_by_service(ctx.index)
    for plan in current_plans(ctx):
        spec = plan.model.spec
        rto = minutes(spec.rto)
        breaches: list[tuple[float, str, Target]] = []
        seen: set[str] = set()
        for ref in spec.services:
            for sla in by_service.get(ref, []):
                if sla.id in seen:
                    continue
                seen.add(sla.id)
                for target in sla.model.spec.targets:
                    allowed = allowed_downtime(target)
                    if allowed is not None and longer(rto, allowed):
                        breaches.append((allowed, sla.id, target))
        if not breaches:
            continue
        allowed, sla_id, target = min(breaches, key=lambda b: (b[0], b[1], b[2].id))
        others = sorted({b[1] for b in breaches} - {sla_id})
        also = f" (also breaches {', '.join(others)})" if others else ""
        yield ctx.finding(
            plan,
            f"RTO {spec.rto} ({rounded(rto)} min) exceeds the {rounded(allowed)} min "
            f"{_WINDOW_WORDS[target.window]} that {sla_id} {target.id} "
            f"{_objective(target)} allows{also}",
            ("spec", "rto"),
        )
