"""DOC001–DOC003, DOC005: documented information (ISO/IEC 20000-1:2018, 7.5.3 and 7.5.4).

DOC001 takes the list of mandatory documents from the clause catalogue of the 2018 edition
(`mandatory_document` / `mandatory_kind` per clause), whatever edition is configured: the
catalogue is the one place that list is kept. `mandatory_document_status` says which records
satisfy each document; DOC001 and the gap report's checklist both use it, so they cannot
disagree. A document is satisfied only by an approved record of the kind shown whose own
clause is the document's clause (by its kind, or a `metadata.clauses` entry equal to the
clause or one of its subclauses, never a parent: a binder naming `8` is no change policy)
and whose location exists where it is a repository path.

A missing document has no record to point at, so a DOC001 finding is placed on a file that
code scanning can attach it to (`document_anchor`: the configuration file, else the README,
line 1) with no record id, and its field path is `clauses.<clause id>`: the fingerprint
(rule + file + path + message) depends only on the clause and that file, so it stays the same
from run to run until the document appears.
Drafts that would satisfy the clause once approved are named in the hint and listed under
`related`.

DOC002 looks only at documents under planned review (`is_reviewed_document`): records of
past events (a Measurement, an Evidence of type record, report or minutes) are kept, not
reviewed.

DOC003 needs the repository root (`RuleContext.root`); without it (a rule run outside a
repository) it checks nothing. Retired Evidence is not checked: a withdrawn document may
well have been removed. DOC003 and DOC005 findings on approved Evidence carry the clauses
the Evidence names (DOC003 with 7.5.3), so coverage counts those clauses partial; a draft
evidences nothing, so its DOC003 carries 7.5.3 alone and DOC005 does not look at it.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath

from itsm_cli.clauses.standard import (
    REFERENCE_EDITION,
    Clause,
    clause_matches,
    load_catalogue,
)
from itsm_cli.dates import Duration
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.fields import Status
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.kinds.evidence import Evidence
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Record
from itsm_cli.rules.registry import RuleContext, rule

_IO = ("7.5.3",)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")

def is_reviewed_document(record: Record) -> bool:
    """Whether a record is a document whose review can fall due (DOC002, and the "only
    evidence overdue for review" of coverage): its kind's `REVIEWED`, by type for Evidence."""
    return record.is_reviewed_document()


def mandatory_documents() -> tuple[Clause, ...]:
    """Clauses of the 2018 edition that call for mandatory documented information."""
    return load_catalogue(REFERENCE_EDITION).mandatory_documents()


def _wanted(clause: Clause) -> str:
    """What satisfies the clause, in words: `approved Evidence naming clause 5.2`."""
    kind = clause.mandatory_kind or "record"
    if kind == Evidence.KIND:
        return f"approved Evidence names clause {clause.id} in metadata.clauses"
    if kind == "Supplier":
        return "approved external Supplier"
    return f"approved {kind}"


def own_clause(named: Iterable[str], clause: str) -> bool:
    """Whether clauses a record names make it a record *of* `clause`: the clause itself or
    one of its subclauses (a policy naming `5.2.1` is the policy of 5.2), never a parent (a
    manual naming `8` is not the change management policy of 8.5.1.1)."""
    return any(clause_matches(clause, c) for c in named)


@dataclass(frozen=True, slots=True)
class DocumentStatus:
    """One mandatory document and the records behind it."""

    clause: Clause
    records: tuple[LoadedRecord[Record], ...]
    """Approved records that satisfy it, in repository order."""
    drafts: tuple[LoadedRecord[Record], ...]
    """Records that would satisfy it once approved (neither approved nor retired)."""
    unavailable: tuple[LoadedRecord[Record], ...]
    """Approved records that would satisfy it but for a location missing from the repo."""
    above: tuple[LoadedRecord[Record], ...] = ()
    """Approved records of the kind that name only a clause above it (they do not count)."""

    @property
    def satisfied(self) -> bool:
        return bool(self.records)


def _location_missing(record: LoadedRecord[Record], root: Path | None) -> bool:
    model = record.model
    if root is None or not isinstance(model, Evidence):
        return False
    return location_problem(model.spec.location, root) is not None


def mandatory_document_status(
    index: RepoIndex, root: Path | None, today: dt.date
) -> list[DocumentStatus]:
    """Every mandatory document of the 2018 edition with the records that satisfy it: of the
    kind the catalogue names, whose own clause (`own_clause`, by kind or `metadata.clauses`)
    is the document's clause, and whose location exists when it is a repository path (not
    checked without `root`), approved on or before `today` (DOC004: an approval dated after
    today is none yet)."""
    documents = mandatory_documents()
    found: dict[str, _Found] = {clause.id: _Found() for clause in documents}
    # One pass over the records of each kind for all its documents (eight are Evidence).
    for kind in dict.fromkeys(clause.mandatory_kind or "" for clause in documents):
        clauses = tuple(c.id for c in documents if (c.mandatory_kind or "") == kind)
        # by the clauses a record evidences: thousands of records name a few dozen sets
        verdicts: dict[tuple[str, ...], _Verdict] = {}
        for record in index.by_kind.get(kind, []):
            model = record.model
            if model.metadata.status is Status.RETIRED:
                continue
            named = model.evidenced_clauses
            verdict = verdicts.get(named)
            if verdict is None:
                verdict = verdicts[named] = _Verdict.of(named, clauses)
            approved = model.approved_on(today)
            if approved:
                for clause_id in verdict.above:
                    found[clause_id].above.append(record)
            if not verdict.own:
                continue
            if _location_missing(record, root):
                if approved:
                    for clause_id in verdict.own:
                        found[clause_id].unavailable.append(record)
                continue
            for clause_id in verdict.own:
                document = found[clause_id]
                (document.records if approved else document.drafts).append(record)
    return [found[clause.id].status(clause) for clause in documents]


@dataclass(frozen=True, slots=True)
class _Verdict:
    """Which of some mandatory documents a record naming `named` would be (`own`), and of
    which it names only a clause above (`above`), in the order of `clauses`."""

    own: tuple[str, ...]
    above: tuple[str, ...]

    @classmethod
    def of(cls, named: tuple[str, ...], clauses: tuple[str, ...]) -> _Verdict:
        own = tuple(c for c in clauses if own_clause(named, c))
        above = tuple(
            c for c in clauses if c not in own and any(clause_matches(n, c) for n in named)
        )
        return cls(own, above)


@dataclass(slots=True)
class _Found:
    """The records met so far for one mandatory document (`DocumentStatus`)."""

    records: list[LoadedRecord[Record]] = field(default_factory=list)
    drafts: list[LoadedRecord[Record]] = field(default_factory=list)
    unavailable: list[LoadedRecord[Record]] = field(default_factory=list)
    above: list[LoadedRecord[Record]] = field(default_factory=list)

    def status(self, clause: Clause) -> DocumentStatus:
        return DocumentStatus(
            clause,
            tuple(self.records),
            tuple(self.drafts),
            tuple(self.unavailable),
            tuple(self.above),
        )


def records_root(ctx: RuleContext) -> str:
    """The records root as configured, relative to the repository root (`records`)."""
    configured = ctx.config.records
    if ctx.root is not None and Path(configured).is_absolute():
        configured = os.path.relpath(configured, ctx.root)
    return PurePosixPath(os.path.normpath(configured).replace("\\", "/")).as_posix()


README_NAMES = ("README.md", "README.rst", "README.txt", "README")


def document_anchor(ctx: RuleContext) -> str:
    """The file, relative to the repository root, that DOC001 findings are placed on (line
    1), so SARIF, GitHub and GitLab can attach them to a file: the configuration file read
    (itsm.toml, or pyproject.toml with `[tool.itsm]`), else the repository's README, else the
    records root's README, else `README.md` at the repository root even though it does not
    exist (the file where a repository describes itself)."""
    if ctx.root is None:
        return ctx.config_file.name if ctx.config_file is not None else README_NAMES[0]
    root = ctx.root.resolve()
    if ctx.config_file is not None:
        return Path(os.path.relpath(ctx.config_file.resolve(), root)).as_posix()
    for folder in (root, root / records_root(ctx)):
        for name in README_NAMES:
            if (folder / name).is_file():
                return Path(os.path.relpath(folder / name, root)).as_posix()
    return README_NAMES[0]


def repository_finding(ctx: RuleContext, message: str) -> Finding:
    """A finding about the repository as a whole (no record to place it on: it is the
    record it lacks), on line 1 of the file DOC001 findings are placed on."""
    return Finding(
        rule=ctx.rule.code,
        severity=ctx.rule.severity,
        message=message,
        file=document_anchor(ctx),
        line=1,
        column=1,
        record=None,
        clauses=ctx.rule.clauses,
        hint=ctx.rule.hint,
    )


@rule(
    "DOC001", Severity.ERROR,
    tuple(c.id for c in mandatory_documents()),
    summary="A mandatory document has no approved record.",
    hint="Add the document as an approved record of the kind shown (for an Evidence record, "
    "name the clause in `metadata.clauses`), or approve the draft that holds it.",
    failing="""
        kind: Evidence
        metadata:
          id: EV-CHANGE-POLICY
          status: draft            # the only change management policy (8.5.1.1)
          clauses: ["8.5.1.1"]
    """,
    passing="""
        kind: Evidence
        metadata:
          id: EV-CHANGE-POLICY
          status: approved
          approved: {by: Service Management Board, date: 2026-11-20}
          clauses: ["8.5.1.1"]
    """,
)
def find_missing_mandatory_documents(ctx: RuleContext) -> Iterator[Finding]:
    """ISO/IEC 20000-1 names the documented information every SMS must hold (7.5.4 and the
    clauses it points to): the scope, the policy and objectives, the plan, the catalogue,
    the agreements and contracts, the continuity plan and the key policies. An auditor
    asks for each by name, and a missing one is a nonconformity on its own. A document
    counts when an approved record of the kind the clause catalogue names evidences the
    clause as its own: by its kind (a Service for 8.2.4, an external Supplier for 8.3.4.1),
    or for Evidence by naming in `metadata.clauses` the clause or one of its subclauses (a
    policy naming `5.2.1` is the policy of 5.2) — never a parent: a manual naming `8` is not
    the change management policy an auditor asks for. An Evidence whose location is a path
    missing from the repository (DOC003) satisfies nothing: the document cannot be shown."""
    anchor = document_anchor(ctx)
    for document in mandatory_document_status(ctx.index, ctx.root, ctx.today):
        if document.satisfied:
            continue
        clause, waiting = document.clause, document.drafts
        hint = ctx.rule.hint
        pending = [(r.id, d) for r in waiting if (d := r.model.approved_after(ctx.today))]
        if pending:  # approved after today: not approved yet (DOC004)
            names = ", ".join(f"{i} is approved only from {d}" for i, d in pending)
            hint = (
                f"{names}, after today: it counts from that day; correct `approved.date` "
                "if it was approved already."
            )
        elif waiting:
            names = ", ".join(r.id for r in waiting)
            verb = "is a draft" if len(waiting) == 1 else "are drafts"
            hint = (
                f"{names} would count but {verb}: approve it (`status: approved` with "
                "`approved: {by, date}`) once it is agreed."
            )
        elif document.unavailable:
            names = ", ".join(r.id for r in document.unavailable)
            hint = (
                f"{names} would count but its location does not exist in the repository "
                "(DOC003): correct the path, add the file, or give the document's URL."
            )
        elif document.above:
            names = ", ".join(r.id for r in document.above)
            hint = (
                f"{names} names only a clause above {clause.id}, which does not make it this "
                f"document: name {clause.id} in the record that is the document."
            )
        # The message says why a record that names the clause does not count, so it never
        # reads as "none names it" when one does.
        but = ""
        if pending:
            but = "; ".join(f"{i} does, but is approved only from {d}" for i, d in pending)
        elif document.unavailable:
            names = ", ".join(r.id for r in document.unavailable)
            if len(document.unavailable) == 1:
                but = f"{names} does, but its location does not exist in the repository"
            else:
                but = f"{names} do, but their locations do not exist in the repository"
        yield Finding(
            rule=ctx.rule.code,
            severity=ctx.rule.severity,
            message=(
                f"mandatory document '{clause.mandatory_document}' ({clause.id}): "
                f"no {_wanted(clause)}" + (f": {but}" if but else "")
            ),
            file=anchor,
            line=1,
            column=1,
            record=None,
            path=("clauses", clause.id),
            clauses=(clause.id,),
            hint=hint,
            related=tuple(
                f"{r.file}:{r.position(('metadata', 'id'))[0]}"
                for r in (*waiting, *document.unavailable)
            ),
        )


@rule(
    "DOC002", Severity.WARNING, _IO,
    summary="An approved document's review is overdue (records of past events are not "
    "reviewed).",
    hint="Review the record, then set `metadata.lastReviewed` to the review date "
    "(and `reviewInterval` if the record needs another rhythm than the default).",
    failing="""
        kind: Evidence
        metadata:
          status: approved
          lastReviewed: 2025-09-30   # + P12M = 2026-09-30, before today
    """,
    passing="""
        kind: Evidence
        metadata:
          status: approved
          lastReviewed: 2026-10-15
    """,
)
def find_overdue_reviews(ctx: RuleContext) -> Iterator[Finding]:
    """Documented information must be reviewed and kept suitable (7.5.3): a policy or
    agreement nobody has looked at for longer than its review interval may no longer
    describe what is done. The interval is the record's own `reviewInterval`, else the
    configured default for its kind (P12M unless set); the review falls due that long after
    `lastReviewed`, by the calendar, and is overdue from the day after. An approved record
    with no `lastReviewed` has never been reviewed and is overdue too. Only documents are
    checked: Service, SLA, OLA, Supplier, CapacityPlan, ContinuityPlan, Customer, Risk,
    Budget, and Evidence of type policy, plan, procedure or other. Records of past events
    (a Measurement, a Waiver, an Evidence of type record, report or minutes) are kept as
    they were, not reviewed. A `lastReviewed` after today is no review (DOC004): the
    record is overdue as if it had none. A record approved after today is not approved yet
    and not checked."""
    defaults: dict[str, Duration] = {}
    dues: dict[tuple[str, dt.date], dt.date] = {}  # calendar arithmetic is the slow part
    for record in ctx.index.records:
        model = record.model
        if not model.approved_on(ctx.today) or not is_reviewed_document(model):
            continue
        kind = record.kind
        if kind not in defaults:
            defaults[kind] = ctx.review_interval(kind)
        meta = model.metadata
        interval = meta.review_interval or defaults[kind]
        if meta.review_interval:
            source = "reviewInterval"
        elif kind in ctx.config.review_intervals:
            source = f"configured for {kind}"
        else:
            source = f"default for {kind}"
        last = model.last_reviewed_on(ctx.today)
        if last is None and meta.last_reviewed is not None:  # a review yet to happen (DOC004)
            yield ctx.finding(
                record,
                f"lastReviewed {meta.last_reviewed.isoformat()} is after today "
                f"({ctx.today.isoformat()}) and does not count: {record.id} is approved but "
                f"has no review on or before today (interval {interval}, {source})",
                ("metadata", "lastReviewed"),
            )
            continue
        if last is None:
            yield ctx.finding(
                record,
                f"{record.id} is approved but has never been reviewed (no lastReviewed; "
                f"interval {interval}, {source})",
                ("metadata", "lastReviewed"),
            )
            continue
        key = (interval.text, last)
        due = dues.get(key)
        if due is None:
            due = dues[key] = interval.after(last)
        if due < ctx.today:
            yield ctx.finding(
                record,
                f"last reviewed {last.isoformat()} + {interval} ({source}) "
                f"= {due.isoformat()}: the review is overdue",
                ("metadata", "lastReviewed"),
            )


def location_problem(location: str, root: Path) -> str | None:
    """Why an Evidence location is not a usable path in the repository, or None when it
    is a URL or an existing path inside the repository. Nothing outside the repository is
    looked at."""
    text = location.strip()
    if _URL.match(text):
        return None
    posix = text.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(text):
        return (
            f"location '{location}' is an absolute path; give a path relative to the "
            "repository root, or a URL"
        )
    if "\x00" in text:
        return f"location '{location}' is not a path: it holds a NUL character"
    normal = os.path.normpath(posix)
    if normal == ".." or normal.startswith("../"):
        return f"location '{location}' leads outside the repository; refused, not followed"
    base = root.resolve()
    target = base / normal
    try:
        target.resolve().relative_to(base)
        found = target.exists()
    except ValueError:
        return (
            f"location '{location}' is a link that leads outside the repository; "
            "refused, not followed"
        )
    except (OSError, RuntimeError) as exc:  # a link loop, a name too long for the system
        reason = f" ({exc.strerror.lower()})" if isinstance(exc, OSError) and exc.strerror else ""
        return f"location '{location}' cannot be resolved in the repository{reason}"
    if not found:
        return f"location '{location}' does not exist in the repository"
    return None


@rule(
    "DOC003", Severity.WARNING, _IO,
    clauses_of_record="the clauses the Evidence names",
    summary="An Evidence location is a path that does not exist in the repo.",
    hint="Correct the path (relative to the repository root), add the file, or give the "
    "document's URL with its scheme (https://…).",
    failing="""
        kind: Evidence
        spec:
          location: docs/policies/change-policy.pdf   # no such file in the repository
    """,
    passing="""
        kind: Evidence
        spec:
          location: https://intranet.example/sms/change-management-policy
    """,
)
def find_missing_evidence_files(ctx: RuleContext) -> Iterator[Finding]:
    """Evidence is only evidence if the auditor can open it (7.5.3: documented information
    is available where and when it is needed). A location without a scheme (`https://`) is
    a path relative to the repository root and must exist there; a path that leads
    outside the repository (`..`, an absolute path, a link) is refused and never followed,
    as the loader refuses such paths (E006). URLs are not fetched."""
    if ctx.root is None:
        return
    for record in ctx.index.of_kind(Evidence):
        model = record.model
        if model.metadata.status is Status.RETIRED:
            continue
        problem = location_problem(model.spec.location, ctx.root)
        if problem is not None:
            named = tuple(c for c in model.metadata.clauses if c not in _IO)
            clauses = (*_IO, *named) if model.approved_on(ctx.today) else _IO
            yield ctx.finding(record, problem, ("spec", "location"), clauses=clauses)


@cache
def _leaves_of(clause_id: str) -> frozenset[str]:
    catalogue = load_catalogue(REFERENCE_EDITION)
    if clause_id not in catalogue:  # an unknown clause is E002's; it expands to nothing
        return frozenset()
    return frozenset(leaf.id for leaf in catalogue.leaves_under(clause_id))


def leaf_clauses(named: Iterable[str]) -> frozenset[str]:
    """The 2018 leaves that clauses expand to (a parent stands for each leaf below it)."""
    return frozenset().union(*(_leaves_of(c) for c in named))


@rule(
    "DOC005", Severity.WARNING, (),
    clauses_of_record="the clauses the Evidence names",
    summary="An Evidence record's clauses expand to more than evidence.maxLeafClauses "
    "(default 8) leaf clauses (the finding is on the clauses it names).",
    hint="Split the binder into one Evidence record per document, each naming the clauses "
    "that document shows; for a manual that truly covers them, raise "
    "`evidence.maxLeafClauses` in itsm.toml.",
    failing="""
        kind: Evidence
        metadata:
          status: approved
          clauses: ["4", "5", "6"]   # 4 + 4 + 4 = 12 leaf clauses, more than 8
    """,
    passing="""
        kind: Evidence
        metadata:
          status: approved
          clauses: ["5.2", "6.2"]    # 2 + 2 = 4 leaf clauses
    """,
)
def find_binder_evidence(ctx: RuleContext) -> Iterator[Finding]:
    """An auditor samples evidence clause by clause: one document named as the evidence of
    a dozen clauses (an "SMS binder") is rarely evidence of each, and it would make every
    one of them look covered. Naming a parent clause counts each leaf below it. The finding
    is mapped to the clauses the Evidence names, so they are partial in `itsm gap` until the
    binder is split or the limit (`evidence.maxLeafClauses`, default 8) is raised. Only
    approved Evidence is looked at: a draft evidences nothing yet."""
    limit = ctx.config.evidence.max_leaf_clauses
    for record in ctx.index.of_kind(Evidence):
        model = record.model
        if not model.approved_on(ctx.today):
            continue
        leaves = leaf_clauses(model.metadata.clauses)
        if len(leaves) <= limit:
            continue
        named = model.metadata.clauses
        yield ctx.finding(
            record,
            f"{record.id} names {len(named)} clause{'s' if len(named) != 1 else ''} "
            f"({', '.join(named)}) that expand to {len(leaves)} leaf clauses, more than "
            f"evidence.maxLeafClauses = {limit}: one document is rarely evidence of each",
            ("metadata", "clauses"),
            clauses=tuple(named),
        )
