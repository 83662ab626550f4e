"""Users have the README, not the design document the code was written against: no message,
hint, rule text, --help, template, example record or exported JSON Schema may send them to
"DESIGN §n". The README sections named instead must exist."""

from __future__ import annotations

import json
import re

import pytest

from tests.helpers import cli
from tests.helpers.paths import ROOT

PACKAGE = ROOT / "src" / "itsm_cli"
COMMANDS = [
    "validate", "check", "gap", "report", "diff", "history", "init", "new", "fmt",
    "rules", "explain", "clauses", "schema",
]


def _run(*args: str) -> str:
    result = cli.run(*args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.output


def test_no_shipped_file_names_the_design_document() -> None:
    """Everything in the package (code, report templates, `itsm init`'s scaffold, the clause
    catalogue) and the exported schemas."""
    texts = [
        path
        for folder in (PACKAGE, ROOT / "schemas")
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]
    assert any(p.name.endswith(".tmpl") for p in texts)
    offenders = [
        f"{path.relative_to(ROOT).as_posix()}:{number}"
        for path in texts
        for number, line in enumerate(path.read_bytes().decode("utf-8").splitlines(), 1)
        if "DESIGN" in line
    ]
    assert offenders == []


@pytest.mark.slow
def test_rule_catalogue_and_explanations_do_not_name_it() -> None:
    rules = json.loads(_run("rules", "-f", "json"))
    assert "DESIGN" not in json.dumps(rules)
    codes = re.findall(r'"code": "([A-Z]+\d+)"', json.dumps(rules))
    assert "E005" in codes
    for code in codes:
        assert "DESIGN" not in _run("explain", code), code


@pytest.mark.parametrize("command", COMMANDS)
def test_help_does_not_name_it(command: str) -> None:
    assert "DESIGN" not in _run(command, "--help")


def test_readme_has_the_sections_messages_point_at() -> None:
    headings = re.findall(r"^#+ (.+)$", (ROOT / "README.md").read_text(encoding="utf-8"), re.M)
    for section in ("Records", "JSON output", "`itsm gap [PATH…]`"):
        assert section in headings
