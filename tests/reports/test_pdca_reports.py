"""`itsm report risks` and `itsm report audit` on the rule fixtures of the risk, audit and
nonconformity rules (tests/rules/risks, audits, nonconformities; see their READMEs): the
numbers below are counted by hand from those records."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

RULES = Path(__file__).parents[1] / "rules"


def test_risks_markdown_heat_maps_and_register(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RULES / "risks")
    md = reports.ok("risks")
    # 11 records, one retired; inherent 4 × 4: NO-TREATMENT, RESIDUAL-HIGH; 3 × 4: ONE-CONTROL,
    # ACCEPTED, RESIDUAL-LOW; score >= 12: those five.
    assert "Risks: 10 (1 retired, not shown) · high (score ≥ 12): 5 · residual high: 4 · " \
        "actions overdue: 1" in md
    inherent, residual = md.split("### Inherent")[1].split("### Residual")
    assert "| 4 | · | · | · | 2 | · |" in inherent
    assert "| 3 | · | · | · | 3 | · |" in inherent
    assert "| 2 | · | · | 2 | 1 | 1 |" in inherent
    # RESIDUAL-HIGH moves to 3 × 4 (three there still, with RESIDUAL-LOW gone to 2 × 4)
    assert "| 4 | · | · | · | 1 | · |" in residual
    assert "| 3 | · | · | · | 3 | · |" in residual
    assert "| 2 | · | · | 2 | 2 | 1 |" in residual
    register = md.split("## Risk register")[1].split("## Overdue actions")[0]
    ids = [line.split(":")[0].strip("| ") for line in register.splitlines() if "| RSK-" in line]
    assert ids[:2] == ["RSK-RESIDUAL-HIGH", "RSK-NO-TREATMENT"]  # 16, residual 12 before none
    assert ids[-1] == "RSK-ACCEPT-NOBODY"  # 1 × 3 = 3
    assert "| RSK-LATE-ACTION | Add a second carrier | network-manager | 2026-10-31 | 23 |" in md


def test_risks_html_has_two_heat_maps_with_counts(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RULES / "risks")
    html = reports.ok("risks", fmt="html")
    reports.assert_self_contained(html)
    svgs = reports.svgs(html)
    assert [reports.svg_label(s) for s in svgs] == [
        "Inherent risk: likelihood × impact", "Residual risk: likelihood × impact",
    ]
    ns = "{http://www.w3.org/2000/svg}"
    cells = [t.text for t in svgs[0].iter(f"{ns}title")][1:]
    assert "likelihood 4 × impact 4 = 16: 2 risks" in cells
    assert "likelihood 1 × impact 1 = 1: 0 risks" in cells
    assert len(cells) == 25
    register = reports.tables(html)["risk-register"]
    row = register.row("RSK-NO-TREATMENT Ransomware on the file servers")
    assert (row["Score"], row["Findings"]) == ("4 × 4 = 16", "RSK001")


def test_audit_markdown_programme_findings_and_nonconformities(
    reports: Reports, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(RULES / "audits")
    md = reports.ok("audit")
    # AUD-2025-INTERNAL is before 2025-11-23 (today − P12M): five audits in the cycle, one of
    # them internal and done; it leaves out the five leaves of 8.7.
    assert "audits: 5 (1 internal done) · clauses not audited in the cycle: 5 of 57 · " \
        "findings: 3 · nonconformities open: 0 (overdue: 0) · closed: 1" in md
    assert "| **8.7.2 Service continuity management** (not audited) |" in md
    assert "| major | 1 |" in md and "| opportunity | 0 |" in md
    assert "| AUD-2026-INTERNAL | F2 | major | 8.5.1 | Changes deployed without approval | " \
        "**none** |" in md
    assert "| NCR-F1: SLA review late | minor | 2026-06-13 | 2026-09-02 | yes | effective " \
        "(2026-09-01) |" in md


def test_audit_html_nonconformities(reports: Reports, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(RULES / "nonconformities")
    html = reports.ok("audit", fmt="html")
    reports.assert_self_contained(html)
    tables = reports.tables(html)
    open_ = tables["ncr-open"]
    assert [r["Overdue"] for r in open_.records()] == ["overdue", "overdue", "no", "no", "no"]
    assert open_.row("NCR-MAJOR-OPEN Continuity plan never tested")["Due (major)"] == "2026-08-30"
    closed = tables["ncr-closed"]
    assert closed.row("NCR-INEFFECTIVE Supplier review skipped")["Effectiveness"] == (
        "not effective (2026-07-01)"
    )
    assert len(closed.body) == 4
    assert "programme-matrix" not in tables  # no Audit in this repository
