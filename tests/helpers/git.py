"""Git repositories for the tests of `diff`, `history` and the links between records: the
fixture records copied into a fresh repository, committed by a fixed author."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

IDENTITY = {
    "GIT_AUTHOR_NAME": "Dana Auditor",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana Auditor",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
}


def git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """`git ARGS` in `repo` (in `env`, default the environment; commits by `IDENTITY` unless
    it names another author); its standard output, stripped (a failure fails the test)."""
    return subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
        env={**IDENTITY, **(os.environ if env is None else env)},
    ).stdout.strip()


def fixed_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits by one author whatever the machine's Git configuration says."""
    for name, value in IDENTITY.items():
        monkeypatch.setenv(name, value)


def new_repository(source: Path, root: Path, message: str | None = "Initial records") -> Path:
    """`source` copied to `root` as a new repository on branch `main`, its files committed
    with `message` (None: left uncommitted)."""
    shutil.copytree(source, root)
    git(root, "init", "-q", "-b", "main")
    if message is not None:
        commit(root, message)
    return root


def commit(repo: Path, message: str = "Records") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in the file at `path`."""
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))
