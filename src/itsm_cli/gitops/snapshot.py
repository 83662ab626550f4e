"""Loading the records as they are at a commit (straight from Git objects, the working tree
untouched) or in the working tree, parsing each distinct file content only once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from itsm_cli.config import Workspace
from itsm_cli.findings import Finding
from itsm_cli.gitops.git import GitRepo, blob_sha, relative_to_root
from itsm_cli.records.index import Repository, build_index
from itsm_cli.records.load import (
    YAML_SUFFIXES,
    InvalidRecord,
    LoadResult,
    discover,
    load_bytes,
    load_pieces,
    no_gc_pauses,
    outside_finding,
    read_file,
)


@dataclass(slots=True)
class ParseCache:
    """Per-file load results keyed by (path, blob sha): a file unchanged between two
    snapshots is parsed and validated once."""

    entries: dict[tuple[str, str], LoadResult] = field(default_factory=dict)
    parsed: int = 0

    def load(
        self, rel: str, sha: str, read: bytes | None, repo: GitRepo | None, max_bytes: int
    ) -> LoadResult:
        key = (rel, sha)
        hit = self.entries.get(key)
        if hit is not None:
            return hit
        data = read if read is not None else repo.read_blob(sha) if repo else b""
        piece = LoadResult()
        load_bytes(data, rel, piece, max_bytes)
        self.entries[key] = piece
        self.parsed += 1
        return piece


@dataclass(frozen=True, slots=True)
class Snapshot:
    label: str
    """`abc12345` for a commit, `working tree` otherwise."""
    repository: Repository
    exists: bool
    """False when the records root did not exist in that snapshot."""
    invalid: dict[str, InvalidRecord] = field(default_factory=dict)
    """Records that failed validation, by id (the first, when an id is written twice)."""


def _finish(workspace: Workspace, loaded: LoadResult, label: str, exists: bool) -> Snapshot:
    index, cross = build_index(loaded)
    findings = [*loaded.findings, *cross]
    invalid: dict[str, InvalidRecord] = {}
    for record in loaded.invalid:
        invalid.setdefault(record.id, record)
    return Snapshot(label, Repository(workspace, index, findings, loaded.files), exists, invalid)


def load_commit(
    repo: GitRepo, workspace: Workspace, commit: str, cache: ParseCache, ref: str = ""
) -> Snapshot:
    """The records under the records root at `commit`."""
    prefix = relative_to_root(repo.root, workspace.records_root)
    entries = repo.tree(commit, prefix)
    loaded = LoadResult()
    with no_gc_pauses():
        for entry in sorted(entries, key=lambda e: e.path):
            if not entry.path.endswith(YAML_SUFFIXES) or "/." in f"/{entry.path}":
                continue
            rel = Path(os.path.relpath(repo.root / entry.path, workspace.root)).as_posix()
            if entry.mode == "120000":  # a symbolic link: never followed from Git objects
                loaded.files.append(rel)
                loaded.findings.append(outside_finding(rel, "link"))
                continue
            loaded.extend(cache.load(rel, entry.sha, None, repo, workspace.config.max_file_size))
    label = repo.short(commit)
    if ref and not commit.startswith(ref):
        label = f"{ref} ({label})"
    return _finish(workspace, loaded, label, bool(entries))


def load_working_tree(workspace: Workspace, cache: ParseCache) -> Snapshot:
    """The records as they are on disk, uncommitted changes included."""
    root = workspace.records_root
    if not root.exists():
        return _finish(workspace, LoadResult(), "working tree", False)
    files, findings = discover([root], workspace.root)
    loaded = LoadResult(findings=list(findings))
    max_bytes = workspace.config.max_file_size
    with no_gc_pauses():
        read: list[tuple[str, bytes | None, Finding | None]] = []
        for path, rel in files:
            data, problem = read_file(path, rel, max_bytes)
            read.append((rel, data, problem))
        keys = {rel: (rel, blob_sha(data)) for rel, data, _ in read if data is not None}
        # Files not met before (all of them, when the working tree is loaded first) are
        # parsed together, in two processes when there are many.
        fresh = [
            (rel, data)
            for rel, data, _ in read
            if data is not None and keys[rel] not in cache.entries
        ]
        for (rel, _), piece in zip(fresh, load_pieces(fresh, max_bytes), strict=True):
            cache.entries[keys[rel]] = piece
            cache.parsed += 1
        for rel, data, problem in read:
            if data is None:
                loaded.files.append(rel)
                loaded.findings.extend([problem] if problem else [])
            else:
                loaded.extend(cache.entries[keys[rel]])
    return _finish(workspace, loaded, "working tree", True)
