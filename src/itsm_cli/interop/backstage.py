"""Backstage catalogue files (`catalog-info.yaml`) → draft Services, and the drift between the
catalogue and the records.

Entities of `backstage.io/v1alpha1` and `v1beta1`:

* Component and System → a Service; Resource → a Service the others can depend on (a
  database or a queue is a service the provider runs, and SLM004 and CON005 need it in the
  dependency graph);
* Group → the owner names (`spec.profile.displayName`, else the title, else the name);
* `spec.dependsOn` → `dependsOn`; `dependencyOf` the other way round; a Component's
  `subcomponentOf` makes the parent depend on it; an entity's `system` makes the System's
  Service depend on it;
* lifecycle production → live, experimental → pipeline, deprecated → live (reported as
  deprecated), any other value → pipeline (reported). Systems and Resources carry no
  lifecycle in Backstage: they become live Services, unless the catalogue gives them one
  anyway, which then counts as a Component's;
* ids derived from the entity reference (`component:default/pay-api` → `SVC-PAY-API`; a
  namespace other than `default` is prefixed: `SVC-OPS-PAY-API`), clashes reported.

Entity references are `[kind:][namespace/]name`, compared case-insensitively as Backstage
does; a reference without a kind is looked up among Components, Resources and Systems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsm_cli.findings import Finding
from itsm_cli.interop.record_files import PlannedRecord
from itsm_cli.interop.source_files import SourceError, objects, yaml_files
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.kinds.agreements import SLA
from itsm_cli.records.kinds.service import Service

API_VERSIONS = ("backstage.io/v1alpha1", "backstage.io/v1beta1")
SERVICE_KINDS = ("component", "resource", "system")
"""Entity kinds that become Services, in the order a kind-less reference is looked up."""
LIFECYCLES = {"production": "live", "experimental": "pipeline", "deprecated": "live"}
OWNED: tuple[tuple[str, ...], ...] = (
    ("metadata", "title"),
    ("metadata", "owner"),
    ("metadata", "labels", "source"),
    ("spec", "description"),
    ("spec", "lifecycle"),
    ("spec", "dependsOn"),
)
"""What a re-import updates; everything else (criticality, status, approval, reviews,
customers …) is a person's."""
OWNER_PLACEHOLDER = "<fill in: accountable person or role; the catalogue names no owner>"


class CatalogueError(SourceError):
    """A file that is not a readable catalogue file; the message names file and line."""


@dataclass
class Entity:
    kind: str
    """Lower case: component, system, resource, group …"""
    namespace: str
    name: str
    metadata: dict[str, Any]
    spec: dict[str, Any]
    file: str
    line: int

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}".lower()


