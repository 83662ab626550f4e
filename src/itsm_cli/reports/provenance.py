"""Where a report came from: the records commit (and whether the tree was dirty), when it was
generated, the edition and the "today" used — so a report can be traced to its records."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itsm_cli import __version__
from itsm_cli.records.workspace import Workspace


@dataclass(frozen=True, slots=True)
class Provenance:
    commit: str | None
    """Short hash of HEAD, when the records root is in a Git repository."""
    dirty: bool
    """Uncommitted changes under the records root."""
    generated: str
    """ISO 8601 timestamp (UTC) of generation."""
    today: dt.date
    edition: str
    version: str = __version__

    @property
    def records(self) -> str:
        if self.commit is None:
            return "not in a Git repository"
        return f"{self.commit} (uncommitted changes)" if self.dirty else self.commit


def provenance(workspace: Workspace, today: dt.date, edition: str) -> Provenance:
    from itsm_cli.gitops.git import GitError, GitRepo, relative_to_root

    commit, dirty = None, False
    try:
        repo = GitRepo(workspace.root)
        head = repo.head_sha()
        if head is not None:
            commit = repo.short(head)
            dirty = repo.is_dirty(relative_to_root(repo.root, workspace.records_root))
    except GitError:
        pass
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    return Provenance(commit, dirty, generated, today, edition)
