"""`--format sarif`: SARIF 2.1.0 for code scanning (GitHub, GitLab, Azure DevOps, IDEs).

One run; the tool's driver lists every rule of the registry with its summary, rationale, fix
hint and examples, so the code-scanning page can explain an alert without our docs. Each result
points at the repository-relative file (`uriBaseId: %SRCROOT%`) and the 1-based line and column
of the field at fault, carries the finding's fingerprint (rule + record + field path, never a
line number) as `partialFingerprints`, and a waived finding is a result with an external
suppression whose justification names the waiver (and `properties.waivedBy`, its id, as in
`--format json`), so it stays visible but closed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from itsm_cli import __version__
from itsm_cli.findings import Finding, FindingsReport, Severity, text_bytes
from itsm_cli.output import RenderOptions
from itsm_cli.output.diff_findings import diff_renderer
from itsm_cli.output.json import STREAMED, stream_dumps
from itsm_cli.rules import all_rules
from itsm_cli.rules.registry import Rule

if TYPE_CHECKING:
    pass

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/itsm-cli/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "itsm/v1"
EDITION = "ISO/IEC 20000-1:2018"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


_ARTICLES = {"a", "an", "the"}


def rule_name(rule: Rule) -> str:
    """A PascalCase name from the rule's summary (up to a colon or semicolon, without
    articles and parentheses), as SARIF suggests: `E003` "Two records share an id." →
    `TwoRecordsShareId`."""
    summary = re.split(r"[:;]", re.sub(r"\([^)]*\)", "", rule.summary))[0]
    words = [w for w in re.findall(r"[A-Za-z0-9]+", summary) if w.lower() not in _ARTICLES]
    name = "".join(w[:1].upper() + w[1:] for w in words[:12])
    return name or rule.code


def _help(rule: Rule) -> dict[str, str]:
    text = [rule.hint]
    markdown = [rule.hint]
    clauses = " and ".join(
        part for part in (", ".join(rule.clauses), rule.clauses_of_record) if part
    )
    if clauses:
        text.append(f"{EDITION} clauses: {clauses}.")
        markdown.append(f"{EDITION} clauses: {clauses}.")
    if rule.failing:
        text.append(f"Fails:\n{rule.failing}")
        markdown.append(f"Fails:\n\n```yaml\n{rule.failing}\n```")
    if rule.passing:
        text.append(f"Passes:\n{rule.passing}")
        markdown.append(f"Passes:\n\n```yaml\n{rule.passing}\n```")
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule_name(rule),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": _help(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {
            "tags": [rule.area, *(f"{EDITION} {c}" for c in rule.clauses)],
            "clauses": list(rule.clauses),
        },
    }


def _unknown_rule(finding: Finding) -> Rule:
    """A descriptor for a code the registry lacks, so every result has its rule."""
    return Rule(
        code=finding.rule,
        severity=finding.severity,
        clauses=finding.clauses,
        summary=f"Rule {finding.rule}.",
        rationale=f"Rule {finding.rule}.",
        hint=finding.hint or "See `itsm explain`.",
    )


def artifact_uri(file: str) -> str:
    """Repository-relative path as a URI reference (spaces, `%`, `:` percent-encoded; a name
    that is not valid UTF-8 by its own bytes)."""
    return quote(text_bytes(file), safe="/")


def result(finding: Finding, rule_index: int, rule: Rule) -> dict[str, Any]:
    message = finding.message
    if finding.hint and finding.hint != rule.hint:
        message += f"\n{finding.hint}"
    properties: dict[str, Any] = {}
    if finding.record:
        properties["record"] = finding.record
    if finding.clauses:
        properties["clauses"] = list(finding.clauses)
    if finding.waived:
        properties["waivedBy"] = finding.waived_by  # the same key as in --format json
    out: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(finding.file), "uriBaseId": SRCROOT},
                    "region": {
                        "startLine": max(1, finding.line),
                        "startColumn": max(1, finding.column),
                    },
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.waived:
        out["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"waived by {finding.waived_by}",
            }
        ]
    if properties:
        out["properties"] = properties
    return out


def sarif_log(report: FindingsReport) -> dict[str, Any]:
    """The whole SARIF log (its results in `runs[0].results`)."""
    log, results = _log_and_results(report)
    log["runs"][0]["results"] = list(results)
    return log


def _log_and_results(report: FindingsReport) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The log with `STREAMED` for its results, and the results, built as they are asked
    for (at 100,000 findings, built at once they were a gigabyte)."""
    rules = dict(all_rules())
    findings = sorted(report.findings, key=Finding.sort_key)
    for finding in findings:
        if finding.rule not in rules:
            rules[finding.rule] = _unknown_rule(finding)
    order = {code: i for i, code in enumerate(rules)}
    log: dict[str, Any] = {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "itsm",
                        "fullName": "itsm-cli",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [rule_descriptor(r) for r in rules.values()],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": STREAMED,
            }
        ],
    }
    return log, (result(f, order[f.rule], rules[f.rule]) for f in findings)


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    return "".join(stream_findings(report, options))


def stream_findings(report: FindingsReport, options: RenderOptions) -> Iterator[str]:
    """`render_findings` in pieces, one result at a time."""
    return stream_dumps(*_log_and_results(report))


# `itsm diff` in this format: the findings the change introduces.
render_diff = diff_renderer(render_findings)
