"""AUD001–AUD004 on the fixture in `tests/rules/audits/` (see its README), through
`itsm check --select E,AUD`, and the audit dates in `itsm gap`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import cli

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, RecordsAt, RunCheck

FIXTURE = Path(__file__).parent / "audits"
UNAUDITED = ["8.7.1", "8.7.2", "8.7.3.1", "8.7.3.2", "8.7.3.3"]


@pytest.fixture
def found(run_check: RunCheck) -> list[dict[str, Any]]:
    code, findings = run_check(FIXTURE, "--select", "E,AUD")
    assert code == 1  # AUD004 is an error
    return findings


def test_exactly_the_expected_findings(found: list[dict[str, Any]], records_at: RecordsAt) -> None:
    """The certification and the cancelled audit of 8.7 do not count for AUD001; the audit
    planned for next month is no AUD003; F1 (names NCR-F1) and F3 (observation) no AUD004."""
    at = records_at(FIXTURE)
    scope = at("audits/audits", "scope:", "id: AUD-2026-INTERNAL")
    located = sorted((f["rule"], f["record"], f["file"], f["line"]) for f in found)
    assert located == sorted([
        *[("AUD001", "AUD-2026-INTERNAL", *scope)] * 5,
        ("AUD003", "AUD-SUPPLIER-OCT", *at("audits/audits", "state: planned",
                                           "id: AUD-SUPPLIER-OCT")),
        ("AUD004", "AUD-2026-INTERNAL", *at("audits/audits", "id: F2")),
    ])


def test_aud001_one_finding_per_clause_with_the_arithmetic(found: list[dict[str, Any]]) -> None:
    aud001 = [f for f in found if f["rule"] == "AUD001"]
    assert [f["message"].split(" (")[0] for f in aud001] == [f"clause {c}" for c in UNAUDITED]
    assert aud001[1]["message"] == (
        "clause 8.7.2 (Service continuity management) is in the scope of no internal audit "
        "done within audit.cycle P12M (since 2025-11-23): audited last 2025-06-12 + P12M = "
        "2026-06-12"
    )
    assert len({f["message"] for f in aud001}) == 5
    assert all(f["clauses"] == ["9.2"] for f in aud001)


def test_aud003_and_aud004_messages(found: list[dict[str, Any]]) -> None:
    by_rule = {f["rule"]: f for f in found if f["rule"] != "AUD001"}
    assert by_rule["AUD003"]["message"] == (
        "AUD-SUPPLIER-OCT is still planned, but its end 2026-10-06 has passed (48 days before "
        "today)"
    )
    assert by_rule["AUD004"]["message"] == (
        "major finding F2 (clause 8.5.1) of AUD-2026-INTERNAL names no Nonconformity"
    )
    assert (by_rule["AUD004"]["severity"], by_rule["AUD004"]["clauses"]) == (
        "error", ["9.2", "10.1"]
    )


def test_aud003_the_day_after_the_end(run_check: RunCheck) -> None:
    _, found = run_check(FIXTURE, "--select", "AUD003", today="2026-10-07")
    assert [f["message"] for f in found if f["record"] == "AUD-SUPPLIER-OCT"] == [
        "AUD-SUPPLIER-OCT is still planned, but its end 2026-10-06 has passed (1 day before "
        "today)"
    ]


def test_aud002_when_the_cycle_has_passed(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> None:
    """A year on, the latest internal audit is out of the cycle: AUD002 once, AUD001 silent
    (it speaks only when an internal audit was done in the cycle)."""
    _, found = run_check(FIXTURE, "--select", "AUD001,AUD002", today="2027-07-01")
    keyed = by_rule_and_record(found)
    assert list(keyed) == [("AUD002", "AUD-2026-INTERNAL")]
    assert keyed["AUD002", "AUD-2026-INTERNAL"]["message"] == (
        "no internal audit done within audit.cycle P12M: audited last 2026-06-12 + P12M = "
        "2027-06-12"
    )
    assert keyed["AUD002", "AUD-2026-INTERNAL"]["severity"] == "error"


def _audit(id_: str, date: str, scope: str) -> str:
    return (
        f"apiVersion: itsm/v1\nkind: Audit\nmetadata: {{id: {id_}, title: {id_}, owner: qm}}\n"
        f"spec: {{type: internal, state: done, date: {date}, auditor: QA, scope: [{scope}]}}\n"
    )


def test_aud001_since_is_the_first_day_in_the_cycle_at_a_month_end(
    run_check: RunCheck, tmp_path: Path
) -> None:
    """On 2024-02-29, 2024-02-29 less P12M is 2023-02-28, but an audit of 2023-02-28 is out
    of the cycle (2023-02-28 + P12M = 2024-02-28, before today). The message's "since" is the
    first day that is in it, 2023-03-01, as the verdict on the two audits shows."""
    (tmp_path / "itsm.toml").write_text('records = "records"\n', encoding="utf-8")
    audits = tmp_path / "records" / "audits"
    audits.mkdir(parents=True)
    (audits / "audits.yaml").write_text(
        _audit("AUD-FEB", "2023-02-28", '"8.7"') + "---\n"
        + _audit("AUD-MAR", "2023-03-01", '"4", "5", "6", "7", "8.1", "8.2", "8.3", "8.4", '
                 '"8.5", "8.6", "9", "10"'),
        encoding="utf-8",
    )
    _, found = run_check(tmp_path, "--select", "AUD001", today="2024-02-29")
    messages = [f["message"] for f in found if f["rule"] == "AUD001"]
    assert [m.split(" (")[0] for m in messages] == [f"clause {c}" for c in UNAUDITED]
    assert messages[0] == (
        "clause 8.7.1 (Service availability management) is in the scope of no internal "
        "audit done within audit.cycle P12M (since 2023-03-01): audited last 2023-02-28 + "
        "P12M = 2024-02-28"
    )


def test_gap_shows_last_audited_and_an_audit_evidences_9_2_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURE)
    result = cli.run("gap", "-f", "json", "--today", "2026-11-23")
    clauses = {c["id"]: c for c in json.loads(result.stdout)["clauses"]}
    assert clauses["8.3.3"]["lastAudited"] == "2026-06-12"
    assert clauses["8.7.2"]["lastAudited"] == "2025-06-12"  # the certification is not internal
    assert clauses["9.2"]["evidence"] == ["AUD-2025-INTERNAL", "AUD-2026-INTERNAL"]
    assert "AUD001" in clauses["9.2"]["findings"]
    # the scope is what was audited, not what the audit evidences
    assert (clauses["8.3.3"]["status"], clauses["8.3.3"]["evidence"]) == ("missing", [])


def test_gap_2011_parents_carry_the_latest_audit_of_their_subclauses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURE)
    result = cli.run("gap", "-f", "json", "--today", "2026-11-23", "--edition", "2011")
    clauses = {c["id"]: c for c in json.loads(result.stdout)["clauses"]}
    for parent in ("4", "4.1", "6"):
        children = [c for i, c in clauses.items() if i.rpartition(".")[0] == parent]
        dates = [c["lastAudited"] for c in children if c["lastAudited"]]
        assert dates and clauses[parent]["lastAudited"] == max(dates), parent
