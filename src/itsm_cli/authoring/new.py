"""`itsm new KIND ID`: a new record from its kind's template, in the conventional folder.

The template (`scaffold/new/<kind>.yaml`) holds every required field. Where a value is
needed it holds a placeholder, `"<fill in: what to write>"`, which the loader reports as an
E002 finding ("placeholder not filled in: …") until it is replaced: a half-written record
cannot pass `itsm validate` by accident. `--set path=value` and the interactive prompts
fill values in; the result is written in the canonical layout (`fmt`), with the schema
modeline for editor completion.
"""

from __future__ import annotations

import io
import os
import re
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from itsm_cli.authoring.fmt import format_text
from itsm_cli.authoring.writer import WriteError, ensure_inside, write_text
from itsm_cli.findings import Finding, format_path
from itsm_cli.records.errors import allowed_keys, model_at, suggest
from itsm_cli.records.fields import ID_PATTERN
from itsm_cli.records.load import PLACEHOLDER, InputError, validate_document
from itsm_cli.records.models import KINDS
from itsm_cli.records.workspace import Workspace
from itsm_cli.records.yamlread import read_yaml_bytes, resolve_plain

FOLDERS = {kind: cls.FOLDER for kind, cls in KINDS.items()}
"""The conventional folder of each kind under the records root (README, section Records),
as each kind's class declares it (`Record.FOLDER`)."""

SCHEMAS_DIR = "schemas"
MODELINE = "# yaml-language-server: $schema="

Ask = Callable[[str, str], str]
"""(field path, what to write) → the answer; "" keeps the placeholder."""


class NewError(Exception):
    """The record cannot be created as asked (a usage error: exit 2)."""


@dataclass(frozen=True, slots=True)
class NewRecord:
    """A record written by `itsm new`."""

    path: Path
    file: str
    """Path relative to the repository root."""
    kind: str
    id: str
    text: str
    findings: list[Finding]
    """What `itsm validate` says about it on its own: the placeholders left to fill in."""


def canonical_kind(text: str) -> str:
    """`sla`, `Sla`, `capacity-plan` → the kind's name; `NewError` for an unknown kind."""
    wanted = text.replace("-", "").replace("_", "").lower()
    for kind in KINDS:
        if kind.lower() == wanted:
            return kind
    guess = suggest(text, list(KINDS))
    tip = f" (did you mean {guess}?)" if guess else ""
    raise NewError(f"unknown kind '{text}'{tip}; kinds: {', '.join(KINDS)}")


MAX_FILE_NAME_BYTES = 255
"""The longest file name the common file systems take; `new` names the file after the id."""


def check_id(record_id: str) -> None:
    if re.fullmatch(ID_PATTERN, record_id):
        if len(f"{record_id}.yaml".encode()) > MAX_FILE_NAME_BYTES:
            raise NewError(
                f"'{record_id[:24]}…' is {len(record_id)} characters, too long to name its "
                f"file (at most {MAX_FILE_NAME_BYTES - len('.yaml')}); choose a shorter id"
            )
        return
    upper = record_id.upper()
    if re.fullmatch(ID_PATTERN, upper):
        raise NewError(f"'{record_id}' is not a valid id: ids are upper case (did you mean "
                       f"{upper}?)")
    raise NewError(
        f"'{record_id}' is not a valid id: capitals, digits and hyphens, starting with a "
        "capital, e.g. SLA-ACME-HOSTING"
    )


def record_path(workspace: Workspace, kind: str, record_id: str) -> Path:
    """Where `itsm new` writes a record: <records root>/<folder of the kind>/<id>.yaml."""
    return workspace.records_root / KINDS[kind].FOLDER / f"{record_id.lower()}.yaml"


def modeline(kind: str, file: Path, root: Path) -> str:
    """The yaml-language-server modeline pointing from `file` at the kind's schema."""
    schema = root / SCHEMAS_DIR / f"{kind.lower()}.schema.json"
    relative = Path(os.path.relpath(schema, file.parent)).as_posix()
    return MODELINE + relative


def template(kind: str) -> str:
    """The template text of a kind (package data)."""
    source = resources.files("itsm_cli.authoring").joinpath(
        "scaffold", "new", f"{kind.lower()}.yaml"
    )
    return source.read_text(encoding="utf-8")


# --- paths and values -------------------------------------------------------------------


def parse_path(text: str) -> list[str | int]:
    """`spec.targets.0.objective` → ["spec", "targets", 0, "objective"]."""
    parts: list[str | int] = []
    for part in text.split("."):
        if not part:
            raise NewError(f"'{text}' is not a field path (write it like spec.lifecycle)")
        parts.append(int(part) if part.isdigit() else part)
    return parts


