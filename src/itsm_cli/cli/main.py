"""The `itsm` application: the root command, its sub-commands, and the entry point that
turns every unexpected exception into one line and exit status 3."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated, NamedTuple, NoReturn

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


class Command(NamedTuple):
    """One command of the application: where it lives, and the first paragraph of its help
    (what `itsm --help` lists; a test holds it equal to the command's own)."""

    name: str
    module: str
    function: str | None
    """The function in `module`; None for a `Typer` of its own (a group of sub-commands)."""
    summary: str


# In the order a newcomer meets them: check the records, see the gaps, report, review
# changes, write records, then the reference commands.
COMMANDS: tuple[Command, ...] = (
    Command("validate", "validate", "validate",
            "Check YAML syntax, the record schemas, duplicate ids and references."),
    Command("check", "check", "check", "Validate the records and run every compliance rule."),
    Command("gap", "gap", "gap", "Show clause coverage of ISO/IEC 20000-1 and the score."),
    Command("report", "report", "report",
            "Render a report a consultant can hand over or a service owner can send."),
    Command("due", "due", "due", "List every deadline ahead, soonest first."),
    Command("export", "export", "export",
            "Export the gap analysis, findings, inventory and deadlines as spreadsheets."),
    Command("diff", "git_commands", "diff",
            "Show what a change does to the records and to compliance."),
    Command("history", "git_commands", "history",
            "Show the commits that changed one record, with the fields each changed."),
    Command("init", "authoring", "init",
            "Scaffold a records repository: itsm.toml, the record folders with one example "
            "record per kind, JSON Schemas, a pre-commit configuration, a CI workflow and a "
            "README."),
    Command("new", "authoring", "new",
            "Write a new record from its kind's template into its conventional folder "
            "(records/services/, records/agreements/, ...), named after its id."),
    Command("fmt", "authoring", "fmt",
            "Rewrite records in the canonical layout, keeping every comment and value as "
            "written."),
    Command("rules", "reference", "rules", "List every rule, by process area."),
    Command("explain", "reference", "explain",
            "Explain one rule, with a failing and a passing example."),
    Command("clauses", "reference", "clauses", "Show the clause catalogue of ISO/IEC 20000-1."),
    Command("schema", "schema", None,
            "JSON Schemas of the record kinds, for editor completion and other tools."),
    Command("import", "importers", None,
            "Write draft records from other tools' files: Backstage catalogues, OpenSLO, "
            "sloth and pyrra SLOs."),
)


def build_app(only: str | None = None) -> typer.Typer:
    """The application with every command, or with the one named `only`: Typer turns each
    registered command's signature into options (and builds a validator per option) before
    it runs any, and importing a command's module imports what it needs, so a run builds
    just the command it was asked for."""
    application = _new_app()
    for command in COMMANDS:
        if only is not None and command.name != only:
            continue
        module = importlib.import_module(f"itsm_cli.cli.{command.module}")
        if command.function is None:
            application.add_typer(module.app, name=command.name)
        else:
            application.command(command.name)(getattr(module, command.function))
    return application


def build_listing() -> typer.Typer:
    """The application as `itsm --help` shows it: every command by its name and summary,
    none imported or built (that is most of the time the root help took)."""
    application = _new_app()
    for command in COMMANDS:
        application.command(command.name, help=command.summary)(_listed_only)
    return application


def _listed_only() -> None:
    """Never run: `build_listing` serves the root help alone."""
    raise AssertionError("a listed command was run from the root help's listing")


def _root_help(args: list[str]) -> bool:
    """Whether these arguments ask for the root help only (`itsm`, `itsm --help`,
    `itsm -h check`): the root's own flags take no value, and its help option is eager.
    Not for shell completion, which lists every command with all it knows."""
    if "_ITSM_COMPLETE" in os.environ:
        return False
    for arg in args:
        if arg in ("-h", "--help"):
            return True
        if not arg.startswith("-"):
            return False
    return not args


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
        return arg if arg in {command.name for command in COMMANDS} else None
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
        application = build_listing() if _root_help(args) else build_app(_chosen_command(args))
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
