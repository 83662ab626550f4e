"""Questions several rules ask of the index: which services are live, which records cover a
service, what a service depends on (directly or through other services)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TypeVar

from itsm_cli.records.fields import Criticality, Lifecycle, Status
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import (
    SLA,
    CapacityPlan,
    ContinuityPlan,
    Record,
    Service,
    Supplier,
)

R = TypeVar("R", bound=Record)
Plan = TypeVar("Plan", CapacityPlan, ContinuityPlan)


def is_live(service: Service) -> bool:
    live = service.spec.lifecycle is Lifecycle.LIVE
    return live and service.metadata.status is not Status.RETIRED


def live_services(index: RepoIndex) -> Iterator[LoadedRecord[Service]]:
    return (s for s in index.of_kind(Service) if is_live(s.model))


def not_retired(index: RepoIndex, cls: type[R]) -> Iterator[LoadedRecord[R]]:
    """Records of kind `cls` whose `metadata.status` is not retired."""
    return (r for r in index.of_kind(cls) if r.model.metadata.status is not Status.RETIRED)


def critical_services_without(
    index: RepoIndex, plan_cls: type[Plan]
) -> Iterator[LoadedRecord[Service]]:
    """Live critical services that no `plan_cls` record (CapacityPlan for CAP001,
    ContinuityPlan for CON001) names in `spec.services`. A retired plan covers nothing; a
    draft counts."""
    covered = {ref for plan in not_retired(index, plan_cls) for ref in plan.model.spec.services}
    for service in live_services(index):
        if service.model.spec.criticality is Criticality.CRITICAL and service.id not in covered:
            yield service


def covering(index: RepoIndex, cls: type[R], service_id: str) -> list[LoadedRecord[R]]:
    """Records of kind `cls` (SLA, OLA, CapacityPlan, ContinuityPlan) whose `spec.services`
    names `service_id`."""
    found = []
    for record in index.of_kind(cls):
        services = getattr(record.model.spec, "services", ())
        if service_id in services:
            found.append(record)
    return found


def approved_in_force_slas(
    index: RepoIndex, service_id: str, today: dt.date
) -> list[LoadedRecord[SLA]]:
    return [
        sla
        for sla in covering(index, SLA, service_id)
        if sla.model.approved_on(today) and sla.model.in_force(today)
    ]


def dependencies(index: RepoIndex, service_id: str) -> tuple[set[str], set[str]]:
    """All Service and Supplier ids `service_id` depends on, directly or through other
    services (cycles are walked once). Returns (service ids, supplier ids)."""
    services: set[str] = set()
    suppliers: set[str] = set()
    pending = [service_id]
    while pending:
        current = index.get(pending.pop(), Service)
        if current is None:
            continue
        for ref in current.model.spec.depends_on:
            target = index.by_id.get(ref)
            if target is None:
                continue
            if isinstance(target.model, Supplier):
                suppliers.add(ref)
            elif isinstance(target.model, Service) and ref not in services and ref != service_id:
                services.add(ref)
                pending.append(ref)
    return services, suppliers
