"""The one module that talks to Git (through GitPython, imported lazily: it runs `git` when
imported). Every Git problem becomes a `GitError` with one line a user can act on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class GitError(Exception):
    """A Git problem, said in one line (exit 2)."""


def _git_module() -> Any:
    try:
        import git
    except ImportError as exc:  # GitPython raises ImportError when no git executable exists
        raise GitError(f"git is not available: {exc}") from exc
    return git


@dataclass(frozen=True, slots=True)
class TreeEntry:
    path: str
    """Path relative to the Git working tree root."""
    sha: str
    mode: str


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    author: str
    email: str
    date: str
    """ISO 8601 author date."""
    subject: str


_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%s")


def _null(sha: str) -> bool:
    return not sha.strip("0")


@dataclass(frozen=True, slots=True)
class FileChange:
    """What one commit did to one file."""

    commit: CommitInfo
    parent: str | None
    """The first parent's sha (None for a root commit)."""
    path: str
    """The file's path in this commit (its old path when it was deleted)."""
    old_path: str | None
    """Its path in the parent: differs on a rename, None when the file was added."""
    blob: str | None
    """The blob after the commit; None when the commit deleted the file."""
    old_blob: str | None
    """The blob before; None when the commit added the file."""


class GitRepo:
    """A Git repository found from a folder inside it."""

    def __init__(self, path: Path) -> None:
        git = _git_module()
        try:
            self._repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
            raise GitError(f"not inside a Git repository: {path}") from exc
        self._git = git
        if self._repo.bare:
            raise GitError("the repository is bare; run itsm in a working tree")
        self.root = Path(self._repo.working_tree_dir or path).resolve()

    def _run(self, *args: str) -> str:
        try:
            out: str = self._repo.git.execute(["git", *args])
        except self._git.GitCommandError as exc:
            detail = (exc.stderr or "").strip().splitlines()
            raise GitError(
                detail[-1].removeprefix("stderr: ").strip("' ") if detail else str(exc)
            ) from exc
        return out

    @property
    def is_shallow(self) -> bool:
        return Path(self._repo.git_dir, "shallow").exists()

    def resolve(self, ref: str) -> str:
        """The full commit sha of `ref`; a clear error when it does not exist."""
        try:
            return self._run(
                "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"
            )
        except GitError:
            pass
        message = f"unknown revision '{ref}'"
        if self.head_sha() is None:
            message += " — the repository has no commits yet: commit the records first"
        elif self.is_shallow:
            message += (
                " — this is a shallow clone, which may not have it yet: fetch more history "
                "(`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout), "
                "or check the name"
            )
        elif "/" in ref:
            message += f" — fetch it first (`git fetch origin {ref.split('/', 1)[-1]}`)"
        raise GitError(message)

    def short(self, sha: str) -> str:
        return sha[:8]

    def head_sha(self) -> str | None:
        try:
            return self._run("rev-parse", "--verify", "--quiet", "HEAD")
        except GitError:
            return None

    def is_dirty(self, prefix: str = "") -> bool:
        args = ["status", "--porcelain"]
        if prefix:
            args += ["--", prefix]
        return bool(self._run(*args).strip())

    def tree(self, commit: str, prefix: str, submodules: bool = False) -> list[TreeEntry]:
        """Blobs under `prefix` at `commit` (empty when the folder did not exist then), and
        with `submodules` the submodules too (mode 160000, the sha of their commit)."""
        out = self._run("ls-tree", "-r", "-z", "--full-tree", commit, "--", prefix or ".")
        entries = []
        for item in out.split("\0"):
            if not item:
                continue
            meta, path = item.split("\t", 1)
            mode, kind, sha = meta.split()
            if kind == "blob" or (submodules and kind == "commit"):
                entries.append(TreeEntry(path, sha, mode))
        return entries

    def read_blob(self, sha: str) -> bytes:
        data: bytes = self._repo.odb.stream(bytes.fromhex(sha)).read()
        return data

    def log_file(
        self, path: str, follow: bool = True, until: str | None = None
    ) -> Iterator[FileChange]:
        """Commits touching `path` (newest first), following renames, with the blobs the
        file had before and after each; from `until` back (default: HEAD)."""
        args = ["-M", "--follow"] if follow else ["-M"]
        if until is not None:
            args += ["--end-of-options", until]
        yield from self._log_changes(*args, "--", path)

    def log_text(self, text: str, prefix: str) -> Iterator[FileChange]:
        """Commits (newest first) that changed how often `text` occurs in a file under
        `prefix`, with those files (Git's pickaxe, `-S`)."""
        yield from self._log_changes("-M", f"-S{text}", "--", prefix or ".")

    def _log_changes(self, *args: str) -> Iterator[FileChange]:
        # Every field ends in NUL, which no subject, name or path can hold (separators such
        # as U+001E or U+001F can be in a subject or an author's name).
        out = self._run(
            "log", "--format=" + "%x00".join(_LOG_FIELDS) + "%x00", "--raw", "--no-abbrev",
            "-z", *args,
        )
        tokens = out.split("\0")
        at = 0
        while at + len(_LOG_FIELDS) <= len(tokens):
            if not tokens[at]:
                at += 1
                continue
            sha, parents, author, email, date, subject = tokens[at : at + len(_LOG_FIELDS)]
            at += len(_LOG_FIELDS)
            info = CommitInfo(sha, author, email, date, subject)
            parent = parents.split()[0] if parents.split() else None
            while at < len(tokens) and (not tokens[at] or tokens[at].lstrip("\n")[:1] == ":"):
                raw = tokens[at].lstrip("\n")
                at += 1
                if not raw:
                    continue
                parts = raw[1:].split(" ")
                if len(parts) != 5:  # a merge's combined diff (`::…`, one path): not ours
                    at += 1
                    continue
                _old_mode, _new_mode, old_blob, new_blob, status = parts
                if status[:1] in ("R", "C"):
                    old_path, new_path = tokens[at], tokens[at + 1]
                    at += 2
                else:
                    old_path = new_path = tokens[at]
                    at += 1
                yield FileChange(
                    info,
                    parent,
                    new_path,
                    None if status[:1] == "A" else old_path,
                    None if _null(new_blob) else new_blob,
                    None if _null(old_blob) else old_blob,
                )

    def files_containing(self, commit: str, text: str, prefix: str) -> list[str]:
        """Paths under `prefix` whose content at `commit` holds `text` (`git grep`)."""
        try:
            out = self._run(
                "grep", "-z", "-l", "-F", "-e", text, commit, "--", prefix or "."
            )
        except GitError:  # git grep exits 1 when nothing matches
            return []
        head = f"{commit}:"
        return [p.removeprefix(head) for p in out.split("\0") if p]

    def blob_at(self, commit: str, path: str) -> bytes | None:
        sha = self.blob_sha_at(commit, path)
        return self.read_blob(sha) if sha else None

    def blob_sha_at(self, commit: str, path: str) -> str | None:
        """The blob `path` has at `commit`; None when it is no file there."""
        entries = self.tree(commit, path)
        return next((e.sha for e in entries if e.path == path), None)


def blob_sha(data: bytes) -> str:
    """The sha Git gives a blob with this content (so working-tree files can be matched to
    blobs without asking Git)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def relative_to_root(repo_root: Path, folder: Path) -> str:
    """`folder` as a path relative to the repository root, with forward slashes."""
    rel = os.path.relpath(folder.resolve(), repo_root)
    return "" if rel == "." else Path(rel).as_posix()
