"""Questions about records that rules and reports both ask, answered once.

A report shows what a rule checks; when both read the records with helpers of their own, the
two drift apart (a service "live" in one and not the other, a value "100" in the report that
the rule calls 99.9999999). So which services are live, which records cover a service, which
Measurements count, the worse of two values, an availability target's downtime allowance
and a budget line's variance are answered here, and the rule modules and report builders ask
this module. The latest dated entry of a list is `itsm_cli.dates.latest_dated` (entries dated
after today never count), periods are `itsm_cli.dates.Period`, and a recorded value is
written out by `itsm_cli.findings.figure` (the loader's messages use it too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TypeVar

from itsm_cli.dates import Duration, Period
from itsm_cli.records.fields import Criticality, Lifecycle, Status
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.kinds.agreements import SLA
from itsm_cli.records.kinds.audit import Audit
from itsm_cli.records.kinds.budget import BudgetLine
from itsm_cli.records.kinds.capacity_plan import CapacityPlan
from itsm_cli.records.kinds.continuity_plan import ContinuityPlan
from itsm_cli.records.kinds.management_review import ManagementReview
from itsm_cli.records.kinds.measurement import Measurement
from itsm_cli.records.kinds.service import Service
from itsm_cli.records.kinds.supplier import Supplier
from itsm_cli.records.kinds.waiver import Waiver
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Record, Target

R = TypeVar("R", bound=Record)
Plan = TypeVar("Plan", CapacityPlan, ContinuityPlan)


# --- services and the records that cover them -----------------------------------------------


def is_live(service: Service) -> bool:
    live = service.spec.lifecycle is Lifecycle.LIVE
    return live and service.metadata.status is not Status.RETIRED


def is_retired(service: Service) -> bool:
    """Retired in its lifecycle, or as a record (`metadata.status: retired`)."""
    return (
        service.spec.lifecycle is Lifecycle.RETIRED
        or service.metadata.status is Status.RETIRED
    )


def live_services(index: RepoIndex) -> Iterator[LoadedRecord[Service]]:
    return (s for s in index.of_kind(Service) if is_live(s.model))


def not_retired(index: RepoIndex, cls: type[R]) -> Iterator[LoadedRecord[R]]:
    """Records of kind `cls` whose `metadata.status` is not retired, in file order."""
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


def dependants(index: RepoIndex) -> dict[str, list[str]]:
    """For each record id, the ids of the Services that name it in `dependsOn`, in file
    order."""
    named_by: dict[str, list[str]] = {}
    for service in index.of_kind(Service):
        for ref in dict.fromkeys(service.model.spec.depends_on):
            named_by.setdefault(ref, []).append(service.id)
    return named_by


def supported_services(
    supplier: LoadedRecord[Supplier], named_by: Mapping[str, list[str]]
) -> list[str]:
    """The services a Supplier supports: its `supports`, then the Services naming it in
    `dependsOn` (`named_by` is `dependants(index)`), each once, in that order. SUP001 and
    the suppliers report count the same ones."""
    return list(dict.fromkeys([*supplier.model.spec.supports, *named_by.get(supplier.id, [])]))


def slas_by_service(index: RepoIndex) -> dict[str, list[LoadedRecord[SLA]]]:
    """Every SLA that is not retired, by the id of each service it covers (CON005 and the
    continuity report compare a plan with these, the suppliers report a contract), worked
    out once per index."""
    return index.derive(_slas_by_service)


def _slas_by_service(index: RepoIndex) -> dict[str, list[LoadedRecord[SLA]]]:
    by_service: dict[str, list[LoadedRecord[SLA]]] = {}
    for sla in not_retired(index, SLA):
        for ref in sla.model.spec.services:
            by_service.setdefault(ref, []).append(sla)
    return by_service


# --- records of one dated event --------------------------------------------------------------


Event = TypeVar("Event", Audit, ManagementReview)


def held_by(
    records: Iterable[LoadedRecord[Event]], today: dt.date
) -> list[LoadedRecord[Event]]:
    """Records of an event (an Audit, a ManagementReview) dated on or before today, latest
    first (file order on a tie). One dated after today has not happened yet (DOC004)."""
    held = [r for r in records if not r.model.spec.date > today]
    return sorted(held, key=lambda r: r.model.spec.date, reverse=True)


# --- measurements and targets ---------------------------------------------------------------


def measurements_by_agreement(index: RepoIndex) -> dict[str, list[LoadedRecord[Measurement]]]:
    """Measurements that are not retired (a retired one is a withdrawn report), by the id of
    the agreement they measure, in file order."""
    found: dict[str, list[LoadedRecord[Measurement]]] = {}
    for record in not_retired(index, Measurement):
        found.setdefault(record.model.spec.agreement, []).append(record)
    return found


def measurements_by_period(index: RepoIndex, agreement_id: str) -> dict[Period, list[Measurement]]:
    """The Measurements of one agreement that are not retired, by period, in file order."""
    grouped = index.derive(_periods_by_agreement).get(agreement_id, {})
    return {period: list(found) for period, found in grouped.items()}


def _periods_by_agreement(index: RepoIndex) -> dict[str, dict[Period, list[Measurement]]]:
    # Once per index (`derive`): the service and operations reports ask for every agreement,
    # and a scan of all Measurements each time was agreements × Measurements.
    known: dict[str, dict[Period, list[Measurement]]] = {}
    for agreement, records in measurements_by_agreement(index).items():
        periods = known[agreement] = {}
        for record in records:
            periods.setdefault(Period.parse(record.model.spec.period), []).append(record.model)
    return known


def worse(target: Target, values: list[float]) -> float:
    """The worse of several values of one target: the lowest for ">=" or for an attainment
    target (its value is the share of items within the objective), the highest for "<="."""
    if target.attainment is not None or target.effective_comparator == ">=":
        return min(values)
    return max(values)


WINDOW_DAYS: dict[str, int] = {
    "calendar-month": 30,
    "calendar-quarter": 91,
    "calendar-year": 365,
    "rolling-30d": 30,
}
"""Length in days of an availability window (the design); per-incident has no budget."""

_UNIT_MINUTES = {"s": 1 / 60, "min": 1.0, "h": 60.0, "d": 24 * 60.0}


def minutes(duration: Duration, anchor: dt.date | None = None) -> float:
    """The length of an ISO 8601 duration in minutes (months by the calendar from
    `anchor`)."""
    return duration.approx_timedelta(anchor).total_seconds() / 60


def allowed_downtime(target: Target) -> float | None:
    """Minutes of downtime an availability target allows in its window: (100 − objective) %
    of the window for a percentage to reach (`>= 99.9`, unit percent), the objective itself
    for a downtime not to exceed (`<= 4`, unit h, min, s or d). None for a target that is
    not about availability, has no window to spend (per-incident), or is written another
    way (a count, or a time to reach)."""
    if target.metric != "availability" or target.window not in WINDOW_DAYS:
        return None
    if target.is_availability_percent:
        return (100 - target.objective) / 100 * WINDOW_DAYS[target.window] * 24 * 60
    if target.unit in _UNIT_MINUTES and target.effective_comparator == "<=":
        return target.objective * _UNIT_MINUTES[target.unit]
    return None


def longer(minutes_a: float, minutes_b: float) -> bool:
    """Whether one length in minutes is longer than another, ignoring float noise (CON004,
    CON005 and the continuity report)."""
    return round(minutes_a, 6) > round(minutes_b, 6)


# --- budgets --------------------------------------------------------------------------------


def money(amount: Decimal, currency: str) -> str:
    """`120,000.00 EUR`: an amount of a Budget in its currency, as accountants write it."""
    return f"{amount:,.2f} {currency}"


def variance_percent(line: BudgetLine) -> Decimal | None:
    """How far `actual` is from `planned`, in percent of `planned` (positive when over);
    None without an actual or with nothing planned."""
    if line.actual is None or line.planned == 0:
        return None
    return (line.actual - line.planned) / line.planned * 100


def over_threshold(line: BudgetLine, threshold: Decimal) -> bool:
    """Whether the actual differs from the plan by more than `threshold` percent (spending
    with nothing planned always does)."""
    if line.actual is None:
        return False
    percent = variance_percent(line)
    if percent is None:
        return line.actual != 0
    return abs(percent) > threshold


def percent_text(percent: Decimal, threshold: Decimal) -> str:
    """A variance as `+12.0 %`; as many more decimals as it takes when one would round a
    variance over the threshold onto it (10.04 % is not "10.0 % over the 10 % allowed")."""
    shown = f"{percent:+.1f}"
    places = 1
    while abs(percent) > threshold >= abs(Decimal(shown)) and places < 12:
        places += 1  # 10.001 % is not "10.00 % over the 10 % allowed" either
        shown = f"{percent:+.{places}f}"
    return f"{shown} %"


# --- waivers ------------------------------------------------------------------------------


def not_approved(waiver: Waiver, today: dt.date) -> str | None:
    """Why a waiver is not approved on `today`, in words; None when it is."""
    meta = waiver.metadata
    if meta.status is Status.DRAFT:
        return "is a draft"
    if meta.status is Status.RETIRED:
        return "is retired"
    if meta.approved is None:
        return "has no `approved: {by, date}`"
    if meta.approved.date > today:
        return f"is approved only from {meta.approved.date}, after today ({today})"
    return None


def term_cap(waiver: Waiver, max_term: Duration) -> dt.date | None:
    """Approval date + maxTerm, when the waiver has an approval date."""
    approved = waiver.metadata.approved
    return max_term.after(approved.date) if approved is not None else None


def applies_until(waiver: Waiver, max_term: Duration) -> dt.date:
    """The last day the waiver suppresses findings: `expires`, or the term cap if earlier."""
    cap = term_cap(waiver, max_term)
    expires = waiver.spec.expires
    return cap if cap is not None and cap < expires else expires


# --- process reports ------------------------------------------------------------------------

ISSUE_WORDS = {
    "implemented-before-approval": "implemented before it was approved",
    "release-without-approval": "released without approval",
    "emergency-without-review": "emergency change never reviewed",
    "failed-without-review": "failed, never reviewed",
    "major-without-review": "major incident never reviewed",
    "no-root-cause": "open with no root cause recorded",
}
"""How each exception of a ProcessReport reads, in an OPS message and in the operations
report."""
