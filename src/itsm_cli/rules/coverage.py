"""Clause coverage: which clauses of ISO/IEC 20000-1 the records evidence, and how well.

Per leaf clause of the 2018 edition (README, section `itsm gap`):

- **missing** when no approved record evidences it. A record evidences the clauses of its
  kind and those in its `metadata.clauses` (`Record.evidenced_clauses`); naming a parent
  clause (`5.2`) evidences every clause below it (`5.2.1`, `5.2.2`). Draft and retired
  records evidence nothing.
- **partial** when it is evidenced, but an unwaived error or warning mapped to it remains
  (a finding's `clauses`; a finding mapped to a parent affects every leaf below it), or
  every record evidencing it is a document overdue for review, or it is a clause that a
  kind evidences (the catalogue's `kinds`, or a kind's own clauses) and no approved record
  of such a kind evidences it: an Evidence naming 8.7.2 documents continuity but shows no
  plan operating.
- **covered** otherwise.

A parent clause is covered when all its children are, missing when all are missing, partial
otherwise. Another edition (2011) is derived from the 2018 result: each of its leaves rolls
up the 2018 clauses it maps onto the same way, and its parents their children. Every clause
that is not covered says why in `reason`, in words an auditor reads. Score = (covered + ½
partial) / leaves × 100.

This is core code: it takes the findings of `check_repository` as input and never prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from itsm_cli.clauses.standard import (
    REFERENCE_EDITION,
    Catalogue,
    Clause,
    clause_matches,
    load_catalogue,
)
from itsm_cli.findings import Finding, Severity

if TYPE_CHECKING:
    from itsm_cli.config import Config
    from itsm_cli.dates import Duration
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.rules.registry import Rule

Status = Literal["covered", "partial", "missing"]
"""Coverage status of a clause."""

STATUSES: tuple[Status, ...] = ("covered", "partial", "missing")
"""Every status, best first."""

_BLOCKING = (Severity.ERROR, Severity.WARNING)
_RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class ClauseCoverage:
    """The coverage of one clause, with what is behind its status."""

    id: str
    title: str
    status: Status
    evidence: tuple[str, ...] = ()
    """Ids of the approved, non-retired records that evidence the clause (for a parent or a
    mapped clause: of those below it or mapped onto), in repository order."""
    findings: tuple[str, ...] = ()
    """Codes of the unwaived errors and warnings mapped to the clause, sorted."""
    overdue: tuple[str, ...] = ()
    """The evidence ids whose planned review is overdue."""
    waived: tuple[str, ...] = ()
    """Codes of waived errors and warnings mapped to the clause (they do not count)."""
    parent: str | None = None
    leaf: bool = True
    maps_to: tuple[str, ...] = ()
    """For a clause of another edition than 2018: the 2018 clauses it maps onto."""
    reason: str | None = None
    """Why the clause is partial or missing, in words; None when it is covered."""
    last_audited: dt.date | None = None
    """The date of the latest internal Audit done whose scope holds the clause."""

    @property
    def depth(self) -> int:
        """0 for a top-level clause, 1 for `8.3`, 2 for `8.3.4` …"""
        return self.id.count(".")


@dataclass(frozen=True, slots=True)
class GroupScore:
    """The score of the leaves under one top-level clause (4 … 10)."""

    id: str
    title: str
    status: Status
    score: float
    covered: int
    partial: int
    missing: int

    @property
    def leaves(self) -> int:
        return self.covered + self.partial + self.missing


@dataclass(frozen=True, slots=True)
class Coverage:
    """Clause coverage of one edition: every clause in catalogue order, and the scores."""

    edition: str
    standard: str
    clauses: tuple[ClauseCoverage, ...]
    """Every clause, parents included, in catalogue order."""
    groups: tuple[GroupScore, ...]
    """One per top-level clause, in order."""
    score: float
    """(covered + ½ partial) / leaf clauses × 100, to one decimal."""
    covered: int
    partial: int
    missing: int
    reference: Coverage | None = None
    """For another edition than 2018: the 2018 coverage it is derived from."""

    @property
    def leaves(self) -> int:
        return self.covered + self.partial + self.missing

    def get(self, clause_id: str) -> ClauseCoverage | None:
        return next((c for c in self.clauses if c.id == clause_id), None)

    def leaf_clauses(self) -> tuple[ClauseCoverage, ...]:
        return tuple(c for c in self.clauses if c.leaf)

    def group_of(self, clause_id: str) -> GroupScore | None:
        top = clause_id.split(".")[0]
        return next((g for g in self.groups if g.id == top), None)


def score_of(covered: int, partial: int, leaves: int) -> float:
    """(covered + ½ partial) / leaves × 100, rounded half up to one decimal; 0.0 if no leaves."""
    if leaves == 0:
        return 0.0
    exact = (Decimal(covered) + Decimal(partial) / 2) * 100 / Decimal(leaves)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def roll_up(statuses: Iterable[Status]) -> Status:
    """The status of a clause from those it stands for (its children, or for a 2011 clause
    the 2018 clauses it maps onto): covered when all are, missing when all are (or there
    are none), partial otherwise."""
    seen = set(statuses)
    if seen == {"covered"}:
        return "covered"
    if not seen or seen == {"missing"}:
        return "missing"
    return "partial"


MISSING_REASON = "no approved record evidences it"

_FINDING_WORDS = {
    "DOC003": "Evidence location missing (DOC003)",
    "DOC005": "binder Evidence naming more than {limit} leaf clauses (DOC005)",
}
"""Findings that say more in words than as a code."""


@dataclass(slots=True)
class _Leaf:
    """What is known about one 2018 leaf while computing."""

    evidence: dict[str, bool]
    """Record id → overdue for review (dict for repository order without duplicates)."""
    findings: set[str]
    waived: set[str]
    kinds: tuple[str, ...] = ()
    """Kinds that evidence the clause by their kind; empty when any record will do."""
    operating: bool = False
    """Whether an approved record of one of `kinds` (or by its kind) evidences it."""

    def problems(self, limit: int) -> list[str]:
        """Why an evidenced leaf is partial, in words (empty: covered)."""
        out = []
        if self.kinds and not self.operating:
            out.append(f"no approved {' or '.join(self.kinds)} record")
        others = []
        for code in sorted(self.findings):
            if code in _FINDING_WORDS:
                out.append(_FINDING_WORDS[code].format(limit=limit))
            else:
                others.append(code)
        if others:
            out.append("open findings: " + ", ".join(others))
        if self.evidence and all(self.evidence.values()):
            out.append("only evidence overdue for review")
        return out


class _Leaves:
    """Which 2018 leaves a clause id stands for (itself, or every leaf below it)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue
        self._cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, clause_id: str) -> tuple[str, ...]:
        found = self._cache.get(clause_id)
        if found is None:
            if clause_id in self._catalogue:
                found = tuple(c.id for c in self._catalogue.leaves_under(clause_id))
            else:
                found = ()  # a clause the edition does not have evidences nothing
            self._cache[clause_id] = found
        return found


