"""Reading untrusted YAML fast and safely, with the position of every field.

We drive libyaml's C *event* parser and build plain Python data from the events ourselves,
with an explicit stack. PyYAML's composer (`yaml.load`, `yaml.compose`) recurses and crashes
the interpreter on deeply nested input; the event loop cannot. Building the data here also
lets us:

* resolve plain scalars by the YAML 1.2 core schema (only `true`/`false` are booleans, `010`
  is ten, `no` and `12:30` are strings, dates stay strings for Pydantic to parse), so reading
  agrees with ruamel.yaml's YAML 1.2 writer;
* refuse duplicate keys at their second occurrence instead of silently keeping the last;
* refuse explicit tags, runaway alias expansion and excessive nesting (E006);
* remember the line and column of every field path, so any later finding can point at it.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from itsm_cli.config import DEFAULT_MAX_BYTES
from itsm_cli.findings import FieldPath, Finding
from itsm_cli.records import codes

if TYPE_CHECKING:
    import yaml

_Loader: type | None = None
"""PyYAML's loader, found when the first file is parsed: a run whose every file comes from
the results cache does not import PyYAML (a twentieth of a small repository's start-up)."""


def _loader() -> type:
    global _Loader
    if _Loader is None:
        import yaml

        # CSafeLoader is missing when PyYAML was built without libyaml.
        _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _Loader


def parsed_without_libyaml() -> bool:
    """Whether this process parsed files with PyYAML's pure-Python parser (libyaml missing)."""
    if _Loader is None:
        return False
    import yaml

    return not issubclass(_Loader, getattr(yaml, "CSafeLoader", ()))

MAX_DEPTH = 64
"""Deepest nesting accepted; real records need fewer than ten levels."""
MAX_ALIAS_NODES = 10_000
"""Nodes that aliases may re-use in one document before it is refused as an alias bomb."""

Position = tuple[int, int]

_CLAUSE_IO = ("7.5.3",)


@dataclass(slots=True)
class Document:
    """One YAML document of a file: its data and where each field path starts."""

    data: Any
    positions: Mapping[FieldPath, Position]
    """A dict when parsed; a packed form of it when read from the results cache."""
    line: int
    column: int
    index: int


@dataclass(slots=True)
class ParsedFile:
    documents: list[Document] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class _Refused(Exception):
    """A document is refused; carries the finding that says why."""

    def __init__(self, finding: Finding) -> None:
        self.finding = finding


# --- YAML 1.2 core schema -------------------------------------------------------------

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INF = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}
_NEG_INF = {"-.inf", "-.Inf", "-.INF"}
_NAN = {".nan", ".NaN", ".NAN"}
_NUMERIC_START = frozenset("0123456789+-.")
_MAX_NUMBER_TEXT = 1000


def resolve_plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar under the YAML 1.2 core schema."""
    if not text or text[0] not in _NUMERIC_START:
        if text in _NULLS:
            return None
        return _BOOLS.get(text, text)
    if _INT.match(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return text
    if _FLOAT.match(text):
        return float(text)
    if len(text) > _MAX_NUMBER_TEXT:
        # No record field holds such a number; converting one would make a value Python
        # cannot print back in a message (its int/str digit limit).
        return text
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if text in _INF:
        return math.inf
    if text in _NEG_INF:
        return -math.inf
    if text in _NAN:
        return math.nan
    return text


# --- decoding -------------------------------------------------------------------------


def _line_col_of_byte(data: bytes, offset: int) -> Position:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


def decode(data: bytes, file: str) -> tuple[str | None, Finding | None]:
    """Bytes → text. UTF-8 with or without a byte-order mark; UTF-16 with its mark."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16"), None
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(data, exc.start)
        return None, codes.E001.finding(
            f"invalid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded",
            file,
            line,
            col,
            hint=codes.E001_UTF8,
        )


# --- the event loop -------------------------------------------------------------------

_NO_KEY = object()


