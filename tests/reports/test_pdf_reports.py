"""`itsm report NAME --format pdf`: every report laid out in pages by WeasyPrint, read back
with pypdf (page count, the text of page 1) on the report fixture (tests/reports/fixture)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.helpers import cli

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "fixture"
TODAY = "2026-11-23"

FIRST_PAGE = {
    "gap": "Gap analysis against ISO/IEC",
    "service": "Service report",
    "suppliers": "Supplier report",
    "capacity": "Capacity",
    "continuity": "Service continuity and availability",
    "customers": "Customers",
    "budget": "Budgets",
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    pytest.importorskip("weasyprint")
    out = tmp_path_factory.mktemp("pdf")
    result = cli.run(
        "report", "all", "-f", "pdf", "--out-dir", str(out), "--today", TODAY, cwd=FIXTURE
    )
    assert result.exit_code == 0, result.output
    return {p.stem: p.read_bytes() for p in out.iterdir()}


@pytest.mark.parametrize("name", sorted(FIRST_PAGE))
def test_each_report_is_a_pdf_with_its_title_on_page_one(
    pdfs: dict[str, bytes], name: str
) -> None:
    pypdf = pytest.importorskip("pypdf")
    import io

    data = pdfs[name]
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert 1 <= len(reader.pages) <= 40
    first = reader.pages[0].extract_text()
    assert first.replace("\n", " ").startswith(FIRST_PAGE[name]), first[:200]
    assert "Today taken as 2026-11-23" in first.replace("\n", " ")
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_a_pdf_to_a_terminal_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    from itsm_cli.cli import terminal

    monkeypatch.setattr(terminal, "stdout_is_terminal", lambda: True)
    result = cli.run("report", "gap", "-f", "pdf", "--today", TODAY)
    assert result.exit_code == 2
    assert "a PDF is not for a terminal: give --output FILE.pdf" in result.output


def test_without_weasyprint_a_one_line_error_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(FIXTURE)
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    target = tmp_path / "gap.pdf"
    result = cli.run("report", "gap", "-f", "pdf", "-o", str(target), "--today", TODAY)
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "itsm: error: --format pdf needs WeasyPrint: pip install 'itsm-cli[pdf]'"
    )
    assert not target.exists()
