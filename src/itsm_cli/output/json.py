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
    """The same text as `dumps` of the whole document, built one finding at a time:
    `json.dumps` with `indent` keeps every piece of the whole text (millions for 100,000
    findings) in a list until it joins them, several times the memory of the result."""
    if not report.findings:
        findings = "[]"
    else:
        # Raw newlines never occur inside JSON strings, so indenting lines is safe.
        items = ",\n".join(
            "    " + _indented(finding_to_json(f), "\n    ") for f in report.findings
        )
        findings = f"[\n{items}\n  ]"
    summary = _indented(report.summary.counts(), "\n  ")
    return (
        f'{{\n  "version": {SCHEMA_VERSION},\n  "findings": {findings},\n'
        f'  "summary": {summary}\n}}\n'
    )


def _indented(value: Any, newline: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
