"""`itsm init`, `itsm new` and `itsm fmt`: writing records. The work is done by
`itsm_cli.authoring`; these functions parse options, call it and report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.output.escape import terminal_safe, terminal_safe_lines


def _interactive() -> bool:
    """Whether `itsm new` may prompt: standard input and output are terminals."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def init(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Folder to scaffold (created if missing).", show_default=".", metavar="DIR"
        ),
    ] = Path("."),
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Scaffold into a folder that is not empty: add the missing files, "
            "never overwrite one.",
        ),
    ] = False,
    git: Annotated[
        bool, typer.Option("--git", help="Run `git init` if the folder is not a repository yet.")
    ] = False,
    today: options.Today = None,
) -> None:
    """Scaffold a records repository: itsm.toml, the record folders with one example
    record per kind, JSON Schemas, a pre-commit configuration, a CI workflow and a README.

    Exit status: 0 done, 2 the folder is not empty (without --force) or cannot be written.

    Examples:

    \b
      itsm init sms-records --git     # a new folder, made a Git repository
      itsm init --force               # add what is missing to the current folder
    """
    from itsm_cli.authoring.init import InitError, init_repository

    day = options.parse_today(today)
    try:
        result = init_repository(directory, today=day, force=force, git=git)
    except InitError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    where = str(directory)
    if result.created:
        print(f"Created in {where}:")
        for name in result.created:
            print(f"  {name}")
    if result.skipped:
        print(f"Skipped (already there, left as they are) in {where}:")
        for name in result.skipped:
            print(f"  {name}")
    if result.git:
        print(f"Git: {result.git}.")
    step = "" if where in (".", "") else f"cd {where} && "
    print(f"Next: {step}itsm validate, then itsm check.")


def new(
    kind: Annotated[
        str,
        typer.Argument(
            metavar="KIND",
            help="Kind of record, in any case: Service, SLA, capacity-plan … (an unknown "
            "one lists them all).",
            show_default=False,
        ),
    ],
    record_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Id of the new record, e.g. SVC-PAYROLL.", show_default=False
        ),
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="The record's metadata.title.")
    ] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Set a field: path=value, e.g. --set metadata.owner=jane --set "
            "spec.lifecycle=live (values read as YAML: 99.9 is a number, [A, B] a list). "
            "Repeatable.",
            metavar="PATH=VALUE",
        ),
    ] = None,
    no_input: Annotated[
        bool,
        typer.Option("--no-input", help="Never prompt, even on a terminal."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace the file if it exists.")
    ] = False,
    config: options.ConfigFile = None,
) -> None:
    """Write a new record from its kind's template into its conventional folder
    (records/services/, records/agreements/, ...), named after its id.

    Every required field is there; values still to write are placeholders
    ("<fill in: ...>") that `itsm validate` reports until they are replaced. On a terminal
    you are asked for them (press Enter to leave one for later), unless --no-input.

    Exit status: 0 written, 2 bad kind, id or --set, the id is taken, or the file exists.

    Examples:

    \b
      itsm new service SVC-PAYROLL --title "Payroll" --set spec.lifecycle=live
      itsm new sla SLA-ACME-PAYROLL --set spec.services=[SVC-PAYROLL] --no-input
    """
    from itsm_cli.authoring.new import NewError, new_record

    workspace = options.open_workspace(None, config)
    ask = None
    if not no_input and _interactive():
        asked: list[str] = []

        def ask(path: str, what: str) -> str:
            if not asked:
                print("The fields still to write (Enter leaves one to fill in later):")
                asked.append(path)
            answer: str = typer.prompt(f"{path} ({what})", default="", show_default=False)
            return answer

    try:
        created = new_record(
            workspace, kind, record_id, title=title, sets=sets or [], ask=ask, force=force
        )
    except NewError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    print(f"Created {created.file} ({created.kind} {created.id}).")
    if created.findings:
        print("Still to fill in (`itsm validate` reports these until they are):")
        for finding in created.findings:
            print(f"  {finding.location}: {finding.message}")


def _colour_diff(text: str) -> str:
    out = []
    for line in text.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            out.append(f"\x1b[1m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("+"):
            out.append(f"\x1b[32m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("-"):
            out.append(f"\x1b[31m{line.rstrip(chr(10))}\x1b[0m\n")
        elif line.startswith("@@"):
            out.append(f"\x1b[36m{line.rstrip(chr(10))}\x1b[0m\n")
        else:
            out.append(line)
    return "".join(out)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def fmt(
    paths: options.Paths = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if a file would change (CI, pre-commit)."
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Write nothing; print what would change, as a diff.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only problems and changed files.")
    ] = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """Rewrite records in the canonical layout, keeping every comment and value as written.

    Envelope keys in the order apiVersion, kind, metadata, spec; metadata and spec keys in
    schema order (keys the schema does not know stay after the key they followed); 2-space
    indentation with list dashes under their key; quoted dates unquoted. Comments move with
    the key below them. Running it twice changes nothing. A file that does not parse is
    refused with the reason `itsm validate` gives, and left as it is.

    Exit status: 0 done (or nothing to change), 1 a file would change (--check) or was
    refused, 2 usage or configuration error.

    Examples:

    \b
      itsm fmt                        # every record under the records root
      itsm fmt --check                # in CI: list what is not formatted
      itsm fmt --diff records/agreements/sla-acme.yaml
    """
    from itsm_cli.authoring.fmt import format_paths, write_outcome
    from itsm_cli.authoring.writer import WriteError
    from itsm_cli.records.load import InputError

    workspace = options.open_workspace(paths, config)
    if not paths:
        options.require_records_root(workspace)
    targets = list(paths) if paths else [workspace.records_root]
    try:
        run, located = format_paths(
            targets, workspace.root, workspace.config.max_file_size, parallel=True
        )
    except InputError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    colour = terminal.stream_wants_color(sys.stdout, no_color)
    dry = check or diff
    changed = failed = 0
    for path, outcome in located:
        for line, reason in outcome.kept:
            terminal.display_warning(f"{outcome.file}:{line}: {reason}")
        if not outcome.changed:
            continue
        if diff:
            text = outcome.diff()
            # On a terminal the record's text is escaped; in a pipe it stays a usable patch.
            sys.stdout.write(_colour_diff(terminal_safe_lines(text)) if colour else text)
        if dry:
            changed += 1
            print(f"would reformat {terminal_safe(outcome.file)}", file=sys.stderr)
            continue
        try:
            write_outcome(path, outcome)
        except WriteError as exc:
            failed += 1
            terminal.display_error(str(exc))
            continue
        changed += 1
        print(f"reformatted {terminal_safe(outcome.file)}", file=sys.stderr)
    sys.stdout.flush()
    for refusal in run.refused:
        failed += 1
        print(terminal_safe(f"{refusal.location}: {refusal.reason} (not formatted)"),
              file=sys.stderr)
    if not quiet:
        unchanged = len(run.outcomes) - changed - sum(1 for o in run.outcomes if o.refusals)
        done = "would be reformatted" if dry else "reformatted"
        parts = [f"{_plural(changed, 'file')} {done}", f"{unchanged} left unchanged"]
        if failed:
            parts.append(f"{failed} not formatted")
        terminal.display_note(", ".join(parts) + ".")
    if failed or (check and changed):
        raise typer.Exit(1)
