"""`itsm NAME …` builds only the command it runs (`cli/main.py`'s `COMMANDS` table), which
spares start-up time; what the user sees must be exactly what the whole application shows."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from itsm_cli.cli import main as cli_main
from tests.helpers import cli
from tests.helpers.paths import fixture

TODAY = dt.date(2026, 11, 23).isoformat()
NAMES = [command.name for command in cli_main.COMMANDS]


def _invoke(application: typer.Typer, args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(application, args, prog_name="itsm")
    return result.exit_code, result.output


def _group_commands(name: str) -> list[str]:
    group = typer.main.get_command(cli_main.build_app(name))
    sub = group.commands[name]  # type: ignore[attr-defined]
    return sorted(getattr(sub, "commands", {}))


def test_the_table_names_every_command_of_the_application() -> None:
    whole = typer.main.get_command(cli_main.app)
    assert sorted(whole.commands) == sorted(NAMES)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", NAMES)
def test_a_command_built_alone_shows_the_same_help(name: str) -> None:
    alone = _invoke(cli_main.build_app(name), [name, "--help"])
    assert alone == _invoke(cli_main.app, [name, "--help"])
    assert alone[0] == 0 and f"Usage: itsm {name}" in alone[1]
    for sub in _group_commands(name):
        args = [name, sub, "--help"]
        assert _invoke(cli_main.build_app(name), args) == _invoke(cli_main.app, args)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["validate", "--today", TODAY], "chosen"),
        (["--debug", "check"], "chosen"),
        (["-V", "gap"], "chosen"),
        (["--help"], None),
        (["-h", "check"], None),
        (["validat"], None),
        ([], None),
    ],
)
def test_which_arguments_build_one_command(args: list[str], expected: str | None) -> None:
    chosen = cli_main._chosen_command(args)
    assert chosen == (next(a for a in args if not a.startswith("-")) if expected else None)


def test_completion_builds_every_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_ITSM_COMPLETE", "complete_bash")
    assert cli_main._chosen_command(["check"]) is None
    assert not cli_main._root_help(["--help"])


@pytest.mark.parametrize(
    ("args", "root_help"),
    [([], True), (["--help"], True), (["-h"], True), (["--debug", "--help"], True),
     (["-h", "check"], True), (["check", "--help"], False), (["check"], False),
     (["validat"], False), (["--install-completion"], False)],
)
def test_which_arguments_ask_for_the_root_help_alone(args: list[str], root_help: bool) -> None:
    assert cli_main._root_help(args) is root_help


@pytest.mark.parametrize("columns", ["50", "80", "200"])
def test_the_root_help_from_the_listing_is_the_whole_applications(columns: str) -> None:
    """The summaries of the table are what each command's own help begins with: at any
    width, Click shortens them the same way."""
    for args in (["--help"], []):
        listed = CliRunner().invoke(cli_main.build_listing(), args, prog_name="itsm",
                                    env={"COLUMNS": columns})
        whole = CliRunner().invoke(cli_main.app, args, prog_name="itsm",
                                   env={"COLUMNS": columns})
        assert (listed.exit_code, listed.output) == (whole.exit_code, whole.output)
        assert "validate  Check YAML syntax" in listed.output


def test_each_summary_is_the_first_paragraph_of_the_commands_help() -> None:
    import inspect

    whole = typer.main.get_command(cli_main.app)
    for command in cli_main.COMMANDS:
        own = whole.commands[command.name].help or ""  # type: ignore[attr-defined]
        first = inspect.cleandoc(own).split("\n\n")[0]
        assert " ".join(first.split()) == command.summary, command.name


@pytest.mark.slow
def test_the_root_help_imports_no_command_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from itsm_cli.cli.main import run\n"
        "try:\n"
        "    run(['--help'])\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print(sorted(m for m in sys.modules if m.startswith('itsm_cli.cli.')), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert "Commands:" in done.stdout and "validate" in done.stdout
    for module in ("validate", "check", "report", "authoring", "git_commands", "importers"):
        assert f"'itsm_cli.cli.{module}'" not in done.stderr


def test_a_misspelt_command_is_still_answered_with_a_suggestion(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run(["validat"])
    assert exit_info.value.code == 2
    assert "No such command 'validat'. Did you mean 'validate'?" in capsys.readouterr().err


def test_a_run_gives_what_the_whole_application_gives(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = fixture("gitops")
    expected = cli.run("check", "-f", "json", "--no-cache", "--today", TODAY, cwd=folder)
    monkeypatch.chdir(folder)
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run(["check", "-f", "json", "--no-cache", "--today", TODAY])
    assert exit_info.value.code == expected.exit_code
    assert capsys.readouterr().out == expected.stdout


@pytest.mark.slow
def test_building_one_command_imports_no_other_command_module(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from itsm_cli.cli.main import build_app\n"
        "build_app('validate')\n"
        "print(sorted(m for m in sys.modules if m.startswith('itsm_cli.cli.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout
    for other in ("report", "authoring", "git_commands", "importers", "export", "gap"):
        assert f"'itsm_cli.cli.{other}'" not in out
    assert "'itsm_cli.cli.validate'" in out
