"""Every report says at its top what it leaves out: records that failed validation, files
that could not be read, the second record of a duplicate id — on tests/reports/left_out (see
its README), where 4 records and 1 file are left out and one near miss (a broken reference)
stays in."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from itsm_cli.reports.registry import REPORTS

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

LEFT_OUT = Path(__file__).parent / "left_out"

SENTENCE = (
    "4 records and 1 file left out: "
    "SLA-OLD failed validation (E005 at records/agreements/sla-old.yaml:3); "
    "a record in records/capacity/list.yaml failed validation "
    "(E002 at records/capacity/list.yaml:2); "
    "SVC-WEB repeats the id of another record (E003 at records/services/web-again.yaml:5); "
    "records/suppliers/broken.yaml could not be read (E001 at records/suppliers/broken.yaml:7); "
    "SUP-X failed validation (E002 at records/suppliers/sup-x.yaml:7)."
)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_markdown_says_at_the_top_what_is_left_out(
    reports: Reports, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(LEFT_OUT)
    out = reports.ok(name)
    top = out.split("\n## ", 1)[0]
    assert SENTENCE in _text(top.replace("`", "").replace("**", ""))


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_html_says_in_its_header_what_is_left_out(
    reports: Reports, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.chdir(LEFT_OUT)
    html = reports.ok(name, fmt="html")
    header = html.split("<header>", 1)[1].split("</header>", 1)[0]
    found = re.search(r'<p class="left-out" role="alert">(.*?)</p>', header, re.DOTALL)
    assert found, header
    assert _text(found.group(1)) == SENTENCE


def test_the_five_reports_of_the_issue_are_registered() -> None:
    assert {"gap", "service", "suppliers", "capacity", "continuity"} <= set(REPORTS)


def test_markdown_puts_locations_in_code_spans(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(LEFT_OUT)
    out = reports.ok("suppliers")
    assert (
        "**4 records and 1 file left out:** SLA-OLD failed validation "
        "(E005 at `records/agreements/sla-old.yaml:3`); "
    ) in out


def test_a_record_with_a_broken_reference_stays_in(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(LEFT_OUT)
    html = reports.ok("suppliers", fmt="html")
    assert reports.tables(html)["contracts"].column("Supplier") == ["SUP-DC", "SUP-FIBRE"]
    assert "SUP-FIBRE" not in _text(html.split("<header>", 1)[1].split("</header>", 1)[0])


def test_nothing_left_out_is_said_too(reports: Reports) -> None:
    out = reports.ok("suppliers")
    assert "\nNo record left out: all 37 records read are valid.\n" in out.split("\n## ", 1)[0]


def test_beyond_five_the_rest_are_counted(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = tmp_path / "records"
    records.mkdir()
    for number in range(1, 8):
        (records / f"s{number}.yaml").write_text(
            f"apiVersion: itsm/v1\nkind: Supplier\nmetadata:\n  id: SUP-{number}\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path)
    top = reports.ok("suppliers").split("\n## ", 1)[0]
    assert "**7 records left out:** SUP-1 failed validation (E002 at `records/s1.yaml:" in top
    assert "SUP-5 failed validation" in top
    assert "SUP-6" not in top
    assert (
        "SUP-5 failed validation (E002 at `records/s5.yaml:1`); "
        "and 2 more (`itsm check` lists them all).\n"
    ) in top
