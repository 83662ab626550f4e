"""The client-ready parts of the gap report (issue 15, part 1): the cover from `[report]`
(tests/reports/fixture/itsm.toml names the client, the assessor and a logo), the scope
from the approved scope Evidence of 4.3, the executive summary in words, the method and
its limits, the recommendations table, and the pages of the PDF."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.reports.conftest import Reports

CLIENT = "Fabrikam Hosting Ltd"
ASSESSOR = "A. Consultant, Example Advisory"

SCOPE_EVIDENCE = """\
apiVersion: itsm/v1
kind: Evidence
metadata:
  id: EV-SCOPE
  title: Scope of the SMS
  owner: sms-manager
  status: approved
  approved: {by: Managing Director, date: 2026-01-10}
  lastReviewed: 2026-01-10
  clauses: ["4.3"]
spec:
  type: policy
  location: https://intranet.example/sms/scope
  description: Managed web hosting and email for customers in the EU.
"""


def _copy_fixture(reports: Reports, tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(reports.fixture, repo)
    return repo


def _invoke(repo: Path, *args: str) -> tuple[int, str, str]:
    result = cli.run(*args, "--today", "2026-11-23", "--no-color", cwd=repo)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def _set_report_table(repo: Path, table: str) -> None:
    config = repo / "itsm.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.split("[report]")[0] + table, encoding="utf-8")


@pytest.mark.slow
def test_cover_names_client_assessor_date_and_embeds_the_logo(reports: Reports) -> None:
    html = reports.ok("gap", fmt="html")
    cover = reports.tables(html)["cover"]
    rows = {row[0]: row[1] for row in cover.rows}
    assert rows["Client"] == CLIENT
    assert rows["Assessor"] == ASSESSOR
    assert rows["Date"] == "2026-11-23"
    assert rows["Standard"] == "ISO/IEC 20000-1:2018"
    # The fixture has no approved scope Evidence and [report] gives no scope.
    assert rows["Scope"] == (
        "not stated: no scope in [report] and no approved scope of the SMS (4.3)"
    )
    assert '<img class="logo" src="data:image/svg+xml;base64,' in html
    reports.assert_self_contained(html)


@pytest.mark.slow
def test_cover_markdown(reports: Reports) -> None:
    md = reports.ok("gap")
    assert f"| Client | {CLIENT} |" in md
    assert f"| Assessor | {ASSESSOR} |" in md
    assert "| Date | 2026-11-23 |" in md


@pytest.mark.slow
def test_scope_comes_from_the_scope_evidence_of_4_3(reports: Reports, tmp_path: Path) -> None:
    repo = _copy_fixture(reports, tmp_path)
    (repo / "records" / "evidence" / "ev-scope.yaml").write_text(SCOPE_EVIDENCE, encoding="utf-8")
    code, html, err = _invoke(repo, "report", "gap", "-f", "html")
    assert code == 0, err
    rows = {row[0]: row[1] for row in reports.tables(html)["cover"].rows}
    assert rows["Scope"] == (
        "Scope of the SMS: Managed web hosting and email for customers in the EU. "
        "(from EV-SCOPE)"
    )


@pytest.mark.slow
def test_scope_in_the_configuration_wins_over_the_evidence(
    reports: Reports, tmp_path: Path
) -> None:
    repo = _copy_fixture(reports, tmp_path)
    (repo / "records" / "evidence" / "ev-scope.yaml").write_text(SCOPE_EVIDENCE, encoding="utf-8")
    _set_report_table(repo, '[report]\nclient = "Fabrikam"\nscope = "Web hosting only"\n')
    code, html, err = _invoke(repo, "report", "gap", "-f", "html")
    assert code == 0, err
    rows = {row[0]: row[1] for row in reports.tables(html)["cover"].rows}
    assert rows["Scope"] == "Web hosting only"
    assert rows["Assessor"] == "not named (set assessor in [report])"
    assert "<img" not in html


@pytest.mark.slow
def test_executive_summary_in_words(reports: Reports) -> None:
    md = reports.ok("gap")
    summary = md.split("## Executive summary", 1)[1].split("**Score:", 1)[0]
    assert (
        "The records score **10.5 of 100** against ISO/IEC 20000-1:2018: 2 of 57 clauses are "
        "covered, 8 partial and 47 missing. 14 errors and 12 warnings remain open; "
        "1 finding is waived." in summary
    )
    # Lowest score first; 8 Operation (15) and 5 Leadership (25) are below 75 too.
    assert (
        "Clause groups at risk (scoring below 75): **4 Context of the organization** (0), "
        "**6 Planning** (0), **7 Support of the SMS** (0), **10 Improvement** (0), "
        "**9 Performance evaluation** (12.5), **8 Operation of the SMS** (15), "
        "**5 Leadership** (25)." in summary
    )
    assert "Mandatory documents missing (7 of 13): Scope of the SMS (4.3), " in summary
    assert "Change management policy (8.5.1.1)" in summary
    # 5.2 (policy) is satisfied: not named.
    assert "Service management policy" not in summary


@pytest.mark.slow
def test_method_and_limits_say_what_only_an_auditor_can_judge(reports: Reports) -> None:
    html = reports.ok("gap", fmt="html")
    method = html.split('<section id="method"', 1)[1].split("</section>", 1)[0]
    assert "What this report checks." in method
    assert "What only an auditor can judge." in method
    assert "not a certificate" in method


@pytest.mark.slow
def test_recommendations_one_row_per_partial_or_missing_leaf(reports: Reports) -> None:
    import json

    html = reports.ok("gap", fmt="html")
    table = reports.tables(html)["recommendations-table"]
    assert table.header == ["#", "Clause", "Priority", "What to do", "Owner", "Due"]
    gap = json.loads(cli.run("gap", "-f", "json", "--today", reports.today).stdout)
    clauses = [r["Clause"].split(" ")[0] for r in table.records()]
    expected = {
        c["id"]
        for c in gap["clauses"]
        if c["status"] != "covered"
        and not any(o["id"].startswith(c["id"] + ".") for o in gap["clauses"])
    }
    assert set(clauses) == expected and len(clauses) == len(expected) == 55
    # High first, each tier in clause order.
    priorities = table.column("Priority")
    assert priorities == sorted(priorities, key=lambda p: p != "high")
    assert priorities.count("high") == 51


def _row(reports: Reports, clause: str) -> dict[str, str]:
    table = reports.tables(reports.ok("gap", fmt="html"))["recommendations-table"]
    for record in table.records():
        if record["Clause"].split(" ")[0] == clause:
            return record
    raise AssertionError(f"no recommendation for {clause}")


@pytest.mark.slow
def test_a_missing_mandatory_document_is_high_and_says_what_to_write(reports: Reports) -> None:
    row = _row(reports, "8.5.1.1")
    assert row["Priority"] == "high"
    assert row["What to do"].startswith("Write and approve the Change management policy.")
    assert "EV-CHANGE-POLICY would count but is a draft" in row["What to do"]
    # The rule code is a small reference at the end, not the text.
    assert row["What to do"].endswith("rules DOC001")
    assert row["Due"] == "–"


@pytest.mark.slow
def test_overdue_review_is_medium_with_owner_and_due_date(reports: Reports) -> None:
    row = _row(reports, "5.2.1")
    assert row["Priority"] == "medium"
    assert row["Owner"] == "sms-manager"
    assert row["Due"].startswith("2026-06-01 (overdue)")
    assert "last reviewed 2025-06-01 + P12M = 2026-06-01" in row["Due"]


@pytest.mark.slow
def test_an_error_makes_a_partial_clause_high_with_the_rule_hints(reports: Reports) -> None:
    row = _row(reports, "8.3.3")
    assert row["Clause"].endswith("(partial)")
    assert row["Priority"] == "high"
    assert "Agree an SLA with the service's customers" in row["What to do"]
    assert "SLM001" in row["What to do"].rsplit("rules", 1)[1]


@pytest.mark.slow
def test_warnings_only_is_medium_with_the_next_test_due(reports: Reports) -> None:
    row = _row(reports, "8.7.1")
    assert row["Priority"] == "medium"
    assert row["Owner"] == "continuity-manager"
    assert row["Due"].startswith("2026-09-01 (overdue)")


@pytest.mark.slow
def test_a_missing_clause_without_records_asks_for_evidence(reports: Reports) -> None:
    row = _row(reports, "7.6")
    assert row["Priority"] == "high"
    assert row["What to do"] == (
        # the field name is set as code (<code>), not between backticks
        "Add an approved record that evidences it "
        "(an Evidence record naming 7.6 in metadata.clauses will do)."
    )
    assert row["Owner"] == "–"


def _pdf(repo: Path, tmp_path: Path) -> bytes:
    pytest.importorskip("weasyprint")
    out = tmp_path / "gap.pdf"
    code, _, err = _invoke(repo, "report", "gap", "-f", "pdf", "-o", str(out))
    assert code == 0, err
    return out.read_bytes()


@pytest.mark.slow
def test_pdf_page_one_is_the_cover(reports: Reports, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(_pdf(reports.fixture, tmp_path)))
    first = " ".join(reader.pages[0].extract_text().split())
    assert first.startswith("Gap analysis against ISO/IEC 20000-1:2018")
    assert f"Client {CLIENT}" in first
    assert f"Assessor {ASSESSOR}" in first
    assert "Date 2026-11-23" in first
    # The cover is a page of its own: the summary begins page 2.
    assert "Executive summary" not in first
    second = " ".join(reader.pages[1].extract_text().split())
    assert second.startswith("Executive summary")
    assert 10 <= len(reader.pages) <= 40
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


@pytest.mark.slow
def test_pdf_on_letter_paper(reports: Reports, tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    repo = _copy_fixture(reports, tmp_path)
    _set_report_table(repo, '[report]\nclient = "Fabrikam"\npaper = "Letter"\n')
    reader = pypdf.PdfReader(io.BytesIO(_pdf(repo, tmp_path)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@pytest.mark.slow
def test_print_css_repeats_headers_and_keeps_headings_with_their_text(
    reports: Reports,
) -> None:
    html = reports.ok("gap", fmt="html")
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "thead { display: table-header-group; }" in style
    assert "h1, h2, h3, h4 { break-after: avoid; }" in style
    assert "main.paged > section + section { break-before: page; }" in style
    assert '<main class="paged">' in html
    assert "@page { size: A4;" in style
