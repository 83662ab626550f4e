"""Helpers shared by the rule tests, as fixtures (each fixture repository is a folder next to
its test module, with a README saying what fires where).

- `run_check(repo, *args, today=TODAY)` runs `itsm check --today TODAY -f json ARGS`
  in-process (`tests.helpers.cli`) in `repo`, asserts the exit code is 0 or 1 and returns it
  with the findings (the JSON dicts); `run_check_text(repo, *args)` runs the text output
  (`--no-color`) and returns the exit code and standard output.
- `line_of(repo, file, text)` is the line of `file` holding `text`, which must occur once;
  `line_of(repo, file, text, after)` the first line holding `text` after the line holding
  `after`.
- `records_at(repo)` gives `at(name, text, after="")`: the file `records/NAME.yaml` and
  `line_of` in it, to write expected locations as `*at("continuity/con-data", "rto: PT4H")`.
- `by_rule_and_record(findings)` keys the findings by (rule, record), asserting there is one
  finding per rule and record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pytest

from tests.helpers import cli

TODAY = "2026-11-23"

Findings = list[dict[str, Any]]
LineOf = Callable[..., int]
"""`line_of(repo, file, text, after="")`."""
At = Callable[..., tuple[str, int]]
"""`at(name, text, after="")`."""
RecordsAt = Callable[[Path], At]
ByRuleAndRecord = Callable[[Findings], dict[tuple[str, str], dict[str, Any]]]


class RunCheck(Protocol):
    def __call__(self, repo: Path, *args: str, today: str = TODAY) -> tuple[int, Findings]: ...


class RunCheckText(Protocol):
    def __call__(self, repo: Path, *args: str) -> tuple[int, str]: ...


def _line_of(repo: Path, file: str, text: str, after: str = "") -> int:
    lines = (repo / file).read_text(encoding="utf-8").splitlines()
    if after:
        start = next(n for n, line in enumerate(lines) if after in line) + 1
        return next(n for n, line in enumerate(lines[start:], start=start + 1) if text in line)
    hits = [n for n, line in enumerate(lines, start=1) if text in line]
    assert len(hits) == 1, (file, text, hits)
    return hits[0]


@pytest.fixture
def run_check(monkeypatch: pytest.MonkeyPatch) -> RunCheck:
    def check(repo: Path, *args: str, today: str = TODAY) -> tuple[int, Findings]:
        monkeypatch.chdir(repo)
        result = cli.run("check", "--today", today, "-f", "json", *args)
        assert result.exit_code in (0, 1), result.output
        findings: Findings = json.loads(result.stdout)["findings"]
        return result.exit_code, findings

    return check


@pytest.fixture
def run_check_text(monkeypatch: pytest.MonkeyPatch) -> RunCheckText:
    def check(repo: Path, *args: str) -> tuple[int, str]:
        monkeypatch.chdir(repo)
        result = cli.run("check", "--today", TODAY, *args, "--no-color")
        return result.exit_code, result.stdout

    return check


@pytest.fixture
def line_of() -> LineOf:
    return _line_of


@pytest.fixture
def records_at() -> RecordsAt:
    def records_at(repo: Path) -> At:
        def at(name: str, text: str, after: str = "") -> tuple[str, int]:
            file = f"records/{name}.yaml"
            return file, _line_of(repo, file, text, after)

        return at

    return records_at


@pytest.fixture
def by_rule_and_record() -> ByRuleAndRecord:
    def by_rule_and_record(findings: Findings) -> dict[tuple[str, str], dict[str, Any]]:
        keyed = {(f["rule"], f["record"]): f for f in findings}
        assert len(keyed) == len(findings), "one finding per rule and record"
        return keyed

    return by_rule_and_record
