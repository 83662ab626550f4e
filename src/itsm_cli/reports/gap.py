"""The gap analysis report: a cover (client, scope, assessor, date), an executive summary in
words, the method and its limits, recommendations per gap, the score and where it is lost,
the full clause table, the mandatory-document checklist, the waivers in force and every
finding.

The numbers come from the clause coverage (`itsm_cli.rules.coverage`, the same as
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

    from itsm_cli.clauses.standard import Catalogue
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.reports.registry import ReportInput
    from itsm_cli.rules.coverage import ClauseCoverage, Coverage
    from itsm_cli.rules.deadlines import Deadline

TOP_GAPS = 10
REFERENCED_RECORDS = 5
"""Records named as references under a recommendation; past it, how many more."""
AT_RISK = 75.0
"""A clause group scoring below this is named "at risk" in the executive summary."""
MAX_EVIDENCE = 20
"""Evidence records listed per clause; past it, how many more (`itsm gap -f json` lists all).
Those overdue for review are listed first then, since they are why a clause is partial."""

# Tiers of the "top gaps" list, most serious first.
_MISSING_MANDATORY, _ERRORS, _MISSING, _WARNINGS, _OTHER = range(5)


def build(data: ReportInput) -> dict[str, Any]:
    from itsm_cli.clauses.standard import REFERENCE_EDITION, clause_sort_key, load_catalogue
    from itsm_cli.rules.scope import rule_scope

    coverage = data.coverage()
    catalogue = load_catalogue(coverage.edition)
    reference = load_catalogue(REFERENCE_EDITION)
    findings = data.check.findings
    severity = _worst_severity(findings)
    documents = _mandatory_documents(data.repository.index, data.workspace.root, data.today)
    missing_documents = _missing_documents(catalogue, reference, documents)

    summary = Summary.of(findings, data.check.records, data.check.files)
    at_risk = sorted(
        (g for g in coverage.groups if g.score < AT_RISK),
        key=lambda g: (g.score, clause_sort_key(g.id)),
    )
    return {
        "cover": _cover(data, documents),
        "at_risk": [{"id": g.id, "title": g.title, "score": g.score} for g in at_risk],
        "at_risk_below": AT_RISK,
        "missing_documents": [
            {"clause": d["clause"], "document": d["document"], "kind": d["kind"]}
            for d in documents
            if not d["satisfied"]
        ],
        "recommendations": _recommendations(
            data, coverage, catalogue, reference, severity, missing_documents
        ),
        "rule_scope": rule_scope(data.workspace.config).sentence(),
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
    from itsm_cli.clauses.standard import clause_matches

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
            tier, reason = _ERRORS, _open_findings(errors, warnings)
        elif clause.status == "missing":
            tier, reason = _MISSING, clause.reason or ""
        elif warnings:
            tier, reason = _WARNINGS, _open_findings(errors, warnings)
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
                    "rules": [*errors, *warnings],
                },
            )
        )
    ranked.sort(key=lambda item: item[0])
    return [row for _, row in ranked[:TOP_GAPS]]


def _open_findings(errors: list[str], warnings: list[str]) -> str:
    """How many rules still fire on a clause, in words (their codes go beside, small)."""
    parts = [
        f"{word} from {len(codes)} rule{'' if len(codes) == 1 else 's'}"
        for codes, word in ((errors, "errors"), (warnings, "warnings"))
        if codes
    ]
    return "; ".join(parts)


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
        "last_audited": clause.last_audited,
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
    from itsm_cli.records.kinds.waiver import Waiver
    from itsm_cli.records.queries import applies_until
    from itsm_cli.rules import all_rules
    from itsm_cli.rules.waivers import in_force

    known = all_rules()
    term = data.workspace.config.waivers.term
    # Counted once for all waivers: a count per waiver would cost waivers × findings.
    waived = Counter(f.waived_by for f in findings if f.waived_by is not None)
    rows = []
    for waiver in data.repository.index.of_kind(Waiver):
        if not in_force(waiver.model, data.today, term, known):
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
    from itsm_cli.records.kinds.waiver import Waiver
    from itsm_cli.records.queries import not_approved
    from itsm_cli.rules import all_rules
    from itsm_cli.rules.waivers import waivable

    known = all_rules()
    rows: list[dict[str, Any]] = []
    for waiver in data.repository.index.of_kind(Waiver):
        if waiver.model.metadata.status == "retired":
            continue
        spec = waiver.model.spec
        why = not_approved(waiver.model, data.today)
        if why is not None:
            why = f"It {why}."
        elif spec.rule not in known:
            why = f"It names {spec.rule}, which is no rule."
        elif not waivable(spec.rule, known):
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


def _cover(data: ReportInput, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The cover: `[report]` of the configuration, the scope from the approved scope
    Evidence of 4.3 where `[report]` gives none, and the logo as a data URI (the report
    stays one file that fetches nothing)."""
    settings = data.workspace.config.report
    scope, scope_source = settings.scope, "configuration" if settings.scope else None
    if scope is None:
        scope, scope_source = _scope_evidence(data, documents)
    return {
        "client": settings.client,
        "assessor": settings.assessor,
        "scope": scope,
        "scope_source": scope_source,
        "date": data.today,
        "logo": _logo_uri(data.workspace.root, settings.logo),
    }