def parse_value(text: str) -> Any:
    """A value as YAML 1.2 reads it (`99.9` a number, `[A, B]` a list, `no` the text "no");
    text that is not valid YAML on its own is taken as it is."""
    if not text.strip():
        return text
    parsed = read_yaml_bytes(text.encode("utf-8"), "--set")
    if parsed.findings or len(parsed.documents) != 1:
        return text
    value = parsed.documents[0].data
    return text if value is None else value


def _field(kind: str, path: Sequence[str | int]) -> Any:
    """The annotation of the field at `path`, or None when the schema does not say."""
    names = [p for p in path if isinstance(p, str)]
    if not names or isinstance(path[-1], int):
        return None
    model = model_at(KINDS[kind], tuple(path[:-1]))
    if model is None:
        return None
    for name, info in model.model_fields.items():
        if (info.alias or name) == path[-1]:
            return info.annotation
    return None


def _is_list(annotation: Any) -> bool:
    if typing.get_origin(annotation) is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


def check_set_path(kind: str, path: Sequence[str | int], shown: str) -> None:
    """Refuse a path the schema does not have (with a suggestion), or the envelope's
    fixed fields."""
    if tuple(path) in (("apiVersion",), ("kind",), ("metadata", "id"), ("metadata",), ()):
        # `metadata` whole would replace the id too
        raise NewError(f"--set {shown}: this field is fixed by `itsm new KIND ID`")
    for depth, part in enumerate(path):
        if isinstance(part, int):
            continue
        model = model_at(KINDS[kind], tuple(path[:depth]))
        if model is None:
            return  # a free mapping (labels) or a list of plain values
        keys = allowed_keys(model)
        if part not in keys:
            where = format_path(tuple(path[:depth])) or "the record"
            guess = suggest(part, keys)
            tip = f" (did you mean '{guess}'?)" if guess else f"; allowed: {', '.join(keys)}"
            raise NewError(f"--set {shown}: {where} has no field '{part}'{tip}")


