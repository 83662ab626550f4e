"""Coverage that cannot be inflated, on the fixture `tests/fixtures/gap/inflation/` (its README says
what fires where and why each clause has its status): binder Evidence (DOC005), a missing
Evidence location (DOC003, DOC001), mandatory documents only by their own clause, clauses a
kind evidences, the parent and 2011 roll-ups, DOC002 only on documents, and the `reason`
and `lastAudited` of the gap JSON, text and reports.

"Today" is 2026-11-23; the fixture runs only the E* and DOC* rules.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from itsm_cli.clauses.standard import load_catalogue
from itsm_cli.output.gap_json import coverage_to_json
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace
from itsm_cli.rules.coverage import compute_coverage
from tests.helpers import cli
from tests.helpers.paths import fixture

FIXTURE = fixture("gap") / "inflation"
TODAY = "2026-11-23"
BINDER_LEAVES = [
    "4.1", "4.2", "4.3", "4.4", "5.1", "5.2.1", "5.2.2", "5.3", "6.1", "6.2.1", "6.2.2", "6.3",
]  # fmt: skip
BINDER = "binder Evidence naming more than 8 leaf clauses (DOC005)"


@pytest.fixture(autouse=True)
def _in_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(FIXTURE)


def run(*args: str) -> tuple[int, str]:
    result = cli.run(*args, "--today", TODAY)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def findings() -> list[dict[str, Any]]:
    code, out = run("check", "-f", "json")
    assert code == 1  # DOC001 is an error
    found: list[dict[str, Any]] = json.loads(out)["findings"]
    return found


def clauses(*args: str) -> dict[str, dict[str, Any]]:
    code, out = run("gap", "-f", "json", *args)
    assert code == 0
    return {c["id"]: c for c in json.loads(out)["clauses"]}


def by_rule(rule: str) -> dict[str | None, list[dict[str, Any]]]:
    out: dict[str | None, list[dict[str, Any]]] = {}
    for f in findings():
        if f["rule"] == rule:
            out.setdefault(f["record"], []).append(f)
    return out


# --- the findings -------------------------------------------------------------------------


def test_exactly_the_findings_of_the_readme() -> None:
    missing = ["4.3", "4.4", "5.2", "6.2", "6.3", "8.2.2", "8.3.4.1", "8.3.4.2", "8.5.1.1", "8.7.2"]
    got = sorted((f["rule"], f["record"] or "", tuple(f["clauses"])) for f in findings())
    assert got == sorted(
        [
            *(("DOC001", "", (c,)) for c in missing),
            ("DOC002", "EV-SECURITY-POLICY", ("7.5.3",)),
            ("DOC003", "EV-CHANGE-POLICY", ("7.5.3", "8.5.1.1")),
            ("DOC005", "EV-SMS-BINDER", ("4", "5", "6")),
        ]
    )


def test_doc005_on_the_binder_with_the_arithmetic() -> None:
    (finding,) = by_rule("DOC005")["EV-SMS-BINDER"]
    assert finding["message"] == (
        "EV-SMS-BINDER names 3 clauses (4, 5, 6) that expand to 12 leaf clauses, more than "
        "evidence.maxLeafClauses = 8: one document is rarely evidence of each"
    )
    assert (finding["file"], finding["line"]) == ("records/evidence/binders.yaml", 15)
    # Near misses: 8 leaf clauses (EV-SUPPORT-MANUAL), a draft binder (EV-DRAFT-BINDER).
    assert set(by_rule("DOC005")) == {"EV-SMS-BINDER"}


def test_doc005_limit_from_the_configuration(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    config = repo / "itsm.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[evidence]\nmaxLeafClauses = 7\n")
    result = cli.run("check", str(repo / "records"), "-f", "json", "--today", TODAY,
                                 "--config", str(config))
    flagged = {f["record"] for f in json.loads(result.stdout)["findings"] if f["rule"] == "DOC005"}
    assert flagged == {"EV-SMS-BINDER", "EV-SUPPORT-MANUAL"}  # 8 > 7; 8.5's 7 leaves are not


@pytest.mark.parametrize(
    ("setting", "error"),
    [
        ("maxLeafClauses = 0", "setting 'evidence.maxLeafClauses': must be greater than 0"),
        ("maxLeafClauses = \"eight\"", "setting 'evidence.maxLeafClauses': must be a whole number"),
        (
            "maxLeaves = 8",
            "unknown setting 'evidence.maxLeaves' (did you mean 'evidence.maxLeafClauses'?)",
        ),
    ],
)
def test_evidence_max_leaf_clauses_is_validated(tmp_path: Path, setting: str, error: str) -> None:
    (tmp_path / "itsm.toml").write_text(f"[evidence]\n{setting}\n", encoding="utf-8")
    (tmp_path / "records").mkdir()
    result = cli.run("check", "--config", str(tmp_path / "itsm.toml"),
                                 str(tmp_path / "records"))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"itsm: error: itsm.toml: {error}"


def test_doc003_maps_to_7_5_3_and_the_clauses_of_the_evidence() -> None:
    (finding,) = by_rule("DOC003")["EV-CHANGE-POLICY"]
    assert finding["clauses"] == ["7.5.3", "8.5.1.1"]
    assert finding["message"] == (
        "location 'docs/policies/change-policy.md' does not exist in the repository"
    )


def test_doc001_an_evidence_with_a_missing_location_satisfies_nothing() -> None:
    missing = {f["clauses"][0]: f for f in by_rule("DOC001")[None]}
    change = missing["8.5.1.1"]
    assert change["hint"].startswith(
        "EV-CHANGE-POLICY would count but its location does not exist in the repository"
    )
    assert change["message"] == (
        "mandatory document 'Change management policy' (8.5.1.1): no approved Evidence "
        "names clause 8.5.1.1 in metadata.clauses: EV-CHANGE-POLICY does, but its location "
        "does not exist in the repository"
    )
    assert "8.7.3.1" not in missing  # EV-SECURITY-POLICY's file exists


def test_doc001_a_parent_clause_does_not_satisfy_a_mandatory_document() -> None:
    missing = {f["clauses"][0]: f for f in by_rule("DOC001")[None]}
    assert {"4.3", "4.4", "5.2", "6.2", "6.3"} <= set(missing)  # the binder names 4, 5, 6
    assert missing["4.3"]["hint"] == (
        "EV-SMS-BINDER names only a clause above 4.3, which does not make it this document: "
        "name 4.3 in the record that is the document."
    )


@pytest.mark.parametrize(
    ("clauses_named", "satisfied"),
    [('["8"]', False), ('["8.5"]', False), ('["8.5.1.1"]', True), ('["8.5.1.1", "8.6.1"]', True)],
)
def test_change_policy_only_by_its_own_clause(
    tmp_path: Path, clauses_named: str, satisfied: bool
) -> None:
    """An Evidence naming 8 (or 8.5) is no change management policy; naming 8.5.1.1 is. The
    DOC001 checklist of the gap report agrees with the rule."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "docs/policies/change-policy.md").write_text("# Change policy\n", encoding="utf-8")
    documents = repo / "records/evidence/documents.yaml"
    text = documents.read_text(encoding="utf-8")
    documents.write_text(text.replace('clauses: ["8.5.1.1"]', f"clauses: {clauses_named}", 1))
    result = cli.run("check", str(repo / "records"), "-f", "json", "--today", TODAY,
                                 "--config", str(repo / "itsm.toml"))
    doc001 = {f["clauses"][0] for f in json.loads(result.stdout)["findings"]
              if f["rule"] == "DOC001"}
    assert ("8.5.1.1" not in doc001) is satisfied
    report = cli.run("report", "gap", "-f", "md", str(repo / "records"),
                                 "--today", TODAY, "--config", str(repo / "itsm.toml"))
    checklist = "| 8.5.1.1 | Change management policy | Evidence | "
    row = next(x for x in report.stdout.splitlines() if x.startswith(checklist))
    assert row == checklist + ("EV-CHANGE-POLICY |" if satisfied else "**missing** |")