class _DuplicateKey:
    """Stands in for a repeated key so the rest of the document can still be read."""

    __slots__ = ()


_ESCAPES = (
    {code: f"\\x{code:02x}" for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
    | {0x2028: "\\u2028", 0x2029: "\\u2029"}
    | {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}
)


_NEEDS_ESCAPE = re.compile("[" + "".join(re.escape(chr(code)) for code in _ESCAPES) + "]")


def one_line(message: str) -> str:
    """A message with the line breaks and control characters of quoted input escaped, so a
    finding is always one line of `file:line:col: CODE message`."""
    # most messages need nothing: a search is four times faster than a translation
    return message.translate(_ESCAPES) if _NEEDS_ESCAPE.search(message) else message


def _plain(value: Any) -> str:
    """A plain scalar as YAML writes it: `true`, `null`, `1.0`."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return str(value)


def _error(rule: str, message: str, file: str, pos: Position, hint: str) -> Finding:
    return codes.record_finding(rule, one_line(message), file, pos[0], pos[1], hint=hint)


def _syntax_finding(
    exc: yaml.YAMLError, file: str, text: str, open_flow: Any, document_start: int
) -> Finding:
    """The finding for a syntax error; `open_flow` is the start mark of the innermost flow
    collection still open when the error came, `document_start` where its document's text
    begins."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    unclosed = _never_closed(exc, text, open_flow)
    where = unclosed[0] if unclosed is not None else mark
    if where is not None:
        separator = _unquoted_separator(text, document_start, where.index + 1)
        if separator is not None:
            return _separator_finding(text, separator, file)
    if unclosed is not None:
        opened, what = unclosed
        return _error(
            "E001",
            f"YAML syntax error: {what} is never closed (the file ends first)",
            file,
            (opened.line + 1, opened.column + 1),
            codes.E001_SYNTAX,
        )
    if mark is not None:
        pos = (mark.line + 1, mark.column + 1)
    elif isinstance(getattr(exc, "position", None), int):
        offset = exc.position  # type: ignore[attr-defined]
        prefix = text[:offset]
        pos = (prefix.count("\n") + 1, offset - (prefix.rfind("\n") + 1) + 1)
    else:
        pos = (1, 1)
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    hint = codes.E001_SYNTAX
    lines = text.splitlines()
    if mark is not None and 0 <= mark.line < len(lines) and "\t" in lines[mark.line]:
        message += "; the line holds a tab character"
        hint = codes.E001_TABS
    return _error("E001", message.replace("\n", " "), file, pos, hint)


# What the file can end inside of, by the character that opens it.
_OPENERS = {
    '"': "the double-quoted value opened here",
    "'": "the single-quoted value opened here",
    "[": "the list opened here with '['",
    "{": "the mapping opened here with '{'",
}
_UNCLOSED_CONTEXTS = frozenset({
    "while scanning a quoted scalar",
    "while parsing a flow sequence",
    "while parsing a flow mapping",
    "while parsing a flow node",
})


def _never_closed(exc: yaml.YAMLError, text: str, open_flow: Any) -> tuple[Any, str] | None:
    """Where the quoted value or flow collection the file ends inside was opened, and what
    it is; None for any other error.

    libyaml reports such an error at the end of the file, where nothing can be fixed: the
    opening quote or bracket is what the reader must find. A flow collection ended by the
    file right after `[` or `,` comes with no useful context mark ("while parsing a flow
    node" at the end too); the event loop's innermost open collection is that opening.
    """
    problem = getattr(exc, "problem_mark", None)
    if problem is None or problem.index < len(text):
        return None
    if getattr(exc, "context", None) not in _UNCLOSED_CONTEXTS:
        return None
    for mark in (getattr(exc, "context_mark", None), open_flow):
        if mark is not None and 0 <= mark.index < len(text) and text[mark.index] in _OPENERS:
            return mark, _OPENERS[text[mark.index]]
    return None


def _innermost_open_flow(stack: list[list[Any]], text: str) -> Any:
    for frame in reversed(stack):
        mark = frame[5]
        if 0 <= mark.index < len(text) and text[mark.index] in "[{":
            return mark
    return None


# YAML 1.1 parsers (libyaml, PyYAML) break lines at these; to Git and an editor each is one
# character of its line. Inside quotes a break can only change the value's text; outside them
# it changes what the parser sees of the record's structure (a line the author never wrote),
# so there the character itself is the finding, not the syntax error it leads to.
_SEPARATOR = re.compile("[\x85\u2028\u2029]")
_SEPARATOR_NAMES = {
    "\x85": ("a NEL", "U+0085", "\\N"),
    "\u2028": ("an LS", "U+2028", "\\L"),
    "\u2029": ("a PS", "U+2029", "\\P"),
}
# A character every reading takes as part of the text around it, where a separator was.
_STAND_IN = "x"


def _quoted_spans(text: str) -> tuple[list[int], list[int]]:
    """The starts and ends of the quoted scalars of `text`, up to its first syntax error."""
    import yaml

    starts: list[int] = []
    ends: list[int] = []
    scalar_token = yaml.ScalarToken
    try:
        next_token = _loader()(text).get_token
        while (token := next_token()) is not None:
            if type(token) is scalar_token and token.style in ('"', "'"):
                starts.append(token.start_mark.index)
                ends.append(token.end_mark.index)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError, MemoryError):
        pass
    return starts, ends


