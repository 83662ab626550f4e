"""REP001–REP002: service reporting (ISO/IEC 20000-1:2018, 9.4).

A Measurement is a report of one period: a month (`2026-10`) or a quarter (`2026-Q4`).
Measurements retired as records (`metadata.status: retired`) are withdrawn reports and do not
count; drafts do (the figures exist, their approval is a matter for DOC002 and the owner).

REP001 decisions:
- Only SLAs are checked (the design); OLAs are internal and reported as the provider decides.
- The last complete period is the calendar month before today's month (`monthly`, the
  default) or the quarter before today's quarter (`quarterly`).
- A period counts only when it lies wholly within validFrom..validUntil: an agreement that
  started in the middle of a month is first reported for its first whole period.
- For quarterly reporting, monthly Measurements for all three months of the quarter count as
  well as one quarterly Measurement (the figures are there). For monthly reporting a
  quarterly Measurement does not count: it cannot show the month on its own.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

from itsm_cli.findings import Finding, Severity
from itsm_cli.records.fields import Status
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import OLA, SLA, Measurement, Target
from itsm_cli.rules.registry import RuleContext, rule
from itsm_cli.rules.wording import figure

_REP = ("9.4",)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period written `YYYY-MM` or `YYYY-Qn` (year 0001 to 9999)."""
    year_text, _, part = period.partition("-")
    year = int(year_text)
    if part.startswith("Q"):
        first_month = (int(part[1:]) - 1) * 3 + 1
        last_month = first_month + 2
    else:
        first_month = last_month = int(part)
    start = dt.date(year, first_month, 1)
    end = dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    return start, end


def last_complete_period(today: dt.date, frequency: str) -> str:
    """The latest reporting period that has ended before today's: `2026-10` for monthly
    reporting on 2026-11-23, `2026-Q3` for quarterly. ValueError when today lies in the
    first period of the calendar (0001-01, 0001-Q1): none ended before it."""
    if frequency == "quarterly":
        quarter = (today.month - 1) // 3 + 1
        year, quarter = (today.year - 1, 4) if quarter == 1 else (today.year, quarter - 1)
    else:
        year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    if year < 1:
        raise ValueError(f"no reporting period ended before {today.isoformat()}")
    return f"{year:04d}-Q{quarter}" if frequency == "quarterly" else f"{year:04d}-{month:02d}"


def months_of(quarter: str) -> tuple[str, ...]:
    """`2026-Q4` → (`2026-10`, `2026-11`, `2026-12`)."""
    start, _ = period_bounds(quarter)
    return tuple(f"{start.year:04d}-{start.month + k:02d}" for k in range(3))


def current_measurements(ctx: RuleContext) -> dict[str, list[LoadedRecord[Measurement]]]:
    """Measurements that are not retired, by agreement id, in file order."""
    found: dict[str, list[LoadedRecord[Measurement]]] = {}
    for record in ctx.index.of_kind(Measurement):
        if record.model.metadata.status is not Status.RETIRED:
            found.setdefault(record.model.spec.agreement, []).append(record)
    return found


def latest_measurement(
    measurements: list[LoadedRecord[Measurement]],
) -> LoadedRecord[Measurement] | None:
    """The measurement of the latest period (by its end, then its start: the month
    `2026-12` comes after the quarter `2026-Q4`); the later record on a tie."""
    latest: LoadedRecord[Measurement] | None = None
    best: tuple[dt.date, dt.date] | None = None
    for record in measurements:
        start, end = period_bounds(record.model.spec.period)
        if best is None or (end, start) >= best:
            latest, best = record, (end, start)
    return latest


def _unit(target: Target) -> str:
    if target.unit == "percent":
        return " %"
    if target.unit in ("count", "score"):
        return ""
    return f" {target.unit}"


