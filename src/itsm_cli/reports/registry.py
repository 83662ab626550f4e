"""The reports `itsm report` can render, each a builder (data) plus templates (layout), and
the formats it renders them in: one table of each, from which the command's NAME and
`--format` choices, its help and the README's list of reports are derived. Adding a report is
a builder module, its templates and one row here."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itsm_cli.reports.environment import make_environment, render_template
from itsm_cli.reports.finding_rows import FindingsByRecord

if TYPE_CHECKING:
    from pathlib import Path

    from itsm_cli.records.index import Repository
    from itsm_cli.records.workspace import Workspace
    from itsm_cli.reports.provenance import Provenance
    from itsm_cli.rules.coverage import Coverage
    from itsm_cli.rules.engine import CheckResult

@dataclass(frozen=True, slots=True)
class ReportFormat:
    """One `--format` of `itsm report`."""

    name: str
    template: str
    """The templates that render it: `html` or `md` (a report's `templates` key)."""
    suffix: str
    """The file name ending under `--out-dir`."""
    description: str


FORMATS: dict[str, ReportFormat] = {
    f.name: f
    for f in (
        ReportFormat("html", "html", "html", "One self-contained HTML file."),
        ReportFormat("md", "md", "md", "GitHub-flavoured Markdown."),
        ReportFormat("markdown", "md", "md", "The same as md, the name the other commands use."),
        ReportFormat("pdf", "html", "pdf", "The HTML report laid out in pages (itsm-cli[pdf])."),
    )
}


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """One report: what computes its data, what lays it out, and what it shows."""

    name: str
    """What `itsm report NAME` takes; also the heading of the HTML page."""
    builder: str
    """`module:function`, the `(ReportInput) -> dict` that computes the report's data; its
    module is imported only when the report is rendered."""
    templates: Mapping[str, str]
    """Template file per template format (`html`, `md`); a records repository overrides one
    by putting a file of that name in its templates folder."""
    description: str
    """One line, shown by `itsm report --help` and in the README."""

    def build(self) -> Callable[[ReportInput], dict[str, Any]]:
        module, _, function = self.builder.partition(":")
        found: Callable[[ReportInput], dict[str, Any]] = getattr(
            importlib.import_module(module), function
        )
        return found


def _report(name: str, description: str) -> ReportSpec:
    """A report whose builder is `reports/<name>.py`'s `build` and whose templates are
    `<name>.html.j2` and `<name>.md.j2`, as every built-in report's are."""
    return ReportSpec(
        name,
        f"itsm_cli.reports.{name}:build",
        {"html": f"{name}.html.j2", "md": f"{name}.md.j2"},
        description,
    )


# In the order `itsm report --help` lists them and `report all` writes them.
REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        _report(
            "gap",
            "Gap analysis: score, clause table, mandatory documents, waivers, all findings.",
        ),
        _report(
            "service",
            "Service report per SLA: targets against actuals, "
            "attainment over 12 periods, breaches, workload.",
        ),
        _report(
            "suppliers",
            "Supplier contracts, notice dates, underpinning targets, reviews, disputes.",
        ),
        _report(
            "capacity",
            "Capacity per resource: usage, trend, threshold, predicted crossing, open actions.",
        ),
        _report(
            "continuity",
            "Continuity plans: RTO/RPO against SLA downtime, tests, next test due, open actions.",
        ),
        _report(
            "customers",
            "Customers: services and SLAs, service reviews, satisfaction trend, complaints.",
        ),
        _report(
            "budget",
            "Budgets: planned against actual per service and category, variances, forecast.",
        ),
        _report("operations", "ProcessReport counts, exceptions, attainment."),
        _report(
            "audit",
            "Audit programme: clauses × audits over the cycle, findings by type, "
            "nonconformities open, overdue and closed.",
        ),
        _report(
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
    _by_record: FindingsByRecord | None = None

    @property
    def findings_by_record(self) -> FindingsByRecord:
        """The check's findings by record, gathered on first use."""
        if self._by_record is None:
            self._by_record = FindingsByRecord(self.check.findings)
        return self._by_record

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


def render_report(name: str, fmt: str, data: ReportInput, user_templates: Path | None) -> str:
    """Build the report's data and render its template for `fmt` (`html` or `md`)."""
    from itsm_cli.reports.omissions import left_out

    spec = REPORTS[name]
    context = spec.build()(data)
    context.setdefault("provenance", data.provenance)
    context.setdefault("left_out", left_out(data.repository))
    context.setdefault("report", spec)
    context.setdefault("paper", data.workspace.config.report.paper)
    env = make_environment(fmt, user_templates, data.workspace.root)
    return render_template(env, spec.templates[fmt], context)
