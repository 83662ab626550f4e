"""CAT001–CAT003 on the fixture catalogue in `tests/rules/catalogue/` (see its README), run
through `itsm check --select CAT`, and on the example records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from itsm_cli.cli.main import app

FIXTURE = Path(__file__).parent / "catalogue"
EXAMPLES = Path(__file__).parents[2]
TODAY = "2026-11-23"
runner = CliRunner()


def check(repo: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, list[Any]]:
    monkeypatch.chdir(repo)
    result = runner.invoke(app, ["check", "--today", TODAY, "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)["findings"]


def line_of(repo: Path, file: str, text: str) -> int:
    """The line of `file` holding `text` (which must occur once)."""
    lines = (repo / file).read_text(encoding="utf-8").splitlines()
    hits = [n for n, line in enumerate(lines, start=1) if text in line]
    assert len(hits) == 1, (file, text, hits)
    return hits[0]


@pytest.fixture
def findings(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], dict[str, Any]]:
    code, found = check(FIXTURE, monkeypatch, "--select", "E,CAT")  # E: the fixture is valid
    assert code == 1  # CAT003 is an error
    by_key = {(f["rule"], f["record"]): f for f in found}
    assert len(by_key) == len(found), "one finding per rule and record"
    return by_key


def test_exactly_the_expected_findings(findings: dict[tuple[str, str], Any]) -> None:
    assert sorted(findings) == [
        ("CAT001", "SVC-STORAGE"),
        ("CAT002", "SVC-BACKUP"),
        ("CAT002", "SVC-REPORTING"),
        ("CAT003", "SVC-DATABASE"),
    ]


def test_cat001_live_service_not_approved_points_at_status(
    findings: dict[tuple[str, str], Any],
) -> None:
    f = findings["CAT001", "SVC-STORAGE"]
    assert f["severity"] == "warning"
    assert f["file"] == "records/services/svc-storage.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "status: draft")
    assert f["message"] == "live service SVC-STORAGE is draft, not approved"
    assert f["clauses"] == ["8.2.4"]
    assert f["hint"]


def test_cat002_missing_dependson_points_at_spec(findings: dict[tuple[str, str], Any]) -> None:
    f = findings["CAT002", "SVC-BACKUP"]
    assert f["severity"] == "warning"
    assert f["line"] == line_of(FIXTURE, f["file"], "spec:")
    assert f["message"] == "live critical service SVC-BACKUP declares no dependencies"


def test_cat002_empty_dependson_points_at_the_list(findings: dict[tuple[str, str], Any]) -> None:
    f = findings["CAT002", "SVC-REPORTING"]
    assert f["file"] == "records/services/svc-reporting.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "dependsOn: []")
    assert "live high service SVC-REPORTING" in f["message"]


def test_cat003_points_at_the_retired_dependency(findings: dict[tuple[str, str], Any]) -> None:
    f = findings["CAT003", "SVC-DATABASE"]
    assert f["severity"] == "error"
    assert f["file"] == "records/services/svc-database.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "- SVC-LEGACY-MAIL")
    assert f["message"] == "live service SVC-DATABASE depends on SVC-LEGACY-MAIL, which is retired"


def test_near_misses_do_not_fire(findings: dict[tuple[str, str], Any]) -> None:
    records = {record for _, record in findings}
    # approved and documented; in the pipeline; retired; medium criticality without deps
    assert not records & {"SVC-WEB", "SVC-ANALYTICS", "SVC-LEGACY-MAIL"}
    assert ("CAT002", "SVC-STORAGE") not in findings


def test_text_output_names_file_line_and_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    result = runner.invoke(app, ["check", "--today", TODAY, "--select", "CAT003", "--no-color"])
    assert result.exit_code == 1
    line = line_of(FIXTURE, "records/services/svc-database.yaml", "- SVC-LEGACY-MAIL")
    assert f"records/services/svc-database.yaml:{line}:" in result.stdout
    assert "CAT003" in result.stdout


def test_example_records_have_no_catalogue_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    code, found = check(EXAMPLES, monkeypatch, "records", "--select", "CAT")
    assert found == []
    assert code == 0


@pytest.mark.parametrize("prefix", ["CAT", "SLM", "SUP"])
def test_rules_are_documented_for_itsm_rules_and_explain(prefix: str) -> None:
    import yaml

    from itsm_cli.rules.registry import all_rules

    rules = [r for code, r in all_rules().items() if code.startswith(prefix)]
    assert [r.code for r in rules] == [f"{prefix}00{n}" for n in range(1, len(rules) + 1)]
    for entry in rules:
        assert entry.summary.endswith(".") and "\n" not in entry.summary
        assert len(entry.rationale) > 80 and entry.hint
        assert entry.clauses and entry.check is not None
        for snippet in (entry.failing, entry.passing):
            assert isinstance(yaml.safe_load(snippet), dict), (entry.code, snippet)
