"""The CI output formats of `validate` and `check` (sarif, junit, gitlab, markdown), and the
integration files that use them (.pre-commit-hooks.yaml, docs/ci/*.yml).

The `github` format has its own module, test_github_format.py. Command-line tests run on the
fixture repository `tests/fixtures/output/` (see its README for the findings it holds); unit tests
build findings by hand where a case is easier to state that way.
"""

from __future__ import annotations

import json
import random
import re
import shlex
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from itsm_cli.findings import Finding, FindingsReport, Severity
from itsm_cli.output import RenderOptions, findings_formatter
from itsm_cli.rules import all_rules
from tests.helpers import cli
from tests.helpers.paths import ROOT, fixture

FIXTURE = fixture("output")
TODAY = "2026-11-23"
OPTIONS = RenderOptions()

# What `itsm check` finds in tests/fixtures/output (file, line, column, rule, waived).
FIXTURE_FINDINGS = [
    ("records/agreements/sla-web.yaml", 13, 14, "E004", False),
    ("records/services/svc-mail.yaml", 12, 3, "E002", False),
    ("records/suppliers/broken.yaml", 10, 7, "E001", False),
    ("records/suppliers/sup-dc.yaml", 20, 69, "SUP005", True),
]


@pytest.fixture(autouse=True)
def _outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(FIXTURE)
    return FIXTURE


def invoke(*args: str) -> tuple[int, str]:
    result = cli.run(*args, "--today", TODAY, "--no-color")
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.exit_code, result.stdout


def finding(
    rule: str = "E004",
    severity: Severity = Severity.ERROR,
    message: str = "'SVC-X' names no Service",
    file: str = "records/a.yaml",
    line: int = 3,
    column: int = 5,
    record: str | None = "SLA-A",
    **extra: Any,
) -> Finding:
    extra.setdefault("path", ("spec", "services", 0))
    extra.setdefault("clauses", ("7.5.3",))
    extra.setdefault("hint", "Correct the id, or add the missing record.")
    return Finding(
        rule=rule, severity=severity, message=message, file=file, line=line, column=column,
        record=record, **extra,
    )


def render(fmt: str, findings: list[Finding], **report: Any) -> str:
    report.setdefault("records", 3)
    report.setdefault("files", 2)
    report.setdefault("command", "check")
    return findings_formatter(fmt)(FindingsReport(findings=findings, **report), OPTIONS)


# --- SARIF ----------------------------------------------------------------------------

SARIF_LEVELS = {"error", "warning", "note", "none"}


def assert_sarif_2_1_0(log: dict[str, Any]) -> None:
    """The structure SARIF 2.1.0 requires and code scanning relies on."""
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "itsm"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", driver["version"])
    assert driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)), "rule ids are unique"
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert re.fullmatch(r"[A-Za-z0-9]+", rule["name"])
        assert rule["defaultConfiguration"]["level"] in SARIF_LEVELS
        assert isinstance(rule["properties"]["tags"], list)
    for result in run["results"]:
        assert {"ruleId", "ruleIndex", "level", "message", "locations"} <= set(result)
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in SARIF_LEVELS
        assert result["message"]["text"]
        [location] = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not uri.startswith("/") and ":" not in uri, "a relative URI reference"
        region = physical["region"]
        assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        assert isinstance(region["startColumn"], int) and region["startColumn"] >= 1
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["itsm/v1"])
        for suppression in result.get("suppressions", []):
            assert suppression["kind"] in ("inSource", "external")


def test_sarif_from_check_has_one_result_per_finding_on_its_line(in_fixture: Path) -> None:
    code, out = invoke("check", "--format", "sarif")
    assert code == 1
    log = json.loads(out)
    assert_sarif_2_1_0(log)
    results = log["runs"][0]["results"]
    got = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["ruleId"],
            "suppressions" in r,
        )
        for r in results
    ]
    assert got == FIXTURE_FINDINGS
    assert [r["level"] for r in results] == ["error", "error", "error", "warning"]
    assert results[0]["message"]["text"] == (
        "'SVC-WEBSHOP' names no Service (did you mean 'SVC-WEB'?)"
    )
    assert results[0]["properties"]["record"] == "SLA-WEB"


