"""The `itsm` application: the root command, its sub-commands, and the entry point that
turns every unexpected exception into one line and exit status 3."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, NoReturn

import typer

from itsm_cli import __version__
from itsm_cli.cli import options

EPILOG = """Examples:

\b
  itsm check                        every rule over the records root
  itsm gap --edition 2018           clause-by-clause coverage and score
  itsm report gap -o gap.html       a gap analysis to hand over
  itsm diff --base origin/main      what a change does to compliance
  itsm new sla SLA-ACME             a new record from its template
  itsm explain SLM004               one rule: why it matters, how to fix it

Every command has --help. Exit status: 0 clean, 1 findings, 2 usage error, 3 internal error.
"""


def _new_app() -> typer.Typer:
    application = typer.Typer(
        name="itsm",
        help="ISO/IEC 20000-1 compliance toolkit for IT service management records kept as YAML.",
        epilog=EPILOG,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        add_completion=True,
    )
    application.callback()(root)
    return application


def _version(value: bool) -> None:
    if value:
        print(f"itsm {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", help="Show the version and exit.", callback=_version,
            is_eager=True,
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the Python traceback of an internal error.")
    ] = False,
) -> None:
    """ISO/IEC 20000-1 compliance toolkit for IT service management records kept as YAML."""
    if debug:  # reached when the app is invoked directly (tests); `run` strips the flag
        token = options.DEBUG.set(True)
        ctx.call_on_close(lambda: options.DEBUG.reset(token))


# In the order a newcomer meets them: check the records, see the gaps, report, review
# changes, write records, then the reference commands. Each is (name, module, function);
# a `Typer` of its own (a group of sub-commands) when the function is None.
COMMANDS: tuple[tuple[str, str, str | None], ...] = (
    ("validate", "validate", "validate"),
    ("check", "check", "check"),
    ("gap", "gap", "gap"),
    ("report", "report", "report"),
    ("due", "due", "due"),
    ("export", "export", "export"),
    ("diff", "git_commands", "diff"),
    ("history", "git_commands", "history"),
    ("init", "authoring", "init"),
    ("new", "authoring", "new"),
    ("fmt", "authoring", "fmt"),
    ("rules", "reference", "rules"),
    ("explain", "reference", "explain"),
    ("clauses", "reference", "clauses"),
    ("schema", "schema", None),
    ("import", "importers", None),
)


def build_app(only: str | None = None) -> typer.Typer:
    """The application with every command, or with the one named `only`: Typer turns each
    registered command's signature into options (and builds a validator per option) before
    it runs any, and importing a command's module imports what it needs, so a run builds
    just the command it was asked for."""
    application = _new_app()
    for name, module_name, function in COMMANDS:
        if only is not None and name != only:
            continue
        module = importlib.import_module(f"itsm_cli.cli.{module_name}")
        if function is None:
            application.add_typer(module.app, name=name)
        else:
            application.command(name)(getattr(module, function))
    return application


def _chosen_command(args: list[str]) -> str | None:
    """The command these arguments run, when building it alone gives what the whole
    application would: not for the root's own help or shell completion, which list every
    command, nor for an unknown name, which Typer answers with the names it knows."""
    if "_ITSM_COMPLETE" in os.environ:  # Click's completion variable for `prog_name="itsm"`
        return None
    for arg in args:
        if arg.startswith("-"):
            if arg in ("-h", "--help"):
                return None
            continue  # the root's flags take no value
        return arg if arg in {name for name, _, _ in COMMANDS} else None
    return None


def __getattr__(name: str) -> typer.Typer:
    # `app`, the whole application (tests, documentation tools), built when first asked for.
    if name == "app":
        application = build_app()
        globals()["app"] = application
        return application
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def run(args: list[str]) -> None:
    """Run the application and choose the exit status: usage errors are one plain line and
    status 2, Ctrl-C is one line and status 130, an unexpected exception is one line and
    status 3 (`--debug` shows its traceback)."""
    debug = "--debug" in args
    if debug:
        args = [a for a in args if a != "--debug"]
    token = options.DEBUG.set(debug)
    try:
        application = build_app(_chosen_command(args))
        status = application(args=args, prog_name="itsm", standalone_mode=False)
    except KeyboardInterrupt:
        _interrupted()
    except typer.Abort:
        _interrupted()
    except Exception as exc:
        if isinstance(exc, _usage_error_class()):
            _show_usage_error(exc)
        if debug:
            raise
        print(
            f"itsm: internal error: {type(exc).__name__}: {exc} "
            "(run again with --debug for the traceback)",
            file=sys.stderr,
        )
        sys.exit(3)
    finally:
        options.DEBUG.reset(token)
    if status == 130:  # Typer turns Ctrl-C into `Exit(130)`; none of our commands does
        _interrupted()
    sys.exit(status if isinstance(status, int) else 0)


def _interrupted() -> NoReturn:
    print("itsm: interrupted", file=sys.stderr)
    sys.exit(130)


def _usage_error_class() -> type[Exception]:
    """The base class of the usage errors of Typer's vendored Click, found from the public
    `typer.BadParameter` (importing `click` or Typer's private modules would tie us to them)."""
    for cls in typer.BadParameter.__mro__:
        if cls.__name__ == "ClickException":
            return cls
    return typer.BadParameter  # pragma: no cover - Typer always has it


_PYDANTIC_WORDING = (("Value error, ", ""), ("Input should be ", "must be "))


def plain_usage_message(message: str) -> str:
    """Typer converts option values with Pydantic and passes its wording on ("Value error,
    'x' is not one of …", "Input should be a valid number, unable to parse string as a
    number"); say it the way the rest of itsm does."""
    for old, new in _PYDANTIC_WORDING:
        message = message.replace(old, new)
    return message.split(", unable to parse")[0]


def _show_usage_error(exc: Exception) -> NoReturn:
    """Usage line, hint and message, as Typer prints them, in plain words; exit status 2."""
    if isinstance(getattr(exc, "message", None), str):
        exc.message = plain_usage_message(exc.message)  # type: ignore[attr-defined]
    exc.show()  # type: ignore[attr-defined]
    code = getattr(exc, "exit_code", 2)
    sys.exit(code if isinstance(code, int) else 2)
