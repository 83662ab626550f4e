"""`itsm clauses`: the clause catalogue as a tree, with the kinds that evidence each clause,
the mandatory-document flag, and the rules mapped to it (inverted from the rule registry)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from itsm_cli.clauses.standard import load_catalogue
from itsm_cli.rules import all_rules
from tests.helpers import cli

# DESIGN §4: clauses calling for mandatory documented information.
MANDATORY = [
    "4.3", "4.4", "5.2", "6.2", "6.3", "8.2.2", "8.2.4", "8.3.3", "8.3.4.1", "8.3.4.2",
    "8.5.1.1", "8.7.2", "8.7.3.1",
]


@pytest.fixture(autouse=True)
def _plain_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str) -> tuple[int, str]:
    result = cli.run("clauses", *args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def clauses_json(*args: str) -> dict[str, Any]:
    code, out = run("-f", "json", *args)
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    return data


def test_json_lists_every_clause_with_kinds_mandatory_flag_and_rules() -> None:
    data = clauses_json()
    assert (data["version"], data["edition"], data["standard"]) == (
        1, "2018", "ISO/IEC 20000-1:2018"
    )
    assert [c["id"] for c in data["clauses"]] == [c.id for c in load_catalogue("2018")]
    by_id = {c["id"]: c for c in data["clauses"]}
    assert [c["id"] for c in data["clauses"] if c["mandatory"]] == MANDATORY
    assert by_id["8.3.3"]["kinds"] == ["SLA"]
    assert by_id["8.3.4.2"]["parent"] == "8.3.4"
    assert by_id["4"]["parent"] is None
    assert by_id["4.3"]["document"] == "Scope of the SMS"
    assert "climate change" in by_id["4.1"]["note"]
    assert by_id["7.5.3"]["rules"][:6] == ["E001", "E002", "E003", "E004", "E005", "E006"]


def test_rules_per_clause_are_the_registry_inverted() -> None:
    by_id = {c["id"]: c for c in clauses_json()["clauses"]}
    expected: dict[str, list[str]] = {clause_id: [] for clause_id in by_id}
    for code, entry in all_rules().items():
        for clause_id in entry.clauses:
            if clause_id in expected and code not in expected[clause_id]:
                expected[clause_id].append(code)
    assert {k: v["rules"] for k, v in by_id.items()} == expected
    # Rules without clauses (the waiver checks) are on no clause.
    listed = {code for c in by_id.values() for code in c["rules"]}
    assert "WVR001" not in listed


def test_text_is_a_tree_with_kinds_mandatory_flag_and_rule_ranges() -> None:
    code, out = run("--no-color")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Clauses of ISO/IEC 20000-1:2018"

    def row(pattern: str) -> None:
        assert any(re.fullmatch(pattern, line) for line in lines), pattern

    row(r"4\s+Context of the organization")
    row(r"  4\.3\s+Scope of the SMS\s+yes.*")
    row(r"    5\.2\.1\s+Establishing the policy")
    row(r"      8\.3\.4\.1\s+External suppliers\s+Supplier\s+yes.*")
    row(r"    7\.5\.3\s+Control of documented information\s+E001–E006.*")
    row(r"  4\.1\s+Understanding the organization and its context \[1\]")
    assert "[1] 4.1: Amendment 1:2024" in out
    assert "Reflects ISO/IEC 20000-1:2018/Amd 1:2024." in out


def test_edition_2011_shows_the_mapping_onto_2018() -> None:
    data = clauses_json("--edition", "2011")
    assert data["edition"] == "2011"
    by_id = {c["id"]: c for c in data["clauses"]}
    assert [c["id"] for c in data["clauses"]] == [c.id for c in load_catalogue("2011")]
    assert by_id["4.3.2"]["mapsTo"] == ["7.5"]
    # 7.5 is the parent of 7.5.3, which E001–E006 test.
    assert {"E001", "E006"} <= set(by_id["4.3.2"]["rules"])
    code, out = run("--edition", "2011", "--no-color")
    assert code == 0
    assert out.splitlines()[0] == "Clauses of ISO/IEC 20000-1:2011"
    assert re.search(r"^    4\.3\.2\s+Control of documents\s+7\.5\s+E001–E006", out, re.M)


def test_unknown_edition_is_a_usage_error() -> None:
    result = cli.run("clauses", "--edition", "2024")
    assert result.exit_code == 2
