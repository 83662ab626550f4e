"""`itsm diff`: what a change does to the records and to compliance.

Base is always a commit read from Git objects; head is a commit or the working tree. Files
whose content is the same in both are parsed once. Findings are matched by fingerprint (rule,
record, field path), never by line, so moving a record is not a new finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from itsm_cli.config import Config
from itsm_cli.findings import Finding, Severity
from itsm_cli.gitops.changes import FieldChange, diff_values
from itsm_cli.gitops.git import GitRepo
from itsm_cli.gitops.snapshot import (
    ParseCache,
    Snapshot,
    load_commit,
    load_working_tree,
    workspace_at,
)
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import Record
from itsm_cli.records.workspace import Workspace

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
    invalid_base: tuple[str, ...] = ()
    """The E00x codes that made the record invalid at the base (empty: valid, or absent)."""
    invalid_head: tuple[str, ...] = ()
    """Likewise at the head."""

    @property
    def invalid_at(self) -> str | None:
        """`base`, `head`, `base and head`, or None when valid wherever it exists."""
        sides = [n for n, c in (("base", self.invalid_base), ("head", self.invalid_head)) if c]
        return " and ".join(sides) or None

    @property
    def status_text(self) -> str:
        """`changed (invalid at base: E002)`; the bare status for a valid record."""
        if self.invalid_at is None:
            return self.status
        codes = sorted({*self.invalid_base, *self.invalid_head})
        return f"{self.status} (invalid at {self.invalid_at}: {', '.join(codes)})"


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


@dataclass(frozen=True, slots=True)
class _Side:
    """One record as one side of the diff has it, valid or not."""

    kind: str
    file: str
    line: int
    data: Any
    errors: tuple[str, ...]
    """E00x codes that make it invalid on this side (empty when it is valid)."""


def _sides(snapshot: Snapshot, files: dict[str, str] | None = None) -> dict[str, _Side]:
    """Each record of the snapshot by id. An id written twice (E003) is the record the index
    holds (the first in file order), but with `files` (where the other side has each id)
    the one in the same file as on the other side: a copy added elsewhere is then E003
    introduced, not the record renamed and changed."""
    index = snapshot.repository.index
    sides = {
        record_id: _Side(record.kind, record.file, record.line, _data(record), ())
        for record_id, record in index.by_id.items()
    }
    if files:
        for record in index.records:
            first = index.by_id.get(record.id)
            if (
                first is not None
                and first is not record
                and files.get(record.id) == record.file != first.file
            ):
                sides[record.id] = _Side(
                    record.kind, record.file, record.line, _data(record), ()
                )
    for record_id, (broken, errors) in snapshot.repository.invalid_records().items():
        sides[record_id] = _Side(broken.kind, broken.file, broken.line, broken.data, errors)
    return sides


def _record_changes(before: Snapshot, after: Snapshot) -> list[RecordChange]:
    old = _sides(before)
    new = _sides(after, {record_id: side.file for record_id, side in old.items()})
    changes: list[RecordChange] = []
    for record_id, record in new.items():
        previous = old.get(record_id)
        if previous is None:
            changes.append(
                RecordChange(
                    record_id, record.kind, "added", record.file, record.line,
                    invalid_head=record.errors,
                )
            )
            continue
        # A side whose file did not parse has no data to compare, nor a kind of its own.
        unknown = previous.data is None or record.data is None
        fields = () if unknown else tuple(diff_values(previous.data, record.data))
        if not record.kind:
            record = replace(record, kind=previous.kind)
        invalid = {"invalid_base": previous.errors, "invalid_head": record.errors}
        if previous.file != record.file:
            changes.append(
                RecordChange(
                    record_id, record.kind, "renamed", record.file, record.line, previous.file,
                    fields, **invalid,
                )
            )
        elif fields or previous.errors != record.errors:
            changes.append(
                RecordChange(
                    record_id, record.kind, "changed", record.file, record.line, None, fields,
                    **invalid,
                )
            )
    for record_id, previous in old.items():
        if record_id not in new:
            changes.append(
                RecordChange(
                    record_id, previous.kind, "removed", previous.file, previous.line,
                    invalid_base=previous.errors,
                )
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
    parallel: bool = False,
    config_per_commit: bool = True,
) -> DiffResult:
    """Compare the records at `base_ref` with `head_ref` (default: the working tree).
    `debug`: a crashing rule raises instead of becoming a finding. `parallel`: parse many
    files in two processes. `config_per_commit`: read each commit with the configuration
    file it held (its records root, its rule settings), so that a change to the records
    root, a rule's severity or its selection shows as what it does to the findings; off,
    `config` (and the workspace's records root) holds for both sides (a `--config FILE`
    the user chose)."""
    from itsm_cli.clauses.standard import load_catalogue
    from itsm_cli.rules.coverage import compute_coverage
    from itsm_cli.rules.engine import check_repository

    repo = GitRepo(workspace.root)
    base_sha = repo.resolve(base_ref)
    head_sha = None if head_ref is None else repo.resolve(head_ref)
    cache = ParseCache(parallel=parallel)
    base_side = head_side = workspace
    base_config = head_config = config
    if config_per_commit:
        base_side = workspace_at(repo, workspace, base_sha, base_ref)
        base_config = base_side.config
        if head_sha is not None and head_ref is not None:
            head_side = workspace_at(repo, workspace, head_sha, head_ref)
            head_config = head_side.config
    if head_sha is None:
        after = load_working_tree(head_side, cache)
    else:
        after = load_commit(repo, head_side, head_sha, cache, head_ref or "")
    before = load_commit(repo, base_side, base_sha, cache, base_ref)

    checked_before = check_repository(before.repository, today, base_config, debug)
    checked_after = check_repository(after.repository, today, head_config, debug)
    catalogue = load_catalogue(edition or config.edition)
    coverage_before = compute_coverage(
        before.repository.index, checked_before.findings, catalogue, today, base_config
    )
    coverage_after = compute_coverage(
        after.repository.index, checked_after.findings, catalogue, today, head_config
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
