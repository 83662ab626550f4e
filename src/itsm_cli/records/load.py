"""From files on disk to validated records: discovery, parsing, schema validation.

Every problem becomes a finding; nothing here raises for bad input. Only a missing path named
on the command line is an `InputError` (a usage error, exit 2).
"""

from __future__ import annotations

import contextlib
import errno
import gc
import io
import os
import re
import signal
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from itsm_cli.config import DEFAULT_MAX_BYTES
from itsm_cli.findings import (
    FINDINGS_PER_FILE,
    FieldPath,
    Finding,
    Severity,
    format_path,
    more_findings,
)
from itsm_cli.records import codes, errors
from itsm_cli.records.identity import keyed_path
from itsm_cli.records.models import API_VERSION, KINDS, Record
from itsm_cli.records.yamlread import (
    Document,
    ParsedFile,
    Position,
    one_line,
    read_yaml_bytes,
    too_large,
)

if TYPE_CHECKING:
    from itsm_cli.records.cache import FileKey, ResultsCache

R = TypeVar("R", bound=Record)
T = TypeVar("T")
U = TypeVar("U")
YAML_SUFFIXES = (".yaml", ".yml")


class InputError(Exception):
    """A path named by the user does not exist (usage error)."""


@dataclass(slots=True)
class LoadedRecord(Generic[R]):
    """A validated record with where it came from."""

    model: R
    file: str
    """Path relative to the repository root."""
    document: Document
    id: str = field(init=False)
    """`model.metadata.id`, kept: the index and the rules ask for it hundreds of thousands
    of times in a run over 10,000 records."""

    def __post_init__(self) -> None:
        self.id = self.model.metadata.id

    @property
    def kind(self) -> str:
        return self.model.KIND

    @property
    def line(self) -> int:
        return self.document.line

    def position(self, path: FieldPath = ()) -> Position:
        """Line and column of `path`, or of its nearest written parent."""
        positions = self.document.positions
        while path not in positions and path:
            path = path[:-1]
        return positions.get(path, (self.document.line, self.document.column))

    def finding(
        self,
        rule: str,
        severity: Severity,
        message: str,
        path: FieldPath = (),
        clauses: Iterable[str] = (),
        hint: str = "",
    ) -> Finding:
        line, column = self.position(path)
        return Finding(
            rule=rule,
            severity=severity,
            message=one_line(message),  # it may quote text of the record: one line always
            file=self.file,
            line=line,
            column=column,
            record=self.id,
            path=path,
            clauses=tuple(clauses),
            hint=hint,
            path_key=keyed_path(self.model, path),
        )

    def record_code_finding(
        self, code: codes.RecordCode, message: str, path: FieldPath = (), hint: str | None = None
    ) -> Finding:
        """A finding of a record-level code (E003, E004) about this record."""
        line, column = self.position(path)
        found = code.finding(
            one_line(message), self.file, line, column, hint=hint, record=self.id, path=path
        )
        key = keyed_path(self.model, path)
        return found.with_changes(path_key=key) if key else found


@dataclass(frozen=True, slots=True)
class Omission:
    """A record (or a whole file) that is not in the index, so no rule or report sees it:
    reports say so at the top rather than silently counting one supplier fewer."""

    record: str | None
    """The record's id, when it has one that could be read."""
    file: str
    line: int
    """Where the first finding that explains it is."""
    rule: str
    """That finding's code."""
    reason: str
    """Why, in words: `failed validation`, `could not be read`, …"""
    whole_file: bool = False
    """The entry stands for a file (its records could not be told apart), not one record."""

    @classmethod
    def of(cls, finding: Finding, reason: str, whole_file: bool = False) -> Omission:
        record = None if whole_file else finding.record
        return cls(record, finding.file, finding.line, finding.rule, reason, whole_file)

    @property
    def subject(self) -> str:
        """`SUP-X`, `a record in x.yaml`, or the file itself."""
        if self.record:
            return self.record
        return self.file if self.whole_file else f"a record in {self.file}"

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def text(self) -> str:
        """`SUP-X failed validation (E002 at suppliers/x.yaml:7)`."""
        return f"{self.subject} {self.reason} ({self.rule} at {self.location})"