def test_sarif_waived_finding_is_an_external_suppression(in_fixture: Path) -> None:
    _, out = invoke("check", "--format", "sarif")
    [waived] = [r for r in json.loads(out)["runs"][0]["results"] if "suppressions" in r]
    assert waived["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "waived by WVR-SUP-DC-DISPUTE"}
    ]
    assert waived["ruleId"] == "SUP005"
    assert waived["properties"]["waivedBy"] == "WVR-SUP-DC-DISPUTE"
    unwaived = [r for r in json.loads(out)["runs"][0]["results"] if "suppressions" not in r]
    assert [r.get("properties", {}).get("waivedBy") for r in unwaived] == [None, None, None]


def test_sarif_lists_every_registered_rule_with_help_and_clauses() -> None:
    log = json.loads(render("sarif", []))
    assert_sarif_2_1_0(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert list(rules) == list(all_rules())
    e004 = rules["E004"]
    assert e004["name"] == "ReferenceNamesNoRecordOrRecordOfWrongKind"
    assert e004["shortDescription"]["text"].startswith("A reference names no record")
    assert "dangling reference" in e004["fullDescription"]["text"]
    assert e004["help"]["text"].startswith("Correct the id, or add the missing record.")
    assert "services: [SVC-WEBSHOP]" in e004["help"]["text"]
    assert "```yaml" in e004["help"]["markdown"]
    assert e004["defaultConfiguration"] == {"level": "error"}
    assert "ISO/IEC 20000-1:2018 7.5.3" in e004["properties"]["tags"]
    assert e004["properties"]["clauses"] == ["7.5.3"]


def test_sarif_levels_uri_encoding_and_unknown_rules() -> None:
    findings = [
        finding(severity=Severity.INFO, rule="WVR003", file="records/my waivers/w.yaml"),
        finding(rule="XYZ123", severity=Severity.WARNING, line=0, column=0),
    ]
    log = json.loads(render("sarif", findings))
    assert_sarif_2_1_0(log)
    results = log["runs"][0]["results"]
    by_rule = {r["ruleId"]: r for r in results}
    assert by_rule["WVR003"]["level"] == "note"
    uri = by_rule["WVR003"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "records/my%20waivers/w.yaml"
    assert by_rule["XYZ123"]["level"] == "warning"
    region = by_rule["XYZ123"]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 1, "startColumn": 1}


def test_sarif_fingerprint_ignores_the_line_number() -> None:
    before = json.loads(render("sarif", [finding(line=3)]))["runs"][0]["results"][0]
    after = json.loads(render("sarif", [finding(line=40)]))["runs"][0]["results"][0]
    assert before["partialFingerprints"] == after["partialFingerprints"]
    other = json.loads(render("sarif", [finding(path=("spec", "services", 1))]))
    assert other["runs"][0]["results"][0]["partialFingerprints"] != before["partialFingerprints"]


def test_sarif_adds_a_specific_hint_to_the_message() -> None:
    specific = finding(hint="Targets of that agreement: availability, p1-response.")
    [result] = json.loads(render("sarif", [specific]))["runs"][0]["results"]
    assert result["message"]["text"] == (
        "'SVC-X' names no Service\nTargets of that agreement: availability, p1-response."
    )


# --- JUnit ----------------------------------------------------------------------------


def test_junit_from_check_has_one_testcase_per_record_and_broken_file(in_fixture: Path) -> None:
    code, out = invoke("check", "--format", "junit")
    assert code == 1
    suites = ET.fromstring(out)
    [suite] = suites.findall("testsuite")
    assert suite.get("name") == "itsm check"
    counts = {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "6", "failures": "3", "errors": "0", "skipped": "1"}
    assert {k: suites.get(k) for k in counts} == counts
    cases = [(c.get("classname"), c.get("name")) for c in suite.iter("testcase")]
    assert cases == [
        ("records/agreements/sla-web.yaml", "SLA-WEB"),
        ("records/services/svc-mail.yaml", "SVC-MAIL"),
        ("records/services/svc-web.yaml", "SVC-WEB"),
        ("records/suppliers/broken.yaml", "records/suppliers/broken.yaml"),
        ("records/suppliers/sup-dc.yaml", "SUP-DC"),
        ("records/waivers/wvr-sup-dc-dispute.yaml", "WVR-SUP-DC-DISPUTE"),
    ]
    by_name = {c.get("name"): c for c in suite.iter("testcase")}
    failure = by_name["SLA-WEB"].find("failure")
    assert failure is not None
    assert failure.get("type") == "E004"
    assert failure.get("message") == "E004 'SVC-WEBSHOP' names no Service (did you mean 'SVC-WEB'?)"
    assert failure.text is not None
    assert "records/agreements/sla-web.yaml:13:14" in failure.text
    assert "help: Correct the id, or add the missing record." in failure.text
    skipped = by_name["SUP-DC"].find("skipped")
    assert skipped is not None and skipped.get("message") == "waived by WVR-SUP-DC-DISPUTE"
    assert by_name["SUP-DC"].find("failure") is None
    assert list(by_name["SVC-WEB"]) == []


def test_junit_validate_of_a_clean_file_is_one_passing_testcase(in_fixture: Path) -> None:
    code, out = invoke(
        "validate", "--schema-only", "--format", "junit", "records/services/svc-web.yaml"
    )
    assert code == 0
    suite = ET.fromstring(out).find("testsuite")
    assert suite is not None
    assert suite.get("name") == "itsm validate"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("1", "0", "0")


def test_junit_escapes_markup_and_shows_characters_xml_cannot_hold_as_escapes() -> None:
    nasty = finding(message='value <b>&</b> "quoted" \x00\x1b end', record="SLA-<A>")
    out = render("junit", [nasty, finding(severity=Severity.INFO, record="SLA-B", rule="WVR003")])
    suites = ET.fromstring(out)
    cases = {c.get("name"): c for c in suites.iter("testcase")}
    failure = cases["SLA-<A>"].find("failure")
    assert failure is not None
    assert failure.get("message") == 'E004 value <b>&</b> "quoted" \\x00\\x1b end'
    info = cases["SLA-B"]
    assert info.find("failure") is None and info.find("skipped") is None
    out_text = info.find("system-out")
    assert out_text is not None and out_text.text is not None and "WVR003" in out_text.text
    assert suites.get("failures") == "1"


def test_junit_record_with_several_findings_has_one_failure_each() -> None:
    out = render(
        "junit",
        [finding(line=3), finding(rule="E002", line=5, message="spec.x: unknown field")],
        subjects=[("records/a.yaml", "SLA-A", 1)],
    )
    [case] = ET.fromstring(out).iter("testcase")
    assert [f.get("type") for f in case.findall("failure")] == ["E004", "E002"]
    assert ET.fromstring(out).get("failures") == "1"


# --- GitLab Code Quality ------------------------------------------------------------------


def test_gitlab_code_quality_issues_from_check(in_fixture: Path) -> None:
    code, out = invoke("check", "--format", "gitlab")
    assert code == 1
    issues = json.loads(out)
    assert [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"])
            for i in issues] == [(f, ln, r) for f, ln, _, r, waived in FIXTURE_FINDINGS
                                 if not waived]
    for issue in issues:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] == "major"
        assert re.fullmatch(r"[0-9a-f]{32}", issue["fingerprint"])
    assert issues[0]["description"] == (
        "SLA-WEB: 'SVC-WEBSHOP' names no Service (did you mean 'SVC-WEB'?)"
    )


