"""Loading the records as they are at a commit (straight from Git objects, the working tree
untouched) or in the working tree, parsing each distinct file content only once."""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from itsm_cli.findings import Finding
from itsm_cli.gitops.git import GitRepo, TreeEntry, blob_sha, relative_to_root
from itsm_cli.records.index import Repository, build_index
from itsm_cli.records.load import (
    YAML_SUFFIXES,
    LoadResult,
    broken_link_finding,
    discover,
    folder_loop_finding,
    load_bytes,
    load_pieces,
    loop_finding,
    no_gc_pauses,
    outside_finding,
    read_file,
    submodule_finding,
)
from itsm_cli.records.workspace import Workspace

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
    parallel: bool = False
    """Parse many files in two processes (opt-in: see `records.load.parallel_imap`)."""

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
    repository = Repository(workspace, index, findings, loaded.files, invalid=loaded.invalid)
    return Snapshot(label, repository, exists)


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

    def resolve(self, path: str) -> Followed:
        """Where the repository-relative `path` leads, links in its folders followed."""
        return self._walk([], path.split("/"), 0)

    def follow(self, link: str) -> Followed:
        """Follow the link at the repository-relative path `link`, component by component,
        links in the target's folders included."""
        text = self.target(self.entries[link])
        if text.startswith("/"):
            return self._restart(text, [], 1)
        return self._walk(link.split("/")[:-1], text.split("/"), 1)

    def _restart(self, absolute: str, pending: list[str], hops: int) -> Followed:
        """Go on from an absolute path (an absolute target, or a `..` above the root)."""
        absolute = "/" + absolute.lstrip("/")  # POSIX keeps a leading `//` as it is
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
                text = self.target(entry)
                if text.startswith("/"):
                    return self._restart(text, pending, hops)
                pending = text.split("/") + pending
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


def _hidden(below: str) -> bool:
    """Whether a path below a walked folder has a hidden part (skipped, as on disk)."""
    return "/." in f"/{below}"


@dataclass(slots=True)
class _CommitWalk:
    """The walk of the records tree at a commit, made to give what `records.load._walk`
    gives on disk: links followed or refused alike, submodules refused alike, and a folder
    link inside the repository to a folder outside the records root followed (its files
    read under the link's name; each such folder once)."""

    repo: GitRepo
    commit: str
    workspace: Workspace
    prefix: str
    workspace_prefix: str
    findings: list[Finding] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)
    """(path relative to the workspace root, blob sha) of every record file reached."""
    followed: list[str] = field(default_factory=list)
    _tree: CommitTree | None = None

    @property
    def tree(self) -> CommitTree:
        """The whole tree, listed only when a link needs it."""
        if self._tree is None:
            self._tree = CommitTree(self.repo, self.commit)
        return self._tree

    def rel(self, seen_as: str) -> str:
        return Path(os.path.relpath(self.repo.root / seen_as, self.workspace.root)).as_posix()

    def visit(self, entry: TreeEntry, seen_as: str) -> None:
        """One entry of the tree, at `seen_as` (its own path, or its path through the folder
        link that led to it)."""
        rel = self.rel(seen_as)
        if entry.mode == SUBMODULE_MODE:
            self.findings.append(submodule_finding(rel))
        elif entry.mode == LINK_MODE:
            self._link(entry, seen_as, rel)
        elif seen_as.endswith(YAML_SUFFIXES):
            self.files.append((rel, entry.sha))

    def _link(self, entry: TreeEntry, seen_as: str, rel: str) -> None:
        tree = self.tree
        followed = tree.follow(entry.path)
        if followed.outcome == "loop":
            self.findings.append(loop_finding(rel, tree.target(entry)))
            return
        if followed.outcome == "outside" or not _under(followed.path, self.workspace_prefix):
            where = (
                Path(followed.path)
                if followed.outcome == "outside"
                else self.repo.root / followed.path
            )
            # Whether the target outside is a folder can only be asked of the disk; the
            # working tree asks the same question, so both sides word the finding alike.
            kind = "folder link" if where.is_dir() else "file link"
            self.findings.append(outside_finding(rel, kind))
            return
        named = seen_as.endswith(YAML_SUFFIXES)
        if followed.outcome == "file" and followed.blob is not None:
            if named:
                self.files.append((rel, followed.blob.sha))
        elif followed.outcome == "broken":
            if named:
                self.findings.append(broken_link_finding(rel, tree.target(entry)))
        elif followed.outcome == "folder":
            if _under(posixpath.dirname(entry.path), followed.path):
                # To its own folder or one above it, as on disk: never followed.
                self.findings.append(folder_loop_finding(rel, tree.target(entry)))
                return
            self._folder(followed.path, seen_as)

    def root_behind_link(self) -> bool:
        """Walk the records root when a folder of its path is a link (`data/` →
        `shared/data`), as the working tree does; False when it is not there at all."""
        reached = self.tree.resolve(self.prefix)
        if reached.outcome != "folder" or reached.path == self.prefix:
            return False
        self._folder(reached.path, self.prefix, inside_root=False)
        return True

    def _folder(self, folder: str, seen_as: str, inside_root: bool = True) -> None:
        """A folder link inside the repository: a folder under the records root (or one
        already followed) has its files read where they are; another is walked here."""
        if inside_root and _under(folder, self.prefix):
            return
        if any(_under(folder, done) for done in self.followed):
            return
        self.followed.append(folder)
        start = f"{folder}/" if folder else ""
        for path, entry in sorted(self.tree.entries.items()):
            if path.startswith(start) and not _hidden(path[len(start) :]):
                self.visit(entry, f"{seen_as}/{path[len(start) :]}")


