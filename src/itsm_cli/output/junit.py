"""`--format junit`: JUnit XML for GitLab, Jenkins, Azure DevOps and other test dashboards.

One `testsuite` ("itsm check"), one `testcase` per record (classname = file, name = record id)
and one per file whose findings concern no record (a YAML syntax error, say). A test case with
an unwaived error or warning fails, with one `failure` per finding (message "CODE message",
type the rule code, text with file:line:col and the fix hint); one whose findings are all
waived is `skipped`; infos go to `system-out`. Built with ElementTree, which escapes.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TYPE_CHECKING

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.diff_findings import diff_renderer
from itsm_cli.output.escape import terminal_safe

if TYPE_CHECKING:
    pass

_FAILING = (Severity.ERROR, Severity.WARNING)

Case = tuple[str, str | None]
"""(file, record id), or (file, None) for findings about a file as a whole."""

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: characters it forbids (NUL, other controls) become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _one(text: str) -> str:
    """One line of record text (a file name, a message): controls shown as escapes, and the
    bytes of a file name that is not UTF-8 as `\\xNN` (XML could hold neither)."""
    return terminal_safe(text)


def _details(finding: Finding) -> str:
    lines = [_one(f"{finding.location}: {finding.rule} {finding.message}")]
    if finding.record:
        lines.append(f"record: {_one(finding.record)}")
    if finding.clauses:
        lines.append(f"clauses: {', '.join(finding.clauses)}")
    if finding.waived:
        lines.append(_one(f"waived by {finding.waived_by}"))
    if finding.hint:
        lines.append(f"help: {_one(finding.hint)}")
    return "\n".join(lines)


def _cases(report: FindingsReport) -> dict[Case, list[Finding]]:
    """Every test case with its findings, ordered by file and first line."""
    first_line: dict[Case, int] = {}
    cases: dict[Case, list[Finding]] = {}
    for file, record, line in report.subjects:
        cases.setdefault((file, record), [])
        first_line.setdefault((file, record), line)
    for finding in sorted(report.findings, key=Finding.sort_key):
        key = (finding.file, finding.record)
        cases.setdefault(key, []).append(finding)
        first_line.setdefault(key, finding.line)
    return dict(
        sorted(cases.items(), key=lambda item: (item[0][0], first_line[item[0]], item[0][1] or ""))
    )


def _testcase(suite: ET.Element, case: Case, findings: Iterable[Finding]) -> tuple[bool, bool]:
    """Add one test case; (failed, skipped)."""
    file, record = case
    element = ET.SubElement(
        suite,
        "testcase",
        {"classname": _xml(_one(file)), "name": _xml(_one(record or file)),
         "file": _xml(_one(file))},
    )
    findings = list(findings)
    failures = [f for f in findings if not f.waived and f.severity in _FAILING]
    waived = [f for f in findings if f.waived]
    for finding in failures:
        failure = ET.SubElement(
            element,
            "failure",
            {"message": _xml(_one(f"{finding.rule} {finding.message}")), "type": finding.rule},
        )
        failure.text = _xml(_details(finding))
    skipped = not failures and bool(waived)
    if skipped:
        reasons = sorted({f"waived by {f.waived_by}" for f in waived})
        ET.SubElement(element, "skipped", {"message": _xml("; ".join(reasons))})
    others = [f for f in findings if f.waived or f.severity not in _FAILING]
    if others:
        out = ET.SubElement(element, "system-out")
        out.text = _xml("\n\n".join(_details(f) for f in others))
    return bool(failures), skipped


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    name = f"itsm {report.command}"
    suites = ET.Element("testsuites", {"name": name})
    suite = ET.SubElement(suites, "testsuite", {"name": name})
    tests = failed = skipped = 0
    for case, findings in _cases(report).items():
        did_fail, was_skipped = _testcase(suite, case, findings)
        tests += 1
        failed += did_fail
        skipped += was_skipped
    counts = {"tests": str(tests), "failures": str(failed), "errors": "0",
              "skipped": str(skipped)}
    for element in (suites, suite):
        element.attrib.update(counts)
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


# `itsm diff` in this format: the findings the change introduces.
render_diff = diff_renderer(render_findings)