def _unquoted_separator(text: str, start: int, end: int) -> int | None:
    """The index of the first NEL, LS or PS in text[start:end] outside quotes, if any."""
    first = _SEPARATOR.search(text, start, end)
    if first is None:
        return None
    # Quotes as the author sees them: where no separator breaks a line. Where libyaml breaks
    # one, a `'` or `"` after the break can open a quoted scalar the author never wrote.
    starts, ends = _quoted_spans(_SEPARATOR.sub(_STAND_IN, text))
    for found in _SEPARATOR.finditer(text, first.start(), end):
        i = bisect_right(starts, found.start()) - 1
        if i < 0 or found.start() >= ends[i]:
            return found.start()
    return None


def _separator_finding(text: str, index: int, file: str) -> Finding:
    name, code, escape = _SEPARATOR_NAMES[text[index]]
    # libyaml's own line and column, as every other finding here: parse_yaml converts them.
    breaks = list(_LIBYAML_BREAKS.finditer(text, 0, index))
    line_start = breaks[-1].end() if breaks else 0
    return _error(
        "E001",
        f"the line holds {name} ({code}) character, which YAML parsers read as a line "
        f'break: write it as "{escape}" inside double quotes, or remove it',
        file,
        (len(breaks) + 1, index - line_start + 1),
        codes.E001_SYNTAX,
    )


_LIBRARY_DEPTH_PROBLEM = "exceeded maximum nesting depth"
_REST_NOT_READ = "; the rest of the file is not read"


def _is_library_depth_limit(exc: yaml.YAMLError) -> bool:
    """libyaml 0.2.6 and later stop at a nesting limit of their own (1,000 levels)."""
    return getattr(exc, "problem", None) == _LIBRARY_DEPTH_PROBLEM


def _mark_rest_not_read(result: ParsedFile) -> None:
    last = result.findings[-1]
    if not last.message.endswith(_REST_NOT_READ):
        result.findings[-1] = last.with_changes(message=last.message + _REST_NOT_READ)


def _refuse_library_depth(text: str, file: str, exc: yaml.YAMLError) -> ParsedFile | None:
    """The refusal of a document nested past libyaml's own limit, placed as our limit places it.

    libyaml's scanner reads far ahead of the events, so its limit can stop the reading before
    the event that crosses MAX_DEPTH arrives. The text before its stopping point holds that
    event: reading it again gives the same refusal, at the same position, as a libyaml
    without such a limit. None if it does not (a libyaml limit below ours).
    """
    mark = getattr(exc, "problem_mark", None)
    if mark is None or not 0 < mark.index <= len(text):
        return None
    before = _parse_events(text[: mark.index], file, retry_depth_limit=False)
    if not before.findings or before.findings[-1].rule != "E006":
        return None
    _mark_rest_not_read(before)
    return before


