"""DOC001–DOC003: documented information (ISO/IEC 20000-1:2018, 7.5.3 and 7.5.4).

DOC001 takes the list of mandatory documents from the clause catalogue of the 2018 edition
(`mandatory_document` / `mandatory_kind` per clause), whatever edition is configured: the
catalogue is the one place that list is kept.

A missing document has no record to point at, so a DOC001 finding is placed on the records
root (`file` is the records root as configured, e.g. `records`, line 1) with no record id,
and its field path is `clauses.<clause id>`: the fingerprint (rule + file + path + message)
depends only on the clause, so it stays the same from run to run until the document appears.
Drafts that would satisfy the clause once approved are named in the hint and listed under
`related`.

DOC003 needs the repository root (`RuleContext.root`); without it (a rule run outside a
repository) it checks nothing. Retired Evidence is not checked: a withdrawn document may
well have been removed.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from itsm_cli.clauses.catalogue import (
    REFERENCE_EDITION,
    Clause,
    clause_matches,
    load_catalogue,
)
from itsm_cli.dates import Duration
from itsm_cli.findings import Finding, Severity
from itsm_cli.records.fields import Status
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Evidence, Record
from itsm_cli.rules.registry import RuleContext, rule

_IO = ("7.5.3",)
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


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


def evidences(claimed: Iterable[str], clause: str) -> bool:
    """Whether clauses named by a record evidence a mandatory `clause`: the clause itself,
    a parent of it, or one of its subclauses."""
    return any(clause_matches(c, clause) or clause_matches(clause, c) for c in claimed)


def records_root(ctx: RuleContext) -> str:
    """The records root as configured, relative to the repository root (`records`)."""
    configured = ctx.config.records
    if ctx.root is not None and Path(configured).is_absolute():
        configured = os.path.relpath(configured, ctx.root)
    return PurePosixPath(os.path.normpath(configured).replace("\\", "/")).as_posix()


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
    clause: by its kind (a Service for 8.2.4, an external Supplier for 8.3.4.1), or for
    Evidence by naming in `metadata.clauses` the clause, a parent of it (`8.7.3` for
    8.7.3.1) or one of its subclauses (a policy naming `5.2.1` is the policy of 5.2)."""
    clauses = mandatory_documents()
    kinds = {c.mandatory_kind for c in clauses if c.mandatory_kind}
    approved: dict[str, set[str]] = {kind: set() for kind in kinds}
    drafts: dict[str, list[LoadedRecord[Record]]] = {kind: [] for kind in kinds}
    for kind in kinds:
        for record in ctx.index.by_kind.get(kind, []):
            if record.model.approved_on(ctx.today):
                approved[kind].update(record.model.evidenced_clauses)
            elif record.model.metadata.status is not Status.RETIRED:
                drafts[kind].append(record)
    root = records_root(ctx)
    for clause in clauses:
        kind = clause.mandatory_kind or ""
        if evidences(approved.get(kind, ()), clause.id):
            continue
        waiting = [
            r for r in drafts.get(kind, []) if evidences(r.model.evidenced_clauses, clause.id)
        ]
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
        yield Finding(
            rule=ctx.rule.code,
            severity=ctx.rule.severity,
            message=(
                f"mandatory document '{clause.mandatory_document}' ({clause.id}): "
                f"no {_wanted(clause)}"
            ),
            file=root,
            line=1,
            column=1,
            record=None,
            path=("clauses", clause.id),
            clauses=(clause.id,),
            hint=hint,
            related=tuple(f"{r.file}:{r.position(('metadata', 'id'))[0]}" for r in waiting),
        )


@rule(
    "DOC002", Severity.WARNING, _IO,
    summary="An approved record's review is overdue.",
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
    with no `lastReviewed` has never been reviewed and is overdue too, and so is one whose
    `lastReviewed` is after today: a review that has not happened yet (DOC004) is no
    review, and there is no earlier one to fall back on. A record approved after today is
    not approved yet and not checked. Every kind is
    checked; set a longer default in the configuration for kinds that need no rhythm."""
    defaults: dict[str, Duration] = {}
    dues: dict[tuple[str, dt.date], dt.date] = {}  # calendar arithmetic is the slow part
    for record in ctx.index.records:
        model = record.model
        if not model.approved_on(ctx.today):
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
        if record.model.metadata.status is Status.RETIRED:
            continue
        problem = location_problem(record.model.spec.location, ctx.root)
        if problem is not None:
            yield ctx.finding(record, problem, ("spec", "location"))
