"""`itsm report gap`: the score and where it is lost, the full clause table, the mandatory
documents, the waivers in force and every finding — on tests/reports/fixture (see its
README), checked against `itsm gap -f json` and `itsm check -f json` on the same records."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import cli

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

SVG = "{http://www.w3.org/2000/svg}"


def run_json(*args: str) -> Any:
    result = cli.run(*args, "-f", "json", "--today", "2026-11-23")
    return json.loads(result.stdout)


def test_markdown_matches_golden_file(reports: Reports) -> None:
    reports.golden("gap.md", reports.ok("gap"))


@pytest.mark.slow
def test_html_summary_agrees_with_itsm_gap(reports: Reports) -> None:
    html = reports.ok("gap", fmt="html")
    reports.assert_self_contained(html)
    gap = run_json("gap")
    # 2 covered, 8 partial, 47 missing of 57 leaves: (2 + 8 / 2) / 57 = 10.5 %.
    assert gap["score"] == 10.5
    assert '<div class="score">10.5</div>' in html
    groups = reports.tables(html)["groups"]
    assert groups.column("Clause") == ["4", "5", "6", "7", "8", "9", "10"]
    # Clause 5: 5.2.1 and 5.2.2 partial (their only evidence is overdue), 5.1 and 5.3
    # missing: (0 + 2 / 2) / 4 = 25 %.
    assert groups.row("5")["Score"] == "25"
    assert (groups.row("5")["Partial"], groups.row("5")["Missing"]) == ("2", "2")


def test_html_group_chart_is_well_formed_svg(reports: Reports) -> None:
    (chart,) = reports.svgs(reports.ok("gap", fmt="html"))
    assert reports.svg_label(chart) == "Score per clause group, ISO/IEC 20000-1:2018"
    labels = [t.text for t in chart.iter(f"{SVG}text")]
    assert labels[:2] == ["4 Context of the organization", "0.0"]
    assert "5 Leadership" in labels and "25.0" in labels
    assert len(list(chart.iter(f"{SVG}rect"))) == 2 * 7  # a track and a bar per group


def test_html_top_gaps_lead_with_missing_mandatory_documents(reports: Reports) -> None:
    top = reports.tables(reports.ok("gap", fmt="html"))["top-gaps"]
    assert len(top.body) == 10
    assert top.row("1")["Clause"] == "4.3"
    assert top.row("1")["Why"] == "mandatory document missing: Scope of the SMS (DOC001)"
    assert top.row("7")["Clause"] == "8.5.1.1"
    assert top.row("9")["Clause"] == "8.3.3"
    # In words, with the rule codes as a small reference after them.
    assert top.row("9")["Why"] == (
        "errors from 2 rules; warnings from 2 rules (SLM001, SLM004, REP002, SLM003)"
    )


@pytest.mark.slow
def test_top_gaps_order_errors_before_other_missing_clauses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports: Reports
) -> None:
    repo = tmp_path / "sms"
    shutil.copytree(reports.fixture, repo)
    # Approved manuals evidencing every mandatory Evidence clause but the change policy,
    # each naming the mandatory clauses themselves (a parent would not satisfy them) and at
    # most 8 leaf clauses (no DOC005).
    manuals = {
        "EV-SMS-MANUAL": '["4", "4.3", "4.4", "6", "6.2", "6.3"]',
        "EV-SUPPORT": '["7.1", "7.2", "7.3", "7.4", "7.6"]',
        "EV-DOCUMENTS": '["7.5", "8.2.2", "8.7.3.1"]',
        "EV-PERFORMANCE": '["9", "10"]',
    }
    (repo / "records/evidence/ev-sms-manual.yaml").write_text(
        "---\n".join(
            "apiVersion: itsm/v1\nkind: Evidence\n"
            f"metadata:\n  id: {id}\n  title: SMS manual\n  owner: sms-manager\n"
            "  status: approved\n  approved: {by: Managing Director, date: 2026-10-01}\n"
            f"  lastReviewed: 2026-10-01\n  clauses: {clauses}\n"
            "spec:\n  type: policy\n  location: https://intranet.example/sms/manual\n"
            for id, clauses in manuals.items()
        )
    )
    monkeypatch.chdir(repo)
    top = reports.tables(reports.ok("gap", fmt="html"))["top-gaps"]
    rows = [(r["Clause"], r["Status"], r["Why"].split(":")[0]) for r in top.records()]
    assert [(c, s, why.split(";")[0]) for c, s, why in rows] == [
        ("8.5.1.1", "missing", "mandatory document missing"),
        ("8.3.3", "partial", "errors from 2 rules"),  # two error codes first
        ("8.3.4.1", "partial", "errors from 2 rules"),
        ("8.4.3", "partial", "errors from 1 rule"),
        ("8.7.2", "partial", "errors from 1 rule"),
        # No Audit and no ManagementReview record: none done, none held.
        ("9.2", "partial", "errors from 1 rule (AUD002)"),
        ("9.3", "partial", "errors from 1 rule (MRV001)"),
        ("5.1", "missing", "no approved record evidences it"),
        ("5.3", "missing", "no approved record evidences it"),
        ("8.1", "missing", "no approved record evidences it"),
    ]


@pytest.mark.slow
def test_html_clause_table_has_every_clause_with_evidence_and_findings(
    reports: Reports,
) -> None:
    html = reports.ok("gap", fmt="html")
    table = reports.tables(html)["clause-table"]
    gap = run_json("gap")
    assert table.column("Clause") == [c["id"] for c in gap["clauses"]]
    assert table.column("Status") == [c["status"] for c in gap["clauses"]]
    assert table.row("5.2.1")["Evidence"] == "EV-SM-POLICY (review overdue)"
    assert table.row("5.2.1")["Status"] == "partial"
    assert table.row("8.4.3")["Evidence"] == "CAP-WEB"
    assert table.row("8.4.3")["Findings"] == "CAP002, CAP003, CAP004"
    # A waived finding is shown apart (struck through), after the open ones.
    assert table.row("8.3.4.1")["Findings"] == "SLM004, SUP001, SUP004, SUP005 SUP002"
    assert '<span class="waived" title="waived">SUP002</span>' in html


@pytest.mark.slow
def test_html_mandatory_documents_checklist(reports: Reports) -> None:
    documents = reports.tables(reports.ok("gap", fmt="html"))["document-table"]
    assert documents.column("Clause") == [
        "4.3", "4.4", "5.2", "6.2", "6.3", "8.2.2", "8.2.4", "8.3.3", "8.3.4.1", "8.3.4.2",
        "8.5.1.1", "8.7.2", "8.7.3.1",
    ]  # fmt: skip
    assert documents.row("5.2")["Satisfied by"] == "EV-SM-POLICY"
    # The retired SLA-WEB-2025 does not count.
    assert documents.row("8.3.3")["Satisfied by"] == "SLA-MAIL, SLA-WEB"
    assert documents.row("8.5.1.1")["Satisfied by"] == "missing (draft: EV-CHANGE-POLICY)"
    assert documents.row("4.3")["Satisfied by"] == "missing"


@pytest.mark.slow
def test_html_waivers_in_force(reports: Reports) -> None:
    waivers = reports.tables(reports.ok("gap", fmt="html"))["waiver-table"]
    assert waivers.records() == [
        {
            "Waiver": "WVR-FIBRE-RENEWAL",
            "Rule": "SUP002",
            "Records": "SUP-FIBRE",
            "Reason": "Renewal terms agreed in principle; the new contract is signed by "
            "2026-12-15.",
            "Approved by": "Head of Service Delivery",
            "Applies until": "2026-12-31",
            "Findings waived": "1",
        }
    ]
    # After it expires, no waiver is in force and its finding counts again.
    later = reports.ok("gap", fmt="html", today="2027-01-05")
    assert "No waiver is in force." in later
    assert "waiver-table" not in reports.tables(later)
    assert "waiver-nothing-table" not in reports.tables(later)


WAIVERS = Path(__file__).parents[1] / "rules" / "waivers"


@pytest.mark.slow
def test_waivers_not_approved_are_listed_apart_from_those_in_force(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On tests/rules/waivers (see its README): drafts, approvals dated after today and
    waivers of rules that cannot be waived are listed apart from those in force; the term
    capped by waivers.maxTerm is shown; retired and expired waivers are in neither list."""
    monkeypatch.chdir(WAIVERS)
    result = cli.run("report", "gap", "-f", "html", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    tables = reports.tables(result.stdout)
    in_force = tables["waiver-table"].records()
    assert [(r["Waiver"], r["Applies until"], r["Findings waived"]) for r in in_force] == [
        ("WVR-TODAY", "2026-11-23", "1"),
        ("WVR-CAPPED", "2027-01-10 (waivers.maxTerm; expires 2027-06-30)", "1"),
        ("WVR-APPROVED", "2027-01-31", "1"),
        ("WVR-UNUSED", "2027-01-31", "0"),
    ]
    apart = tables["waiver-nothing-table"]
    assert [(r["Waiver"], r["Why it waives nothing"]) for r in apart.records()] == [
        ("WVR-DRAFT", "It is a draft."),
        ("WVR-E002", "It names E002, which cannot be waived."),
        ("WVR-FUTURE", "It is approved only from 2026-12-01, after today (2026-11-23)."),
        ("WVR-UNKNOWN", "It names SUP099, which is no rule."),
    ]
    md = cli.run("report", "gap", "-f", "md", "--today", "2026-11-23").stdout
    heading = "### Waiving nothing: not approved, or not a rule that can be waived"
    section = md.split(heading)[1].split("## Appendix")[0]
    assert "| WVR-DRAFT | SUP005 | SUP-DRAFT |" in section
    assert "WVR-APPROVED" not in section
    assert "WVR-RETIRED" not in md.split("## Appendix")[0]
    assert "WVR-EXPIRED" not in md.split("## Appendix")[0]


@pytest.mark.slow
def test_html_appendix_lists_every_finding_of_itsm_check(reports: Reports) -> None:
    appendix = reports.tables(reports.ok("gap", fmt="html"))["finding-table"]
    check = run_json("check")["findings"]
    assert [(r["Location"], r["Rule"]) for r in appendix.records()] == [
        (f"{f['file']}:{f['line']}", f["rule"]) for f in check
    ]
    waived = appendix.row("records/suppliers/sup-fibre.yaml:20")
    assert (waived["Rule"], waived["Waived"]) == ("SUP002", "by WVR-FIBRE-RENEWAL")
    assert appendix.row("records/services/svc-desk.yaml:12")["Severity"] == "error"


@pytest.mark.slow
def test_edition_2011_renders_the_2011_outline(reports: Reports) -> None:
    md = reports.ok("gap", "--edition", "2011")
    assert md.startswith("# Gap analysis against ISO/IEC 20000-1:2011\n")
    assert "Edition ISO/IEC 20000-1:2011" in md
    gap = run_json("gap", "--edition", "2011")
    assert f"**Score: {gap['score']:g} / 100**" in md
    html = reports.ok("gap", "--edition", "2011", fmt="html")
    tables = reports.tables(html)
    assert tables["groups"].column("Clause") == ["4", "5", "6", "7", "8", "9"]
    assert tables["clause-table"].column("Clause") == [c["id"] for c in gap["clauses"]]
    # The checklist of mandatory documents stays the 2018 one (7.5.4).
    assert "8.5.1.1" in tables["document-table"].column("Clause")


@pytest.mark.slow
def test_a_clause_with_many_evidence_records_lists_twenty_and_counts_the_rest(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large repository used to put thousands of ids in one cell of the clause table."""
    shutil.copytree(reports.fixture, tmp_path / "sms")
    evidence = tmp_path / "sms/records/evidence"
    for n in range(25):
        (evidence / f"ev-audit-{n:02}.yaml").write_text(
            "apiVersion: itsm/v1\nkind: Evidence\nmetadata:\n"
            f"  id: EV-AUDIT-{n:02}\n  title: Internal audit report {n}\n  owner: auditor\n"
            "  status: approved\n  approved: {by: Audit committee, date: 2026-10-01}\n"
            "  lastReviewed: 2026-10-01\n  clauses: [\"9.2\"]\n"
            "spec:\n  type: report\n  location: https://intranet.example/audit\n",
            encoding="utf-8",
        )
    monkeypatch.chdir(tmp_path / "sms")
    row = reports.tables(reports.ok("gap", fmt="html"))["clause-table"].row("9.2")
    assert row["Evidence"].startswith("EV-AUDIT-00, EV-AUDIT-01, ")
    assert row["Evidence"].endswith(
        "EV-AUDIT-19 and 5 more (itsm gap -f json lists them all)"
    )
    markdown = reports.ok("gap")
    line = next(x for x in markdown.splitlines() if x.startswith("| 9.2 |"))
    assert line.count("EV-AUDIT-") == 20
    assert "and 5 more (`itsm gap -f json` lists them all)" in line
    clauses = {c["id"]: c for c in run_json("gap")["clauses"]}
    assert len(clauses["9.2"]["evidence"]) == 25  # the JSON keeps them all


@pytest.mark.slow
def test_a_mandatory_document_with_many_records_lists_twenty_and_counts_the_rest(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(reports.fixture, tmp_path / "sms")
    policy = (tmp_path / "sms/records/evidence/ev-sm-policy.yaml").read_text(encoding="utf-8")
    for n in range(22):
        (tmp_path / f"sms/records/evidence/ev-policy-{n:02}.yaml").write_text(
            policy.replace("EV-SM-POLICY", f"EV-POLICY-{n:02}"), encoding="utf-8"
        )
    monkeypatch.chdir(tmp_path / "sms")
    row = reports.tables(reports.ok("gap", fmt="html"))["document-table"].row("5.2")
    assert row["Satisfied by"].count("EV-") == 20
    assert row["Satisfied by"].endswith(" and 3 more")


@pytest.mark.slow
def test_html_bars_take_the_colour_of_their_groups_status(reports: Reports) -> None:
    """Clause 5 scores 25 with partial children: an amber bar, as its status cell says; a
    bar coloured by score alone would be red."""
    from itsm_cli.reports.charts import COLORS, STATUS_COLORS

    html = reports.ok("gap", fmt="html")
    (chart,) = reports.svgs(html)
    bars = [r.get("fill") for r in chart.iter(f"{SVG}rect")][1::2]  # track, bar, track, …
    statuses = reports.tables(html)["groups"].column("Status")
    assert statuses[1] == "partial"  # 5 Leadership: 5.2 partial, 5.1 and 5.3 missing
    assert bars == [COLORS[STATUS_COLORS[s]] for s in statuses]
    assert bars[1] == COLORS["warn"]
    assert statuses[0] == "missing" and bars[0] == COLORS["bad"]


@pytest.mark.slow
def test_html_clause_table_says_why(reports: Reports) -> None:
    table = reports.tables(reports.ok("gap", fmt="html"))["clause-table"]
    gap = {c["id"]: c for c in run_json("gap")["clauses"]}
    assert table.column("Why") == [c["reason"] or "" for c in gap.values()]
    assert table.row("5.2.1")["Why"] == "only evidence overdue for review"
    assert table.row("5")["Why"] == "0 of 3 subclauses covered; partial: 5.2; missing: 5.1, 5.3"


def test_method_names_the_rules_the_configuration_leaves_out(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ignored rule, or one lowered to info, cannot make a clause partial: the method
    section says so, so that "covered" is not read as checked by it."""
    assert "By the configuration" not in reports.ok("gap")
    copy = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent / "fixture", copy)
    config = copy / "itsm.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text('ignore = ["SLM003"]\n' + text + '\n[severity]\nDOC003 = "info"\n',
                      encoding="utf-8")
    monkeypatch.chdir(copy)
    sentence = (
        "By the configuration, SLM003 did not run (select/ignore) and DOC003 was set to info "
        "(not counted): the clauses they test can show as covered without those rules."
    )
    md = cli.run("report", "gap", "-f", "md", "--today", "2026-11-23").stdout
    method = md.split("## Method and its limits")[1].split("## Recommendations")[0]
    assert f"each needing an approved record. **{sentence}**" in method
    html = cli.run("report", "gap", "-f", "html", "--today", "2026-11-23").stdout
    assert f"each needing an approved record. <strong>{sentence}</strong></p>" in html