@dataclass(frozen=True, slots=True)
class InvalidRecord:
    """A document with an id that failed validation, as written (for `itsm diff`, which
    compares it field by field with the other side)."""

    id: str
    kind: str
    file: str
    line: int
    data: dict[str, Any] | None
    """None when the file did not parse and only its text named the id."""


@dataclass(slots=True)
class LoadResult:
    records: list[LoadedRecord[Record]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)
    """Ids (with their kind, when known) of records that failed validation; references to
    them are not reported again as missing."""
    left_out: list[Omission] = field(default_factory=list)
    """The documents (or files) that yielded no record, each with the finding that says why."""
    invalid: list[InvalidRecord] = field(default_factory=list)
    """The documents behind `broken` that have an id."""

    def extend(self, other: LoadResult) -> None:
        self.records.extend(other.records)
        self.findings.extend(other.findings)
        self.files.extend(other.files)
        self.broken.update(other.broken)
        self.left_out.extend(other.left_out)
        self.invalid.extend(other.invalid)


def relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(path, root)).as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def _file_finding(rule: str, message: str, file: str, hint: str | None = None) -> Finding:
    """An error about a whole file (or folder), placed on its line 1."""
    return codes.record_finding(rule, message, file, hint=hint)


def outside_finding(rel: str, what: str) -> Finding:
    """E006: `what` ("link", "this path") at `rel` leads outside the repository."""
    return _file_finding(
        "E006",
        f"{what} leads outside the repository; refused",
        rel,
        codes.E006_OUTSIDE,
    )


def discover(paths: Sequence[Path], root: Path) -> tuple[list[tuple[Path, str]], list[Finding]]:
    """YAML files under `paths` as (absolute path, repo-relative path), sorted, and the
    E006 findings for links or paths that lead outside the repository."""
    root = root.resolve()
    found: dict[str, Path] = {}
    findings: list[Finding] = []
    for given in paths:
        absolute = given if given.is_absolute() else Path.cwd() / given
        normal = Path(os.path.normpath(absolute))
        # `./a/../a/x.yaml` is `a/x.yaml` (never a second file of the same records), unless
        # a link in the way makes `..` lead elsewhere.
        with contextlib.suppress(OSError):
            if normal != absolute and os.path.samefile(normal, absolute):
                absolute = normal
        if not absolute.exists() and not absolute.is_symlink():
            raise InputError(f"path not found: {given}")
        rel = relative(absolute, root)
        if absolute.is_symlink() and _loops(absolute):
            findings.append(loop_finding(rel, _link_target(absolute)))
            continue
        if not _inside(absolute, root):
            # Worded as the walk and the Git snapshot word a link, so that `diff` sees the
            # same finding on both sides (a records root that is a link, read at a commit).
            what = (
                "this path" if not absolute.is_symlink()
                else "folder link" if absolute.is_dir() else "file link"
            )
            findings.append(outside_finding(rel, what))
            continue
        if absolute.is_file():
            found[rel] = absolute
            continue
        if not absolute.is_dir():
            findings.append(_special(absolute, rel))
            continue
        _walk(absolute, "" if rel == "." else rel, root, found, findings)
    return [(found[rel], rel) for rel in sorted(found)], findings


