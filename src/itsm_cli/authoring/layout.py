"""The canonical layout of a YAML record file, computed from the original lines.

`itsm fmt` does not load the records into objects and dump them again. It parses the text
(libyaml events, with the line and column of every node), works out which lines belong to
which mapping entry or list item, and writes the same lines back in the canonical order and
indentation. So every comment, every scalar (its quoting, block style, even its spelling of a
number) and every flow collection stays exactly as written; only these change:

* block mapping keys are put in canonical order (`KeyOrder`); a key the order does not know
  stays right after the key it followed;
* indentation becomes 2 spaces per mapping level, list dashes indented 2 under their key
  (`key:` / `  - item`), content of a list item 2 after its dash;
* a quoted date in a field the schema types as a date is unquoted (`'2026-02-01'` →
  `2026-02-01`); a one-line flow mapping (`{date: …, by: …}`) is put in key order too.

Comments belong to what follows them: full-line comments above a key move with that key. A
comment below the last entry of a nested block, indented deeper than the next key, stays at
the end of that block. An end-of-line comment stays on its line. Lines before the first key
of a document (the `# yaml-language-server: $schema=…` modeline and any header comments)
and after its last entry stay where they are.

A document this module cannot lay out safely (complex `? ` keys, anchors on mapping keys, a
node on the `---` line) is left exactly as written and reported in `Layout.skipped`; in a
document with aliases keys keep their order (an alias must stay after its anchor), and
that is reported too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from itsm_cli.findings import FieldPath

try:
    _Parser: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

INDENT = 2
"""Spaces per mapping level; list dashes sit this far under their key."""

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _is_calendar_date(text: str) -> bool:
    """`2026-02-30` looks like a date but is none: unquoted, YAML 1.1 readers (PyYAML's
    default loader among them) fail on the whole file, so it keeps its quotes."""
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True

KeyOrder = Callable[[str | None, FieldPath], "list[str] | None"]
"""(kind of the record, path of a mapping) → its keys in canonical order, or None to keep the
order as written."""
IsDate = Callable[[str | None, FieldPath], bool]
"""(kind of the record, path of a scalar) → whether the schema types it as a date."""


class _Unsupported(Exception):
    """A construct this layout engine leaves alone; the document is kept as written."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(eq=False, slots=True)
class _Node:
    kind: str
    """scalar | alias | flowmap | flowseq | map | seq"""
    line: int
    col: int
    end_line: int
    end_col: int
    path: FieldPath
    style: str | None = None
    value: str = ""
    props: bool = False
    """Has an anchor or a tag."""
    children: list[_Node] = field(default_factory=list)
    """Flow collections: items, or keys and values alternating."""
    entries: list[_Entry] = field(default_factory=list)
    """Block collections: mapping entries or list items."""
    trailing: list[int] = field(default_factory=list)
    """Comment (and blank) lines kept at the end of this block collection."""


@dataclass(eq=False, slots=True)
class _Entry:
    key: _Node | None
    """None for a list item."""
    value: _Node
    line: int = 0
    """Line of the key, or of the item's dash."""
    col: int = 0
    leading: list[int] = field(default_factory=list)
    """Comment and blank lines above the entry, which move with it."""


@dataclass(slots=True)
class _Doc:
    root: _Node | None = None
    aliases: bool = False
    """Whether the document uses an alias (then keys keep their order: moving a key could
    put an alias before its anchor)."""


@dataclass(slots=True)
class Layout:
    text: str
    skipped: list[tuple[int, str]] = field(default_factory=list)
    """(line, note) of each document (or key order) left as written."""


# --- parsing ------------------------------------------------------------------------------


