"""BUD001–BUD003: budgeting and accounting for services (ISO/IEC 20000-1:2018, 8.4.1).

Amounts are `Decimal`s read from the numbers as written, so sums and variances carry no
binary rounding; messages give them with two decimals and the budget's currency. A Budget
retired as a record is history and none of these rules look at it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from itsm_cli.findings import Finding, Severity, figure
from itsm_cli.records.kinds.budget import Budget, BudgetLine
from itsm_cli.records.queries import (
    live_services,
    money,
    not_retired,
    over_threshold,
    percent_text,
    variance_percent,
)
from itsm_cli.rules.registry import RuleContext, rule

_BUD = ("8.4.1",)


def variance_text(line: BudgetLine, currency: str, threshold: Decimal) -> str:
    """`planned 120,000.00 EUR, actual 134,400.00 EUR: +12.0 % over the 10 % allowed`."""
    assert line.actual is not None
    amounts = f"planned {money(line.planned, currency)}, actual {money(line.actual, currency)}"
    percent = variance_percent(line)
    if percent is None:
        return f"{amounts}: spent with nothing planned"
    direction = "over" if percent > 0 else "under"
    allowed = figure(threshold)
    return f"{amounts}: {percent_text(percent, threshold)} {direction} the {allowed} % allowed"


@rule(
    "BUD001", Severity.WARNING, _BUD,
    summary="A live Service is in no approved Budget whose period contains today, in a "
    "repository that has Budget records.",
    hint="Approve a Budget for the current period that lists the service in `spec.services` "
    "(or has no `services`, to cover every service).",
    failing="""
        kind: Budget
        metadata:
          status: approved
        spec:
          period: "2025"              # ended; today is 2026-11-23
          services: [SVC-MANAGED-HOSTING]
    """,
    passing="""
        kind: Budget
        metadata:
          status: approved
        spec:
          period: "2026"
          services: [SVC-MANAGED-HOSTING]
    """,
)
def find_services_without_budget(ctx: RuleContext) -> Iterator[Finding]:
    """8.4.1 asks for the costs of the services to be budgeted. A live service that no
    approved budget of the current period covers has nobody accountable for what it costs
    now. A Budget without `services` covers every service; a draft covers nothing, nor does
    one approved after today. Where a repository keeps no Budget records at all, nothing
    fires here: `itsm gap` shows 8.4.1 missing instead."""
    budgets = ctx.index.of_kind(Budget)
    if not budgets:
        return
    covered: set[str] = set()
    whole_sms = False
    for budget in budgets:
        model = budget.model
        if not model.approved_on(ctx.today) or not model.spec.contains(ctx.today):
            continue
        if not model.spec.services:
            whole_sms = True
        covered.update(model.spec.services)
    if whole_sms:
        return
    for service in live_services(ctx.index):
        if service.id not in covered:
            yield ctx.finding(
                service,
                f"live service {service.id} is in no approved Budget for a period that "
                f"contains {ctx.today}",
                ("spec", "lifecycle"),
            )


@rule(
    "BUD002", Severity.WARNING, _BUD,
    summary="A budget line's actual differs from planned by more than budget.variance percent "
    "(default 10) and has no note.",
    hint="Explain the variance in the line's `note` (what caused it, what is done about it).",
    failing="""
        kind: Budget
        spec:
          currency: EUR
          lines:
            - {category: people, planned: 120000.00, actual: 134400.00}   # +12.0 %
    """,
    passing="""
        kind: Budget
        spec:
          currency: EUR
          lines:
            - {category: people, planned: 120000.00, actual: 134400.00,
               note: Two contractors covered parental leave from June}
    """,
)
def find_unexplained_variances(ctx: RuleContext) -> Iterator[Finding]:
    """8.4.1 asks for costs to be accounted for against the budget so that finances can be
    controlled. A line whose actual is more than `budget.variance` percent above or below
    its plan (|actual − planned| / planned × 100 > variance) says the plan no longer holds;
    the reason must be on record. A line spending money with nothing planned always
    needs one. The arithmetic is in Decimal, on the amounts as written."""
    threshold = Decimal(str(ctx.config.budget.variance))
    for budget in not_retired(ctx.index, Budget):
        spec = budget.model.spec
        for i, line in enumerate(spec.lines):
            if line.note is not None and line.note.strip():
                continue
            if not over_threshold(line, threshold):
                continue
            yield ctx.finding(
                budget,
                f"{budget.id} line {i + 1} ({line.category}): "
                f"{variance_text(line, spec.currency, threshold)}, and no note",
                ("spec", "lines", i, "actual"),
            )


@rule(
    "BUD003", Severity.WARNING, _BUD,
    summary="A Budget whose period has ended has a line without actual.",
    hint="Record what was spent in the line's `actual` (0 when nothing was).",
    failing="""
        kind: Budget
        spec:
          period: 2026-Q3            # ended 2026-09-30
          lines:
            - {category: licences, planned: 18000.00}
    """,
    passing="""
        kind: Budget
        spec:
          period: 2026-Q3
          lines:
            - {category: licences, planned: 18000.00, actual: 17450.00}
    """,
)
def find_budgets_without_actuals(ctx: RuleContext) -> Iterator[Finding]:
    """Accounting closes the loop of budgeting: once a period has ended, what was spent on
    each line must be recorded, or the budget cannot be compared with reality (8.4.1). A
    period ends on its last day; a budget of the current period may leave actuals out. One
    finding per budget, naming every line without an actual, at the first of them."""
    for budget in not_retired(ctx.index, Budget):
        spec = budget.model.spec
        if spec.last_day >= ctx.today:
            continue
        missing = [(i, line) for i, line in enumerate(spec.lines) if line.actual is None]
        if not missing:
            continue
        named = ", ".join(
            f"{i + 1} ({line.category}, planned {money(line.planned, spec.currency)})"
            for i, line in missing
        )
        noun, verb = ("line", "has") if len(missing) == 1 else ("lines", "have")
        yield ctx.finding(
            budget,
            f"{budget.id}: period {spec.period} ended {spec.last_day}, but {noun} {named} "
            f"{verb} no actual",
            ("spec", "lines", missing[0][0]),
        )

