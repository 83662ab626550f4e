"""SLM001–SLM005: service level management (ISO/IEC 20000-1:2018, 8.3.3, with 8.3.4.1 for
the underpinning supplier contracts).

Which agreements count: SLM001 looks for an approved SLA in force; SLM002 for approved ones
only; SLM003, SLM004 and SLM005 check every SLA that is not retired, drafts included, so a
problem is caught before the agreement is signed. A retired SLA is history and never fires.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from itsm_cli.findings import Finding, Severity, figure
from itsm_cli.records.fields import Status
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.kinds.agreements import OLA, SLA
from itsm_cli.records.kinds.service import Service
from itsm_cli.records.kinds.supplier import Supplier
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Record, Target
from itsm_cli.records.queries import is_live, live_services, not_retired
from itsm_cli.rules.registry import RuleContext, rule

_SLM = ("8.3.3",)


def _current(record: Record) -> bool:
    """Not retired as a record."""
    return record.metadata.status is not Status.RETIRED


def _current_slas(ctx: RuleContext) -> Iterator[LoadedRecord[SLA]]:
    return not_retired(ctx.index, SLA)


def _why_not_in_force(sla: SLA, today: dt.date) -> str:
    pending = sla.approved_after(today)
    if pending is not None:
        return f"{sla.id} is approved only from {pending}, after today"
    if not sla.approved_on(today):
        return f"{sla.id} is {sla.metadata.status.value}"
    if today < sla.spec.valid_from:
        return f"{sla.id} starts {sla.spec.valid_from}"
    return f"{sla.id} ended {sla.spec.valid_until}"


@rule(
    "SLM001", Severity.ERROR, _SLM,
    summary="A live Service is covered by no approved SLA in force.",
    hint="Agree an SLA with the service's customers (or renew the expired one) and approve "
    "it; if no customer uses the service any more, retire it.",
    failing="""
        kind: Service
        metadata: {id: SVC-WEB}
        spec:
          lifecycle: live
        # and no approved SLA with SVC-WEB in spec.services is in force today
    """,
    passing="""
        kind: SLA
        metadata: {status: approved}
        spec:
          services: [SVC-WEB]
          validFrom: 2026-01-01
          validUntil: 2027-12-31   # today lies in between
    """,
)
def find_live_services_without_agreement(ctx: RuleContext) -> Iterator[Finding]:
    """Every service delivered to customers needs documented, agreed service levels: that
    is what the SLA is for. A live service with no SLA in force is delivered without any
    agreed target, so nobody can say whether it is delivered well. SLAs that cover the
    service but are drafts, not yet started or expired are named in the message."""
    covering: dict[str, list[SLA]] = {}
    for sla in ctx.index.of_kind(SLA):
        for service_id in sla.model.spec.services:
            covering.setdefault(service_id, []).append(sla.model)
    today = ctx.today
    for service in live_services(ctx.index):
        slas = covering.get(service.id, [])
        if any(s.approved_on(today) and s.in_force(today) for s in slas):
            continue
        message = f"live service {service.id} is covered by no approved SLA in force on {today}"
        if slas:
            message += " (" + "; ".join(_why_not_in_force(s, today) for s in slas) + ")"
        yield ctx.finding(service, message, ("spec", "lifecycle"))


@rule(
    "SLM002", Severity.ERROR, _SLM,
    summary="An approved SLA is past its validUntil and not retired.",
    hint="Renew the agreement (a new validUntil, approved again) or set its status to retired.",
    failing="""
        kind: SLA
        metadata: {status: approved}
        spec:
          validUntil: 2025-12-31   # before today
    """,
    passing="""
        kind: SLA
        metadata: {status: retired}
        spec:
          validUntil: 2025-12-31
    """,
)
def find_expired_agreements(ctx: RuleContext) -> Iterator[Finding]:
    """An approved SLA whose term has ended looks binding but is not: either the service
    is now delivered with no agreement, or the agreement was renewed informally and the
    record was never updated. Both mean the documented service levels cannot be trusted."""
    for sla in ctx.index.of_kind(SLA):
        until = sla.model.spec.valid_until
        if sla.model.approved_on(ctx.today) and until < ctx.today:
            yield ctx.finding(
                sla,
                f"SLA {sla.id} expired on {until} but is still approved",
                ("spec", "validUntil"),
            )


@rule(
    "SLM003", Severity.WARNING, _SLM,
    summary="An SLA has no workloadLimits or no exceptions.",
    hint="State the workload the targets hold for (`workloadLimits`) and the situations they "
    "do not cover (`exceptions`; write `exceptions: []` if there are none).",
    failing="""
        kind: SLA
        spec:
          workloadLimits: Up to 25,000 events per second.
          # no exceptions
    """,
    passing="""
        kind: SLA
        spec:
          workloadLimits: Up to 25,000 events per second.
          exceptions:
            - Planned maintenance announced 5 working days in advance
    """,
)
def find_agreements_without_limits(ctx: RuleContext) -> Iterator[Finding]:
    """Targets only mean something within stated limits: an availability promise that
    holds for any load, and with no exceptions at all, is one the provider cannot keep and
    the customer will dispute. ISO/IEC 20000-1 expects SLAs to document workload limits and
    exceptions. An explicit empty list (`exceptions: []`) records that there are none and
    passes; a missing field or blank text fires, once per missing field."""
    for sla in _current_slas(ctx):
        spec = sla.model.spec
        if spec.workload_limits is None or not spec.workload_limits.strip():
            yield ctx.finding(
                sla, f"SLA {sla.id} states no workload limits", ("spec", "workloadLimits")
            )
        if spec.exceptions is None:
            yield ctx.finding(sla, f"SLA {sla.id} states no exceptions", ("spec", "exceptions"))


# --- SLM004: availability ceiling ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ceiling:
    """The availability (a fraction) that the underpinning targets of a service allow."""

    value: float
    factors: tuple[tuple[str, float], ...]
    """(label, objective in percent) of every underpinning availability target."""
    words: tuple[str, ...]
    """Each factor as the message writes it (`SUP-CSP 99.9 %`), in the same order."""

    def explain(self) -> str:
        return " × ".join(self.words)


def _factor_words(factors: Iterable[tuple[str, float]]) -> list[str]:
    return [f"{label} {figure(objective)} %" for label, objective in factors]


def _is_availability(target: Target) -> bool:
    return target.is_availability_percent


def _factors(record_id: str, targets: list[Target]) -> list[tuple[str, float]]:
    available = [t for t in targets if _is_availability(t)]
    several = len(available) > 1
    return [
        (f"{record_id} {t.id}" if several else record_id, t.objective) for t in available
    ]


class CeilingCalculator:
    """Availability ceilings per service.

    The ceiling of a service is the product of the availability targets of
    - the contracts of every Supplier it depends on, directly or through other services;
    - the OLAs covering the service itself or any service it depends on.

    The records underpinning each service are gathered for the whole dependency graph in one
    pass (Tarjan's strongly connected components): services in a dependency cycle share one
    set, and each record counts once however many paths lead to it."""

    def __init__(self, index: RepoIndex) -> None:
        self.index = index
        self.factors: dict[str, list[tuple[str, float]]] = {}
        """Availability factors per underpinning record (Supplier or OLA) id."""
        own: dict[str, set[str]] = {}
        self.ola_ids: set[str] = set()
        for ola in index.of_kind(OLA):
            if _current(ola.model):
                self.ola_ids.add(ola.id)
                self.factors[ola.id] = _factors(ola.id, ola.model.spec.targets)
                for service_id in ola.model.spec.services:
                    own.setdefault(service_id, set()).add(ola.id)
        for supplier in index.of_kind(Supplier):
            self.factors[supplier.id] = _factors(
                supplier.id, supplier.model.spec.contract.targets
            )
        self.edges: dict[str, list[str]] = {}
        for service in index.of_kind(Service):
            mine = own.setdefault(service.id, set())
            successors = self.edges.setdefault(service.id, [])
            for ref in service.model.spec.depends_on:
                target = index.by_id.get(ref)
                if target is None:
                    continue
                if isinstance(target.model, Supplier):
                    mine.add(ref)
                elif isinstance(target.model, Service) and ref != service.id:
                    successors.append(ref)
        self.own = own
        self.underpinning: dict[str, frozenset[str]] = {}
        self.cache: dict[str, Ceiling | None] = {}
        self.words: dict[str, list[str]] = {}
        """The factors of each underpinning record as a message writes them: a record
        underpins many services, and writing its figures is most of a finding's cost."""

    def of(self, service_id: str) -> Ceiling | None:
        if service_id not in self.cache:
            self.cache[service_id] = self._ceiling(service_id)
        return self.cache[service_id]

    def _ceiling(self, service_id: str) -> Ceiling | None:
        if service_id not in self.underpinning:
            self._close_from(service_id)
        records = self.underpinning.get(service_id, frozenset())
        # suppliers first, then OLAs, each by id: a stable, readable order in the message
        ordered = sorted(records, key=lambda rid: (rid in self.ola_ids, rid))
        factors = [factor for rid in ordered for factor in self.factors.get(rid, ())]
        if not factors:
            return None
        words = [word for rid in ordered for word in self._words(rid)]
        return Ceiling(
            math.prod(objective / 100 for _, objective in factors), tuple(factors), tuple(words)
        )

    def _words(self, record_id: str) -> list[str]:
        if record_id not in self.words:
            self.words[record_id] = _factor_words(self.factors.get(record_id, ()))
        return self.words[record_id]

    def _close_from(self, root: str) -> None:
        """Tarjan's algorithm (iterative) from `root`, filling `underpinning` for every
        service reachable from it."""
        order: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        work: list[tuple[str, Iterator[str]]] = [(root, iter(self.edges.get(root, ())))]
        order[root] = low[root] = 0
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for nxt in successors:
                if nxt in self.underpinning:
                    continue  # closed in an earlier pass
                if nxt not in order:
                    order[nxt] = low[nxt] = len(order)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(self.edges.get(nxt, ()))))
                    advanced = True
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], order[nxt])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                members: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    members.add(member)
                    if member == node:
                        break
                closure: set[str] = set()
                for member in members:
                    closure |= self.own.get(member, set())
                    for nxt in self.edges.get(member, ()):
                        if nxt not in members:
                            closure |= self.underpinning[nxt]
                frozen = frozenset(closure)
                for member in members:
                    self.underpinning[member] = frozen