def _parse(text: str) -> list[_Doc]:
    docs: list[_Doc] = []
    doc = _Doc()
    # Frames: [collection node, pending key or None]
    stack: list[list[Any]] = []

    def attach(node: _Node) -> None:
        if not stack:
            doc.root = node
            return
        frame = stack[-1]
        parent: _Node = frame[0]
        if parent.kind == "map":
            if frame[1] is None:
                frame[1] = node
                node.path = (*parent.path, "?")
                return
            key: _Node = frame[1]
            frame[1] = None
            node.path = (*parent.path, key.value if key.kind == "scalar" else "?")
            parent.entries.append(_Entry(key, node, key.line, key.col))
        elif parent.kind == "seq":
            node.path = (*parent.path, len(parent.entries))
            parent.entries.append(_Entry(None, node))
        elif parent.kind == "flowmap":
            if len(parent.children) % 2:
                key_node = parent.children[-1]
                node.path = (
                    *parent.path, key_node.value if key_node.kind == "scalar" else "?"
                )
            else:
                node.path = (*parent.path, "?")
            parent.children.append(node)
        else:
            node.path = (*parent.path, len(parent.children))
            parent.children.append(node)

    event: Any
    for event in yaml.parse(text, Loader=_Parser):
        start, end = event.start_mark, event.end_mark
        if isinstance(event, yaml.DocumentStartEvent):
            doc = _Doc()
            stack.clear()
        elif isinstance(event, yaml.DocumentEndEvent):
            docs.append(doc)
        elif isinstance(event, yaml.ScalarEvent):
            attach(
                _Node(
                    "scalar", start.line, start.column, end.line, end.column, (),
                    style=event.style or "", value=event.value,
                    props=event.anchor is not None or event.tag is not None,
                )
            )
        elif isinstance(event, yaml.AliasEvent):
            doc.aliases = True
            attach(_Node("alias", start.line, start.column, end.line, end.column, ()))
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            is_map = isinstance(event, yaml.MappingStartEvent)
            kind = ("flowmap" if is_map else "flowseq") if event.flow_style else (
                "map" if is_map else "seq"
            )
            node = _Node(
                kind, start.line, start.column, start.line, start.column, (),
                props=event.anchor is not None or event.tag is not None,
            )
            attach(node)
            stack.append([node, None])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node = stack.pop()[0]
            node.end_line, node.end_col = end.line, end.column
    return docs


# --- structure ----------------------------------------------------------------------------


class _Lines:
    """The source lines, with the structural questions the layout asks of them."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")

    def __getitem__(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    def __len__(self) -> int:
        return len(self.lines)

    def is_gap(self, index: int) -> bool:
        """Blank or a full-line comment."""
        stripped = self[index].strip()
        return not stripped or stripped.startswith("#")

    def indent(self, index: int) -> int:
        line = self[index]
        return len(line) - len(line.lstrip(" \t"))


def _resolve_dashes(node: _Node, lines: _Lines, compact: bool) -> None:
    """Line and column of each list item's dash. `compact`: the list is the value of a list
    item and may start on that item's dash line (`- - a`)."""
    dash_col = node.col
    previous = node.line - 1
    for number, entry in enumerate(node.entries):
        if number == 0:
            line = node.line
        else:
            line = entry.value.line
            while line > previous and not _dash_at(lines[line], dash_col, False):
                line -= 1
            if line <= previous:
                raise _Unsupported(entry.value.line, "list item without a dash")
        if not _dash_at(lines[line], dash_col, compact and number == 0):
            raise _Unsupported(line, "list item after other content")
        entry.line, entry.col = line, dash_col
        previous = line


def _dash_at(line: str, col: int, compact: bool) -> bool:
    before = line[:col]
    return (
        len(line) > col
        and line[col] == "-"
        and (len(line) == col + 1 or line[col + 1] in " \t")
        and not (before.replace("-", " ") if compact else before).strip()
    )


def _check(node: _Node, lines: _Lines) -> None:
    """Raise `_Unsupported` for what the layout cannot move safely; resolve list dashes."""
    todo = [(node, False)]
    while todo:
        current, compact = todo.pop()
        if current.kind == "seq":
            _resolve_dashes(current, lines, compact)
        for index, entry in enumerate(current.entries):
            key = entry.key
            if key is not None:
                if key.kind != "scalar" or key.props or key.line != key.end_line:
                    raise _Unsupported(entry.line, "a complex mapping key")
                before = lines[key.line][: key.col]
                if before.strip().startswith("?"):
                    raise _Unsupported(key.line, "a complex mapping key")
                if before.strip() and not (
                    compact and index == 0 and not before.replace("-", " ").strip()
                ):
                    raise _Unsupported(key.line, "a mapping key after other content")
                if before.strip() and current.col != key.col:
                    raise _Unsupported(key.line, "an anchor on a list item's mapping")
            value = entry.value
            if value.kind in ("map", "seq"):
                first = value.entries[0]
                first_line = first.key.line if first.key is not None else value.line
                if key is not None and first_line == key.line:
                    raise _Unsupported(key.line, "a block collection on its key's line")
                todo.append((value, key is None))


