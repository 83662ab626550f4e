"""The results cache: what reading a record file gave, kept between runs.

Reading (libyaml's events, our builder, the positions of every field) is most of the time of
every command; a second run over unchanged files, a pre-commit hook or a CI job with a
restored cache need not repeat it. One file per salt in the cache folder holds, for each
record file (by its path relative to the repository root), the size, modification time and
SHA-256 of its bytes when it was read, and what the parser made of them: the documents with
their data and positions, and the findings of reading. Schema validation, cross-record checks
and rules still run on every run, so their findings are exactly those of a run without it.

Safety and robustness, as ruff and mypy keep theirs:

* JSON only: nothing from the cache folder is ever unpickled or executed, and each entry
  carries a CRC-32, so a damaged byte is a miss, not a wrong result;
* the salt (the itsm version, the code that reads and validates records, the kinds' schemas,
  the settings that shape reading) names the file: any change starts afresh;
* a file's size and modification time decide a hit; when they differ (a fresh checkout) the
  SHA-256 of its bytes still can, and a file written in the last two seconds is always
  hashed (a second change within the same clock tick would not move its time);
* every write is a temporary file renamed into place: a crash, a concurrent writer or a
  truncated file costs only time (the last writer wins; what the other stored is read again
  on the next run).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
import zlib
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any, BinaryIO

from itsm_cli import __version__
from itsm_cli.findings import FieldPath, Finding, Severity
from itsm_cli.records.atomic import replace_file
from itsm_cli.records.yamlread import Document, ParsedFile, Position

CACHE_DIR = ".itsm_cache"
"""The cache folder, at the repository root unless `--cache-dir` or `ITSM_CACHE_DIR` say."""
ENV_VAR = "ITSM_CACHE_DIR"
FORMAT = 2
"""Version of the file layout below; part of the salt."""
_SUFFIX = ".results"
_KEEP_OTHER_SALTS = 2
"""Results files of other salts kept (another configuration, the previous release)."""
_RACY_SECONDS = 2.0
_COPY_CHUNK = 1 << 20
_GITIGNORE = "# Created by itsm: the results cache, safe to delete.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by itsm.\n"
)
# The parts of the package whose code or data decide what reading and validating a record
# gives: a change to any of them (a new field in a kind, a fix in the parser) is a new salt.
_SALTED_PACKAGES = ("itsm_cli.records", "itsm_cli.clauses")
_SALTED_MODULES = ("findings.py", "dates.py", "config.py")
# Settings a command may lay over the configuration (`--select`, `--fail-on`, …): they
# change what rules run, never what reading a file gives, so they stay out of the salt.
_UNSALTED_SETTINGS = frozenset({"select", "ignore", "fail_on", "edition"})


@dataclass(frozen=True, slots=True)
class FileKey:
    """What identifies the bytes of a record file: stat first, content hash second."""

    size: int
    mtime_ns: int
    digest: str
    """SHA-256 of the bytes, hexadecimal."""
    trusted: bool = True
    """False when the file was changed within `_RACY_SECONDS` of being read: its size and
    time then prove nothing and the next run hashes it."""


@dataclass(frozen=True, slots=True)
class CachedRead:
    """What the parser made of one file's bytes, as stored."""

    parsed: ParsedFile
    placeholders: bool
    text_ids: tuple[str, ...]


def salted_files() -> list[tuple[str, Path]]:
    """The modules and data files that reading and validation depend on, each with its
    path inside the package (`records/kinds/service.py`), subpackages included: the kinds
    live in one. Read from the package's folder (an install unpacks it; importlib's
    resources cost a few milliseconds of every start-up more)."""
    top = Path(__file__).resolve().parent.parent
    found = [(name, top / name) for name in _SALTED_MODULES]
    todo = [package.removeprefix("itsm_cli.").replace(".", "/") for package in _SALTED_PACKAGES]
    while todo:
        prefix = todo.pop(0)
        with os.scandir(top / prefix) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            if entry.is_dir():
                if entry.name != "__pycache__":
                    todo.append(f"{prefix}/{entry.name}")
            elif entry.is_file() and not entry.name.endswith((".pyc", ".pyo")):
                found.append((f"{prefix}/{entry.name}", Path(entry.path)))
    return found


