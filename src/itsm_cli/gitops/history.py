"""`itsm history ID`: the commits that changed one record, following renames, with the
field-level change each made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from itsm_cli.config import Workspace
from itsm_cli.gitops.changes import FieldChange, diff_values
from itsm_cli.gitops.git import CommitInfo, GitError, GitRepo
from itsm_cli.records.errors import suggest
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
    entries: list[HistoryEntry]


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


def record_history(workspace: Workspace, record_id: str) -> RecordHistory:
    """Every commit that changed `record_id`, newest first."""
    from itsm_cli.records.index import load_repository

    repository = load_repository(workspace)
    record = repository.index.by_id.get(record_id)
    if record is None:
        ids = list(repository.index.by_id)
        same = [i for i in ids if i.lower() == record_id.lower()]  # ids are upper case
        guess = same[0] if same else suggest(record_id, ids)
        tip = f" (did you mean '{guess}'?)" if guess else ""
        raise RecordNotFound(f"no record with id '{record_id}' in the working tree{tip}")
    repo = GitRepo(workspace.root)
    path = (workspace.root / record.file).resolve().relative_to(repo.root).as_posix()
    entries: list[HistoryEntry] = []

    head = repo.head_sha()
    committed = _record_data(repo.blob_at(head, path), record_id, path) if head else None
    current = record.document.data
    if committed != current:
        entries.append(
            HistoryEntry(
                None,
                path,
                "added" if committed is None else "changed",
                tuple(diff_values(committed, current)) if committed is not None else (),
            )
        )
    if head is None:
        return RecordHistory(record_id, record.file, entries)

    for info, now_path, parent_path in repo.log_file(path):
        after = _record_data(repo.blob_at(info.sha, now_path), record_id, now_path)
        parent = repo.parent(info.sha)
        before = None
        if parent and parent_path:
            before = _record_data(repo.blob_at(parent, parent_path), record_id, parent_path)
        if after is None and before is None:
            continue
        if before is None:
            status = "added"
        elif after is None:
            status = "removed"
        elif parent_path != now_path:
            status = "renamed"
        else:
            status = "changed"
        changes = tuple(diff_values(before, after)) if before and after else ()
        if status == "changed" and not changes:
            continue  # the commit changed another record in the same file
        entries.append(HistoryEntry(info, now_path, status, changes))
    return RecordHistory(record_id, record.file, entries)
