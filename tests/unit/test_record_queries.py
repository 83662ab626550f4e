"""`itsm_cli.records.queries`, the questions about records that rules and reports share,
and `itsm_cli.findings.figure`, the one way a recorded value is written out. The end-to-end
tests run on the fixture in `tests/fixtures/record_queries/` (see its README): the same recorded
value reads the same in a rule message, the service report and the CSV export, and E002
writes a value past its limit as recorded. Last, a guard that reports and exports take
only rule results from the rules, never helpers about records."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from itsm_cli.findings import figure, rounded
from itsm_cli.records.queries import percent_text
from tests.helpers import cli
from tests.helpers.paths import ROOT, fixture

FIXTURE = fixture("record_queries")
TODAY = "2026-11-23"
VALUE = "99.949999999999"
"""SLA-WEB's availability for 2026-10 as the Measurement writes it (target >= 99.95)."""


@pytest.fixture(autouse=True)
def in_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)


# --- figure ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (99.9999999, "99.9999999"),
        (99.949999999999, "99.949999999999"),
        (99.90, "99.9"),
        (100.0, "100"),
        (15, "15"),
        (0.25, "0.25"),
        (0.1 + 0.2, "0.3"),
        (0.00001, "0.00001"),
        (1e16, "10000000000000000"),
        (120000.0, "120000"),
        (-0.0, "0"),
        (-2.50, "-2.5"),
        (Decimal("10.50"), "10.5"),
        (Decimal("10"), "10"),
        (float("inf"), "inf"),
    ],
)
def test_figure_writes_a_recorded_value_as_recorded(value: float | Decimal, text: str) -> None:
    assert figure(value) == text


def test_figure_never_rounds_a_value_onto_its_target() -> None:
    """Every value with up to 15 significant digits reads back as the same number, so a
    value just under an objective never reads as equal to it."""
    for written in ("99.9999999", "99.949999999999", "509.99999999999", "0.999999999999999"):
        assert figure(float(written)) == written
        assert float(figure(float(written))) == float(written)


def test_rounded_is_for_computed_figures_only() -> None:
    assert rounded(43.2000000001) == "43.2"
    assert rounded(2 / 3) == "0.67"
    assert rounded(-0.001) == "0"
    assert rounded(240.0) == "240"


@pytest.mark.parametrize(
    ("percent", "text"),
    [
        (Decimal("12.04"), "+12.0 %"),
        (Decimal("10.04"), "+10.04 %"),  # over 10, though +10.0 would read as on it
        (Decimal("-10.02"), "-10.02 %"),
        (Decimal("3.2"), "+3.2 %"),  # within: one decimal is enough
    ],
)
def test_variance_text_keeps_a_variance_over_the_threshold_visibly_over(
    percent: Decimal, text: str
) -> None:
    assert percent_text(percent, Decimal(10)) == text


# --- one value, three outputs ---------------------------------------------------------------


def _invoke(*args: str) -> str:
    result = cli.run(*[*args, "--today", TODAY])
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_the_rule_message_writes_the_value_as_recorded() -> None:
    report = json.loads(_invoke("check", "--select", "REP", "--format", "json"))
    messages = [f["message"] for f in report["findings"] if f["rule"] == "REP002"]
    assert messages == [
        f"availability {VALUE} % in 2026-10, the latest Measurement of SLA-WEB, misses the "
        "target >= 99.95 %"
    ]


def test_the_service_report_writes_the_value_as_recorded() -> None:
    markdown = _invoke("report", "service", "-f", "md")
    targets = next(line for line in markdown.splitlines() if line.startswith("| availability"))
    cells = [cell.strip() for cell in targets.strip("|").split("|")]
    assert cells[3:7] == ["≥ 99.95", "percent", VALUE, "**breached**"]
    # p1-response, written 15.0, reads 15 (trailing zeros dropped) and is met
    response = next(line for line in markdown.splitlines() if line.startswith("| p1-response"))
    assert [cell.strip() for cell in response.strip("|").split("|")][5:7] == ["15", "met"]
    html = _invoke("report", "service", "-f", "html")
    assert f"{VALUE}</td>" in html
    assert f"Oct: {VALUE}</title>" in html  # the tooltip of the bar in the chart
    # nowhere does the report round it onto the target
    assert not re.search(r"availability[^\n]*\| 99\.95 \|[^\n]*breached", markdown)


def test_the_csv_export_writes_the_value_as_recorded(tmp_path: Path) -> None:
    data = cli.run(
        *["export", "csv", "--view", "findings", "--today", TODAY]
    ).stdout_bytes
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    (message,) = [row["message"] for row in rows if row["rule"] == "REP002"]
    assert f"availability {VALUE} %" in message


def test_one_value_reads_identically_in_rule_report_and_export() -> None:
    """The digits the rule message gives are the digits the report's table and the
    export show."""
    check = json.loads(_invoke("check", "--select", "REP", "--format", "json"))
    (finding,) = [f for f in check["findings"] if f["rule"] == "REP002"]
    in_rule = re.search(r"availability (\S+) %", finding["message"])
    assert in_rule is not None
    markdown = _invoke("report", "service", "-f", "md")
    breach = next(line for line in markdown.splitlines() if line.startswith("| 2026-10 | avail"))
    in_report = breach.strip("|").split("|")[-1].strip()
    data = cli.run(*["export", "csv", "--view", "findings", "--today", TODAY])
    in_export = re.search(r"availability (\S+) %", data.stdout)
    assert in_export is not None
    assert in_rule.group(1) == in_report == in_export.group(1) == VALUE


# --- what reports take from the rules -------------------------------------------------------

RULE_RESULTS = {
    "itsm_cli.rules": {"all_rules"},
    "itsm_cli.rules.coverage": {"ClauseCoverage", "Coverage", "Status", "compute_coverage"},
    "itsm_cli.rules.deadlines": {"Deadline", "DueResult", "find_deadlines"},
    "itsm_cli.rules.documents": {"mandatory_document_status"},
    "itsm_cli.rules.engine": {"CheckResult"},
    "itsm_cli.rules.registry": {"Rule", "area_of"},
    "itsm_cli.rules.scope": {"rule_scope"},
    "itsm_cli.rules.waivers": {"in_force", "waivable"},
}
"""What the layers above the rules may take from them: the rules themselves, their results
(findings, coverage, deadlines) and verdicts that need the rule registry. A question about
records asked by a report belongs in `itsm_cli.records.queries`."""


def test_reports_and_exports_take_only_rule_results_from_the_rules() -> None:
    import ast

    package = ROOT / "src" / "itsm_cli"
    borrowed: list[str] = []
    for layer in ("reports", "interop", "output"):
        for path in sorted((package / layer).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ImportFrom) or node.module is None:
                    continue
                if node.module == "itsm_cli.rules" or node.module.startswith("itsm_cli.rules."):
                    allowed = RULE_RESULTS.get(node.module, set())
                    borrowed += [
                        f"{layer}/{path.name}: {node.module}.{alias.name}"
                        for alias in node.names
                        if alias.name not in allowed
                    ]
    assert borrowed == []


def test_the_loader_writes_a_value_past_its_limit_as_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """E002 compares a recorded value with a limit; rounded, the value would read as the
    limit itself and the message as a contradiction."""
    monkeypatch.chdir(FIXTURE / "near_limits")
    report = json.loads(_invoke("check", "--format", "json"))
    messages = sorted(f["message"] for f in report["findings"] if f["rule"] == "E002")
    assert messages == [
        "objective 100.0000001 is not a percentage (0 to 100)",
        "score 5.0000001 is above the scale's maximum 5",
    ]
