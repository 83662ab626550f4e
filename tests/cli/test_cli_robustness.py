"""The command line under abuse: wrong options, odd paths, broken configuration, Git corner
cases, interrupted runs, unwritable output. Each problem is a finding with a location or one
line on standard error with exit status 2; never a traceback, never a hang, never status 1
for a usage error. Every fixture is built in `tmp_path`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from itsm_cli.cli.main import run
from tests.helpers import cli
from tests.helpers import git as helpers_git
from tests.helpers.paths import ROOT, RULES
from tests.helpers.terminal import on_a_terminal

TODAY = "2026-11-23"

SERVICE = """\
apiVersion: itsm/v1
kind: Service
metadata:
  id: SVC-WEB
  title: Web hosting
  owner: Service owner
  status: approved
  approved: {by: Head of Delivery, date: 2026-01-10}
  lastReviewed: 2026-01-10
spec:
  description: Managed web hosting for retail customers.
  lifecycle: pipeline
  criticality: medium
"""


def make_repo(root: Path, config: str | None = 'records = "records"\n') -> Path:
    """A repository with one valid Service under records/services/ and an itsm.toml."""
    (root / "records" / "services").mkdir(parents=True)
    (root / "records" / "services" / "svc-web.yaml").write_text(SERVICE, encoding="utf-8")
    if config is not None:
        (root / "itsm.toml").write_text(config, encoding="utf-8")
    return root


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`itsm ARGS` through the real entry point (`run`), which maps errors to exit codes."""
    with pytest.raises(SystemExit) as exited:
        run(args)
    out, err = capsys.readouterr()
    code = exited.value.code
    return (code if isinstance(code, int) else 0), out, err


def one_line_error(err: str) -> str:
    """The one message line on standard error; fails on a traceback."""
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


# --- usage errors: plain words, exit status 2 --------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", "--format", "garbage"],
            "Invalid value for '--format' / '-f': 'garbage' is not one of 'text', 'json', "
            "'sarif', 'github', 'gitlab', 'junit', 'markdown'.",
        ),
        (
            ["check", "--fail-on", "sometimes"],
            "Invalid value for '--fail-on': 'sometimes' is not one of 'error', 'warning', "
            "'info', 'never'.",
        ),
        (["gap", "--edition", "1999"], "'1999' is not one of '2018', '2011'."),
        (["gap", "--fail-under", "150"], "'--fail-under': 150 is not a score from 0 to 100"),
        (["gap", "--fail-under", "-5"], "'--fail-under': -5 is not a score from 0 to 100"),
        (["gap", "--fail-under", "lots"], "'--fail-under': must be a valid number"),
        (["clauses", "--edition", "1999"], "'1999' is not one of '2018', '2011'."),
        (["bogus"], "No such command 'bogus'."),
        (["explain"], "Missing argument 'CODE'."),
    ],
)
def test_usage_errors_are_plain_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_main(args, capsys)
    assert code == 2
    assert out == ""
    last = one_line_error(err)
    assert message in last
    assert "Value error" not in err and "Input should be" not in err


