"""Console-script entry point. `itsm --version` answers before anything heavy is imported."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
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
