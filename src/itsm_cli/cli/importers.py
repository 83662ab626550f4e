"""`itsm import …`: records from other tools' files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.findings import FailOn, figure
from itsm_cli.output.json import dumps

if TYPE_CHECKING:
    from itsm_cli.records.index import Repository
    from itsm_cli.records.workspace import Workspace

app = typer.Typer(
    name="import",
    help="Write draft records from other tools' files: Backstage catalogues, OpenSLO, "
    "sloth and pyrra SLOs.",
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
def _action(action: str, dry_run: bool) -> str:
    """An outcome's verb as the output shows it: "would create" in a dry run."""
    if dry_run and action in ("created", "updated"):
        return "would " + action.removesuffix("d")
    return action


DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Say what would be written; write nothing.")
]


def _shown(paths: list[Path]) -> dict[Path, str]:
    """Each file under `paths` as messages name it: relative to the current folder."""
    import os

    from itsm_cli.interop.source_files import yaml_files

    out = {}
    for path in yaml_files(paths):
        rel = os.path.relpath(path)
        out[path] = Path(rel).as_posix() if not rel.startswith("..") else str(path)
    return out


def _records(workspace: Workspace) -> Repository:
    """The records as they are (an empty records folder is fine: the import fills it)."""
    from itsm_cli.records.index import load_repository
    from itsm_cli.records.load import InputError

    try:
        return load_repository(workspace, parallel=True)
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
    from itsm_cli.interop.backstage import find_drift, map_catalogue
    from itsm_cli.interop.backstage import read_catalogue as read
    from itsm_cli.interop.record_files import write_planned
    from itsm_cli.interop.source_files import SourceError
    from itsm_cli.output import FINDINGS

    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, no_color)
    try:
        catalogue = read(paths, _shown(paths))
    except SourceError as exc:
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
        terminal.write_output(FINDINGS.renderer(name)(report, display.render_options()),
                              display.output)
        if fails(findings, fail_on):
            raise typer.Exit(1)
        return
    mapped = map_catalogue(catalogue, repository.index)
    outcomes = write_planned(workspace, repository, mapped.plans, dry_run)
    # One outcome per plan, in order; its id is the record's (which a person may have
    # renamed), so what it came from is the plan's.
    notes = {o.record: plan.notes for o, plan in zip(outcomes, mapped.plans, strict=True)}
    sources = {o.record: plan.source for o, plan in zip(outcomes, mapped.plans, strict=True)}
    if output_format == "json":
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
        terminal.write_output(dumps(document),
                              display.output)
    else:
        lines = []
        for o in outcomes:
            what = _action(o.action, dry_run)
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


AgreementOption = Annotated[
    str | None,
    typer.Option(
        "--agreement",
        help="Add the targets to this existing SLA or OLA instead of a draft SLA per service.",
        metavar="ID",
        show_default=False,
    ),
]