def _block_header(lines: _Lines, node: _Node) -> str:
    return lines[node.line][node.col :].split("#", 1)[0].strip()


def _end(entry: _Entry, lines: _Lines) -> int:
    """Last line of an entry's content (without the comments after it)."""
    owner, node = entry.line, entry.value
    while node.kind in ("map", "seq"):
        last = node.entries[-1]
        owner, node = last.line, last.value
    if node.kind == "scalar":
        if node.value == "" and node.style == "" and not node.props:
            return owner
        if node.style in ("|", ">"):
            last_line = node.end_line
            if not lines[last_line][: node.end_col].strip():
                last_line -= 1
            if "+" not in _block_header(lines, node):
                while last_line > node.line and not lines[last_line].strip():
                    last_line -= 1
            return max(last_line, owner)
    return max(node.end_line, owner)


def _chain(entry: _Entry) -> list[_Node]:
    """The block collections that end together with `entry`, outermost first."""
    chain = []
    node = entry.value
    while node.kind in ("map", "seq"):
        chain.append(node)
        node = node.entries[-1].value
    return chain


def _split_gap(gap: range, column: int, chain: list[_Node], lines: _Lines) -> list[int]:
    """Lines between two siblings: comments indented deeper than the next sibling stay at the
    end of the block they follow (the deepest one that indentation allows); the rest lead
    the next sibling. Returns the leading lines."""
    pending: list[int] = []
    limit = len(chain)
    for index in gap:
        if not lines.is_gap(index):
            raise _Unsupported(index, "unexpected content between entries")
        if not lines[index].strip():
            pending.append(index)
            continue
        indent = lines.indent(index)
        if indent <= column or not chain:
            return pending + list(range(index, gap.stop))
        target = _deepest(chain, limit, indent)
        chain[target].trailing.extend([*pending, index])
        pending = []
        limit = target + 1
    return pending


def _child_col(node: _Node) -> int:
    return node.entries[0].col


def _deepest(chain: list[_Node], limit: int, indent: int) -> int:
    """The deepest of the first `limit` blocks of `chain` whose entries start at or left of
    `indent` (0 when none does): the block a comment so indented stays at the end of."""
    target = 0
    for depth in range(limit):
        if _child_col(chain[depth]) <= indent:
            target = depth
    return target


def _assign(node: _Node, gap_start: int, lines: _Lines) -> None:
    """Give every entry below `node` its leading lines, and blocks their trailing lines."""
    todo = [(node, gap_start)]
    while todo:
        current, start = todo.pop()
        previous: _Entry | None = None
        for entry in current.entries:
            if previous is None:
                entry.leading = list(range(start, entry.line))
                for index in entry.leading:
                    if not lines.is_gap(index):
                        raise _Unsupported(index, "unexpected content before an entry")
            else:
                gap = range(_end(previous, lines) + 1, entry.line)
                entry.leading = _split_gap(gap, entry.col, _chain(previous), lines)
            value = entry.value
            if value.kind in ("map", "seq"):
                first = value.entries[0]
                todo.append((value, entry.line if first.line == entry.line else entry.line + 1))
            previous = entry


def _tail(root: _Node, lines: _Lines, stop: int) -> int:
    """Assign the deeper-indented comments after the last entry of a document; return the
    first line that stays as written."""
    last = root.entries[-1]
    start = _end(last, lines) + 1
    chain = [root, *_chain(last)]
    consumed = start
    pending: list[int] = []
    limit = len(chain)
    for index in range(start, stop):
        text = lines[index]
        if not text.strip():
            pending.append(index)
            continue
        indent = lines.indent(index)
        if not text.strip().startswith("#") or indent == 0:
            break
        target = _deepest(chain, limit, indent)
        chain[target].trailing.extend([*pending, index])
        pending = []
        limit = target + 1
        consumed = index + 1
    return consumed


# --- writing ------------------------------------------------------------------------------


def _shift(line: str, delta: int, keep_blank: bool) -> str:
    if not line.strip() and not keep_blank:
        return ""
    if delta >= 0:
        return " " * delta + line if line else line
    spaces = len(line) - len(line.lstrip(" "))
    return line[min(spaces, -delta) :]


