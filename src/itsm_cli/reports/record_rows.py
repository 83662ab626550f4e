"""Records as plain rows for report templates (shared by the report builders)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from itsm_cli.records.kinds.service import Service

if TYPE_CHECKING:
    from itsm_cli.records.index import RepoIndex
    from itsm_cli.records.kinds.capacity_plan import CapacityPlan
    from itsm_cli.records.kinds.continuity_plan import ContinuityPlan
    from itsm_cli.records.load import LoadedRecord


def service_titles(index: RepoIndex, ids: Iterable[str]) -> list[dict[str, str]]:
    """`{id, title}` of each record id (an empty title for an id that names no record)."""
    return [
        {"id": sid, "title": s.model.metadata.title if (s := index.by_id.get(sid)) else ""}
        for sid in ids
    ]


def service_row(ref: str, index: RepoIndex) -> dict[str, Any]:
    """A Service a plan covers: id, title, criticality and lifecycle (a title saying so and
    empty values when no Service has that id)."""
    found = index.get(ref, Service)
    if found is None:
        return {"id": ref, "title": "(no such Service)", "criticality": "", "lifecycle": ""}
    spec = found.model.spec
    return {
        "id": ref,
        "title": found.model.metadata.title,
        "criticality": spec.criticality.value,
        "lifecycle": spec.lifecycle.value,
    }


def plan_row(
    plan: LoadedRecord[CapacityPlan] | LoadedRecord[ContinuityPlan], index: RepoIndex
) -> dict[str, Any]:
    """What a capacity or continuity plan's section starts with: id, title, owner, record
    status, file and the services the plan covers."""
    metadata = plan.model.metadata
    return {
        "id": plan.id,
        "title": metadata.title,
        "owner": metadata.owner,
        "status": metadata.status.value,
        "file": plan.file,
        "services": [service_row(ref, index) for ref in plan.model.spec.services],
    }
