"""`itsm due` lists the deadlines of the plan–do–check–act records: audits planned, risk
reassessments and actions, management review and corrective actions, and the day a major
nonconformity must be closed by (on the rule fixtures under tests/rules/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import cli
from tests.helpers.paths import RULES


def due(monkeypatch: pytest.MonkeyPatch, fixture: str) -> list[tuple[str, str, str, str]]:
    monkeypatch.chdir(RULES / fixture)
    result = cli.run("due", "--today", "2026-11-23", "-f", "json")
    assert result.exit_code == 0, result.output
    return [
        (d["date"], d["record"], d["deadline"], d["rule"])
        for d in json.loads(result.stdout)["deadlines"]
    ]


def test_planned_audits_and_major_nonconformities(monkeypatch: pytest.MonkeyPatch) -> None:
    assert due(monkeypatch, "audits") == [
        ("2026-12-14", "AUD-CONTINUITY-DEC", "audit", "AUD003"),  # the past one is AUD003
    ]
    found = due(monkeypatch, "nonconformities")
    assert ("2026-12-30", "NCR-MAJOR-RECENT", "major-nonconformity", "NCR003") in found
    assert not [d for d in found if d[1] == "NCR-MAJOR-OPEN"]  # 2026-08-30 has passed


def test_risk_and_review_actions_and_reassessments(monkeypatch: pytest.MonkeyPatch) -> None:
    found = due(monkeypatch, "risks")
    assert found[:2] == [
        ("2026-11-23", "RSK-DUE-TODAY", "risk-assessment", "RSK004"),
        ("2026-11-23", "RSK-LATE-ACTION", "risk-action", "RSK002"),
    ]
    assert due(monkeypatch, "management_reviews") == [
        ("2026-11-23", "MRV-2026", "review-action", "MRV003"),
    ]


def test_a_planned_audit_is_due_on_its_last_day(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AUD003 reports an audit still planned after its `end`: that is the day `due` gives
    (the audit runs 2026-12-10 to 2026-12-12), with the days it runs in the text."""
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "audit.yaml").write_text(
        "apiVersion: itsm/v1\nkind: Audit\n"
        "metadata: {id: AUD-DEC, title: December audit, owner: audit-manager}\n"
        "spec: {type: internal, state: planned, date: 2026-12-10, end: 2026-12-12,\n"
        "       auditor: Internal audit team, scope: ['8.7']}\n"
    )
    monkeypatch.chdir(tmp_path)
    result = cli.run("due", "--today", "2026-12-01", "-f", "json")
    assert result.exit_code == 0, result.output
    (deadline,) = json.loads(result.stdout)["deadlines"]
    assert (deadline["date"], deadline["rule"], deadline["what"]) == (
        "2026-12-12", "AUD003", "internal audit planned, 2026-12-10 to 2026-12-12"
    )
    assert deadline["line"] == 4  # the `end` it is computed from
    on_the_day = cli.run("check", "--today", "2026-12-12", "--select", "AUD003")
    assert "AUD003" not in on_the_day.stdout
    assert "AUD003 AUD-DEC is still planned" in cli.run(
        "check", "--today", "2026-12-13", "--select", "AUD003"
    ).stdout