def _comment(line: str, indent: int) -> str:
    stripped = line.strip()
    return " " * indent + stripped if stripped else ""


class _Writer:
    def __init__(
        self, lines: _Lines, kind: str | None, key_order: KeyOrder
    ) -> None:
        self.lines = lines
        self.kind = kind
        self.key_order = key_order

    def ordered(self, node: _Node) -> list[_Entry]:
        order = self.key_order(self.kind, node.path)
        if not order:
            return node.entries
        rank = {key: i for i, key in enumerate(order)}
        leader = -1
        keyed = []
        for position, entry in enumerate(node.entries):
            assert entry.key is not None
            if entry.key.value in rank:
                leader = rank[entry.key.value]
                keyed.append(((leader, 0, position), entry))
            else:
                keyed.append(((leader, 1, position), entry))
        return [entry for _, entry in sorted(keyed, key=lambda pair: pair[0])]

    def collection(self, node: _Node, indent: int, out: list[str]) -> int:
        """Write a block collection with its entries at `indent`; returns how many lines lead
        its first entry (comments that a compact list item moves above its dash)."""
        entries = self.ordered(node) if node.kind == "map" else node.entries
        head = 0
        for number, entry in enumerate(entries):
            leading = entry.leading
            if number == 0 and entry is not node.entries[0]:
                while leading and not self.lines[leading[0]].strip():
                    leading = leading[1:]
            out.extend(_comment(self.lines[i], indent) for i in leading)
            pre = self.body(entry, indent, out)
            if number == 0:
                head = len(leading) + pre
        out.extend(_comment(self.lines[i], indent) for i in node.trailing)
        return head

    def body(self, entry: _Entry, indent: int, out: list[str]) -> int:
        """Write one entry; returns how many comment lines it wrote above its first line."""
        lines = self.lines
        value = entry.value
        first = lines[entry.line][entry.col :]
        if value.kind in ("map", "seq"):
            compact = entry.key is None and value.entries[0].line == entry.line
            if compact:
                sub: list[str] = []
                head = self.collection(value, indent + INDENT, sub)
                out.extend(_comment(line, indent) for line in sub[:head])
                out.append(" " * indent + "- " + sub[head][indent + INDENT :])
                out.extend(sub[head + 1 :])
                return head
            out.append(" " * indent + first)
            self.collection(value, indent + INDENT, out)
            return 0
        if entry.key is None:
            rest = first[1:].lstrip(" \t")
            first = "- " + rest if rest else "-"
        out.append(" " * indent + first)
        end = _end(entry, lines)
        following = range(entry.line + 1, end + 1)
        if value.kind == "scalar" and value.line == entry.line and value.style in ("", "'", '"'):
            # Folded scalars: leading spaces of their continuation lines carry no content.
            out.extend(_comment(lines[i], indent + INDENT) for i in following)
            return 0
        literal = value.kind == "scalar" and value.style in ("|", ">")
        delta = indent - entry.col
        if literal and value.line == entry.line:
            header = _block_header(lines, value)
            content = next((i for i in following if lines[i].strip()), None)
            if content is not None and not any(c.isdigit() for c in header):
                text = lines[content]
                delta = indent + INDENT - (len(text) - len(text.lstrip(" ")))
        out.extend(_shift(lines[i], delta, literal) for i in following)
        return 0


# --- in-line edits --------------------------------------------------------------------------