def test_gitlab_severity_mapping_and_unique_fingerprints() -> None:
    findings = [
        finding(severity=Severity.ERROR, line=1),
        finding(severity=Severity.WARNING, rule="SLM003", line=2),
        finding(severity=Severity.INFO, rule="WVR003", line=3),
        finding(line=9),  # same rule, record and path as the first: same fingerprint
        finding(rule="SLM001", waived=True, waived_by="WVR-X"),
    ]
    issues = json.loads(render("gitlab", findings))
    assert [i["severity"] for i in issues] == ["major", "minor", "info", "major"]
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == 4
    assert fingerprints[0] == findings[0].fingerprint
    assert json.loads(render("gitlab", [])) == []


# --- Markdown -------------------------------------------------------------------------


def test_markdown_from_check_is_a_compact_comment(in_fixture: Path) -> None:
    code, out = invoke("check", "--format", "markdown")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "<!-- itsm-findings -->"
    assert lines[1] == "### ❌ itsm check: 3 errors, 0 warnings, 1 waived in 4 records in 6 files"
    assert "| 3 | 0 | 0 | 1 | 4 | 6 |" in lines
    assert "#### Errors (3)" in lines
    assert "#### Waived (1)" in lines
    assert (
        "| `records/agreements/sla-web.yaml:13` | E004 | SLA-WEB "
        "| 'SVC-WEBSHOP' names no Service (did you mean 'SVC-WEB'?) |"
    ) in lines
    assert any("(waived by WVR-SUP-DC-DISPUTE)" in line for line in lines)


