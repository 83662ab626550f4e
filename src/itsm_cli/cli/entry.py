"""Console-script entry point. `itsm --version` answers before anything heavy is imported."""

from __future__ import annotations

import contextlib
import os
import sys


def tolerant_streams() -> None:
    """Standard output and error that never fail on a character their encoding lacks: with
    `PYTHONIOENCODING=cp1252` (Windows, redirected) or a file name that is not valid UTF-8,
    such a character is written as a backslash escape instead of ending the run with no
    output."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:  # closed (None) or replaced by something else
            continue
        with contextlib.suppress(ValueError, OSError):  # a stream that cannot be changed
            reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    tolerant_streams()
    # Pydantic looks for plugins in every installed distribution's entry points the first
    # time it builds a validator (a tenth of a one-record run's start-up). The command line
    # runs none; a program using the package from Python keeps its own plugins.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if args in (["--version"], ["-V"]):
        from itsm_cli import __version__

        print(f"itsm {__version__}")
        return
    try:
        from itsm_cli.cli.main import run
    except KeyboardInterrupt:  # Ctrl-C while the application is still being imported
        print("itsm: interrupted", file=sys.stderr)
        sys.exit(130)
    run(args)