class _Edits:
    """Changes inside single lines: unquoted dates, flow mappings in key order."""

    def __init__(
        self, lines: _Lines, kind: str | None, key_order: KeyOrder, is_date: IsDate
    ) -> None:
        self.lines = lines
        self.kind = kind
        self.key_order = key_order
        self.is_date = is_date

    def collect(self, root: _Node) -> Iterator[tuple[int, int, int, str]]:
        """(line, start column, end column, replacement) of each edit."""
        todo = [root]
        while todo:
            node = todo.pop()
            if node.kind in ("map", "seq"):
                todo.extend(entry.value for entry in node.entries)
            elif node.line == node.end_line and node.kind != "alias":
                original = self.lines[node.line][node.col : node.end_col]
                text = self.render(node)
                if text != original:
                    yield node.line, node.col, node.end_col, text
            elif node.kind in ("flowmap", "flowseq"):
                todo.extend(node.children)

    def render(self, node: _Node) -> str:
        """A one-line node's text with the edits inside it applied."""
        source = self.lines[node.line][node.col : node.end_col]
        if node.kind == "scalar":
            if (
                node.style in ("'", '"')
                and _DATE.match(node.value)
                and _is_calendar_date(node.value)
                and self.is_date(self.kind, node.path)
            ):
                return node.value
            return source
        if node.kind == "flowmap" and source.startswith("{"):
            reordered = self._reordered(node)
            if reordered is not None:
                return reordered
        return self._splice(node, source, node.children)

    def _splice(self, node: _Node, source: str, parts: list[_Node]) -> str:
        for part in sorted(parts, key=lambda p: p.col, reverse=True):
            if part.line != node.line or part.end_line != node.line:
                continue
            text = self.render(part)
            start, end = part.col - node.col, part.end_col - node.col
            if source[start:end] != text:
                source = source[:start] + text + source[end:]
        return source

    def _reordered(self, node: _Node) -> str | None:
        order = self.key_order(self.kind, node.path)
        if not order or len(node.children) < 4:
            return None
        keys, values = node.children[::2], node.children[1::2]
        if any(k.kind != "scalar" or k.props for k in keys) or any(
            v.kind == "scalar" and v.value == "" and v.style == "" for v in values
        ):
            return None
        rank = {key: i for i, key in enumerate(order)}
        leader = -1
        keyed = []
        for position, (key, value) in enumerate(zip(keys, values, strict=True)):
            if key.value in rank:
                leader = rank[key.value]
                keyed.append(((leader, 0, position), key, value))
            else:
                keyed.append(((leader, 1, position), key, value))
        ordered = sorted(keyed, key=lambda item: item[0])
        if [k for _, k, _ in ordered] == keys:
            return None
        pairs = []
        for _, key, value in ordered:
            pair = _Node("pair", key.line, key.col, value.end_line, value.end_col, ())
            source = self.lines[key.line][key.col : value.end_col]
            pairs.append(self._splice(pair, source, [value]))
        return "{" + ", ".join(pairs) + "}"


def _apply(lines: _Lines, edits: list[tuple[int, int, int, str]]) -> None:
    for line, start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        current = lines.lines[line]
        lines.lines[line] = current[:start] + text + current[end:]


# --- the whole file -------------------------------------------------------------------------


def _keep_order(kind: str | None, path: FieldPath) -> list[str] | None:
    return None


def _kind_of(root: _Node) -> str | None:
    for entry in root.entries:
        if entry.key is not None and entry.key.value == "kind" and entry.value.kind == "scalar":
            return entry.value.value
    return None


def layout(text: str, key_order: KeyOrder, is_date: IsDate) -> Layout:
    """The canonical layout of `text` (LF line endings; must parse as YAML)."""
    lines = _Lines(text)
    docs = _parse(text)
    result = Layout(text="")
    edits: list[tuple[int, int, int, str]] = []
    plans: list[tuple[_Node, str | None, KeyOrder]] = []
    for doc in docs:
        root = doc.root
        if root is None or root.kind not in ("map", "seq"):
            continue
        try:
            _check(root, lines)
        except _Unsupported as exc:
            result.skipped.append((exc.line + 1, f"layout left as written ({exc.reason})"))
            continue
        kind = _kind_of(root) if root.kind == "map" else None
        order = key_order
        if doc.aliases:
            order = _keep_order
            result.skipped.append((root.line + 1, "keys kept in their order: the document "
                                   "uses YAML aliases"))
        edits.extend(_Edits(lines, kind, order, is_date).collect(root))
        plans.append((root, kind, order))
    _apply(lines, edits)

    out: list[str] = []
    cursor = 0
    for number, (root, kind, order) in enumerate(plans):
        first = root.entries[0].line
        stop = plans[number + 1][0].entries[0].line if number + 1 < len(plans) else len(lines)
        try:
            _assign(root, first, lines)
            consumed = _tail(root, lines, stop)
            written: list[str] = []
            _Writer(lines, kind, order).collection(root, 0, written)
        except _Unsupported as exc:
            result.skipped.append((exc.line + 1, f"layout left as written ({exc.reason})"))
            continue
        out.extend(lines[i] for i in range(cursor, first))
        out.extend(written)
        cursor = consumed
    out.extend(lines[i] for i in range(cursor, len(lines)))
    result.text = "\n".join(out)
    return result
