"""The reports `itsm report` can render, each a builder (data) plus templates (layout)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itsm_cli.reports.environment import make_environment, render_template

if TYPE_CHECKING:
    from pathlib import Path

    from itsm_cli.records.index import Repository
    from itsm_cli.records.workspace import Workspace
    from itsm_cli.reports.provenance import Provenance
    from itsm_cli.rules.coverage import Coverage
    from itsm_cli.rules.engine import CheckResult

FORMATS = ("html", "md")


@dataclass(frozen=True, slots=True)
class ReportSpec:
    name: str
    module: str
    """Module under itsm_cli.reports with `build(ReportInput) -> dict`."""
    description: str


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            "gap",
            "gap",
            "Gap analysis: score, clause table, mandatory documents, waivers, all findings.",
        ),
        ReportSpec(
            "service",
            "service",
            "Service report per SLA: targets against actuals, "
            "attainment over 12 periods, breaches, workload.",
        ),
        ReportSpec(
            "suppliers",
            "suppliers",
            "Supplier contracts, notice dates, underpinning targets, reviews, disputes.",
        ),
        ReportSpec(
            "capacity",
            "capacity",
            "Capacity per resource: usage, trend, threshold, predicted crossing, open actions.",
        ),
        ReportSpec(
            "continuity",
            "continuity",
            "Continuity plans: RTO/RPO against SLA downtime, tests, next test due, open actions.",
        ),
        ReportSpec(
            "customers",
            "customers",
            "Customers: services and SLAs, service reviews, satisfaction trend, complaints.",
        ),
        ReportSpec(
            "budget",
            "budget",
            "Budgets: planned against actual per service and category, variances, forecast.",
        ),
        ReportSpec("operations", "operations", "ProcessReport counts, exceptions, attainment."),
        ReportSpec(
            "audit",
            "audit",
            "Audit programme: clauses × audits over the cycle, findings by type, "
            "nonconformities open, overdue and closed.",
        ),
        ReportSpec(
            "risks",
            "risks",
            "Risks: 5 × 5 heat maps of inherent and residual score, the register by score, "
            "overdue actions.",
        ),
    )
}


@dataclass(slots=True)
class ReportInput:
    """Everything a builder may use; the check result is computed once for all reports."""

    workspace: Workspace
    repository: Repository
    check: CheckResult
    today: dt.date
    edition: str
    provenance: Provenance
    period: str | None = None
    agreement: str | None = None
    customer: str | None = None
    """`--customer ID`: the service report of that customer's agreements alone."""
    _coverage: dict[str, Coverage] = field(default_factory=dict)

    def coverage(self, edition: str | None = None) -> Coverage:
        from itsm_cli.clauses.standard import load_catalogue
        from itsm_cli.rules.coverage import compute_coverage

        chosen = edition or self.edition
        if chosen not in self._coverage:
            self._coverage[chosen] = compute_coverage(
                self.repository.index,
                self.check.findings,
                load_catalogue(chosen),
                self.today,
                self.workspace.config,
            )
        return self._coverage[chosen]


def builder(name: str) -> Callable[[ReportInput], dict[str, Any]]:
    module = importlib.import_module(f"itsm_cli.reports.{REPORTS[name].module}")
    build: Callable[[ReportInput], dict[str, Any]] = module.build
    return build


def render_report(name: str, fmt: str, data: ReportInput, user_templates: Path | None) -> str:
    """Build the report's data and render its template `<name>.<fmt>.j2`."""
    from itsm_cli.reports.omissions import left_out

    context = builder(name)(data)
    context.setdefault("provenance", data.provenance)
    context.setdefault("left_out", left_out(data.repository))
    context.setdefault("report", REPORTS[name])
    context.setdefault("paper", data.workspace.config.report.paper)
    env = make_environment(fmt, user_templates, data.workspace.root)
    return render_template(env, f"{name}.{fmt}.j2", context)
