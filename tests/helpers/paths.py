"""Where the tests find the repository and the fixture folders, wherever a test module sits."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The repository: the bundled example records, the README, `schemas/`, `benchmarks/`."""
TESTS = ROOT / "tests"
FIXTURES = TESTS / "fixtures"
"""The fixture folders the unit, CLI and end-to-end tests share (data only, each with a README
saying what it holds); the rule and report fixtures sit beside their tests instead."""
RULES = TESTS / "rules"
"""The rule fixtures, one folder per process area (`tests/rules/<area>/`)."""


def fixture(name: str) -> Path:
    """The shared fixture folder `tests/fixtures/NAME`."""
    return FIXTURES / name