@rule(
    "REP001", Severity.WARNING, _REP,
    summary="An approved SLA in force has no Measurement for the last complete reporting "
    "period (reporting.frequency, default monthly).",
    hint="Add a Measurement for that period with a value for each target (`spec.agreement`, "
    "`spec.period`, `spec.values`).",
    failing="""
        kind: SLA
        metadata: {id: SLA-ACME-HOSTING, status: approved}
        spec:
          validFrom: 2026-02-01
          reporting: {frequency: monthly}   # no Measurement with period 2026-10
    """,
    passing="""
        kind: Measurement
        spec:
          agreement: SLA-ACME-HOSTING
          period: "2026-10"
          values: {availability: 99.97}
    """,
)
def find_agreements_without_report(ctx: RuleContext) -> Iterator[Finding]:
    """9.4 asks for reports on service performance against the agreed targets, at the
    frequency agreed with the customer; a period that ended without a measurement is a
    report the customer never got. Only periods that lie wholly within the agreement's
    validity count, so a new agreement is not blamed for the time before it started."""
    measured: dict[str, set[str]] = {
        agreement: {m.model.spec.period for m in records}
        for agreement, records in current_measurements(ctx).items()
    }
    try:
        due = {
            frequency: (period, *period_bounds(period))
            for frequency in ("monthly", "quarterly")
            for period in (last_complete_period(ctx.today, frequency),)
        }
    except ValueError:  # today lies in the first month of the calendar: nothing is due yet
        return
    for sla in ctx.index.of_kind(SLA):
        model = sla.model
        if not (model.approved_on(ctx.today) and model.in_force(ctx.today)):
            continue
        frequency = model.spec.reporting_frequency
        period, start, end = due[frequency]
        if start < model.spec.valid_from or end > model.spec.valid_until:
            continue
        periods = measured.get(sla.id, set())
        if period in periods:
            continue
        if frequency == "quarterly" and all(m in periods for m in months_of(period)):
            continue
        so_far = f"latest: {max(periods, key=period_bounds)}" if periods else "none yet"
        yield ctx.finding(
            sla,
            f"no Measurement for {period}, the last complete {frequency} reporting period "
            f"({so_far})",
            ("spec", "reporting", "frequency"),
        )


@rule(
    "REP002", Severity.WARNING, ("9.4", "8.3.3"),
    summary="The latest Measurement of an agreement breaches one of its targets.",
    hint="Record the cause and the improvement agreed with the customer (the Measurement's "
    "`notes`, an improvement record); waive the finding until the next period if the "
    "breach is understood and accepted.",
    failing="""
        kind: Measurement
        spec:
          agreement: SLA-TAILSPIN-NETWORK   # availability objective >= 99.9
          period: "2026-10"
          values: {availability: 99.82}
    """,
    passing="""
        kind: Measurement
        spec:
          agreement: SLA-TAILSPIN-NETWORK
          period: "2026-10"
          values: {availability: 99.95}
    """,
)
def find_breached_targets(ctx: RuleContext) -> Iterator[Finding]:
    """A breached target in the latest period is a service that is not, right now,
    delivering what was agreed (8.3.3), and 9.4 expects such trends and nonconformities to
    be reported and acted upon. Only the latest Measurement of each agreement counts (by
    period): a breach that later periods no longer show is history for the service
    report, not an open finding."""
    for agreement_id, records in current_measurements(ctx).items():
        agreement = ctx.index.by_id.get(agreement_id)
        if agreement is None or not isinstance(agreement.model, SLA | OLA):
            continue  # E004 already reports it
        if agreement.model.metadata.status is Status.RETIRED:
            continue
        latest = latest_measurement(records)
        if latest is None:
            continue
        spec = latest.model.spec
        for key, value in spec.values.items():
            target = agreement.model.spec.target(key)
            if target is None or target.is_met(value):
                continue
            unit = _unit(target)
            yield ctx.finding(
                latest,
                f"{key} {figure(value)}{unit} in {spec.period}, the latest Measurement of "
                f"{agreement_id}, misses the target {target.effective_comparator} "
                f"{figure(target.objective)}{unit}",
                ("spec", "values", key),
            )
