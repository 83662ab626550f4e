"""Waivers: accepted deviations that suppress matching findings until they expire.

Only an approved waiver suppresses anything, and only for its term: from its approval date up
to `expires`, or approval date + `waivers.maxTerm` when that comes first. Suppressed findings
are kept, marked `waived` with the waiver's id (an auditor wants to see them). Record-level
findings (E001–E006) are never waived: a record that breaks its schema or a reference is not
a deviation to accept but a record to mend. WVR001–WVR005 are produced here rather than by a
rule function because they need every other finding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator

from itsm_cli.config import Config
from itsm_cli.dates import Duration
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.fields import Status
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.kinds.waiver import Waiver
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.queries import applies_until, not_approved, term_cap
from itsm_cli.rules.registry import REGISTRY, Rule, area_of, register, selected

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
        "A waiver names an unknown rule code, or one of E001–E006 (or a WVR code).",
        "A waiver for a rule that does not exist waives nothing; usually the code is mistyped. "
        "A record that breaks its schema or a reference (E001–E006) cannot be waived: it is "
        "not a deviation to accept but a record to mend, and no rule can check it meanwhile.",
        "Correct the rule code (see `itsm rules`); for E001–E006, mend the record instead.",
        failing="kind: Waiver\nspec:\n  rule: E004",
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
register(
    Rule(
        "WVR004", Severity.WARNING, (),
        "A waiver that is not approved (a draft, or no `approved`) waives nothing.",
        "Accepting a deviation is a decision of management: until someone has approved the "
        "waiver (`status: approved` with `approved: {by, date}`, dated on or before today), "
        "the findings it names count in full.",
        "Have the waiver approved and record it (`status: approved`, `approved: {by, date}`), "
        "or delete it.",
        failing="kind: Waiver\nmetadata:\n  status: draft\nspec:\n  rule: SLM003",
        passing=(
            "kind: Waiver\nmetadata:\n  status: approved\n"
            "  approved: {by: Head of Service Delivery, date: 2026-11-02}\nspec:\n  rule: SLM003"
        ),
    )
)
register(
    Rule(
        "WVR005", Severity.WARNING, (),
        "A waiver expires more than `waivers.maxTerm` (default P12M) after its approval; it "
        "applies only until approval date + maxTerm.",
        "A deviation accepted for years is no longer a deviation but the way things are done; "
        "a waiver's term is capped so that its approver looks at it again.",
        "Set `expires` within maxTerm of the approval date, or renew the approval when the "
        "term ends.",
        failing=(
            "kind: Waiver\nmetadata:\n  approved: {by: Head of Delivery, date: 2026-01-10}\n"
            "spec:\n  expires: 2027-06-30   # > 2026-01-10 + P12M"
        ),
        passing=(
            "kind: Waiver\nmetadata:\n  approved: {by: Head of Delivery, date: 2026-01-10}\n"
            "spec:\n  expires: 2026-12-31"
        ),
    )
)

_NOT_WAIVABLE_AREAS = ("records", "waivers")
"""E001–E006 (a record that does not load, or breaks a reference) and the waiver findings
themselves, which are produced after waivers are applied and could never be suppressed."""


def waivable(code: str, known: Collection[str]) -> bool:
    """Whether a rule code can be waived: a known rule (one of `known`, the codes of
    `itsm_cli.rules.all_rules()`) outside E001–E006 and WVR."""
    return code in known and area_of(code) not in _NOT_WAIVABLE_AREAS


def in_force(
    waiver: Waiver, today: dt.date, max_term: Duration, known: Collection[str]
) -> bool:
    """Whether a waiver suppresses findings on `today` (as in `apply_waivers`): approved on
    or before today and not retired, naming a rule that can be waived, within its term."""
    return (
        not_approved(waiver, today) is None
        and waivable(waiver.spec.rule, known)
        and today <= applies_until(waiver, max_term)
    )


def _waiver_finding(
    waiver: LoadedRecord[Waiver], code: str, message: str, path: tuple[str, ...]
) -> Finding:
    entry = REGISTRY[code]
    return waiver.finding(code, entry.severity, message, path, entry.clauses, entry.hint)


def _rule_problem(waiver: LoadedRecord[Waiver], known: Collection[str]) -> Finding | None:
    code = waiver.model.spec.rule
    if code not in known:
        message = f"waiver names unknown rule '{code}': it waives nothing"
    elif area_of(code) == "records":
        message = (
            f"{code} cannot be waived (E001–E006: a record that breaks its schema or a "
            "reference must be mended): the waiver waives nothing"
        )
    elif area_of(code) == "waivers":
        message = f"{code} cannot be waived (a waiver finding): the waiver waives nothing"
    else:
        return None
    return _waiver_finding(waiver, "WVR002", message, ("spec", "rule"))


def _term_findings(
    waiver: LoadedRecord[Waiver], today: dt.date, config: Config
) -> tuple[list[Finding], bool]:
    """WVR005 and WVR001 of an approved waiver, and whether it is still within its term."""
    spec, meta = waiver.model.spec, waiver.model.metadata
    term = config.waivers.term
    cap = term_cap(waiver.model, term)
    out: list[Finding] = []
    capped = cap is not None and cap < spec.expires
    if capped and meta.approved is not None:
        out.append(
            _waiver_finding(
                waiver, "WVR005",
                f"waiver of {spec.rule} runs longer than waivers.maxTerm: approved "
                f"{meta.approved.date} + {term.text} = {cap}, expires {spec.expires}; "
                f"it applies only until {cap}",
                ("spec", "expires"),
            )
        )
    until = applies_until(waiver.model, term)
    if until < today:
        if capped and meta.approved is not None:
            message = (
                f"waiver of {spec.rule} applied only until {until} (approved "
                f"{meta.approved.date} + waivers.maxTerm {term.text}, before its expires "
                f"{spec.expires}); its findings count again"
            )
        else:
            message = f"waiver of {spec.rule} expired on {spec.expires}; its findings count again"
        out.append(_waiver_finding(waiver, "WVR001", message, ("spec", "expires")))
    return out, until >= today


def _assess(
    waivers: list[LoadedRecord[Waiver]], today: dt.date, config: Config, known: Collection[str]
) -> tuple[list[LoadedRecord[Waiver]], list[Finding]]:
    """The waivers that apply today, and the WVR001/002/004/005 findings of all of them."""
    active: list[LoadedRecord[Waiver]] = []
    extra: list[Finding] = []
    for waiver in waivers:
        if waiver.model.metadata.status is Status.RETIRED:
            continue  # retiring is how a waiver is closed: it waives nothing, silently
        problem = _rule_problem(waiver, known)
        if problem is not None:
            extra.append(problem)
        reason = not_approved(waiver.model, today)
        if reason is not None:
            meta = waiver.model.metadata
            dated = meta.status is Status.APPROVED and meta.approved is not None
            at = ("metadata", "approved", "date") if dated else ("metadata", "status")
            until = "then" if dated else "it is approved"
            extra.append(
                _waiver_finding(
                    waiver, "WVR004",
                    f"waiver of {waiver.model.spec.rule} {reason}: it waives nothing until {until}",
                    at,
                )
            )
            continue
        found, within = _term_findings(waiver, today, config)
        extra.extend(found)
        if problem is None and within:
            active.append(waiver)
    return active, extra


def apply_waivers(
    findings: list[Finding],
    index: RepoIndex,
    today: dt.date,
    config: Config,
    known: Collection[str],
) -> list[Finding]:
    """Mark waived findings (`waived`, `waived_by`) and add WVR001–WVR005. `known` is every
    rule code (`itsm_cli.rules.all_rules()`): a waiver naming another code waives nothing."""
    active, extra = _assess(list(index.of_kind(Waiver)), today, config, known)
    covers = _CoverIndex(active)
    used: set[str] = set()
    out: list[Finding] = []
    for finding in findings:
        cover = covers.first(finding)
        if cover is not None:
            used.add(cover.id)
            finding = finding.with_changes(waived=True, waived_by=cover.id)
        out.append(finding)
    for waiver in active:
        # A waiver of a rule that did not run (--select/--ignore) is not "unused".
        ran = selected(waiver.model.spec.rule, config.select, config.ignore)
        if waiver.id not in used and ran:
            extra.append(
                _waiver_finding(
                    waiver, "WVR003",
                    f"waiver of {waiver.model.spec.rule} matches no finding",
                    ("spec", "rule"),
                )
            )
    out.extend(_selected(extra, config))
    return out


class _CoverIndex:
    """The first active waiver (in repository order) that covers a finding: one naming its
    rule and its record, or its rule and `*`. Indexed by (rule, record) so that matching
    costs the same whatever the number of waivers; a scan of every waiver of a rule per
    finding grew with findings × waivers.

    Only waivers naming a waivable rule get here (`_assess`), so E001–E006 never match."""

    def __init__(self, active: list[LoadedRecord[Waiver]]) -> None:
        self._active = active
        self._named: dict[tuple[str, str], int] = {}
        self._any: dict[str, int] = {}
        for at, waiver in enumerate(active):
            spec = waiver.model.spec
            if "*" in spec.records:
                self._any.setdefault(spec.rule, at)
            for record in spec.records:
                self._named.setdefault((spec.rule, record), at)

    def first(self, finding: Finding) -> LoadedRecord[Waiver] | None:
        wildcard = self._any.get(finding.rule)
        named = (
            self._named.get((finding.rule, finding.record)) if finding.record is not None else None
        )
        found = [at for at in (wildcard, named) if at is not None]
        return self._active[min(found)] if found else None


def _selected(findings: list[Finding], config: Config) -> Iterator[Finding]:
    for f in findings:
        if selected(f.rule, config.select, config.ignore):
            if f.rule in config.severity:
                f = f.with_changes(severity=config.severity[f.rule])
            yield f