def code_fingerprint() -> str:
    """SHA-256 of the files of `salted_files()`, names and bytes."""
    digest = hashlib.sha256(__version__.encode())
    for name, entry in salted_files():
        digest.update(name.encode() + b"\0")
        digest.update(entry.read_bytes())
    return digest.hexdigest()


def salt_for(settings: Mapping[str, Any]) -> str:
    """The salt of a cache for these settings (a dump of the configuration)."""
    relevant = {k: v for k, v in settings.items() if k not in _UNSALTED_SETTINGS}
    text = json.dumps(relevant, sort_keys=True, default=str)
    digest = hashlib.sha256(f"itsm {__version__} format {FORMAT}\n".encode())
    digest.update(code_fingerprint().encode())
    digest.update(text.encode())
    return digest.hexdigest()


# --- positions --------------------------------------------------------------------------

_KEY = "\x7f"
_INDEX = "~"
# Neither is escaped by JSON (a control character would take six bytes each time), and
# neither is found in record keys; a file whose keys hold one is simply not cached.
_SEPARATORS = (_KEY, _INDEX)
_COLUMN_BITS = 24


def _path_key(path: FieldPath) -> str:
    """A field path as one string, `\x7fspec\x7ftargets~0`: unambiguous because only
    files whose keys hold neither separator are cached."""
    return "".join(f"{_INDEX}{part:d}" if isinstance(part, int) else _KEY + part for part in path)


def _key_path(key: str) -> FieldPath:
    parts: list[str | int] = []
    start = 0
    for i in range(1, len(key) + 1):
        if i == len(key) or key[i] in _SEPARATORS:
            text = key[start + 1 : i]
            parts.append(int(text) if key[start] == _INDEX else text)
            start = i
    return tuple(parts)


_NEXT = "\n"
"""Between the keys of a document's positions; a key holding one is not cached."""


class PackedPositions(Mapping[FieldPath, Position]):
    """The positions of a cached document: kept as the compressed bytes the cache holds
    (a fifth of the memory of a dict of tuples) until a finding first asks where a field
    is (most records of a run are never asked); then one interned string per path, and the
    (line, column) pairs as one array of numbers."""

    __slots__ = ("_packed", "_raw", "_values")

    def __init__(self, raw: bytes) -> None:
        self._raw: bytes | None = raw
        self._packed: dict[str, int] = {}
        self._values: array[int] = array("q")

    def _table(self) -> dict[str, int]:
        if self._raw is not None:
            raw, self._raw = self._raw, None
            with contextlib.suppress(ValueError, UnicodeDecodeError, zlib.error):
                self._packed, self._values = _unpack(raw)  # the CRC held: it never fails
        return self._packed

    def __getitem__(self, path: FieldPath) -> Position:
        try:
            value = self._values[self._table()[_lookup_key(path)]]
        except (TypeError, ValueError) as exc:  # a part that is neither text nor a number
            raise KeyError(path) from exc
        return value >> _COLUMN_BITS, value & ((1 << _COLUMN_BITS) - 1)

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, tuple):
            return False
        try:
            return _lookup_key(path) in self._table()
        except (TypeError, ValueError):
            return False

    def __iter__(self) -> Iterator[FieldPath]:
        return (_key_path(key) for key in self._table())

    def __len__(self) -> int:
        return len(self._table())


_PATH_KEYS: dict[FieldPath, str | None] = {}
"""The key of each field path met so far (None: a path the cache cannot hold). Records of a
kind share most of their paths, so each is checked and joined once per run."""
_MAX_PATH_KEYS = 200_000


def _key_of(path: FieldPath) -> str | None:
    for part in path:
        kind = type(part)
        if kind is str:
            if _KEY in part or _INDEX in part or _NEXT in part:  # type: ignore[operator]
                return None
        elif kind is not int:  # a key `1`, `true` or `1.5`: not text
            return None
    return _path_key(path)


def _known_key(path: FieldPath) -> str | None:
    try:
        return _PATH_KEYS[path]
    except KeyError:
        key = _key_of(path)
        if len(_PATH_KEYS) < _MAX_PATH_KEYS:
            _PATH_KEYS[path] = key
        return key


def _lookup_key(path: FieldPath) -> str:
    """The key a stored path has; a path the cache cannot hold gets one no table holds."""
    return _known_key(path) or ("" if not path else _NEXT)