@pytest.mark.slow
def test_no_arguments_show_help_with_the_same_status_as_python_m(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _out, err = run_main([], capsys)
    assert code == 2  # Click's convention for a command group called without a command
    assert "Usage: itsm" in err and "Commands:" in err
    module = subprocess.run(
        [sys.executable, "-m", "itsm_cli"], capture_output=True, text=True, timeout=60
    )
    assert module.returncode == code
    assert "Usage: itsm" in module.stderr and "Traceback" not in module.stderr


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_main(["check", "-h"], capsys)
    assert code == 0
    assert "Usage: itsm check" in out


# --- Ctrl-C -------------------------------------------------------------------------------


def test_keyboard_interrupt_is_one_line_and_status_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import itsm_cli.records.index as index

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(index, "load_repository", interrupted)
    monkeypatch.chdir(make_repo(tmp_path))
    code, out, err = run_main(["validate"], capsys)
    assert code == 130
    assert out == ""
    assert err == "itsm: interrupted\n"


@pytest.mark.slow
def test_sigint_in_a_real_process_is_one_line_and_status_130(tmp_path: Path) -> None:
    """A real SIGINT in the middle of loading, as Ctrl-C in a terminal sends it."""
    make_repo(tmp_path)
    script = textwrap.dedent(
        """
        import os, signal, sys, time
        import itsm_cli.records.index as index

        def slow(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(30)

        index.load_repository = slow
        from itsm_cli.cli.entry import main
        main(["validate"])
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
        timeout=60, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.returncode == 130
    assert proc.stderr == "itsm: interrupted\n"


# --- output: --output and standard output -------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/proc/no-such-process/out.txt", "cannot write /proc/no-such-process/out.txt: "),
        # The file exists, but its folder takes no new file: the error says which step failed.
        ("/proc/version", "cannot write /proc/version: no new file can be made in its folder "
         "/proc (No such file or directory)"),
        ("records/services/svc-web.yaml/out.txt", "records/services/svc-web.yaml is a file, "
         "not a folder"),
    ],
)
def test_unwritable_output_is_one_line_and_status_2(
    target: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    code, out, err = run_main(["validate", "-o", target], capsys)
    assert code == 2
    assert out == ""
    assert one_line_error(err).startswith("itsm: error: cannot write ")
    assert message in err
    assert not list(tmp_path.rglob("*.itsm-tmp"))


def test_output_into_a_missing_folder_creates_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    result = cli.run("validate", "-f", "json", "-o", "build/out/findings.json")
    assert result.exit_code == 0
    assert (tmp_path / "build" / "out" / "findings.json").read_text().startswith("{")


@pytest.mark.parametrize("command", [["validate"], ["gap"], ["rules"], ["explain", "SLM001"]])
def test_output_to_a_folder_is_a_usage_error(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    result = cli.run(*command, "-o", "records")
    assert result.exit_code == 2
    assert "'records' is a directory" in result.stderr


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_output_to_dev_null_writes_nothing_and_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    result = cli.run("validate", "-o", "/dev/null")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert Path("/dev/null").is_char_device()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_on_standard_output_is_one_line_and_status_2(tmp_path: Path) -> None:
    make_repo(tmp_path)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "itsm_cli", "rules"], cwd=tmp_path, stdout=full,
            stderr=subprocess.PIPE, text=True, timeout=60,
        )
    assert proc.returncode == 2
    assert proc.stderr == "itsm: error: cannot write standard output: No space left on device\n"


@pytest.mark.slow
@pytest.mark.parametrize(("extra", "status"), [([], 1), (["--exit-zero"], 0)])
def test_a_reader_that_stops_early_is_not_an_error(
    extra: list[str], status: int, tmp_path: Path
) -> None:
    """`itsm validate | head -1`: the pipe closes; no message, and the exit status is still
    the result of the validation (Typer's own handling exited 1, even with --exit-zero)."""
    records = make_repo(tmp_path) / "records"
    for number in range(400):
        (records / f"broken-{number:03}.yaml").write_text("a: [\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "itsm_cli", "validate", *extra], cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first byte is written
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == status
    assert err == b""


# --- configuration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "text", "message"),
    [
        ("itsm.toml", "records = [\n", "itsm.toml: invalid TOML: "),
        (
            "itsm.toml",
            'recrods = "records"\n',
            "unknown setting 'recrods' (did you mean 'records'?)",
        ),
        ("itsm.toml", "records = 5\n", "setting 'records': must be text in quotes"),
        ("itsm.toml", 'select = "SLM"\n', "setting 'select': must be a list"),
        ("itsm.toml", 'severity = "error"\n', "setting 'severity': must be a table"),
        (
            "itsm.toml",
            '[review-intervals]\nSLA = "P1X"\n',
            "setting 'review-intervals': 'P1X' is not an ISO 8601 duration",
        ),
        (
            "itsm.toml",
            '[review-intervals]\nSla = "P6M"\n',
            "setting 'review-intervals': 'Sla' is not a kind (did you mean 'SLA'?)",
        ),
        ("itsm.toml", 'edition = "1999"\n', "setting 'edition': must be '2018' or '2011'"),
        (
            "itsm.toml",
            'records = "../.."\n',
            "setting 'records': '../..' is outside the repository",
        ),
        ("itsm.toml", 'records = "/"\n', "setting 'records': '/' is outside the repository"),
        (
            "pyproject.toml",
            '[tool]\nitsm = "records"\n',
            "pyproject.toml: 'tool.itsm' must be a table",
        ),
        (
            "pyproject.toml",
            "[tool]\nitsm = [1, 2]\n",
            "pyproject.toml: 'tool.itsm' must be a table",
        ),
    ],
)
def test_broken_configuration_is_one_line_and_status_2(
    file: str, text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_repo(tmp_path, config=None)
    (tmp_path / file).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main(["validate"], capsys)
    assert code == 2
    assert out == ""
    line = one_line_error(err)
    assert line.startswith(f"itsm: error: {file}: ")
    assert message in line
    assert err.count("\n") == 1


def test_configuration_that_is_not_utf8_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path, config=None)
    (tmp_path / "itsm.toml").write_bytes(b'# config\nrecords = "r\xe9cords"\n')  # Latin-1
    monkeypatch.chdir(tmp_path)
    code, _out, err = run_main(["validate"], capsys)
    assert code == 2
    assert err == (
        "itsm: error: itsm.toml: not UTF-8 text (line 2, column 13); save it as UTF-8\n"
    )


def test_a_binary_pyproject_above_does_not_break_every_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The root search reads each pyproject.toml upwards; one that is not text is not ours."""
    (tmp_path / "pyproject.toml").write_bytes(bytes(range(256)))
    repo = make_repo(tmp_path / "sms", config=None)
    (repo / ".git").mkdir()
    monkeypatch.chdir(repo / "records")
    result = cli.run("validate")
    assert result.exit_code == 0, result.stderr


def test_pyproject_with_a_non_table_tool_entry_is_not_a_configuration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_repo(tmp_path, config=None)
    (tmp_path / "pyproject.toml").write_text("tool = 5\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli.run("validate")
    assert result.exit_code == 0, result.stderr


def test_configuration_with_a_byte_order_mark_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Notepad saves UTF-8 with a byte-order mark; TOML parsers refuse it, itsm need not."""
    make_repo(tmp_path, config=None)
    (tmp_path / "itsm.toml").write_bytes(b'\xef\xbb\xbfrecords = "records"\n')
    monkeypatch.chdir(tmp_path)
    result = cli.run("validate")
    assert result.exit_code == 0, result.stderr


def test_rule_codes_in_the_configuration_are_case_insensitive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = 'records = "records"\nselect = ["cat"]\n\n[severity]\ncat002 = "info"\n'
    make_repo(tmp_path, config=config)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "records" / "services" / "svc-web.yaml").write_text(
        SERVICE.replace("lifecycle: pipeline", "lifecycle: live").replace(
            "criticality: medium", "criticality: high"
        ),
        encoding="utf-8",
    )
    result = cli.run("check", "--today", TODAY, "-f", "json")
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("CAT002", "info")]


# --- the records root and the paths named -------------------------------------------------


@pytest.mark.slow
def test_configured_records_root_that_does_not_exist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(make_repo(tmp_path, config='records = "nope"\n'))
    for command in (["validate"], ["check", "--today", TODAY], ["gap", "--today", TODAY]):
        code, out, err = run_main(command, capsys)
        assert code == 2
        assert out == ""
        assert err == (
            "itsm: error: records root 'nope' does not exist (set by `records` in itsm.toml)\n"
        )


def test_configured_records_root_that_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not read as a record file: the records root is a folder."""
    monkeypatch.chdir(make_repo(tmp_path, config='records = "itsm.toml"\n'))
    result = cli.run("validate")
    assert result.exit_code == 2
    assert result.stderr == (
        "itsm: error: records root 'itsm.toml' is not a folder (set by `records` in itsm.toml)\n"
    )


def test_default_records_root_missing_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli.run("validate")
    assert result.exit_code == 2
    assert result.stderr.startswith("itsm: error: records root 'records' does not exist: ")
    assert "itsm init" in result.stderr and result.stderr.count("\n") == 1


def test_path_not_found_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    result = cli.run("validate", "records/nope")
    assert result.exit_code == 2
    assert result.stderr == "itsm: error: path not found: records/nope\n"


def test_folder_without_yaml_warns_and_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    (tmp_path / "records" / "notes").mkdir()
    (tmp_path / "records" / "notes" / "README.md").write_text("nothing here\n")
    (tmp_path / "records" / "notes" / "x.yaml").mkdir()  # a folder named like a record
    result = cli.run("validate", "records/notes")
    assert result.exit_code == 0
    assert result.stderr == (
        "itsm: warning: no record files (*.yaml, *.yml) found in records/notes\n"
    )
    assert result.stdout == "✔ 0 records in 0 files: no findings\n"


def test_no_warning_when_records_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    result = cli.run("validate")
    assert (result.exit_code, result.stderr) == (0, "")


# --- rule codes: --select, --ignore and the configuration ---------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--select", "XYZ123", "'XYZ123' matches no rule code; `itsm rules` lists them"),
        ("--select", "slm01", "'SLM01' matches no rule code (did you mean 'SLM001'?)"),
        ("--ignore", "SLM,DOCX", "'DOCX' matches no rule code (did you mean 'DOC'?)"),
    ],
)
def test_unknown_rule_codes_on_the_command_line_are_usage_errors(
    option: str, value: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    code, out, err = run_main(["check", "--today", TODAY, option, value], capsys)
    assert code == 2
    assert out == ""
    assert one_line_error(err) == f"Error: Invalid value for '{option}': {message}"


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('select = ["XYZ"]', "setting 'select': 'XYZ' matches no rule code"),
        (
            'ignore = ["SLMX"]',
            "setting 'ignore': 'SLMX' matches no rule code (did you mean 'SLM'?)",
        ),
        (
            '[severity]\nSLM01 = "info"',
            "setting 'severity': 'SLM01' is not a rule code (did you mean 'SLM001'?)",
        ),
        ('[severity]\nSLM = "info"', "setting 'severity': 'SLM' is not a rule code"),
    ],
)
def test_unknown_rule_codes_in_the_configuration_are_errors(
    setting: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(make_repo(tmp_path, config=f'records = "records"\n{setting}\n'))
    for command in (["check"], ["gap"]):
        result = cli.run(*command, "--today", TODAY)
        assert result.exit_code == 2
        assert result.stderr.startswith(f"itsm: error: itsm.toml: {message}")
        assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("value", ["E", "slm", "s", "cap002", "SLM,SUP001"])
def test_known_codes_and_prefixes_are_accepted(
    value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    for option in ("--select", "--ignore"):
        result = cli.run("check", "--today", TODAY, option, value)
        assert result.exit_code in (0, 1), result.stderr
        assert result.stderr == ""


def test_today_that_is_no_day_of_the_calendar(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_main(["validate", "--today", "2026-02-30"], capsys)
    assert code == 2
    assert one_line_error(err) == (
        "Error: Invalid value for '--today': '2026-02-30' is not a day of the calendar "
        "(day is out of range for month)"
    )


@pytest.mark.parametrize("value", ["garbage", "23.11.2026", "2026-1-1"])
def test_today_in_another_format(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_main(["check", "--today", value], capsys)
    assert code == 2
    assert one_line_error(err).endswith(f"'{value}' is not a date written YYYY-MM-DD")


# --- Git: diff and history ----------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    # Neither the machine's nor the user's Git configuration may change what these see.
    isolated = {"GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return helpers_git.git(repo, *args, env={**os.environ, **isolated})


def git_repo(root: Path, commit: bool = True) -> Path:
    make_repo(root)
    git(root, "init", "-q", "-b", "main")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Web hosting service")
    return root


needs_git = pytest.mark.skipif(
    subprocess.run(["git", "--version"], capture_output=True).returncode != 0,
    reason="needs git",
)


@needs_git
def test_diff_and_history_outside_a_git_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    for command in (["diff", "--base", "main"], ["history", "SVC-WEB"]):
        result = cli.run(*command)
        assert result.exit_code == 2
        assert result.stderr.startswith("itsm: error: not inside a Git repository: ")
        assert result.stderr.count("\n") == 1


@needs_git
def test_diff_in_a_repository_without_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo(tmp_path, commit=False))
    result = cli.run("diff", "--base", "HEAD", "--today", TODAY)
    assert result.exit_code == 2
    assert result.stderr == (
        "itsm: error: unknown revision 'HEAD' — the repository has no commits yet: "
        "commit the records first\n"
    )


@needs_git
def test_history_of_a_record_never_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo(tmp_path, commit=False))
    result = cli.run("history", "SVC-WEB", "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["record"] == "SVC-WEB"
    assert [(c["commit"], c["status"]) for c in data["commits"]] == [(None, "added")]


@pytest.mark.slow
@needs_git
def test_diff_against_itself_and_against_a_tag(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo(tmp_path))
    git(tmp_path, "tag", "v1")
    for refs in (["--base", "HEAD", "--head", "HEAD"], ["--base", "main", "--head", "v1"],
                 ["--base", "v1"]):
        result = cli.run("diff", *refs, "--today", TODAY, "-f", "json")
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert (data["records"], data["introduced"], data["resolved"]) == ([], [], [])


@needs_git
def test_diff_unknown_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(git_repo(tmp_path))
    for refs in (["--base", "nope"], ["--base", "HEAD", "--head", "HEAD~3"]):
        result = cli.run("diff", *refs, "--today", TODAY)
        assert result.exit_code == 2
        assert result.stderr.startswith("itsm: error: unknown revision ")


@needs_git
def test_diff_with_a_base_where_a_record_was_not_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The broken file at the base is read from Git like any other: its E001 is 'resolved'."""
    repo = git_repo(tmp_path)
    record = repo / "records" / "services" / "svc-web.yaml"
    record.write_text(SERVICE + "  broken: [\n", encoding="utf-8")
    (repo / "records" / "binary.yaml").write_bytes(bytes(range(256)))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "broken")
    record.write_text(SERVICE, encoding="utf-8")
    (repo / "records" / "binary.yaml").unlink()
    monkeypatch.chdir(repo)
    result = cli.run("diff", "--base", "HEAD", "--today", TODAY, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    resolved = [f for f in data["resolved"] if f["rule"].startswith("E")]
    assert sorted((f["rule"], f["file"]) for f in resolved) == [
        ("E001", "records/binary.yaml"),
        ("E001", "records/services/svc-web.yaml"),
    ]
    assert data["introduced"] == []
    # And the other way round: the broken commit as head introduces both, and fails.
    result = cli.run("diff", "--base", "HEAD~1", "--head", "HEAD", "--today", TODAY)
    assert result.exit_code == 1
    # The list the file ends inside is reported at its `[` (line 14, column 11).
    assert "records/services/svc-web.yaml:14:11: E001 YAML syntax error" in result.stdout


@needs_git
def test_history_suggests_the_id_in_upper_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(git_repo(tmp_path))
    result = cli.run("history", "svc-web")
    assert result.exit_code == 2
    assert result.stderr == (
        "itsm: error: no record with id 'svc-web' in the working tree or its Git history "
        "(did you mean 'SVC-WEB'?)\n"
    )


@needs_git
def test_history_without_a_records_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Was an internal error (exit 3)."""
    repo = git_repo(tmp_path)
    (repo / "itsm.toml").write_text('records = "nope"\n', encoding="utf-8")
    monkeypatch.chdir(repo)
    result = cli.run("history", "SVC-WEB")
    assert result.exit_code == 2
    assert result.stderr == (
        "itsm: error: records root 'nope' does not exist (set by `records` in itsm.toml)\n"
    )


def test_diff_edition_is_checked_like_gap(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_main(["diff", "--base", "HEAD", "--edition", "1999"], capsys)
    assert code == 2
    assert one_line_error(err).endswith("'1999' is not one of '2018', '2011'.")


# --- files that are not plain record files -------------------------------------------------


def validate_lines(args: list[str]) -> tuple[int, list[str]]:
    result = cli.run("validate", "-q", *args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout.splitlines()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_called_x_yaml_is_reported_and_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a FIFO for reading blocks until a writer comes: the run would hang."""
    monkeypatch.chdir(make_repo(tmp_path))
    os.mkfifo(tmp_path / "records" / "x.yaml")
    (tmp_path / "records" / "link.yaml").symlink_to("x.yaml")
    expected = [
        "records/link.yaml:1:1: E001 not a regular file (a pipe, socket or device); not read",
        "records/x.yaml:1:1: E001 not a regular file (a pipe, socket or device); not read",
    ]
    assert validate_lines([]) == (1, expected)
    assert validate_lines(["records/x.yaml"]) == (1, expected[1:])


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_does_not_hang_a_real_process(tmp_path: Path) -> None:
    make_repo(tmp_path)
    os.mkfifo(tmp_path / "records" / "x.yaml")
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "validate", "-q"], cwd=tmp_path,
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stdout.startswith("records/x.yaml:1:1: E001 not a regular file")


