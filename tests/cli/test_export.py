"""`itsm export csv|xlsx` (fixture: tests/fixtures/export, README there): the workbook is read back
cell by cell with openpyxl, the CSV with the csv module."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.paths import fixture

FIXTURE = fixture("export")
TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)


def invoke(*args: str) -> tuple[int, str, str]:
    result = cli.run(*args, "--today", TODAY)
    return result.exit_code, result.stdout, result.stderr


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))


@pytest.fixture
def workbook(tmp_path: Path) -> object:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "gap.xlsx"
    code, _, err = invoke("export", "xlsx", "-o", str(target))
    assert code == 0, err
    assert err.strip() == f"itsm: wrote {target} (gap, findings, inventory, deadlines)"
    return openpyxl.load_workbook(target)


@pytest.mark.slow
def test_one_sheet_per_view_with_a_frozen_filterable_header(workbook: object) -> None:
    wb = workbook
    assert wb.sheetnames == ["gap", "findings", "inventory", "deadlines"]  # type: ignore[attr-defined]
    findings = wb["findings"]  # type: ignore[index]
    assert [c.value for c in findings[1]] == [
        "file", "line", "column", "rule", "severity", "record", "message", "clauses", "hint",
        "waived", "waived by",
    ]
    assert findings.freeze_panes == "A2"
    assert findings.auto_filter.ref.startswith("A1:K")
    assert findings.column_dimensions["G"].width > 20


def test_the_gap_sheet_agrees_with_itsm_gap(workbook: object) -> None:
    _, out, _ = invoke("gap", "-f", "json")
    expected = {c["id"]: c["status"] for c in json.loads(out)["clauses"]}
    sheet = workbook["gap"]  # type: ignore[index]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[0]: r[3] for r in rows} == expected
    row_43 = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "4.3")
    assert row_43[3].value == "covered"
    assert row_43[4].value == "EV-SMS-SCOPE"
    assert row_43[3].fill.fgColor.rgb.endswith("C6EFCE")  # green
    missing = next(r for r in sheet.iter_rows(min_row=2) if r[3].value == "missing")
    assert missing[3].fill.fgColor.rgb.endswith("FFC7CE")  # red


def test_the_findings_sheet_holds_exactly_the_findings_of_check(workbook: object) -> None:
    _, out, _ = invoke("check", "-f", "json")
    expected = [
        (f["file"], f["line"], f["rule"], f["message"]) for f in json.loads(out)["findings"]
    ]
    sheet = workbook["findings"]  # type: ignore[index]
    got = [(r[0], r[1], r[3], r[6]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == expected
    assert all(isinstance(r[1], int) for r in sheet.iter_rows(min_row=2, values_only=True))


def test_text_that_would_run_as_a_formula_stays_text_as_written(workbook: object) -> None:
    """An XLSX string cell never runs as a formula: the text is kept exactly, with Excel's
    quote prefix so that it stays text when a person edits the cell (the CSV files, which
    have no such mark, get a `'`)."""
    sheet = workbook["inventory"]  # type: ignore[index]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    title, owner = rows["SVC-INJECT"][2], rows["SVC-INJECT"][3]
    assert title.value == "=HYPERLINK(\"http://attacker.example\",\"click\")"
    assert (title.data_type, title.quotePrefix) == ("s", True)
    assert (owner.value, owner.quotePrefix) == ("@finance", True)
    assert rows["SVC-ARCHIVE"][3].value == "-records-team"
    assert rows["SVC-ARCHIVE"][3].quotePrefix
    assert not rows["SVC-INJECT"][0].quotePrefix
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            assert cell.data_type != "f"


def test_dates_are_date_cells(workbook: object) -> None:
    """Approval, review and deadline dates sort and filter as dates, shown as YYYY-MM-DD;
    a record with none has an empty cell."""
    import datetime as dt

    sheet = workbook["inventory"]  # type: ignore[index]
    assert [c.value for c in sheet[1]][6:9] == ["approved on", "last reviewed", "review due"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row[6:9]]
    dated = [c for c in cells if c.value is not None]
    assert dated and all(isinstance(c.value, dt.datetime) for c in dated)
    assert {c.number_format for c in dated} == {"yyyy-mm-dd"}
    assert any(c.value is None for c in cells)
    deadlines = workbook["deadlines"]  # type: ignore[index]
    first = next(deadlines.iter_rows(min_row=2))
    assert isinstance(first[0].value, dt.datetime)
    assert first[1].value == (first[0].value.date() - dt.date(2026, 11, 23)).days


def test_a_cell_longer_than_excel_holds_is_cut_with_a_note(workbook: object) -> None:
    sheet = workbook["inventory"]  # type: ignore[index]
    title = next(r[2].value for r in sheet.iter_rows(min_row=2) if r[0].value == "SVC-ARCHIVE")
    assert len(title) == 32_767
    assert title.startswith("Archive xxx")
    assert title.endswith("… (cut: longer than a spreadsheet cell holds)")


def test_the_same_records_and_today_give_the_same_bytes(tmp_path: Path) -> None:
    pytest.importorskip("xlsxwriter")
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    invoke("export", "xlsx", "-o", str(first))
    invoke("export", "xlsx", "-o", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_csv_one_file_per_view(tmp_path: Path) -> None:
    code, _, err = invoke("export", "csv", "--out-dir", str(tmp_path))
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "deadlines.csv", "findings.csv", "gap.csv", "inventory.csv",
    ]
    inventory = csv_rows((tmp_path / "inventory.csv").read_bytes())
    assert inventory[0][:5] == ["id", "kind", "title", "owner", "status"]
    inject = next(r for r in inventory if r[0] == "SVC-INJECT")
    assert inject[2] == "'=HYPERLINK(\"http://attacker.example\",\"click\")"
    assert inject[3] == "'@finance"
    archive = next(r for r in inventory if r[0] == "SVC-ARCHIVE")
    assert len(archive[2]) == 40_008  # CSV has no cell limit: nothing cut
    assert (tmp_path / "gap.csv").read_bytes().count(b"\r\n") > 50


def test_csv_of_one_view_goes_to_standard_output() -> None:
    result = cli.run("export", "csv", "--view", "gap", "--today", TODAY)
    assert result.exit_code == 0
    rows = csv_rows(result.stdout_bytes)
    assert rows[0][:4] == ["clause", "title", "level", "status"]
    assert [rows[[r[0] for r in rows].index("4.3")][i] for i in (0, 3)] == ["4.3", "covered"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "csv"], "give --out-dir DIR for all of them, or one --view"),
        (["export", "xlsx"], "a workbook is written to a file: give --output FILE.xlsx"),
        (["export", "csv", "--view", "gap", "-o", "a.csv", "--out-dir", "x"], "not both"),
        (["export", "ods", "-o", "a.ods"], "ods"),
    ],
)
def test_usage_errors(args: list[str], message: str) -> None:
    code, _, err = invoke(*args)
    assert code == 2
    assert message in err


def test_xlsx_without_the_extra_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    code, _, err = invoke("export", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    assert code == 2
    assert err.strip() == "itsm: error: xlsx export needs XlsxWriter: pip install 'itsm-cli[xlsx]'"
    assert not (tmp_path / "a.xlsx").exists()
