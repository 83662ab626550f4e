"""`itsm report gap|capacity|continuity` on a repository whose `records/` folder is empty:
each exits 0 with an HTML document, or Markdown that says what is missing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from tests.reports.conftest import Reports

EMPTY_MARKDOWN = {
    "gap": "| 4.3 | Scope of the SMS | Evidence | **missing** |",
    "capacity": "No CapacityPlan records.",
    "continuity": "No ContinuityPlan records.",
}
"""A line of each report's Markdown on an empty repository."""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("name", list(EMPTY_MARKDOWN))
def test_empty_repository(
    reports: Reports, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, fmt: str
) -> None:
    (tmp_path / "records").mkdir()
    monkeypatch.chdir(tmp_path)
    out = reports.ok(name, fmt=fmt)
    if fmt == "html":
        assert out.startswith("<!DOCTYPE html>")
    else:
        assert EMPTY_MARKDOWN[name] in out
