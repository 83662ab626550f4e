"""Loading the records as they are at a commit (straight from Git objects, the working tree
untouched) or in the working tree, parsing each distinct file content only once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from itsm_cli.config import Workspace
from itsm_cli.findings import Finding
from itsm_cli.gitops.git import GitRepo, TreeEntry, blob_sha, relative_to_root
from itsm_cli.records.index import Repository, build_index
from itsm_cli.records.load import (
    YAML_SUFFIXES,
    LoadResult,
    broken_link_finding,
    discover,
    load_bytes,
    load_pieces,
    loop_finding,
    no_gc_pauses,
    outside_finding,
    read_file,
    submodule_finding,
)

LINK_MODE = "120000"
SUBMODULE_MODE = "160000"
MAX_LINK_HOPS = 40
"""Links followed at most in one resolution, as Linux does before it says ELOOP."""


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


def _finish(workspace: Workspace, loaded: LoadResult, label: str, exists: bool) -> Snapshot:
    index, cross = build_index(loaded)
    findings = [*loaded.findings, *cross]
    return Snapshot(label, Repository(workspace, index, findings, loaded.files), exists)


@dataclass(frozen=True, slots=True)
class Followed:
    """Where a link in a commit's tree leads, found as the file system would find it in a
    checkout of that commit."""

    outcome: str
    """`file`, `folder`, `broken`, `loop` or `outside` (the repository)."""
    path: str = ""
    """The repository-relative path reached (`file`, `folder`, `broken`), or the absolute
    path outside the repository (`outside`)."""
    blob: TreeEntry | None = None
    """The file reached (`file`)."""


class CommitTree:
    """The whole tree of one commit, to follow links in it: a link inside the records tree
    is read at a commit exactly as in the working tree (its target read from the same
    commit), so an unchanged tree gives the same findings on both sides of `itsm diff`."""

    def __init__(self, repo: GitRepo, commit: str) -> None:
        self._repo = repo
        self.entries = {e.path: e for e in repo.tree(commit, "", submodules=True)}
        self.folders = {""}
        for path in self.entries:
            parts = path.split("/")
            self.folders.update("/".join(parts[:i]) for i in range(1, len(parts)))

    def target(self, entry: TreeEntry) -> str:
        """The text of a link (what `os.readlink` gives in a checkout)."""
        return os.fsdecode(self._repo.read_blob(entry.sha))

    def _outside_or_in(self, absolute: str) -> list[str] | None:
        """The components of `absolute` below the repository root, or None when outside."""
        root = str(self._repo.root)
        normal = os.path.normpath(absolute)
        if normal == root:
            return []
        if normal.startswith(root.rstrip(os.sep) + os.sep):
            return Path(normal[len(root) :].lstrip(os.sep)).as_posix().split("/")
        return None

    def follow(self, link: str) -> Followed:
        """Follow the link at the repository-relative path `link`, component by component,
        links in the target's folders included."""
        entry = self.entries[link]
        done = link.split("/")[:-1]
        pending = self.target(entry).split("/")
        if pending[0] == "":  # an absolute target
            return self._restart("/" + "/".join(pending), [], 1)
        return self._walk(done, pending, 1)

    def _restart(self, absolute: str, pending: list[str], hops: int) -> Followed:
        full = os.path.join(absolute, *pending) if pending else absolute
        inside = self._outside_or_in(full)
        if inside is None:
            return Followed("outside", os.path.normpath(full))
        return self._walk([], inside, hops)

    def _walk(self, done: list[str], pending: list[str], hops: int) -> Followed:
        while pending:
            part = pending.pop(0)
            if part in ("", "."):
                continue
            if part == "..":
                if not done:  # above the repository root: only a lexical way back in
                    return self._restart(str(self._repo.root.parent), pending, hops)
                done.pop()
                continue
            here = "/".join([*done, part])
            entry = self.entries.get(here)
            if entry is not None and entry.mode == LINK_MODE:
                hops += 1
                if hops > MAX_LINK_HOPS:
                    return Followed("loop", here)
                target = self.target(entry).split("/")
                if target[0] == "":
                    return self._restart("/" + "/".join(target), pending, hops)
                pending = target + pending
                continue
            rest = [p for p in pending if p not in ("", ".")]
            if entry is not None and entry.mode != SUBMODULE_MODE:
                if rest:  # a file used as a folder
                    return Followed("broken", "/".join([*done, part, *rest]))
                return Followed("file", here, entry)
            if entry is None and here not in self.folders:
                return Followed("broken", os.path.normpath("/".join([*done, part, *rest])))
            done.append(part)
        return Followed("folder", "/".join(done))


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _link_at_commit(
    repo: GitRepo, tree: CommitTree, entry: TreeEntry, rel: str, workspace_prefix: str,
    loaded: LoadResult, cache: ParseCache, max_bytes: int,
) -> None:
    """A link in the records tree at a commit, treated as the working tree treats it
    (`records.load._walk`): a loop is E001, a link leading out of the repository (or of
    the records' workspace) E006, a record file reached inside it is read under the link's
    name, a broken link named like a record E001, a folder link inside is not followed (its
    files are read where they are)."""
    followed = tree.follow(entry.path)
    named = entry.path.endswith(YAML_SUFFIXES)
    if followed.outcome == "loop":
        loaded.findings.append(loop_finding(rel, tree.target(entry)))
        return
    if followed.outcome == "outside" or not _under(followed.path, workspace_prefix):
        where = Path(followed.path) if followed.outcome == "outside" else repo.root / followed.path
        # Whether the target outside is a folder can only be asked of the disk; the working
        # tree asks the same question, so both sides word the finding alike.
        kind = "folder link" if where.is_dir() else "file link"
        loaded.findings.append(outside_finding(rel, kind))
        return
    if not named:
        return
    if followed.outcome == "file" and followed.blob is not None:
        loaded.extend(cache.load(rel, followed.blob.sha, None, repo, max_bytes))
    elif followed.outcome == "broken":
        loaded.findings.append(broken_link_finding(rel, tree.target(entry)))


def load_commit(
    repo: GitRepo, workspace: Workspace, commit: str, cache: ParseCache, ref: str = ""
) -> Snapshot:
    """The records under the records root at `commit`."""
    prefix = relative_to_root(repo.root, workspace.records_root)
    workspace_prefix = relative_to_root(repo.root, workspace.root)
    entries = repo.tree(commit, prefix, submodules=True)
    max_bytes = workspace.config.max_file_size
    loaded = LoadResult()
    tree: CommitTree | None = None  # the whole tree, listed only when a link needs it
    with no_gc_pauses():
        for entry in sorted(entries, key=lambda e: e.path):
            below = entry.path[len(prefix) :].lstrip("/") if prefix else entry.path
            if "/." in f"/{below}":
                continue
            rel = Path(os.path.relpath(repo.root / entry.path, workspace.root)).as_posix()
            if entry.mode == SUBMODULE_MODE:
                loaded.findings.append(submodule_finding(rel))
            elif entry.mode == LINK_MODE:
                tree = tree or CommitTree(repo, commit)
                _link_at_commit(
                    repo, tree, entry, rel, workspace_prefix, loaded, cache, max_bytes
                )
            elif entry.path.endswith(YAML_SUFFIXES):
                loaded.extend(cache.load(rel, entry.sha, None, repo, max_bytes))
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
