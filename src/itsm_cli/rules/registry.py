"""The one registry of rules, keyed by code.

A compliance rule is a function from a `RuleContext` (the repository index, "today", the
configuration) to findings, declared with `@rule(...)`; its docstring is its rationale. The
record-level checks of the loader (E001–E006) are registered here too, without a function,
so every code has one place that describes it (`itsm rules`, `itsm explain`, SARIF).
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from itsm_cli.findings import FieldPath, Finding, Severity

if TYPE_CHECKING:
    from itsm_cli.config import Config
    from itsm_cli.dates import Duration
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.load import LoadedRecord

AREAS = {
    "E": "records",
    "CAT": "service catalogue",
    "SLM": "service level",
    "SUP": "suppliers",
    "CAP": "capacity",
    "CON": "continuity and availability",
    "REP": "service reporting",
    "DOC": "documented information",
    "CUS": "business relationship",
    "BUD": "budgeting and accounting",
    "OPS": "operational control",
    "RSK": "risks",
    "AUD": "internal audit",
    "MRV": "management review",
    "NCR": "nonconformities",
    "DRF": "catalogue drift",
    "WVR": "waivers",
}


def area_of(code: str) -> str:
    prefix = code.rstrip("0123456789")
    return AREAS.get(prefix, prefix.lower())


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and documentation, and the function that applies it."""

    code: str
    severity: Severity
    """Default severity; configuration may override it."""
    clauses: tuple[str, ...]
    summary: str
    """One line: what makes the rule fire."""
    rationale: str
    """Why it matters (the function's docstring)."""
    hint: str
    """How to fix a finding."""
    failing: str = ""
    """A YAML snippet that makes the rule fire."""
    passing: str = ""
    """The same snippet, mended."""
    check: Callable[[RuleContext], Iterable[Finding]] | None = None
    clauses_of_record: str = ""
    """For a rule whose findings also (DOC003) or only (DOC005, NCR004) take their record's
    clauses: which ones, in words ("the clauses in its spec.clauses")."""

    @property
    def area(self) -> str:
        return area_of(self.code)


RuleCheck = Callable[["RuleContext"], Iterable[Finding]]


class DuplicateRuleError(Exception):
    pass


REGISTRY: dict[str, Rule] = {}


def register(entry: Rule) -> Rule:
    if entry.code in REGISTRY:
        raise DuplicateRuleError(f"rule code {entry.code} is registered twice")
    REGISTRY[entry.code] = entry
    return entry


def rule(
    code: str,
    severity: Severity,
    clauses: tuple[str, ...],
    summary: str,
    hint: str,
    failing: str = "",
    passing: str = "",
    clauses_of_record: str = "",
) -> Callable[[RuleCheck], RuleCheck]:
    """Register a compliance rule; the decorated function's docstring is its rationale."""

    def decorate(func: RuleCheck) -> RuleCheck:
        register(
            Rule(
                code=code,
                severity=severity,
                clauses=clauses,
                summary=summary,
                rationale=inspect.cleandoc(func.__doc__ or summary),
                hint=hint,
                failing=inspect.cleandoc(failing) if failing else "",
                passing=inspect.cleandoc(passing) if passing else "",
                check=func,
                clauses_of_record=clauses_of_record,
            )
        )
        return func

    return decorate


T = TypeVar("T")


class RunAnswers:
    """Answers to questions about the records that several rules of one run ask (the
    Measurements of each agreement by period, …), each worked out once.

    The engine gives every `RuleContext` of a run the same instance: the index, today, the
    root and the configuration are then the same for all of them, so an answer computed for
    one rule holds for the next. A question reads only those, never `ctx.rule`. A context
    made on its own gets a fresh instance and answers for itself alone."""

    __slots__ = ("_answers",)

    def __init__(self) -> None:
        self._answers: dict[Callable[[RuleContext], object], object] = {}

    def get(self, question: Callable[[RuleContext], T], ctx: RuleContext) -> T:
        if question not in self._answers:
            self._answers[question] = question(ctx)
        return cast(T, self._answers[question])


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule sees: the index, today's date, the configuration, and the rule itself
    (so `finding()` fills in code, severity, clauses and hint)."""

    index: RepoIndex
    today: dt.date
    config: Config
    rule: Rule
    root: Path | None = None
    """The repository root, for rules that look at files (DOC003); None when unknown."""
    config_file: Path | None = None
    """The configuration file read (itsm.toml, pyproject.toml, `--config FILE`), if any."""
    answers: RunAnswers = field(default_factory=RunAnswers)
    """What this run's rules have already worked out (`once`)."""

    def once(self, question: Callable[[RuleContext], T]) -> T:
        """`question(self)`, computed once per run however many rules ask it."""
        return self.answers.get(question, self)

    def review_interval(self, kind: str) -> Duration:
        return self.config.review_interval(kind)

    def finding(
        self,
        record: LoadedRecord[Any],
        message: str,
        path: FieldPath = (),
        hint: str | None = None,
        clauses: tuple[str, ...] | None = None,
    ) -> Finding:
        return record.finding(
            self.rule.code,
            self.rule.severity,
            message,
            path,
            clauses if clauses is not None else self.rule.clauses,
            self.rule.hint if hint is None else hint,
        )


def sorted_rules() -> dict[str, Rule]:
    """The rules registered so far, in code order. `itsm_cli.rules.all_rules()` imports every
    rule module first; code that runs after it (waivers, the engine) may use this."""
    return dict(sorted(REGISTRY.items(), key=lambda item: _code_order(item[0])))


_PREFIX_ORDER = list(AREAS)


def _code_order(code: str) -> tuple[int, str]:
    prefix = code.rstrip("0123456789")
    rank = _PREFIX_ORDER.index(prefix) if prefix in _PREFIX_ORDER else len(_PREFIX_ORDER)
    return rank, code


def selected(code: str, select: Iterable[str], ignore: Iterable[str]) -> bool:
    """Whether a rule runs: `select` (codes or prefixes; empty means all) minus `ignore`."""
    chosen = list(select)
    if chosen and not any(code.startswith(s) for s in chosen):
        return False
    return not any(code.startswith(i) for i in ignore)