def format_ceiling(percent: float, objective: float) -> str:
    """The ceiling in percent with 2 decimals; rounded down with as many more as it takes
    (up to 9) when 2 would make it look equal to or above the objective it is compared with
    (99.8002 % is above 99.8001 %, not "above 99.80 %", which 99.8001 % would pass)."""
    shown = f"{percent:.2f}"
    if float(shown) < objective and f"{objective:.2f}" != shown:
        return shown
    for places in range(3, 10):
        # A hair over the float error of the product (99.9 × 99.9 = 99.80009999…).
        shown = f"{math.floor(percent * 10**places + 1e-6) / 10**places:.{places}f}"
        if f"{objective:.{places}f}" != shown:
            break
    return shown


@rule(
    "SLM004", Severity.ERROR, ("8.3.3", "8.3.4.1"),
    summary="An SLA availability objective is above what its dependencies can deliver.",
    hint="Lower the objective to at most the ceiling, or strengthen the underpinning "
    "contracts and OLAs (higher availability targets, redundant suppliers).",
    failing="""
        kind: SLA
        spec:
          services: [SVC-WORKPLACE]   # depends on SUP-CSP (99.9) and SUP-FIBRE (99.97)
          targets:
            - {id: availability, metric: availability, objective: 99.95, unit: percent,
               window: calendar-month}   # ceiling 99.9 × 99.97 = 99.87
    """,
    passing="""
        kind: SLA
        spec:
          services: [SVC-WORKPLACE]
          targets:
            - {id: availability, metric: availability, objective: 99.5, unit: percent,
               window: calendar-month}
    """,
)
def find_undeliverable_availability(ctx: RuleContext) -> Iterator[Finding]:
    """A provider cannot promise more availability than the parts it depends on deliver:
    when every underpinning supplier contract and internal agreement must be up for the
    service to be up, the best it can achieve is the product of their availability targets.
    An SLA above that ceiling is a breach waiting to happen, and shows that supplier
    management and service level management are not aligned (8.3.4.1 asks for contracts
    that support the SLAs).

    The ceiling of a service multiplies the availability targets (metric availability, unit
    percent, comparator >=) of the contracts of every Supplier the service depends on,
    directly or through other services, and of the OLAs covering the service or those
    services; dependency cycles are walked once, and redundancy is not modelled. A service
    with no underpinning availability target has no ceiling. An SLA covering several
    services promises its objective for each of them, so it is compared with the lowest
    of their ceilings. Measurement windows (month, year) are not converted."""
    ceilings = CeilingCalculator(ctx.index)
    for sla in _current_slas(ctx):
        spec = sla.model.spec
        targets = [(i, t) for i, t in enumerate(spec.targets) if _is_availability(t)]
        if not targets:
            continue
        lowest: tuple[str, Ceiling] | None = None
        for service_id in spec.services:
            ceiling = ceilings.of(service_id)
            if ceiling is not None and (lowest is None or ceiling.value < lowest[1].value):
                lowest = (service_id, ceiling)
        if lowest is None:
            continue
        service_id, ceiling = lowest
        percent = ceiling.value * 100
        for i, target in targets:
            if target.objective > percent + 1e-9:
                shown = format_ceiling(percent, target.objective)
                yield ctx.finding(
                    sla,
                    f"objective {figure(target.objective)} % is above the {shown} % that the "
                    f"dependencies of {service_id} can deliver ({ceiling.explain()})",
                    ("spec", "targets", i, "objective"),
                )


