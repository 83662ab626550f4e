"""`itsm fmt`: rewrite record files in the canonical form, losing nothing.

The canonical form (see `layout` for how it is computed):

* envelope keys in the order of the record format: `apiVersion`, `kind`, `metadata`, `spec`;
* `metadata` keys in model order (id, title, owner, status, approved, lastReviewed,
  reviewInterval, clauses, labels), `spec` keys and the keys of nested objects (targets,
  contracts, resources…) in the order of the kind's schema, except where the spec's
  `KEY_ORDER` (records/kinds/) gives a more readable document order (an SLA reads
  customer, services, validFrom, validUntil, serviceHours, workloadLimits, exceptions,
  targets, reporting, signatories);
* a key that is not in the schema (a typo, say) stays right after the key it followed;
* 2-space indentation, list dashes indented under their key;
* quoted dates unquoted where the schema says the field is a date;
* comments, quoting, block and flow styles, blank lines, the modeline: kept.

Safety: a file that does not parse (the loader's E001/E006 findings) is refused with the
same reason `itsm validate` gives. Every result is checked before it is offered: parsed
again, it must hold exactly the same data and the same comments as the original, or the
file is refused as an internal error and left alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import math
import os
import re
import typing
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from itsm_cli.authoring.layout import layout
from itsm_cli.authoring.writer import NotUtf8Error, encode_text, read_text, write_atomic
from itsm_cli.config import DEFAULT_MAX_BYTES
from itsm_cli.findings import FieldPath, Finding
from itsm_cli.records.errors import allowed_keys, model_at
from itsm_cli.records.load import discover, parallel_imap, read_file
from itsm_cli.records.models import KINDS, Record
from itsm_cli.records.yamlread import read_yaml_bytes

ENVELOPE = ("apiVersion", "kind", "metadata", "spec")
"""Top-level keys of a record, in the design's order."""

try:
    _Scanner: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Scanner = yaml.SafeLoader


@lru_cache(maxsize=512)
def key_order(kind: str | None, path: FieldPath) -> list[str] | None:
    """Canonical key order of the mapping at `path` in a record of `kind`; None when the
    mapping holds free keys (labels, Measurement values) or is not part of the schema."""
    if path == ():
        return list(ENVELOPE)
    cls: type[Record] = KINDS.get(kind or "", Record)
    model = model_at(cls, path)
    if model is None:
        return None
    keys = allowed_keys(model)
    first = [key for key in getattr(model, "KEY_ORDER", ()) if key in keys]
    return first + [key for key in keys if key not in first] or None


def _holds_date(annotation: Any) -> bool:
    if annotation is dt.date:
        return True
    return any(_holds_date(arg) for arg in typing.get_args(annotation))


