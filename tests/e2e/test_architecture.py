"""The start-up bar: `itsm --version` stays instant because importing the package and the CLI
pulls in none of the heavy libraries (jinja2, git, ruamel). Each runs in a fresh interpreter,
since this test process has imported everything already."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


ONE_SERVICE = """\
apiVersion: itsm/v1
kind: Service
metadata:
  id: SVC-MAIL
  title: Mail
  owner: head-of-workplace
  status: draft
  clauses: ["8.2.4"]
spec:
  description: Mail for every member of staff.
  lifecycle: live
  criticality: high
"""

_SHOW_MODULES = (
    "import sys; from itsm_cli.cli.entry import main\n"
    "try:\n    main(['validate'])\nexcept SystemExit:\n    pass\n"
    "print(' '.join(sorted(sys.modules)))"
)


def _validate_modules(repo: Path, **env: str) -> tuple[set[str], str]:
    """The modules a `validate` of `repo` imported, after one run has filled its cache."""
    environment = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _SHOW_MODULES], cwd=repo, capture_output=True, text=True,
            check=True, env={**environment, **env},
        )
    lines = done.stdout.splitlines()
    return set(lines[-1].split()), "\n".join(lines[:-1])


@pytest.fixture
def one_record_repository(tmp_path: Path) -> Path:
    (tmp_path / "itsm.toml").write_text('records = "records"\n', encoding="utf-8")
    (tmp_path / "records" / "services").mkdir(parents=True)
    (tmp_path / "records" / "services" / "svc-mail.yaml").write_text(ONE_SERVICE)
    return tmp_path


def test_a_one_record_validate_imports_only_what_it_meets(one_record_repository: Path) -> None:
    """Start-up of a small run (DESIGN 1.1: ≤ 150 ms): the models of the one kind it meets,
    no YAML parser when the file comes from the results cache (the clause catalogue is
    Python), and no package-metadata scan for Pydantic plugins."""
    modules, output = _validate_modules(one_record_repository)
    assert output.endswith("✔ 1 record in 1 file: no findings")
    assert sorted(m for m in modules if m.startswith("itsm_cli.records.kinds.")) == [
        "itsm_cli.records.kinds.service"
    ]
    assert "yaml" not in modules
    assert "importlib.metadata" not in modules
    assert "itsm_cli.rules" not in modules


def test_plugins_a_user_asks_for_are_still_looked_up(one_record_repository: Path) -> None:
    """Only `PYDANTIC_DISABLE_PLUGINS=__all__` (the command line's default) skips the lookup;
    a user who disables some plugins by name gets Pydantic's own loader for the others."""
    modules, output = _validate_modules(
        one_record_repository, PYDANTIC_DISABLE_PLUGINS="some-plugin"
    )
    assert output.endswith("✔ 1 record in 1 file: no findings")
    assert "importlib.metadata" in modules
