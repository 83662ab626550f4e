"""Running `itsm` with one of its streams on a pseudo-terminal, to see what a person at a
terminal sees (colour, progress bars) rather than what a pipe gets."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def on_a_terminal(
    args: list[str], cwd: Path, env: Mapping[str, str | None], stream: str = "stdout"
) -> str:
    """What `itsm ARGS` writes to `stream` ("stdout" or "stderr") when that stream is a
    terminal 100 columns wide; the other stream is discarded. In `env`, None removes a
    variable."""
    import pty

    merged: dict[str, str | None] = {**os.environ, "COLUMNS": "100", **env}
    environment = {k: v for k, v in merged.items() if v is not None}
    primary, secondary = pty.openpty()
    outputs = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: secondary}
    with subprocess.Popen(
        [sys.executable, "-m", "itsm_cli", *args], cwd=cwd, stdout=outputs["stdout"],
        stderr=outputs["stderr"], env=environment,
    ) as proc:
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # the terminal closes when the process ends
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")
