"""`itsm report -f markdown` is the same as `-f md`: the name the other commands use works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_markdown_is_md(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    outputs = []
    for name in ("md", "markdown"):
        result = cli.run("report", "suppliers", "-f", name, "--today", "2026-11-23")
        assert result.exit_code == 0, result.output
        outputs.append(re.sub(r"Generated \S+", "Generated …", result.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0].startswith("# ")
