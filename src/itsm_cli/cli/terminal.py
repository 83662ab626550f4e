"""Semantic display helpers for messages to the user on standard error, and the colour
decision. Commands call these instead of printing colour codes themselves."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO


def stream_wants_color(stream: TextIO, no_color: bool = False) -> bool:
    if no_color or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def width() -> int:
    return max(60, shutil.get_terminal_size((100, 24)).columns)


def _say(prefix: str, color_code: str, message: str) -> None:
    from itsm_cli.output.escape import terminal_safe_lines

    message = terminal_safe_lines(message)  # it may name a file or quote a record
    if stream_wants_color(sys.stderr):
        prefix = f"\x1b[{color_code}m{prefix}\x1b[0m"
    print(f"{prefix} {message}", file=sys.stderr)


def display_error(message: str) -> None:
    _say("itsm: error:", "1;31", message)


def display_warning(message: str) -> None:
    _say("itsm: warning:", "33", message)


def display_note(message: str) -> None:
    _say("itsm:", "2", message)


def stdout_is_terminal() -> bool:
    """Whether standard output is a terminal (where binary output such as a PDF is refused)."""
    return sys.stdout is not None and sys.stdout.isatty()


def write_output(text: str | bytes | Iterable[str], output: Path | None) -> None:
    """Standard output, or a file written whole (a temporary file renamed into place).
    `text` may come in pieces (`ResultType.streamer`), written as they come.

    A reader that stops early (`itsm check | head`) is not an error: the rest is dropped and
    the exit status still tells the result. Any other failure to write (no such folder, disk
    full, no permission) is one line on standard error and exit status 2."""
    import typer

    pieces: Iterable[str | bytes] = (text,) if isinstance(text, (str, bytes)) else text
    try:
        _write(pieces, output)
    except BrokenPipeError:
        _discard_stdout()
    except OSError as exc:
        from itsm_cli.records.atomic import TemporaryFileError

        where = "standard output" if output is None else str(output)
        reason = exc.strerror or str(exc)
        if isinstance(exc, TemporaryFileError) and output is not None:
            # The file is written beside itself first; the error names that step, not the
            # file, which may well exist (`-o /proc/version`: "No such file or directory").
            reason = f"no new file can be made in its folder {output.parent} ({reason})"
        display_error(f"cannot write {where}: {reason}")
        raise typer.Exit(2) from exc


def _encoded(piece: str | bytes) -> bytes:
    # A file name that is not valid UTF-8 reaches the text as lone surrogates: written as
    # escapes (valid JSON escapes, in JSON), never an error.
    return piece.encode("utf-8", "backslashreplace") if isinstance(piece, str) else piece


def _write_stdout(piece: str | bytes) -> None:
    if isinstance(piece, str):
        try:
            sys.stdout.write(piece)
        except UnicodeEncodeError:  # a stream not reconfigured by the entry point
            encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
            sys.stdout.write(piece.encode(encoding, "backslashreplace").decode(encoding))
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(piece)


def _write(pieces: Iterable[str | bytes], output: Path | None) -> None:
    if output is None:
        if sys.stdout is None:  # started with standard output closed (`itsm rules >&-`)
            raise OSError(errno.EBADF, "it is closed")
        for piece in pieces:
            _write_stdout(piece)
        sys.stdout.flush()
        return
    if output.exists() and not output.is_file():
        # /dev/null, a pipe or a terminal: write straight to it; renaming would replace it.
        with output.open("wb") as stream:
            for piece in pieces:
                stream.write(_encoded(piece))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file stands where a folder of the path should be
        raise NotADirectoryError(
            exc.errno, f"{exc.filename or output.parent} is a file, not a folder"
        ) from exc
    # Imported here: only a run with --output needs it (tempfile is no part of start-up).
    from itsm_cli.records.atomic import replace_file

    replace_file(output, (_encoded(piece) for piece in pieces))


def _discard_stdout() -> None:
    """Point standard output at the null device, so the flush at exit does not fail again
    on the closed pipe (the recipe of the Python documentation for SIGPIPE)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. a test runner)
        pass


@contextlib.contextmanager
def status(message: str, disabled: bool) -> Iterator[None]:
    """A spinner with `message` on standard error while slow work runs on a terminal, gone
    when it is done; silent otherwise."""
    if disabled or not stream_wants_color(sys.stderr):
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


@contextlib.contextmanager
def counting(message: str, disabled: bool) -> Iterator[Callable[[int], None]]:
    """A spinner with `message` and a running count (rows read, …) on standard error on a
    terminal, for work whose total is not known ahead; yields the function to call with the
    count so far. Silent otherwise."""
    if disabled or not stream_wants_color(sys.stderr):
        yield lambda _count: None
        return
    from rich.console import Console

    with Console(stderr=True).status(message) as spinner:
        yield lambda count: spinner.update(f"{message} {count:,}")


@contextlib.contextmanager
def progress(total: int, description: str, disabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on standard error for long work on a terminal, gone when the work is
    done; silent otherwise. Yields a function to call as each step starts, with the step's
    name (the bar shows the step under way and how many are done)."""
    if disabled or total < 2 or not stream_wants_color(sys.stderr):
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)
        started = 0

        def start(name: str) -> None:
            nonlocal started
            bar.update(task, completed=started, description=f"{description}: {name}")
            started += 1

        yield start
        bar.update(task, completed=started)
