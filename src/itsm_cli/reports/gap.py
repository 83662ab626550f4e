"""The gap analysis report: the score and where it is lost, the full clause table, the
mandatory-document checklist, the waivers in force and every finding.

The numbers come from the clause coverage (`itsm_cli.clauses.coverage`, the same as
`itsm gap`) and the findings of `itsm check`; this module only selects and orders them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from itsm_cli.findings import Finding, Severity, Summary
from itsm_cli.reports import charts
from itsm_cli.reports.finding_rows import finding_row

if TYPE_CHECKING:
    import datetime as dt
    from pathlib import Path

    from itsm_cli.clauses.catalogue import Catalogue
    from itsm_cli.clauses.coverage import ClauseCoverage, Coverage
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.reports.registry import ReportInput

TOP_GAPS = 10
MAX_EVIDENCE = 20
"""Evidence records listed per clause; past it, how many more (`itsm gap -f json` lists all).
Those overdue for review are listed first then, since they are why a clause is partial."""

# Tiers of the "top gaps" list, most serious first.
_MISSING_MANDATORY, _ERRORS, _MISSING, _WARNINGS, _OTHER = range(5)


def build(data: ReportInput) -> dict[str, Any]:
    from itsm_cli.clauses.catalogue import REFERENCE_EDITION, load_catalogue

    coverage = data.coverage()
    catalogue = load_catalogue(coverage.edition)
    reference = load_catalogue(REFERENCE_EDITION)
    findings = data.check.findings
    severity = _worst_severity(findings)
    documents = _mandatory_documents(data.repository.index, data.workspace.root, data.today)
    missing_documents = _missing_documents(catalogue, reference, documents)

    summary = Summary.of(findings, data.check.records, data.check.files)
    return {
        "title": f"Gap analysis against {coverage.standard}",
        "standard": coverage.standard,
        "score": coverage.score,
        "counts": {
            "covered": coverage.covered,
            "partial": coverage.partial,
            "missing": coverage.missing,
            "leaves": coverage.leaves,
        },
        "findings_summary": summary.counts(),
        "groups": [
            {
                "id": g.id,
                "title": g.title,
                "status": g.status,
                "score": g.score,
                "covered": g.covered,
                "partial": g.partial,
                "missing": g.missing,
                "leaves": g.leaves,
                "bar": text_bar(g.score),
            }
            for g in coverage.groups
        ],
        "group_chart": charts.score_bars(
            [(f"{g.id} {g.title}", g.score) for g in coverage.groups],
            f"Score per clause group, {coverage.standard}",
            [g.status for g in coverage.groups],
        ),
        "top_gaps": _top_gaps(coverage, severity, missing_documents),
        "clauses": [_clause_row(c, severity) for c in coverage.clauses],
        "documents": documents,
        "waivers": _waivers_in_force(data, findings),
        "waivers_waiving_nothing": _waivers_waiving_nothing(data),
        "findings": [finding_row(f) for f in findings],
    }


def text_bar(score: float, width: int = 10) -> str:
    """A score from 0 to 100 as a bar of block characters, for Markdown."""
    full = round(max(0.0, min(score, 100.0)) / 100 * width)
    return "█" * full + "░" * (width - full)


def _worst_severity(findings: Iterable[Finding]) -> dict[str, Severity]:
    """Rule code → the worst severity among its unwaived findings (configuration may have
    changed a rule's default)."""
    out: dict[str, Severity] = {}
    for f in findings:
        if f.waived:
            continue
        known = out.get(f.rule)
        if known is None or f.severity.rank > known.rank:
            out[f.rule] = f.severity
    return out


def _missing_documents(
    catalogue: Catalogue, reference: Catalogue, documents: list[dict[str, Any]]
) -> dict[str, str]:
    """Leaf id of `catalogue` → the unsatisfied mandatory document it stands for: a 2018
    leaf at or under the document's clause; in another edition, a leaf mapped onto that
    clause, one under it or one above it."""
    from itsm_cli.clauses.catalogue import clause_matches

    unsatisfied = [(d["clause"], d["document"]) for d in documents if not d["satisfied"]]
    out: dict[str, str] = {}
    for leaf in catalogue.leaves():
        targets = (leaf.id,) if catalogue is reference else leaf.maps_to
        for clause_id, document in unsatisfied:
            if any(
                clause_matches(clause_id, target) or clause_matches(target, clause_id)
                for target in targets
            ):
                out[leaf.id] = document
                break
    return out


def _codes(clause: ClauseCoverage, severity: dict[str, Severity], level: Severity) -> list[str]:
    return [code for code in clause.findings if severity.get(code) is level]


def _top_gaps(
    coverage: Coverage, severity: dict[str, Severity], missing_documents: dict[str, str]
) -> list[dict[str, Any]]:
    """The ten leaf clauses that lose most: missing mandatory documents first, then clauses
    with errors, other missing clauses, clauses with warnings, and the other partial ones
    (lapsed reviews, no record of the kind that shows the clause operating)."""
    ranked: list[tuple[tuple[int, int, int, int], dict[str, Any]]] = []
    for order, clause in enumerate(coverage.leaf_clauses()):
        if clause.status == "covered":
            continue
        errors = _codes(clause, severity, Severity.ERROR)
        warnings = _codes(clause, severity, Severity.WARNING)
        if clause.id in missing_documents:
            tier = _MISSING_MANDATORY
            reason = f"mandatory document missing: {missing_documents[clause.id]}"
        elif errors:
            tier, reason = _ERRORS, "errors: " + ", ".join(errors)
            if warnings:
                reason += "; warnings: " + ", ".join(warnings)
        elif clause.status == "missing":
            tier, reason = _MISSING, clause.reason or ""
        elif warnings:
            tier, reason = _WARNINGS, "warnings: " + ", ".join(warnings)
        else:  # overdue evidence, or no record of the kind that shows the clause operating
            tier, reason = _OTHER, clause.reason or ""
        level = "error" if tier <= _MISSING else "warning"
        ranked.append(
            (
                (tier, -len(errors), -len(warnings), order),
                {
                    "id": clause.id,
                    "title": clause.title,
                    "status": clause.status,
                    "severity": level,
                    "reason": reason,
                },
            )
        )
    ranked.sort(key=lambda item: item[0])
    return [row for _, row in ranked[:TOP_GAPS]]


def _clause_row(clause: ClauseCoverage, severity: dict[str, Severity]) -> dict[str, Any]:
    evidence = list(clause.evidence) if clause.leaf else []
    late = set(clause.overdue)  # a set: a clause may hold thousands of evidence ids
    if len(evidence) > MAX_EVIDENCE:
        overdue = [e for e in evidence if e in late]
        evidence = (overdue + [e for e in evidence if e not in late])[:MAX_EVIDENCE]
    return {
        "id": clause.id,
        "title": clause.title,
        "status": clause.status,
        "depth": clause.depth,
        "leaf": clause.leaf,
        "evidence": [{"id": e, "overdue": e in late} for e in evidence],
        "evidence_more": len(clause.evidence) - len(evidence) if clause.leaf else 0,
        "findings": [
            {"code": code, "severity": severity.get(code, Severity.WARNING).value}
            for code in clause.findings
        ]
        if clause.leaf
        else [],
        "waived": list(clause.waived) if clause.leaf else [],
        "reason": clause.reason or "",
    }


def _mandatory_documents(
    index: RepoIndex, root: Path, today: dt.date
) -> list[dict[str, Any]]:
    """Each mandatory document of ISO/IEC 20000-1:2018 (7.5.4) with the approved records
    that satisfy it, exactly as DOC001 counts them (`mandatory_document_status`), and the
    drafts that would once approved."""
    from itsm_cli.rules.documents import mandatory_document_status

    rows = []
    for document in mandatory_document_status(index, root, today):
        clause = document.clause
        records = [r.id for r in document.records]
        drafts = [r.id for r in document.drafts]
        rows.append(
            {
                "clause": clause.id,
                "title": clause.title,
                "document": clause.mandatory_document or "",
                "kind": clause.mandatory_kind or "",
                "records": records[:MAX_EVIDENCE],
                "records_more": max(0, len(records) - MAX_EVIDENCE),
                "drafts": drafts[:MAX_EVIDENCE],
                "drafts_more": max(0, len(drafts) - MAX_EVIDENCE),
                "unavailable": [r.id for r in document.unavailable][:MAX_EVIDENCE],
                "satisfied": document.satisfied,
            }
        )
    return rows


def _waivers_in_force(data: ReportInput, findings: list[Finding]) -> list[dict[str, Any]]:
    """Waivers that suppress findings today, with how many they suppress and the last day
    they apply (`expires`, or approval + waivers.maxTerm when earlier)."""
    from itsm_cli.records.models import Waiver
    from itsm_cli.rules.waivers import applies_until, in_force

    term = data.workspace.config.waivers.term
    # Counted once for all waivers: a count per waiver would cost waivers × findings.
    waived = Counter(f.waived_by for f in findings if f.waived_by is not None)
    rows = []
    for waiver in data.repository.index.of_kind(Waiver):
        if not in_force(waiver.model, data.today, term):
            continue
        spec = waiver.model.spec
        rows.append(
            {
                "id": waiver.id,
                "rule": spec.rule,
                "records": list(spec.records),
                "reason": spec.reason,
                "approved_by": spec.approved_by,
                "expires": spec.expires,
                "until": applies_until(waiver.model, term),
                "waived": waived[waiver.id],
            }
        )
    rows.sort(key=lambda r: (r["until"], r["id"]))
    return rows


def _waivers_waiving_nothing(data: ReportInput) -> list[dict[str, Any]]:
    """Waivers that are not retired yet waive nothing today: not approved (WVR004), or naming
    a rule that cannot be waived or does not exist (WVR002). An auditor must not mistake them
    for accepted deviations. Expired ones are left out: they are history (WVR001)."""
    from itsm_cli.records.models import Waiver
    from itsm_cli.rules.registry import all_rules
    from itsm_cli.rules.waivers import not_approved, waivable

    rows: list[dict[str, Any]] = []
    for waiver in data.repository.index.of_kind(Waiver):
        if waiver.model.metadata.status == "retired":
            continue
        spec = waiver.model.spec
        why = not_approved(waiver.model, data.today)
        if why is not None:
            why = f"It {why}."
        elif spec.rule not in all_rules():
            why = f"It names {spec.rule}, which is no rule."
        elif not waivable(spec.rule):
            why = f"It names {spec.rule}, which cannot be waived."
        else:
            continue
        rows.append(
            {
                "id": waiver.id,
                "rule": spec.rule,
                "records": list(spec.records),
                "reason": spec.reason,
                "why": why,
                "expires": spec.expires,
            }
        )
    rows.sort(key=lambda r: r["id"])
    return rows