def _scope_evidence(
    data: ReportInput, documents: list[dict[str, Any]]
) -> tuple[str | None, str | None]:
    """The title and description of the first approved Evidence satisfying the scope of
    the SMS (4.3), and its id; (None, None) when there is none."""
    from itsm_cli.records.kinds.evidence import Evidence

    for document in documents:
        if document["clause"] != SCOPE_CLAUSE or not document["satisfied"]:
            continue
        for record_id in document["records"]:
            record = data.repository.index.get(record_id, Evidence)
            if record is None:
                continue
            text = record.model.metadata.title
            if record.model.spec.description:
                text = f"{text}: {record.model.spec.description.strip()}"
            return text, record_id
    return None, None


SCOPE_CLAUSE = "4.3"


def _logo_uri(root: Path, logo: str | None) -> str | None:
    """The configured logo as a data URI; load_workspace has already checked that it is an
    image file inside the repository."""
    if logo is None:
        return None
    import base64

    from itsm_cli.config import LOGO_TYPES

    path = root / logo
    media = LOGO_TYPES[path.suffix.lower()]
    return f"data:{media};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


_PRIORITY_RANK = {"high": 0, "medium": 1}


def _recommendations(
    data: ReportInput,
    coverage: Coverage,
    catalogue: Catalogue,
    reference: Catalogue,
    severity: dict[str, Severity],
    missing_documents: dict[str, str],
) -> list[dict[str, Any]]:
    """One row per partial or missing leaf clause: its priority, what to do in plain words
    (the hints of the rules that fire on it), who owns it and a due date where the records
    give one. High: a missing clause, a missing mandatory document or an unwaived error;
    medium: warnings only, or evidence overdue for review, or no record that shows the
    clause operating."""
    from itsm_cli.rules.deadlines import find_deadlines

    index = data.repository.index
    deadlines = find_deadlines(index, data.workspace.config, data.today, passed=True)
    rows: list[dict[str, Any]] = []
    for order, clause in enumerate(coverage.leaf_clauses()):
        if clause.status == "covered":
            continue
        findings = _clause_findings(data.check.findings, clause)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        high = clause.status == "missing" or clause.id in missing_documents or bool(errors)
        actions = _actions(clause, findings, catalogue, reference, missing_documents)
        records = _involved_records(clause, findings)
        owner = _owner(data, clause, records, catalogue, reference)
        due = _due(deadlines, records, {f.rule for f in findings})
        rows.append(
            {
                "id": clause.id,
                "title": clause.title,
                "status": clause.status,
                "priority": "high" if high else "medium",
                "actions": actions,
                "owner": owner,
                "due": due,
                "rules": sorted({f.rule for f in findings}),
                "records": records[:REFERENCED_RECORDS],
                "records_more": max(0, len(records) - REFERENCED_RECORDS),
                "order": order,
            }
        )
    rows.sort(key=lambda r: (_PRIORITY_RANK[r["priority"]], r["order"]))
    return rows


def _clause_findings(findings: Iterable[Finding], clause: ClauseCoverage) -> list[Finding]:
    """The unwaived errors and warnings that hold the clause back (those coverage counts)."""
    from itsm_cli.clauses.standard import clause_matches

    targets = (clause.id, *clause.maps_to)
    return [
        f
        for f in findings
        if not f.waived
        and f.rule in clause.findings
        and any(clause_matches(c, t) or clause_matches(t, c) for c in f.clauses for t in targets)
    ]