def test_markdown_verdict_follows_the_fail_level() -> None:
    warning = finding(severity=Severity.WARNING, rule="SLM003")
    assert "### ✅ itsm check: 0 errors, 1 warning" in render("markdown", [warning])
    assert "### ❌ itsm check:" in render("markdown", [warning], fail_on="warning")
    clean = render("markdown", [])
    assert "### ✅ itsm check: 0 errors, 0 warnings in 3 records in 2 files" in clean
    assert clean.endswith("No findings.\n")


def test_markdown_escapes_table_cells() -> None:
    out = render("markdown", [finding(message="a | b\nc <script>")])
    assert "| a \\| b c &lt;script&gt; |" in out


def test_markdown_truncates_under_the_comment_limit_and_says_how_many() -> None:
    findings = [
        finding(
            record=f"SLA-{i:05d}", line=i + 1, file=f"records/agreements/sla-{i:05d}.yaml",
            message="availability objective 99.99 is above what the dependencies deliver " * 2,
        )
        for i in range(2000)
    ]
    out = render("markdown", findings)
    assert len(out) < 65_000
    shown = sum(1 for line in out.splitlines() if line.startswith("| `records/"))
    assert 100 < shown < 2000
    note = re.search(r"_… (\d+) more findings left out", out)
    assert note is not None
    assert int(note.group(1)) == 2000 - shown
    assert "run `itsm check` locally" in out


# --- every format ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["sarif", "junit", "gitlab", "markdown", "text"])
def test_every_format_is_stable_whatever_the_input_order(fmt: str) -> None:
    findings = [
        finding(file=f"records/{name}.yaml", line=line, record=f"R-{name.upper()}-{line}")
        for name in ("b", "a", "c")
        for line in (9, 2, 5)
    ]
    shuffled = findings[:]
    random.Random(7).shuffle(shuffled)
    assert render(fmt, findings) == render(fmt, shuffled)


