"""CAT001–CAT003 on the fixture catalogue in `tests/rules/catalogue/` (see its README), run
through `itsm check --select CAT`, and on the example records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, LineOf, RunCheck, RunCheckText

FIXTURE = Path(__file__).parent / "catalogue"
EXAMPLES = Path(__file__).parents[2]


@pytest.fixture
def findings(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> dict[tuple[str, str], dict[str, Any]]:
    code, found = run_check(FIXTURE, "--select", "E,CAT")  # E: the fixture is valid
    assert code == 1  # CAT003 is an error
    return by_rule_and_record(found)


def test_exactly_the_expected_findings(findings: dict[tuple[str, str], Any]) -> None:
    assert sorted(findings) == [
        ("CAT001", "SVC-STORAGE"),
        ("CAT002", "SVC-BACKUP"),
        ("CAT002", "SVC-REPORTING"),
        ("CAT003", "SVC-DATABASE"),
    ]


def test_cat001_live_service_not_approved_points_at_status(
    findings: dict[tuple[str, str], Any], line_of: LineOf
) -> None:
    f = findings["CAT001", "SVC-STORAGE"]
    assert f["severity"] == "warning"
    assert f["file"] == "records/services/svc-storage.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "status: draft")
    assert f["message"] == "live service SVC-STORAGE is draft, not approved"
    assert f["clauses"] == ["8.2.4"]
    assert f["hint"]


def test_cat002_missing_dependson_points_at_spec(
    findings: dict[tuple[str, str], Any], line_of: LineOf
) -> None:
    f = findings["CAT002", "SVC-BACKUP"]
    assert f["severity"] == "warning"
    assert f["line"] == line_of(FIXTURE, f["file"], "spec:")
    assert f["message"] == "live critical service SVC-BACKUP declares no dependencies"


def test_cat002_empty_dependson_points_at_the_list(
    findings: dict[tuple[str, str], Any], line_of: LineOf
) -> None:
    f = findings["CAT002", "SVC-REPORTING"]
    assert f["file"] == "records/services/svc-reporting.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "dependsOn: []")
    assert "live high service SVC-REPORTING" in f["message"]


def test_cat003_points_at_the_retired_dependency(
    findings: dict[tuple[str, str], Any], line_of: LineOf
) -> None:
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


def test_text_output_names_file_line_and_rule(
    run_check_text: RunCheckText, line_of: LineOf
) -> None:
    code, output = run_check_text(FIXTURE, "--select", "CAT003")
    assert code == 1
    line = line_of(FIXTURE, "records/services/svc-database.yaml", "- SVC-LEGACY-MAIL")
    assert f"records/services/svc-database.yaml:{line}:" in output
    assert "CAT003" in output


def test_example_records_have_no_catalogue_findings(run_check: RunCheck) -> None:
    code, found = run_check(EXAMPLES, "records", "--select", "CAT")
    assert found == []
    assert code == 0


@pytest.mark.parametrize("prefix", ["CAT", "SLM", "SUP"])
def test_rules_are_documented_for_itsm_rules_and_explain(prefix: str) -> None:
    import yaml

    from itsm_cli.rules import all_rules

    rules = [r for code, r in all_rules().items() if code.startswith(prefix)]
    assert [r.code for r in rules] == [f"{prefix}00{n}" for n in range(1, len(rules) + 1)]
    for entry in rules:
        assert entry.summary.endswith(".") and "\n" not in entry.summary
        assert len(entry.rationale) > 80 and entry.hint
        assert entry.clauses and entry.check is not None
        for snippet in (entry.failing, entry.passing):
            assert isinstance(yaml.safe_load(snippet), dict), (entry.code, snippet)
