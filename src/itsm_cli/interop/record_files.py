"""Writing imported records without losing what a person added.

An importer describes each record it would write as a `PlannedRecord`: the whole record for
a new file, and the fields it owns (those it computes from the other tool's files). A record
that exists already (found by its `metadata.labels.source`, else by its id) gets only its
owned fields updated, through ruamel.yaml's round-trip mode, so every other field, comment
and the key order stay; when no owned field differs, the file is not written at all, so
importing twice changes no byte. What the importer could not map is kept as comments at the
top of the record (added once).
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itsm_cli.authoring.writer import WriteError, write_atomic
from itsm_cli.records.identity import IDENTITY_KEYS
from itsm_cli.records.index import RepoIndex, Repository
from itsm_cli.records.workspace import Workspace
from itsm_cli.records.yamlread import read_yaml_bytes

FieldPath = tuple[str, ...]


@dataclass
class PlannedRecord:
    """A record an importer would write."""

    kind: str
    id: str
    source: str
    """Where it comes from (`component:default/pay-api`), kept in `metadata.labels.source`."""
    data: dict[str, Any]
    """The whole record, envelope included, for a new file."""
    owned: tuple[FieldPath, ...]
    """The fields the importer owns and updates on a re-import."""
    notes: list[str] = field(default_factory=list)
    """What could not be mapped: listed in the output and kept as comments."""
    header: str = ""
    """The first comment line of a new file (what wrote it)."""
    targets: list[dict[str, Any]] = field(default_factory=list)
    """Agreement targets merged by id into `spec.targets` (an SLO import): each imported one
    is added or has its figures updated; targets a person added stay."""
    adopt: bool = False
    """Update this record whatever its source (the user named it: `--agreement ID`)."""
    source_entries: dict[FieldPath, frozenset[str]] = field(default_factory=dict)
    """For an owned list: the entries the source decides on (each there or not as the source
    says). Any other entry a person wrote is kept by a re-import: what the source cannot know
    (a catalogue knows no Suppliers, nor a Service it does not list)."""
    undecided_targets: list[dict[str, Any]] = field(default_factory=list)
    """Targets whose window is for a person to choose, into an existing agreement: never
    added there with a placeholder (the agreement would stop validating, and the next import
    could not find it), only kept up to date in a target of the same id a person added."""
    taken_hint: str = ""
    """What to do when the id is held by a record imported from another source (`--agreement
    ID` for an SLO import): said with the refusal."""

    @property
    def folder(self) -> str:
        """Folder under the records root for a new file: its kind's (`Record.FOLDER`)."""
        from itsm_cli.records.models import KINDS

        return KINDS[self.kind].FOLDER


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    record: str
    file: str
    action: str
    """created | updated | unchanged | refused"""
    detail: str = ""


def _get(tree: Any, path: FieldPath) -> Any:
    node = tree
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    return node


_MISSING = object()


