"""`itsm gap`: clause coverage on the fixture repository `tests/fixtures/gap/` (its README lists the
status of each clause and why), the 2011 edition, --fail-under, and the JSON contract.

"Today" is 2026-06-15 throughout; the fixture's itsm.toml runs only E*, CAT001, SLM003 and
WVR*, so the statuses depend on its records alone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from itsm_cli.clauses.standard import load_catalogue
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace
from itsm_cli.rules.coverage import compute_coverage, score_of
from tests.helpers import cli
from tests.helpers.paths import ROOT, fixture

FIXTURE = fixture("gap")
TODAY = "2026-06-15"

# Leaf clauses of the 2018 edition that are not missing: status, evidence ids (in repository
# order, i.e. by file path), unwaived finding codes. Every other leaf is missing, with no
# evidence and no finding.
LEAVES_2018: dict[str, tuple[str, list[str], list[str]]] = {
    "4.1": ("covered", ["EV-CONTEXT"], []),  # own reviewInterval P24M: not due yet
    "4.2": ("covered", ["EV-CONTEXT"], []),
    "4.3": ("partial", ["EV-SCOPE"], []),  # its only evidence is overdue
    "4.4": ("covered", ["EV-SMS-OLD", "EV-SMS"], []),  # one of two overdue: still covered
    "5.2.1": ("covered", ["EV-POLICY"], []),  # EV-POLICY names the parent 5.2
    "5.2.2": ("covered", ["EV-POLICY"], []),
    "8.2.4": ("covered", ["SVC-WEB"], []),  # CAT001 on SVC-MAIL is waived; SVC-MAIL is draft
    "8.3.3": ("partial", ["SLA-WEB"], ["SLM003"]),
    "8.3.4.2": ("partial", ["SUP-NETOPS"], []),  # internal supplier, review overdue (P6M)
}


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.chdir(FIXTURE)


def gap(*args: str) -> tuple[int, str, str]:
    result = cli.run("gap", *args, "--today", TODAY)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def gap_json(*args: str) -> dict[str, Any]:
    code, out, _ = gap("--format", "json", *args)
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    return data


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in data["clauses"]}


def leaf_ids(ids: list[str]) -> list[str]:
    return [i for i in ids if not any(other.startswith(i + ".") for other in ids)]


# --- 2018 ---------------------------------------------------------------------------------


def test_every_leaf_clause_has_the_status_evidence_and_findings_of_the_fixture() -> None:
    clauses = by_id(gap_json())
    leaves = leaf_ids(list(clauses))
    assert len(leaves) == 57
    for clause_id in leaves:
        status, evidence, findings = LEAVES_2018.get(clause_id, ("missing", [], []))
        got = clauses[clause_id]
        assert (got["status"], got["evidence"], got["findings"]) == (status, evidence, findings), (
            clause_id
        )


def test_draft_retired_and_waiver_records_evidence_nothing() -> None:
    clauses = by_id(gap_json())
    everything = {e for c in clauses.values() for e in c["evidence"]}
    assert {"EV-OBJECTIVES", "EV-RISK", "SVC-MAIL", "WVR-MAIL"} & everything == set()
    assert clauses["6.1"]["status"] == "missing"  # EV-RISK is retired
    assert clauses["6.2.1"]["status"] == clauses["6.2.2"]["status"] == "missing"  # a draft


def test_internal_supplier_evidences_8_3_4_2_not_8_3_4_1() -> None:
    clauses = by_id(gap_json())
    assert clauses["8.3.4.1"]["evidence"] == []
    assert clauses["8.3.4.2"]["evidence"] == ["SUP-NETOPS"]


def test_parents_roll_up_covered_missing_or_partial_when_mixed() -> None:
    clauses = by_id(gap_json())
    expected = {
        "4": "partial",  # covered, covered, partial, covered
        "5": "partial",  # 5.2 covered, 5.1 and 5.3 missing: mixed
        "5.2": "covered",  # both children covered through the parent clause
        "6": "missing",  # every subclause missing
        "6.2": "missing",
        "8.3": "partial",
        "8.3.4": "partial",  # 8.3.4.1 missing, 8.3.4.2 partial
        "8.7": "missing",
    }
    assert {k: clauses[k]["status"] for k in expected} == expected
    assert clauses["5"]["reason"] == "1 of 3 subclauses covered; missing: 5.1, 5.3"
    assert clauses["8.3.4"]["reason"] == (
        "0 of 2 subclauses covered; partial: 8.3.4.2; missing: 8.3.4.1"
    )
    assert clauses["6"]["reason"] == "no approved record evidences any of its subclauses"
    assert clauses["5.2"]["reason"] is None
    # A parent lists the evidence and findings of the clauses below it.
    assert clauses["5.2"]["evidence"] == ["EV-POLICY"]
    assert clauses["8.3"]["evidence"] == ["SLA-WEB", "SUP-NETOPS"]
    assert clauses["8.3"]["findings"] == ["SLM003"]
    assert clauses["4"]["evidence"] == ["EV-CONTEXT", "EV-SCOPE", "EV-SMS-OLD", "EV-SMS"]


def test_score_is_covered_plus_half_partial_over_leaves() -> None:
    data = gap_json()
    # 6 covered (4.1, 4.2, 4.4, 5.2.1, 5.2.2, 8.2.4), 3 partial (4.3, 8.3.3, 8.3.4.2), 57 leaves
    assert data["score"] == round((6 + 3 / 2) / 57 * 100, 1) == 13.2


def test_json_has_exactly_the_documented_shape_in_catalogue_order() -> None:
    data = gap_json()
    assert list(data) == ["version", "edition", "score", "clauses"]
    assert (data["version"], data["edition"]) == (1, "2018")
    assert isinstance(data["score"], float)
    assert [c["id"] for c in data["clauses"]] == [c.id for c in load_catalogue("2018")]
    for clause in data["clauses"]:
        assert list(clause) == [
            "id", "title", "status", "evidence", "findings", "reason", "lastAudited"
        ]
        assert (clause["reason"] is None) == (clause["status"] == "covered"), clause["id"]
        assert clause["lastAudited"] is None  # no Audit record in the fixture
    assert data["clauses"][0] == {
        "id": "4",
        "title": "Context of the organization",
        "status": "partial",
        "evidence": ["EV-CONTEXT", "EV-SCOPE", "EV-SMS-OLD", "EV-SMS"],
        "findings": [],
        "reason": "3 of 4 subclauses covered; partial: 4.3",
        "lastAudited": None,
    }


def test_json_reason_per_leaf() -> None:
    clauses = by_id(gap_json())
    assert clauses["4.3"]["reason"] == "only evidence overdue for review"
    assert clauses["8.3.3"]["reason"] == "open findings: SLM003"
    assert clauses["5.1"]["reason"] == "no approved record evidences it"
    assert clauses["4.1"]["reason"] is None


def test_output_file_holds_the_json(tmp_path: Path) -> None:
    target = tmp_path / "gap.json"
    code, out, _ = gap("-f", "json", "-o", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["score"] == 13.2


# --- 2011 ---------------------------------------------------------------------------------


def test_edition_2011_rolls_up_the_2018_clauses_mapped_onto() -> None:
    data = gap_json("--edition", "2011")
    assert data["edition"] == "2011"
    clauses = by_id(data)
    assert [c["id"] for c in data["clauses"]] == [c.id for c in load_catalogue("2011")]
    # 4.1.2 → 5.2 (a 2018 parent: 5.2.1 and 5.2.2, both covered)
    assert clauses["4.1.2"] == {
        "id": "4.1.2",
        "title": "Service management policy",
        "status": "covered",
        "evidence": ["EV-POLICY"],
        "findings": [],
        "reason": None,
        "lastAudited": None,
    }
    # 4.5.1 → 4.3 (partial: overdue)
    assert (clauses["4.5.1"]["status"], clauses["4.5.1"]["evidence"]) == ("partial", ["EV-SCOPE"])
    # 6.1 → 8.3.3 (partial, SLM003) and 8.2.4 (covered)
    assert clauses["6.1"]["status"] == "partial"
    assert clauses["6.1"]["evidence"] == ["SLA-WEB", "SVC-WEB"]
    assert clauses["6.1"]["findings"] == ["SLM003"]
    # 7.2 → 8.3.4.1 (missing) and 8.3.4.2 (partial): mixed, so partial
    assert (clauses["7.2"]["status"], clauses["7.2"]["evidence"]) == ("partial", ["SUP-NETOPS"])
    assert clauses["7.2"]["reason"] == (
        "2018 8.3.4.1 missing (no approved record evidences it); "
        "2018 8.3.4.2 partial (only evidence overdue for review)"
    )
    assert clauses["4.1.1"]["status"] == "missing"  # 5.1
    assert clauses["4.1.1"]["reason"] == "2018 5.1 missing (no approved record evidences it)"
    assert clauses["6.1"]["reason"] == (
        "2018 8.3.3 partial (open findings: SLM003); 2018 8.2.4 covered"
    )
    assert clauses["4.1"]["status"] == "partial"  # 4.1.1 missing, 4.1.2 covered
    assert clauses["4"]["status"] == "partial"
    assert clauses["9"]["status"] == "missing"  # nothing under 9 maps onto evidence
    leaves = leaf_ids(list(clauses))
    assert len(leaves) == 39
    statuses = [clauses[i]["status"] for i in leaves]
    # covered: 4.1.2; partial: 4.2 (8.3.4.2 among its targets), 4.5.1, 6.1, 7.2
    assert (statuses.count("covered"), statuses.count("partial")) == (1, 4)
    assert data["score"] == round((1 + 4 / 2) / 39 * 100, 1) == 7.7


def test_edition_2011_text_shows_the_2018_clauses_and_why_they_fall_short() -> None:
    code, out, _ = gap("--edition", "2011", "--no-color")
    assert code == 0
    assert "Clause coverage, ISO/IEC 20000-1:2011" in out
    pattern = (
        r"^\s+7\.2\s+Supplier management\s+partial\s+8\.3\.4\.1 \(missing\)\s+SUP-NETOPS"
        r"\s+8\.3\.4\.1: no approved record evidences it$"
    )
    assert re.search(pattern, out, re.M)
    pattern = r"^\s+8\.3\.4\.2 \(partial\)\s+8\.3\.4\.2: only evidence overdue for review$"
    assert re.search(pattern, out, re.M)


def test_edition_from_the_configuration(tmp_path: Path) -> None:
    config = tmp_path / "itsm.toml"
    config.write_text(
        (FIXTURE / "itsm.toml").read_text(encoding="utf-8") + 'edition = "2011"\n',
        encoding="utf-8",
    )
    code, out, _ = gap("-f", "json", "--config", str(config), str(FIXTURE / "records"))
    assert code == 0
    assert json.loads(out)["edition"] == "2011"


def test_unknown_edition_is_a_usage_error() -> None:
    code, _, err = gap("--edition", "2005")
    assert code == 2
    assert "2005" in err


# --- exit status ----------------------------------------------------------------------------


def test_gap_is_a_report_and_exits_0_whatever_the_score() -> None:
    assert gap()[0] == 0


@pytest.mark.slow
@pytest.mark.parametrize(
    ("threshold", "exit_code"), [("13.2", 0), ("10", 0), ("13.3", 1), ("75", 1)]
)
def test_fail_under_exits_1_below_the_threshold(threshold: str, exit_code: int) -> None:
    code, _, err = gap("--fail-under", threshold)
    assert code == exit_code
    if exit_code:
        assert f"score 13.2 is below {threshold}" in err


@pytest.mark.parametrize("score", ["101", "-1", "nan", "inf"])
def test_fail_under_outside_0_to_100_is_a_usage_error(score: str) -> None:
    code, _, err = gap("--fail-under", score)
    assert code == 2
    assert "is not a score from 0 to 100" in err


# --- text ---------------------------------------------------------------------------------


def test_text_groups_by_top_level_clause_with_scores_evidence_and_findings() -> None:
    code, out, _ = gap("--no-color")
    assert code == 0
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "Clause coverage, ISO/IEC 20000-1:2018"

    def row(pattern: str) -> None:
        assert any(re.fullmatch(pattern, line) for line in lines), pattern

    row(r"4\s+Context of the organization\s+partial\s+87\.5\s+3 of 4 subclauses covered")
    row(r"\s+partial: 4\.3")
    row(r"5\s+Leadership\s+partial\s+50\.0\s+1 of 3 subclauses covered")
    row(r"\s+missing: 5\.1, 5\.3")
    row(r"6\s+Planning\s+missing\s+0\.0\s+no approved record evidences any of its subclauses")
    row(r"\s+5\.2\s+Policy\s+covered")
    row(r"\s+4\.3\s+Scope of the SMS\s+partial\s+EV-SCOPE\s+only evidence overdue for review")
    row(r"\s+4\.4\s+Service management system\s+covered\s+EV-SMS-OLD \(overdue\)")
    row(r"\s+EV-SMS")
    row(r"\s+5\.2\.1\s+Establishing the policy\s+covered\s+EV-POLICY")
    row(r"\s+8\.2\.4\s+Service catalogue management\s+covered\s+SVC-WEB\s+CAT001 \(waived\)")
    row(r"\s+8\.3\.3\s+Service level management\s+partial\s+SLA-WEB\s+open findings: SLM003")
    row(r"\s+8\.3\.4\.1\s+External suppliers\s+missing\s+no approved record evidences it")
    assert "Score 13.2: 6 covered, 3 partial, 48 missing of 57 leaf clauses" in out
    assert "partial: an unwaived error or warning" in out  # the legend


def test_quiet_text_leaves_out_the_legend() -> None:
    _, out, _ = gap("--no-color", "--quiet")
    assert "Score 13.2" in out
    assert "partial: an unwaived" not in out


@pytest.mark.slow
def test_colour_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, coloured, _ = gap()
    assert "\x1b[32mcovered" in coloured
    assert "\x1b[33mpartial" in coloured
    assert "\x1b[1;31mmissing" in coloured
    _, plain, _ = gap("--no-color")
    assert "\x1b[" not in plain


# --- the core function, with findings made by hand ----------------------------------------


def _coverage_with(*findings: Finding) -> dict[str, str]:
    workspace = load_workspace(FIXTURE)
    repository = load_repository(workspace, [])
    coverage = compute_coverage(
        repository.index, list(findings), load_catalogue("2018"), dt.date(2026, 6, 15),
        workspace.config,
    )
    return {c.id: c.status for c in coverage.clauses}


def _finding(severity: Severity, clauses: tuple[str, ...], waived: bool = False) -> Finding:
    return Finding("DOC001", severity, "made by hand", "records/x.yaml", 1, clauses=clauses,
                   waived=waived)


def test_a_finding_on_a_parent_clause_makes_every_evidenced_leaf_below_it_partial() -> None:
    statuses = _coverage_with(_finding(Severity.ERROR, ("5.2",)))
    assert statuses["5.2.1"] == statuses["5.2.2"] == statuses["5.2"] == "partial"
    assert statuses["5.1"] == "missing"  # a finding does not create evidence


def test_info_and_waived_findings_do_not_count() -> None:
    statuses = _coverage_with(
        _finding(Severity.INFO, ("5.2",)), _finding(Severity.WARNING, ("4.1",), waived=True)
    )
    assert statuses["5.2.1"] == statuses["4.1"] == "covered"


def test_score_rounds_half_up_to_one_decimal() -> None:
    assert score_of(1, 0, 8) == 12.5
    assert score_of(1, 1, 16) == 9.4  # 9.375
    assert score_of(0, 0, 0) == 0.0


# --- the example records --------------------------------------------------------------------


def test_example_records_score_between_50_and_90(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = cli.run("gap", "-f", "json", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    score = json.loads(result.stdout)["score"]
    assert 50 <= score <= 90


def test_rules_the_configuration_leaves_out_are_named_after_the_table() -> None:
    # The fixture runs E*, CAT001, SLM003 and WVR* only: every other clause-mapped rule, from
    # CAT002 on, did not run, and a covered clause must not be read as checked by them.
    code, out, err = gap()
    assert code == 0
    assert "By the configuration, CAT002, CAT003, SLM001, SLM002, SLM004, SLM005," in err
    assert "did not run (select/ignore): the clauses they test can show as covered" in err
    assert "By the configuration" not in out  # standard output stays the table alone
    _, _, quiet = gap("--quiet")
    assert "By the configuration" not in quiet


def test_a_rule_set_to_info_is_named_as_not_counted(tmp_path: Path) -> None:
    config = tmp_path / "itsm.toml"
    config.write_text('records = "records"\n[severity]\nDOC003 = "info"\n', encoding="utf-8")
    _, _, err = gap("-f", "json", "--config", str(config), str(FIXTURE / "records"))
    assert err.strip().endswith(
        "By the configuration, DOC003 was set to info (not counted): the clauses it tests can "
        "show as covered without that rule."
    )


def test_every_rule_counting_adds_no_note(tmp_path: Path) -> None:
    config = tmp_path / "itsm.toml"
    config.write_text('records = "records"\n[severity]\nSLM003 = "error"\n', encoding="utf-8")
    _, _, err = gap("-f", "json", "--config", str(config), str(FIXTURE / "records"))
    assert "By the configuration" not in err