def _records_prefix(repo_root: Path, workspace_prefix: str, workspace: Workspace) -> str:
    """The records root relative to the repository root, its links not resolved: a records
    root that is a link (`records` → `store/records`) is a link in the commit's tree too,
    followed there, and its files keep the names the working tree gives them."""
    configured = Path(workspace.config.records)
    if configured.is_absolute():
        return relative_to_root(repo_root, workspace.records_root)
    joined = os.path.normpath(os.path.join(workspace_prefix or ".", configured))
    prefix = Path(joined).as_posix()
    return "" if prefix == "." else prefix


def workspace_at(repo: GitRepo, workspace: Workspace, commit: str, where: str) -> Workspace:
    """The workspace as `commit` had it: the configuration file it held at the workspace's
    root (itsm.toml, else a pyproject.toml with `[tool.itsm]`), or the defaults when it held
    none. A change that moves the records root is then read as moving the records, not as
    a base without records."""
    from dataclasses import replace

    from itsm_cli.config import CONFIG_FILE, Config
    from itsm_cli.records.workspace import config_from_bytes, has_tool_itsm

    prefix = relative_to_root(repo.root, workspace.root)
    for name in (CONFIG_FILE, "pyproject.toml"):
        raw = repo.blob_at(commit, f"{prefix}/{name}" if prefix else name)
        if raw is None or (name == "pyproject.toml" and not has_tool_itsm(raw)):
            continue
        path = workspace.root / name
        config = config_from_bytes(raw, path, workspace.root, where)
        return replace(workspace, config=config, config_file=path)
    return replace(workspace, config=Config(), config_file=None)


def load_commit(
    repo: GitRepo, workspace: Workspace, commit: str, cache: ParseCache, ref: str = ""
) -> Snapshot:
    """The records under the records root at `commit`."""
    workspace_prefix = relative_to_root(repo.root, workspace.root)
    prefix = _records_prefix(repo.root, workspace_prefix, workspace)
    entries = repo.tree(commit, prefix, submodules=True)
    walk = _CommitWalk(repo, commit, workspace, prefix, workspace_prefix)
    for entry in sorted(entries, key=lambda e: e.path):
        below = entry.path[len(prefix) :].lstrip("/") if prefix else entry.path
        if not _hidden(below):
            walk.visit(entry, entry.path)
    exists = bool(entries) or (bool(prefix) and walk.root_behind_link())
    max_bytes = workspace.config.max_file_size
    loaded = LoadResult(findings=walk.findings)
    with no_gc_pauses():
        for rel, sha in sorted(walk.files):  # in the order of the working tree's discovery
            loaded.extend(cache.load(rel, sha, None, repo, max_bytes))
    label = repo.short(commit)
    if ref and not commit.startswith(ref):
        label = f"{ref} ({label})"
    return _finish(workspace, loaded, label, exists)


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
        pieces = load_pieces(fresh, max_bytes, cache.parallel)
        for (rel, _), piece in zip(fresh, pieces, strict=True):
            cache.entries[keys[rel]] = piece
            cache.parsed += 1
        for rel, data, problem in read:
            if data is None:
                loaded.files.append(rel)
                loaded.findings.extend([problem] if problem else [])
            else:
                loaded.extend(cache.entries[keys[rel]])
    return _finish(workspace, loaded, "working tree", True)
