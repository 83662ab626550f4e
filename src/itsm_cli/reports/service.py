"""The service report: for each SLA (or the agreement named with `--agreement`, which may also
be an OLA) and one reporting period, every target against its actual, attainment over the last
12 periods, the breaches, the workload notes and the periods nobody measured.

A period is a month (`2026-10`) for an agreement reported monthly and a quarter (`2026-Q3`)
for one reported quarterly (`reporting.frequency`, default monthly). Without `--period` the
report covers the last complete period before today. A `--period` of the other granularity
is converted: a quarter given for a monthly agreement means its last month, a month given
for a quarterly agreement means the quarter containing it (the report says so).

Which periods count follows REP001–REP004 (`itsm_cli.rules.service_reporting`; both read
periods with `itsm_cli.dates.Period` and Measurements with `itsm_cli.records.queries`): a
period without a Measurement is "not measured" only when it lies wholly within
the agreement's validity, otherwise it is "outside agreement"; a period that has not ended
(its last day is today or later) is "not ended" and its Measurements count for nothing yet;
retired Measurements are withdrawn and ignored; where two Measurements share a period, the
worse value of each target counts; a quarter of a quarterly agreement reported by three
monthly Measurements is "measured by month" (not a gap, but with no quarterly values to show).

Attainment counts the due periods, not the measured ones: the complete periods of the window
that lie wholly within the agreement's validity, but those measured by month (which have no
value to compare). "7 of 10 periods met, 2 not measured": 10 due, 7 met, 2 without a value
for the target, 1 breached.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from itsm_cli.dates import Period
from itsm_cli.findings import figure
from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.agreements import OLA, SLA, Agreement
from itsm_cli.records.kinds.customer import Customer
from itsm_cli.records.kinds.measurement import Measurement
from itsm_cli.records.models import Target
from itsm_cli.records.queries import measurements_by_period, worse
from itsm_cli.reports import charts
from itsm_cli.reports.environment import ReportError
from itsm_cli.reports.record_rows import service_titles

if TYPE_CHECKING:
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord
    from itsm_cli.reports.registry import ReportInput

WINDOW = 12
"""Periods of attainment history, ending at the reported one."""

COMPARATOR_SYMBOL = {">=": "≥", "<=": "≤"}
MET, BREACHED, NOT_MEASURED = "met", "breached", "not measured"
MEASURED, OUTSIDE, BY_MONTH = "measured", "outside agreement", "measured by month"
NOT_ENDED = "not ended"
CSS = {
    MET: "met",
    BREACHED: "breached",
    NOT_MEASURED: "due",
    MEASURED: "",
    OUTSIDE: "muted",
    BY_MONTH: "",
    NOT_ENDED: "muted",
}
"""The class of base.html.j2's stylesheet that colours each status."""

def objective_text(target: Target) -> str:
    """`≥ 99.9`; for an attainment target the share to reach and what it counts:
    `≥ 95 % within 4 h`."""
    if target.attainment is not None:
        return f"≥ {figure(target.attainment)} % {_within(target)}"
    return f"{COMPARATOR_SYMBOL[target.effective_comparator]} {figure(target.objective)}"


def _within(target: Target) -> str:
    objective = f"{figure(target.objective)} {target.unit}"
    if target.effective_comparator == "<=":
        return f"within {objective}"
    return f"at {COMPARATOR_SYMBOL['>=']} {objective}"


def unit_text(target: Target) -> str:
    """The unit of the values: that of the objective, or percent (of the items within it)
    for an attainment target, whose objective's unit is in `objective_text`."""
    return "percent" if target.attainment is not None else target.unit


def objective_caption(target: Target) -> str:
    """The objective with its unit, said once: `≥ 99.9 percent`, `≥ 95 % within 4 h` (an
    attainment target's objective names its unit already)."""
    if target.attainment is not None:
        return objective_text(target)
    return f"{objective_text(target)} {unit_text(target)}"


def actual_text(target: Target, actual: float) -> str:
    """`99.95`; for an attainment target the share read out: `96.2 % of P1 incidents within
    4 h, target 95 %` (a Measurement holds no count of incidents, so none is shown)."""
    if target.attainment is None:
        return figure(actual)
    items = f"{target.priority} incidents" if target.priority else "incidents"
    return (
        f"{figure(actual)} % of {items} {_within(target)}, "
        f"target {figure(target.attainment)} %"
    )