def test_broken_links_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside the repository a dangling link named like a record is an E001 with its target
    (it was silently skipped in a folder, and called 'a pipe, socket or device' when named)."""
    monkeypatch.chdir(make_repo(tmp_path))
    (tmp_path / "records" / "gone.yaml").symlink_to("services/deleted.yaml")
    line = (
        "records/gone.yaml:1:1: E001 broken link: "
        "its target 'services/deleted.yaml' does not exist"
    )
    assert validate_lines([]) == (1, [line])
    assert validate_lines(["records/gone.yaml"]) == (1, [line])


def test_a_folder_named_like_a_record_is_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    folder = tmp_path / "records" / "x.yaml"
    folder.mkdir()
    (folder / "svc-mail.yaml").write_text(SERVICE.replace("SVC-WEB", "SVC-MAIL"))
    result = cli.run("validate")
    assert result.exit_code == 0
    assert result.stdout == "✔ 2 records in 2 files: no findings\n"


def test_an_unreadable_file_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """chmod 000 does not stop root (these tests may run as root), so the refusal is
    simulated where the loader reads the bytes."""
    monkeypatch.chdir(make_repo(tmp_path))
    original = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "svc-web.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    code, lines = validate_lines([])
    assert code == 1
    assert lines == ["records/services/svc-web.yaml:1:1: E001 cannot read file: Permission denied"]


def test_binary_file_and_windows_line_endings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    crlf = SERVICE.replace("SVC-WEB", "SVC-CRLF").replace("\n", "\r\n").encode()
    (tmp_path / "records" / "services" / "svc-crlf.yaml").write_bytes(crlf)
    (tmp_path / "records" / "blob.yaml").write_bytes(bytes(range(256)) * 4)
    code, lines = validate_lines([])
    assert code == 1
    # byte 0x80 is the first that is not UTF-8: line 2 starts after byte 0x0a
    assert lines == ["records/blob.yaml:2:118: E001 invalid UTF-8: byte 0x80 cannot be decoded"]


@pytest.mark.slow
def test_a_huge_single_line_file_is_one_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(make_repo(tmp_path))
    keys = ", ".join(f"k{i}: {i}" for i in range(200_000))  # 2.5 MB on one line
    (tmp_path / "records" / "one-line.yaml").write_text("{" + keys + "}\n")
    code, lines = validate_lines([])
    assert code == 1
    assert lines == ["records/one-line.yaml:1:1: E002 missing required field 'apiVersion'"]


@pytest.mark.parametrize("special", ["/dev/null", "fifo.toml"])
def test_config_option_naming_a_special_file(
    special: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never opened (a pipe would block), and not called 'not found'."""
    monkeypatch.chdir(make_repo(tmp_path))
    if special == "fifo.toml":
        if not hasattr(os, "mkfifo"):
            pytest.skip("needs named pipes")
        os.mkfifo(tmp_path / special)
    elif not Path(special).exists():
        pytest.skip(f"needs {special}")
    result = cli.run("validate", "--config", special)
    assert result.exit_code == 2
    assert result.stderr == f"itsm: error: configuration file is not a regular file: {special}\n"


