"""CAP001–CAP004: capacity management (ISO/IEC 20000-1:2018, 8.4.3).

A CapacityPlan retired as a record (`metadata.status: retired`) is history: it covers no
service (CAP001) and its resources and actions are not checked (CAP002–CAP004). A draft plan
counts: it is work in progress on the service's capacity, and its figures are checked.

CAP002 and CAP003 split one question between them: when a resource's latest usage is
already at or over its threshold, that is CAP003 (an error) and CAP002 stays silent for the
resource, since a trend "reaching" a threshold already reached adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.dates import latest_dated, on_or_before
from itsm_cli.findings import Finding, Severity, figure, rounded
from itsm_cli.records.kinds.capacity_plan import CapacityPlan, Resource
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import critical_services_without, not_retired
from itsm_cli.records.trend import MIN_POINTS, predicted_crossing
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import overdue_actions, prose

_CAP = ("8.4.3",)


def current_plans(ctx: RuleContext) -> Iterator[LoadedRecord[CapacityPlan]]:
    """CapacityPlans that are not retired."""
    return not_retired(ctx.index, CapacityPlan)


def _ceiling(resource: Resource) -> str:
    """`320 TB (80 % of 400 TB)`"""
    unit = resource.unit
    return (
        f"{rounded(resource.threshold_value)} {unit} "
        f"({figure(resource.threshold)} % of {figure(resource.capacity)} {unit})"
    )


@rule(
    "CAP001", Severity.ERROR, _CAP,
    summary="A live critical Service is covered by no CapacityPlan.",
    hint="Write a CapacityPlan that lists the service in `spec.services` (a draft counts "
    "while it is prepared), or add the service to an existing plan.",
    failing="""
        kind: Service
        metadata: {id: SVC-MANAGED-HOSTING}
        spec:
          lifecycle: live
          criticality: critical   # and no CapacityPlan names SVC-MANAGED-HOSTING
    """,
    passing="""
        kind: CapacityPlan
        metadata: {id: CAP-HOSTING-PLATFORM, status: approved}
        spec:
          services: [SVC-MANAGED-HOSTING]
    """,
)
def find_critical_services_without_capacity_plan(ctx: RuleContext) -> Iterator[Finding]:
    """A critical service that runs out of compute, storage or people fails its customers
    exactly where it hurts most. 8.4.3 asks for capacity to be planned from the service's
    current and forecast demand; for a critical service an auditor expects to see that plan.
    Any plan that is not retired counts, drafts included: the rule asks whether capacity is
    being planned at all, and DOC002 and the review process deal with approval."""
    for service in critical_services_without(ctx.index, CapacityPlan):
        yield ctx.finding(
            service,
            f"live critical service {service.id} is covered by no CapacityPlan",
            ("spec", "criticality"),
        )


@rule(
    "CAP002", Severity.WARNING, _CAP,
    summary="A resource's usage trend (least squares over ≥ 3 points) reaches its threshold "
    "within the plan horizon.",
    hint="Plan the extra capacity now (an action with an owner and a due date before the "
    "predicted date), or reduce demand; then record the new capacity or threshold.",
    failing="""
        kind: CapacityPlan
        spec:
          horizon: P12M
          resources:
            - name: Primary storage
              unit: TB
              capacity: 400
              threshold: 80           # 320 TB
              usage:                  # +10.5 TB a month: 320 TB on 2026-12-25
                - {date: 2026-09-01, value: 281}
                - {date: 2026-10-01, value: 290}
                - {date: 2026-11-01, value: 302}
    """,
    passing="""
        kind: CapacityPlan
        spec:
          horizon: P12M
          resources:
            - name: Primary storage
              unit: TB
              capacity: 600           # expansion installed: 480 TB, reached in 2028
              threshold: 80
              usage:
                - {date: 2026-09-01, value: 281}
                - {date: 2026-10-01, value: 290}
                - {date: 2026-11-01, value: 302}
    """,
)
def find_usage_trends_reaching_threshold(ctx: RuleContext) -> Iterator[Finding]:
    """Capacity planning is about the future: 8.4.3 asks for capacity to be planned from
    forecast demand, not only for today's figures to be under the line. The least-squares
    line through the observed usage (x = days since the first point) gives the day usage is
    expected to reach the threshold; if that day falls after the latest observation and no
    later than today plus the plan's horizon, the plan must already say how the capacity
    will be found. A day already past (usage not recorded since) fires too, saying so: the
    threshold may well be reached. Flat or falling trends never fire, nor do resources with
    fewer than three points, nor resources already at or over the threshold (CAP003).
    Usage dated after today is no observation (DOC004 reports it): it is not a point of
    the trend, nor the latest usage here or in CAP003."""
    for plan in current_plans(ctx):
        spec = plan.model.spec
        until = spec.horizon.after(ctx.today)
        for i, resource in enumerate(spec.resources):
            observed = on_or_before(resource.usage, ctx.today)
            latest = latest_dated(resource.usage, ctx.today)
            if latest is None or len(observed) < MIN_POINTS:
                continue
            if latest[1].value >= resource.threshold_value:
                continue  # CAP003
            points = [(u.date, u.value) for _, u in observed]
            day = predicted_crossing(points, resource.threshold_value, until)
            if day is None:
                continue
            if day < ctx.today:  # the usage since the latest entry was never recorded
                when = (
                    f"reached the threshold {_ceiling(resource)} on {day.isoformat()}, "
                    "before today"
                )
            else:
                when = (
                    f"reaches the threshold {_ceiling(resource)} on {day.isoformat()}, within "
                    f"the plan horizon {spec.horizon} (by {until.isoformat()})"
                )
            yield ctx.finding(
                plan,
                f"'{prose(resource.name)}': the least-squares trend of {len(points)} usage points "
                f"{when}; latest usage "
                f"{figure(latest[1].value)} {resource.unit} on {latest[1].date.isoformat()}",
                ("spec", "resources", i, "usage"),
            )


@rule(
    "CAP003", Severity.ERROR, _CAP,
    summary="A resource's latest usage is at or over its threshold.",
    hint="Add capacity or reduce demand now, and record the action in the plan; raise the "
    "threshold only if the plan explains why the old one was too cautious.",
    failing="""
        kind: CapacityPlan
        spec:
          resources:
            - name: Backup repository
              unit: TB
              capacity: 600
              threshold: 85           # 510 TB
              usage:
                - {date: 2026-11-01, value: 522}
    """,
    passing="""
        kind: CapacityPlan
        spec:
          resources:
            - name: Backup repository
              unit: TB
              capacity: 800           # second repository added
              threshold: 85           # 680 TB
              usage:
                - {date: 2026-11-01, value: 522}
    """,
)
def find_resources_over_threshold(ctx: RuleContext) -> Iterator[Finding]:
    """The threshold is the point at which the organization decided it must act: usage at
    or over it means the capacity the services were designed for is no longer assured
    (8.4.3). The finding points at the latest usage entry, by date (entries may be in any
    order)."""
    for plan in current_plans(ctx):
        for i, resource in enumerate(plan.model.spec.resources):
            latest = latest_dated(resource.usage, ctx.today)
            if latest is None:
                continue
            j, usage = latest
            if usage.value >= resource.threshold_value:
                yield ctx.finding(
                    plan,
                    f"'{prose(resource.name)}': latest usage {figure(usage.value)} {resource.unit} "
                    f"on {usage.date.isoformat()} is at or over the threshold "
                    f"{_ceiling(resource)}",
                    ("spec", "resources", i, "usage", j, "value"),
                )


@rule(
    "CAP004", Severity.WARNING, _CAP,
    summary="A capacity action is open past its due date.",
    hint="Finish the action and set its status to done, or agree a new due date (and say "
    "why in the plan).",
    failing="""
        kind: CapacityPlan
        spec:
          actions:
            - description: Order an expansion shelf
              owner: capacity-manager
              due: 2026-10-31         # before today
              status: open
    """,
    passing="""
        kind: CapacityPlan
        spec:
          actions:
            - description: Order an expansion shelf
              owner: capacity-manager
              due: 2026-10-31
              status: done
    """,
)
def find_overdue_capacity_actions(ctx: RuleContext) -> Iterator[Finding]:
    """Actions are how a capacity plan turns forecasts into capacity. An action still open
    after its due date means the capacity it was meant to provide may not be there when
    demand arrives (8.4.3). An action due today is not yet late."""
    for plan in current_plans(ctx):
        for k, _, words in overdue_actions(ctx.today, plan.model.spec.actions):
            yield ctx.finding(plan, words, ("spec", "actions", k, "due"))