def kinds_by_leaf(reference: Catalogue) -> dict[str, tuple[str, ...]]:
    """2018 leaf → the kinds that evidence it by their kind: every kind whose own clauses
    (`Record.clauses_of_kind`) hold it, at it or above it."""
    from itsm_cli.records.models import KINDS

    under = _Leaves(reference)
    out: dict[str, dict[str, None]] = {leaf.id: {} for leaf in reference.leaves()}
    for kind, cls in KINDS.items():
        for clause_id in cls.clauses_of_kind():
            for leaf in under(clause_id):
                out[leaf][kind] = None
    return {leaf: tuple(kinds) for leaf, kinds in out.items()}


def _reference_leaves(
    index: RepoIndex,
    findings: Iterable[Finding],
    reference: Catalogue,
    today: dt.date,
    config: Config,
) -> dict[str, _Leaf]:
    from itsm_cli.rules.documents import is_reviewed_document

    kinds = kinds_by_leaf(reference)
    leaves = {c.id: _Leaf({}, set(), set(), kinds[c.id]) for c in reference.leaves()}
    under = _Leaves(reference)
    intervals: dict[str, Duration] = {}
    for record in index.by_id.values():
        model = record.model
        if not model.approved_on(today):
            continue
        claimed = model.evidenced_clauses
        if not claimed:
            continue
        kind = record.kind
        overdue = False
        if is_reviewed_document(model):  # records of past events are never overdue
            if kind not in intervals:
                intervals[kind] = config.review_interval(kind)
            due = model.review_due(intervals[kind], today)
            overdue = due is None or due < today
        by_kind = {leaf for clause_id in model.kind_clauses for leaf in under(clause_id)}
        for clause_id in claimed:
            for leaf in under(clause_id):
                part = leaves[leaf]
                part.evidence[record.id] = overdue
                if leaf in by_kind or kind in part.kinds:
                    part.operating = True
    for finding in findings:
        if finding.severity not in _BLOCKING:
            continue
        for clause_id in finding.clauses:
            for leaf in under(clause_id):
                target = leaves[leaf].waived if finding.waived else leaves[leaf].findings
                target.add(finding.rule)
    return leaves


