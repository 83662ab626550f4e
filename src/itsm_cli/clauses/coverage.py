"""Clause coverage: which clauses of ISO/IEC 20000-1 the records evidence, and how well.

Per leaf clause of the 2018 edition (DESIGN §4):

- **missing** when no approved record evidences it. A record evidences the clauses of its
  kind and those in its `metadata.clauses` (`Record.evidenced_clauses`); naming a parent
  clause (`5.2`) evidences every clause below it (`5.2.1`, `5.2.2`). Draft and retired
  records evidence nothing.
- **partial** when it is evidenced, but an unwaived error or warning mapped to it remains
  (a finding's `clauses`; a finding mapped to a parent affects every leaf below it), or
  every record evidencing it is overdue for review.
- **covered** otherwise.

A parent clause takes the worst status of its children. Another edition (2011) is derived
from the 2018 result: each of its leaves takes the worst status of the 2018 clauses it maps
onto (a 2018 parent standing for all its leaves). Score = (covered + ½ partial) / leaves × 100.

This is core code: it takes the findings of `check_repository` as input and never prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Literal

from itsm_cli.clauses.catalogue import REFERENCE_EDITION, Catalogue, Clause, load_catalogue
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

_RANK: dict[Status, int] = {"missing": 0, "partial": 1, "covered": 2}
_BLOCKING = (Severity.ERROR, Severity.WARNING)


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of the statuses (`missing` < `partial` < `covered`); `missing` if none."""
    return min(statuses, key=_RANK.__getitem__, default="missing")


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


@dataclass(slots=True)
class _Leaf:
    """What is known about one 2018 leaf while computing."""

    evidence: dict[str, bool]
    """Record id → overdue for review (dict for repository order without duplicates)."""
    findings: set[str]
    waived: set[str]

    @property
    def status(self) -> Status:
        if not self.evidence:
            return "missing"
        if self.findings or all(self.evidence.values()):
            return "partial"
        return "covered"


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


def _reference_leaves(
    index: RepoIndex,
    findings: Iterable[Finding],
    reference: Catalogue,
    today: dt.date,
    config: Config,
) -> dict[str, _Leaf]:
    leaves = {c.id: _Leaf({}, set(), set()) for c in reference.leaves()}
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
        if kind not in intervals:
            intervals[kind] = config.review_interval(kind)
        due = model.review_due(intervals[kind], today)
        overdue = due is None or due < today
        for clause_id in claimed:
            for leaf in under(clause_id):
                leaves[leaf].evidence[record.id] = overdue
    for finding in findings:
        if finding.severity not in _BLOCKING:
            continue
        for clause_id in finding.clauses:
            for leaf in under(clause_id):
                target = leaves[leaf].waived if finding.waived else leaves[leaf].findings
                target.add(finding.rule)
    return leaves


def _merge(clause: Clause, parts: list[_Leaf], mapped: bool) -> ClauseCoverage:
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
        status=worst(p.status for p in parts),
        evidence=tuple(evidence),
        findings=tuple(sorted(findings)),
        overdue=tuple(i for i, late in evidence.items() if late),
        waived=tuple(sorted(waived - findings)),
        parent=clause.parent,
        leaf=clause.is_leaf,
        maps_to=clause.maps_to if mapped else (),
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
    if catalogue.edition == REFERENCE_EDITION:
        computed = _reference_leaves(index, findings, catalogue, today, config)
        return _assemble(catalogue, {leaf: [part] for leaf, part in computed.items()}, None)
    reference = load_catalogue(REFERENCE_EDITION)
    computed = _reference_leaves(index, findings, reference, today, config)
    under = _Leaves(reference)
    leaf_parts = {
        clause.id: [computed[leaf] for target in clause.maps_to for leaf in under(target)]
        for clause in catalogue.leaves()
    }
    base = _assemble(reference, {leaf: [part] for leaf, part in computed.items()}, None)
    return _assemble(catalogue, leaf_parts, base)


def _assemble(
    catalogue: Catalogue, leaf_parts: dict[str, list[_Leaf]], reference: Coverage | None
) -> Coverage:
    clauses: list[ClauseCoverage] = []
    for clause in catalogue:
        if clause.is_leaf:
            parts = leaf_parts[clause.id]
        else:
            parts = [p for leaf in catalogue.leaves_under(clause.id) for p in leaf_parts[leaf.id]]
        clauses.append(_merge(clause, parts, mapped=reference is not None))

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

