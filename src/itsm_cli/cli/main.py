"""The `itsm` application: the root command, its sub-commands, and the entry point that
turns every unexpected exception into one line and exit status 3."""

from __future__ import annotations

import sys
from typing import Annotated, NoReturn

import typer

from itsm_cli import __version__
from itsm_cli.cli import (
    authoring,
    check,
    due,
    export,
    gap,
    git_commands,
    importers,
    options,
    reference,
    report,
    schema,
    validate,
)

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


app = typer.Typer(
    name="itsm",
    help="ISO/IEC 20000-1 compliance toolkit for IT service management records kept as YAML.",
    epilog=EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        print(f"itsm {__version__}")
        raise typer.Exit()


@app.callback()
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
# changes, write records, then the reference commands.
app.command("validate")(validate.validate)
app.command("check")(check.check)
app.command("gap")(gap.gap)
app.command("report")(report.report)
app.command("due")(due.due)
app.command("export")(export.export)
app.command("diff")(git_commands.diff)
app.command("history")(git_commands.history)
app.command("init")(authoring.init)
app.command("new")(authoring.new)
app.command("fmt")(authoring.fmt)
app.command("rules")(reference.rules)
app.command("explain")(reference.explain)
app.command("clauses")(reference.clauses)
app.add_typer(schema.app, name="schema")
app.add_typer(importers.app, name="import")


def run(args: list[str]) -> None:
    """Run the application and choose the exit status: usage errors are one plain line and
    status 2, Ctrl-C is one line and status 130, an unexpected exception is one line and
    status 3 (`--debug` shows its traceback)."""
    debug = "--debug" in args
    if debug:
        args = [a for a in args if a != "--debug"]
    token = options.DEBUG.set(debug)
    try:
        status = app(args=args, prog_name="itsm", standalone_mode=False)
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
