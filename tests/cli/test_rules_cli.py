"""`itsm rules` and `itsm explain CODE`: the rule catalogue as users see it.

The registry fills up as rule modules are added, so these tests walk whatever it holds and
name only the record-level codes (E001–E006) and the waiver codes (WVR*), which live with
the engine.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from itsm_cli.clauses.standard import load_catalogue
from itsm_cli.rules import all_rules
from tests.helpers import cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str) -> tuple[int, str, str]:
    result = cli.run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout, result.stderr


# --- itsm rules -----------------------------------------------------------------------------


def test_rules_lists_every_registered_rule_with_severity_clauses_and_summary() -> None:
    code, out, _ = run("rules", "--no-color")
    assert code == 0
    lines = out.splitlines()
    for entry in all_rules().values():
        # A long clause list wraps inside its column: the first clause starts the line.
        first_clause = (
            entry.clauses[0] if entry.clauses
            else "its" if entry.clauses_of_record else "—"
        )
        pattern = rf"\s+{entry.code}\s+{entry.severity.value}\s+{re.escape(first_clause)}(?:,|\s).*"
        matching = [line for line in lines if re.fullmatch(pattern, line)]
        assert len(matching) == 1, entry.code
        # The summary starts on that line (it may wrap after it).
        assert entry.summary.split()[0] in matching[0]
    assert f"{len(all_rules())} rules." in out


def test_rules_are_grouped_by_area_in_registry_order() -> None:
    _, out, _ = run("rules", "--no-color")
    lines = out.splitlines()
    areas = list(dict.fromkeys(entry.area for entry in all_rules().values()))
    headings = [line for line in lines if line.strip() and line[0] != " " and
                line.strip().lower() in areas]
    assert [h.strip().lower() for h in headings] == areas
    assert areas[0] == "records" and areas[-1] == "waivers"
    records_at = lines.index("Records")
    assert lines[records_at + 1].split()[0] == "E001"


def test_rules_json() -> None:
    code, out, _ = run("rules", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["version"] == 1
    assert [r["code"] for r in data["rules"]] == list(all_rules())
    first = data["rules"][0]
    assert first == {
        "code": "E001",
        "severity": "error",
        "area": "records",
        "clauses": ["7.5.3"],
        "clausesOfRecord": None,
        "summary": all_rules()["E001"].summary,
    }
    ncr004 = next(r for r in data["rules"] if r["code"] == "NCR004")
    assert (ncr004["clauses"], ncr004["clausesOfRecord"]) == (
        [], "the clauses in its spec.clauses"
    )
    assert {r["code"] for r in data["rules"]} >= {"E001", "E006", "WVR001", "WVR002", "WVR003"}


def test_every_clause_a_rule_names_is_in_the_catalogue() -> None:
    catalogue = load_catalogue("2018")
    unknown = {
        code: [c for c in entry.clauses if c not in catalogue]
        for code, entry in all_rules().items()
    }
    assert {code: bad for code, bad in unknown.items() if bad} == {}


# --- itsm explain ---------------------------------------------------------------------------


def test_explain_shows_everything_about_one_rule() -> None:
    code, out, _ = run("explain", "E004", "--no-color")
    assert code == 0
    entry = all_rules()["E004"]
    assert out.splitlines()[0] == "E004 · error · records"
    assert "Clauses\n  7.5.3  Control of documented information\n" in out
    for heading in ("Why it matters", "How to fix", "Failing example", "Passing example"):
        assert f"\n{heading}\n" in out
    flat = " ".join(out.split())
    assert " ".join(entry.rationale.split()) in flat
    assert " ".join(entry.hint.split()) in flat
    assert "Failing example\n  kind: SLA\n  spec:\n    services: [SVC-WEBSHOP]" in out
    assert "Passing example\n  kind: SLA\n  spec:\n    services: [SVC-WEB]" in out


def test_explain_is_case_insensitive_and_knows_rules_without_clauses() -> None:
    code, out, _ = run("explain", "wvr001", "--no-color")
    assert code == 0
    assert out.startswith("WVR001 · warning · waivers\n")
    assert "Clauses\n  none: its findings make no clause partial\n" in out


def test_rules_whose_findings_take_their_records_clauses_are_listed_under_none() -> None:
    """NCR004's findings are on the nonconformity's own `spec.clauses` (DOC005's on the
    Evidence's): the catalogue must not file them under 10.1 (or any fixed clause)."""
    _, out, _ = run("explain", "NCR004", "--no-color")
    assert "Clauses\n  none of its own: each finding is on the clauses in its spec.clauses\n" in out
    _, rules, _ = run("rules", "--no-color")
    row = next(line for line in rules.splitlines() if line.strip().startswith("NCR004"))
    assert row.split()[2:4] == ["its", "record's"]
    _, doc003, _ = run("explain", "DOC003", "--no-color")
    assert (
        "Clauses\n  7.5.3  Control of documented information\n"
        "  and, for each finding, the clauses the Evidence names\n"
    ) in doc003
    _, clauses, _ = run("clauses", "--no-color")
    assert "NCR004" not in clauses
    assert "NCR001–NCR003" in clauses


@pytest.mark.parametrize("code", list(all_rules()))
def test_explain_works_for_every_registered_rule(code: str) -> None:
    exit_code, out, _ = run("explain", code, "--no-color")
    assert exit_code == 0
    assert out.startswith(f"{code} · ")
    entry = all_rules()[code]
    assert entry.failing and entry.passing, f"{code} needs a failing and a passing example"
    assert "Failing example" in out and "Passing example" in out


@pytest.mark.slow
def test_explain_highlights_the_yaml_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run("explain", "E004")
    assert "\x1b[" in out
    plain = ANSI.sub("", out)
    assert "services: [SVC-WEBSHOP]" in plain
    # The YAML itself is coloured, not only the headings.
    example = out[out.index("Failing example"):]
    assert ANSI.search(example.split("\n", 2)[2])


def test_explain_unknown_code_exits_2_with_a_suggestion() -> None:
    code, out, err = run("explain", "WVR01")
    assert code == 2
    assert out == ""
    assert "no rule has the code 'WVR01' (did you mean WVR001?)" in err


def test_explain_unknown_code_without_a_close_one() -> None:
    code, _, err = run("explain", "NOPE")
    assert code == 2
    assert "no rule has the code 'NOPE'; `itsm rules` lists them" in err


def test_explain_json() -> None:
    code, out, _ = run("explain", "E004", "-f", "json")
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    entry = all_rules()["E004"]
    assert data == {
        "version": 1,
        "code": "E004",
        "severity": "error",
        "area": "records",
        "clauses": [{"id": "7.5.3", "title": "Control of documented information"}],
        "clausesOfRecord": None,
        "summary": entry.summary,
        "rationale": entry.rationale,
        "hint": entry.hint,
        "failing": entry.failing,
        "passing": entry.passing,
    }


@pytest.mark.parametrize("command", ["rules", "explain", "clauses", "gap"])
def test_help_has_examples(command: str) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert "Examples:" in out
    assert f"itsm {command}" in out


def test_rules_and_explain_show_the_configured_severity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "itsm.toml").write_text('[severity]\nSLM003 = "error"\n')
    monkeypatch.chdir(tmp_path)
    _, out, _ = run("rules", "--no-color")
    [line] = [line for line in out.splitlines() if line.strip().startswith("SLM003")]
    assert line.split()[:2] == ["SLM003", "error"]
    _, out, _ = run("explain", "SLM003", "--no-color")
    assert out.splitlines()[0] == "SLM003 · error · service level"