def _import_slos(
    fmt: str,
    paths: list[Path],
    agreement: str | None,
    dry_run: bool,
    output_format: options.FindingsFormat | None,
    output: Path | None,
    quiet: bool,
    config: Path | None,
) -> None:
    from itsm_cli.interop.record_files import write_planned
    from itsm_cli.interop.slo import plan_agreements, read_slos
    from itsm_cli.interop.source_files import SourceError

    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, True)
    try:
        slos = read_slos(fmt, paths, _shown(paths))
    except SourceError as exc:
        terminal.display_error(f"{exc}; nothing written")
        raise typer.Exit(2) from exc
    options.require_records_root(workspace, takes_paths=False)
    repository = _records(workspace)
    target_agreement = None
    if agreement is not None:
        found = next(
            (r for r in repository.index.records if r.id == agreement and r.kind in ("SLA", "OLA")),
            None,
        )
        if found is None:
            terminal.display_error(
                f"--agreement {agreement}: no SLA or OLA with that id in the records"
            )
            raise typer.Exit(2)
        target_agreement = (found.kind, found.id)
    plans, skipped = plan_agreements(
        slos, fmt, target_agreement, known_ids=repository.index.by_id
    )
    outcomes = write_planned(workspace, repository, plans, dry_run)
    notes = {plan.id: plan.notes for plan in plans}
    counts = {plan.id: len(plan.targets) for plan in plans}
    if output_format == "json":
        document = {
            "version": 1,
            "dryRun": dry_run,
            "records": [
                {"id": o.record, "file": o.file, "action": o.action, "detail": o.detail or None,
                 "targets": counts.get(o.record, 0), "notMapped": notes.get(o.record, [])}
                for o in outcomes
            ],
            "notMapped": [*skipped, *slos.notes],
        }
        terminal.write_output(dumps(document),
                              display.output)
    else:
        lines = []
        for o in outcomes:
            line = f"{_action(o.action, dry_run)} {o.file} ({o.record}, "
            line += f"{counts.get(o.record, 0)} target{'s' if counts.get(o.record) != 1 else ''})"
            lines.append(line + (f": {o.detail}" if o.detail else ""))
            if not quiet:
                lines += [f"  not mapped: {n}" for n in notes.get(o.record, [])]
        lines += [f"not mapped: {n}" for n in (*skipped, *slos.notes)]
        if not quiet:
            lines.append(
                ("dry run: " if dry_run else "")
                + f"{len(slos.objectives)} SLOs read, "
                + ", ".join(
                    f"{sum(o.action == a for o in outcomes)} {a}"
                    for a in ("created", "updated", "unchanged", "refused")
                )
            )
        terminal.write_output("\n".join(lines) + "\n", display.output)
    if any(o.action == "refused" for o in outcomes):
        raise typer.Exit(1)


SloPaths = Annotated[
    list[Path],
    typer.Argument(help="SLO files, or folders to search for them.", metavar="PATH…",
                   show_default=False),
]


@app.command("openslo")
def openslo(
    paths: SloPaths,
    agreement: AgreementOption = None,
    dry_run: DryRun = False,
    output_format: options.FindingsFormatOption = None,
    output: options.Output = None,
    quiet: options.Quiet = False,
    config: options.ConfigFile = None,
) -> None:
    """Write agreement targets from OpenSLO files (openslo/v1 and v1alpha).

    Each SLO becomes a target: target (a ratio) x 100 or targetPercent is the objective
    in percent; 1M/1Q/1Y calendar windows are calendar-month/quarter/year and a rolling
    30d is rolling-30d; any other window is reported and left for a person to fill in.
    Without --agreement, one draft SLA per service. A latency SLO is reported and kept
    as a comment. Re-importing updates the figures of the targets it wrote and keeps
    everything else; importing twice changes no byte.

    Examples:

    \b
      itsm import openslo slo/
      itsm import openslo slo/web.yaml --agreement SLA-ACME-HOSTING --dry-run
    """
    _import_slos("openslo", paths, agreement, dry_run, output_format, output, quiet, config)


@app.command("sloth")
def sloth(
    paths: SloPaths,
    agreement: AgreementOption = None,
    dry_run: DryRun = False,
    output_format: options.FindingsFormatOption = None,
    output: options.Output = None,
    quiet: options.Quiet = False,
    config: options.ConfigFile = None,
) -> None:
    """Write agreement targets from sloth specs (prometheus/v1, PrometheusServiceLevel).

    Each SLO's objective (percent) becomes a target over a rolling 30 days (sloth's
    period); without --agreement, one draft SLA per service.

    Examples:

    \b
      itsm import sloth slos/payments.yaml
      itsm import sloth slos/ --agreement SLA-ACME-HOSTING
    """
    _import_slos("sloth", paths, agreement, dry_run, output_format, output, quiet, config)


