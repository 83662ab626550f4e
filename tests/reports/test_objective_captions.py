"""A chart's caption names the objective's unit once: `≥ 95 % within 4 h` for an attainment
target (its objective says what it counts), `≥ 99.5 percent` for a plain one; never
"within 4 h percent". On tests/reports/operations (see its README)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import cli

FIXTURE = Path(__file__).parent / "operations"


@pytest.mark.parametrize("name", ["service", "operations"])
def test_the_unit_is_said_once(name: str) -> None:
    result = cli.run("report", name, "-f", "html", "--today", "2026-11-23", cwd=FIXTURE)
    assert result.exit_code == 0, result.output
    captions = re.findall(r"objective ([^<)\"]*)", result.stdout)
    assert "≥ 95 % within 4 h" in captions
    assert not [c for c in captions if "within" in c and "percent" in c]
