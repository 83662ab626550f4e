"""Semantic display helpers for messages to the user on standard error, and the colour
decision. Commands call these instead of printing colour codes themselves."""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
from collections.abc import Callable, Iterator
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
    if stream_wants_color(sys.stderr):
        prefix = f"\x1b[{color_code}m{prefix}\x1b[0m"
    print(f"{prefix} {message}", file=sys.stderr)


def display_error(message: str) -> None:
    _say("itsm: error:", "1;31", message)


def display_warning(message: str) -> None:
    _say("itsm: warning:", "33", message)


def display_note(message: str) -> None:
    _say("itsm:", "2", message)


def write_output(text: str, output: Path | None) -> None:
    """Standard output, or a file written whole (a temporary file renamed into place)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if output.exists() and not output.is_file():
        # /dev/null, a pipe or a terminal: write straight to it; renaming would replace it.
        with output.open("w", encoding="utf-8") as stream:
            stream.write(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.itsm-tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, output)


@contextlib.contextmanager
def progress(total: int, description: str, disabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on standard error for long work on a terminal; silent otherwise.
    Yields a function to call after each step with the step's name."""
    if disabled or total < 2 or not stream_wants_color(sys.stderr):
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(name: str) -> None:
            bar.update(task, advance=1, description=f"{description}: {name}")

        yield advance