def internal_audit_dates(index: RepoIndex, today: dt.date) -> list[tuple[dt.date, tuple[str, ...]]]:
    """(date, scope) of each internal Audit done on or before today, latest first. Read by
    field name, so coverage needs nothing of the Audit model but its documented fields."""
    out = []
    for record in index.by_kind.get("Audit", []):
        model = record.model
        spec = model.spec
        day = getattr(spec, "date", None)
        if (
            model.metadata.status != _RETIRED
            and getattr(spec, "type", None) == "internal"
            and getattr(spec, "state", None) == "done"
            and isinstance(day, dt.date)
            and day <= today
        ):
            out.append((day, tuple(str(c) for c in getattr(spec, "scope", ()) or ())))
    out.sort(key=lambda item: item[0], reverse=True)
    return out


def _last_audited(
    clause_id: str, audits: list[tuple[dt.date, tuple[str, ...]]]
) -> dt.date | None:
    """The latest audit whose scope holds the clause (names it or a clause above it)."""
    return next(
        (day for day, scope in audits if any(clause_matches(s, clause_id) for s in scope)), None
    )


def _merge(
    clause: Clause,
    parts: list[_Leaf],
    status: Status,
    reason: str | None,
    last_audited: dt.date | None,
    mapped: bool,
) -> ClauseCoverage:
    evidence: dict[str, bool] = {}
    findings: set[str] = set()
    waived: set[str] = set()
    for part in parts:
        evidence.update(part.evidence)
        findings |= part.findings
        waived |= part.waived
    return ClauseCoverage(
        id=clause.id,
        title=clause.title,
        status=status,
        evidence=tuple(evidence),
        findings=tuple(sorted(findings)),
        overdue=tuple(i for i, late in evidence.items() if late),
        waived=tuple(sorted(waived - findings)),
        parent=clause.parent,
        leaf=clause.is_leaf,
        maps_to=clause.maps_to if mapped else (),
        reason=None if status == "covered" else reason,
        last_audited=last_audited,
    )


def compute_coverage(
    index: RepoIndex,
    findings: Iterable[Finding],
    catalogue: Catalogue,
    today: dt.date,
    config: Config,
) -> Coverage:
    """Clause coverage of `catalogue`'s edition from the repository and its check findings.

    `findings` are those of `check_repository` (waivers applied); only unwaived errors and
    warnings count. Review intervals come from `config` unless a record sets its own.
    """
    reference = (
        catalogue if catalogue.edition == REFERENCE_EDITION else load_catalogue(REFERENCE_EDITION)
    )
    computed = _reference_leaves(index, findings, reference, today, config)
    audits = internal_audit_dates(index, today)
    base = _assemble_reference(reference, computed, audits, config.evidence.max_leaf_clauses)
    if catalogue is reference:
        return base
    under = _Leaves(reference)
    leaf_parts = {
        clause.id: [computed[leaf] for target in clause.maps_to for leaf in under(target)]
        for clause in catalogue.leaves()
    }
    by_id = {c.id: c for c in base.clauses}
    done: dict[str, ClauseCoverage] = {}
    for clause in reversed(tuple(catalogue)):  # children come after their parents
        if clause.is_leaf:
            targets = [by_id[t] for t in clause.maps_to]
            status = roll_up(t.status for t in targets)
            reason = _mapped_reason(targets)
            dates = [t.last_audited for t in targets if t.last_audited is not None]
            parts = leaf_parts[clause.id]
            last = max(dates, default=None)
        else:
            children = [done[c] for c in clause.children]
            status, reason = roll_up(c.status for c in children), _parent_reason(children)
            parts = [p for leaf in catalogue.leaves_under(clause.id) for p in leaf_parts[leaf.id]]
            # As for its leaves, through the mapping: an audit whose scope holds a 2018
            # clause under it (2018 parents are named in scopes; 2011 ones never are).
            dates = [c.last_audited for c in children if c.last_audited is not None]
            last = max(dates, default=None)
        done[clause.id] = _merge(clause, parts, status, reason, last, mapped=True)
    return _scored(catalogue, [done[c.id] for c in catalogue], base)


