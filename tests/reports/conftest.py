"""Helpers shared by the report tests, through the `reports` fixture.

- `reports.render(NAME, *args, fmt="md")` runs `itsm report NAME -f FMT *args --today TODAY`
  in-process (`tests.helpers.cli`) in the fixture repository (`tests/reports/fixture/`, see
  its README) and returns the exit code, standard output and standard error;
  `reports.ok(...)` also asserts exit 0 and returns the output.
- `reports.golden("service.md", text)` compares a report with `tests/reports/golden/…` after
  `normalise` (the generation timestamp and the records commit change on every run);
  `ITSM_UPDATE_GOLDEN=1 pytest tests/reports` rewrites the golden files instead.
- `reports.tables(html)` parses the HTML tables (by id) with the standard library's
  html.parser; `reports.svgs(html)` parses every inline `<svg>` with ElementTree (so a
  malformed chart fails the test); `reports.assert_self_contained(html)` checks there is no
  script and nothing fetched from elsewhere.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import cli

FIXTURE = Path(__file__).parent / "fixture"
GOLDEN = Path(__file__).parent / "golden"
TODAY = "2026-11-23"
SVG_NS = "{http://www.w3.org/2000/svg}"

_TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:[+-]\d\d:\d\d|Z)?")
_RECORDS_MD = re.compile(r"Records: `[^`]*`")
_RECORDS_HTML = re.compile(r"Records: <code>[^<]*</code>")


def normalise(text: str) -> str:
    """The report with its run-dependent parts replaced: the generation timestamp and the
    records commit (which moves with every commit to this repository)."""
    text = _TIMESTAMP.sub("<GENERATED>", text)
    text = _RECORDS_MD.sub("Records: `<COMMIT>`", text)
    return _RECORDS_HTML.sub("Records: <code><COMMIT></code>", text)


@dataclass
class Table:
    """One HTML table: its attributes and the text of every cell, row by row."""

    id: str | None
    classes: list[str]
    rows: list[list[str]] = field(default_factory=list)
    cell_classes: list[list[list[str]]] = field(default_factory=list)
    """The class names of each cell, parallel to `rows`."""

    @property
    def header(self) -> list[str]:
        return self.rows[0] if self.rows else []

    @property
    def body(self) -> list[list[str]]:
        return self.rows[1:]

    def records(self) -> list[dict[str, str]]:
        """The body rows as {header: cell text}."""
        return [dict(zip(self.header, row, strict=False)) for row in self.body]

    def row(self, first_cell: str) -> dict[str, str]:
        """The body row whose first cell is `first_cell`, as {header: cell text}."""
        for row in self.body:
            if row and row[0] == first_cell:
                return dict(zip(self.header, row, strict=False))
        raise AssertionError(f"no row '{first_cell}' in table {self.id}: {self.body}")

    def column(self, name: str) -> list[str]:
        position = self.header.index(name)
        return [row[position] for row in self.body]


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "table":
            table = Table(attributes.get("id"), classes)
            self.tables.append(table)
            self._stack.append(table)
        elif self._stack and tag == "tr":
            self._stack[-1].rows.append([])
            self._stack[-1].cell_classes.append([])
        elif self._stack and tag in ("td", "th"):
            self._cell = []
            self._stack[-1].cell_classes[-1].append(classes)
        elif self._cell is not None and tag == "br":
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self._stack.pop()
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            self._stack[-1].rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse_tables(html: str) -> dict[str, Table]:
    """Every table of the document with an id, by id (ids must be unique)."""
    parser = _TableParser()
    parser.feed(html)
    parser.close()
    found: dict[str, Table] = {}
    for table in parser.tables:
        if table.id is not None:
            assert table.id not in found, f"table id '{table.id}' used twice"
            found[table.id] = table
    return found


def parse_svgs(html: str) -> list[ET.Element]:
    """Every inline SVG chart, each parsed as XML (a malformed one raises ParseError)."""
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)
    return [ET.fromstring(chart) for chart in charts]


def svg_label(svg: ET.Element) -> str:
    return svg.get("aria-label", "")


def assert_self_contained(html: str) -> None:
    """No script, no stylesheet link, nothing loaded from another address."""
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<link" not in lowered
    assert "@import" not in lowered
    for match in re.finditer(r"(?:src|href)\s*=\s*['\"]([^'\"]*)['\"]", html):
        target = match.group(1)
        # In-page anchors, and images embedded as data URIs (a cover's logo).
        assert target.startswith(("#", "data:image/")), f"external reference {target}"
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", lowered)


@dataclass(frozen=True)
class Rendered:
    exit_code: int
    stdout: str
    stderr: str


class Reports:
    """What the report tests share (the `reports` fixture)."""

    fixture = FIXTURE
    golden_dir = GOLDEN
    today = TODAY
    normalise = staticmethod(normalise)
    tables = staticmethod(parse_tables)
    svgs = staticmethod(parse_svgs)
    svg_label = staticmethod(svg_label)
    assert_self_contained = staticmethod(assert_self_contained)

    def render(self, name: str, *args: str, fmt: str = "md", today: str = TODAY) -> Rendered:
        """`itsm report NAME -f FMT ARGS --today TODAY` in the fixture repository."""
        result = cli.run("report", name, "-f", fmt, *args, "--today", today, "--no-color")
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            result.exception
        )
        assert "Traceback" not in result.output
        return Rendered(result.exit_code, result.stdout, result.stderr)

    def ok(self, name: str, *args: str, fmt: str = "md", today: str = TODAY) -> str:
        """The report's text; fails unless the command exits 0."""
        rendered = self.render(name, *args, fmt=fmt, today=today)
        assert rendered.exit_code == 0, rendered.stderr
        return rendered.stdout

    def golden(self, filename: str, text: str) -> None:
        """Compare normalised `text` with golden/<filename>, or rewrite that file when
        ITSM_UPDATE_GOLDEN=1."""
        path = GOLDEN / filename
        actual = normalise(text)
        if os.environ.get("ITSM_UPDATE_GOLDEN") == "1":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        assert path.exists(), (
            f"no golden file {path.name}: run ITSM_UPDATE_GOLDEN=1 pytest tests/reports"
        )
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, (
            f"{filename} differs from its golden file; if the change is intended, run "
            "ITSM_UPDATE_GOLDEN=1 pytest tests/reports and review the diff"
        )


@pytest.fixture
def reports(monkeypatch: pytest.MonkeyPatch) -> Reports:
    """The report helpers, with the working directory in the fixture repository."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(FIXTURE)
    return Reports()