@pytest.mark.parametrize("fmt", ["sarif", "junit", "gitlab", "markdown"])
def test_exit_zero_reports_but_does_not_fail(in_fixture: Path, fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out = invoke("check", "--format", fmt, "--output", str(target), "--exit-zero")
    assert code == 0
    assert out == ""
    assert "E004" in target.read_text(encoding="utf-8")
    code, _ = invoke("validate", "--format", fmt, "--exit-zero")
    assert code == 0


def test_schema_only_skips_references_to_records_outside_the_files(in_fixture: Path) -> None:
    code, out = invoke("validate", "records/agreements/sla-web.yaml")
    assert code == 1
    assert "E004 'SVC-WEBSHOP' names no Service" in out
    code, out = invoke("validate", "--schema-only", "records/agreements/sla-web.yaml")
    assert code == 0
    assert "no findings" in out
    code, out = invoke("validate", "--schema-only", "records/services/svc-mail.yaml")
    assert code == 1
    assert "records/services/svc-mail.yaml:12:3: E002" in out


# --- integration files ----------------------------------------------------------------


def _vendored_schema(name: str) -> dict[str, Any]:
    """A CI schema that check-jsonschema (a dev dependency) ships: no network needed."""
    vendor = resources.files("check_jsonschema.builtin_schemas.vendor")
    schema: dict[str, Any] = json.loads((vendor / name).read_text(encoding="utf-8"))
    return schema


@pytest.mark.slow
def test_github_actions_example_is_a_valid_workflow() -> None:
    workflow = yaml.safe_load((ROOT / "docs/ci/github-actions.yml").read_text())
    workflow["on"] = workflow.pop(True)  # PyYAML reads the key `on` as YAML 1.1's true
    jsonschema.validate(workflow, _vendored_schema("github-workflows.json"))
    [job] = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = [s.get("run", "") for s in steps]
    assert "itsm check --format sarif --output itsm.sarif --exit-zero" in runs
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif") for s in steps)
    assert any("itsm diff --base" in r and "--format markdown" in r for r in runs)
    assert any("<!-- itsm-diff -->" in r and "PATCH" in r for r in runs)
    assert "itsm check" in runs


def test_gitlab_example_is_a_valid_pipeline() -> None:
    pipeline = yaml.safe_load((ROOT / "docs/ci/gitlab-ci.yml").read_text())
    jsonschema.validate(pipeline, _vendored_schema("gitlab-ci.json"))
    assert pipeline["variables"]["GIT_DEPTH"] == "0"
    reports = pipeline["itsm-check"]["artifacts"]["reports"]
    assert reports == {"junit": "itsm-junit.xml", "codequality": "gl-code-quality-report.json"}
    script = "\n".join(pipeline["itsm-check"]["script"])
    assert "--format junit --output itsm-junit.xml" in script
    assert "--format gitlab --output gl-code-quality-report.json" in script
    diff = pipeline["itsm-diff"]
    assert diff["rules"] == [{"if": "$CI_MERGE_REQUEST_IID"}]
    assert any(
        'itsm diff --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"' in line
        for line in diff["script"]
    )


def test_pre_commit_hooks() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"itsm-validate", "itsm-check", "itsm-fmt"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
    assert "--schema-only" in hooks["itsm-validate"]["entry"]
    assert hooks["itsm-validate"]["types"] == ["yaml"]
    assert re.search(hooks["itsm-validate"]["files"], "records/services/svc-web.yaml")
    assert not re.search(hooks["itsm-validate"]["files"], ".github/workflows/itsm.yml")
    check = hooks["itsm-check"]
    assert (check["pass_filenames"], check["always_run"], check["require_serial"]) == (
        False, True, True
    )
    assert hooks["itsm-fmt"]["entry"] == "itsm fmt --check"


@pytest.mark.parametrize(("hook_id", "files", "expected"), [
    ("itsm-validate", ["records/agreements/sla-web.yaml"], 0),
    ("itsm-validate", ["records/services/svc-mail.yaml", "records/services/svc-web.yaml"], 1),
    ("itsm-check", [], 1),
])
def test_pre_commit_hook_entries_run(
    in_fixture: Path, hook_id: str, files: list[str], expected: int
) -> None:
    """The hooks' commands, as pre-commit would run them on these staged files."""
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    program, *args = shlex.split(hooks[hook_id]["entry"])
    assert program == "itsm"
    result = cli.run(*args, "--today", TODAY, *files)
    assert "Traceback" not in result.output
    assert result.exit_code == expected
