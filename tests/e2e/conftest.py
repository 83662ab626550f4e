"""The end-to-end tests of the HTML reports render them with the report tests' own helpers."""

from __future__ import annotations

from tests.reports.conftest import reports

__all__ = ["reports"]
