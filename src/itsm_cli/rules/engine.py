"""Running the rules: selection, severity overrides, crash containment and waivers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from itsm_cli.config import Config
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.index import Repository
from itsm_cli.rules import all_rules, waivers
from itsm_cli.rules.registry import Rule, RuleContext, RunAnswers, selected


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Every finding of `itsm check`, sorted by file and line, with waivers applied."""

    findings: list[Finding]
    records: int
    files: int


def _crash(rule: Rule, exc: Exception) -> Finding:
    return Finding(
        rule=rule.code,
        severity=Severity.ERROR,
        message=f"internal error in rule {rule.code}: {type(exc).__name__}: {exc}",
        file="(itsm)",
        line=1,
        hint="Please report this with the records that caused it; run with --debug for more.",
    )


def run_rules(
    repository: Repository, today: dt.date, config: Config, debug: bool = False
) -> list[Finding]:
    """Apply every selected compliance rule to the repository's index."""
    found: list[Finding] = []
    answers = RunAnswers()  # shared by the rules below: one index, one today, one config
    for code, entry in all_rules().items():
        if entry.check is None or not selected(code, config.select, config.ignore):
            continue
        workspace = repository.workspace
        context = RuleContext(
            repository.index, today, config, entry, workspace.root, workspace.config_file,
            answers,
        )
        try:
            found.extend(entry.check(context))
        except Exception as exc:  # a broken rule is reported, never a crash of the run
            if debug:
                raise
            found.append(_crash(entry, exc))
    return found


def apply_severity(findings: Iterable[Finding], config: Config) -> list[Finding]:
    overrides = config.severity
    if not overrides:
        return list(findings)
    return [
        f.with_changes(severity=overrides[f.rule]) if f.rule in overrides else f for f in findings
    ]


def check_repository(
    repository: Repository, today: dt.date, config: Config, debug: bool = False
) -> CheckResult:
    """validate + rules + waivers, the whole of `itsm check`."""
    # A record that does not load is never checked by the rules, so its E001–E006 findings
    # are shown whatever --select says (only --ignore hides them): otherwise a broken record
    # would silently drop out of view.
    findings = [f for f in repository.findings if selected(f.rule, (), config.ignore)]
    findings.extend(run_rules(repository, today, config, debug))
    findings = apply_severity(findings, config)
    findings = waivers.apply_waivers(findings, repository.index, today, config, all_rules())
    findings.sort(key=Finding.sort_key)
    return CheckResult(findings, len(repository.index), len(repository.files))
