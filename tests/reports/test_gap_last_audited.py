"""The gap report shows, per clause, the date `itsm gap -f json` gives as `lastAudited`: the
latest internal Audit done whose scope holds the clause. On the bundled example records,
which hold last year's and this year's internal audits."""

from __future__ import annotations

import json

import pytest

from tests.helpers import cli
from tests.helpers.paths import ROOT

TODAY = "2026-11-23"


@pytest.fixture(scope="module")
def last_audited() -> dict[str, str | None]:
    result = cli.run("gap", "-f", "json", "--today", TODAY, cwd=ROOT)
    return {c["id"]: c["lastAudited"] for c in json.loads(result.stdout)["clauses"]}


def test_markdown_rows_carry_the_json_dates(last_audited: dict[str, str | None]) -> None:
    result = cli.run("report", "gap", "-f", "md", "--today", TODAY, cwd=ROOT)
    assert result.exit_code == 0, result.output
    table = result.stdout.split("## Clauses", 1)[1].split("\n## ", 1)[0]
    rows = {
        cells[0].strip("* "): cells[5]
        for line in table.splitlines()
        if line.startswith("| ") and (cells := [c.strip() for c in line.strip("|").split("|")])
        and cells[0].strip("* ") in last_audited
    }
    assert rows, "no clause rows found"
    assert rows == {c: (last_audited[c] or "–") for c in rows}
    assert rows["9.2"] == "2026-06-15"


def test_html_has_the_column(last_audited: dict[str, str | None]) -> None:
    result = cli.run("report", "gap", "-f", "html", "--today", TODAY, cwd=ROOT)
    assert "<th>Last audited</th>" in result.stdout
    assert f'<span class="date">{last_audited["9.2"]}</span>' in result.stdout
