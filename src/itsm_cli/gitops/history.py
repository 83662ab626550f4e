"""`itsm history ID`: the commits that changed one record, following renames, with the
field-level change each made."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsm_cli.gitops.changes import FieldChange, diff_values
from itsm_cli.gitops.git import CommitInfo, GitError, GitRepo, relative_to_root
from itsm_cli.records.errors import suggest
from itsm_cli.records.workspace import Workspace
from itsm_cli.records.yamlread import read_yaml_bytes


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    commit: CommitInfo | None
    """None for uncommitted changes in the working tree."""
    file: str
    """Path relative to the Git repository root, in that commit."""
    status: str
    """added | changed | renamed | removed"""
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class RecordHistory:
    record: str
    file: str
    """Where the record is (where it last was, for a deleted record)."""
    entries: list[HistoryEntry]
    deleted_in: str | None = None
    """For a record no longer in the working tree: the sha of the commit that deleted it,
    or "" when it is deleted in the working tree only (not yet committed)."""

    @property
    def deleted(self) -> bool:
        return self.deleted_in is not None


class RecordNotFound(GitError):
    pass


def _record_data(data: bytes | None, record_id: str, file: str) -> Any:
    if data is None:
        return None
    for doc in read_yaml_bytes(data, file).documents:
        meta = doc.data.get("metadata") if isinstance(doc.data, dict) else None
        if isinstance(meta, dict) and meta.get("id") == record_id:
            return doc.data
    return None


class _Blobs:
    """The record's data in each blob, each blob read and parsed once (a commit's "after"
    is the next older commit's "before")."""

    def __init__(self, repo: GitRepo, record_id: str) -> None:
        self.repo = repo
        self.record_id = record_id
        self.seen: dict[str, Any] = {}

    def record(self, blob: str | None, path: str) -> Any:
        if blob is None:
            return None
        if blob not in self.seen:
            self.seen[blob] = _record_data(self.repo.read_blob(blob), self.record_id, path)
        return self.seen[blob]


def _not_found(record_id: str, ids: list[str]) -> RecordNotFound:
    same = [i for i in ids if i.lower() == record_id.lower()]  # ids are upper case
    guess = same[0] if same else suggest(record_id, ids)
    tip = f" (did you mean '{guess}'?)" if guess else ""
    return RecordNotFound(
        f"no record with id '{record_id}' in the working tree or its Git history{tip}"
    )


def _last_path(repo: GitRepo, workspace: Workspace, record_id: str) -> tuple[str, bool] | None:
    """Where a record missing from the working tree was last: its path at HEAD (deleted in
    the working tree only, the flag False), else its path before the commit that deleted it
    (True). None when no commit ever held it."""
    prefix = relative_to_root(repo.root, workspace.records_root)
    head = repo.head_sha()
    if head is None:
        return None
    for path in repo.files_containing(head, record_id, prefix):
        if _record_data(repo.blob_at(head, path), record_id, path) is not None:
            return path, False
    blobs = _Blobs(repo, record_id)
    for change in repo.log_text(record_id, prefix):
        if change.old_path is None or change.old_blob is None:
            continue
        if blobs.record(change.old_blob, change.old_path) is None:
            continue
        if blobs.record(change.blob, change.path) is None:
            return change.old_path, True
    return None


def record_history(workspace: Workspace, record_id: str) -> RecordHistory:
    """Every commit that changed `record_id`, newest first. A record no longer in the
    working tree has its history up to and including the commit that deleted it."""
    from itsm_cli.records.index import load_repository

    repository = load_repository(workspace)
    record = repository.index.by_id.get(record_id)
    repo = GitRepo(workspace.root)
    head = repo.head_sha()
    deleted_in: str | None = None
    if record is not None:
        path = (workspace.root / record.file).resolve().relative_to(repo.root).as_posix()
        shown_file = record.file
        current = record.document.data
    else:
        found = _last_path(repo, workspace, record_id)
        if found is None:
            raise _not_found(record_id, list(repository.index.by_id))
        path, committed_deletion = found
        shown_file = Path(os.path.relpath(repo.root / path, workspace.root)).as_posix()
        current = None
        deleted_in = "" if not committed_deletion else None
    entries: list[HistoryEntry] = []

    committed = _record_data(repo.blob_at(head, path), record_id, path) if head else None
    if committed != current:
        changes: tuple[FieldChange, ...]
        if current is None:
            status, changes = "removed", ()
        elif committed is None:
            status, changes = "added", ()
        else:
            status, changes = "changed", tuple(diff_values(committed, current))
        entries.append(HistoryEntry(None, path, status, changes))
    if head is None:
        return RecordHistory(record_id, shown_file, entries)

    blobs = _Blobs(repo, record_id)
    for change in repo.log_file(path):
        after = blobs.record(change.blob, change.path)
        before = None
        if change.parent and change.old_path:
            before = blobs.record(change.old_blob, change.old_path)
        if after is None and before is None:
            continue
        if before is None:
            status = "added"
        elif after is None:
            status = "removed"
        elif change.old_path != change.path:
            status = "renamed"
        else:
            status = "changed"
        changes = tuple(diff_values(before, after)) if before and after else ()
        if status == "changed" and not changes:
            continue  # the commit changed another record in the same file
        if status == "removed" and record is None and deleted_in is None:
            deleted_in = change.commit.sha
        entries.append(HistoryEntry(change.commit, change.path, status, changes))
    return RecordHistory(record_id, shown_file, entries, deleted_in)
