"""`itsm gap`: clause-by-clause coverage of ISO/IEC 20000-1 and the overall score."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.output import GAP

if TYPE_CHECKING:
    GapFormat = StrEnum
else:
    GapFormat = GAP.choices("GapFormat")
"""Output formats of `itsm gap`: the names in `output.GAP`."""
TEXT = GapFormat("text")


class Edition(StrEnum):
    """Editions of ISO/IEC 20000-1 the clause catalogue holds."""

    E2018 = "2018"
    E2011 = "2011"


EditionOption = Annotated[
    Edition | None,
    typer.Option(
        "--edition",
        help="Edition of ISO/IEC 20000-1 to report on [default: 2018, or the config].",
        show_default=False,
    ),
]


def _score(value: float | None) -> float | None:
    """A --fail-under score: a number from 0 to 100 (`nan` compares with nothing)."""
    if value is not None and not 0 <= value <= 100:
        raise typer.BadParameter(f"{value:g} is not a score from 0 to 100")
    return value


def gap(
    paths: options.Paths = None,
    edition: EditionOption = None,
    output_format: Annotated[
        GapFormat,
        typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
    ] = TEXT,
    fail_under: Annotated[
        float | None,
        typer.Option(
            "--fail-under",
            help="Exit 1 when the score is below SCORE (0-100), for CI.",
            callback=_score,
            metavar="SCORE",
            show_default=False,
        ),
    ] = None,
    output: options.Output = None,
    today: options.Today = None,
    quiet: options.QuietTable = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
    no_cache: options.NoCache = False,
    cache_dir: options.CacheDir = None,
) -> None:
    """Show clause coverage of ISO/IEC 20000-1 and the score.

    Clause by clause: covered, partial or missing, with the evidence and findings behind
    each status, and why in words. A leaf clause is missing when no approved record
    evidences it, partial when an unwaived error or warning of a rule mapped to it remains,
    all its evidence is overdue for review, or no approved record of the kind that shows it
    operating evidences it, covered otherwise; a parent is covered when all its children
    are, missing when all are, partial otherwise.
    Score = (covered + ½ partial) / leaf clauses × 100. Rules the configuration does not
    run, or sets to info, cannot make a clause partial: a note names them.
    The report never fails on its own:
    exit status 0, or 1 with --fail-under when the score is below it; 2 on a usage error.

    Examples:

    \b
      itsm gap                        # the records root, ISO/IEC 20000-1:2018
      itsm gap --edition 2011         # the 2011 outline, through the mapping
      itsm gap -f json -o gap.json    # stable JSON, for other tools
      itsm gap --fail-under 75        # fail a CI job below 75
    """
    from itsm_cli.clauses.standard import load_catalogue
    from itsm_cli.rules.coverage import compute_coverage
    from itsm_cli.rules.engine import check_repository
    from itsm_cli.rules.scope import SHOWN, rule_scope

    day = options.parse_today(today)
    workspace = options.open_workspace(paths, config)
    options.refuse_record_output(output, workspace)
    options.check_rule_codes(workspace, None, None)
    settings = workspace.config.overlay(edition=edition.value if edition else None)
    workspace = replace(workspace, config=settings)
    display = options.Display.from_options(output, quiet, no_color)
    repository = options.load_records(
        workspace, paths, cache=options.results_cache(workspace, no_cache, cache_dir)
    )
    result = check_repository(repository, day, settings, options.debug_requested())
    coverage = compute_coverage(
        repository.index, result.findings, load_catalogue(settings.edition), day, settings
    )
    text = GAP.renderer(output_format.value)(coverage, display.render_options())
    terminal.write_output(text, display.output)
    scope = rule_scope(settings)
    if not quiet and not scope.complete:
        terminal.display_note(scope.sentence(limit=SHOWN))
    if fail_under is not None and coverage.score < fail_under:
        if not quiet:
            terminal.display_note(f"failing: score {coverage.score:.1f} is below {fail_under:g}")
        raise typer.Exit(1)
