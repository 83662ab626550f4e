"""Positions count lines as Git and editors do.

libyaml also starts a new line after a lone CR, NEL (U+0085), LS (U+2028) and PS (U+2029);
Git, `grep -n`, and the editors that show code-scanning annotations do not. A finding after
one of these characters must still name the line a reviewer sees.
"""

from __future__ import annotations

import pytest

from itsm_cli.records.yamlread import parse_yaml

RECORD = (
    "apiVersion: itsm/v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  id: SVC-A\n"
    "  title: 'one{sep}two'\n"
    "  owner: o\n"
    "spec: {{description: d, lifecycle: live, criticality: low}}\n"
    "  bad: [\n"
)


@pytest.mark.parametrize(
    "separator", ["\r", "\x85", "\u2028", "\u2029"], ids=["CR", "NEL", "LS", "PS"]
)
def test_a_line_separator_inside_a_value_does_not_shift_later_lines(separator: str) -> None:
    text = RECORD.format(sep=separator)
    parsed = parse_yaml(text, "t.yaml")
    (finding,) = parsed.findings
    # The syntax error is on line 8 as `grep -n` counts it, whatever libyaml counted.
    assert finding.line == 8
    plain = parse_yaml(RECORD.format(sep=" "), "t.yaml").findings[0]
    assert (finding.line, finding.column) == (plain.line, plain.column)


@pytest.mark.parametrize(
    "separator", ["\r", "\x85", "\u2028", "\u2029"], ids=["CR", "NEL", "LS", "PS"]
)
def test_field_positions_after_a_separator_are_git_lines(separator: str) -> None:
    text = RECORD.format(sep=separator).replace("  bad: [\n", "")
    (doc,) = parse_yaml(text, "t.yaml").documents
    assert doc.positions[("metadata", "owner")] == (6, 3)
    assert doc.positions[("spec",)] == (7, 1)


def test_crlf_line_ends_count_once() -> None:
    text = RECORD.format(sep=" ").replace("\n", "\r\n")
    (finding,) = parse_yaml(text, "t.yaml").findings
    assert finding.line == 8


@pytest.mark.parametrize("text", ["a: [1, 2", "a: [1, 2\n", "a: 'open"])
def test_an_error_at_the_end_of_the_file_points_inside_it(text: str) -> None:
    (finding,) = parse_yaml(text, "t.yaml").findings
    assert finding.rule == "E001"
    lines = text.rstrip("\n").split("\n")
    assert finding.line == len(lines)
    assert 1 <= finding.column <= len(lines[-1]) + 1