def _mapped_reason(targets: list[ClauseCoverage]) -> str:
    """Why a clause of another edition is partial or missing: the 2018 clauses it maps onto
    that are not covered, each with its own reason, then those that are."""
    out = [
        f"2018 {t.id} {t.status} ({(t.reason or '').replace('; ', ', ')})"
        for t in targets
        if t.status != "covered"
    ]
    covered = [t.id for t in targets if t.status == "covered"]
    if covered:
        out.append(f"2018 {', '.join(covered)} covered")
    return "; ".join(out)


def _parent_reason(children: list[ClauseCoverage]) -> str:
    """Why a parent is partial or missing: which of its children are not covered."""
    statuses = [c.status for c in children]
    if all(s == "missing" for s in statuses):
        return "no approved record evidences any of its subclauses"
    out = [f"{statuses.count('covered')} of {len(children)} subclauses covered"]
    for status in ("partial", "missing"):
        ids = [c.id for c in children if c.status == status]
        if ids:
            out.append(f"{status}: {', '.join(ids)}")
    return "; ".join(out)


def _assemble_reference(
    catalogue: Catalogue,
    leaves: dict[str, _Leaf],
    audits: list[tuple[dt.date, tuple[str, ...]]],
    limit: int,
) -> Coverage:
    done: dict[str, ClauseCoverage] = {}
    for clause in reversed(tuple(catalogue)):  # children come after their parents
        last = _last_audited(clause.id, audits)
        if clause.is_leaf:
            part = leaves[clause.id]
            problems = part.problems(limit)
            status: Status
            if not part.evidence:
                status, reason = "missing", MISSING_REASON
            else:
                status = "partial" if problems else "covered"
                reason = "; ".join(problems)
            done[clause.id] = _merge(clause, [part], status, reason, last, mapped=False)
        else:
            children = [done[c] for c in clause.children]
            parts = [leaves[leaf.id] for leaf in catalogue.leaves_under(clause.id)]
            done[clause.id] = _merge(
                clause, parts, roll_up(c.status for c in children),
                _parent_reason(children), last, mapped=False,
            )
    return _scored(catalogue, [done[c.id] for c in catalogue], None)


def _scored(
    catalogue: Catalogue, clauses: list[ClauseCoverage], reference: Coverage | None
) -> Coverage:
    by_id = {c.id: c for c in clauses}
    groups = []
    for top in catalogue.top_level():
        counts = _count(by_id[leaf.id].status for leaf in catalogue.leaves_under(top.id))
        groups.append(
            GroupScore(
                id=top.id,
                title=top.title,
                status=by_id[top.id].status,
                score=score_of(counts["covered"], counts["partial"], sum(counts.values())),
                covered=counts["covered"],
                partial=counts["partial"],
                missing=counts["missing"],
            )
        )
    totals = _count(c.status for c in clauses if c.leaf)
    return Coverage(
        edition=catalogue.edition,
        standard=catalogue.standard,
        clauses=tuple(clauses),
        groups=tuple(groups),
        score=score_of(totals["covered"], totals["partial"], sum(totals.values())),
        covered=totals["covered"],
        partial=totals["partial"],
        missing=totals["missing"],
        reference=reference,
    )


def _count(statuses: Iterable[Status]) -> dict[Status, int]:
    counts: dict[Status, int] = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts


# --- the catalogue seen from the rules ----------------------------------------------------


def rules_by_clause(catalogue: Catalogue, rules: Mapping[str, Rule]) -> dict[str, tuple[str, ...]]:
    """Clause id → codes of the rules mapped to it, inverted from the rules' own clauses
    (the one source of that mapping).

    In the 2018 edition a rule is listed on the clause it names. In another edition it is
    listed on every leaf that maps onto a 2018 clause the rule names, or onto one above or
    below it.
    """
    out: dict[str, list[str]] = {c.id: [] for c in catalogue}
    if catalogue.edition == REFERENCE_EDITION:
        for code, entry in rules.items():
            for clause_id in entry.clauses:
                if clause_id in out and code not in out[clause_id]:
                    out[clause_id].append(code)
    else:
        for clause in catalogue.leaves():
            for code, entry in rules.items():
                if any(_related(t, r) for t in clause.maps_to for r in entry.clauses):
                    out[clause.id].append(code)
    return {k: tuple(v) for k, v in out.items()}


def _related(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")

