"""`itsm due` lists the deadlines of the plan–do–check–act records: audits planned, risk
reassessments and actions, management review and corrective actions, and the day a major
nonconformity must be closed by (on the rule fixtures under tests/rules/)."""

from __future__ import annotations

import json

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
