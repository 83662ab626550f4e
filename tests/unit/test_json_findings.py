"""`--format json` of validate and check writes each finding with the C string encoder, not
`json.dumps(indent=2)`: the text must be exactly what `dumps` of the whole document gives,
whatever the findings hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.json import SCHEMA_VERSION, dumps, finding_to_json, render_findings

# Quotes, backslashes, control characters, non-ASCII letters, emoji and lone surrogates
# (a file name that is not valid UTF-8 reaches us that way).
TEXT = st.text(
    alphabet=st.sampled_from([*'a Z"\\/\n\t\x00\x1f\x7fé€😀\u2028', "\udcff"]),
    max_size=12,
)
FINDINGS = st.builds(
    Finding,
    rule=st.sampled_from(["E001", "SLM004", "WVR005"]),
    severity=st.sampled_from(list(Severity)),
    message=TEXT,
    file=TEXT,
    line=st.integers(min_value=1, max_value=10**9),
    column=st.integers(min_value=1, max_value=10**6),
    record=st.none() | TEXT,
    clauses=st.lists(st.sampled_from(["8.3.3", "9.1", "10.1"]), max_size=3).map(tuple),
    hint=TEXT,
    waived=st.booleans(),
    waived_by=st.none() | TEXT,
)


def _reference(report: FindingsReport) -> str:
    return dumps(
        {
            "version": SCHEMA_VERSION,
            "findings": [finding_to_json(f) for f in report.findings],
            "summary": report.summary.counts(),
        }
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(FINDINGS, max_size=6))
def test_the_findings_document_is_what_json_dumps_writes(findings: list[Finding]) -> None:
    report = FindingsReport(findings, records=3, files=2, command="check")
    text = render_findings(report, RenderOptions())
    assert text == _reference(report)
    assert [f["message"] for f in json.loads(text)["findings"]] == [f.message for f in findings]


def test_no_findings_is_an_empty_list() -> None:
    report = FindingsReport([], records=0, files=0)
    text = render_findings(report, RenderOptions())
    assert text == _reference(report)
    assert json.loads(text)["findings"] == []
