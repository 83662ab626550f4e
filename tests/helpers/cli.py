"""Running `itsm` in-process, as every CLI test does: `run("check", "--today", TODAY)`.

One place builds the runner, so every test sees the command the same way: standard output and
standard error apart (`stdout`, `stderr`) and as a terminal shows them interleaved (`output`),
the exit code, and the exception when the command raised one that is not `SystemExit`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from itsm_cli.cli.main import app


@dataclass(frozen=True)
class Result:
    """What one run of `itsm` left behind."""

    exit_code: int
    stdout: str
    stderr: str
    output: str
    """Standard output and standard error interleaved, as a terminal shows them."""
    stdout_bytes: bytes
    exception: BaseException | None
    """What the command raised; None, or SystemExit for an ordinary exit."""

    def json(self) -> Any:
        """Standard output parsed as JSON (the `-f json` document)."""
        return json.loads(self.stdout)


@contextlib.contextmanager
def _working_directory(cwd: Path | str | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    with contextlib.chdir(cwd):
        yield


def run(
    *args: str,
    cwd: Path | str | None = None,
    input: str | bytes | None = None,
    env: Mapping[str, str | None] | None = None,
    catch_exceptions: bool = True,
) -> Result:
    """`itsm ARGS` in `cwd` (default: the current directory), with `input` on standard input
    and `env` over the environment (None removes a variable). With `catch_exceptions=False`
    an exception from the command propagates to the test, with its own traceback."""
    runner = CliRunner()
    with _working_directory(cwd):
        result = runner.invoke(
            app, list(args), input=input, env=env, catch_exceptions=catch_exceptions
        )
    return Result(
        exit_code=result.exit_code,
        stdout=result.stdout,
        stderr=result.stderr,
        output=result.output,
        stdout_bytes=result.stdout_bytes,
        exception=result.exception,
    )
