"""`itsm gap --format json`: the stable contract of the README, section JSON output.

`{"version": 1, "edition", "score", "clauses": [{"id", "title", "status", "evidence",
"findings"}]}`, every clause of the edition (parents included) in catalogue order.
"""

from __future__ import annotations

from typing import Any

from itsm_cli.clauses.coverage import ClauseCoverage, Coverage
from itsm_cli.output import RenderOptions
from itsm_cli.output.json import SCHEMA_VERSION, dumps


def clause_to_json(clause: ClauseCoverage) -> dict[str, Any]:
    return {
        "id": clause.id,
        "title": clause.title,
        "status": clause.status,
        "evidence": list(clause.evidence),
        "findings": list(clause.findings),
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
