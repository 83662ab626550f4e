"""`itsm validate` from the command line: every option, the exit statuses, the JSON contract
of DESIGN §4, the entry points, and the internal-error path.

Runs on the valid fixture repository `tests/fixtures/valid/` (no findings) and on copies of it with
one file from `tests/fixtures/bad_input/` added (findings).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import itsm_cli
from itsm_cli.cli import main as cli_main
from tests.helpers import cli
from tests.helpers.paths import ROOT, fixture

VALID = fixture("valid")
CASES = fixture("bad_input")
TODAY = "2026-11-23"
ANSI = re.compile(r"\x1b\[")


def invoke(*args: str) -> tuple[int, str, str]:
    """Run `itsm ARGS`; never a traceback, never an exception other than exiting."""
    result = cli.run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stdout + result.stderr
    return result.exit_code, result.stdout, result.stderr


def validate(*args: str) -> tuple[int, str, str]:
    return invoke("validate", *args, "--today", TODAY)


@pytest.fixture
def clean_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(VALID)
    return VALID


@pytest.fixture
def repo_with_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tests/fixtures/valid plus two bad files: an E004 (with a hint) and an E001."""
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    (repo / "records/bad").mkdir()
    for name in ("missing-reference.yaml", "duplicate-key.yaml"):
        shutil.copy(CASES / name, repo / "records/bad" / name)
    monkeypatch.chdir(repo)
    return repo


FINDING_LINES = [
    "records/bad/duplicate-key.yaml:9:3: E001 duplicate key 'title' (first defined at line 7)",
    "records/bad/missing-reference.yaml:9:7: E004 'SVC-WEBB' names no Service "
    "(did you mean 'SVC-WEB'?)",
]


# --- PATH ----------------------------------------------------------------------------------


def test_no_path_validates_the_records_root(clean_repo: Path) -> None:
    code, out, err = validate()
    assert (code, err) == (0, "")
    assert out == "✔ 6 records in 6 files: no findings\n"


def test_path_to_a_folder(clean_repo: Path) -> None:
    code, out, _ = validate("records/suppliers", "--schema-only")
    assert code == 0
    assert out == "✔ 2 records in 2 files: no findings\n"


def test_path_to_a_file(clean_repo: Path) -> None:
    code, out, _ = validate("records/agreements/sla-web.yaml", "--schema-only")
    assert code == 0
    assert out == "✔ 1 record in 1 file: no findings\n"


def test_several_paths(repo_with_findings: Path) -> None:
    code, out, _ = validate("records/bad/duplicate-key.yaml", "records/services")
    assert code == 1
    # Paths inside the records root are checked in the context of every record: SVC-WEB
    # depends on SUP-DC, which these paths leave out but the records root holds, so there
    # is no E004; and the E004 of records/bad/missing-reference.yaml, not named, is not shown.
    assert out.splitlines()[0] == FINDING_LINES[0]
    assert "E004" not in out
    assert out.endswith("✖ 1 error, 0 warnings in 1 record in 2 files\n")


def test_path_from_outside_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from elsewhere: the repository is found from the path; paths stay repo-relative."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = validate(str(VALID / "records"), "--format", "json")
    assert code == 0
    assert json.loads(out)["summary"]["records"] == 6


def test_missing_path_is_a_usage_error(clean_repo: Path) -> None:
    code, out, err = validate("records/nowhere")
    assert code == 2
    assert out == ""
    assert err == "itsm: error: path not found: records/nowhere\n"


# --- --format ------------------------------------------------------------------------------


def test_text_format_lines_hints_and_summary(repo_with_findings: Path) -> None:
    code, out, err = validate("--format", "text")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        FINDING_LINES[0],
        "  help: Remove one of the two entries; YAML keys must be unique.",
        FINDING_LINES[1],
        "  help: Correct the id, or add the missing record.",
        "",
        "✖ 2 errors, 0 warnings in 7 records in 8 files",
    ]


def test_json_format_is_exactly_the_documented_contract(repo_with_findings: Path) -> None:
    code, out, err = validate("--format", "json")
    assert (code, err) == (1, "")
    document = json.loads(out)
    assert list(document) == ["version", "findings", "summary"]
    assert document["version"] == 1
    assert document["summary"] == {
        "errors": 2, "warnings": 0, "infos": 0, "waived": 0, "records": 7, "files": 8,
    }
    assert list(document["summary"]) == ["errors", "warnings", "infos", "waived", "records",
                                         "files"]
    keys = ["rule", "severity", "message", "record", "file", "line", "column", "clauses",
            "hint", "waived", "waivedBy"]
    for finding in document["findings"]:
        assert list(finding) == keys
    assert document["findings"] == [
        {
            "rule": "E001",
            "severity": "error",
            "message": "duplicate key 'title' (first defined at line 7)",
            "record": None,
            "file": "records/bad/duplicate-key.yaml",
            "line": 9,
            "column": 3,
            "clauses": ["7.5.3"],
            "hint": "Remove one of the two entries; YAML keys must be unique.",
            "waived": False,
            "waivedBy": None,
        },
        {
            "rule": "E004",
            "severity": "error",
            "message": "'SVC-WEBB' names no Service (did you mean 'SVC-WEB'?)",
            "record": "SLA-DANGLING",
            "file": "records/bad/missing-reference.yaml",
            "line": 9,
            "column": 7,
            "clauses": ["7.5.3"],
            "hint": "Correct the id, or add the missing record.",
            "waived": False,
            "waivedBy": None,
        },
    ]