def _plain(value: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists, for comparison."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _ruamel(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        return CommentedMap((k, _ruamel(v)) for k, v in value.items())
    if isinstance(value, list):
        seq = CommentedSeq(_ruamel(v) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def _set(tree: Any, path: FieldPath, value: Any) -> None:
    from ruamel.yaml.comments import CommentedMap

    node = tree
    for key in path[:-1]:
        if key not in node or not isinstance(node[key], dict):
            node[key] = CommentedMap()
        node = node[key]
    key = path[-1]
    node[key] = _merged(node[key], value) if key in node else _ruamel(value)


def _item_key(value: Any) -> tuple[str, Any] | None:
    """What tells an entry of an owned list apart (as a fingerprint tells it), so that a
    person's comment on it stays with it."""
    if isinstance(value, dict):
        for key in IDENTITY_KEYS:
            if key in value and not isinstance(value[key], (dict, list)):
                return key, _plain(value[key])
    return None


def _merged(current: Any, new: Any) -> Any:
    """`current` (a node read from the file) made equal to `new` in place where their shapes
    agree, so that the comments ruamel keeps on its maps, lists and entries stay with what
    they were written next to; an entry of a list is matched by its id (or name, ref,
    category, date), else by equal value. What no longer exists goes, with its comments."""
    if _plain(current) == new:
        return current
    if isinstance(current, dict) and isinstance(new, dict):
        for key in [k for k in current if k not in new]:
            del current[key]
        for key, value in new.items():
            current[key] = _merged(current[key], value) if key in current else _ruamel(value)
        return current
    if isinstance(current, list) and isinstance(new, list):
        return _merged_list(current, new)
    return _ruamel(new)


def _merged_list(current: Any, new: list[Any]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    if not isinstance(current, CommentedSeq):
        return _ruamel(new)
    unused = list(range(len(current)))
    chosen: list[tuple[int | None, Any]] = []
    for value in new:
        key = _item_key(value)
        match = next((i for i in unused if _plain(current[i]) == value), None)
        if match is None and key is not None:
            match = next((i for i in unused if _item_key(_plain(current[i])) == key), None)
        if match is None:
            chosen.append((None, _ruamel(value)))
        else:
            unused.remove(match)
            chosen.append((match, _merged(current[match], value)))
    comments = dict(current.ca.items)
    del current[:]
    current.ca.items.clear()
    for position, (was, item) in enumerate(chosen):
        current.append(item)
        if was is not None and was in comments:
            current.ca.items[position] = comments[was]
    return current


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    return yaml


def _comment_block(lines: Sequence[str]) -> str:
    return "".join(f"# {line}\n" for line in lines)


def render_new(planned: PlannedRecord) -> str:
    """The text of a new record file: header and notes as comments, then the record."""
    out = io.StringIO()
    _yaml().dump(_ruamel(planned.data), out)
    comments = [planned.header] if planned.header else []
    comments += [f"not mapped: {note}" for note in planned.notes]
    return _comment_block(comments) + out.getvalue()


def _existing(index: RepoIndex, planned: PlannedRecord) -> tuple[str, str] | None:
    """(file, id) of the record this plan updates: the one with its source, else its id."""
    by_id = None
    for record in index.records:
        if record.kind != planned.kind:
            continue
        if record.model.metadata.labels.get("source") == planned.source:
            return record.file, record.id
        if record.id == planned.id:
            by_id = (record.file, record.id)
    return by_id


TARGET_FIGURES = ("metric", "objective", "comparator", "unit", "window")
"""What an SLO import owns of a target it wrote; a window left to a person stays theirs, and
so does the metric of a target the import could only call `other`."""


def _merge_targets(
    doc: Any, imported: list[dict[str, Any]], undecided: list[dict[str, Any]]
) -> bool:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    spec = doc.setdefault("spec", CommentedMap())
    targets = spec.get("targets")
    if not isinstance(targets, list):
        targets = spec["targets"] = CommentedSeq()
    changed = False
    for target in [*imported, *undecided]:
        existing = next(
            (t for t in targets if isinstance(t, dict) and t.get("id") == target["id"]), None
        )
        if existing is None and target in undecided:
            continue  # for a person to add, with the window they choose
        if existing is None:
            item = _ruamel(target)
            item.fa.set_flow_style()
            targets.append(item)
            changed = True
            continue
        for key in TARGET_FIGURES:
            value = target.get(key)
            if value is None:
                continue
            if key == "window" and str(value).startswith("<fill in") and existing.get(key):
                continue
            if key == "metric" and value == "other" and existing.get(key):
                continue  # `other` is the import's "cannot tell": a person's metric stays
            if existing.get(key) != value:
                existing[key] = value
                changed = True
    return changed


def _update(path: Path, record_id: str, planned: PlannedRecord) -> tuple[bytes, bytes] | None:
    """(old bytes, new bytes) of the file with the owned fields of `record_id` updated;
    None when nothing changes."""
    original = path.read_bytes()
    text = original.decode("utf-8-sig")
    yaml = _yaml()
    head, tail = _split_tail(text)
    documents = list(yaml.load_all(head))
    changed = False
    for doc in documents:
        if not isinstance(doc, dict) or _get(doc, ("metadata", "id")) != record_id:
            continue
        for owned in planned.owned:
            new = _get(planned.data, owned)
            if new is _MISSING:
                continue
            current = _plain(_get(doc, owned))
            decided = planned.source_entries.get(owned)
            if decided is not None and isinstance(new, list) and isinstance(current, list):
                new = [*new, *(e for e in current if e not in decided and e not in new)]
            if current != new:
                _set(doc, owned, new)
                changed = True
        if (planned.targets or planned.undecided_targets) and _merge_targets(
            doc, planned.targets, planned.undecided_targets
        ):
            changed = True
    missing_notes = [n for n in planned.notes if f"not mapped: {n}" not in text]
    if not changed and not missing_notes:
        return None
    out = io.StringIO()
    if len(documents) == 1:
        yaml.dump(documents[0], out)
    else:
        yaml.dump_all(documents, out)
    body = out.getvalue() + tail
    new_text = _comment_block([f"not mapped: {n}" for n in missing_notes]) + body
    bom = b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b""
    return original, bom + new_text.encode("utf-8")


def _split_tail(text: str) -> tuple[str, str]:
    """The file's text before the comment lines it ends with (after its last value), and
    those lines. ruamel would keep them on the last node it read, which an update may
    replace or follow with new entries; they are set aside and written back at the end."""
    lines = text.split("\n")
    end = len(lines)
    while end and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    start = end
    while start < len(lines) and not lines[start].strip():
        start += 1
    tail = "\n".join(lines[start:]).rstrip("\n")
    return "\n".join(lines[:end]) + "\n", (tail + "\n" if tail else "")


def _is_ours(path: Path, planned: PlannedRecord) -> bool:
    """Whether the file holds one record, `planned`'s id, written from the same source."""
    parsed = read_yaml_bytes(path.read_bytes(), path.name)
    if parsed.findings or len(parsed.documents) != 1:
        return False
    data = parsed.documents[0].data
    meta = data.get("metadata") if isinstance(data, dict) else None
    if not isinstance(meta, dict) or meta.get("id") != planned.id:
        return False
    labels = meta.get("labels")
    return planned.adopt or (isinstance(labels, dict) and labels.get("source") == planned.source)


def _other_source(path: Path, planned: PlannedRecord) -> str | None:
    """The `labels.source` of `planned`'s id in the file, when an import from another
    source wrote it."""
    try:
        parsed = read_yaml_bytes(path.read_bytes(), path.name)
    except OSError:
        return None
    for doc in parsed.documents:
        meta = doc.data.get("metadata") if isinstance(doc.data, dict) else None
        if not isinstance(meta, dict) or meta.get("id") != planned.id:
            continue
        labels = meta.get("labels")
        source = labels.get("source") if isinstance(labels, dict) else None
        if isinstance(source, str) and source != planned.source and not planned.adopt:
            return source
    return None


def _update_file(
    path: Path, file: str, planned: PlannedRecord, dry_run: bool, record_id: str | None = None
) -> WriteOutcome:
    record_id = record_id or planned.id
    try:
        change = _update(path, record_id, planned)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return WriteOutcome(record_id, file, "refused", f"cannot update: {exc}")
    if change is None:
        return WriteOutcome(record_id, file, "unchanged")
    if not dry_run:
        try:
            write_atomic(path, change[1], expected=change[0])
        except WriteError as exc:
            return WriteOutcome(record_id, file, "refused", str(exc))
    return WriteOutcome(record_id, file, "updated")


def write_planned(
    workspace: Workspace, repository: Repository, plans: Sequence[PlannedRecord], dry_run: bool
) -> list[WriteOutcome]:
    """Create or update each planned record; a dry run reports what would happen. A record
    whose id is written in a file that fails validation is not written again elsewhere
    (that would be a second record of the id, E003, once the file is fixed)."""
    index = repository.index
    invalid = repository.invalid_records()
    outcomes: list[WriteOutcome] = []
    for planned in plans:
        found = _existing(index, planned)
        if found is not None:
            file, record_id = found
            path = workspace.root / file
            source = next(
                (r.model.metadata.labels.get("source") for r in index.records
                 if r.id == record_id and r.kind == planned.kind),
                None,
            )
            if source != planned.source and not planned.adopt:
                why = (
                    f"{record_id} was imported from {source}; not touched"
                    + (f" ({planned.taken_hint})" if planned.taken_hint else "")
                    if source
                    else f"{record_id} exists and was not imported (add `labels: {{source: "
                    f"{planned.source}}}` to it to let the import update what it owns); not "
                    "touched"
                )
                outcomes.append(WriteOutcome(record_id, file, "refused", why))
                continue
            outcomes.append(_update_file(path, file, planned, dry_run, record_id))
            continue
        path = workspace.records_root / planned.folder / f"{planned.id.lower()}.yaml"
        rel = Path(os.path.relpath(path, workspace.root)).as_posix()
        try:
            ours = path.is_file() and not path.is_symlink() and _is_ours(path, planned)
            taken = path.exists() or path.is_symlink()
        except OSError as exc:  # a name too long for the file system, a folder not readable
            why = f"cannot use {rel}: {exc.strerror or exc}; not written"
            outcomes.append(WriteOutcome(planned.id, rel, "refused", why))
            continue
        if ours:
            # Our own draft from an earlier import that does not validate yet (placeholders
            # still to fill in), so the index does not hold it: update it all the same.
            outcomes.append(_update_file(path, rel, planned, dry_run))
            continue
        if planned.id in invalid:
            broken, errors = invalid[planned.id]
            other = _other_source(workspace.root / broken.file, planned)
            if other:
                # A draft of another importer, its placeholders not filled in yet: fixing it
                # would not let this import write there either.
                why = (
                    f"{planned.id} was imported from {other} into {broken.file}, which does "
                    f"not validate yet ({', '.join(errors)}); not touched"
                )
                if planned.taken_hint:
                    why += (
                        " (fill in its placeholders, `itsm validate` says where; then "
                        f"{planned.taken_hint})"
                    )
            else:
                why = (
                    f"{planned.id} is written in {broken.file}, which does not validate "
                    f"({', '.join(errors)}: `itsm validate` says where); fix it, then import "
                    "again; not written"
                )
            outcomes.append(WriteOutcome(planned.id, broken.file, "refused", why))
            continue
        if taken:
            outcomes.append(
                WriteOutcome(planned.id, rel, "refused",
                             f"{rel} exists and holds other records; not overwritten")
            )
            continue
        if not dry_run:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(path, render_new(planned).encode("utf-8"), exclusive=True)
            except (WriteError, OSError) as exc:
                outcomes.append(WriteOutcome(planned.id, rel, "refused", str(exc)))
                continue
        outcomes.append(WriteOutcome(planned.id, rel, "created"))
    return outcomes
