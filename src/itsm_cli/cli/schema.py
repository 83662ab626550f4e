"""`itsm schema export`: one JSON Schema (draft-07) per record kind, for editors and tools."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from itsm_cli.cli import terminal

app = typer.Typer(
    name="schema",
    help="JSON Schemas of the record kinds, for editor completion and other tools.",
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _relative(path: Path) -> Path:
    """`path` relative to the current folder, as the user would type it."""
    try:
        return Path(os.path.relpath(path))
    except ValueError:  # another drive on Windows
        return path


@app.command("export")
def export(
    directory: Annotated[
        Path | None,
        typer.Argument(
            help="Folder to write into (default: schemas/ at the repository root).",
            show_default=False,
            metavar="DIR",
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 1 and list the files that would change (for CI).",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print nothing on success (--check still lists stale files)."
        ),
    ] = False,
) -> None:
    """Write one JSON Schema per record kind (sla.schema.json, service.schema.json, ...).

    The schemas follow JSON Schema draft-07, which the YAML editor extensions understand
    (VS Code with Red Hat YAML, JetBrains, Neovim with yaml-language-server). Point a record
    at its schema with a first line such as

    \b
      # yaml-language-server: $schema=../../schemas/sla.schema.json

    and the editor completes keys, shows each field's description on hover and marks
    mistakes as you type. Only files whose content changes are rewritten, each atomically.

    Exit status: 0 written or up to date, 1 files out of date (--check), 2 cannot write.

    Examples:

    \b
      itsm schema export                 # schemas/ at the repository root
      itsm schema export build/schemas   # another folder
      itsm schema export --check         # in CI: fail when schemas/ is stale
      check-jsonschema --schemafile schemas/sla.schema.json \\
          records/agreements/sla-*.yaml
    """
    from itsm_cli.records.schema import DEFAULT_DIR, ExportError, export_schemas
    from itsm_cli.records.workspace import find_root

    target = directory if directory is not None else _relative(find_root(Path.cwd()) / DEFAULT_DIR)
    try:
        files = export_schemas(target, write=not check)
    except ExportError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc
    stale = [f for f in files if f.stale]
    if check:
        if stale:
            for item in stale:
                verb = "would create" if item.state == "new" else "would update"
                print(f"{verb} {item.path.as_posix()}")
            terminal.display_error(
                f"{len(stale)} of {len(files)} schema files are out of date; "
                "run `itsm schema export` and commit the result"
            )
            raise typer.Exit(1)
        if not quiet:
            print(f"{target.as_posix()}: {len(files)} schema files up to date")
        return
    if quiet:
        return
    for item in stale:
        verb = "created" if item.state == "new" else "updated"
        print(f"{verb} {item.path.as_posix()}")
    if not stale:
        print(f"{target.as_posix()}: {len(files)} schema files up to date")
