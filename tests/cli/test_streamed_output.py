"""Output written in pieces: `check -f json` streams its findings (memory at 100,000
findings); the text must be the same as the whole-text renderer's, and a file is still only
replaced once its new content is complete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer

from itsm_cli.cli import terminal
from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import FINDINGS, RenderOptions

REPORT = FindingsReport(
    [
        Finding("SLM004", Severity.ERROR, f"message {n} — “quoted”", "records/a.yaml", n)
        for n in range(1, 4)
    ],
    records=3,
    files=1,
    command="check",
)


STREAMING = ("text", "json", "sarif")
"""The formats whose text grows with the findings and is written one finding at a time."""


@pytest.mark.parametrize("quiet", [False, True])
@pytest.mark.parametrize("name", STREAMING)
def test_long_formats_come_in_pieces_that_join_to_the_document(name: str, quiet: bool) -> None:
    options = RenderOptions(quiet=quiet)
    pieces = list(FINDINGS.streamer(name)(REPORT, options))
    assert len(pieces) >= len(REPORT.findings)  # at least one piece per finding
    assert "".join(pieces) == FINDINGS.renderer(name)(REPORT, options)
    empty = FindingsReport([], records=0, files=0)
    assert "".join(FINDINGS.streamer(name)(empty, options)) == FINDINGS.renderer(name)(
        empty, options
    )


@pytest.mark.parametrize("name", [n for n in FINDINGS.names() if n not in STREAMING])
def test_a_format_without_a_streamer_is_one_piece(name: str) -> None:
    pieces = list(FINDINGS.streamer(name)(REPORT, RenderOptions()))
    assert pieces == [FINDINGS.renderer(name)(REPORT, RenderOptions())]


def test_pieces_are_written_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "findings.json"
    terminal.write_output(FINDINGS.streamer("json")(REPORT, RenderOptions()), target)
    assert target.read_text(encoding="utf-8") == FINDINGS.renderer("json")(
        REPORT, RenderOptions()
    )


def test_a_file_is_not_replaced_when_its_pieces_fail_half_way(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    target.write_text("the previous run\n", encoding="utf-8")

    def broken() -> Iterator[str]:
        yield "{\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(typer.Exit):
        terminal.write_output(broken(), target)
    assert target.read_text(encoding="utf-8") == "the previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json"]


def test_pieces_reach_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    terminal.write_output(iter(["one ", "two\n"]), None)
    assert capsys.readouterr().out == "one two\n"
