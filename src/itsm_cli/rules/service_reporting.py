"""REP001–REP004: service reporting (ISO/IEC 20000-1:2018, 9.4).

A Measurement is a report of one period: a month (`2026-10`) or a quarter (`2026-Q4`),
read by `itsm_cli.dates.Period` here as in the service report.
Measurements retired as records (`metadata.status: retired`) are withdrawn reports and do not
count; drafts do (the figures exist, their approval is a matter for DOC002 and the owner).

A period is complete when its last day is before today (2026-10 is complete from
2026-11-01). A Measurement of a period that has not ended (the current one or a future one)
is REP003 and counts for nothing: it is never the latest, never fills a REP001 gap.

REP001 decisions:
- Only SLAs are checked; OLAs are internal and reported as the provider decides.
- The periods due are the last 12 complete months (`monthly`, the default; on 2026-11-23:
  2025-11 … 2026-10) or the last 4 complete quarters (`quarterly`; on 2026-11-23: 2025-Q4 …
  2026-Q3, the quarters that end within those 12 months); one finding per period missing.
- A period counts only when it lies wholly within validFrom..validUntil: an agreement that
  started in the middle of a month is first reported for its first whole period (the
  customer was owed a report only for a period the agreement covered from its first day).
- For quarterly reporting, monthly Measurements for all three months of the quarter count as
  well as one quarterly Measurement (the figures are there). For monthly reporting a
  quarterly Measurement does not count: it cannot show the month on its own.

REP002 and REP004: Measurements of one agreement "share a period" when they name the same
period text (a month and the quarter holding it are different reports). REP002 looks at the
latest complete period (by its end, then its start: the month 2026-12 comes after the quarter
2026-Q4); where several Measurements share it, the worse value of each target counts (the
lower for ">=", the higher for "<="). REP004 is one finding per shared period, on the last of
its Measurements in file order, naming them all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from itsm_cli.dates import Period
from itsm_cli.findings import Finding, Severity, figure
from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.agreements import OLA, SLA
from itsm_cli.records.kinds.measurement import Measurement
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Target
from itsm_cli.records.queries import measurements_by_agreement, worse
from itsm_cli.rules.registry import RuleContext, rule

_REP = ("9.4",)
WINDOW = 12
"""Months back that REP001 looks for missing reports (4 quarters when reported quarterly)."""

def due_periods(today: dt.date, quarterly: bool) -> list[Period]:
    """The complete periods of the last 12 months, oldest first (REP001's window); empty
    when none has ended since the calendar began."""
    try:
        last = Period.last_complete(today, quarterly)
    except ValueError:
        return []
    count = WINDOW // 3 if quarterly else WINDOW
    return [p for p in (last.shift(k - count + 1) for k in range(count)) if p.year >= 1]


def within_objective(target: Target) -> str:
    """What an attainment target counts, after its share: `of P1 incidents within 4 h`
    (`<=`), `of incidents at >= 4` (a figure to reach per item)."""
    items = f"{target.priority} incidents" if target.priority else "incidents"
    objective = f"{figure(target.objective)}{_unit(target)}"
    if target.effective_comparator == "<=":
        return f"of {items} within {objective}"
    return f"of {items} at >= {objective}"


@dataclass(frozen=True, slots=True)
class MeasuredPeriods:
    """The Measurements that are not retired, each with its period, and what REP001–REP004
    ask of those periods. Worked out once per run (`measured_periods`): the four rules read
    the same few dozen periods of thousands of Measurements, and parsing a period, finding
    its last day and comparing two periods are calendar arithmetic."""

    by_agreement: dict[str, list[tuple[LoadedRecord[Measurement], Period]]]
    """By the id of the agreement measured, in file order."""
    complete: dict[Period, bool]
    """Whether each period met has ended before today (`Period.complete`)."""
    rank: dict[Period, int]
    """Each period met by its place in `Period`'s order (by its end, then its start)."""
    counted: dict[str, dict[Period, list[LoadedRecord[Measurement]]]]
    """The Measurements that count (their period complete), by agreement id and period, in
    file order."""

    def latest(self, periods: Iterable[Period]) -> Period | None:
        """The latest of some periods met, as `max` would find it; None for none."""
        return max(periods, key=self.rank.__getitem__, default=None)


def measured_periods(ctx: RuleContext) -> MeasuredPeriods:
    """The `MeasuredPeriods` of the index on `ctx.today`, once per run."""
    return ctx.once(_measured_periods)


def _measured_periods(ctx: RuleContext) -> MeasuredPeriods:
    parsed: dict[str, Period] = {}  # by the text written: many Measurements share a period
    by_agreement: dict[str, list[tuple[LoadedRecord[Measurement], Period]]] = {}
    for agreement, records in measurements_by_agreement(ctx.index).items():
        entries = by_agreement[agreement] = []
        for record in records:
            text = record.model.spec.period
            period = parsed.get(text)
            if period is None:
                period = parsed[text] = Period.parse(text)
            entries.append((record, period))
    # Distinct periods are a strict total order (equal ends and starts make equal periods),
    # so ranking them once orders them as comparing each pair would.
    distinct = sorted(set(parsed.values()))
    complete = {period: period.complete(ctx.today) for period in distinct}
    counted: dict[str, dict[Period, list[LoadedRecord[Measurement]]]] = {}
    for agreement, entries in by_agreement.items():
        for record, period in entries:
            if complete[period]:
                counted.setdefault(agreement, {}).setdefault(period, []).append(record)
    rank = {period: i for i, period in enumerate(distinct)}
    return MeasuredPeriods(by_agreement, complete, rank, counted)


def counted_measurements(
    ctx: RuleContext,
) -> dict[str, dict[Period, list[LoadedRecord[Measurement]]]]:
    """The Measurements that count (not retired, their period complete), by agreement id
    and period, in file order (shared by the rules of a run: read, never change it)."""
    return measured_periods(ctx).counted


@dataclass(frozen=True, slots=True)
class _DuePeriod:
    """A period REP001 looks for, with what each SLA compares it with worked out once."""

    period: Period
    text: str
    start: dt.date
    end: dt.date
    months: tuple[Period, ...]

    @classmethod
    def of(cls, period: Period) -> _DuePeriod:
        return cls(period, str(period), period.start, period.end, period.months())


def _unit(target: Target) -> str:
    if target.unit == "percent":
        return " %"
    if target.unit in ("count", "score"):
        return ""
    return f" {target.unit}"


@rule(
    "REP001", Severity.WARNING, _REP,
    summary="An approved SLA in force has no Measurement for a complete reporting period "
    "(reporting.frequency, default monthly) of the last 12 months, from validFrom on: one "
    "finding per missing period.",
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
    report the customer never got, and an auditor samples the whole year, not the last
    month. Only periods that lie wholly within the agreement's validity count, so a new
    agreement is not blamed for the time before it started."""
    reports = measured_periods(ctx)
    # the same 12 months (or 4 quarters) for every SLA: their days are worked out once
    due = {
        quarterly: [_DuePeriod.of(p) for p in due_periods(ctx.today, quarterly)]
        for quarterly in (False, True)
    }
    for sla in ctx.index.of_kind(SLA):
        model = sla.model
        if not (model.approved_on(ctx.today) and model.in_force(ctx.today)):
            continue
        frequency = model.spec.reporting_frequency
        quarterly = frequency == "quarterly"
        measured = reports.counted.get(sla.id, {})
        latest = reports.latest(measured)
        so_far = f"latest: {latest}" if latest else "none yet"
        valid_from, valid_until = model.spec.valid_from, model.spec.valid_until
        for period in due[quarterly]:
            if period.start < valid_from or period.end > valid_until:
                continue
            if period.period in measured:
                continue
            if quarterly and all(month in measured for month in period.months):
                continue
            yield ctx.finding(
                sla,
                f"no Measurement for {period.text}, a complete {frequency} reporting period "
                f"of the last 12 months ({so_far})",
                # the period keeps one finding per period apart (fingerprint); the line is
                # that of `frequency`, the nearest written field
                ("spec", "reporting", "frequency", period.text),
            )


@rule(
    "REP002", Severity.WARNING, ("9.4", "8.3.3"),
    summary="The latest Measurement of an agreement (the latest complete period) breaches "
    "one of its targets; where two Measurements share that period, the worse value counts. "
    "For a per-incident target with attainment the value is the share of items within the "
    "objective, against the attainment.",
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
    be reported and acted upon. Only the latest complete period of each agreement counts: a
    breach that later periods no longer show is history for the service report, not an open
    finding, and a period still running has no result yet. Two reports of one period are
    read the way an auditor would: the worse figure stands until one is withdrawn. A
    per-incident target with `attainment` ("95 % of P1 incidents within 4 h": objective 4 h,
    attainment 95) is met when the share of items resolved within the objective, the
    Measurement value in percent, reaches the attainment: 96.2 meets it, 93.1 does not."""
    reports = measured_periods(ctx)
    for agreement_id, by_period in reports.counted.items():
        agreement = ctx.index.by_id.get(agreement_id)
        if agreement is None or not isinstance(agreement.model, SLA | OLA):
            continue  # E004 already reports it
        if agreement.model.metadata.status is Status.RETIRED:
            continue
        latest = reports.latest(by_period)
        if latest is None:
            continue
        records = by_period[latest]
        keys = dict.fromkeys(key for record in records for key in record.model.spec.values)
        for key in keys:
            target = agreement.model.spec.target(key)
            if target is None:
                continue  # E004
            holding = [r for r in records if key in r.model.spec.values]
            value = worse(target, [r.model.spec.values[key] for r in holding])
            if target.is_met(value):
                continue
            # the finding sits on the last Measurement holding the worse value
            at = [r for r in holding if r.model.spec.values[key] == value][-1]
            unit = _unit(target)
            shared = ""
            if len(holding) > 1:
                others = ", ".join(
                    f"{r.id} has {figure(r.model.spec.values[key])}"
                    for r in holding
                    if r is not at
                )
                shared = f" (the worse of {len(holding)} Measurements for {latest}; {others})"
            if target.attainment is not None:
                # the value is a share of items, set against the attainment, not the objective
                yield ctx.finding(
                    at,
                    f"{key} {figure(value)} % {within_objective(target)} in {latest}, the "
                    f"latest Measurement of {agreement_id}, misses the target of "
                    f"{figure(target.attainment)} %{shared}",
                    ("spec", "values", key),
                )
                continue
            yield ctx.finding(
                at,
                f"{key} {figure(value)}{unit} in {latest}, the latest Measurement of "
                f"{agreement_id}, misses the target {target.effective_comparator} "
                f"{figure(target.objective)}{unit}{shared}",
                ("spec", "values", key),
            )


@rule(
    "REP003", Severity.WARNING, _REP,
    summary="A Measurement is for a period that has not ended (it counts for nothing until "
    "then).",
    hint="Record a period once it has ended, or correct `spec.period` if it is a typo; a "
    "Measurement written early counts (REP001, REP002) from the day after the period's "
    "last day.",
    failing="""
        kind: Measurement
        spec:
          agreement: SLA-ACME-HOSTING
          period: "2026-11"     # today is 2026-11-23: the month is still running
          values: {availability: 99.97}
    """,
    passing="""
        kind: Measurement
        spec:
          agreement: SLA-ACME-HOSTING
          period: "2026-10"
          values: {availability: 99.97}
    """,
)
def find_measurements_of_unfinished_periods(ctx: RuleContext) -> Iterator[Finding]:
    """A figure for a period still running (or not yet begun) is a forecast, not a report
    of the service delivered (9.4): it must not pass for the latest result nor fill a
    missing period, so it is ignored until the period ends, and said so."""
    reports = measured_periods(ctx)
    for entries in reports.by_agreement.values():
        for record, period in entries:
            if reports.complete[period]:
                continue
            running = "is still running" if period.start <= ctx.today else "has not begun"
            # 9999-12 has no next day: the period then never ends for the calendar
            until = str(period.end + dt.timedelta(1)) if period.end < dt.date.max else "it ends"
            yield ctx.finding(
                record,
                f"period {period} ({period.start} to {period.end}) {running} on {ctx.today}: "
                f"this Measurement counts for nothing until {until}",
                ("spec", "period"),
            )


@rule(
    "REP004", Severity.WARNING, _REP,
    summary="Two or more Measurements of one agreement are for the same period (the message "
    "names them all).",
    hint="Keep one Measurement per agreement and period: merge the values, or retire the "
    "one withdrawn (`metadata.status: retired`). Until then the worse value of each target "
    "counts (REP002).",
    failing="""
        kind: Measurement
        metadata: {id: MEAS-ACME-2026-10-AGAIN}
        spec:
          agreement: SLA-ACME-HOSTING
          period: "2026-10"          # MEAS-ACME-2026-10 is for 2026-10 too
          values: {availability: 99.97}
    """,
    passing="""
        kind: Measurement
        metadata: {id: MEAS-ACME-2026-10-AGAIN, status: retired}   # withdrawn
        spec:
          agreement: SLA-ACME-HOSTING
          period: "2026-10"
          values: {availability: 99.97}
    """,
)
def find_duplicate_measurements(ctx: RuleContext) -> Iterator[Finding]:
    """Two reports of one period give the customer two answers to one question (9.4): the
    reader cannot tell which figures are the agreed ones. One finding per period, on its
    last Measurement in file order (the one most likely added second)."""
    for agreement, entries in measured_periods(ctx).by_agreement.items():
        # by the period, not its text: two periods are equal exactly when their texts are
        by_period: dict[Period, list[LoadedRecord[Measurement]]] = {}
        for record, period in entries:
            by_period.setdefault(period, []).append(record)
        for period, shared in by_period.items():
            if len(shared) < 2:
                continue
            yield ctx.finding(
                shared[-1],
                f"{len(shared)} Measurements of {agreement} are for {period}: "
                f"{', '.join(r.id for r in shared)}",
                ("spec", "period"),
            )
