"""`itsm gap --format json`: the stable contract of the README, section JSON output.

`{"version": 1, "edition", "score", "clauses": [{"id", "title", "status", "evidence",
"findings", "reason", "lastAudited"}]}`, every clause of the edition (parents included) in
catalogue order. `reason` says in words why a clause is partial or missing (null when
covered); `lastAudited` is the date of the latest internal Audit done whose scope holds the
clause (null if none). Both came in 1.1, additively: the version stays 1.
"""

from __future__ import annotations

from typing import Any

from itsm_cli.output import RenderOptions
from itsm_cli.output.json import SCHEMA_VERSION, dumps
from itsm_cli.rules.coverage import ClauseCoverage, Coverage


def clause_to_json(clause: ClauseCoverage) -> dict[str, Any]:
    return {
        "id": clause.id,
        "title": clause.title,
        "status": clause.status,
        "evidence": list(clause.evidence),
        "findings": list(clause.findings),
        "reason": clause.reason,
        "lastAudited": clause.last_audited.isoformat() if clause.last_audited else None,
    }


def coverage_to_json(coverage: Coverage) -> dict[str, Any]:
    return {
        "version": SCHEMA_VERSION,
        "edition": coverage.edition,
        "score": coverage.score,
        "clauses": [clause_to_json(c) for c in coverage.clauses],
    }


def render_gap(coverage: Coverage, options: RenderOptions) -> str:
    return dumps(coverage_to_json(coverage))