# --- wording a consultant reads -------------------------------------------------------------


def test_supplier_messages_say_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """SUP001 on a contract that has not started yet does not advise renewing it; SUP003
    says the review is overdue rather than 'before today'."""
    monkeypatch.chdir(RULES / "suppliers")
    result = cli.run("check", "--today", TODAY, "--select", "SUP001,SUP003", "-f", "json")
    found = {(f["rule"], f["record"]): f for f in json.loads(result.stdout)["findings"]}
    assert found["SUP001", "SUP-NEWCARRIER"]["hint"].startswith(
        "Record the contract that is in force until then"
    )
    assert found["SUP001", "SUP-LAPSED"]["hint"].startswith("Renew the contract")
    assert found["SUP003", "SUP-TRANSIT"]["message"].endswith(
        "= 2026-10-22: the next review is overdue"
    )


# --- colour ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    "command",
    [["check", "--today", TODAY], ["gap", "--today", TODAY], ["rules"], ["explain", "CAT002"]],
)
def test_colour_only_on_a_terminal_that_wants_it(command: list[str], tmp_path: Path) -> None:
    make_repo(tmp_path)
    plain_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    assert "\x1b[" in on_a_terminal(command, tmp_path, {"TERM": "xterm-256color"})
    for env, extra in (({"NO_COLOR": "1"}, []), ({"TERM": "dumb"}, []), ({}, ["--no-color"])):
        shown = on_a_terminal([*command, *extra], tmp_path, {"TERM": "xterm-256color", **env})
        assert "\x1b[" not in shown, (env, extra)
    piped = subprocess.run(
        [sys.executable, "-m", "itsm_cli", *command], cwd=tmp_path, capture_output=True,
        text=True, env={**plain_env, "TERM": "xterm-256color"}, timeout=60,
    )
    assert "\x1b[" not in piped.stdout + piped.stderr


