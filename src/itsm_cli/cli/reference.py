"""`itsm rules`, `itsm explain CODE` and `itsm clauses`: the reference: rules and clauses."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from itsm_cli.cli import options, terminal
from itsm_cli.cli.gap import Edition
from itsm_cli.output import REFERENCE

if TYPE_CHECKING:
    CatalogueFormat = StrEnum
else:
    CatalogueFormat = REFERENCE.choices("CatalogueFormat")
"""Output formats of the reference commands: the names in `output.REFERENCE`."""
TEXT = CatalogueFormat("text")


FormatOption = Annotated[
    CatalogueFormat,
    typer.Option("--format", "-f", help="Output format.", case_sensitive=False),
]


def rules(
    output_format: FormatOption = TEXT,
    output: options.Output = None,
    quiet: options.QuietTable = False,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """List every rule, by process area.

    Code, severity (the configuration's `[severity]` table changes it), the clauses it
    tests and a one-line summary.

    Examples:

    \b
      itsm rules
      itsm rules -f json | jq '.rules[] | select(.severity == "error") | .code'
      itsm explain SLM004          # one rule in full
    """
    from itsm_cli.rules import effective_rules

    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    display = options.Display.from_options(output, quiet, no_color)
    text = REFERENCE.renderer(output_format.value, "render_rules")(
        effective_rules(workspace.config), display.render_options()
    )
    terminal.write_output(text, display.output)


def explain(
    code: Annotated[
        str, typer.Argument(help="Rule code, e.g. SLM002 (see `itsm rules`).", metavar="CODE")
    ],
    output_format: FormatOption = TEXT,
    output: options.Output = None,
    no_color: options.NoColor = False,
    config: options.ConfigFile = None,
) -> None:
    """Explain one rule, with a failing and a passing example.

    Severity, clauses, why it matters, how to fix it, and an example of a failing and a
    passing record (syntax-highlighted on a terminal).

    Exit status 2 for a code no rule has (with the closest code, if any).

    Examples:

    \b
      itsm explain SLM002
      itsm explain cap002          # codes are case-insensitive
      itsm explain E004 -f json
    """
    from itsm_cli.clauses.standard import REFERENCE_EDITION, load_catalogue
    from itsm_cli.records.errors import suggest
    from itsm_cli.rules import effective_rules

    workspace = options.open_workspace(None, config)
    options.refuse_record_output(output, workspace)
    known = effective_rules(workspace.config)
    wanted = code.strip().upper()
    entry = known.get(wanted)
    if entry is None:
        guess = suggest(wanted, list(known))
        tip = f" (did you mean {guess}?)" if guess else ""
        terminal.display_error(f"no rule has the code '{code}'{tip}; `itsm rules` lists them")
        raise typer.Exit(2)
    display = options.Display.from_options(output, False, no_color)
    text = REFERENCE.renderer(output_format.value, "render_explain")(
        entry, load_catalogue(REFERENCE_EDITION), display.render_options()
    )
    terminal.write_output(text, display.output)


def clauses(
    edition: Annotated[
        Edition,
        typer.Option("--edition", help="Edition of ISO/IEC 20000-1.", case_sensitive=False),
    ] = Edition.E2018,
    output_format: FormatOption = TEXT,
    output: options.Output = None,
    quiet: options.QuietTable = False,
    no_color: options.NoColor = False,
) -> None:
    """Show the clause catalogue of ISO/IEC 20000-1.

    A tree of clauses: each clause's title, the record kinds that evidence it, whether it
    calls for a mandatory document, and the rules that test it.

    Under --edition 2011 each clause shows the 2018 clauses it maps onto instead of kinds,
    and the rules of those clauses.

    Examples:

    \b
      itsm clauses
      itsm clauses --edition 2011
      itsm clauses -f json | jq '.clauses[] | select(.mandatory) | .id'
    """
    from itsm_cli.clauses.standard import load_catalogue
    from itsm_cli.rules import all_rules
    from itsm_cli.rules.coverage import rules_by_clause

    if output is not None:
        options.refuse_record_output(output, options.open_workspace(None, None))
    display = options.Display.from_options(output, quiet, no_color)
    catalogue = load_catalogue(edition.value)
    mapped = rules_by_clause(catalogue, all_rules())
    render = REFERENCE.renderer(output_format.value, "render_clauses")
    text = render(catalogue, mapped, display.render_options())
    terminal.write_output(text, display.output)
