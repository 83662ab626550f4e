"""What a configuration leaves out of clause coverage: rules it does not run (`select`,
`ignore`) and rules it sets to info, whose findings no longer make a clause partial.

Coverage is judged from the findings of the check as configured, so an auditor reading a
"covered" clause must be told when some of its rules were not applied.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsm_cli.config import Config
from itsm_cli.findings import Severity
from itsm_cli.rules import all_rules
from itsm_cli.rules.registry import selected

SHOWN = 8
"""Codes named in a one-line note before "and N more" (reports list them all)."""


@dataclass(frozen=True, slots=True)
class RuleScope:
    left_out: tuple[str, ...]
    """Rules mapped to clauses that did not run."""
    not_counted: tuple[str, ...]
    """Rules mapped to clauses whose findings were set to info."""

    @property
    def complete(self) -> bool:
        return not self.left_out and not self.not_counted

    def sentence(self, limit: int | None = None) -> str:
        """One sentence for a report or a note; empty when every rule counted."""
        parts = []
        if self.left_out:
            parts.append(f"{_codes(self.left_out, limit)} did not run (select/ignore)")
        if self.not_counted:
            verb = "was" if len(self.not_counted) == 1 else "were"
            parts.append(f"{_codes(self.not_counted, limit)} {verb} set to info (not counted)")
        if not parts:
            return ""
        rules = len(self.left_out) + len(self.not_counted)
        noun = "rule" if rules == 1 else "rules"
        return (
            f"By the configuration, {' and '.join(parts)}: the clauses "
            f"{'it tests' if rules == 1 else 'they test'} can show as covered without "
            f"{'that' if rules == 1 else 'those'} {noun}."
        )


def rule_scope(config: Config) -> RuleScope:
    """The clause-mapped rules that `config` keeps out of coverage."""
    left_out: list[str] = []
    not_counted: list[str] = []
    for code, rule in all_rules().items():
        if not rule.clauses and not rule.clauses_of_record:
            continue
        # E001–E006 are hidden only by `ignore` (a broken record stays in view).
        select = config.select if rule.check is not None else ()
        if not selected(code, select, config.ignore):
            left_out.append(code)
        elif config.severity.get(code, rule.severity) is Severity.INFO and (
            rule.severity is not Severity.INFO
        ):
            not_counted.append(code)
    return RuleScope(tuple(left_out), tuple(not_counted))


def _codes(codes: tuple[str, ...], limit: int | None) -> str:
    if limit is None or len(codes) <= limit:
        shown = list(codes)
    else:
        shown = [*codes[:limit], f"{len(codes) - limit} more"]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
