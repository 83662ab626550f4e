"""Output formats and reports are each declared once: `output.RESULT_TYPES` (one table of
formats per result type) and `reports.registry` (one table of reports, one of report
formats). The commands' `--format` choices, `itsm report --help` and the README's list of
reports come from those tables; every format renders a real result and every report's
builder and templates exist."""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any

import pytest
import typer

from itsm_cli.cli.main import app
from itsm_cli.output import (
    DIFF,
    DUE,
    FINDINGS,
    GAP,
    HISTORY,
    REFERENCE,
    RESULT_TYPES,
    RenderOptions,
    ResultType,
)
from itsm_cli.reports import registry
from tests.helpers import cli
from tests.helpers.git import git, new_repository
from tests.helpers.paths import ROOT, fixture

FIXTURE = fixture("gitops")
TODAY = dt.date(2026, 11, 23)

# The result type behind each command's `--format`; a command with a `--format` missing here
# fails `test_every_format_option_is_accounted_for`.
COMMAND_FORMATS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("validate",): FINDINGS.names(),
    ("check",): FINDINGS.names(),
    ("import", "backstage"): FINDINGS.names(),
    ("import", "openslo"): FINDINGS.names(),
    ("import", "sloth"): FINDINGS.names(),
    ("import", "pyrra"): FINDINGS.names(),
    ("import", "tickets"): FINDINGS.names(),
    ("gap",): GAP.names(),
    ("rules",): REFERENCE.names(),
    ("explain",): REFERENCE.names(),
    ("clauses",): REFERENCE.names(),
    ("diff",): DIFF.names(),
    ("history",): HISTORY.names(),
    ("due",): DUE.names(),
    ("report",): tuple(registry.FORMATS),
}