@app.command("pyrra")
def pyrra(
    paths: SloPaths,
    agreement: AgreementOption = None,
    dry_run: DryRun = False,
    output_format: options.FindingsFormatOption = None,
    output: options.Output = None,
    quiet: options.Quiet = False,
    config: options.ConfigFile = None,
) -> None:
    """Write agreement targets from pyrra ServiceLevelObjective files.

    The target (a percentage written as a string) is the objective; a 30d window is
    rolling-30d, any other (2w, 4w) is reported and left for a person to fill in. The
    service is the `service` (or `app`) label, else the namespace.

    Examples:

    \b
      itsm import pyrra pyrra/
      itsm import pyrra pyrra/api.yaml --agreement SLA-ACME-HOSTING
    """
    _import_slos("pyrra", paths, agreement, dry_run, output_format, output, quiet, config)


@app.command("tickets")
def tickets(
    files: Annotated[
        list[Path],
        typer.Argument(help="CSV or XLSX exports of the ITSM tool.", metavar="FILE…",
                       show_default=False),
    ],
    profile: Annotated[
        str,
        typer.Option("--profile", help="servicenow-incident, servicenow-request, "
                     "servicenow-problem, servicenow-change or jira.", show_default=False),
    ],
    period: Annotated[
        str,
        typer.Option("--period", help="The month (2026-10) or quarter (2026-Q4) to compute.",
                     metavar="PERIOD", show_default=False),
    ],
    agreement: Annotated[
        str | None,
        typer.Option("--agreement", metavar="ID", show_default=False,
                     help="Also write the Measurement values of this SLA's or OLA's "
                     "per-incident targets."),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option("--map", metavar="FIELD=COLUMN", show_default=False,
                     help="Read FIELD from another column (repeatable)."),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option("--date-format", metavar="PATTERN", show_default=False,
                     help="How the export writes dates, e.g. 'dd/MMM/yy h:mm a' (ISO 8601 and "
                     "yyyy-MM-dd HH:mm:ss are always read)."),
    ] = None,
    process: Annotated[
        str | None,
        typer.Option("--process", show_default=False,
                     help="The process (for jira: incident, request, problem, change, "
                     "release, security-incident) [default: the profile's]."),
    ] = None,
    dry_run: DryRun = False,
    output_format: options.FindingsFormatOption = None,
    output: options.Output = None,
    quiet: options.Quiet = False,
    config: options.ConfigFile = None,
) -> None:
    """Compute a ProcessReport (and Measurement values) from ticket exports.

    Reads CSV (UTF-8 with or without BOM, , or ;) or XLSX (pip install
    'itsm-cli[tickets]'), one row per ticket; an event log keeps the last row of each
    ticket. A ticket belongs to the period it was resolved (incidents, requests) or
    closed (problems, changes) in. Writes the counts and exceptions of the period as a
    ProcessReport (never the tickets themselves) and, with --agreement, each
    per-incident target's value: the share resolved within the objective (targets with
    attainment) or the longest resolution time. An existing record is updated in place,
    keeping its comments and other fields; running again changes nothing. Unreadable
    rows are listed with row number, column and value, and skipped.

    Examples:

    \b
      itsm import tickets inc.csv --profile servicenow-incident \\
          --period 2026-10
      itsm import tickets inc.xlsx --profile servicenow-incident \\
          --period 2026-10 --agreement SLA-ACME-HOSTING
      itsm import tickets jira.csv --profile jira --period 2026-Q3 \\
          --date-format 'dd/MMM/yy h:mm a' --dry-run
    """
    from itsm_cli.dates import Period
    from itsm_cli.interop import tickets as exports
    from itsm_cli.interop.record_files import PlannedRecord, write_planned
    from itsm_cli.records.kinds.process_report import ProcessReport

    if profile not in exports.PROFILES:
        raise typer.BadParameter(
            f"unknown profile {profile!r}; choose from {', '.join(exports.PROFILES)}",
            param_hint="'--profile'",
        )
    try:
        Period.parse(period)
    except ValueError:
        raise typer.BadParameter("write a month (2026-10) or a quarter (2026-Q3)",
                                 param_hint="'--period'") from None
    chosen = process or exports.PROFILES[profile][0]
    processes = ("incident", "request", "problem", "change", "release", "security-incident")
    if chosen not in processes:
        raise typer.BadParameter(f"choose from {', '.join(processes)}", param_hint="'--process'")
    fields: dict[str, str] = {}
    for item in mapping or []:
        name, sep, column = item.partition("=")
        if not sep or name.strip() not in exports.FIELDS or not column.strip():
            raise typer.BadParameter(
                f"{item!r}: write FIELD=COLUMN with FIELD one of {', '.join(exports.FIELDS)}",
                param_hint="'--map'",
            )
        fields[name.strip()] = column.strip()
    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, True)
    options.require_records_root(workspace, takes_paths=False)
    repository = _records(workspace)
    index = repository.index
    targets: list[Any] = []
    owner = None
    if agreement is not None:
        found = next(
            (r for r in index.records if r.id == agreement and r.kind in ("SLA", "OLA")), None
        )
        if found is None:
            terminal.display_error(f"--agreement {agreement}: no SLA or OLA with that id")
            raise typer.Exit(2)
        from itsm_cli.records.kinds.agreements import Agreement

        model: Agreement = found.model  # type: ignore[assignment]
        targets = list(model.spec.targets)
        owner = found.model.metadata.owner
    for file in files:
        if not file.is_file():
            what = (
                "is a folder; give the export files (CSV or XLSX) themselves"
                if file.is_dir() else "not found" if not file.exists() else "is not a file"
            )
            terminal.display_error(f"{file}: {what}")
            raise typer.Exit(2)
    with terminal.counting("Reading the exports: rows", quiet) as rows_read:
        try:
            export = exports.read_export(
                files, {f: str(f) for f in files}, profile, fields, date_format, chosen,
                on_rows=rows_read, by_priority=agreement is not None,
            )
        except exports.TicketError as exc:
            terminal.display_error(f"{exc}; nothing written")
            raise typer.Exit(2) from exc
    figures = exports.compute(
        export, chosen, period, workspace.config.problem.within, targets
    )
    counts: dict[str, int] = dict(figures.counts)
    existing = next(
        (r for r in index.of_kind(ProcessReport)
         if r.model.spec.process == chosen and r.model.spec.period == period),
        None,
    )
    if not export.tickets and existing is not None and existing.model.spec.counts is not None \
            and any(existing.model.spec.counts.model_dump(exclude_none=True).values()):
        # An export with no ticket at all is more often a failed export than an empty
        # period: it must not put zeros over figures an earlier import wrote.
        terminal.display_error(
            f"{', '.join(str(f) for f in files)}: no tickets, and {existing.id} ({existing.file}) "
            "holds figures for this period; nothing written (delete that record first if "
            "the period truly had no tickets)"
        )
        raise typer.Exit(2)
    if figures.breached is not None:
        counts["breached"] = figures.breached
    elif agreement is None and existing is not None and existing.model.spec.counts is not None \
            and existing.model.spec.counts.breached is not None:
        # Breaches are counted against an agreement's targets: a run without one cannot
        # recount them, and must not drop the figure an earlier run wrote.
        counts["breached"] = existing.model.spec.counts.breached
        figures.value_notes.append(
            f"breached {counts['breached']} kept from {existing.id}: it is counted only "
            "with --agreement"
        )
    notes_kept: dict[tuple[str, str], str | None] = {}
    if existing is not None:
        notes_kept = {(e.ref, str(e.issue)): e.note for e in existing.model.spec.exceptions}
    exception_rows = [
        {"ref": e["ref"], "issue": e["issue"],
         "note": notes_kept.get((e["ref"], e["issue"])) or e["note"]}
        for e in figures.exceptions
    ]
    report_id = existing.id if existing is not None else (
        f"OPS-{chosen.upper()}-{period}"
    )
    source = f"{profile} export: {', '.join(f.name for f in files)}"
    plans = [
        PlannedRecord(
            kind="ProcessReport",
            id=report_id,
            source=f"tickets:{chosen}:{period}",
            data={
                "apiVersion": "itsm/v1",
                "kind": "ProcessReport",
                "metadata": {
                    "id": report_id,
                    "title": f"{chosen.capitalize()} management {period}",
                    "owner": f"{chosen}-manager",
                    "status": "draft",
                    "labels": {"source": f"tickets:{chosen}:{period}"},
                },
                "spec": {
                    "process": chosen,
                    "period": period,
                    "source": source,
                    "counts": counts,
                    "exceptions": exception_rows,
                },
            },
            owned=(("spec", "source"), ("spec", "counts"), ("spec", "exceptions")),
            header=f"Computed by `itsm import tickets` from {source}; figures only, never "
            "the tickets.",
            adopt=existing is not None,
        )
    ]
    if agreement is not None and figures.values:
        from itsm_cli.records.kinds.measurement import Measurement

        measured = next(
            (r for r in index.of_kind(Measurement)
             if r.model.spec.agreement == agreement and r.model.spec.period == period),
            None,
        )
        meas_id = measured.id if measured is not None else (
            f"MEAS-{agreement.split('-', 1)[-1]}-{period}"
        )
        plans.append(
            PlannedRecord(
                kind="Measurement",
                id=meas_id,
                source=f"tickets:{agreement}:{period}",
                data={
                    "apiVersion": "itsm/v1",
                    "kind": "Measurement",
                    "metadata": {"id": meas_id, "title": f"{agreement} {period}",
                                 "owner": owner or "service-level-manager", "status": "draft"},
                    "spec": {"agreement": agreement, "period": period,
                             "values": dict(figures.values)},
                },
                owned=tuple(("spec", "values", k) for k in figures.values),
                header=f"Values computed by `itsm import tickets` from {source}.",
                adopt=True,
            )
        )
    outcomes = write_planned(workspace, repository, plans, dry_run)
    _report_tickets(export, figures, counts, outcomes, dry_run, output_format, display, quiet)
    if any(o.action == "refused" for o in outcomes):
        raise typer.Exit(1)


