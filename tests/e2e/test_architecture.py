"""The start-up bar: `itsm --version` stays instant because importing the package and the CLI
pulls in none of the heavy libraries (jinja2, git, ruamel). Each runs in a fresh interpreter,
since this test process has imported everything already."""

from __future__ import annotations

import subprocess
import sys

import pytest

import itsm_cli

pytestmark = pytest.mark.slow

HEAVY = {"jinja2", "git", "ruamel"}


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return {name.split(".")[0] for name in out.split()}


@pytest.mark.parametrize(
    "statement",
    [
        "import itsm_cli",
        "import itsm_cli.cli.main",
        "from itsm_cli.cli.entry import main",
        "import itsm_cli.records.index, itsm_cli.rules.engine",
    ],
)
def test_start_up_imports_no_heavy_library(statement: str) -> None:
    assert _modules_after(statement) & HEAVY == set()


def test_version_does_not_import_typer_or_pydantic() -> None:
    code = (
        "import sys; from itsm_cli.cli.entry import main; main(['--version']); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'typer', 'pydantic', 'rich', 'yaml'}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [f"itsm {itsm_cli.__version__}", "[]"]