def _commands(group: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    """Every command of the application, by its words (`("import", "tickets")`)."""
    found: dict[tuple[str, ...], Any] = {}
    for name, command in getattr(group, "commands", {}).items():
        if getattr(command, "commands", None):
            found.update(_commands(command, (*path, name)))
        else:
            found[(*path, name)] = command
    return found


COMMANDS = _commands(typer.main.get_command(app))


def _format_choices(words: tuple[str, ...]) -> tuple[str, ...] | None:
    """The values `--format` accepts, as Typer declares them (the help test below checks the
    same through what a user reads)."""
    for param in COMMANDS[words].params:
        if "--format" in getattr(param, "opts", ()):
            return tuple(choice.value for choice in param.type_descriptor.choices)
    return None


def test_every_format_option_is_accounted_for() -> None:
    with_format = {words for words in COMMANDS if _format_choices(words) is not None}
    assert with_format == set(COMMAND_FORMATS)


@pytest.mark.parametrize("words", list(COMMAND_FORMATS), ids=" ".join)
def test_format_choices_are_the_table_names(words: tuple[str, ...]) -> None:
    assert _format_choices(words) == COMMAND_FORMATS[words]


@pytest.mark.parametrize("words", list(COMMAND_FORMATS), ids=" ".join)
def test_help_lists_the_table_names(words: tuple[str, ...]) -> None:
    result = cli.run(*[*words, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert f"-f, --format <{'|'.join(COMMAND_FORMATS[words])}>" in result.stdout


def test_export_views_are_the_interop_views() -> None:
    """`itsm export` writes spreadsheets, not a result type's text: its views are the
    interop's own list (declared by hand in the CLI, which must not import it at start-up)."""
    from itsm_cli.interop.views import VIEWS

    for param in COMMANDS[("export",)].params:
        if "--view" in getattr(param, "opts", ()):
            views = tuple(choice.value for choice in param.type_descriptor.choices)
    assert views == (*VIEWS, "all")


def test_an_unknown_format_is_a_usage_error_naming_the_choices() -> None:
    result = cli.run(*["gap", "-f", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of 'text', 'json'" in result.output


@pytest.mark.parametrize("result_type", RESULT_TYPES, ids=lambda r: r.name)
def test_every_format_module_defines_every_function_of_its_result_type(
    result_type: ResultType,
) -> None:
    assert result_type.names(), "a result type with no format"
    assert len(set(result_type.names())) == len(result_type.names())
    for entry in result_type.formats:
        for function in result_type.functions:
            assert callable(result_type.renderer(entry.name, function)), (entry, function)
            assert entry.description.endswith(".")


def test_a_function_outside_the_result_type_is_refused() -> None:
    with pytest.raises(KeyError, match="gap formats define no render_findings"):
        GAP.renderer("text", "render_findings")
    with pytest.raises(KeyError, match="findings results have no format 'ics'"):
        FINDINGS.renderer("ics")


# --- every format over a real result --------------------------------------------------------


@dataclass(frozen=True)
class Results:
    """One real result of every type, from the gitops fixture with one change on top of its
    first commit (a broken reference: a finding introduced)."""

    findings: Any
    gap: Any
    rules: Any
    explain: tuple[Any, Any]
    clauses: tuple[Any, Any]
    diff: Any
    history: Any
    due: Any


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Results:
    from itsm_cli.clauses.standard import REFERENCE_EDITION, load_catalogue
    from itsm_cli.findings import FindingsReport
    from itsm_cli.gitops.diff import diff_repository
    from itsm_cli.gitops.history import record_history
    from itsm_cli.records.index import load_repository
    from itsm_cli.records.workspace import load_workspace
    from itsm_cli.rules import all_rules, effective_rules
    from itsm_cli.rules.coverage import compute_coverage, rules_by_clause
    from itsm_cli.rules.deadlines import DueResult, find_deadlines
    from itsm_cli.rules.engine import check_repository

    root = new_repository(FIXTURE, tmp_path_factory.mktemp("formats") / "sms")
    service = root / "records" / "services" / "svc-web.yaml"
    service.write_text(
        service.read_text().replace("[SUP-DC]", "[SUP-DC, SVC-NONE]"), encoding="utf-8"
    )
    git(root, "commit", "-q", "-am", "SVC-WEB depends on a service nobody wrote")
    workspace = load_workspace(root)
    settings = workspace.config
    repository = load_repository(workspace)
    checked = check_repository(repository, TODAY, settings)
    assert checked.findings, "the fixture should give findings to render"
    catalogue = load_catalogue(settings.edition)
    rules = effective_rules(settings)
    return Results(
        findings=FindingsReport(
            findings=checked.findings,
            records=len(repository.index),
            files=len(repository.files),
            command="check",
            subjects=[(r.file, r.id, r.line) for r in repository.index.records],
        ),
        gap=compute_coverage(repository.index, checked.findings, catalogue, TODAY, settings),
        rules=rules,
        explain=(rules["SLM004"], load_catalogue(REFERENCE_EDITION)),
        clauses=(catalogue, rules_by_clause(catalogue, all_rules())),
        diff=diff_repository(workspace, "HEAD~1", None, TODAY, settings),
        history=record_history(workspace, "SVC-WEB"),
        due=DueResult(TODAY, None, find_deadlines(repository.index, settings, TODAY)),
    )


def _calls(results: Results) -> list[tuple[ResultType, str, tuple[Any, ...]]]:
    """(result type, function, arguments before the options) for every function."""
    return [
        (FINDINGS, "render_findings", (results.findings,)),
        (GAP, "render_gap", (results.gap,)),
        (REFERENCE, "render_rules", (results.rules,)),
        (REFERENCE, "render_explain", results.explain),
        (REFERENCE, "render_clauses", results.clauses),
        (DIFF, "render_diff", (results.diff,)),
        (HISTORY, "render_history", (results.history,)),
        (DUE, "render_due", (results.due,)),
    ]


def test_the_calls_cover_every_function(results: Results) -> None:
    covered = {(t.name, f) for t, f, _ in _calls(results)}
    assert covered == {(t.name, f) for t in RESULT_TYPES for f in t.functions}


PLAIN = RenderOptions(color=False, width=100)
NARROW_COLOURED = RenderOptions(color=True, width=50)


@pytest.mark.parametrize(
    ("result_type", "name"),
    [(t, f.name) for t in RESULT_TYPES for f in t.formats],
    ids=lambda v: v if isinstance(v, str) else v.name,
)
def test_every_format_renders_a_real_result(
    result_type: ResultType, name: str, results: Results
) -> None:
    for owner, function, arguments in _calls(results):
        if owner is not result_type:
            continue
        render = result_type.renderer(name, function)
        plain = render(*arguments, PLAIN)
        assert isinstance(plain, str) and plain.strip(), (name, function)
        assert "\x1b[" not in plain
        if not result_type[name].terminal:
            # Not laid out for a terminal: width and colour change nothing.
            assert render(*arguments, NARROW_COLOURED) == plain, (name, function)


def test_the_diff_findings_formats_show_the_introduced_finding(results: Results) -> None:
    introduced = [f.rule for f in results.diff.introduced]
    assert introduced == ["E004"]
    for name in ("sarif", "github", "junit", "gitlab"):
        text = DIFF.renderer(name)(results.diff, PLAIN, "error", False)
        assert "SVC-NONE" in text, name
        assert text == FINDINGS.renderer(name)(
            _introduced_report(results), PLAIN
        ), "the diff shows the findings format's own rendering of the introduced findings"


def _introduced_report(results: Results) -> Any:
    from itsm_cli.findings import FindingsReport

    diff = results.diff
    return FindingsReport(
        diff.introduced, len(diff.records), diff.parsed_files, command="diff", fail_on="error"
    )


# --- reports --------------------------------------------------------------------------------


def test_every_report_builder_resolves_and_every_template_exists() -> None:
    from itsm_cli.reports.environment import make_environment

    template_formats = {f.template for f in registry.FORMATS.values()}
    for spec in registry.REPORTS.values():
        assert callable(spec.build()), spec.name
        assert set(spec.templates) == template_formats, spec.name
        for fmt, template in spec.templates.items():
            assert make_environment(fmt).get_template(template) is not None, template


def _help_reports(text: str) -> dict[str, str]:
    """The `Reports:` list of `itsm report --help`, each description's lines joined."""
    section = text.split("Reports:\n\n", 1)[1].split("\n\n", 1)[0]
    entries: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        found = re.match(r"    (\S+)\s+(.*)$", line)
        if found:
            name = found.group(1)
            entries[name] = found.group(2)
        else:
            entries[name] += " " + line.strip()
    return entries


def test_report_help_lists_every_report_with_its_description() -> None:
    result = cli.run(*["report", "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert _help_reports(result.stdout) == {
        spec.name: spec.description for spec in registry.REPORTS.values()
    }
    flowing = re.sub(r"\s+", " ", result.stdout)
    assert f"NAME <str> {', '.join(registry.REPORTS)}, or all (with" in flowing


def test_an_unknown_report_names_every_report() -> None:
    result = cli.run(*["report", "gapp"])
    assert result.exit_code == 2
    assert f"choose from {', '.join(registry.REPORTS)} or all" in result.output


def readme_reports() -> str:
    rows = [
        "<!-- reports: generated from the table in src/itsm_cli/reports/registry.py -->",
        "| report | what it shows |",
        "|---|---|",
        *(f"| `{s.name}` | {s.description} |" for s in registry.REPORTS.values()),
        "<!-- /reports -->",
    ]
    return "\n".join(rows)


def test_the_readme_lists_the_reports_of_the_table() -> None:
    """`ITSM_UPDATE_GOLDEN=1` rewrites the README's list from the table."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    found = re.search(r"<!-- reports:.*?<!-- /reports -->", text, re.S)
    assert found, "the README has no generated list of reports"
    if os.environ.get("ITSM_UPDATE_GOLDEN") == "1":
        readme.write_text(text.replace(found.group(0), readme_reports()), encoding="utf-8")
    else:
        assert found.group(0) == readme_reports(), (
            "run ITSM_UPDATE_GOLDEN=1 pytest tests/test_output_registry.py"
        )
