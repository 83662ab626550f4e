"""`--format json`: the stable contract of the README, section JSON output."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
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


STREAMED = "\x00itsm: the streamed list\x00"
"""The value `stream_dumps` replaces with its list of items."""


def stream_dumps(document: dict[str, Any], items: Iterable[Any]) -> Iterator[str]:
    """`dumps` of `document` in pieces, where the one value of `document` that is `STREAMED`
    stands for the list of `items`, each dumped as it comes: the text of a long list (the
    results of SARIF) is never held whole."""
    head, found, tail = dumps(document).partition(json.dumps(STREAMED, ensure_ascii=False))
    if not found:
        raise ValueError("the document holds no STREAMED value")
    line = head[head.rfind("\n") + 1 :]
    pad = " " * (len(line) - len(line.lstrip(" ")))
    inner = "\n" + pad + "  "
    before = head + "["
    for item in items:
        yield before + inner + json.dumps(item, indent=2, ensure_ascii=False).replace("\n", inner)
        before = ","
    yield (head + "[]" if before != "," else "\n" + pad + "]") + tail


def render_findings(report: FindingsReport, options: RenderOptions) -> str:
    """The same text as `dumps` of the whole document (`version`, `findings`, `summary`)."""
    return "".join(stream_findings(report, options))


def stream_findings(report: FindingsReport, options: RenderOptions) -> Iterator[str]:
    """`render_findings`, one finding at a time: `json.dumps` with `indent` keeps every
    piece of the whole text (millions for 100,000 findings) in a list until it joins them,
    several times the memory of the result, and runs the encoder written in Python."""
    summary = _indented(report.summary.counts(), "\n  ")
    if not report.findings:
        yield f'{{\n  "version": {SCHEMA_VERSION},\n  "findings": [],\n  "summary": {summary}\n}}\n'
        return
    yield f'{{\n  "version": {SCHEMA_VERSION},\n  "findings": [\n'
    separator = ""
    for finding in report.findings:
        yield separator + _finding_text(finding)
        separator = ",\n"
    yield f'\n  ],\n  "summary": {summary}\n}}\n'


# What `json.dumps(..., ensure_ascii=False)` writes for a string: the C encoder's own.
_string = json.encoder.encode_basestring


def _scalar(value: str | int | bool | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    return int.__repr__(value)


def _finding_text(finding: Finding) -> str:
    """`finding_to_json(finding)` as `dumps` indents it inside the findings list (the test
    of this module compares the two on generated findings)."""
    fields = []
    for key, value in finding_to_json(finding).items():
        if isinstance(value, list):  # the clauses, the one list of a finding
            listed = ",\n        ".join(_scalar(v) for v in value)
            value_text = f"[\n        {listed}\n      ]" if value else "[]"
        else:
            value_text = _scalar(value)
        fields.append(f"      {_string(key)}: {value_text}")
    return "    {\n" + ",\n".join(fields) + "\n    }"


def _indented(value: Any, newline: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
