"""The budget report: per Budget, planned against actual per category (a chart and a
table), the variances over `budget.variance` with their notes, and the forecast to the end
of the period; per service, the budgets that cover it.

Sums and variances are Decimal, computed as BUD002 computes them
(`itsm_cli.records.queries`); the templates get them as text with two decimals and the
budget's currency, and as floats only for drawing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from itsm_cli.findings import figure
from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.budget import Budget, BudgetLine
from itsm_cli.records.queries import live_services
from itsm_cli.reports.finding_rows import FindingsByRecord
from itsm_cli.reports.record_rows import service_row

if TYPE_CHECKING:
    import datetime as dt

    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord
    from itsm_cli.reports.registry import ReportInput


def build(data: ReportInput) -> dict[str, Any]:
    index = data.repository.index
    threshold = Decimal(str(data.workspace.config.budget.variance))
    everything = index.of_kind(Budget)
    current = [b for b in everything if b.model.metadata.status is not Status.RETIRED]
    retired = len(everything) - len(current)
    if data.period is not None:
        from itsm_cli.dates import Period

        # `--period`: the budgets whose period overlaps it (the year's budget for a month).
        asked = Period.parse(data.period)
        first, last = asked.start, asked.end
        current = [
            b for b in current
            if b.model.spec.first_day <= last and first <= b.model.spec.last_day
        ]
    current.sort(key=lambda b: (b.model.spec.first_day, b.id))
    budgets = [_budget(b, index, data.today, threshold, data.findings_by_record) for b in current]
    return {
        "title": "Budgets",
        "today": data.today,
        "period": data.period,
        "threshold": figure(threshold),
        "budgets": budgets,
        "retired": retired,
        "outside_period": len(everything) - retired - len(budgets),
        "services": _by_service(budgets, index),
        "summary": {
            "budgets": len(budgets),
            "current": sum(1 for b in budgets if b["current"]),
            "over": sum(len(b["variances"]) for b in budgets),
            "unexplained": sum(1 for b in budgets for v in b["variances"] if not v["note"]),
            "findings": sum(1 for b in budgets for f in b["findings"] if not f["waived"]),
        },
        "unbudgeted": [
            f.record for f in data.check.findings if f.rule == "BUD001" and f.record
        ],
    }


def _budget(
    budget: LoadedRecord[Budget],
    index: RepoIndex,
    today: dt.date,
    threshold: Decimal,
    findings: FindingsByRecord,
) -> dict[str, Any]:
    from itsm_cli.records.queries import money, over_threshold, percent_text, variance_percent
    from itsm_cli.reports import charts

    spec = budget.model.spec
    currency = spec.currency
    lines: list[dict[str, Any]] = []
    for i, line in enumerate(spec.lines):
        percent = variance_percent(line)
        lines.append(
            {
                "number": i + 1,
                "category": line.category,
                "planned": money(line.planned, currency),
                "actual": money(line.actual, currency) if line.actual is not None else "–",
                "forecast": money(line.forecast, currency) if line.forecast is not None else "–",
                "variance": "–" if percent is None else percent_text(percent, threshold),
                "over": over_threshold(line, threshold),
                "note": line.note or "",
            }
        )
    categories = _categories(spec.lines, currency, threshold)
    planned = sum((line.planned for line in spec.lines), Decimal(0))
    actuals = [line.actual for line in spec.lines if line.actual is not None]
    actual = sum(actuals, Decimal(0)) if actuals else None
    ended = spec.last_day < today
    expected = sum((_expected(line, ended) for line in spec.lines), Decimal(0))
    metadata = budget.model.metadata
    return {
        "id": budget.id,
        "title": metadata.title,
        "owner": metadata.owner,
        "status": metadata.status.value,
        "file": budget.file,
        "period": spec.period,
        "first_day": spec.first_day,
        "last_day": spec.last_day,
        "current": spec.contains(today),
        "ended": ended,
        "currency": currency,
        "services": [service_row(ref, index) for ref in spec.services],
        "whole_sms": not spec.services,
        "lines": lines,
        "categories": categories,
        "shared_categories": len(categories) < len(lines),
        "planned_total": money(planned, currency),
        "planned_value": float(planned),
        "actual_value": None if actual is None else float(actual),
        "total_over": actual is not None and actual > planned * (1 + threshold / 100),
        "actual_total": money(actual, currency) if actual is not None else "–",
        "actual_lines": len(actuals),
        "forecast_total": money(expected, currency),
        "forecast_variance": (
            "–" if planned == 0 else f"{(expected - planned) / planned * 100:+.1f} %"
        ),
        "variances": [row for row in lines if row["over"]],
        "chart": charts.planned_actual_bars(
            [row["chart"] for row in categories],
            f"{budget.id} {spec.period}: planned against actual per category",
            currency,
        ),
        "findings": findings.rows(budget.id, "BUD"),
    }


def _categories(
    lines: list[BudgetLine], currency: str, threshold: Decimal
) -> list[dict[str, Any]]:
    """Planned against actual per category, in the order categories first appear: the
    lines of a category added up (a category's actual is the sum of the actuals given, as
    for the budget's total), its variance read as BUD002 reads a line's."""
    from itsm_cli.records.queries import money, over_threshold, percent_text, variance_percent

    grouped: dict[str, list[BudgetLine]] = {}
    for line in lines:
        grouped.setdefault(line.category, []).append(line)
    rows = []
    for category, members in grouped.items():
        actuals = [line.actual for line in members if line.actual is not None]
        total = BudgetLine.model_construct(
            category=members[0].category,
            planned=sum((line.planned for line in members), Decimal(0)),
            actual=sum(actuals, Decimal(0)) if actuals else None,
        )
        percent = variance_percent(total)
        over = over_threshold(total, threshold)
        rows.append(
            {
                "category": category,
                "lines": len(members),
                "planned": money(total.planned, currency),
                "actual": money(total.actual, currency) if total.actual is not None else "–",
                "actual_lines": len(actuals),
                "variance": "–" if percent is None else percent_text(percent, threshold),
                "over": over,
                "chart": (
                    category,
                    float(total.planned),
                    None if total.actual is None else float(total.actual),
                    over,
                ),
            }
        )
    return rows


def _expected(line: BudgetLine, ended: bool) -> Decimal:
    """A line's amount at the end of its period: its forecast; else, once the period is
    over, its actual (nothing more will be spent); else its plan, or its actual where that
    is already above the plan."""
    if line.forecast is not None:
        return line.forecast
    if line.actual is not None:
        return line.actual if ended else max(line.actual, line.planned)
    return line.planned


def _by_service(budgets: list[dict[str, Any]], index: RepoIndex) -> list[dict[str, Any]]:
    """Every live service and any other service a budget names, with the budgets covering
    it (a budget without services covers them all)."""
    ids = [s.id for s in live_services(index)]
    for b in budgets:
        ids += [s["id"] for s in b["services"] if s["id"] not in ids]
    from itsm_cli.reports import charts

    rows = []
    for sid in sorted(ids):
        covering = [
            b for b in budgets if b["whole_sms"] or any(s["id"] == sid for s in b["services"])
        ]
        currencies = {b["currency"] for b in covering}
        chart = None
        if len(currencies) == 1:
            chart = charts.planned_actual_bars(
                [
                    (f"{b['id']}", b["planned_value"], b["actual_value"], b["total_over"])
                    for b in covering
                ],
                f"{sid}: planned against actual per budget",
                currencies.pop(),
            )
        rows.append(
            {
                **service_row(sid, index),
                "chart": chart,
                "budgets": [
                    {
                        "id": b["id"],
                        "period": b["period"],
                        "current": b["current"],
                        "status": b["status"],
                        "planned": b["planned_total"],
                        "actual": b["actual_total"],
                        "shared": b["whole_sms"] or len(b["services"]) > 1,
                    }
                    for b in covering
                ],
            }
        )
    return rows