def build(data: ReportInput) -> dict[str, Any]:
    index = data.repository.index
    requested = Period.parse(data.period) if data.period else None
    chosen = _chosen(data)
    groups = _customer_groups(data, chosen)
    if groups is not None:
        chosen = [record for _, records in groups for record in records]
    agreements = [_agreement(record, index, requested, data.today) for record in chosen]
    for row in agreements:
        row["customer_section"] = None
    if groups is not None:
        _mark_customer_sections(agreements, groups)
    return {
        "title": "Service report",
        "today": data.today,
        "requested_period": data.period,
        "window": WINDOW,
        "agreements": agreements,
        "scope": _scope(data),
    }


def _scope(data: ReportInput) -> str:
    if data.agreement:
        return f"agreement {data.agreement}"
    if data.customer:
        return f"customer {data.customer}, every SLA naming it that is not retired"
    return "every SLA that is not retired"


CustomerGroup = tuple[dict[str, str], list["LoadedRecord[Agreement]"]]
"""A customer (id, title) and its agreements, in the order the report shows them."""


def chosen_customer(data: ReportInput) -> LoadedRecord[Customer] | None:
    """The Customer `--customer ID` names (None without the option); a ReportError, with a
    "did you mean", when the id names no Customer."""
    if data.customer is None:
        return None
    index = data.repository.index
    found = index.by_id.get(data.customer)
    if found is None or not isinstance(found.model, Customer):
        from itsm_cli.records.errors import suggest

        known = sorted(c.id for c in index.of_kind(Customer))
        guess = suggest(data.customer, known)
        tip = f" (did you mean '{guess}'?)" if guess else ""
        what = (
            f"names a record of kind {found.kind}, not a Customer"
            if found
            else "names no Customer record"
        )
        raise ReportError(f"--customer: '{data.customer}' {what}{tip}")
    return cast("LoadedRecord[Customer]", found)


def _customer_groups(
    data: ReportInput, chosen: list[LoadedRecord[Agreement]]
) -> list[CustomerGroup] | None:
    """The agreements grouped by customer, one section each, so that a report sent to one
    customer never shows another's agreements: by the Customer record an SLA names in
    `customerRef`, else by its `customer` text. With `--customer ID` only that customer's
    group. None (no sections, the agreements as they are) where the repository has no
    Customer records and no `--customer` was given, and for `--agreement` alone."""
    index = data.repository.index
    if data.customer is None and (data.agreement is not None or not index.of_kind(Customer)):
        return None
    if data.customer is not None:
        chosen_customer(data)
    groups: dict[str, CustomerGroup] = {}
    for record in chosen:
        model = record.model
        ref = model.spec.customer_ref if isinstance(model, SLA) else None
        if data.customer is not None and ref != data.customer:
            if data.agreement is not None:
                raise ReportError(
                    f"--agreement {data.agreement} is not an SLA of customer {data.customer}"
                )
            continue
        if ref is not None:
            customer = index.get(ref, Customer)
            title = customer.model.metadata.title if customer else ""
            key, heading = ref, {"id": ref, "title": title}
        else:
            party = model.spec.customer if isinstance(model, SLA) else model.spec.provider
            key, heading = f"~{party}", {"id": "", "title": party}
        groups.setdefault(key, (heading, []))[1].append(record)
    return [groups[key] for key in sorted(groups)]


def _mark_customer_sections(agreements: list[dict[str, Any]], groups: list[CustomerGroup]) -> None:
    """Give the first agreement of each customer the customer's heading (`customer_section`);
    the templates open a section there."""
    position = 0
    for heading, records in groups:
        agreements[position]["customer_section"] = heading
        position += len(records)


def _chosen(data: ReportInput) -> list[LoadedRecord[Agreement]]:
    index = data.repository.index
    if data.agreement is None:
        slas = [s for s in index.of_kind(SLA) if s.model.metadata.status is not Status.RETIRED]
        return cast("list[LoadedRecord[Agreement]]", sorted(slas, key=lambda s: s.id))
    found = index.by_id.get(data.agreement)
    if found is None:
        from itsm_cli.records.errors import suggest

        known = sorted([r.id for r in index.of_kind(SLA)] + [r.id for r in index.of_kind(OLA)])
        guess = suggest(data.agreement, known)
        tip = f" (did you mean '{guess}'?)" if guess else ""
        raise ReportError(f"--agreement: no SLA or OLA has the id '{data.agreement}'{tip}")
    if not isinstance(found.model, (SLA, OLA)):
        raise ReportError(f"--agreement: '{data.agreement}' is a {found.kind}, not an SLA or OLA")
    return [cast("LoadedRecord[Agreement]", found)]