@pytest.mark.slow
def test_the_checklist_names_evidence_whose_location_is_missing() -> None:
    code, out = run("report", "gap", "-f", "md")
    assert code == 0
    row = next(x for x in out.splitlines() if x.startswith("| 8.5.1.1 | Change management"
                                                            " policy | Evidence | "))
    assert row.endswith("| **missing** (location missing: EV-CHANGE-POLICY) |")
    code, html = run("report", "gap", "-f", "html")
    assert "(location missing: <code>EV-CHANGE-POLICY</code>)" in html


def test_doc002_only_on_documents() -> None:
    flagged = set(by_rule("DOC002"))
    assert flagged == {"EV-SECURITY-POLICY"}  # a policy
    # Near misses: records of past events with an old lastReviewed.
    assert {"MEAS-WEB-2025-09", "EV-INCIDENT-LOG"}.isdisjoint(flagged)


# --- coverage -----------------------------------------------------------------------------


def test_the_binder_s_clauses_are_partial_with_the_reason() -> None:
    got = clauses()
    for leaf in BINDER_LEAVES:
        assert got[leaf]["status"] == "partial", leaf
        assert got[leaf]["evidence"] == ["EV-SMS-BINDER"]
        assert BINDER in got[leaf]["reason"], leaf
    assert got["4.1"]["reason"] == BINDER
    # 6.1 is shown operating by a Risk record, which the binder is not
    assert got["6.1"]["reason"] == f"no approved Risk record; {BINDER}"
    assert got["4.3"]["reason"] == f"{BINDER}; open findings: DOC001"
    # The near miss with 8 leaf clauses covers them.
    for leaf in ("7.1", "7.2", "7.3", "7.4", "7.6", "8.1", "8.2.1", "8.2.3"):
        assert (got[leaf]["status"], got[leaf]["reason"]) == ("covered", None), leaf