def _walk(
    folder: Path, rel: str, root: Path, found: dict[str, Path], findings: list[Finding]
) -> None:
    """Every YAML file below `folder` (hidden entries skipped), with `os.scandir` so each
    entry's type comes with the listing: 10,000 files are found without 10,000 extra
    system calls. Links are never followed out of the repository; a folder that cannot be
    read, a link that loops and a submodule are findings, never skipped without a word. A
    folder link to a folder elsewhere in the repository is walked under the link's name
    (each such folder once); one to a folder below `folder` is not: its files are read
    where they are."""
    pending = [(str(folder), rel)]
    walked = [os.path.realpath(folder)]
    while pending:
        current, prefix = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            findings.append(unreadable_folder(prefix or ".", exc))
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            entry_rel = f"{prefix}/{name}" if prefix else name
            try:
                if entry.is_symlink():
                    if not name.endswith(YAML_SUFFIXES) and not entry.is_dir():
                        continue  # a link to a file that is no record: not ours to judge
                    problem = _link_problem(Path(entry.path), entry_rel, root)
                    if problem is not None:
                        findings.append(problem)
                    elif name.endswith(YAML_SUFFIXES) and entry.is_file():
                        found[entry_rel] = Path(entry.path)
                    elif name.endswith(YAML_SUFFIXES) and not entry.is_dir():
                        findings.append(_special(Path(entry.path), entry_rel))
                    elif entry.is_dir():
                        real = os.path.realpath(entry.path)
                        if _within(os.path.realpath(current), real):
                            # A link to its own folder or one above it: following it would
                            # walk the same folders again and again.
                            findings.append(
                                folder_loop_finding(entry_rel, _link_target(Path(entry.path)))
                            )
                        elif not any(_within(real, done) for done in walked):
                            walked.append(real)
                            pending.append((entry.path, entry_rel))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if os.path.lexists(os.path.join(entry.path, ".git")):
                        findings.append(submodule_finding(entry_rel))
                    else:
                        pending.append((entry.path, entry_rel))
                elif name.endswith(YAML_SUFFIXES):
                    if entry.is_file(follow_symlinks=False):
                        found[entry_rel] = Path(entry.path)
                    else:  # a FIFO, socket or device: opening it could block forever
                        findings.append(_not_regular(entry_rel))
            except OSError as exc:
                findings.append(
                    _file_finding(
                        "E001", f"cannot read: {exc.strerror or exc}", entry_rel,
                        codes.E001_ENTRY_PERMISSIONS,
                    )
                )


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _link_problem(path: Path, rel: str, root: Path) -> Finding | None:
    """The finding for a link that loops (E001) or leads outside the repository (E006);
    None for a link that may be followed."""
    if _loops(path):
        return loop_finding(rel, _link_target(path))
    if not _inside(path, root):
        return outside_finding(rel, "folder link" if path.is_dir() else "file link")
    return None


def _loops(path: Path) -> bool:
    """Whether following the link at `path` never ends (ELOOP)."""
    try:
        os.stat(path)
    except OSError as exc:
        return exc.errno == errno.ELOOP
    return False


