"""NCR001–NCR004 on the fixture in `tests/rules/nonconformities/` (see its README), and what
nonconformities do to `itsm gap`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import cli

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, RecordsAt, RunCheck

FIXTURE = Path(__file__).parent / "nonconformities"
Findings = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture
def findings(run_check: RunCheck, by_rule_and_record: ByRuleAndRecord) -> Findings:
    code, found = run_check(FIXTURE, "--select", "E,NCR")
    assert code == 1  # NCR002 is an error
    return by_rule_and_record(found)


def test_exactly_the_expected_findings(findings: Findings, records_at: RecordsAt) -> None:
    at = records_at(FIXTURE)

    def state(record: str) -> tuple[str, int]:
        return at("nonconformities/ncrs", "state:", f"id: {record}")

    located = sorted((r, i, f["file"], f["line"]) for (r, i), f in findings.items())
    assert located == sorted([
        ("NCR001", "NCR-LATE-ACTION", *at("nonconformities/ncrs", "due: 2026-10-31")),
        ("NCR004", "NCR-LATE-ACTION", *state("NCR-LATE-ACTION")),
        ("NCR002", "NCR-NO-CAUSE", *state("NCR-NO-CAUSE")),
        ("NCR002", "NCR-INEFFECTIVE", *at("nonconformities/ncrs", "effectiveness:",
                                          "id: NCR-INEFFECTIVE")),
        ("NCR003", "NCR-MAJOR-OPEN", *at("nonconformities/ncrs", "raised: 2026-06-01")),
        ("NCR004", "NCR-MAJOR-OPEN", *state("NCR-MAJOR-OPEN")),
        ("NCR003", "NCR-MAJOR-LATE", *at("nonconformities/ncrs", "closed: 2026-07-01",
                                         "id: NCR-MAJOR-LATE")),
        ("NCR004", "NCR-MAJOR-RECENT", *state("NCR-MAJOR-RECENT")),
    ])


def test_messages(findings: Findings) -> None:
    assert findings["NCR003", "NCR-MAJOR-OPEN"]["message"] == (
        "major nonconformity NCR-MAJOR-OPEN: raised 2026-06-01 + P90D = 2026-08-30, and it is "
        "still open"
    )
    assert findings["NCR003", "NCR-MAJOR-LATE"]["message"] == (
        "major nonconformity NCR-MAJOR-LATE: raised 2026-03-02 + P90D = 2026-05-31, but it "
        "was closed only 2026-07-01 (31 days late)"
    )
    assert findings["NCR002", "NCR-NO-CAUSE"]["message"] == "NCR-NO-CAUSE is closed with no cause"
    assert findings["NCR002", "NCR-INEFFECTIVE"]["message"] == (
        "NCR-INEFFECTIVE is closed with an effectiveness check (2026-07-01) that found it not "
        "effective"
    )
    assert findings["NCR004", "NCR-MAJOR-OPEN"]["clauses"] == ["8.7.2"]


def test_gap_open_nonconformities_make_their_clauses_partial(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(FIXTURE)
    result = cli.run("gap", "-f", "json", "--today", "2026-11-23")
    clauses = {c["id"]: c for c in json.loads(result.stdout)["clauses"]}
    assert clauses["8.7.1"]["status"] == "covered"
    # DOC001: a risk is no continuity plan, the mandatory document of 8.7.2
    assert (clauses["8.7.2"]["status"], clauses["8.7.2"]["findings"]) == (
        "partial", ["DOC001", "NCR004"]
    )
    assert clauses["8.7.2"]["reason"] == "open findings: DOC001, NCR004"
    assert clauses["10.1"]["evidence"] == ["NCR-LATE-ACTION"]
    assert clauses["10.2"]["evidence"] == ["NCR-OPPORTUNITY"]
    # a nonconformity evidences nothing of the clauses it is against
    assert (clauses["8.3.3"]["status"], clauses["8.3.3"]["evidence"]) == ("missing", [])
    assert clauses["8.3.3"]["lastAudited"] is None
