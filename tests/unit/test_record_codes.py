"""E001–E006 are declared once (`records/codes.py`): every finding of those codes that the
loader and the index emit has the declared severity and clauses and one of the declared hints,
and `itsm explain` shows the same declaration. Run over every fixture folder of the test
suite that holds record files, so a new loader message with a hint of its own fails here."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from itsm_cli.config import Config
from itsm_cli.findings import Finding
from itsm_cli.records.codes import RECORD_CODES
from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import Workspace
from tests.helpers import cli
from tests.helpers.paths import ROOT, TESTS

SRC = ROOT / "src" / "itsm_cli"


def _fixture_folders() -> list[Path]:
    """Folders under tests/ that directly hold YAML files (each one record set)."""
    folders = {p.parent for p in TESTS.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")}
    return sorted(f for f in folders if "__pycache__" not in f.parts)


def _record_code_findings() -> list[Finding]:
    found: list[Finding] = []
    for folder in _fixture_folders():
        repository = load_repository(Workspace(folder, Config(records="."), None))
        found.extend(f for f in repository.findings if f.rule in RECORD_CODES)
    return found


@pytest.fixture(scope="module")
def emitted() -> list[Finding]:
    return _record_code_findings()


@pytest.mark.slow
def test_the_fixtures_emit_every_record_code(emitted: list[Finding]) -> None:
    assert {f.rule for f in emitted} == set(RECORD_CODES)


def test_every_emitted_record_code_matches_its_declaration(emitted: list[Finding]) -> None:
    wrong = [
        (f.location, f.rule, f.severity, f.clauses, f.hint)
        for f in emitted
        if (declared := RECORD_CODES[f.rule]).severity != f.severity
        or declared.clauses != f.clauses
        or not declared.allows(f.hint)
        or not f.hint
    ]
    assert wrong == []


def test_fixed_hint_codes_use_only_declared_texts(emitted: list[Finding]) -> None:
    """E001, E003, E005 and E006 have no hint derived from the records: only declared ones."""
    for f in emitted:
        declared = RECORD_CODES[f.rule]
        if not declared.schema_hints:
            assert f.hint == declared.hint or f.hint in declared.variants, f.location


def test_explain_shows_the_declaration() -> None:
    for code, declared in RECORD_CODES.items():
        result = cli.run("explain", code, "-f", "json")
        assert result.exit_code == 0, result.output
        shown = json.loads(result.stdout)
        entry = shown[0] if isinstance(shown, list) else shown
        assert entry["severity"] == declared.severity.value
        assert tuple(c["id"] for c in entry["clauses"]) == declared.clauses
        assert entry["hint"] == declared.hint


@pytest.mark.slow
def test_no_finding_of_a_record_code_is_built_outside_its_declaration() -> None:
    """A `Finding(rule="E00…")` anywhere but records/codes.py could give its own severity."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name == "codes.py" and path.parent.name == "records":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding":
                for keyword in node.keywords:
                    value = keyword.value
                    if (
                        keyword.arg == "rule"
                        and isinstance(value, ast.Constant)
                        and str(value.value) in RECORD_CODES
                    ):
                        offenders.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert offenders == []