def _pack_positions(positions: Mapping[FieldPath, Position]) -> bytes | None:
    """The keys, one per line, then each (line, column) as one little-endian 64-bit number,
    compressed. None when a key is not text or holds a separator, or a column is past 16
    million: such files are not cached."""
    keys: list[str] = []
    values = array("q")
    for path, (line, column) in positions.items():
        key = _known_key(path)
        if key is None or column >> _COLUMN_BITS:
            return None
        keys.append(key)
        values.append(line << _COLUMN_BITS | column)
    if sys.byteorder == "big":
        values.byteswap()
    text = _NEXT.join(keys).encode()
    head = len(keys).to_bytes(4, "little") + len(text).to_bytes(4, "little")
    return zlib.compress(head + text + values.tobytes(), 1)


def _unpack(packed: bytes) -> tuple[dict[str, int], array[int]]:
    raw = zlib.decompress(packed)
    count, size = int.from_bytes(raw[:4], "little"), int.from_bytes(raw[4:8], "little")
    keys = raw[8 : 8 + size].decode().split(_NEXT) if count else []
    values = array("q")
    values.frombytes(raw[8 + size :])
    if len(keys) != count or len(values) != count:
        raise ValueError("not a table of positions")
    if sys.byteorder == "big":
        values.byteswap()
    # Interned: every Service's `metadata.id` key is one string for all of them.
    return dict(zip(map(sys.intern, keys), range(count), strict=True)), values


# --- entries ------------------------------------------------------------------------------

_TUPLE_FIELDS = frozenset(
    f.name
    for f in fields(Finding)
    if isinstance(f.default, tuple)
    or (f.default_factory is not MISSING and isinstance(f.default_factory(), tuple))
)


def _finding_fields(finding: Finding) -> dict[str, Any]:
    return {f.name: getattr(finding, f.name) for f in fields(Finding)}


def _finding(raw: Any) -> Finding:
    if not isinstance(raw, dict):
        raise ValueError("not a finding")
    values: dict[str, Any] = {k: tuple(v) if k in _TUPLE_FIELDS else v for k, v in raw.items()}
    values["severity"] = Severity(values["severity"])
    found = Finding(**values)
    if not (isinstance(found.line, int) and isinstance(found.column, int)):
        raise ValueError("not a position")
    return found


def encode(read: CachedRead) -> bytes | None:
    """An entry's bytes, or None for a file the cache does not keep (keys that are not
    text, values JSON cannot hold exactly). One line of JSON for the file (JSON escapes
    every line break inside a value), then the compressed positions of each document, their
    lengths in that line."""
    documents = []
    positions = []
    for doc in read.parsed.documents:
        packed = _pack_positions(doc.positions)
        if packed is None:
            return None
        documents.append([doc.data, doc.line, doc.column, doc.index])
        positions.append(packed)
    entry = {
        "documents": documents,
        "findings": [_finding_fields(f) for f in read.parsed.findings],
        "placeholders": read.placeholders,
        "ids": list(read.text_ids),
        "positions": [len(p) for p in positions],
    }
    try:
        head = json.dumps(entry, separators=(",", ":"), check_circular=True).encode()
    except (ValueError, TypeError, RecursionError):
        return None
    return b"".join([head, b"\n", *positions])


def decode(raw: bytes) -> CachedRead:
    """An entry back; raises ValueError (or another error of bad data) when it is damaged."""
    end = raw.index(b"\n")
    entry = json.loads(raw[:end])
    rows, lengths = entry["documents"], entry["positions"]
    if not (isinstance(rows, list) and isinstance(lengths, list) and len(rows) == len(lengths)):
        raise ValueError("not a list of documents")
    positions = []
    start = end + 1
    for length in lengths:
        positions.append(raw[start : start + length])
        start += length
    if start != len(raw):
        raise ValueError("not the documents' positions")
    documents = []
    for (data, line, column, index), packed in zip(rows, positions, strict=True):
        if not (isinstance(line, int) and isinstance(column, int) and isinstance(index, int)):
            raise ValueError("not a document")
        documents.append(Document(data, PackedPositions(packed), line, column, index))
    findings = [_finding(f) for f in entry["findings"]]
    ids = entry["ids"]
    if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids)):
        raise ValueError("not a list of ids")
    return CachedRead(ParsedFile(documents, findings), bool(entry["placeholders"]), tuple(ids))


