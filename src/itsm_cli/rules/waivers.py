"""Waivers: accepted deviations that suppress matching findings until they expire.

Suppressed findings are kept, marked `waived` (an auditor wants to see them). WVR001–WVR003
are produced here rather than by a rule function because they need every other finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from itsm_cli.config import Config
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Waiver
from itsm_cli.rules.registry import REGISTRY, Rule, all_rules, register, selected

register(
    Rule(
        "WVR001", Severity.WARNING, (),
        "A waiver has expired (the findings it covered count again).",
        "A waiver is a time-boxed acceptance of a deviation; once it lapses the deviation "
        "must be fixed or the acceptance renewed by its approver.",
        "Fix the findings it covered, or renew the waiver with a new `expires` date.",
        failing="kind: Waiver\nspec:\n  rule: SLM003\n  expires: 2025-12-31   # in the past",
        passing="kind: Waiver\nspec:\n  rule: SLM003\n  expires: 2027-06-30",
    )
)
register(
    Rule(
        "WVR002", Severity.ERROR, (),
        "A waiver names an unknown rule code.",
        "A waiver for a rule that does not exist waives nothing; usually the code is mistyped.",
        "Correct the rule code (see `itsm rules`).",
        failing="kind: Waiver\nspec:\n  rule: SLM033",
        passing="kind: Waiver\nspec:\n  rule: SLM003",
    )
)
register(
    Rule(
        "WVR003", Severity.INFO, (),
        "A waiver matches no finding.",
        "Unused waivers hide nothing today but would silently hide a future finding; remove "
        "them once the deviation is fixed.",
        "Retire or delete the waiver.",
        failing="kind: Waiver\nspec:\n  rule: SLM003\n  records: [SLA-ACME]  # it has exceptions",
        passing="# no waiver",
    )
)


def _matches(waiver: Waiver, finding: Finding) -> bool:
    if finding.rule != waiver.spec.rule or finding.rule.startswith("WVR"):
        return False
    return "*" in waiver.spec.records or finding.record in waiver.spec.records


def _waiver_findings(
    waiver: LoadedRecord[Waiver], code: str, message: str, path: tuple[str, ...]
) -> Finding:
    entry = REGISTRY[code]
    return waiver.finding(code, entry.severity, message, path, entry.clauses, entry.hint)


def apply_waivers(
    findings: list[Finding], index: RepoIndex, today: dt.date, config: Config
) -> list[Finding]:
    """Mark waived findings and add WVR001–WVR003."""
    known = all_rules()
    active: list[LoadedRecord[Waiver]] = []
    extra: list[Finding] = []
    for waiver in index.of_kind(Waiver):
        if waiver.model.metadata.status == "retired":
            continue
        if waiver.model.approved_after(today) is not None:
            continue  # approved after today: no approval yet, it waives nothing (DOC004)
        spec = waiver.model.spec
        if spec.rule not in known:
            extra.append(
                _waiver_findings(
                    waiver, "WVR002", f"waiver names unknown rule '{spec.rule}'", ("spec", "rule")
                )
            )
        elif spec.expires < today:
            extra.append(
                _waiver_findings(
                    waiver, "WVR001",
                    f"waiver of {spec.rule} expired on {spec.expires}; its findings count again",
                    ("spec", "expires"),
                )
            )
        else:
            active.append(waiver)
    used: set[str] = set()
    out: list[Finding] = []
    by_rule: dict[str, list[LoadedRecord[Waiver]]] = {}
    for waiver in active:
        by_rule.setdefault(waiver.model.spec.rule, []).append(waiver)
    for finding in findings:
        candidates = by_rule.get(finding.rule, ())
        cover = next((w for w in candidates if _matches(w.model, finding)), None)
        if cover is not None:
            used.add(cover.id)
            finding = finding.with_changes(waived=True, waived_by=cover.id)
        out.append(finding)
    for waiver in active:
        # A waiver of a rule that did not run (--select/--ignore) is not "unused".
        ran = selected(waiver.model.spec.rule, config.select, config.ignore)
        if waiver.id not in used and ran:
            extra.append(
                _waiver_findings(
                    waiver, "WVR003",
                    f"waiver of {waiver.model.spec.rule} matches no finding",
                    ("spec", "rule"),
                )
            )
    out.extend(_selected(extra, config))
    return out


def _selected(findings: list[Finding], config: Config) -> Iterator[Finding]:
    for f in findings:
        if selected(f.rule, config.select, config.ignore):
            if f.rule in config.severity:
                f = f.with_changes(severity=config.severity[f.rule])
            yield f


def in_force(waiver: Waiver, today: dt.date) -> bool:
    """Whether a waiver suppresses findings on `today` (as in `apply_waivers`): not retired,
    not approved after today, naming a known rule, and not expired."""
    return (
        waiver.metadata.status != "retired"
        and waiver.approved_after(today) is None
        and waiver.spec.rule in all_rules()
        and not waiver.spec.expires < today
    )
