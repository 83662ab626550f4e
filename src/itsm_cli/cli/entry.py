"""Console-script entry point. `itsm --version` answers before anything heavy is imported."""

from __future__ import annotations

import contextlib
import os
import sys
import types


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


def skip_plugin_lookup() -> None:
    """Pydantic looks for plugins in every installed distribution's entry points the first
    time it builds a validator. The command line runs none (`PYDANTIC_DISABLE_PLUGINS`,
    unless the user set it), but the module that would look imports `importlib.metadata`
    (and with it the `email` package) before reading that setting: a tenth of a one-record
    run's start-up. With plugins disabled, its one function answers "none" whatever is
    installed, so that answer stands in for the module. A program using the package from
    Python keeps its plugins; so does a user who sets `PYDANTIC_DISABLE_PLUGINS` otherwise."""
    name = "pydantic.plugin._loader"
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") != "__all__" or name in sys.modules:
        return
    loader = types.ModuleType(name, "No Pydantic plugins: PYDANTIC_DISABLE_PLUGINS=__all__.")
    loader.get_plugins = tuple  # type: ignore[attr-defined]
    sys.modules[name] = loader


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    tolerant_streams()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if args in (["--version"], ["-V"]):
        from itsm_cli import __version__

        print(f"itsm {__version__}")
        return
    skip_plugin_lookup()
    try:
        from itsm_cli.cli.main import run
    except KeyboardInterrupt:  # Ctrl-C while the application is still being imported
        print("itsm: interrupted", file=sys.stderr)
        sys.exit(130)
    run(args)
