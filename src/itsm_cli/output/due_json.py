"""`itsm due --format json`: `{"version": 1, "today", "within", "deadlines": [{"date",
"deadline", "what", "record", "kind", "owner", "rule", "file", "line", "column", "uid"}]}`,
soonest first."""

from __future__ import annotations

from typing import Any

from itsm_cli.output import RenderOptions
from itsm_cli.output.json import SCHEMA_VERSION, dumps
from itsm_cli.rules.deadlines import Deadline, DueResult


def deadline_to_json(d: Deadline) -> dict[str, Any]:
    return {
        "date": d.date.isoformat(),
        "deadline": d.deadline,
        "what": d.what,
        "record": d.record,
        "kind": d.kind,
        "owner": d.owner,
        "rule": d.rule,
        "file": d.file,
        "line": d.line,
        "column": d.column,
        "uid": d.uid,
    }


def render_due(result: DueResult, options: RenderOptions) -> str:
    return dumps(
        {
            "version": SCHEMA_VERSION,
            "today": result.today.isoformat(),
            "within": result.within.text if result.within is not None else None,
            "deadlines": [deadline_to_json(d) for d in result.deadlines],
        }
    )