def file_key(stat: os.stat_result, data: bytes) -> FileKey:
    """The key of `data`, read after `stat` was taken (so a change in between is seen as
    a change on the next run, never hidden)."""
    racy = abs(time.time() - stat.st_mtime_ns / 1e9) < _RACY_SECONDS
    return FileKey(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest(), not racy)


# --- the cache ----------------------------------------------------------------------------

_Row = tuple[int, int, bool, str, int, int, int]
"""size, mtime_ns, trusted, digest, offset, length, crc32 of the entry."""


@dataclass(frozen=True, slots=True)
class Hit:
    """A file whose entry the cache holds, not read yet."""

    rel: str
    row: _Row


class ResultsCache:
    """The cache of one records repository under one salt. Not shared between processes
    while in use: each run reads the file once and writes it back once (`save`)."""

    def __init__(self, directory: Path, salt: str) -> None:
        self.directory = directory
        self.salt = salt
        self.hits = 0
        self.misses = 0
        self._rows: dict[str, _Row] | None = None
        self._handle: BinaryIO | None = None
        """The results file read, open until `save`: entries are read one by one, never
        the whole file at once (a run holds only what it uses)."""
        self._base = 0
        self._fresh: dict[str, tuple[FileKey, int, int, int]] = {}
        """Entries stored this run: key, then offset, length and CRC-32 in `_spool`."""
        self._spool: BinaryIO | None = None
        """A temporary file holding the entries stored this run until `save` (at 100,000
        records, held in memory they were a sixth of the peak)."""
        self._spooled = 0
        self._rekeyed: dict[str, FileKey] = {}

    @classmethod
    def for_settings(cls, directory: Path, settings: Mapping[str, Any]) -> ResultsCache:
        return cls(directory, salt_for(settings))

    @property
    def file(self) -> Path:
        return self.directory / f"{self.salt[:24]}{_SUFFIX}"

    def _load(self) -> dict[str, _Row]:
        if self._rows is not None:
            return self._rows
        self._rows = {}
        handle = None
        try:
            handle = open(self.file, "rb")  # noqa: SIM115 - kept open until save()
            line = handle.readline()
            header = json.loads(line)
            if header.get("format") != FORMAT or header.get("salt") != self.salt:
                handle.close()
                return self._rows
            rows = header["files"]
            if not isinstance(rows, dict):
                handle.close()
                return self._rows
        except (OSError, ValueError, TypeError, KeyError, AttributeError, RecursionError):
            if handle is not None:
                handle.close()
            return self._rows  # no cache yet, or a damaged one: read everything again
        self._rows, self._handle, self._base = rows, handle, len(line)
        return self._rows

    def _raw(self, row: _Row) -> bytes | None:
        """An entry's bytes, if they are whole (their CRC-32 matches)."""
        if self._handle is None:
            return None
        try:
            offset, length, crc = row[4], row[5], row[6]
            raw = os.pread(self._handle.fileno(), length, self._base + offset)
        except (OSError, TypeError, IndexError, ValueError, OverflowError):
            return None
        return raw if len(raw) == length and zlib.crc32(raw) == crc else None

    def _entry(self, row: _Row) -> CachedRead | None:
        raw = self._raw(row)
        if raw is None:
            return None
        try:
            return decode(raw)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
            return None

    def lookup(self, path: Path, rel: str, max_bytes: int) -> CachedRead | None:
        """What reading `path` gave last time, if its bytes are unchanged; None otherwise
        (including a file over `max_bytes`, which is refused without being read)."""
        return self.fetch(rel, self.probe(path, rel, max_bytes))

    def probe(self, path: Path, rel: str, max_bytes: int) -> Hit | None:
        """Whether the cache holds what `path`'s bytes give (its entry is read by `fetch`,
        so a caller can sort every file first and hold one entry at a time)."""
        row = self._load().get(rel)
        if row is None:
            self.misses += 1
            return None
        try:
            stat = os.stat(path)
            size, mtime_ns, trusted, digest = row[0], row[1], row[2], row[3]
            if stat.st_size > max_bytes:
                self.misses += 1
                return None
            if not (trusted and stat.st_size == size and stat.st_mtime_ns == mtime_ns):
                data = path.read_bytes()
                key = file_key(stat, data)
                if key.digest != digest:
                    self.misses += 1
                    return None
                self._rekeyed[rel] = key
        except (OSError, TypeError, IndexError):
            self.misses += 1
            return None
        self.hits += 1
        return Hit(rel, row)

    def fetch(self, rel: str, hit: Hit | None) -> CachedRead | None:
        """The entry `probe` found, or None when it turns out damaged (then counted as a
        miss: the file must be read)."""
        if hit is None:
            return None
        found = self._entry(hit.row)
        if found is None:
            self._rekeyed.pop(rel, None)
            self.hits -= 1
            self.misses += 1
        return found

    def store(self, rel: str, key: FileKey, entry: bytes) -> None:
        try:
            if self._spool is None:
                import tempfile  # only a run that stores an entry needs it

                self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by save()
                self._spooled = 0
            self._spool.write(entry)
        except OSError:  # no room for it: this file is read again next time
            return
        self._fresh[rel] = (key, self._spooled, len(entry), zlib.crc32(entry))
        self._spooled += len(entry)
        self._rekeyed.pop(rel, None)

    def save(self) -> None:
        """Write what changed, and let go of what was read (the next lookup reads the file
        again). Any failure (a read-only folder, a full disk) is ignored: the cache only
        ever saves time."""
        try:
            if self._fresh or self._rekeyed:
                self._write()
        finally:
            self._fresh.clear()
            self._rekeyed.clear()
            if self._spool is not None:
                self._spool.close()
                self._spool = None
            if self._handle is not None:
                self._handle.close()
            self._rows, self._handle, self._base = None, None, 0

    def _write(self) -> None:
        """The entries go to a temporary body file as they are checked, the header (which
        holds their offsets) then leads the results file: never the whole cache in memory."""
        import tempfile

        with contextlib.suppress(OSError):
            self._prepare_folder()
            with tempfile.TemporaryFile(dir=self.directory) as body:
                header = self._write_body(body)
                head_line = json.dumps(
                    {"format": FORMAT, "salt": self.salt, "itsm": __version__,
                     "files": header},
                    separators=(",", ":"),
                ).encode()
                body.seek(0)
                # Not flushed to disk: a results file a power cut damaged fails its checksums
                # and costs one slower run, while a flush would slow every run.
                replace_file(self.file, _head_then_body(head_line + b"\n", body), durable=False)
            self._prune()

    def _write_body(self, body: BinaryIO) -> dict[str, list[Any]]:
        rows = self._load()
        header: dict[str, list[Any]] = {}
        offset = 0
        for rel, row in rows.items():
            if rel in self._fresh:
                continue
            raw = self._raw(row)
            if raw is None:
                continue
            try:
                key = self._rekeyed.get(rel)
                head = [key.size, key.mtime_ns, key.trusted, key.digest] if key else list(row[:4])
            except (TypeError, IndexError, AttributeError):
                continue
            header[rel] = [*head, offset, len(raw), row[6]]
            body.write(raw)
            offset += len(raw)
        if self._fresh and self._spool is not None:
            self._spool.flush()
            spool = self._spool.fileno()
            for rel, (key, start, length, crc) in self._fresh.items():
                raw = os.pread(spool, length, start)
                if len(raw) != length or zlib.crc32(raw) != crc:
                    continue
                header[rel] = [key.size, key.mtime_ns, key.trusted, key.digest, offset,
                               length, crc]
                body.write(raw)
                offset += length
        return header

    def _prepare_folder(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            with (
                contextlib.suppress(FileExistsError),
                open(self.directory / name, "x", encoding="utf-8") as out,
            ):
                out.write(text)

    def _prune(self) -> None:
        """Keep the results files of a few other salts (the last release, another
        configuration); older ones would only take room."""
        others = [p for p in self.directory.glob(f"*{_SUFFIX}") if p != self.file and _ours(p)]
        others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in others[_KEEP_OTHER_SALTS:]:
            with contextlib.suppress(OSError):
                stale.unlink()


_HEADER_START = b'{"format":'


def _ours(path: Path) -> bool:
    """Whether `path` is a results file we wrote (a folder named by --cache-dir may hold
    other files with the same suffix: those are never deleted)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(len(_HEADER_START)) == _HEADER_START
    except OSError:
        return False


def _head_then_body(head: bytes, body: BinaryIO) -> Iterator[bytes]:
    yield head
    yield from iter(lambda: body.read(_COPY_CHUNK), b"")