def _library_depth_finding(exc: yaml.YAMLError, file: str) -> Finding:
    mark = getattr(exc, "problem_mark", None)
    return _error(
        "E006",
        "nesting deeper than the YAML library's limit is refused" + _REST_NOT_READ,
        file,
        (mark.line + 1, mark.column + 1) if mark is not None else (1, 1),
        codes.E006_NESTING,
    )


def parse_yaml(text: str, file: str) -> ParsedFile:
    """Parse every document of `text`; never raises for any input.

    Positions count lines as Git and editors do (after each `\\n`), whatever other line
    breaks libyaml counts, and never point past the end of the text.
    """
    result = _parse_events(text, file, retry_depth_limit=True)
    if _OTHER_BREAKS.search(text) is not None:
        _count_lines_as_git_does(result, text)
    if result.findings:
        _keep_inside_the_text(result, text)
    return result


# libyaml also breaks lines at a lone CR, NEL, LS and PS; Git, `grep -n` and the editors that
# show a SARIF or GitHub annotation break them only at LF, so a position after one of these
# would point at the wrong line.
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_LIBYAML_BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def _count_lines_as_git_does(result: ParsedFile, text: str) -> None:
    libyaml_starts = [0, *(m.end() for m in _LIBYAML_BREAKS.finditer(text))]
    git_starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def convert(pos: Position) -> Position:
        line, column = pos
        if not 0 < line <= len(libyaml_starts):
            return pos
        index = libyaml_starts[line - 1] + column - 1
        git_line = bisect_right(git_starts, index)
        return git_line, index - git_starts[git_line - 1] + 1

    for doc in result.documents:
        doc.positions = {path: convert(pos) for path, pos in doc.positions.items()}
        doc.line, doc.column = convert((doc.line, doc.column))
    result.findings = [
        f.with_changes(line=line, column=column)
        for f in result.findings
        for line, column in [convert((f.line, f.column))]
    ]


def _keep_inside_the_text(result: ParsedFile, text: str) -> None:
    """An error at the end of the text is placed after its last character, not on a line
    the file does not have (Git and code-scanning annotations know no such line)."""
    # The CR of a final CRLF is part of the line ending, not a column of the last line.
    body = text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith("\n") else text
    lines = body.count("\n") + 1
    end = (lines, len(body) - (body.rfind("\n") + 1) + 1)
    for i, f in enumerate(result.findings):
        if f.line > lines:
            result.findings[i] = f.with_changes(line=end[0], column=end[1])


