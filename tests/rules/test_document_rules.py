"""DOC001–DOC003 on the fixture in `tests/rules/documents/` (see its README), run through
`itsm check --select DOC`, through the core where a copy of the fixture is changed, and on
the example records."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from itsm_cli.clauses.standard import load_catalogue
from itsm_cli.findings import Finding
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace
from itsm_cli.rules import all_rules
from itsm_cli.rules.documents import find_missing_evidence_files, location_problem
from itsm_cli.rules.engine import check_repository
from itsm_cli.rules.registry import RuleContext

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RecordsAt, RunCheck, RunCheckText

FIXTURE = Path(__file__).parent / "documents"
EXAMPLES = Path(__file__).parents[2]


def core_check(repo: Path, select: str = "DOC") -> list[Finding]:
    workspace = load_workspace(repo)
    config = workspace.config.overlay(select=(select,))
    repository = load_repository(workspace)
    return check_repository(repository, dt.date(2026, 11, 23), config).findings


@pytest.fixture
def findings(run_check: RunCheck) -> list[Any]:
    code, found = run_check(FIXTURE, "--select", "E,DOC")
    assert code == 1  # DOC001 is an error
    return found


def test_exactly_the_expected_findings(findings: list[Any], records_at: RecordsAt) -> None:
    """The records validate (no E findings); every near-miss of the README stays silent."""
    at = records_at(FIXTURE)  # at("evidence/reviews", "lastReviewed: 2025-09-30"): file, line
    assert [(f["rule"], f["record"], f["file"], f["line"]) for f in findings] == [
        ("DOC001", None, "itsm.toml", 1),
        ("DOC001", None, "itsm.toml", 1),
        ("DOC001", None, "itsm.toml", 1),
        ("DOC002", "SLA-WEB", *at("agreements/agreements", "lastReviewed: 2026-05-01")),
        ("DOC003", "EV-BOARD-MINUTES", *at("evidence/locations", "location: docs/minutes")),
        ("DOC003", "EV-OUTSIDE", *at("evidence/locations", "location: ../secrets.txt")),
        ("DOC003", "EV-ABSOLUTE", *at("evidence/locations", "location: /etc/passwd")),
        ("DOC003", "EV-DRAFT-RUNBOOK", *at("evidence/locations", "location: docs/runbooks")),
        ("DOC002", "EV-INFOSEC-POLICY", *at("evidence/reviews", "lastReviewed: 2025-09-30")),
        ("DOC002", "EV-NEVER-REVIEWED", *at("evidence/reviews", "metadata:", "DOC002 fires at")),
    ]


def test_doc001_one_finding_per_missing_document(findings: list[Any]) -> None:
    missing = [f for f in findings if f["rule"] == "DOC001"]
    assert [(f["clauses"], f["message"], f["severity"]) for f in missing] == [
        (["8.5.1.1"], "mandatory document 'Change management policy' (8.5.1.1): no approved "
         "Evidence names clause 8.5.1.1 in metadata.clauses", "error"),
        (["8.3.4.1"], "mandatory document 'Contracts with external suppliers' (8.3.4.1): no "
         "approved external Supplier", "error"),
        (["8.7.2"], "mandatory document 'Service continuity plan' (8.7.2): no approved "
         "ContinuityPlan", "error"),
    ]
    hints = [f["hint"] for f in missing]
    assert hints[0].startswith("EV-CHANGE-POLICY would count but is a draft: approve it")
    assert hints[1].startswith("SUP-CARRIER would count but is a draft")
    assert hints[2] == all_rules()["DOC001"].hint  # a retired plan is no draft to approve


def test_doc001_names_the_drafts_as_related_locations(line_of: LineOf) -> None:
    found = {f.clauses: f for f in core_check(FIXTURE, "DOC001")}
    draft = "records/evidence/mandatory.yaml"
    line = line_of(FIXTURE, draft, "id: EV-CHANGE-POLICY")
    assert found["8.5.1.1",].related == (f"{draft}:{line}",)
    assert found["8.7.2",].related == ()


def test_doc001_fingerprint_depends_on_the_clause_only(tmp_path: Path) -> None:
    """Deleting the draft changes the hint and `related`, not the fingerprint."""
    before = {f.clauses: f.fingerprint for f in core_check(FIXTURE, "DOC001")}
    assert len(set(before.values())) == 3
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    mandatory = repo / "records/evidence/mandatory.yaml"
    text = mandatory.read_text(encoding="utf-8")
    mandatory.write_text(text[: text.rindex("---")], encoding="utf-8")
    after = {f.clauses: f for f in core_check(repo, "DOC001")}
    assert after["8.5.1.1",].related == ()
    assert {c: f.fingerprint for c, f in after.items()} == before


def test_doc001_registered_on_every_mandatory_clause() -> None:
    mandatory = tuple(c.id for c in load_catalogue("2018").mandatory_documents())
    assert len(mandatory) == 13
    assert all_rules()["DOC001"].clauses == mandatory


def test_doc002_messages(findings: list[Any]) -> None:
    messages = {f["record"]: f["message"] for f in findings if f["rule"] == "DOC002"}
    assert messages == {
        "EV-INFOSEC-POLICY": "last reviewed 2025-09-30 + P12M (default for Evidence) = "
        "2026-09-30: the review is overdue",
        "EV-NEVER-REVIEWED": "EV-NEVER-REVIEWED is approved but has never been reviewed (no "
        "lastReviewed; interval P12M, default for Evidence)",
        "SLA-WEB": "last reviewed 2026-05-01 + P6M (configured for SLA) = 2026-11-01: the "
        "review is overdue",
    }


def test_doc002_by_the_calendar(run_check: RunCheck) -> None:
    """EV-CALENDAR was last reviewed 2025-11-25: due 2026-11-25, late from 2026-11-26."""
    for day, late in (("2026-11-25", False), ("2026-11-26", True)):
        _, found = run_check(FIXTURE, "--select", "DOC002", today=day)
        records = {f["record"] for f in found}
        assert ("EV-CALENDAR" in records) is late


def test_doc003_messages(findings: list[Any]) -> None:
    messages = {f["record"]: f["message"] for f in findings if f["rule"] == "DOC003"}
    assert messages == {
        "EV-BOARD-MINUTES": "location 'docs/minutes/2026-10-board.pdf' does not exist in the "
        "repository",
        "EV-OUTSIDE": "location '../secrets.txt' leads outside the repository; refused, not "
        "followed",
        "EV-ABSOLUTE": "location '/etc/passwd' is an absolute path; give a path relative to "
        "the repository root, or a URL",
        "EV-DRAFT-RUNBOOK": "location 'docs/runbooks/restore.md' does not exist in the "
        "repository",
    }


def test_doc003_is_mapped_to_the_clauses_of_approved_evidence(findings: list[Any]) -> None:
    clauses = {f["record"]: f["clauses"] for f in findings if f["rule"] == "DOC003"}
    assert clauses == {
        "EV-BOARD-MINUTES": ["7.5.3", "9.3"],
        "EV-OUTSIDE": ["7.5.3"],  # it names 7.5.3 itself: listed once
        "EV-ABSOLUTE": ["7.5.3"],
        "EV-DRAFT-RUNBOOK": ["7.5.3"],  # a draft: its 8.7.2 is evidenced by nothing
    }
    assert all_rules()["DOC003"].clauses == ("7.5.3",)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_doc003_link_out_of_the_repository_is_not_followed(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    secret = tmp_path / "secret.txt"
    secret.write_text("not evidence\n", encoding="utf-8")
    (repo / "docs/minutes").mkdir()
    (repo / "docs/minutes/2026-10-board.pdf").symlink_to(secret)
    found = {f.record: f.message for f in core_check(repo, "DOC003")}
    assert found["EV-BOARD-MINUTES"] == (
        "location 'docs/minutes/2026-10-board.pdf' is a link that leads outside the "
        "repository; refused, not followed"
    )


def test_doc003_a_location_with_a_line_break_is_quoted_on_one_line(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    locations = repo / "records/evidence/locations.yaml"
    text = locations.read_text(encoding="utf-8")
    locations.write_text(
        text.replace("location: docs/minutes/2026-10-board.pdf", 'location: "docs/a\\nb.md"'),
        encoding="utf-8",
    )
    found = {f.record: f.message for f in core_check(repo, "DOC003")}
    assert found["EV-BOARD-MINUTES"] == "location 'docs/a\\nb.md' does not exist in the repository"


def test_doc003_a_file_added_mends_the_finding(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "docs/minutes").mkdir()
    (repo / "docs/minutes/2026-10-board.pdf").write_bytes(b"%PDF-1.7\n")
    records = {f.record for f in core_check(repo, "DOC003")}
    assert "EV-BOARD-MINUTES" not in records
    assert "EV-OUTSIDE" in records


def test_doc003_needs_the_repository_root() -> None:
    workspace = load_workspace(FIXTURE)
    repository = load_repository(workspace)
    context = RuleContext(
        repository.index, dt.date(2026, 11, 23), workspace.config, all_rules()["DOC003"]
    )
    assert list(find_missing_evidence_files(context)) == []


@pytest.mark.parametrize(
    ("location", "problem"),
    [
        ("https://intranet.example/sms/policy", None),
        ("sftp://files.example/policy.pdf", None),
        ("docs/policies/sm-policy.md", None),
        ("./docs/policies/../policies/sm-policy.md", None),
        ("docs\\policies\\sm-policy.md", None),
        ("docs/nothing.md", "location 'docs/nothing.md' does not exist in the repository"),
        ("www.example.com/policy", "location 'www.example.com/policy' does not exist in the "
         "repository"),
        ("docs/../../x.md", "location 'docs/../../x.md' leads outside the repository; refused, "
         "not followed"),
        ("C:\\policies\\sm.docx", "location 'C:\\policies\\sm.docx' is an absolute path; give "
         "a path relative to the repository root, or a URL"),
        ("docs/a\x00b.md", "location 'docs/a\x00b.md' is not a path: it holds a NUL character"),
        (f"docs/{'x' * 300}.md", f"location 'docs/{'x' * 300}.md' cannot be resolved in the "
         "repository (file name too long)"),
    ],
)
def test_location_problem(location: str, problem: str | None) -> None:
    assert location_problem(location, FIXTURE) == problem


def test_text_output_places_doc001_on_the_config_file(run_check_text: RunCheckText) -> None:
    code, output = run_check_text(FIXTURE, "--select", "DOC001")
    assert code == 1
    assert output.startswith(
        "itsm.toml:1:1: DOC001 mandatory document 'Change management policy' (8.5.1.1)"
    )


def test_example_records(run_check: RunCheck, line_of: LineOf) -> None:
    """records/README.md: DOC001 for 8.5.1.1 (EV-CHANGE-POLICY is a draft) and DOC002 for
    EV-INFOSEC-POLICY; every Evidence location is a URL (no DOC003)."""
    _, found = run_check(EXAMPLES, "--select", "DOC")
    policy = "records/evidence/ev-infosec-policy.yaml"
    assert [(f["rule"], f["record"], f["file"], f["line"], f["clauses"]) for f in found] == [
        ("DOC001", None, "pyproject.toml", 1, ["8.5.1.1"]),
        ("DOC002", "EV-INFOSEC-POLICY", policy, line_of(EXAMPLES, policy, "lastReviewed:"),
         ["7.5.3"]),
    ]
    assert found[0]["hint"].startswith("EV-CHANGE-POLICY would count but is a draft")
    assert "2026-09-30" in found[1]["message"]
