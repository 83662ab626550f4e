"""Semantic display helpers for messages to the user on standard error, and the colour
decision. Commands call these instead of printing colour codes themselves."""

from __future__ import annotations

import os
import shutil
import sys
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
    output.parent.mkdir(parents=True, exist_ok=True)
    temporary = output.with_name(f".{output.name}.itsm-tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, output)
