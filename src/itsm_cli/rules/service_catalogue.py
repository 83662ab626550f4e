"""CAT001–CAT003: the service catalogue (ISO/IEC 20000-1:2018, 8.2.4).

The catalogue is the list of services the provider is accountable for. An auditor reads it
first: every live service must be formally agreed, and its dependencies must be known and
themselves in service.
"""

from __future__ import annotations

from collections.abc import Iterator

from itsm_cli.findings import Finding, Severity
from itsm_cli.records.fields import Criticality
from itsm_cli.records.kinds.service import Service
from itsm_cli.records.queries import is_retired, live_services
from itsm_cli.rules.registry import RuleContext, rule

_CATALOGUE = ("8.2.4",)


@rule(
    "CAT001", Severity.WARNING, _CATALOGUE,
    summary="A live Service is not approved.",
    hint="Have the service description approved (status: approved, approved: {by, date}), "
    "or set its lifecycle back to pipeline while it is still being designed.",
    failing="""
        kind: Service
        metadata:
          status: draft          # but customers already use it
        spec:
          lifecycle: live
    """,
    passing="""
        kind: Service
        metadata:
          status: approved
          approved: {by: Head of Service Delivery, date: 2026-02-02}
        spec:
          lifecycle: live
    """,
)
def find_unapproved_live_services(ctx: RuleContext) -> Iterator[Finding]:
    """The service catalogue is documented information the provider must control: a
    service that customers already use but whose description nobody has approved means the
    catalogue does not reflect what was agreed. Auditors sample live services and ask who
    signed off each description."""
    for service in live_services(ctx.index):
        model = service.model
        if model.approved_on(ctx.today):
            continue
        pending = model.approved_after(ctx.today)
        if pending is not None:
            yield ctx.finding(
                service,
                f"live service {service.id} is approved only from {pending}, after today "
                f"({ctx.today}): not approved yet",
                ("metadata", "approved", "date"),
            )
            continue
        yield ctx.finding(
            service,
            f"live service {service.id} is {model.metadata.status.value}, not approved",
            ("metadata", "status"),
        )


@rule(
    "CAT002", Severity.WARNING, _CATALOGUE,
    summary="A live critical or high Service declares no dependsOn.",
    hint="List the Services and Suppliers the service relies on in `spec.dependsOn`.",
    failing="""
        kind: Service
        spec:
          lifecycle: live
          criticality: critical
          # no dependsOn
    """,
    passing="""
        kind: Service
        spec:
          lifecycle: live
          criticality: critical
          dependsOn: [SUP-MERIDIAN-COLO, SVC-MANAGED-NETWORK]
    """,
)
def find_important_services_without_dependencies(ctx: RuleContext) -> Iterator[Finding]:
    """The catalogue must describe the dependencies between services and on suppliers.
    For the services that matter most they drive everything downstream: which supplier
    contracts underpin an SLA, what a continuity plan must recover, what limits the
    availability that can be promised. A critical service that depends on nothing is almost
    always an undocumented one."""
    important = (Criticality.CRITICAL, Criticality.HIGH)
    for service in live_services(ctx.index):
        spec = service.model.spec
        if spec.criticality in important and not spec.depends_on:
            yield ctx.finding(
                service,
                f"live {spec.criticality.value} service {service.id} declares no dependencies",
                ("spec", "dependsOn"),
            )


@rule(
    "CAT003", Severity.ERROR, _CATALOGUE,
    summary="A live Service depends on a retired Service.",
    hint="Point dependsOn at the service that replaced the retired one, or bring the "
    "retired service back to live if it is still in use.",
    failing="""
        kind: Service
        spec:
          lifecycle: live
          dependsOn: [SVC-HOSTED-EXCHANGE]   # lifecycle: retired
    """,
    passing="""
        kind: Service
        spec:
          lifecycle: live
          dependsOn: [SVC-MANAGED-WORKPLACE]   # its live successor
    """,
)
def find_dependencies_on_retired_services(ctx: RuleContext) -> Iterator[Finding]:
    """A live service cannot rely on one that is no longer operated: either the dependency
    is stale (the catalogue is wrong) or the retired service is still running without
    being managed (nobody monitors, patches or plans capacity for it). Only direct
    dependencies are checked; a live service in between gets its own finding."""
    for service in live_services(ctx.index):
        for i, ref in enumerate(service.model.spec.depends_on):
            target = ctx.index.get(ref, Service)
            if target is not None and is_retired(target.model):
                yield ctx.finding(
                    service,
                    f"live service {service.id} depends on {ref}, which is retired",
                    ("spec", "dependsOn", i),
                )