def _kinds(clause_id: str, catalogue: Catalogue, reference: Catalogue) -> list[str]:
    """The kinds that evidence a clause by their kind (of the 2018 clauses it maps onto, in
    another edition)."""
    from itsm_cli.records.models import kinds_evidencing

    entry = catalogue.get(clause_id)
    if entry is None:
        return []
    kinds = list(kinds_evidencing(clause_id, catalogue.edition))
    for target in entry.maps_to:
        kinds.extend(k for k in kinds_evidencing(target, reference.edition) if k not in kinds)
    return kinds


def _evidencing(kind: str, clause_id: str, catalogue: Catalogue) -> str:
    """`Risk record (category: security)`: the kind, with the field that makes a record
    of it evidence a 2018 clause (of another edition's clause, just the kind)."""
    from itsm_cli.clauses.standard import REFERENCE_EDITION
    from itsm_cli.records.models import KINDS

    if catalogue.edition != REFERENCE_EDITION:
        return f"{kind} record"
    return KINDS[kind].evidencing(clause_id)


def _actions(
    clause: ClauseCoverage,
    findings: list[Finding],
    catalogue: Catalogue,
    reference: Catalogue,
    missing_documents: dict[str, str],
) -> list[str]:
    """What to do, in plain words, most important first: the mandatory document to write,
    the hint of each rule that fires (once per hint), the reviews that are overdue."""
    kinds = _kinds(clause.id, catalogue, reference)
    out: list[str] = []
    if clause.id in missing_documents:
        out.append(f"Write and approve the {missing_documents[clause.id]}.")
    if clause.status == "missing" and clause.id not in missing_documents:
        out.append(
            f"Add an approved {' or '.join(_evidencing(k, clause.id, catalogue) for k in kinds)}"
            " that evidences it."
            if kinds
            else "Add an approved record that evidences it "
            f"(an Evidence record naming {clause.id} in `metadata.clauses` will do)."
        )
    for finding in sorted(findings, key=lambda f: (-f.severity.rank, f.rule)):
        hint = _sentence(finding.hint)
        if hint and hint not in out:
            out.append(hint)
    if clause.evidence and all(e in clause.overdue for e in clause.evidence):
        out.append("Review the evidence and record the date in `lastReviewed`.")
    if clause.status == "partial" and clause.reason and "no approved" in clause.reason:
        out.append(
            "Approve a record that shows the clause operating"
            + (f" ({' or '.join(kinds)})." if kinds else ".")
        )
    if not out:
        out.append(_sentence(clause.reason or "Resolve the findings on this clause."))
    return out


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _involved_records(clause: ClauseCoverage, findings: list[Finding]) -> list[str]:
    """The records behind the gap: those the findings are about, then the evidence."""
    # A dict keeps the first-met order; a list's `in` made this the square of the findings.
    ordered = dict.fromkeys([*(f.record for f in findings), *clause.evidence])
    return [record_id for record_id in ordered if record_id]


def _owner(
    data: ReportInput,
    clause: ClauseCoverage,
    records: list[str],
    catalogue: Catalogue,
    reference: Catalogue,
) -> str | None:
    """Who should act: the owner of the first record behind the gap (a finding's record,
    else the evidence), else the owner of a record of a kind that evidences the clause
    (a draft one counts: someone is already writing it)."""
    from itsm_cli.records.models import KINDS

    index = data.repository.index
    for record_id in records:
        found = index.by_id.get(record_id)
        if found is not None:
            first: str = found.model.metadata.owner
            return first
    for kind in _kinds(clause.id, catalogue, reference):
        cls = KINDS.get(kind)
        if cls is None:
            continue
        for candidate in index.of_kind(cls):
            if candidate.model.metadata.status != "retired":
                owner: str = candidate.model.metadata.owner
                return owner
    return None


def _due(
    deadlines: list[Deadline], records: list[str], rules: set[str]
) -> dict[str, Any] | None:
    """The date by which the gap must be closed, where a rule gives one: the earliest
    deadline of the records behind it whose rule fires on the clause (an action or review
    already overdue), else the soonest deadline of those records."""
    behind = set(records)  # deadlines × records per clause, as a list
    involved = [d for d in deadlines if d.record in behind]
    firing = [d for d in involved if d.rule in rules]
    chosen = min(firing or involved, key=lambda d: d.sort_key, default=None)
    if chosen is None:
        return None
    return {"date": chosen.date, "what": chosen.what, "record": chosen.record}