def _parse_events(text: str, file: str, *, retry_depth_limit: bool) -> ParsedFile:
    import yaml

    result = ParsedFile()
    # Explicit local names: this loop is the hot path of every command.
    scalar_event = yaml.ScalarEvent
    mapping_start = yaml.MappingStartEvent
    sequence_start = yaml.SequenceStartEvent
    mapping_end = yaml.MappingEndEvent
    sequence_end = yaml.SequenceEndEvent
    alias_event = yaml.AliasEvent
    document_start = yaml.DocumentStartEvent
    document_end = yaml.DocumentEndEvent

    # One frame per open collection:
    # [container, path, pending key, anchor, node count, start mark]
    stack: list[list[Any]] = []
    positions: dict[FieldPath, Position] = {}
    anchors: dict[str, tuple[Any, int]] = {}
    root: Any = None
    doc_pos: Position = (1, 1)
    doc_index = 0
    alias_nodes = 0
    refused = False

    def add(value: Any, pos: Position, nodes: int) -> None:
        nonlocal root
        if not stack:
            root = value
            positions[()] = pos
            return
        frame = stack[-1]
        container = frame[0]
        frame[4] += nodes
        if type(container) is list:
            path = frame[1] + (len(container),)
            positions[path] = pos
            container.append(value)
            return
        key = frame[2]
        if key is _NO_KEY:
            if isinstance(value, (dict, list)):
                raise _Refused(
                    _error(
                        "E001",
                        "a mapping or list used as a key is not supported",
                        file,
                        pos,
                        codes.E001_PLAIN_KEY,
                    )
                )
            if value in container:
                first = positions.get((*frame[1], value), pos)
                existing = next(k for k in container if k == value)
                if type(existing) is type(value):
                    problem = f"duplicate key '{_plain(value)}' (first defined at line {first[0]})"
                    hint = codes.E001_DUPLICATE_KEY
                else:  # `1` and `true`, `1` and `1.0`: two YAML keys, one value in Python
                    problem = (
                        f"key {_plain(value)} reads as the same value as the key "
                        f"{_plain(existing)} at line {first[0]}"
                    )
                    hint = codes.E001_KEY_TYPES
                result.findings.append(_error("E001", problem, file, pos, hint))
                nonlocal refused
                refused = True
                frame[2] = _DuplicateKey()
                return
            positions[frame[1] + (value,)] = pos
            frame[2] = value
            return
        container[key] = value
        frame[2] = _NO_KEY

    def refuse_tag(ev: Any, pos: Position) -> None:
        raise _Refused(
            _error(
                "E006",
                f"explicit YAML tag '{ev.tag}' is refused",
                file,
                pos,
                codes.E006_TAG,
            )
        )

    ev: Any = None
    document_text_start = 0
    skipping = False
    skip_depth = 0
    try:
        next_event = _loader()(text).get_event
        while (ev := next_event()) is not None:
            cls = type(ev)
            if skipping:
                if cls is document_end:
                    skipping = False
                    stack.clear()
                    document_text_start = ev.end_mark.index
                elif cls is mapping_start or cls is sequence_start:
                    skip_depth += 1
                    if skip_depth > MAX_DEPTH:
                        # libyaml's scanner slows down with every open flow level (quadratic
                        # time: minutes for a few hundred kilobytes of `[`), so a refused
                        # document this deep is not skipped to its end: reading stops here.
                        _mark_rest_not_read(result)
                        break
                elif cls is mapping_end or cls is sequence_end:
                    skip_depth -= 1
                continue
            try:
                if cls is scalar_event:
                    if ev.tag is not None:
                        mark = ev.start_mark
                        refuse_tag(ev, (mark.line + 1, mark.column + 1))
                    value = resolve_plain(ev.value) if not ev.style and ev.implicit[0] else ev.value
                    if ev.anchor is not None:
                        anchors[ev.anchor] = (value, 1)
                    mark = None
                    if stack:
                        # The common cases inline (this branch runs for most events); `add`
                        # handles the rest: the root, duplicate keys.
                        frame = stack[-1]
                        key = frame[2]
                        container: Any = frame[0]
                        if key is not _NO_KEY:
                            # The value of a mapping entry: its key's position is recorded.
                            container[key] = value
                            frame[2] = _NO_KEY
                            frame[4] += 1
                            continue
                        mark = ev.start_mark
                        if type(container) is list:
                            positions[frame[1] + (len(container),)] = (
                                mark.line + 1,
                                mark.column + 1,
                            )
                            container.append(value)
                            frame[4] += 1
                            continue
                        if value not in container:
                            positions[frame[1] + (value,)] = (mark.line + 1, mark.column + 1)
                            frame[2] = value
                            frame[4] += 1
                            continue
                    mark = mark or ev.start_mark
                    add(value, (mark.line + 1, mark.column + 1), 1)
                elif cls is mapping_start or cls is sequence_start:
                    mark = ev.start_mark
                    pos = (mark.line + 1, mark.column + 1)
                    if ev.tag is not None:
                        refuse_tag(ev, pos)
                    if len(stack) >= MAX_DEPTH:
                        raise _Refused(
                            _error(
                                "E006",
                                f"nesting deeper than {MAX_DEPTH} levels is refused",
                                file,
                                pos,
                                codes.E006_NESTING,
                            )
                        )
                    container = {} if cls is mapping_start else []
                    path: FieldPath = ()
                    if stack:
                        parent = stack[-1]
                        if type(parent[0]) is list:
                            path = parent[1] + (len(parent[0]),)
                        else:
                            path = parent[1] + (parent[2],)
                    add(container, pos, 0)
                    stack.append([container, path, _NO_KEY, ev.anchor, 1, mark])
                elif cls is mapping_end or cls is sequence_end:
                    frame = stack.pop()
                    if stack:
                        stack[-1][4] += frame[4]
                    if frame[3] is not None:
                        anchors[frame[3]] = (frame[0], frame[4])
                elif cls is alias_event:
                    mark = ev.start_mark
                    pos = (mark.line + 1, mark.column + 1)
                    if ev.anchor not in anchors:
                        raise _Refused(
                            _error(
                                "E001",
                                f"alias '*{ev.anchor}' names no anchor defined before it",
                                file,
                                pos,
                                codes.E001_ANCHOR,
                            )
                        )
                    value, nodes = anchors[ev.anchor]
                    alias_nodes += nodes
                    if alias_nodes > MAX_ALIAS_NODES:
                        raise _Refused(
                            _error(
                                "E006",
                                f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes",
                                file,
                                pos,
                                codes.E006_ALIASES,
                            )
                        )
                    add(value, pos, nodes)
                elif cls is document_start:
                    mark = ev.start_mark
                    doc_pos = (mark.line + 1, mark.column + 1)
                    root = None
                    positions = {}
                    anchors = {}
                    alias_nodes = 0
                    refused = False
                elif cls is document_end:
                    if not refused:
                        result.documents.append(Document(root, positions, *doc_pos, doc_index))
                    doc_index += 1
                    stack.clear()
                    document_text_start = ev.end_mark.index
            except _Refused as exc:
                result.findings.append(exc.finding)
                refused = True
                skipping = True
                skip_depth = len(stack)
                doc_index += 1
    except yaml.YAMLError as exc:
        if skipping:
            # The document was refused already: what libyaml says of its rest is one more
            # symptom of the same input, not a second finding (one finding per refused document).
            _mark_rest_not_read(result)
        elif _is_library_depth_limit(exc):
            refusal = _refuse_library_depth(text, file, exc) if retry_depth_limit else None
            if refusal is not None:
                return refusal
            result.findings.append(_library_depth_finding(exc, file))
        else:
            result.findings.append(
                _syntax_finding(
                    exc, file, text, _innermost_open_flow(stack, text), document_text_start
                )
            )
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        # libyaml's binding can raise plain Python errors on exotic input (e.g. NUL bytes).
        mark = getattr(ev, "start_mark", None)
        pos = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        result.findings.append(
            _error("E001", f"unreadable YAML: {exc}", file, pos, codes.E001_ENCODING)
        )
    return result


def too_large(file: str, size: int, max_bytes: int) -> Finding:
    return _error(
        "E006",
        f"file is {size:,} bytes, over the {max_bytes:,}-byte limit",
        file,
        (1, 1),
        codes.E006_SIZE,
    )


def read_yaml_bytes(data: bytes, file: str, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedFile:
    """Size check, decoding and parsing of one file's bytes."""
    if len(data) > max_bytes:
        return ParsedFile(findings=[too_large(file, len(data), max_bytes)])
    text, problem = decode(data, file)
    if problem is not None or text is None:
        return ParsedFile(findings=[problem] if problem else [])
    if "\x00" in text:
        offset = text.index("\x00")
        prefix = text[:offset]
        pos = (prefix.count("\n") + 1, offset - (prefix.rfind("\n") + 1) + 1)
        return ParsedFile(
            findings=[_error("E001", "NUL byte in file", file, pos, codes.E001_TEXT)]
        )
    return parse_yaml(text, file)
