"""The hint of an E003, E004 (a reference to nothing) or E005 finding is the "How to fix" of
`itsm explain` for its code, word for word: both come from one declaration. On the fixture
tests/fixtures/record_hints (see its README)."""

from __future__ import annotations

import json

import pytest

from itsm_cli.records.models import KINDS
from tests.helpers import cli
from tests.helpers.paths import fixture

FIXTURE = fixture("record_hints")


def _json(*args: str) -> dict[str, object]:
    result = cli.run(*args, "-f", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.fixture
def findings(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    monkeypatch.chdir(FIXTURE)
    found = _json("validate")["findings"]
    assert isinstance(found, list)
    return found


def test_the_fixture_gives_the_findings_its_readme_lists(
    findings: list[dict[str, object]],
) -> None:
    assert [(f["rule"], f["file"], f["line"]) for f in findings] == [
        ("E005", "records/api.yaml", 1),
        ("E005", "records/kind.yaml", 2),
        ("E003", "records/svc-a2.yaml", 4),
        ("E004", "records/svc-b.yaml", 12),
    ]


@pytest.mark.parametrize("code", ["E003", "E004", "E005"])
def test_finding_hint_is_the_hint_itsm_explain_gives(
    findings: list[dict[str, object]], code: str
) -> None:
    explained = _json("explain", code)["hint"]
    hints = {f["hint"] for f in findings if f["rule"] == code}
    assert hints == {explained}


def test_e005_hint_names_the_kinds_and_the_readme_section() -> None:
    hint = _json("explain", "E005")["hint"]
    kinds = ", ".join(KINDS)
    assert kinds.startswith("Service, SLA, OLA, Supplier, CapacityPlan, ContinuityPlan")
    assert hint == (
        f"Use `apiVersion: itsm/v1` and one of the kinds {kinds} (see the README, section Records)."
    )
