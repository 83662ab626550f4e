"""`--format json`: the stable contract of the README, section JSON output."""

from __future__ import annotations

import json
from typing import Any

from itsm_cli.findings import Finding, FindingsReport
from itsm_cli.output import RenderOptions

SCHEMA_VERSION = 1


def finding_to_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "record": finding.record,
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "clauses": list(finding.clauses),
        "hint": finding.hint,
        "waived": finding.waived,
        "waivedBy": finding.waived_by,
    }


def dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    return dumps(
        {
            "version": SCHEMA_VERSION,
            "findings": [finding_to_json(f) for f in report.findings],
            "summary": report.summary.counts(),
        }
    )
