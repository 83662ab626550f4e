"""`--format json` of validate and check writes each finding with the C string encoder, not
`json.dumps(indent=2)`: the text must be exactly what `dumps` of the whole document gives,
whatever the findings hold."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.json import (
    SCHEMA_VERSION,
    STREAMED,
    dumps,
    finding_to_json,
    render_findings,
    stream_dumps,
)

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
    text.encode("utf-8")  # valid Unicode, whatever the file names were
    assert [f["message"] for f in json.loads(text)["findings"]] == [
        shown(f.message) for f in findings
    ]


def shown(text: str) -> str:
    """What a reader of the JSON gets for `text`: itself, with each undecodable byte of a
    file name (a lone surrogate) as the `\\xff` the text output shows."""
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)


def test_an_undecodable_byte_is_written_as_the_text_output_shows_it() -> None:
    finding = Finding(
        rule="E001", severity=Severity.ERROR, message="see caf\udce9.yaml", file="caf\udce9.yaml",
        line=1, column=1,
    )
    text = render_findings(FindingsReport([finding], records=0, files=1), RenderOptions())
    [found] = json.loads(text.encode("utf-8"))["findings"]
    assert (found["file"], found["message"]) == ("caf\\xe9.yaml", "see caf\\xe9.yaml")


def test_no_findings_is_an_empty_list() -> None:
    report = FindingsReport([], records=0, files=0)
    text = render_findings(report, RenderOptions())
    assert text == _reference(report)
    assert json.loads(text)["findings"] == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(JSON, max_size=4), st.integers(min_value=0, max_value=3), JSON)
def test_a_streamed_list_is_what_dumps_writes(
    items: list[object], depth: int, other: object
) -> None:
    """SARIF's results are written one at a time into the rest of the log, at any depth."""

    def nested(value: object) -> dict[str, object]:
        document: dict[str, object] = {"before": other, "list": value, "after": [other]}
        for _ in range(depth):
            document = {"runs": [document], "z": other}
        return document

    assert "".join(stream_dumps(nested(STREAMED), iter(items))) == dumps(nested(items))
