"""`--format github`: workflow commands that GitHub turns into annotations on the pull
request's diff, the job summary, and the default format inside GitHub Actions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions
from itsm_cli.output.github import escape_data, escape_property, render_findings
from tests.helpers import cli
from tests.helpers.paths import fixture

FIXTURE = fixture("output")
TODAY = "2026-11-23"


@pytest.fixture(autouse=True)
def _outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def finding(line: int = 3, severity: Severity = Severity.ERROR, **extra: Any) -> Finding:
    fields: dict[str, Any] = {
        "rule": "E004",
        "message": "'SVC-X' names no Service",
        "file": "records/a.yaml",
        "column": 5,
        "record": "SLA-A",
        "hint": "",
    }
    fields.update(extra)
    return Finding(severity=severity, line=line, **fields)


def render(findings: list[Finding], quiet: bool = True, **report: Any) -> str:
    report.setdefault("command", "check")
    full = FindingsReport(findings=findings, records=2, files=1, **report)
    return render_findings(full, RenderOptions(quiet=quiet))


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb"


def test_annotation_escapes_message_and_file_properties() -> None:
    odd = finding(
        file="records/a,b:c.yaml",
        line=7,
        column=2,
        message="objective 99.9% is above\nthe ceiling",
        hint="Lower it, or: add suppliers.",
    )
    assert render([odd]) == (
        "::error file=records/a%2Cb%3Ac.yaml,line=7,col=2,title=E004::"
        "SLA-A: objective 99.9%25 is above%0Athe ceiling%0Ahelp: Lower it, or: add suppliers.\n"
    )


def test_levels_map_to_error_warning_notice() -> None:
    out = render([
        finding(1, Severity.ERROR),
        finding(2, Severity.WARNING, rule="SLM003"),
        finding(3, Severity.INFO, rule="WVR003", record=None),
    ])
    assert [line.split(" ")[0] for line in out.splitlines()] == [
        "::error", "::warning", "::notice"
    ]
    assert "title=WVR003::'SVC-X' names no Service" in out


def test_waived_findings_are_not_annotated() -> None:
    out = render([finding(1), finding(2, waived=True, waived_by="WVR-A")], quiet=False)
    lines = out.splitlines()
    assert lines[0].startswith("::error file=records/a.yaml,line=1,")
    assert not any("line=2" in line for line in lines)
    assert lines[-1] == "✖ 1 error, 0 warnings, 1 waived in 2 records in 1 file"


def test_at_most_ten_annotations_per_level_and_a_note_for_the_rest() -> None:
    findings = (
        [finding(n, Severity.ERROR) for n in range(1, 14)]
        + [finding(100 + n, Severity.WARNING, rule="SLM003") for n in range(12)]
        + [finding(200 + n, Severity.INFO, rule="WVR003") for n in range(11)]
        + [finding(300, Severity.WARNING, waived=True, waived_by="WVR-A")]
    )
    out = render(list(reversed(findings)))
    lines = out.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert sum(a.startswith("::error ") for a in annotations) == 10
    assert sum(a.startswith("::warning ") for a in annotations) == 10
    assert sum(a.startswith("::notice ") for a in annotations) == 10
    # the first ten of each level in file order are annotated; the rest are plain log lines
    errors = [a for a in annotations if a.startswith("::error ")]
    assert [a.split(",")[1] for a in errors] == [f"line={n}" for n in range(1, 11)]
    plain = [line for line in lines if line.startswith("records/")]
    assert plain == (
        [f"records/a.yaml:{n}:5: E004 'SVC-X' names no Service" for n in (11, 12, 13)]
        + [f"records/a.yaml:{n}:5: SLM003 'SVC-X' names no Service" for n in (110, 111)]
        + ["records/a.yaml:210:5: WVR003 'SVC-X' names no Service"]
    )
    assert lines[-1] == (
        "itsm: 3 errors, 2 warnings, 1 notice not shown as annotations (GitHub keeps 10 of "
        "each level per step); they are listed above"
    )


def test_step_summary_is_appended_when_github_sets_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("## Earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = render([finding(n) for n in range(1, 13)])
    assert out.splitlines()[-1].endswith("they are listed above and in the job summary")
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Earlier step\n<!-- itsm-findings -->\n")
    assert "### ❌ itsm check: 12 errors, 0 warnings in 2 records in 1 file" in text
    assert text.count("| `records/a.yaml:") == 12


def test_unwritable_step_summary_is_a_warning_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing-dir" / "summary.md"))
    out = render([finding()])
    assert out.splitlines()[-1].startswith("::warning title=itsm::cannot write the step summary")


def test_github_is_the_default_format_inside_github_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(FIXTURE)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = cli.run("check", "--today", TODAY)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "::error file=records/agreements/sla-web.yaml,line=13,col=14,title=E004::SLA-WEB: "
        "'SVC-WEBSHOP' names no Service (did you mean 'SVC-WEB'?)%0A"
        "help: Correct the id, or add the missing record.",
        "::error file=records/services/svc-mail.yaml,line=12,col=3,title=E002::SVC-MAIL: "
        "spec.lifecycle: must be 'pipeline', 'live' or 'retired', not 'active' "
        "(did you mean 'live'?)%0Ahelp: Write `live`.",
        "::error file=records/suppliers/broken.yaml,line=10,col=7,title=E001::YAML syntax "
        "error: did not find expected ',' or ']' (while parsing a flow sequence)%0A"
        "help: Fix the YAML syntax at this position.",
    ]
    assert lines[3] == "✖ 3 errors, 0 warnings, 1 waived in 4 records in 6 files"
    assert "### ❌ itsm check: 3 errors" in summary.read_text(encoding="utf-8")
    # an explicit --format still wins, and --exit-zero keeps the step green
    result = cli.run("check", "--today", TODAY, "-f", "text", "--exit-zero")
    assert result.exit_code == 0
    assert result.stdout.startswith("records/agreements/sla-web.yaml:13:14: E004 ")


def test_validate_in_github_actions_annotates_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = cli.run("validate", "--today", TODAY, "-q")
    assert result.exit_code == 1
    assert [line.split("::")[1].split(",")[0] for line in result.stdout.splitlines()] == [
        "error file=records/agreements/sla-web.yaml",
        "error file=records/services/svc-mail.yaml",
        "error file=records/suppliers/broken.yaml",
    ]
