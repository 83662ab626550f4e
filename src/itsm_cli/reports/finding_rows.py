"""Findings as plain rows for report templates (shared by the report builders)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from itsm_cli.findings import Finding


def finding_row(finding: Finding) -> dict[str, Any]:
    """One finding as the plain values a template lays out."""
    return {
        "location": f"{finding.file}:{finding.line}",
        "rule": finding.rule,
        "severity": finding.severity.value,
        "record": finding.record or "",
        "message": finding.message,
        "waived": finding.waived,
        "waived_by": finding.waived_by or "",
    }


class FindingsByRecord:
    """The findings of a check by the record they are about, gathered once per report: the
    builders list each record's findings, and a scan of every finding for each record was
    records × findings (the customers report over 100,000 records took a minute)."""

    __slots__ = ("_by_record",)

    def __init__(self, findings: Iterable[Finding]) -> None:
        self._by_record: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.record:
                self._by_record.setdefault(finding.record, []).append(finding)

    def rows(self, record_id: str, prefix: str = "") -> list[dict[str, Any]]:
        """Rows of the findings about one record (of rules starting with `prefix`), unwaived
        first, then by severity and location."""
        chosen = [f for f in self._by_record.get(record_id, ()) if f.rule.startswith(prefix)]
        chosen.sort(key=lambda f: (f.waived, -f.severity.rank, f.sort_key()))
        return [finding_row(f) for f in chosen]
