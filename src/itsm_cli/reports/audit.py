"""The audit report: the audit programme over `audit.cycle` as a clause × audit matrix (the
clauses no internal audit done in the cycle covered highlighted, AUD001), the findings by
type, and the nonconformities open, overdue and closed with their effectiveness.

The programme's columns are the audits that are not retired, dated from today − cycle on
(planned ones ahead included), by date. A clause counts as audited in the cycle only by an
internal audit done on or before today, as AUD001 and `lastAudited` count it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from itsm_cli.clauses.standard import REFERENCE_EDITION, clause_matches, load_catalogue
from itsm_cli.records.fields import Status
from itsm_cli.records.kinds.audit import Audit
from itsm_cli.records.kinds.nonconformity import Nonconformity

if TYPE_CHECKING:
    from itsm_cli.reports.registry import ReportInput

FINDING_TYPES = ("major", "minor", "observation", "opportunity")


def build(data: ReportInput) -> dict[str, Any]:
    config = data.workspace.config
    today = data.today
    index = data.repository.index
    cycle = config.audit.period
    since = cycle.before(today)
    audits = sorted(
        (a for a in index.of_kind(Audit)
         if a.model.metadata.status is not Status.RETIRED and a.model.spec.date >= since),
        key=lambda a: (a.model.spec.date, a.id),
    )
    counting = [
        a for a in audits
        if a.model.spec.type == "internal" and a.model.spec.state == "done"
        and a.model.spec.date <= today
    ]
    columns = [
        {"id": a.id, "type": a.model.spec.type, "state": a.model.spec.state,
         "date": a.model.spec.date, "counts": a in counting}
        for a in audits
    ]
    rows = []
    for clause in load_catalogue(REFERENCE_EDITION).leaves():
        cells = [any(clause_matches(s, clause.id) for s in a.model.spec.scope) for a in audits]
        audited = any(
            any(clause_matches(s, clause.id) for s in a.model.spec.scope) for a in counting
        )
        rows.append({"id": clause.id, "title": clause.title, "cells": cells,
                     "audited": audited})
    findings = [
        {"audit": a.id, "date": a.model.spec.date, "id": f.id, "type": f.type,
         "clause": f.clause, "description": f.description, "nonconformity": f.nonconformity}
        for a in audits for f in a.model.spec.findings
    ]
    by_type = {t: sum(1 for f in findings if f["type"] == t) for t in FINDING_TYPES}
    limit = config.nonconformity.limit
    open_ncrs: list[dict[str, Any]] = []
    closed_ncrs: list[dict[str, Any]] = []
    for ncr in index.of_kind(Nonconformity):
        if ncr.model.metadata.status is Status.RETIRED:
            continue
        spec = ncr.model.spec
        late_actions = [a for a in spec.actions if a.status == "open" and a.due < today]
        due = limit.after(spec.raised) if spec.severity == "major" else None
        eff = spec.effectiveness
        row = {
            "id": ncr.id, "title": ncr.model.metadata.title, "severity": spec.severity,
            "state": spec.state, "raised": spec.raised, "clauses": spec.clauses,
            "audit": spec.audit or "", "closed": spec.closed, "due": due,
            "cause": bool(spec.cause),
            "effective": None if eff is None else eff.effective,
            "checked": eff.date if eff else None,
            "findings": data.findings_by_record.rows(ncr.id, "NCR"),
        }
        if spec.state == "closed":
            closed_ncrs.append(row)
        else:
            row["overdue"] = bool(late_actions) or (due is not None and due < today)
            row["late_actions"] = len(late_actions)
            open_ncrs.append(row)
    open_ncrs.sort(key=lambda r: (r["raised"], r["id"]))
    closed_ncrs.sort(key=lambda r: (r["closed"] or r["raised"], r["id"]))
    never = [r for r in rows if not r["audited"]]
    return {
        "title": "Audit programme",
        "cycle": cycle.text,
        "since": since,
        "audits": columns,
        "clauses": rows,
        "never": never,
        "findings": findings,
        "by_type": by_type,
        "open": open_ncrs,
        "closed": closed_ncrs,
        "summary": {
            "audits": len(columns),
            "internal_done": len(counting),
            "clauses": len(rows),
            "not_audited": len(never),
            "findings": len(findings),
            "open": len(open_ncrs),
            "overdue": sum(1 for r in open_ncrs if r["overdue"]),
            "closed": len(closed_ncrs),
        },
    }
