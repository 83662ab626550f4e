"""`--format gitlab`: a GitLab Code Quality report (`artifacts:reports:codequality`).

A JSON array with one issue per unwaived finding: `description`, `check_name` (the rule
code), `fingerprint`, `severity` and `location.path` / `location.lines.begin`. GitLab compares
fingerprints between the merge request and its target branch, so a fingerprint never contains
a line number (moving a record does not make its findings new). Waived findings are accepted
deviations and are left out.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.diff_findings import diff_renderer
from itsm_cli.output.json import dumps

if TYPE_CHECKING:
    pass

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    description = finding.message
    if finding.record:
        description = f"{finding.record}: {description}"
    return {
        "description": description,
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": finding.file, "lines": {"begin": max(1, finding.line)}},
    }


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    issues = []
    seen: dict[str, int] = {}
    for finding in sorted(report.findings, key=Finding.sort_key):
        if finding.waived:
            continue
        fingerprint = finding.fingerprint
        repeat = seen.get(fingerprint, 0)
        seen[fingerprint] = repeat + 1
        if repeat:  # GitLab needs unique fingerprints: number the repeats, in file order
            fingerprint = hashlib.sha256(f"{fingerprint}#{repeat}".encode()).hexdigest()[:32]
        issues.append(issue(finding, fingerprint))
    return dumps(issues)


# `itsm diff` in this format: the findings the change introduces.
render_diff = diff_renderer(render_findings)
