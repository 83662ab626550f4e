"""The answers the rules of one run share (`RuleContext.once`): worked out once, and a rule
run alone finds exactly what it finds in the whole run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from itsm_cli.records.index import load_repository
from itsm_cli.records.workspace import load_workspace
from itsm_cli.rules import all_rules
from itsm_cli.rules.registry import RuleContext, RunAnswers

if TYPE_CHECKING:
    from tests.rules.conftest import RunCheck

HERE = Path(__file__).parent


def test_a_question_is_answered_once_per_run_and_afresh_alone() -> None:
    workspace = load_workspace(HERE / "reporting")
    index = load_repository(workspace).index
    rules = all_rules()
    asked: list[str] = []

    def question(ctx: RuleContext) -> int:
        asked.append(ctx.rule.code)
        return len(ctx.index)

    shared = RunAnswers()
    today = dt.date(2026, 11, 23)
    for code in ("REP001", "REP002"):
        ctx = RuleContext(index, today, workspace.config, rules[code], answers=shared)
        assert ctx.once(question) == len(index)
    assert asked == ["REP001"]
    alone = RuleContext(index, today, workspace.config, rules["REP003"])
    assert alone.once(question) == len(index)
    assert asked == ["REP001", "REP003"]


@pytest.mark.parametrize(
    ("fixture", "codes"),
    [
        ("reporting", ("REP001", "REP002", "REP003", "REP004")),
        ("measurements", ("REP001", "REP002", "REP003", "REP004")),
        ("documents", ("DOC001",)),
        ("service_level", ("SLM004",)),
    ],
)
def test_each_rule_alone_finds_what_the_whole_run_finds(
    run_check: RunCheck, fixture: str, codes: tuple[str, ...]
) -> None:
    _, everything = run_check(HERE / fixture)
    for code in codes:
        _, alone = run_check(HERE / fixture, "--select", code)
        assert [f for f in alone if f["rule"] == code] == [
            f for f in everything if f["rule"] == code
        ]