def test_a_missing_location_makes_the_clauses_of_the_evidence_partial() -> None:
    got = clauses()["8.5.1.1"]
    assert got["status"] == "partial"
    assert got["evidence"] == ["EV-TRANSITION-MANUAL", "EV-CHANGE-POLICY", "OPS-CHANGE-2026-10"]
    assert got["findings"] == ["DOC001", "DOC003"]
    assert got["reason"] == "Evidence location missing (DOC003); open findings: DOC001"


def test_a_clause_a_kind_evidences_needs_a_record_of_that_kind() -> None:
    got = clauses()
    # A ContinuityPlan evidences 8.7.1 and 8.7.2, and so does a Risk of category
    # availability or continuity: either shows the process operating.
    assert (got["8.7.1"]["status"], got["8.7.1"]["reason"]) == (
        "partial", "no approved ContinuityPlan or Risk record"
    )
    assert got["8.7.1"]["findings"] == []  # partial for no finding at all
    assert got["8.7.2"]["reason"] == (
        "no approved ContinuityPlan or Risk record; open findings: DOC001"
    )
    # A kind whose clause depends on its fields: the change ProcessReport evidences 8.5.1
    # (so every clause under it), but neither 8.5.3 (release) nor 8.6.1 (incident), which
    # Evidence alone only documents.
    for leaf in ("8.5.3", "8.6.1"):
        assert (got[leaf]["status"], got[leaf]["reason"]) == (
            "partial", "no approved ProcessReport record"
        ), leaf
    for leaf in ("8.5.1.2", "8.5.1.3"):
        assert (got[leaf]["status"], got[leaf]["evidence"]) == (
            "covered", ["EV-TRANSITION-MANUAL", "OPS-CHANGE-2026-10"]
        ), leaf
    # Near miss: the approved CapacityPlan beside the procedure.
    assert (got["8.4.3"]["status"], got["8.4.3"]["evidence"]) == (
        "covered", ["CAP-WEB", "EV-CAPACITY-PROCEDURE"]
    )