@rule(
    "SLM005", Severity.WARNING, _SLM,
    summary="An SLA covers a Service that is not live.",
    hint="Remove the service from the SLA, retire the SLA, or set the service live once it "
    "is delivered.",
    failing="""
        kind: SLA
        spec:
          services: [SVC-HOSTED-EXCHANGE]   # lifecycle: retired
    """,
    passing="""
        kind: SLA
        spec:
          services: [SVC-MANAGED-WORKPLACE]   # lifecycle: live
    """,
)
def find_agreements_for_services_not_live(ctx: RuleContext) -> Iterator[Finding]:
    """An agreement that promises service levels for a service still in the pipeline, or
    one already retired, does not match the catalogue: either the catalogue is out of date
    or the customer is promised something that is not delivered. Retired SLAs are not
    checked."""
    for sla in _current_slas(ctx):
        for i, service_id in enumerate(sla.model.spec.services):
            service = ctx.index.get(service_id, Service)
            if service is None or is_live(service.model):
                continue
            model = service.model
            state = (
                "retired"
                if model.metadata.status is Status.RETIRED
                else model.spec.lifecycle.value
            )
            yield ctx.finding(
                sla,
                f"SLA {sla.id} covers {service_id}, which is {state}, not live",
                ("spec", "services", i),
            )