def test_json_format_of_a_clean_repository(clean_repo: Path) -> None:
    code, out, _ = validate("-f", "json")
    assert code == 0
    assert json.loads(out) == {
        "version": 1,
        "findings": [],
        "summary": {"errors": 0, "warnings": 0, "infos": 0, "waived": 0, "records": 6,
                    "files": 6},
    }


def test_unknown_format_is_a_usage_error(clean_repo: Path) -> None:
    code, out, err = validate("--format", "xml")
    assert code == 2
    assert out == ""
    assert "'xml' is not one of" in err


# --- --output ------------------------------------------------------------------------------


def test_output_writes_the_file_and_nothing_to_stdout(
    repo_with_findings: Path, tmp_path: Path
) -> None:
    target = tmp_path / "reports" / "findings.json"
    code, out, err = validate("--format", "json", "--output", str(target))
    assert (code, out, err) == (1, "", "")
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["errors"] == 2
    assert [p.name for p in target.parent.iterdir()] == ["findings.json"]  # no temporary left


def test_output_text_has_no_colour_even_when_forced(
    repo_with_findings: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    target = tmp_path / "findings.txt"
    code, out, _ = validate("-o", str(target))
    assert (code, out) == (1, "")
    text = target.read_text(encoding="utf-8")
    assert not ANSI.search(text)
    assert text.splitlines()[0] == FINDING_LINES[0]


def test_output_replaces_an_existing_file(clean_repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old content\n")
    code, _, _ = validate("--output", str(target))
    assert code == 0
    assert target.read_text(encoding="utf-8") == "✔ 6 records in 6 files: no findings\n"


# --- --quiet, --no-color -------------------------------------------------------------------


def test_quiet_prints_findings_only(repo_with_findings: Path) -> None:
    code, out, _ = validate("--quiet")
    assert code == 1
    assert out.splitlines() == FINDING_LINES


def test_quiet_on_a_clean_repository_prints_nothing(clean_repo: Path) -> None:
    assert validate("-q") == (0, "", "")


def test_no_color_beats_forced_colour(
    repo_with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, coloured, _ = validate()
    assert ANSI.search(coloured)  # the option below is what removes it
    code, plain, _ = validate("--no-color")
    assert code == 1
    assert not ANSI.search(plain)
    assert plain.splitlines()[0] == FINDING_LINES[0]


def test_no_color_environment_variable(
    repo_with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = validate()
    assert not ANSI.search(out)


def test_coloured_output_keeps_the_same_text(
    repo_with_findings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, coloured, _ = validate()
    stripped = re.sub(r"\x1b\[[0-9;]*m", "", coloured)
    assert stripped.splitlines()[0] == FINDING_LINES[0]
    assert stripped.splitlines()[-1] == "✖ 2 errors, 0 warnings in 7 records in 8 files"


# --- --today -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-13-01", "tomorrow", "2026-02-30", "23/11/2026"])
def test_bad_today_is_a_usage_error(clean_repo: Path, value: str) -> None:
    code, out, err = invoke("validate", "--today", value)
    assert code == 2
    assert out == ""
    assert "--today" in err and value in err


def test_good_today(clean_repo: Path) -> None:
    assert invoke("validate", "--today", "2030-01-01")[0] == 0


# --- --config ------------------------------------------------------------------------------


def test_config_unknown_setting_is_one_line_with_a_suggestion(
    clean_repo: Path, tmp_path: Path
) -> None:
    config = tmp_path / "bad.toml"
    config.write_text('recrods = "records"\n')
    code, out, err = validate("--config", str(config))
    assert code == 2
    assert out == ""
    assert err == "itsm: error: bad.toml: unknown setting 'recrods' (did you mean 'records'?)\n"


def test_config_bad_value_is_one_line(clean_repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("max-file-size = -1\n")
    code, _, err = validate("--config", str(config))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("itsm: error: bad.toml: setting 'max-file-size'")


def test_config_invalid_toml_is_one_line(clean_repo: Path, tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("records = \n")
    code, _, err = validate("--config", str(config))
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("itsm: error: bad.toml: invalid TOML")


def test_config_file_not_found(clean_repo: Path) -> None:
    code, _, err = validate("--config", "nowhere.toml")
    assert code == 2
    assert err == "itsm: error: configuration file not found: nowhere.toml\n"


def test_config_file_sets_the_root_and_the_records_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    (repo / "extra").mkdir()
    shutil.copy(CASES / "byte-order-mark.yaml", repo / "extra" / "svc-bom.yaml")
    (repo / "custom.toml").write_text('records = "extra"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = validate("--config", str(repo / "custom.toml"))
    assert (code, out) == (0, "✔ 1 record in 1 file: no findings\n")


def test_itsm_toml_in_the_repository_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    (repo / "itsm.toml").write_text("max-file-size = 300\n")
    monkeypatch.chdir(repo)
    code, out, _ = validate("-q", "--schema-only")
    assert code == 1
    assert out.splitlines()[0] == (
        "records/agreements/ola-netops.yaml:1:1: E006 file is 310 bytes, "
        "over the 300-byte limit"
    )


# --- other options and exit statuses -------------------------------------------------------


def test_exit_zero_reports_but_does_not_fail(repo_with_findings: Path) -> None:
    code, out, _ = validate("--exit-zero", "--quiet")
    assert code == 0
    assert out.splitlines() == FINDING_LINES


def test_schema_only_skips_references_and_duplicate_ids(repo_with_findings: Path) -> None:
    code, out, _ = validate("--schema-only", "--quiet")
    assert code == 1
    assert out.splitlines() == FINDING_LINES[:1]  # the E004 needs every record: skipped


def test_unknown_option_is_a_usage_error(clean_repo: Path) -> None:
    code, out, err = validate("--colour")
    assert code == 2
    assert out == ""
    assert "No such option: --colour" in err


def test_validate_help_lists_every_option() -> None:
    code, out, _ = invoke("validate", "--help")
    assert code == 0
    for option in ("--format", "--output", "--today", "--quiet", "--no-color", "--config",
                   "--exit-zero", "--schema-only", "PATH"):
        assert option in out


# --- the application -----------------------------------------------------------------------


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert (code, out) == (0, f"itsm {itsm_cli.__version__}\n")


def test_help_lists_the_commands() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    commands = re.findall(r"^  (\w+)\s{2,}", out.split("Commands:")[1], re.MULTILINE)
    assert {"validate", "check", "gap", "report", "diff", "history", "rules", "explain",
            "clauses"} <= set(commands)
    assert "Exit status" in out


def test_no_arguments_shows_help() -> None:
    result = cli.run()
    assert "Usage:" in result.stdout + result.stderr
    assert "validate" in result.stdout + result.stderr


@pytest.mark.slow
def test_python_m_itsm_cli_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "--version"], capture_output=True, text=True,
        timeout=60, check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        0, f"itsm {itsm_cli.__version__}\n", "",
    )


@pytest.mark.slow
def test_python_m_itsm_cli_validate_exit_statuses(tmp_path: Path) -> None:
    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "itsm_cli", "validate", "--today", TODAY, *args],
            cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        )

    assert run(cwd=VALID).returncode == 0
    assert run("records/nowhere", cwd=VALID).returncode == 2
    repo = tmp_path / "repo"
    shutil.copytree(VALID, repo)
    shutil.copy(CASES / "syntax-error.yaml", repo / "records" / "syntax-error.yaml")
    proc = run(cwd=repo)
    assert proc.returncode == 1
    assert proc.stdout.startswith("records/syntax-error.yaml:11:14: E001 YAML syntax error")


# --- internal errors -----------------------------------------------------------------------


def _break_the_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("the loader broke")

    monkeypatch.setattr("itsm_cli.records.index.load_repository", explode)


def test_internal_error_is_one_line_and_exit_3(
    clean_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _break_the_loader(monkeypatch)
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run(["validate", "--today", TODAY])
    assert exit_info.value.code == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1
    assert "RuntimeError: the loader broke" in err
    assert "--debug" in err
    assert "Traceback" not in err


def test_debug_lets_the_exception_through(
    clean_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_the_loader(monkeypatch)
    with pytest.raises(RuntimeError, match="the loader broke"):
        cli_main.run(["--debug", "validate", "--today", TODAY])
    with pytest.raises(RuntimeError, match="the loader broke"):
        cli_main.run(["validate", "--debug", "--today", TODAY])


def test_usage_errors_are_not_internal_errors(
    clean_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run(["validate", "records/nowhere", "--today", TODAY])
    assert exit_info.value.code == 2
    assert "internal error" not in capsys.readouterr().err


# --- the example records -------------------------------------------------------------------


def test_example_records_validate_without_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled example SMS in records/ is valid: zero findings, exit 0."""
    monkeypatch.chdir(ROOT)
    code, out, err = validate("records/", "--format", "json")
    document = json.loads(out)
    assert document["findings"] == []
    assert (code, err) == (0, "")
    assert document["summary"]["records"] >= 40
