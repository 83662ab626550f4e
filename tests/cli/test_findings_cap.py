"""At most 100 findings per file (DESIGN §6 "never a hang"): a file of 241,000 unknown keys
is 100 findings and then one summary finding with the rule of the findings it stands for
("N more findings in this file not shown"), placed where the first one left out is. Only the
findings shown are described ("did you mean" look-ups), so such a file validates in seconds
(`benchmarks/many_findings.py` measures it; no timed test here).

The files are generated in the test's temporary folder, beside a copy of `tests/fixtures/valid/`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from itsm_cli.findings import (
    FINDINGS_PER_FILE,
    Finding,
    Severity,
    cap_per_file,
    hidden_count,
    more_findings,
)
from tests.helpers import cli
from tests.helpers.paths import fixture

VALID = fixture("valid")
TODAY = "2026-11-23"
HEADER = 11
"""Lines of a generated record before its first unknown key."""


def service(record_id: str, unknown: int) -> str:
    """A valid Service with `unknown` unknown keys in its spec, one per line from line 12
    of its document."""
    lines = [
        "apiVersion: itsm/v1",
        "kind: Service",
        "metadata:",
        f"  id: {record_id}",
        "  title: Generated",
        "  owner: Service owner",
        "spec:",
        "  description: A service with too many keys.",
        "  lifecycle: pipeline",
        "  criticality: low",
        "  dependsOn: []",
    ]
    lines += [f"  unknownKey{i:06d}: 1" for i in range(unknown)]
    return "\n".join(lines) + "\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(VALID, root)
    folder = root / "records/under-test"
    folder.mkdir()
    (folder / "many.yaml").write_text(service("SVC-MANY", 250) + "---\n" + service("SVC-MORE", 5))
    (folder / "hundred.yaml").write_text(service("SVC-HUNDRED", 100))  # a near miss
    monkeypatch.chdir(root)
    return root


def findings_json(command: str) -> list[dict[str, object]]:
    result = cli.run(command, "--format", "json", "--today", TODAY)
    assert result.exit_code == 1, result.output
    findings: list[dict[str, object]] = json.loads(result.stdout)["findings"]
    return findings


@pytest.mark.parametrize("command", ["validate", "check"])
def test_a_file_shows_100_findings_and_one_summary(repo: Path, command: str) -> None:
    found = [f for f in findings_json(command) if f["file"] == "records/under-test/many.yaml"]
    assert len(found) == FINDINGS_PER_FILE + 1 == 101
    shown, summary = found[:100], found[100]
    assert [f["line"] for f in shown] == list(range(HEADER + 1, HEADER + 101))
    assert all(f["rule"] == "E002" and f["record"] == "SVC-MANY" for f in shown)
    assert shown[0]["message"] == "unknown field 'unknownKey000000' in spec"
    # 150 more in the first document, 5 in the second.
    assert summary["rule"] == "E002"
    assert summary["severity"] == "error"
    assert summary["message"] == "155 more findings in this file not shown (the first 100 are)"
    assert (summary["line"], summary["column"]) == (HEADER + 101, 3)


def test_a_file_with_exactly_100_findings_shows_them_all(repo: Path) -> None:
    found = [f for f in findings_json("validate") if f["file"] == "records/under-test/hundred.yaml"]
    assert len(found) == 100
    assert not any("not shown" in str(f["message"]) for f in found)


def test_suggestions_are_made_for_the_findings_shown(repo: Path) -> None:
    folder = repo / "records/under-test"
    (folder / "many.yaml").unlink()
    (folder / "hundred.yaml").write_text(
        service("SVC-HUNDRED", 0).replace("  dependsOn: []\n", "  dependsOn: []\n  lifecyle: x\n")
        + "---\n"
        + service("SVC-LONG", 0).replace("  dependsOn: []\n", f"  dependsOn: []\n  {'d' * 65}: x\n")
    )
    messages = [f["message"] for f in findings_json("validate")]
    assert "unknown field 'lifecyle' in spec (did you mean 'lifecycle'?)" in messages
    # A key longer than 64 characters is no typo: no fuzzy look-up.
    assert f"unknown field '{'d' * 65}' in spec" in messages


def _finding(
    file: str, line: int, rule: str = "E002", severity: Severity = Severity.ERROR
) -> Finding:
    return Finding(rule=rule, severity=severity, message=f"m{line}", file=file, line=line)


def test_cap_folds_earlier_summaries_and_keeps_the_highest_severity() -> None:
    loaded = [_finding("a.yaml", n) for n in range(1, 11)]
    earlier = more_findings(_finding("a.yaml", 11), 1000)
    assert hidden_count(earlier) == 1000
    later = [_finding("a.yaml", 20, "DOC002", Severity.WARNING)]
    later += [_finding("a.yaml", 30, "SLM001", Severity.ERROR)]
    other = [_finding("b.yaml", n) for n in range(1, 6)]
    capped = cap_per_file([*loaded, earlier, *later, *other], limit=5)
    in_a = [f for f in capped if f.file == "a.yaml"]
    assert [f.line for f in in_a] == [1, 2, 3, 4, 5, 6]
    summary = in_a[-1]
    # 5 of the loaded ones, the 1000 of the earlier summary, the 2 from rules.
    assert summary.message == "1,007 more findings in this file not shown (the first 5 are)"
    assert (summary.rule, summary.severity) == ("E002", Severity.ERROR)
    assert [f.line for f in capped if f.file == "b.yaml"] == [1, 2, 3, 4, 5]
    assert hidden_count(in_a[0]) == 0


def test_cap_summary_takes_the_highest_severity_left_out() -> None:
    warnings = [_finding("a.yaml", n, "DOC002", Severity.WARNING) for n in range(1, 4)]
    capped = cap_per_file([*warnings, _finding("a.yaml", 9, "SLM001")], limit=2)
    assert capped[-1].rule == "DOC002"  # the rule of the first left out
    assert capped[-1].severity is Severity.ERROR  # so --fail-on error still fails
    assert capped[-1].message == "2 more findings in this file not shown (the first 2 are)"


def test_cap_leaves_short_lists_alone() -> None:
    findings = [_finding("a.yaml", n) for n in range(1, 101)]
    assert cap_per_file(findings) == findings


def test_findings_about_the_whole_repository_are_not_capped() -> None:
    findings = [_finding("records", n, "AUD001", Severity.WARNING) for n in range(1, 8)]
    assert cap_per_file(findings, limit=5) == findings


def test_placeholder_findings_count_towards_the_cap(repo: Path) -> None:
    folder = repo / "records/under-test"
    (folder / "many.yaml").write_text(
        service("SVC-MANY", 150).replace(
            "description: A service with too many keys.", 'description: "<fill in: what>"'
        )
    )
    found = [f for f in findings_json("validate") if f["file"] == "records/under-test/many.yaml"]
    assert found[0]["message"] == "spec.description: placeholder not filled in: what"
    assert len(found) == 101
    assert found[-1]["message"] == "51 more findings in this file not shown (the first 100 are)"
