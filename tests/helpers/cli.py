"""Running `itsm` in-process, as every CLI test does: `run("check", "--today", TODAY)`.

One place runs the commands, so every test sees them the same way: standard output and
standard error apart (`stdout`, `stderr`) and as a terminal shows them interleaved (`output`),
the exit code, and the exception when the command raised one that is not `SystemExit`.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer.main
from typer.testing import CliRunner
from typer.testing import Result as _RunnerResult

from itsm_cli.cli.main import app

if TYPE_CHECKING:
    from typer import _click


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


@functools.cache
def _command() -> _click.Command:
    # Typer's own CliRunner.invoke rebuilds the whole command tree from the app's type hints
    # on every call, most of the time an in-process test spends; the tree does not change
    # within a test run, so it is built once.
    return typer.main.get_command(app)


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
    an exception from the command propagates to the test, with its own traceback.

    Exit codes as typer's CliRunner gives them: SystemExit(None) is 0, a SystemExit with a
    message prints it and is 1, any other exception is 1."""
    runner = CliRunner()
    command = _command()
    exception: BaseException | None = None
    exit_code = 0
    with _working_directory(cwd), runner.isolation(input=input, env=env) as streams:
        try:
            command.main(args=list(args), prog_name=runner.get_default_prog_name(command))
        except SystemExit as exit:
            code = 0 if exit.code is None else exit.code
            if code != 0:
                exception = exit
            if not isinstance(code, int):
                sys.stdout.write(f"{code}\n")
                code = 1
            exit_code = code
        except Exception as error:
            if not catch_exceptions:
                raise
            exception, exit_code = error, 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            stdout, stderr, output = (stream.getvalue() for stream in streams)
    result = _RunnerResult(
        runner=runner, stdout_bytes=stdout, stderr_bytes=stderr, output_bytes=output,
        return_value=None, exit_code=exit_code, exception=exception, exc_info=None,
    )
    return Result(
        exit_code=result.exit_code,
        stdout=result.stdout,
        stderr=result.stderr,
        output=result.output,
        stdout_bytes=result.stdout_bytes,
        exception=result.exception,
    )