def _last_complete(today: dt.date, quarterly: bool) -> Period:
    try:
        return Period.last_complete(today, quarterly)
    except ValueError as exc:
        raise ReportError(f"{exc}; give --period or another --today") from exc


def _worst_values(targets: list[Target], found: list[Measurement]) -> dict[str, float]:
    """The value of each target in a period, the worse where two Measurements share it
    (REP002's reading)."""
    merged: dict[str, float] = {}
    for target in targets:
        shared = [m.spec.values[target.id] for m in found if target.id in m.spec.values]
        if shared:
            merged[target.id] = worse(target, shared)
    return merged


def within_validity(period: Period, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether the period lies wholly within the agreement's validity: only then is a missing
    Measurement a gap (REP001's rule; a period the agreement only partly covers is not)."""
    return (start is None or start <= period.start) and (end is None or period.end <= end)


def _agreement(
    record: LoadedRecord[Agreement],
    index: RepoIndex,
    requested: Period | None,
    today: dt.date,
) -> dict[str, Any]:
    model = record.model
    spec = model.spec
    quarterly = spec.reporting_frequency == "quarterly"
    if requested is None:
        period = _last_complete(today, quarterly)
        period_note = f"the last complete {'quarter' if quarterly else 'month'} before {today}"
    else:
        period = requested.as_granularity(quarterly)
        period_note = (
            ""
            if period == requested
            else f"{requested} taken as {period}: {record.id} is reported "
            f"{spec.reporting_frequency}"
        )
    window = [period.shift(i - WINDOW + 1) for i in range(WINDOW)]
    measured = measurements_by_period(index, record.id)

    periods: list[dict[str, Any]] = []
    values: dict[str, list[float | None]] = {t.id: [] for t in spec.targets}
    due: list[bool] = []
    for p in window:
        found = measured.get(p, [])
        inside = within_validity(p, spec.valid_from, spec.valid_until)
        if not p.complete(today):
            state, found = NOT_ENDED, []  # REP003: a running period has no result yet
        elif not inside:
            # Its targets were not (wholly) in force: values shown, never judged or counted.
            state = OUTSIDE
        elif found:
            state = MEASURED
        elif p.quarterly and all(month in measured for month in p.months()):
            # REP001 counts three monthly reports as the quarter's; their values cannot be
            # combined into the quarter's, so the period shows none.
            state = BY_MONTH
            found = [m for month in p.months() for m in measured[month]]
        else:
            state = NOT_MEASURED
        due.append(state in (MEASURED, NOT_MEASURED))
        merged = _worst_values(spec.targets, found) if state in (MEASURED, OUTSIDE) else {}
        cells = []
        for target in spec.targets:
            actual = merged.get(target.id)
            if state == OUTSIDE:
                values[target.id].append(None)
                cells.append(_outside_cell(actual))
                continue
            values[target.id].append(actual)
            cells.append(_cell(target, actual) if state != BY_MONTH else _months(target, found))
        periods.append(
            {
                "period": str(p),
                "state": state,
                "css": CSS[state],
                "measurements": [m.id for m in found],
                "notes": [
                    m.spec.notes if m.spec.period == str(p) else f"{m.spec.period}: {m.spec.notes}"
                    for m in found
                    if m.spec.notes
                ],
                "cells": cells,
            }
        )

    targets = [
        _target(record.id, target, window, values[target.id], due, periods[-1]["state"])
        for target in spec.targets
    ]
    breaches = [
        {
            "period": row["period"],
            "target": target.id,
            "objective": objective_text(target),
            "unit": unit_text(target),
            "actual": cell["text"],
        }
        for row in reversed(periods)
        for target, cell in zip(spec.targets, row["cells"], strict=True)
        if cell["status"] == BREACHED
    ]
    current = [t["status"] for t in targets]
    is_sla = isinstance(model, SLA)
    return {
        "id": record.id,
        "kind": model.KIND,
        "title": model.metadata.title,
        "owner": model.metadata.owner,
        "status": model.metadata.status.value,
        "party_label": "Customer" if is_sla else "Provider",
        "party": model.spec.customer if isinstance(model, SLA) else model.spec.provider,
        "services": service_titles(index, spec.services),
        "valid_from": spec.valid_from,
        "valid_until": spec.valid_until,
        "frequency": spec.reporting_frequency,
        "period": str(period),
        "period_start": period.start,
        "period_end": period.end,
        "period_note": period_note,
        "period_state": periods[-1]["state"],
        "window_start": str(window[0]),
        "window_end": str(window[-1]),
        "targets": targets,
        "summary": {
            "met": current.count(MET),
            "breached": current.count(BREACHED),
            "not_measured": current.count(NOT_MEASURED),
            "targets": len(targets),
        },
        "periods": periods,
        "not_measured": [row["period"] for row in periods if row["state"] == NOT_MEASURED],
        "outside": [row["period"] for row in periods if row["state"] == OUTSIDE],
        "by_month": [row["period"] for row in periods if row["state"] == BY_MONTH],
        "not_ended": [row["period"] for row in periods if row["state"] == NOT_ENDED],
        "breaches": breaches,
        "workload": {
            "limits": spec.workload_limits,
            "notes": [
                {"period": row["period"], "text": note}
                for row in reversed(periods)
                for note in row["notes"]
            ],
        },
    }


def _cell(target: Target, actual: float | None) -> dict[str, Any]:
    if actual is None:
        return {"value": None, "text": "–", "status": NOT_MEASURED, "css": CSS[NOT_MEASURED]}
    status = MET if target.is_met(actual) else BREACHED
    return {"value": actual, "text": figure(actual), "status": status, "css": CSS[status]}


def _outside_cell(actual: float | None) -> dict[str, Any]:
    """A value measured while the agreement was not (wholly) in force: shown, not judged."""
    text = "–" if actual is None else figure(actual)
    return {"value": None, "text": text, "status": OUTSIDE, "css": CSS[OUTSIDE]}


def _months(target: Target, measurements: list[Measurement]) -> dict[str, Any]:
    """The monthly values of a quarter, shown but not counted in the attainment."""
    shown = [
        figure(m.spec.values[target.id]) if target.id in m.spec.values else "–"
        for m in measurements
    ]
    return {"value": None, "text": " / ".join(shown), "status": BY_MONTH, "css": ""}


def _target(
    agreement_id: str,
    target: Target,
    window: list[Period],
    values: list[float | None],
    due: list[bool],
    state: str,
) -> dict[str, Any]:
    """One target over the window; `state` is the reported (last) period's."""
    labels = [str(p) for p in window]
    met = [None if v is None else target.is_met(v) for v in values]
    measured = sum(1 for m in met if m is not None)
    due_count = sum(due)
    met_count = sum(1 for m, d in zip(met, due, strict=True) if m and d)
    not_measured = sum(1 for m, d in zip(met, due, strict=True) if m is None and d)
    actual = values[-1]
    return {
        "id": target.id,
        "metric": target.metric.value,
        "priority": target.priority,
        "comparator": target.effective_comparator,
        "objective": target.objective,
        "objective_text": objective_text(target),
        "objective_caption": objective_caption(target),
        "unit": unit_text(target),
        "window": target.window,
        "actual": actual,
        "actual_text": (
            OUTSIDE if state == OUTSIDE
            else "not measured" if actual is None
            else actual_text(target, actual)
        ),
        "status": OUTSIDE if state == OUTSIDE else _cell(target, actual)["status"],
        "css": CSS[OUTSIDE] if state == OUTSIDE else _cell(target, actual)["css"],
        "measured": measured,
        "due": due_count,
        "met": met_count,
        "not_measured": not_measured,
        "attainment": None if due_count == 0 else met_count / due_count * 100,
        "series": values,
        "history": [
            {"period": label, **_cell(target, value)}
            for label, value in zip(labels, values, strict=True)
        ],
        "chart": charts.bar_chart(
            [p.short_label(first=i == 0) for i, p in enumerate(window)],
            values,
            f"{agreement_id} {target.id}: {labels[0]} to {labels[-1]} "
            f"(objective {objective_caption(target)})",
            target=target.objective if target.attainment is None else target.attainment,
            met=met,
        ),
    }
