"""RSK001–RSK005 on the fixture in `tests/rules/risks/` (see its README), through
`itsm check --select E,RSK`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, RecordsAt, RunCheck

FIXTURE = Path(__file__).parent / "risks"
Findings = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture
def findings(run_check: RunCheck, by_rule_and_record: ByRuleAndRecord) -> Findings:
    code, found = run_check(FIXTURE, "--select", "E,RSK")
    assert code == 1  # RSK001 and RSK003 are errors
    return by_rule_and_record(found)


def test_exactly_the_expected_findings(findings: Findings, records_at: RecordsAt) -> None:
    """No E findings, and every near miss (RSK-ONE-CONTROL at 12 with a control,
    RSK-BELOW-HIGH at 10 with nothing, the action due today, the assessment due today, the
    accepted and the low residual risks, the retired one) stays silent."""
    at = records_at(FIXTURE)
    located = sorted((rule, record, f["file"], f["line"]) for (rule, record), f in findings.items())
    assert located == [
        ("RSK001", "RSK-NO-TREATMENT", *at("risks/risks", "treatment: mitigate",
                                           "id: RSK-NO-TREATMENT")),
        ("RSK002", "RSK-LATE-ACTION", *at("risks/risks", "due: 2026-10-31")),
        ("RSK003", "RSK-ACCEPT-NOBODY", *at("risks/risks", "treatment: accept",
                                            "id: RSK-ACCEPT-NOBODY")),
        ("RSK004", "RSK-STALE", *at("risks/risks", "assessed: 2025-06-12")),
        ("RSK005", "RSK-RESIDUAL-HIGH", *at("risks/risks", "residual: {likelihood: 3")),
    ]


def test_messages_give_the_arithmetic(findings: Findings) -> None:
    assert findings["RSK001", "RSK-NO-TREATMENT"]["message"] == (
        "RSK-NO-TREATMENT: score 4 × 4 = 16 ≥ 12 (risk.high) and treatment mitigate, but no "
        "controls and no actions"
    )
    assert findings["RSK004", "RSK-STALE"]["message"] == (
        "assessed 2025-06-12 + P12M (risk.assessmentInterval) = 2026-06-12: the reassessment "
        "is overdue"
    )
    assert findings["RSK005", "RSK-RESIDUAL-HIGH"]["message"] == (
        "RSK-RESIDUAL-HIGH: its one action is done, but residual score 3 × 4 = 12 ≥ 12 "
        "(risk.high) and the risk is not accepted"
    )
    assert findings["RSK002", "RSK-LATE-ACTION"]["message"] == (
        "action 'Add a second carrier' (owner network-manager) was due 2026-10-31 and is "
        "still open, 23 days late"
    )


def test_security_risks_map_to_8_7_3_2(findings: Findings) -> None:
    f = findings["RSK001", "RSK-NO-TREATMENT"]
    assert (f["severity"], f["clauses"]) == ("error", ["6.1", "8.7.3.2"])
    assert findings["RSK004", "RSK-STALE"]["clauses"] == ["6.1"]  # a service risk


def test_thresholds_come_from_the_configuration(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, tmp_path: Path
) -> None:
    """risk.high 10 makes RSK-BELOW-HIGH (2 × 5 = 10, nothing) fire RSK001; an
    assessmentInterval of P24M lets RSK-STALE be."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "itsm.toml").write_text(
        'records = "records"\n[risk]\nhigh = 10\nassessmentInterval = "P24M"\n'
    )
    _, found = run_check(repo, "--select", "RSK")
    keyed = by_rule_and_record(found)
    assert keyed["RSK001", "RSK-BELOW-HIGH"]["message"].startswith(
        "RSK-BELOW-HIGH: score 2 × 5 = 10 ≥ 10 (risk.high)"
    )
    assert ("RSK004", "RSK-STALE") not in keyed


def test_a_repository_without_audits_or_reviews_has_held_none(run_check: RunCheck) -> None:
    """No Audit and no ManagementReview record at all: no internal audit was done and no
    management review held (AUD002, MRV001), each said once about the repository, on the
    file DOC001 findings are placed on."""
    code, found = run_check(FIXTURE, "--select", "AUD,MRV")
    assert code == 1
    assert [(f["rule"], f["record"], f["file"], f["line"]) for f in found] == [
        ("AUD002", None, "itsm.toml", 1),
        ("MRV001", None, "itsm.toml", 1),
    ]
    assert found[0]["message"] == (
        "no internal audit done within audit.cycle P12M: the repository holds no Audit "
        "record (a retired one counts for nothing)"
    )
