"""`itsm diff --format json` and `itsm history --format json`."""

from __future__ import annotations

from typing import Any

from itsm_cli.findings import FailOn
from itsm_cli.gitops.changes import MISSING, FieldChange
from itsm_cli.gitops.diff import DiffResult
from itsm_cli.gitops.history import RecordHistory
from itsm_cli.output import RenderOptions
from itsm_cli.output.json import SCHEMA_VERSION, dumps, finding_to_json


def _value(value: Any) -> Any:
    return None if value is MISSING else value


def change_to_json(change: FieldChange) -> dict[str, Any]:
    return {
        "path": change.path,
        "change": change.kind,
        "old": _value(change.old),
        "new": _value(change.new),
    }


def render_diff(
    result: DiffResult,
    options: RenderOptions,
    fail_on: FailOn = "error",
    allow_coverage_drop: bool = False,
) -> str:
    """The whole comparison; the verdict is the exit status, not part of the document."""
    return dumps(
        {
            "version": SCHEMA_VERSION,
            "base": result.base,
            "head": result.head,
            "records": [
                {
                    "id": r.id,
                    "kind": r.kind,
                    "status": r.status,
                    "file": r.file,
                    "oldFile": r.old_file,
                    "changes": [change_to_json(c) for c in r.changes],
                    "invalid": {"base": list(r.invalid_base), "head": list(r.invalid_head)},
                }
                for r in result.records
            ],
            "introduced": [finding_to_json(f) for f in result.introduced],
            "resolved": [finding_to_json(f) for f in result.resolved],
            "coverage": {
                "before": result.score_before,
                "after": result.score_after,
                "delta": round(result.score_after - result.score_before, 1),
                "clauses": [
                    {"id": c.id, "title": c.title, "before": c.before, "after": c.after}
                    for c in result.clauses
                ],
            },
        }
    )


def render_history(history: RecordHistory, options: RenderOptions) -> str:
    return dumps(
        {
            "version": SCHEMA_VERSION,
            "record": history.record,
            "file": history.file,
            "deleted": history.deleted,
            "deletedIn": history.deleted_in or None,
            "invalid": list(history.invalid),
            "commits": [
                {
                    "commit": e.commit.sha if e.commit else None,
                    "author": e.commit.author if e.commit else None,
                    "email": e.commit.email if e.commit else None,
                    "date": e.commit.date if e.commit else None,
                    "message": e.commit.subject if e.commit else "uncommitted changes",
                    "file": e.file,
                    "oldFile": e.old_file,
                    "status": e.status,
                    "changes": [change_to_json(c) for c in e.changes],
                }
                for e in history.entries
            ],
        }
    )
