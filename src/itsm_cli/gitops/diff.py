"""`itsm diff`: what a change does to the records and to compliance.

Base is always a commit read from Git objects; head is a commit or the working tree. Files
whose content is the same in both are parsed once. Findings are matched by fingerprint (rule,
record, field path), never by line, so moving a record is not a new finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from itsm_cli.config import Config, Workspace
from itsm_cli.findings import Finding, Severity
from itsm_cli.gitops.changes import FieldChange, diff_values
from itsm_cli.gitops.git import GitRepo
from itsm_cli.gitops.snapshot import ParseCache, Snapshot, load_commit, load_working_tree
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Record

ChangeStatus = Literal["added", "removed", "renamed", "changed"]
STATUS_RANK = {"missing": 0, "partial": 1, "covered": 2}


@dataclass(frozen=True, slots=True)
class RecordChange:
    id: str
    kind: str
    status: ChangeStatus
    file: str
    """Where the record is now (where it was, for a removed record)."""
    line: int
    old_file: str | None = None
    """Where it was before a rename."""
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ClauseMove:
    id: str
    title: str
    before: str
    after: str

    @property
    def worse(self) -> bool:
        return STATUS_RANK[self.after] < STATUS_RANK[self.before]


@dataclass(frozen=True, slots=True)
class DiffResult:
    base: str
    head: str
    base_exists: bool
    records: list[RecordChange]
    introduced: list[Finding]
    resolved: list[Finding]
    score_before: float
    score_after: float
    clauses: list[ClauseMove]
    head_findings: list[Finding] = field(default_factory=list)
    parsed_files: int = 0

    @property
    def lost_coverage(self) -> list[ClauseMove]:
        """Clauses that were covered and no longer are."""
        return [c for c in self.clauses if c.before == "covered" and c.after != "covered"]

    def failing(self, fail_on: str) -> list[Finding]:
        """Introduced, unwaived findings at or above `fail_on`."""
        if fail_on == "never":
            return []
        threshold = Severity(fail_on).rank
        return [f for f in self.introduced if not f.waived and f.severity.rank >= threshold]


def _records_by_id(snapshot: Snapshot) -> dict[str, LoadedRecord[Record]]:
    return dict(snapshot.repository.index.by_id)


def _record_changes(before: Snapshot, after: Snapshot) -> list[RecordChange]:
    old, new = _records_by_id(before), _records_by_id(after)
    changes: list[RecordChange] = []
    for record_id, record in new.items():
        previous = old.get(record_id)
        if previous is None:
            changes.append(RecordChange(record_id, record.kind, "added", record.file, record.line))
            continue
        fields = tuple(diff_values(_data(previous), _data(record)))
        if previous.file != record.file:
            changes.append(
                RecordChange(
                    record_id,
                    record.kind,
                    "renamed",
                    record.file,
                    record.line,
                    previous.file,
                    fields,
                )
            )
        elif fields:
            changes.append(
                RecordChange(
                    record_id, record.kind, "changed", record.file, record.line, None, fields
                )
            )
    for record_id, previous in old.items():
        if record_id not in new:
            changes.append(
                RecordChange(record_id, previous.kind, "removed", previous.file, previous.line)
            )
    order = {"removed": 0, "added": 1, "renamed": 2, "changed": 3}
    changes.sort(key=lambda c: (order[c.status], c.file, c.id))
    return changes


def _data(record: LoadedRecord[Record]) -> Any:
    return record.document.data


def _matched(findings: list[Finding], others: list[Finding]) -> list[Finding]:
    """Findings whose fingerprint is not among `others`."""
    seen = {f.fingerprint for f in others}
    return [f for f in findings if f.fingerprint not in seen]


def diff_repository(
    workspace: Workspace,
    base_ref: str,
    head_ref: str | None,
    today: dt.date,
    config: Config,
    edition: str | None = None,
    debug: bool = False,
) -> DiffResult:
    """Compare the records at `base_ref` with `head_ref` (default: the working tree).
    `debug`: a crashing rule raises instead of becoming a finding."""
    from itsm_cli.clauses.catalogue import load_catalogue
    from itsm_cli.clauses.coverage import compute_coverage
    from itsm_cli.rules.engine import check_repository

    repo = GitRepo(workspace.root)
    base_sha = repo.resolve(base_ref)
    cache = ParseCache()
    if head_ref is None:
        after = load_working_tree(workspace, cache)
    else:
        after = load_commit(repo, workspace, repo.resolve(head_ref), cache, head_ref)
    before = load_commit(repo, workspace, base_sha, cache, base_ref)

    checked_before = check_repository(before.repository, today, config, debug)
    checked_after = check_repository(after.repository, today, config, debug)
    catalogue = load_catalogue(edition or config.edition)
    coverage_before = compute_coverage(
        before.repository.index, checked_before.findings, catalogue, today, config
    )
    coverage_after = compute_coverage(
        after.repository.index, checked_after.findings, catalogue, today, config
    )
    status_before = {c.id: c.status for c in coverage_before.clauses}
    moves = [
        ClauseMove(c.id, c.title, status_before.get(c.id, "missing"), c.status)
        for c in coverage_after.clauses
        if status_before.get(c.id, "missing") != c.status
    ]
    return DiffResult(
        base=before.label,
        head=after.label,
        base_exists=before.exists,
        records=_record_changes(before, after),
        introduced=_matched(checked_after.findings, checked_before.findings),
        resolved=_matched(checked_before.findings, checked_after.findings),
        score_before=coverage_before.score,
        score_after=coverage_after.score,
        clauses=moves,
        head_findings=checked_after.findings,
        parsed_files=cache.parsed,
    )
