"""`itsm import …`: records from other tools' files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.config import FailOn

if TYPE_CHECKING:
    from itsm_cli.config import Workspace
    from itsm_cli.records.index import Repository

app = typer.Typer(
    name="import",
    help="Write draft records from other tools' files (Backstage catalogues).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

CataloguePaths = Annotated[
    list[Path],
    typer.Argument(
        help="catalog-info.yaml files, or folders to search for them.",
        metavar="PATH…",
        show_default=False,
    ),
]
DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Say what would be written; write nothing.")
]


def _shown(paths: list[Path]) -> dict[Path, str]:
    import os

    from itsm_cli.interop.backstage import catalogue_files

    out = {}
    for path in catalogue_files(paths):
        rel = os.path.relpath(path)
        out[path] = Path(rel).as_posix() if not rel.startswith("..") else str(path)
    return out


def _records(workspace: Workspace) -> Repository:
    """The records as they are (an empty records folder is fine: the import fills it)."""
    from itsm_cli.records.index import load_repository
    from itsm_cli.records.load import InputError

    try:
        return load_repository(workspace)
    except InputError as exc:
        terminal.display_error(str(exc))
        raise typer.Exit(2) from exc


@app.command("backstage")
def backstage(
    paths: CataloguePaths,
    drift: Annotated[
        bool,
        typer.Option(
            "--drift",
            help="Write nothing: report what the catalogue and the records disagree on "
            "(DRF001-DRF004), as findings.",
        ),
    ] = False,
    dry_run: DryRun = False,
    output_format: options.FindingsFormatOption = None,
    fail_on: Annotated[
        FailOn,
        typer.Option("--fail-on", help="With --drift: lowest severity that fails the run."),
    ] = "warning",
    output: options.Output = None,
    quiet: options.Quiet = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """Write draft Services from Backstage catalogue files, or report the drift.

    Component and System entities become Services, Resources Services the others can
    depend on, Groups the owner names; dependsOn, dependencyOf, subcomponentOf and
    system become dependsOn. Ids come from the entity reference (component:default/
    pay-api is SVC-PAY-API); the reference is kept in metadata.labels.source. A
    re-import updates only what the catalogue owns (title, owner, description,
    lifecycle, dependsOn) and keeps every other field and comment; importing twice
    changes no byte. With --drift nothing is written: entities in production with no
    Service or no SLA, Services with no entity and dependencies that differ are
    findings, exit 1 at --fail-on (default warning).

    Examples:

    \b
      itsm import backstage catalog-info.yaml
      itsm import backstage ../platform/catalog/ --dry-run
      itsm import backstage ../platform/catalog/ --drift -f github
    """
    from itsm_cli.findings import FindingsReport, fails
    from itsm_cli.interop.backstage import CatalogueError, find_drift, map_catalogue
    from itsm_cli.interop.backstage import read_catalogue as read
    from itsm_cli.interop.record_files import write_planned
    from itsm_cli.output import findings_formatter

    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, no_color)
    try:
        catalogue = read(paths, _shown(paths))
    except CatalogueError as exc:
        terminal.display_error(f"{exc}; nothing written")
        raise typer.Exit(2) from exc
    options.require_records_root(workspace, takes_paths=False)
    repository = _records(workspace)
    if drift:
        from itsm_cli.cli.findings_command import default_format

        findings = find_drift(catalogue, repository.index)
        report = FindingsReport(
            findings=findings,
            records=len(repository.index),
            files=len(repository.files),
            command="import backstage --drift",
            fail_on=fail_on,
        )
        name = (output_format or default_format()).value
        terminal.write_output(findings_formatter(name)(report, display.render_options()),
                              display.output)
        if fails(findings, fail_on):
            raise typer.Exit(1)
        return
    mapped = map_catalogue(catalogue, repository.index)
    outcomes = write_planned(workspace, repository.index, mapped.plans, dry_run)
    notes = {plan.id: plan.notes for plan in mapped.plans}
    sources = {plan.id: plan.source for plan in mapped.plans}
    if output_format is options.FindingsFormat.JSON:
        document = {
            "version": 1,
            "dryRun": dry_run,
            "records": [
                {"id": o.record, "file": o.file, "action": o.action, "detail": o.detail or None,
                 "source": sources.get(o.record), "notMapped": notes.get(o.record, [])}
                for o in outcomes
            ],
            "problems": mapped.problems,
            "notMapped": catalogue.notes,
        }
        terminal.write_output(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                              display.output)
    else:
        lines = []
        verb = {"created": "would create", "updated": "would update"} if dry_run else {}
        for o in outcomes:
            what = verb.get(o.action, o.action)
            line = f"{what} {o.file} ({o.record} from {sources.get(o.record, '?')})"
            if o.detail:
                line += f": {o.detail}"
            lines.append(line)
            if not quiet:
                lines += [f"  not mapped: {n}" for n in notes.get(o.record, [])]
        lines += [f"problem: {p}" for p in mapped.problems]
        if not quiet:
            lines += [f"not mapped: {n}" for n in catalogue.notes]
            counts = {a: sum(o.action == a for o in outcomes)
                      for a in ("created", "updated", "unchanged", "refused")}
            lines.append(
                ("dry run: " if dry_run else "")
                + ", ".join(f"{n} {a}" for a, n in counts.items())
                + f" of {len(outcomes)} Services from {len(catalogue.entities)} entities"
            )
        terminal.write_output("\n".join(lines) + "\n", display.output)
    # A clash or a refused write leaves a Service out: the run did not do all it was asked.
    if any(o.action == "refused" for o in outcomes) or mapped.problems:
        raise typer.Exit(1)