@pytest.mark.slow
def test_standard_output_closed_is_one_line_and_status_2(tmp_path: Path) -> None:
    """`itsm rules >&-`: Python starts with sys.stdout = None (was an internal error)."""
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "rules"], cwd=tmp_path, stderr=subprocess.PIPE,
        text=True, timeout=60, preexec_fn=lambda: os.close(1),
    )
    assert proc.returncode == 2
    assert proc.stderr == "itsm: error: cannot write standard output: it is closed\n"


def test_a_path_outside_the_repository_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "sms")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "svc.yaml").write_text(SERVICE.replace("SVC-WEB", "SVC-ELSEWHERE"))
    monkeypatch.chdir(repo)
    code, lines = validate_lines(["records", "../elsewhere"])
    assert code == 1
    assert lines == ["../elsewhere:1:1: E006 this path leads outside the repository; refused"]


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NOPE", "itsm: error: no rule has the code 'NOPE'; `itsm rules` lists them"),
        ("slm01", "itsm: error: no rule has the code 'slm01' (did you mean SLM001?); "
         "`itsm rules` lists them"),
    ],
)
def test_explain_an_unknown_code(
    code: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run_main(["explain", code], capsys)
    assert (status, out, err) == (2, "", message + "\n")


def test_explain_is_case_insensitive(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _err = run_main(["explain", "slm001", "-f", "json"], capsys)
    assert status == 0
    assert json.loads(out)["code"] == "SLM001"


@pytest.mark.slow
def test_gap_on_an_80_column_terminal_keeps_the_titles_readable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The evidence column gives way (ids cut with …) before the clause titles are squeezed to
    a few letters ("Perform…" used to stand for "Performance evaluation")."""
    monkeypatch.chdir(ROOT)  # the example records
    monkeypatch.setenv("COLUMNS", "80")
    for edition in ("2018", "2011"):
        result = cli.run("gap", "--today", TODAY, "--edition", edition)
        lines = result.output.splitlines()
        assert max(len(line) for line in lines) <= 80
        titles = [line[15:].split("  ")[0] for line in lines[3:] if line[:1] in " 0123456789"]
        assert all(len(title) >= 10 or "…" not in title for title in titles), titles
        if edition == "2018":
            assert any(line.startswith("9  ") and "Performance" in line for line in lines)
            assert any(line.startswith("4  ") and "Context of the" in line for line in lines)


@pytest.mark.parametrize(
    "command",
    [
        ["validate"], ["check", "--today", TODAY], ["gap", "--today", TODAY],
        ["report", "gap", "--today", TODAY], ["history", "SVC-WEB"], ["rules"],
        ["explain", "SLM001"], ["clauses"],
    ],
)
@pytest.mark.parametrize("target", ["records/services/svc-web.yaml", "records/new.YML"])
def test_output_never_replaces_or_adds_a_record_file(
    command: list[str], target: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    status, _out, err = run_main([*command, "-o", target], capsys)
    assert status == 2
    assert one_line_error(err) == (
        f"Error: Invalid value for '--output' / '-o': {target} is a YAML file under the records "
        "root 'records', where it would replace or become a record; write the output elsewhere"
    )
    assert (tmp_path / "records/services/svc-web.yaml").read_text(encoding="utf-8") == SERVICE
    assert not (tmp_path / "records/new.YML").exists()


def test_output_to_a_yaml_file_outside_the_records_root_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_repo(tmp_path)
    monkeypatch.chdir(tmp_path / "records")  # paths relative to where itsm runs
    status, _out, _err = run_main(["validate", "-f", "json", "-o", "../findings.yaml"], capsys)
    assert status == 0
    assert json.loads((tmp_path / "findings.yaml").read_text(encoding="utf-8"))["version"] == 1


# --- the README's examples are what a newcomer sees -------------------------------------

README = ROOT / "README.md"


def readme_examples() -> dict[str, list[str]]:
    """Each `$ itsm …` command of the README's console blocks, with the lines shown below it
    (up to the next command or the end of the block)."""
    import re

    examples: dict[str, list[str]] = {}
    for block in re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S):
        command: str | None = None
        for line in block.splitlines():
            if line.startswith("$ "):
                command = line[2:]
                examples[command] = []
            elif command is not None:
                examples[command].append(line)
    return {command: _without_trailing_blanks(lines) for command, lines in examples.items()}


def _without_trailing_blanks(lines: list[str]) -> list[str]:
    while lines and not lines[-1]:
        lines = lines[:-1]
    return lines


def shown_in_order(shown: list[str], output: list[str]) -> None:
    """The README's lines, cut where it says `…`, appear in the output in that order, each
    run of lines between two cuts as it stands."""
    runs: list[list[str]] = [[]]
    for line in shown:
        if line == "…":
            runs.append([])
        else:
            runs[-1].append(line)
    position = 0
    for lines in (r for r in runs if r):
        starts = [i for i in range(position, len(output)) if output[i:i + len(lines)] == lines]
        assert starts, f"README lines not in the output (from line {position}):\n" + "\n".join(
            lines
        )
        position = starts[0] + len(lines)


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [
        "itsm validate records/",
        "itsm gap records/ --today 2026-11-23",
        "itsm check records/ --today 2026-11-23",
        "itsm rules",
        "itsm explain SLM002",
    ],
)
def test_readme_example_output_is_what_the_example_records_give(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(README.parent)
    shown = readme_examples()[command]
    result = cli.run(*command.split()[1:])
    output = (result.stdout + result.stderr).splitlines()
    if "…" in shown:
        shown_in_order(shown, output)
    else:
        assert output == shown


def test_readme_validate_example_with_two_typos(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    root = README.parent
    shutil.copytree(root / "records", tmp_path / "records")
    sla = tmp_path / "records/agreements/sla-acme-hosting.yaml"
    text = sla.read_text(encoding="utf-8")
    text = text.replace("  lastReviewed:", "  lastReviewd:", 1)
    text = text.replace("metric: availability", "metric: availabilty", 1)
    sla.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli.run("validate")
    assert result.exit_code == 1
    output = (result.stdout + result.stderr).splitlines()
    assert output == readme_examples()["itsm validate"]


@pytest.mark.parametrize(
    "command",
    [[], ["validate"], ["check"], ["gap"], ["report"], ["diff"], ["history"], ["init"],
     ["new"], ["fmt"], ["rules"], ["explain"], ["clauses"], ["schema"], ["schema", "export"],
     ["due"], ["export"], ["import"], ["import", "backstage"], ["import", "openslo"],
     ["import", "sloth"], ["import", "pyrra"], ["import", "tickets"]],
)
def test_help_fits_an_80_column_terminal(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The examples in each --help are laid out by hand; none runs past 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    result = cli.run(*command, "--help")
    assert result.exit_code == 0
    too_long = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert too_long == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--today", "0001-01-05"], "no reporting period ended before 0001-01-05"),
        (["--period", "0000-01"], "write a month (2026-10) or a quarter (2026-Q3)"),
        (["--period", "٢٠٢٦-10"], "write a month (2026-10) or a quarter (2026-Q3)"),
    ],
)
def test_service_report_periods_at_the_ends_of_the_calendar(
    args: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = cli.run("report", "service", "-f", "md", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