def _link_target(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def loop_finding(rel: str, target: str) -> Finding:
    """E001: the link at `rel` (to `target`) loops: following it never ends."""
    return _file_finding(
        "E001",
        f"link loop: following its target '{target}' never ends (a cycle of links); not read",
        rel,
        codes.E001_LINK_LOOP,
    )


def folder_loop_finding(rel: str, target: str) -> Finding:
    """E001: the folder link at `rel` (to `target`) leads to the folder that holds it, or
    one above it."""
    return _file_finding(
        "E001",
        f"link loop: its target '{target}' is a folder that holds the link, "
        "so following it never ends; not followed (the records there are read once, where "
        "they are)",
        rel,
        codes.E001_LINK_LOOP,
    )


def unreadable_folder(rel: str, exc: OSError) -> Finding:
    """E001: the folder at `rel` cannot be listed, so none of its records is read."""
    return _file_finding(
        "E001",
        f"cannot read folder: {exc.strerror or exc}; none of its records is read",
        rel,
        codes.E001_FOLDER_PERMISSIONS,
    )


def submodule_finding(rel: str) -> Finding:
    """E006: a Git submodule (or a repository nested in the working tree) under the records
    root. Its files belong to another repository, with its own history: they are not read,
    in the working tree as at a commit, and saying so keeps the refusal visible."""
    return _file_finding(
        "E006",
        "submodule (another Git repository): its files are not read as records; refused",
        rel,
        codes.E006_SUBMODULE,
    )


def _special(path: Path, rel: str) -> Finding:
    """E001 for a record path that is neither a file nor a folder: a link to nothing, or
    (through a link or not) a pipe, socket or device. Never opened: a pipe would block."""
    if path.is_symlink() and not path.exists():
        return broken_link_finding(rel, _link_target(path))
    return _not_regular(rel)


def broken_link_finding(rel: str, target: str) -> Finding:
    """E001: the link at `rel` points at `target`, which does not exist."""
    return _file_finding(
        "E001",
        f"broken link: its target '{target}' does not exist",
        rel,
        codes.E001_BROKEN_LINK,
    )


def _not_regular(rel: str) -> Finding:
    return _file_finding(
        "E001",
        "not a regular file (a pipe, socket or device); not read",
        rel,
        codes.E001_NOT_REGULAR,
    )


def _raw_id(data: dict[str, Any]) -> str | None:
    meta = data.get("metadata")
    if isinstance(meta, dict) and isinstance(meta.get("id"), str):
        return str(meta["id"])
    return None


def _doc_finding(
    rule: str, message: str, file: str, doc: Document, path: FieldPath, record: str | None,
    hint: str | None = None, report_at: FieldPath | None = None,
) -> Finding:
    """A finding about `path` of a document, placed where `report_at` (default: `path`), or
    its nearest written parent, is."""
    positions = doc.positions
    at = path if report_at is None else report_at
    while at not in positions and at:
        at = at[:-1]
    line, column = positions.get(at, (doc.line, doc.column))
    found = codes.record_finding(
        # An empty hint (a schema error with no advice of its own) takes the code's.
        rule, one_line(message), file, line, column, hint=hint or None, record=record, path=path
    )
    key = keyed_path(doc.data, path)
    return found.with_changes(path_key=key) if key else found


PLACEHOLDER = "<fill in"
"""Start of the placeholder values `itsm new` writes (`<fill in: what the service does>`);
a record holding one is not finished, so it fails validation (E002)."""


def _placeholder_findings(doc: Document, file: str, record_id: str | None) -> list[Finding]:
    found = []
    todo: list[tuple[FieldPath, Any]] = [((), doc.data)]
    while todo:
        path, value = todo.pop()
        if isinstance(value, str):
            if value.startswith(PLACEHOLDER):
                what = value[len(PLACEHOLDER) :].strip(" :>") or "a value"
                found.append(
                    _doc_finding(
                        "E002", f"{format_path(path)}: placeholder not filled in: {what}",
                        file, doc, path, record_id,
                        codes.E002_PLACEHOLDER,
                    )
                )
        elif isinstance(value, dict):
            todo.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            todo.extend(((*path, i), v) for i, v in enumerate(value))
    return sorted(found, key=lambda f: (f.line, f.column))


def validate_document(
    doc: Document, file: str, placeholders: bool = True, room: int | None = None
) -> tuple[LoadedRecord[Record] | None, list[Finding]]:
    """One parsed document → a validated record, or the findings that explain why not.
    `placeholders=False` skips the search for unfilled `<fill in: …>` values (when the
    caller knows the file holds none). With `room`, at most that many validation errors
    are described and the rest are one summary finding (`findings.more_findings`)."""
    data = doc.data
    if not isinstance(data, dict):
        shape = "a list" if isinstance(data, list) else f"the value {data!r}"
        return None, [
            _doc_finding(
                "E002",
                f"a record must be a mapping with apiVersion, kind, metadata and spec, not {shape}",
                file,
                doc,
                (),
                None,
                codes.E002_START,
            )
        ]
    record_id = _raw_id(data)
    api, kind = data.get("apiVersion"), data.get("kind")
    if api is None or kind is None:
        missing = "apiVersion" if api is None else "kind"
        return None, [
            _doc_finding(
                "E002", f"missing required field '{missing}'", file, doc, (), record_id,
                f"Add `{missing}:` at the top of the record.",
            )
        ]
    if api != API_VERSION:
        guess = errors.suggest(api, [API_VERSION]) if isinstance(api, str) else None
        tip = f" (did you mean '{guess}'?)" if guess else f" (supported: {API_VERSION})"
        return None, [
            _doc_finding(
                "E005", f"unknown apiVersion {errors.show(api)}{tip}", file, doc,
                ("apiVersion",), record_id, None,
            )
        ]
    model_cls = KINDS.get(kind) if isinstance(kind, str) else None
    if model_cls is None:
        if isinstance(kind, str):
            guess = errors.suggest(kind, list(KINDS))
            message = f"unknown kind '{kind}'" + (f" (did you mean '{guess}'?)" if guess else "")
        else:
            message = f"unknown kind: {errors.show(kind)} where a kind name is expected"
        return None, [
            _doc_finding(
                "E005", message, file, doc, ("kind",),
                record_id, None,
            )
        ]
    unfilled = _placeholder_findings(doc, file, record_id) if placeholders else []
    try:
        model = model_cls.model_validate(data)
    except ValidationError as exc:
        found = list(unfilled)
        marked = {f.path for f in unfilled}
        # One more than room, to place the summary, and one more per placeholder finding
        # (each stands in for an error that is then skipped).
        limit = None if room is None else room + 1 + len(unfilled)
        described = errors.describe_all(exc, model_cls, limit)
        for path, report_at, message, hint in described:
            if path in marked:
                continue  # the placeholder finding says it better
            found.append(
                _doc_finding("E002", message, file, doc, path, record_id, hint, report_at)
            )
        if room is not None and len(found) > room:
            hidden = len(found) - room + exc.error_count() - len(described)
            found[room:] = [more_findings(found[room], hidden)]
        return None, found
    if unfilled:
        return None, unfilled
    record: LoadedRecord[Record] = LoadedRecord(model, file, doc)
    problems = [
        _doc_finding("E002", message, file, doc, path, record_id)
        for path, message in model.problems()
    ]
    return (None if problems else record), problems


def _empty_file(file: str) -> Finding:
    hint = codes.E002_EMPTY_FILE
    return _file_finding("E002", "the file holds no record", file, hint)


_ID_IN_TEXT = re.compile(
    rb"(?:^[ \t]*|[{,][ \t]*)id:[ \t]*[\"']?([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*)[\"']?"
    rb"[ \t]*(?=[,}#\r\n]|$)",
    re.MULTILINE,
)
"""An `id: X` entry (block or flow) whose value has the form of a record id."""


@dataclass(slots=True)
class _ReadFile:
    """One file parsed, with what validation needs from its bytes (so the bytes themselves
    need not travel between processes)."""

    rel: str
    parsed: ParsedFile
    placeholders: bool = False
    text_ids: tuple[str, ...] = ()


_SHARED: dict[Any, Any] = {}
"""One object for each field path and each (line, column) met so far: every Service has a
`("metadata", "id")` and most records a position `(3, 3)`, and positions are kept for every
record while the command runs (a third of the memory of a large repository held them)."""


def _shared_positions(
    positions: Mapping[FieldPath, Position],
) -> Mapping[FieldPath, Position]:
    """The same positions with shared keys and values. Positions are only ever looked up
    (`in`, `get`), never listed, so an equal path standing for another (`1` and `true` are
    equal keys) changes nothing. Positions from the results cache are packed already."""
    if not isinstance(positions, dict):
        return positions
    shared: Callable[[Any, Any], Any] = _SHARED.setdefault
    return {shared(path, path): shared(pos, pos) for path, pos in positions.items()}


_FIELDS_SETS: dict[tuple[type, frozenset[str]], set[str]] = {}
"""One `__pydantic_fields_set__` for each model class and set of fields written."""


def _share_fields_sets(model: BaseModel) -> None:
    """Give every (sub)model of a record the one fields-set object of its class and fields.

    Pydantic keeps a set of the fields given in each model instance: at 10,000 records,
    55,000 sets and 23 MB, nearly half the memory of the models, with a few hundred distinct
    values. Records are only read once loaded, and `model_copy` copies the set it changes,
    so sharing them changes nothing but memory."""
    shared = _FIELDS_SETS
    todo: list[Any] = [model]
    while todo:
        current = todo.pop()
        own = current.__pydantic_fields_set__
        cls = type(current)
        one = shared.setdefault((cls, frozenset(own)), own)
        if one is not own:
            object.__setattr__(current, "__pydantic_fields_set__", one)
        values = current.__dict__
        names = _SUBMODEL_FIELDS.get(cls)
        if names is None:
            names = _submodel_fields(cls)
        for name in names:
            value = values[name]
            if value is None:
                continue
            if isinstance(value, BaseModel):
                todo.append(value)
            elif type(value) is list or type(value) is tuple:
                todo.extend(item for item in value if isinstance(item, BaseModel))
            elif type(value) is dict:
                todo.extend(item for item in value.values() if isinstance(item, BaseModel))


_SUBMODEL_FIELDS: dict[type, tuple[str, ...]] = {}
"""The fields of each model class whose type can hold a model (the rest are never walked)."""


def _submodel_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    names = tuple(
        name for name, info in cls.__pydantic_fields__.items() if _holds_model(info.annotation)
    )
    _SUBMODEL_FIELDS[cls] = names
    return names


def _holds_model(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    # Any, object or a bare container could hold anything: walk it, as before.
    if annotation is Any or annotation is object or annotation in (list, tuple, dict):
        return True
    return any(_holds_model(arg) for arg in get_args(annotation))


def _parse_bytes(data: bytes, rel: str, max_bytes: int) -> _ReadFile:
    parsed = read_yaml_bytes(data, rel, max_bytes)
    # Documents the parser refused still name records that exist: remember their ids
    # (found by a plain text search) so references to them are not also reported as
    # missing (E004) until the file is fixed.
    ids = tuple(raw.decode("ascii") for raw in _ID_IN_TEXT.findall(data)) if parsed.findings else ()
    return _ReadFile(rel, parsed, PLACEHOLDER.encode() in data, ids)


def _read_one(path: Path, rel: str, max_bytes: int) -> _ReadFile:
    data, problem = read_file(path, rel, max_bytes)
    if data is None:
        return _ReadFile(rel, ParsedFile(findings=[problem] if problem else []))
    return _parse_bytes(data, rel, max_bytes)


def _add(read: _ReadFile, result: LoadResult, keep_data: bool = True) -> None:
    """Validate one parsed file's documents into `result`. Without `keep_data` the plain
    data of each valid record is dropped once its model is built (only `diff` and `history`
    compare plain data; the rest read models and positions)."""
    file, parsed = read.rel, read.parsed
    for doc in parsed.documents:
        doc.positions = _shared_positions(doc.positions)
    result.files.append(file)
    result.findings.extend(parsed.findings)
    if parsed.findings:
        # One entry per file: after a syntax error, or between refused documents, the
        # parser cannot say how many records the file held.
        first = min(parsed.findings, key=lambda f: (f.line, f.column))
        reason = "could not be read in full" if parsed.documents else "could not be read"
        result.left_out.append(Omission.of(first, reason, whole_file=True))
    records = 0
    shown = len(parsed.findings)
    for doc in parsed.documents:
        if doc.data is None:
            continue
        records += 1
        room = max(0, FINDINGS_PER_FILE - shown)  # the rest is counted, not described
        record, found = validate_document(doc, file, read.placeholders, room)
        shown += len(found)
        if record is not None:
            _share_fields_sets(record.model)
            result.records.append(record)
            if not keep_data:
                doc.data = None
        else:
            result.findings.extend(found)
            if found:
                first = min(found, key=lambda f: (f.line, f.column))
                result.left_out.append(Omission.of(first, "failed validation"))
            if isinstance(doc.data, dict):
                raw_id = _raw_id(doc.data)
                if raw_id:
                    kind = str(doc.data.get("kind", ""))
                    result.broken[raw_id] = kind
                    result.invalid.append(InvalidRecord(raw_id, kind, file, doc.line, doc.data))
    if records == 0 and not parsed.findings:
        result.findings.append(_empty_file(file))
    documented = {record.id for record in result.invalid if record.file == file}
    for raw_id in read.text_ids:
        result.broken.setdefault(raw_id, "")
        if raw_id not in documented:
            # Known only from the text of a file that did not parse: `itsm diff` shows the
            # record as changed and invalid, not as removed. Its kind and data are unknown.
            result.invalid.append(InvalidRecord(raw_id, "", file, 1, None))


def load_bytes(data: bytes, file: str, result: LoadResult, max_bytes: int) -> None:
    """Parse and validate one file's bytes into `result`."""
    _add(_parse_bytes(data, file, max_bytes), result)


PARALLEL_FROM = 400
"""Files from which parsing is shared with a second process (below, forking costs more
than it saves)."""


def parallel_map(func: Callable[[T], U], items: list[T], parallel: bool = False) -> list[U]:
    """`[func(item) for item in items]`, computed as `parallel_imap` does."""
    return list(parallel_imap(func, items, parallel))


PARENT_SHARE = 0.3
"""The part of the files the loader parses itself: it also validates every record, its own
and the child's as they arrive, so the child takes the larger part (10,000 files: parse
108 µs, pickle 14 µs and unpickle 15 µs each, validation 46 µs: the two processes are done
together at about 0.28)."""

_FRAME = 8
"""Bytes of the length that precedes each result in the child's file."""


def parallel_imap(
    func: Callable[[T], U],
    items: list[T],
    parallel: bool = False,
    parent_share: float = 0.5,
) -> Generator[U, None, None]:
    """`func(item) for item in items`, in order, the last part computed in a forked child
    process when there are many items and a second core: libyaml's parsing is most of the
    time of every command on a large repository. The results must pickle. `parent_share` is
    the part the parent computes itself: a half when the caller does little with each
    result, less when it has work of its own per result (the loader validates each record).

    The child writes each result to an unlinked temporary file as it is computed, and the
    parent, its own part done, reads them back one at a time while the child goes on: neither
    process ever holds them all (at 100,000 records a child that kept its half until the end
    peaked at 516 MB), and the parent's work on the child's results overlaps the child's.
    Whatever goes wrong with the child, the results it did not deliver are computed here
    instead, so the output never depends on it.

    Only with `parallel` (the CLI sets it): a library must not fork its caller's process
    unasked, which may hold threads, locks or open connections."""
    if (
        not parallel
        or len(items) < PARALLEL_FROM
        or not hasattr(os, "fork")
        or (os.cpu_count() or 1) < 2
    ):
        yield from (func(item) for item in items)
        return
    # Imported here: only a repository of PARALLEL_FROM files or more forks a reader.
    import pickle
    import tempfile

    middle = int(len(items) * parent_share)
    try:
        # A file, not a pipe: the child never waits for the parent to make room. The pipe
        # only wakes the parent when it has caught up with the child.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the `with` below
        wake_read, wake_write = os.pipe()
    except OSError:
        yield from (func(item) for item in items)
        return
    with spool, contextlib.ExitStack() as pipes:
        pipes.callback(_close, wake_read)
        try:
            child = os.fork()
        except OSError:
            _close(wake_write)
            yield from (func(item) for item in items)
            return
        if child == 0:  # pragma: no cover - runs in the child process
            status = 1
            try:
                os.close(wake_read)
                os.set_blocking(wake_write, False)
                buffer = io.BytesIO()
                for item in items[middle:]:
                    buffer.seek(0)
                    buffer.truncate()
                    # A pickler per result: each stands alone (no memo across results).
                    pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(func(item))
                    body = buffer.getvalue()
                    _write_all(spool.fileno(), len(body).to_bytes(_FRAME, "little") + body)
                    with contextlib.suppress(BlockingIOError):  # full: the parent is behind
                        os.write(wake_write, b".")
                status = 0
            finally:
                os._exit(status)
        _close(wake_write)
        try:
            for item in items[:middle]:
                yield func(item)
        except BaseException:
            # The caller stopped early, or the parent's part failed: the child's work is not wanted.
            with contextlib.suppress(OSError):
                os.kill(child, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(child, 0)
            raise
        delivered = 0
        try:
            for body in _frames(spool.fileno(), wake_read, len(items) - middle):
                result = pickle.loads(body)
                yield result
                delivered += 1
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            pass  # the rest is computed below
        finally:
            if delivered < len(items) - middle:
                with contextlib.suppress(OSError):
                    os.kill(child, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(child, 0)
        yield from (func(item) for item in items[middle + delivered :])


def _frames(spool: int, wake: int, count: int) -> Iterator[bytes]:
    """The results the child has written to `spool` (a length, then the pickle), as they
    come: when the parent has caught up it waits on `wake`, which the child writes a byte to
    after each result and which reads as ended when the child has exited. Stops early when
    the child ended without writing them all."""
    offset = 0
    ended = False
    for _ in range(count):
        while True:
            head = os.pread(spool, _FRAME, offset)
            if len(head) == _FRAME:
                size = int.from_bytes(head, "little")
                body = os.pread(spool, size, offset + _FRAME)
                if len(body) == size:
                    break
            if ended:
                return  # the child is gone and this result never came
            # Not written yet (or only in part): wait for the child's next result or its end.
            ended = not os.read(wake, 65536)
        offset += _FRAME + size
        yield body


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def _read_all(
    files: list[tuple[Path, str]], max_bytes: int, parallel: bool
) -> Iterator[_ReadFile]:
    return parallel_imap(
        lambda file: _read_one(file[0], file[1], max_bytes), files, parallel, PARENT_SHARE
    )


def load_pieces(
    items: list[tuple[str, bytes]], max_bytes: int, parallel: bool = False
) -> list[LoadResult]:
    """One LoadResult per (repo-relative path, bytes); with `parallel`, parsed in two
    processes when many."""
    reads = parallel_map(
        lambda item: _parse_bytes(item[1], item[0], max_bytes), items, parallel
    )
    pieces = []
    for read in reads:
        piece = LoadResult()
        _add(read, piece)
        pieces.append(piece)
    return pieces


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Loading creates millions of small acyclic objects; the cyclic garbage collector would
    rescan the growing heap again and again (a third of the load time, measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # The loaded records live until the command ends: move them out of the collector's
        # sight, or its first pass afterwards scans them all (0.6 s for 10,000 records).
        gc.freeze()
        if enabled:
            gc.enable()


def load_files(
    files: Iterable[tuple[Path, str]],
    max_bytes: int = DEFAULT_MAX_BYTES,
    keep_data: bool = True,
    parallel: bool = False,
    cache: ResultsCache | None = None,
) -> LoadResult:
    """Load and validate `files` ((path, repo-relative path) pairs). `parallel`: parse in a
    second, forked process when there are many files (opt-in; see `parallel_imap`). With a
    results `cache`, files whose bytes are unchanged since it last saw them are not parsed
    again (validation still runs), and what the others gave is stored in it."""
    with no_gc_pauses():
        if cache is None:
            return _load_files(files, max_bytes, keep_data, parallel)
        return _load_cached(list(files), max_bytes, keep_data, parallel, cache)


def read_file(path: Path, rel: str, max_bytes: int) -> tuple[bytes | None, Finding | None]:
    """A file's bytes, or the finding that says why it is not read (too large, unreadable).
    A file over the limit is never read into memory just to be refused."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, too_large(rel, size, max_bytes)
        return path.read_bytes(), None
    except OSError as exc:
        message = f"cannot read file: {exc.strerror or exc}"
        return None, _file_finding("E001", message, rel, codes.E001_PERMISSIONS)


def _load_files(
    files: Iterable[tuple[Path, str]], max_bytes: int, keep_data: bool, parallel: bool
) -> LoadResult:
    result = LoadResult()
    for read in _read_all(list(files), max_bytes, parallel):
        _add(read, result, keep_data)
    return result


_Stored = tuple["FileKey", bytes] | None
"""What a freshly read file gives the cache: its key and entry (None: nothing to keep)."""


def _read_for_cache(path: Path, rel: str, max_bytes: int) -> tuple[_ReadFile, _Stored]:
    """`_read_one`, with the entry the cache keeps of the result (encoded here, so that
    the forked child encodes its part)."""
    from itsm_cli.records import cache

    try:
        stat = os.stat(path)  # before reading: a change in between shows on the next run
    except OSError:
        return _read_one(path, rel, max_bytes), None
    data, problem = read_file(path, rel, max_bytes)
    if data is None:
        return _ReadFile(rel, ParsedFile(findings=[problem] if problem else [])), None
    read = _parse_bytes(data, rel, max_bytes)
    entry = cache.encode(cache.CachedRead(read.parsed, read.placeholders, read.text_ids))
    return read, None if entry is None else (cache.file_key(stat, data), entry)


def _load_cached(
    files: list[tuple[Path, str]],
    max_bytes: int,
    keep_data: bool,
    parallel: bool,
    cache: ResultsCache,
) -> LoadResult:
    # Which files the cache holds first (to hand the others to the parallel reader), their
    # entries then one at a time: all of them decoded at once would double the peak memory.
    hits = [cache.probe(path, rel, max_bytes) for path, rel in files]
    misses = [file for file, hit in zip(files, hits, strict=True) if hit is None]
    fresh = parallel_imap(
        lambda file: _read_for_cache(file[0], file[1], max_bytes), misses, parallel, PARENT_SHARE
    )
    result = LoadResult()
    with contextlib.closing(fresh):  # closed, the generator waits for a forked child
        for (path, rel), hit in zip(files, hits, strict=True):
            stored: _Stored = None
            if hit is None:
                read, stored = next(fresh)
            elif (found := cache.fetch(rel, hit)) is not None:
                read = _ReadFile(rel, found.parsed, found.placeholders, found.text_ids)
            else:  # a damaged entry: read the file here
                read, stored = _read_for_cache(path, rel, max_bytes)
            if stored is not None:
                cache.store(rel, *stored)
            _add(read, result, keep_data)
    cache.save()
    return result