def test_a_plan_of_that_kind_mends_it(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "records/continuity").mkdir()
    (repo / "records/continuity/con-web.yaml").write_text(
        "apiVersion: itsm/v1\nkind: ContinuityPlan\nmetadata:\n  id: CON-WEB\n"
        "  title: Web continuity plan\n  owner: continuity-manager\n  status: approved\n"
        "  approved: {by: Head of Service Delivery, date: 2026-07-01}\n"
        "  lastReviewed: 2026-07-01\nspec:\n  services: [SVC-WEB]\n"
        "  invocation: Loss of the primary site for more than 1 h; the duty manager decides.\n"
        "  scenarios:\n    - {id: site-loss, description: Site lost, strategy: Fail over}\n"
        "  rto: PT4H\n  rpo: PT1H\n  returnToNormal: Fail back in a planned window.\n"
        "  testInterval: P12M\n",
        encoding="utf-8",
    )
    result = cli.run("gap", str(repo / "records"), "-f", "json", "--today", TODAY,
                                 "--config", str(repo / "itsm.toml"))
    got = {c["id"]: c for c in json.loads(result.stdout)["clauses"]}
    assert (got["8.7.1"]["status"], got["8.7.1"]["reason"]) == ("covered", None)
    assert got["8.7.1"]["evidence"] == ["CON-WEB", "EV-CONTINUITY-PROCEDURE"]


def test_records_of_past_events_are_never_overdue_evidence() -> None:
    got = clauses()
    # Evidence of type record (8.6.1) and the Measurements (9.4) are never overdue: 8.6.1 is
    # partial only for want of a ProcessReport.
    assert got["8.6.1"]["reason"] == "no approved ProcessReport record"
    assert got["9.4"]["status"] == "covered"
    assert (got["8.7.3.1"]["status"], got["8.7.3.1"]["reason"]) == (
        "partial", "only evidence overdue for review"
    )


def test_parents_roll_up() -> None:
    got = clauses()
    assert got["7"]["status"] == "partial"  # 7.1-7.4, 7.6 covered, 7.5 missing: mixed
    assert got["7"]["reason"] == "5 of 6 subclauses covered; missing: 7.5"
    assert got["7.5"]["status"] == "missing"  # every subclause missing
    assert got["7.5"]["reason"] == "no approved record evidences any of its subclauses"
    assert got["10"]["status"] == "missing"  # the draft binder evidences nothing
    assert (got["8.5.2"]["status"], got["8.5.2"]["reason"]) == ("covered", None)
    assert got["8.5.1"]["status"] == "partial"  # 8.5.1.1 partial, the others covered
    assert got["8.7"]["reason"] == "0 of 3 subclauses covered; partial: 8.7.1, 8.7.2, 8.7.3"


def test_edition_2011_rolls_up_the_same_way() -> None:
    got = clauses("--edition", "2011")
    assert got["6.3.1"]["status"] == "partial"  # → 8.7.1 and 8.7.2, both partial
    assert got["6.3.1"]["reason"] == (
        "2018 8.7.1 partial (no approved ContinuityPlan or Risk record); "
        "2018 8.7.2 partial (no approved ContinuityPlan or Risk record, open findings: DOC001)"
    )
    assert got["4.2"]["status"] == "partial"  # → 8.2.3 and 8.1 covered, 8.3.4.2 missing
    assert got["4.2"]["reason"] == (
        "2018 8.3.4.2 missing (no approved record evidences it); 2018 8.2.3, 8.1 covered"
    )
    assert (got["4.4.1"]["status"], got["4.4.1"]["reason"]) == ("covered", None)  # → 7.1
    assert got["9.1"]["status"] == "missing"  # → 8.2.6
    assert got["7"]["status"] == "missing"  # 7.1 and 7.2 both missing
    assert got["6"]["status"] == "partial"


def test_score() -> None:
    _, out = run("gap", "-f", "json")
    data = json.loads(out)
    leaves = [c for c in data["clauses"]
              if not any(o["id"].startswith(c["id"] + ".") for o in data["clauses"])]
    counts = [sum(c["status"] == s for c in leaves) for s in ("covered", "partial", "missing")]
    assert counts == [17, 18, 22]
    assert data["score"] == round((17 + 18 / 2) / 57 * 100, 1) == 45.6


def test_json_reason_and_last_audited_on_every_clause() -> None:
    _, out = run("gap", "-f", "json")
    for clause in json.loads(out)["clauses"]:
        assert list(clause)[-2:] == ["reason", "lastAudited"]
        assert (clause["reason"] is None) == (clause["status"] == "covered"), clause["id"]
        assert clause["lastAudited"] is None  # no Audit kind yet


