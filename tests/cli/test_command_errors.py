"""What every command says when something is wrong around the records rather than in them: a
rule that crashes (a reported finding; its traceback with `--debug`) and a records root that
is not there (the same one-line error with a hint from every command that needs one, exit 2).

Runs on the valid fixture repository `tests/fixtures/valid/` and on empty temporary folders.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest

from itsm_cli.cli import main as cli_main
from itsm_cli.findings import Finding
from itsm_cli.rules import all_rules
from itsm_cli.rules.registry import REGISTRY, RuleContext
from tests.helpers.paths import fixture

VALID = fixture("valid")
TODAY = "2026-11-23"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`itsm ARGS` through the console-script path (which reads and strips `--debug`)."""
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run(args)
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return code if isinstance(code, int) else 0, out, err


@pytest.fixture
def crashing_rule(monkeypatch: pytest.MonkeyPatch) -> str:
    """CAT001 replaced, for this test only, by a rule that raises."""

    def explode(_context: RuleContext) -> Iterable[Finding]:
        raise ZeroDivisionError("the rule divided by zero")

    entry = all_rules()["CAT001"]
    monkeypatch.setitem(REGISTRY, "CAT001", replace(entry, check=explode))
    monkeypatch.chdir(VALID)
    return "CAT001"


def test_crashing_rule_is_a_finding_that_points_to_debug(
    crashing_rule: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", "--today", TODAY, "--no-color"], capsys)
    assert code == 1
    assert "internal error in rule CAT001: ZeroDivisionError: the rule divided by zero" in out
    assert "--debug" in out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize(
    "command", [["check"], ["gap"], ["report", "gap", "-f", "md"]], ids=lambda c: c[0]
)
def test_debug_reaches_the_rules_and_shows_the_crash(
    crashing_rule: str, capsys: pytest.CaptureFixture[str], command: list[str], where: str
) -> None:
    args = [*command, "--today", TODAY]
    args = ["--debug", *args] if where == "before" else [*args, "--debug"]
    with pytest.raises(ZeroDivisionError, match="the rule divided by zero"):
        cli_main.run(args)


@pytest.mark.slow
def test_debug_is_forgotten_after_the_run(
    crashing_rule: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(ZeroDivisionError):
        cli_main.run(["--debug", "check", "--today", TODAY])
    code, out, _err = run(["check", "--today", TODAY, "--no-color"], capsys)
    assert (code, "internal error in rule CAT001" in out) == (1, True)


@pytest.mark.slow
def test_debug_shows_the_traceback_from_the_console_script(tmp_path: Path) -> None:
    """The real entry point prints the traceback on standard error, naming the rule's code."""
    script = (
        "import sys\n"
        "from dataclasses import replace\n"
        "from itsm_cli.rules import all_rules\nfrom itsm_cli.rules.registry import REGISTRY\n"
        "def explode(context):\n"
        "    raise ZeroDivisionError('the rule divided by zero')\n"
        "REGISTRY['CAT001'] = replace(all_rules()['CAT001'], check=explode)\n"
        "from itsm_cli.cli.entry import main\n"
        "main(sys.argv[1:])\n"
    )
    proc = subprocess.run(
        [_python(), "-c", script, "--debug", "check", "--today", TODAY],
        cwd=VALID, capture_output=True, text=True, check=False,
    )
    assert proc.returncode != 0
    assert "Traceback (most recent call last)" in proc.stderr
    assert "ZeroDivisionError: the rule divided by zero" in proc.stderr


def _python() -> str:
    import sys

    return sys.executable


# --- a records root that is not there ------------------------------------------------------

ROOT_COMMANDS = [
    ["check", "--today", TODAY],
    ["validate", "--today", TODAY],
    ["gap", "--today", TODAY],
    ["report", "gap", "-f", "md", "--today", TODAY],
    ["report", "service", "-f", "md", "--today", TODAY],
    ["fmt", "--check"],
    ["history", "SLA-WEB"],
]


@pytest.mark.parametrize("command", ROOT_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_missing_records_root_is_the_same_helpful_error_everywhere(
    command: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(command, capsys)
    assert code == 2
    assert out == ""
    [line] = err.splitlines()
    assert line.startswith("itsm: error: records root 'records' does not exist: ")
    assert "`itsm init` starts one" in line
    assert "path not found" not in line