@lru_cache(maxsize=512)
def is_date(kind: str | None, path: FieldPath) -> bool:
    """Whether the schema types the scalar at `path` as a date."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    if not path:
        return False
    cls: type[Record] = KINDS.get(kind or "", Record)
    model = model_at(cls, path[:-1])
    if model is None:
        return False
    for name, info in model.model_fields.items():
        if (info.alias or name) == path[-1]:
            return _holds_date(info.annotation)
    return False


# --- verification ----------------------------------------------------------------------------


def comments(text: str) -> Counter[str]:
    """Every comment's text in a YAML text (which must parse), found between the scanner's
    tokens, so it is independent of the layout code it checks."""
    found: Counter[str] = Counter()
    position = 0
    for token in yaml.scan(text, Loader=_Scanner):
        start = token.start_mark.index
        if start > position:
            for piece in text[position:start].split("\n"):
                if "#" in piece:
                    found[piece[piece.index("#") :].rstrip()] += 1
        position = max(position, token.end_mark.index)
    return found


def same_data(a: Any, b: Any) -> bool:
    """Equal values of equal types (1, 1.0 and True differ; NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_data(v, b[k]) for k, v in a.items())
    if isinstance(a, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


# --- one file ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a file is left as it is."""

    file: str
    line: int
    column: int
    reason: str

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class FormatOutcome:
    """The canonical form of one file, or why there is none."""

    file: str
    """Path relative to the repository root (or as given)."""
    original: bytes
    formatted: bytes | None = None
    """None when refused."""
    refusals: tuple[Refusal, ...] = ()
    kept: tuple[tuple[int, str], ...] = ()
    """(line, note) of what fmt left as written: a layout it cannot move, keys kept in
    their order in a document with aliases."""

    @property
    def changed(self) -> bool:
        return self.formatted is not None and self.formatted != self.original

    def diff(self) -> str:
        """Unified diff of the change (empty when nothing changes)."""
        if not self.changed or self.formatted is None:
            return ""
        before = self.original.decode("utf-8-sig", "replace").replace("\r\n", "\n")
        after = self.formatted.decode("utf-8-sig", "replace").replace("\r\n", "\n")
        lines = difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{self.file}",
            tofile=f"b/{self.file}",
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _refused(file: str, data: bytes, findings: Sequence[Finding]) -> FormatOutcome:
    return FormatOutcome(
        file,
        data,
        refusals=tuple(
            Refusal(file, f.line, f.column, f"{f.rule} {f.message}") for f in findings
        ),
    )


_ODD_BREAKS = ("\r", "\x85", "\u2028", "\u2029")


_KEEP_HEADER = re.compile(r"([|>][1-9]?)\+([1-9]?)(?=\s*(?:#.*)?\Z)")


def _strip_final_keep_chomping(text: str) -> str | None:
    """The text with its last block scalar's `|+` (keep) header turned into `|-` (strip), when
    that scalar runs to the end of a file without a final newline; None when there is none.

    Such a scalar's value has no final line break; moved up by a key reordering, a `|+` block
    would gain the line break that now follows it. `|-` gives the same value anywhere."""
    last = None
    for event in yaml.parse(text, Loader=_Scanner):
        if isinstance(event, yaml.ScalarEvent):
            last = event
    if last is None or last.style not in ("|", ">"):
        return None
    start_mark, end_mark = last.start_mark, last.end_mark
    if start_mark is None or end_mark is None or end_mark.index < len(text.rstrip()):
        return None
    start = start_mark.index
    line_end = text.find("\n", start)
    header = text[start : line_end if line_end >= 0 else len(text)]
    changed = _KEEP_HEADER.sub(r"\1-\2", header, count=1)
    if changed == header:
        return None
    return text[:start] + changed + text[start + len(header) :]


def _first_other_line_ending(data: bytes) -> int | None:
    """The line (1-based) of the first line ending that differs from the first one, if the
    file mixes LF and CRLF."""
    crlf = data.count(b"\r\n")
    if crlf == 0 or crlf == data.count(b"\n"):
        return None
    first_crlf = data.index(b"\n") > 0 and data[data.index(b"\n") - 1 : data.index(b"\n")] == b"\r"
    for number, line in enumerate(data.split(b"\n")[:-1], start=1):
        if line.endswith(b"\r") != first_crlf:
            return number
    return None  # pragma: no cover - the counts above say there is one


def format_text(text: str) -> tuple[str, list[tuple[int, str]]]:
    """Canonical form of a YAML text with LF line endings that parses cleanly; also the
    documents kept as written. Does not verify the result (see `format_bytes`)."""
    result = layout(text, key_order, is_date)
    return result.text, result.skipped


def format_bytes(data: bytes, file: str, max_bytes: int = DEFAULT_MAX_BYTES) -> FormatOutcome:
    """The canonical form of one file's bytes, verified, or the reasons it is refused."""
    parsed = read_yaml_bytes(data, file, max_bytes)
    if parsed.findings:
        return _refused(file, data, parsed.findings)
    try:
        text, style = read_text(data)
    except NotUtf8Error as exc:
        return FormatOutcome(file, data, refusals=(Refusal(file, 1, 1, str(exc)),))
    for mark in _ODD_BREAKS:
        if mark in text:
            offset = text.index(mark)
            line = text.count("\n", 0, offset) + 1
            column = offset - (text.rfind("\n", 0, offset) + 1) + 1
            return FormatOutcome(
                file, data,
                refusals=(
                    Refusal(
                        file, line, column,
                        f"line break {mark!r} other than LF or CRLF; fmt leaves the file alone",
                    ),
                ),
            )
    mixed = _first_other_line_ending(data)
    if mixed is not None:
        return FormatOutcome(
            file, data,
            refusals=(
                Refusal(
                    file, mixed, 1,
                    "mixed line endings (this line ends unlike the first); fmt would change "
                    "them, so it leaves the file alone: convert it to LF or CRLF first",
                ),
            ),
        )
    new_text, kept = format_text(text)
    formatted = encode_text(new_text, style)
    problem = _verify(text, new_text, parsed.documents, formatted, file, max_bytes)
    if problem and not style.final_newline:
        stripped = _strip_final_keep_chomping(text)
        if stripped is not None:
            new_text, kept = format_text(stripped)
            formatted = encode_text(new_text, style)
            problem = _verify(text, new_text, parsed.documents, formatted, file, max_bytes)
    if problem:
        return FormatOutcome(
            file, data,
            refusals=(
                Refusal(file, 1, 1, f"internal error: {problem}; the file is left as it is "
                        "(please report this with the file)"),
            ),
        )
    return FormatOutcome(file, data, formatted, kept=tuple(kept))


def _verify(
    text: str, new_text: str, documents: Sequence[Any], formatted: bytes, file: str,
    max_bytes: int,
) -> str:
    """Why the formatted text is not faithful to the original ("" when it is)."""
    if new_text == text:
        return ""
    again = read_yaml_bytes(formatted, file, max_bytes * 2)
    if again.findings:
        return f"the formatted text does not parse ({again.findings[0].message})"
    before = [doc.data for doc in documents]
    after = [doc.data for doc in again.documents]
    if not same_data(before, after):
        return "formatting would change the data"
    if comments(text) != comments(new_text):
        return "formatting would lose or change a comment"
    return ""


# --- many files ----------------------------------------------------------------------------------


@dataclass(slots=True)
class FormatRun:
    """The outcome of formatting a set of paths."""

    outcomes: list[FormatOutcome] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    """Files that could not even be read (outside the repository, unreadable, too large)."""

    @property
    def changed(self) -> list[FormatOutcome]:
        return [o for o in self.outcomes if o.changed]

    @property
    def refused(self) -> list[Refusal]:
        return self.refusals + [r for o in self.outcomes for r in o.refusals]


def format_paths(
    paths: Sequence[Path],
    root: Path,
    max_bytes: int = DEFAULT_MAX_BYTES,
    parallel: bool = False,
) -> tuple[FormatRun, list[tuple[Path, FormatOutcome]]]:
    """Format every YAML file under `paths` (in memory); returns the run and, for writing,
    each outcome with its absolute path. Raises `InputError` for a path that does not exist.
    With `parallel` (the CLI sets it), a forked second process formats part of the files
    when there are many (as the loader parses them)."""
    files, outside = discover(paths, root)
    run = FormatRun(refusals=[Refusal(f.file, f.line, f.column, f"{f.rule} {f.message}")
                              for f in outside])
    unique: list[tuple[Path, str]] = []
    seen: set[str] = set()
    for path, rel in files:
        # A link inside the tree to another record file is that file under a second name:
        # formatted, written and counted once.
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append((path, rel))
    located: list[tuple[Path, FormatOutcome]] = []
    results = parallel_imap(lambda file: _format_file(*file, max_bytes), unique, parallel)
    with contextlib.closing(results):  # closed, the generator waits for a forked child
        for (path, _), result in zip(unique, results, strict=True):
            if isinstance(result, FormatOutcome):
                run.outcomes.append(result)
                located.append((path, result))
            elif result is not None:
                run.refusals.append(result)
    return run, located


def _format_file(path: Path, rel: str, max_bytes: int) -> FormatOutcome | Refusal | None:
    """One file's outcome, or why it could not be read (None: no reason to give)."""
    data, problem = read_file(path, rel, max_bytes)
    if data is not None:
        return format_bytes(data, rel, max_bytes)
    if problem is None:
        return None
    return Refusal(rel, problem.line, problem.column, f"{problem.rule} {problem.message}")


def write_outcome(path: Path, outcome: FormatOutcome) -> None:
    """Write a changed outcome in place (atomically; refuses if the file changed since it was
    read). Raises `WriteError`."""
    if outcome.changed and outcome.formatted is not None:
        write_atomic(path, outcome.formatted, expected=outcome.original)