def test_text_shows_the_reason_of_each_clause() -> None:
    code, out = run("gap", "--no-color")
    assert code == 0
    lines = out.splitlines()

    def row(pattern: str) -> None:
        assert any(re.fullmatch(pattern, line) for line in lines), pattern

    row(r"\s+4\.1\s+Understanding the organization and its context\s+partial\s+EV-SMS-BINDER"
        r"\s+binder Evidence naming more than 8 leaf clauses \(DOC005\)")
    row(r"\s+8\.7\.1\s+Service availability management\s+partial\s+EV-CONTINUITY-PROCEDURE"
        r"\s+no approved ContinuityPlan or Risk record")
    row(r"\s+8\.5\.1\.1\s+Change management policy\s+partial\s+EV-TRANSITION-MANUAL"
        r"\s+Evidence location missing \(DOC003\)")
    row(r"\s+open findings: DOC001")
    row(r"\s+8\.7\.3\.1\s+Information security policy\s+partial\s+EV-SECURITY-POLICY"
        r"\s+only evidence overdue for review")
    row(r"\s+9\.1\s+Monitoring, measurement, analysis and evaluation\s+missing"
        r"\s+no approved record evidences it")
    row(r"7\s+Support of the SMS\s+partial\s+55\.6\s+5 of 6 subclauses covered")
    row(r"10\s+Improvement\s+missing\s+0\.0\s+no approved record evidences any of its"
        r" subclauses")


def _audit(kind: str, state: str, day: dt.date, scope: list[str], status: str = "approved") -> Any:
    """A stand-in for an Audit record with the fields DESIGN §2 gives the kind."""
    spec = SimpleNamespace(type=kind, state=state, date=day, scope=scope)
    return SimpleNamespace(model=SimpleNamespace(metadata=SimpleNamespace(status=status),
                                                 spec=spec))


def test_last_audited_is_the_latest_internal_audit_done_whose_scope_holds_the_clause() -> None:
    """The Audit kind comes with another change; coverage reads its documented fields, so
    stand-ins show the rule: internal, done, on or before today, not retired; a scope entry
    holds the clauses below it."""
    workspace = load_workspace(FIXTURE)
    repository = load_repository(workspace)
    repository.index.by_kind["Audit"] = [
        _audit("internal", "done", dt.date(2026, 3, 10), ["8.7"]),
        _audit("internal", "done", dt.date(2026, 9, 1), ["8.7.2", "9"]),
        _audit("external", "done", dt.date(2026, 10, 1), ["8.7.1"]),  # not internal
        _audit("internal", "planned", dt.date(2026, 10, 15), ["8.7.1"]),  # not done
        _audit("internal", "done", dt.date(2026, 12, 1), ["8.7.1"]),  # after today
        _audit("internal", "done", dt.date(2026, 10, 20), ["8.7.1"], status="retired"),
    ]
    today = dt.date(2026, 11, 23)
    coverage = compute_coverage(
        repository.index, [], load_catalogue("2018"), today, workspace.config
    )
    last = {c.id: c.last_audited for c in coverage.clauses}
    assert last["8.7.1"] == dt.date(2026, 3, 10)
    assert last["8.7.2"] == dt.date(2026, 9, 1)
    assert last["8.7"] == dt.date(2026, 3, 10)  # the 2026-09 audit held only 8.7.2 of it
    assert last["9.2"] == last["9"] == dt.date(2026, 9, 1)
    assert last["8.6.1"] is None
    as_json = {c["id"]: c for c in coverage_to_json(coverage)["clauses"]}
    assert as_json["8.7.2"]["lastAudited"] == "2026-09-01"
    older = compute_coverage(repository.index, [], load_catalogue("2011"), today, workspace.config)
    mapped = {c.id: c.last_audited for c in older.clauses}
    assert mapped["6.3.1"] == dt.date(2026, 9, 1)  # → 8.7.1 and 8.7.2: the later one
    assert mapped["8.1"] is None