def _report_tickets(
    export: Any, figures: Any, counts: dict[str, int], outcomes: list[Any], dry_run: bool,
    output_format: options.FindingsFormat | None, display: options.Display, quiet: bool,
) -> None:
    if output_format == "json":
        document = {
            "version": 1,
            "dryRun": dry_run,
            "rows": export.rows,
            "tickets": len(export.tickets),
            "counts": counts,
            "exceptions": figures.exceptions,
            "values": figures.values,
            "notes": figures.value_notes,
            "unreadable": [
                {"file": u.file, "row": u.row, "column": u.column, "value": u.value,
                 "problem": u.why}
                for u in export.unreadable
            ],
            "records": [{"id": o.record, "file": o.file, "action": o.action} for o in outcomes],
        }
        terminal.write_output(dumps(document),
                              display.output)
        return
    lines = [f"{_action(o.action, dry_run)} {o.file} ({o.record})"
             + (f": {o.detail}" if o.detail else "") for o in outcomes]
    if not quiet:
        lines.append(
            f"{export.rows} rows, {len(export.tickets)} tickets: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
        lines += [f"exception {e['issue']}: {e['ref']} ({e['note']})" for e in figures.exceptions]
        lines += [f"value {k}: {figure(v)}" for k, v in figures.values.items()]
        lines += [f"note: {n}" for n in figures.value_notes]
    lines += [f"skipped: {u}" for u in export.unreadable]
    terminal.write_output("\n".join(lines) + "\n", display.output)
