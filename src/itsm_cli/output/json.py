"""`--format json`: the stable contract of the README, section JSON output."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

from itsm_cli.findings import Finding, FindingsReport
from itsm_cli.output import RenderOptions
from itsm_cli.output.escape import json_safe

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


def dumps(document: Any) -> str:
    """`document` as indented JSON text, valid Unicode whatever file names it holds."""
    return json_safe(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"


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
        text = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", inner)
        yield before + inner + json_safe(text)
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
        yield separator + json_safe(_finding_text(finding))
        separator = ",\n"
    yield f'\n  ],\n  "summary": {summary}\n}}\n'


# What `json.dumps(..., ensure_ascii=False)` writes for a string: the C encoder's own.
_string = json.encoder.encode_basestring


_FINDING = (
    "    {\n"
    '      "rule": %s,\n'
    '      "severity": %s,\n'
    '      "message": %s,\n'
    '      "record": %s,\n'
    '      "file": %s,\n'
    '      "line": %s,\n'
    '      "column": %s,\n'
    '      "clauses": %s,\n'
    '      "hint": %s,\n'
    '      "waived": %s,\n'
    '      "waivedBy": %s\n'
    "    }"
)
"""`finding_to_json`'s keys in its order, as `dumps` indents them inside the findings list
(the test of this module compares the two on generated findings)."""


@lru_cache(maxsize=1024)
def _clauses_text(clauses: tuple[str, ...]) -> str:
    # Findings of one rule share their clauses: a few distinct tuples in a whole run.
    if not clauses:
        return "[]"
    listed = ",\n        ".join(_string(c) for c in clauses)
    return f"[\n        {listed}\n      ]"


def _finding_text(finding: Finding) -> str:
    """`finding_to_json(finding)` as `dumps` indents it inside the findings list, one
    format operation per finding (a run can write a hundred thousand)."""
    string = _string
    record, waived_by = finding.record, finding.waived_by
    return _FINDING % (
        string(finding.rule),
        string(finding.severity.value),
        string(finding.message),
        "null" if record is None else string(record),
        string(finding.file),
        int.__repr__(finding.line),
        int.__repr__(finding.column),
        _clauses_text(tuple(finding.clauses)),
        string(finding.hint),
        "true" if finding.waived else "false",
        "null" if waived_by is None else string(waived_by),
    )


def _indented(value: Any, newline: str) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", newline)