@dataclass
class Catalogue:
    entities: list[Entity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was read but not mapped (other kinds, other apiVersions), as file:line: text."""

    def find(self, ref: str, default_kind: str | None = None) -> Entity | None:
        kind, namespace, name = parse_ref(ref, default_kind)
        kinds = (kind,) if kind else SERVICE_KINDS
        for candidate in kinds:
            for entity in self.entities:
                if (entity.kind, entity.namespace.lower(), entity.name.lower()) == (
                    candidate, namespace, name
                ):
                    return entity
        return None


def parse_ref(ref: str, default_kind: str | None = None) -> tuple[str | None, str, str]:
    """`[kind:][namespace/]name` → (kind or default, namespace, name), lower case."""
    text = str(ref).strip()
    kind: str | None = default_kind
    if ":" in text:
        kind, text = text.split(":", 1)
    namespace = "default"
    if "/" in text:
        namespace, text = text.split("/", 1)
    return (kind.lower() if kind else None), namespace.lower(), text.lower()


def service_id(entity: Entity) -> str:
    """`component:default/pay-api` → `SVC-PAY-API`; another namespace is prefixed."""
    parts = [entity.name] if entity.namespace.lower() == "default" else [
        entity.namespace, entity.name
    ]
    words = re.sub(r"[^A-Z0-9]+", "-", "-".join(parts).upper()).strip("-")
    return f"SVC-{words or 'UNNAMED'}"


def read_catalogue(paths: Sequence[Path], shown: dict[Path, str]) -> Catalogue:
    catalogue = Catalogue()
    for path in yaml_files(paths):
        where = shown.get(path, str(path))
        for item, line in objects(path, where):
            if not isinstance(item, dict):
                catalogue.notes.append(f"{where}:{line}: not an entity (a mapping)")
                continue
            api = item.get("apiVersion")
            kind = str(item.get("kind", ""))
            if api not in API_VERSIONS:
                catalogue.notes.append(
                    f"{where}:{line}: apiVersion {api!r} is not a Backstage entity"
                )
                continue
            raw_metadata, raw_spec = item.get("metadata"), item.get("spec")
            metadata: dict[str, Any] = raw_metadata if isinstance(raw_metadata, dict) else {}
            name = metadata.get("name")
            if not isinstance(name, str) or not name:
                raise CatalogueError(f"{where}:{line}: the {kind or 'entity'} has no metadata.name")
            spec: dict[str, Any] = raw_spec if isinstance(raw_spec, dict) else {}
            entity = Entity(
                kind=kind.lower(),
                namespace=str(metadata.get("namespace") or "default"),
                name=name,
                metadata=metadata,
                spec=spec,
                file=where,
                line=line,
            )
            if entity.kind not in (*SERVICE_KINDS, "group"):
                catalogue.notes.append(f"{where}:{line}: {kind} {name} is not mapped (only "
                                       "Component, System, Resource and Group are)")
                continue
            catalogue.entities.append(entity)
    return catalogue


def _refs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    return []


def _owner(entity: Entity, catalogue: Catalogue) -> str:
    owner = entity.spec.get("owner")
    if not isinstance(owner, str) or not owner.strip():
        return OWNER_PLACEHOLDER
    group = catalogue.find(owner, "group")
    if group is not None and group.kind == "group":
        profile = group.spec.get("profile")
        display = profile.get("displayName") if isinstance(profile, dict) else None
        for name in (display, group.metadata.get("title"), group.name):
            if isinstance(name, str) and name.strip():
                return name.strip()
    return parse_ref(owner, "group")[2]


@dataclass
class Mapped:
    """The Services a catalogue maps onto, before anything is written."""

    plans: list[PlannedRecord] = field(default_factory=list)
    by_ref: dict[str, str] = field(default_factory=dict)
    """Entity ref → Service id."""
    entities: dict[str, Entity] = field(default_factory=dict)
    """Service id → the entity it comes from."""
    depends: dict[str, list[str]] = field(default_factory=dict)
    """Service id → the Service ids it depends on, per the catalogue."""
    problems: list[str] = field(default_factory=list)
    """Clashes and references that lead nowhere."""


def map_catalogue(catalogue: Catalogue, index: RepoIndex | None = None) -> Mapped:
    mapped = Mapped()
    services = [e for e in catalogue.entities if e.kind in SERVICE_KINDS]
    for entity in services:
        sid = service_id(entity)
        if sid in mapped.entities:
            first = mapped.entities[sid]
            mapped.problems.append(
                f"{entity.file}:{entity.line}: {entity.ref} and {first.ref} both map to {sid}; "
                f"only {first.ref} is imported (rename one, or give it another namespace)"
            )
            continue
        mapped.entities[sid] = entity
        mapped.by_ref[entity.ref] = sid
    known = {}
    if index is not None:
        for record in index.of_kind(Service):
            source = record.model.metadata.labels.get("source")
            if source:
                known[source.lower()] = record.id

    def resolve(ref: str, default_kind: str | None, entity: Entity, field_name: str) -> str | None:
        target = catalogue.find(ref, default_kind)
        if target is not None and target.ref in mapped.by_ref:
            return mapped.by_ref[target.ref]
        kind, namespace, name = parse_ref(ref, default_kind)
        for candidate in (kind,) if kind else SERVICE_KINDS:
            full = f"{candidate}:{namespace}/{name}"
            if full in known:
                return known[full]
        unresolved.setdefault(entity.ref, []).append(
            f"{field_name} {ref}: no such Component, Resource or System among the files read "
            "or the records; left out"
        )
        return None

    depends: dict[str, list[str]] = {sid: [] for sid in mapped.entities}
    unresolved: dict[str, list[str]] = {}

    # The record imported from an entity before, under the id a person may have given it.
    current_id = {sid: known.get(e.ref, sid) for sid, e in mapped.entities.items()}

    def add(owner_sid: str, dep: str | None) -> None:
        if dep is not None and dep != owner_sid:
            dep = current_id.get(dep, dep)
        if dep is not None and dep != current_id[owner_sid] and dep not in depends[owner_sid]:
            depends[owner_sid].append(dep)

    for sid, entity in mapped.entities.items():
        for ref in _refs(entity.spec.get("dependsOn")):
            add(sid, resolve(ref, None, entity, "dependsOn"))
        for ref in _refs(entity.spec.get("dependencyOf")):
            other = resolve(ref, None, entity, "dependencyOf")
            if other is not None and other in depends:
                add(other, sid)
        for ref in _refs(entity.spec.get("subcomponentOf")):
            parent = resolve(ref, "component", entity, "subcomponentOf")
            if parent is not None and parent in depends:
                add(parent, sid)
        for ref in _refs(entity.spec.get("system")):
            system = resolve(ref, "system", entity, "system")
            if system is not None and system in depends:
                add(system, sid)
    mapped.depends = {sid: sorted(deps) for sid, deps in depends.items()}
    # The catalogue decides on the Services it maps and those imported from it before; any
    # other id a person put in dependsOn (a Supplier, a Service it does not list) stays.
    decided = frozenset({*mapped.entities, *known.values()})
    for sid, entity in mapped.entities.items():
        plan = _plan(sid, entity, mapped.depends[sid], catalogue)
        plan.source_entries[("spec", "dependsOn")] = decided
        plan.notes.extend(unresolved.get(entity.ref, []))
        mapped.plans.append(plan)
    return mapped


_REF_FIELDS = ("dependsOn", "dependencyOf", "subcomponentOf", "system")


def _shape_notes(entity: Entity) -> list[str]:
    """What the entity holds in a shape the importer cannot read (an owner that is a table,
    a dependsOn entry that is empty), each left out: said, never dropped without a word."""
    from itsm_cli.records.errors import show

    notes = []
    for name in ("title", "description"):
        value = entity.metadata.get(name)
        if value is not None and not isinstance(value, str):
            notes.append(f"metadata.{name} {show(value)} is not text; left out")
    owner = entity.spec.get("owner")
    if owner is not None and not isinstance(owner, str):
        notes.append(f"spec.owner {show(owner)} is not an entity reference; left out")
    for name in _REF_FIELDS:
        value = entity.spec.get(name)
        entries = value if isinstance(value, list) else [value]
        for i, entry in enumerate(entries):
            if entry is not None and isinstance(entry, (str, int, float)):
                continue
            if entry is None and not isinstance(value, list):
                continue  # the field is simply not there
            where = f"spec.{name}[{i}]" if isinstance(value, list) else f"spec.{name}"
            shown = "(empty)" if entry is None else show(entry)
            notes.append(f"{where} {shown} is not an entity reference; left out")
    return notes


def _plan(sid: str, entity: Entity, depends_on: list[str], catalogue: Catalogue) -> PlannedRecord:
    notes: list[str] = _shape_notes(entity)
    if _has_lifecycle(entity):
        raw = str(entity.spec.get("lifecycle", "")).strip()
        lifecycle = LIFECYCLES.get(raw.lower(), "pipeline")
        if raw.lower() == "deprecated":
            notes.append("lifecycle deprecated: imported as live; plan its retirement")
        elif raw.lower() not in LIFECYCLES:
            notes.append(f"lifecycle {raw or '(none)'!r}: imported as pipeline")
    else:
        lifecycle = "live"
    title = entity.metadata.get("title")
    description = entity.metadata.get("description")
    if not isinstance(description, str) or not description.strip():
        if description is None or isinstance(description, str):
            notes.append("description: not in the catalogue; a placeholder to replace")
        description = (
            f"{entity.kind.capitalize()} {entity.name} of the Backstage catalogue "
            "(no description there: say what it does for its customers)"
        )
    criticality = "medium"
    for holder in (entity.metadata.get("labels"), entity.metadata.get("annotations")):
        if isinstance(holder, dict):
            value = holder.get("itsm/criticality") or holder.get("criticality")
            if str(value).lower() in ("critical", "high", "medium", "low"):
                criticality = str(value).lower()
                break
    else:
        notes.append("criticality: not in the catalogue, set to medium for a person to decide")
    for unmapped in ("providesApis", "consumesApis"):
        if entity.spec.get(unmapped):
            notes.append(f"{unmapped}: APIs are not records; left out")
    owner = _owner(entity, catalogue)
    given = entity.spec.get("owner")
    if given is None or (isinstance(given, str) and not given.strip()):
        notes.append("owner: the catalogue names none; fill in the accountable person or role")
    data: dict[str, Any] = {
        "apiVersion": "itsm/v1",
        "kind": "Service",
        "metadata": {
            "id": sid,
            "title": str(title).strip() if isinstance(title, str) and title.strip()
            else entity.name,
            "owner": owner,
            "status": "draft",
            "labels": {"source": entity.ref},
        },
        "spec": {
            "description": description.strip(),
            "lifecycle": lifecycle,
            "criticality": criticality,
            "dependsOn": depends_on,
        },
    }
    return PlannedRecord(
        kind="Service",
        id=sid,
        source=entity.ref,
        data=data,
        owned=OWNED,
        notes=notes,
        header=f"Imported from the Backstage catalogue ({entity.ref}) by `itsm import "
        "backstage`; a draft until a person approves it.",
    )


# --- drift --------------------------------------------------------------------------------


def _has_lifecycle(entity: Entity) -> bool:
    """Whether the entity's lifecycle decides its Service's: always for a Component; for a
    System or Resource (whose kinds define none) only when the catalogue gives one anyway."""
    return entity.kind == "component" or "lifecycle" in entity.spec


def in_production(entity: Entity) -> bool:
    """Entities in production: by their lifecycle (`_has_lifecycle`), else Systems and
    Resources."""
    if _has_lifecycle(entity):
        return str(entity.spec.get("lifecycle", "")).strip().lower() == "production"
    return entity.kind in ("system", "resource")


def _finding(
    code: str, message: str, file: str, line: int, record: str | None,
    column: int = 1, path: tuple[str, ...] = (),
) -> Finding:
    from itsm_cli.rules import all_rules

    rule = all_rules()[code]
    return Finding(
        rule=code, severity=rule.severity, message=message, file=file, line=line,
        column=column, record=record, path=path, clauses=rule.clauses, hint=rule.hint,
    )


def find_drift(catalogue: Catalogue, index: RepoIndex) -> list[Finding]:
    """What the catalogue and the records disagree on (DRF001–DRF004)."""
    mapped = map_catalogue(catalogue, index)
    services = {r.id: r for r in index.of_kind(Service)}
    by_source = {
        r.model.metadata.labels["source"].lower(): r.id
        for r in services.values()
        if "source" in r.model.metadata.labels
    }
    covered = {sid for sla in index.of_kind(SLA) for sid in sla.model.spec.services}
    matched: dict[str, str] = {}  # Service id in the records → Service id per the catalogue
    findings: list[Finding] = []
    for sid, entity in mapped.entities.items():
        record_id = by_source.get(entity.ref) or (sid if sid in services else None)
        if record_id is None:
            if in_production(entity):
                findings.append(_finding(
                    "DRF001",
                    f"{entity.ref} is in production in the catalogue but no Service records "
                    f"it (expected {sid}, or a Service with labels.source {entity.ref})",
                    entity.file, entity.line, None,
                ))
            continue
        matched[record_id] = sid
        if in_production(entity) and record_id not in covered:
            findings.append(_finding(
                "DRF002",
                f"{entity.ref} is in production but its Service {record_id} is covered by no SLA",
                entity.file, entity.line, record_id,
            ))
    catalogue_to_record = {sid: rid for rid, sid in matched.items()}
    for record_id, record in services.items():
        if record.model.metadata.status.value == "retired":
            continue
        if record_id not in matched:
            findings.append(_finding(
                "DRF003",
                f"Service {record_id} has no entity in the catalogue files read",
                record.file, record.line, record_id,
            ))
            continue
        wanted = {
            catalogue_to_record.get(dep, dep) for dep in mapped.depends[matched[record_id]]
        }
        have = {d for d in record.model.spec.depends_on if d in services}
        if wanted != have:
            parts = []
            if wanted - have:
                parts.append(f"only in the catalogue: {', '.join(sorted(wanted - have))}")
            if have - wanted:
                parts.append(f"only in the record: {', '.join(sorted(have - wanted))}")
            line, column = record.position(("spec", "dependsOn"))
            findings.append(_finding(
                "DRF004",
                f"dependencies of {record_id} differ from the catalogue's ({'; '.join(parts)})",
                record.file, line, record_id, column, ("spec", "dependsOn"),
            ))
    findings.sort(key=lambda f: f.sort_key())
    return findings


def entity_lines(entities: Iterable[Entity]) -> list[str]:
    return [f"{e.file}:{e.line}: {e.ref}" for e in entities]
