"""`itsm history ID`: the commits that changed one record, following renames, with the
field-level change each made."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from itsm_cli.gitops.changes import FieldChange, diff_values
from itsm_cli.gitops.git import CommitInfo, FileChange, GitError, GitRepo, relative_to_root
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
    """added | changed | renamed | moved or copied (from another file, which no longer or
    still holds it) | removed"""
    changes: tuple[FieldChange, ...]
    old_file: str | None = None
    """For renamed, moved and copied: the path before the commit."""


@dataclass(frozen=True, slots=True)
class RecordHistory:
    record: str
    file: str
    """Where the record is (where it last was, for a deleted record)."""
    entries: list[HistoryEntry]
    deleted_in: str | None = None
    """For a record no longer in the working tree: the sha of the commit that deleted it,
    or "" when it is deleted in the working tree only (not yet committed)."""
    invalid: tuple[str, ...] = ()
    """The E00x codes that make the record invalid in the working tree (empty when it is
    valid or deleted): such a record is still there, not deleted."""

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
    working tree has its history up to and including the commit that deleted it; a record
    moved or copied from another file (as one of its documents) has that file's commits
    before it."""
    from itsm_cli.records.index import load_repository

    repository = load_repository(workspace)
    record = repository.index.by_id.get(record_id)
    broken = repository.invalid_records().get(record_id) if record is None else None
    repo = GitRepo(workspace.root)
    head = repo.head_sha()
    deleted_in: str | None = None
    invalid: tuple[str, ...] = ()
    there: tuple[str, Any] | None = None  # (file, data) in the working tree
    if record is not None:
        there = record.file, record.document.data
    elif broken is not None:
        there, invalid = (broken[0].file, broken[0].data), broken[1]
    if there is not None:
        shown_file, current = there
        path = (workspace.root / shown_file).resolve().relative_to(repo.root).as_posix()
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
    uncommitted = _uncommitted(committed, current, invalid_now=broken is not None)
    if uncommitted is not None:
        entries.append(HistoryEntry(None, path, *uncommitted))
    if head is None:
        return RecordHistory(record_id, shown_file, entries, invalid=invalid)

    blobs = _Blobs(repo, record_id)
    prefix = relative_to_root(repo.root, workspace.records_root)
    segment: tuple[str, str | None] | None = (path, None)
    while segment is not None:
        segment_path, until = segment
        segment = None
        for change in repo.log_file(segment_path, until=until):
            after = blobs.record(change.blob, change.path)
            before = None
            if change.parent and change.old_path:
                before = blobs.record(change.old_blob, change.old_path)
            if after is None and before is None:
                continue
            old_file = change.old_path if change.old_path != change.path else None
            if before is None and change.parent:
                origin = _moved_from(repo, blobs, change, record_id, prefix)
                if origin is not None:
                    status, old_file, before = origin
                    changes = tuple(diff_values(before, after))
                    entries.append(
                        HistoryEntry(change.commit, change.path, status, changes, old_file)
                    )
                    segment = (old_file, change.parent)
                    break
            if before is None:
                status = "added"
                # Git may see the new file as a copy of a similar one that never held the
                # record: the record was added, from no file.
                old_file = None
            elif after is None:
                status = "removed"
            elif old_file is not None:
                status = "renamed"
            else:
                status = "changed"
            changes = tuple(diff_values(before, after)) if before and after else ()
            if status == "changed" and not changes:
                continue  # the commit changed another record in the same file
            if status == "removed" and current is None and deleted_in is None and not invalid:
                deleted_in = change.commit.sha
            entries.append(HistoryEntry(change.commit, change.path, status, changes, old_file))
    return RecordHistory(record_id, shown_file, entries, deleted_in, invalid)


def _uncommitted(
    committed: Any, current: Any, invalid_now: bool
) -> tuple[str, tuple[FieldChange, ...]] | None:
    """The working tree's change to the record against HEAD (status, field changes), or
    None when there is none. `invalid_now`: the record is invalid in the working tree, and
    `current` None then means its file did not parse (changed, but not field by field)."""
    if invalid_now and current is None:
        return ("changed", ()) if committed is not None else ("added", ())
    if committed == current:
        return None
    if current is None:
        return "removed", ()
    if committed is None:
        return "added", ()
    return "changed", tuple(diff_values(committed, current))


def _moved_from(
    repo: GitRepo, blobs: _Blobs, change: FileChange, record_id: str, prefix: str
) -> tuple[str, str, Any] | None:
    """Where the record was before `change` added it to its file, when it came from another
    file: `moved` (that file no longer holds it after the commit) or `copied` (it still does,
    an E003 duplicate for a while), that file's path and the record's data there; None when
    the commit created it."""
    assert change.parent is not None
    copied: tuple[str, str, Any] | None = None
    for other in repo.files_containing(change.parent, record_id, prefix):
        if other == change.path:
            continue
        data = blobs.record(repo.blob_sha_at(change.parent, other), other)
        if data is None:
            continue
        if blobs.record(repo.blob_sha_at(change.commit.sha, other), other) is None:
            return "moved", other, data
        copied = copied or ("copied", other, data)
    return copied