_NEEDS_ESCAPES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def _ruamel_value(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        mapping = CommentedMap((k, _ruamel_value(v)) for k, v in value.items())
        mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        sequence = CommentedSeq(_ruamel_value(v) for v in value)
        sequence.fa.set_flow_style()
        return sequence
    if isinstance(value, str) and (
        resolve_plain(value) != value or _NEEDS_ESCAPES.search(value) is not None
    ):
        # Text our YAML 1.2 reader would take for something else (`.5e3` is a number to it,
        # not to ruamel), or holding characters that ruamel would write raw into a plain or
        # single-quoted scalar, where a reader folds NEL, LS and PS into spaces: double
        # quotes, in which they are escapes, so the record reads back exactly as written.
        from ruamel.yaml.scalarstring import DoubleQuotedScalarString

        return DoubleQuotedScalarString(value)
    return value


def _assign(node: Any, key: Any, value: Any) -> None:
    """node[key] = value, without ruamel's habit of keeping the old value's quotes."""
    node[key] = None
    node[key] = value


def _put(tree: Any, path: Sequence[str | int], value: Any, shown: str) -> None:
    from ruamel.yaml.comments import CommentedMap

    node = tree
    for depth, part in enumerate(path):
        last = depth == len(path) - 1
        if isinstance(node, list):
            if not isinstance(part, int) or part > len(node):
                raise NewError(f"--set {shown}: {format_path(tuple(path[:depth]))} is a list; "
                               f"give an index up to {len(node)}")
            if part == len(node):
                node.append(value if last else CommentedMap())
            elif last:
                _assign(node, part, value)
            node = node[part]
        elif isinstance(node, dict):
            if last:
                _assign(node, part, value)
            else:
                if not isinstance(node.get(part), (dict, list)):
                    node[part] = CommentedMap()
                node = node[part]
        else:
            raise NewError(f"--set {shown}: {format_path(tuple(path[:depth]))} holds a value, "
                           "not fields")


def set_value(tree: Any, kind: str, path: Sequence[str | int], value: Any, shown: str) -> None:
    """Set `value` at `path` (creating mappings on the way); a single value given for a
    list field becomes a one-item list."""
    check_set_path(kind, path, shown)
    if not isinstance(value, list) and _is_list(_field(kind, path)):
        value = [value]
    _put(tree, path, _ruamel_value(value), shown)


def placeholders(tree: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """(path, what to write) of each placeholder, in document order. A list holding only a
    placeholder is reported as the list."""
    found: list[tuple[tuple[str | int, ...], str]] = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            if len(node) == 1 and _is_placeholder(node[0]):
                found.append((path, _what(node[0])))
                return
            for index, value in enumerate(node):
                walk(value, (*path, index))
        elif _is_placeholder(node):
            found.append((path, _what(node)))

    walk(tree, ())
    return found


def _is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(PLACEHOLDER)


def _what(value: str) -> str:
    return value[len(PLACEHOLDER) :].strip(" :>")


def _answer(kind: str, path: Sequence[str | int], text: str) -> Any:
    if _is_list(_field(kind, path)) and not text.lstrip().startswith("["):
        return parse_value(f"[{text}]")
    return parse_value(text)


# --- the command ------------------------------------------------------------------------


def _existing_ids(
    workspace: Workspace, replacing: str | None
) -> tuple[dict[str, str], set[str]]:
    """Every record id in the repository (valid or not) → where it is, leaving out the file
    being replaced; and the ids that file holds."""
    from itsm_cli.records.index import load_repository

    if not workspace.records_root.is_dir():
        return {}, set()
    try:
        repository = load_repository(workspace, cross_checks=False)
    except InputError:
        return {}, set()
    index = repository.index
    found: dict[str, str] = {}
    replaced: set[str] = set()
    for record in index.records:
        if record.file == replacing:
            replaced.add(record.id)
        else:
            line = record.position(("metadata", "id"))[0]
            found.setdefault(record.id, f"{record.file}:{line}")
    files: dict[str, set[str]] = {}
    for finding in repository.findings:
        if finding.record in index.broken:
            files.setdefault(finding.record, set()).add(finding.file)
    for record_id in index.broken:
        where = files.get(record_id, set())
        if replacing is not None and where == {replacing}:
            replaced.add(record_id)
        else:
            shown = ", ".join(sorted(where)) or "a record"
            found.setdefault(record_id, f"{shown} (a record that does not validate yet)")
    return found, replaced


def _dump(tree: Any) -> str:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    out = io.StringIO()
    yaml.dump(tree, out)
    return out.getvalue()


def build_record(
    kind: str,
    record_id: str,
    file: Path,
    root: Path,
    title: str | None = None,
    sets: Iterable[tuple[str, str]] = (),
    ask: Ask | None = None,
) -> str:
    """The text of a new record: the template with the id, title, `--set` values and the
    answers to the prompts, in canonical layout with the schema modeline."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    tree = yaml.load(template(kind))
    _assign(tree["metadata"], "id", record_id)
    if title is not None:
        _assign(tree["metadata"], "title", _ruamel_value(title))
    for shown, text in sets:
        set_value(tree, kind, parse_path(shown), parse_value(text), shown)
    if ask is not None:
        for path, what in placeholders(tree):
            answer = ask(format_path(path), what).strip()
            if answer:
                set_value(tree, kind, list(path), _answer(kind, path, answer),
                          format_path(path))
    header = (
        f"{modeline(kind, file, root)}\n"
        f"# New {kind}: replace every \"<fill in: …>\" value, then run `itsm validate`.\n"
    )
    text, _ = format_text(header + _dump(tree))
    return text


def new_record(
    workspace: Workspace,
    kind_text: str,
    record_id: str,
    *,
    title: str | None = None,
    sets: Sequence[str] = (),
    ask: Ask | None = None,
    force: bool = False,
) -> NewRecord:
    """Create a record file; `NewError` says why not (bad kind, id or `--set`, id taken, file
    exists without `force`, cannot write)."""
    kind = canonical_kind(kind_text)
    check_id(record_id)
    pairs = []
    for item in sets:
        shown, sep, text = item.partition("=")
        if not sep or not shown.strip():
            raise NewError(f"--set {item}: write it as path=value, e.g. spec.lifecycle=live")
        pairs.append((shown.strip(), text))
    path = record_path(workspace, kind, record_id)
    rel = Path(os.path.relpath(path, workspace.root)).as_posix()
    taken, replaced = _existing_ids(workspace, rel if force else None)
    if record_id in taken:
        raise NewError(f"id {record_id} is already used: {taken[record_id]}")
    if path.exists() and not force:
        raise NewError(f"{rel} already exists (use --force to replace it)")
    others = sorted(replaced - {record_id})
    if others:
        raise NewError(f"{rel} also holds {', '.join(others)}; not replaced, even with --force")
    text = build_record(kind, record_id, path, workspace.root, title, pairs, ask)
    parsed = read_yaml_bytes(text.encode("utf-8"), rel)
    findings = list(parsed.findings)
    for doc in parsed.documents:
        findings.extend(validate_document(doc, rel)[1])
    try:
        ensure_inside(path, workspace.root, rel)  # before any folder is created
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text, exclusive=not force, within=workspace.root)
    except (WriteError, OSError) as exc:
        raise NewError(str(exc)) from exc
    return NewRecord(path, rel, kind, record_id, text, findings)

