"""Reading other tools' YAML files: the files under the paths given, and their objects.

Read with the records' own safe loader (no tags, no alias bombs, no deep nesting), so a
hostile catalogue is refused as a record would be. A file may hold one object, several
`---` documents, or a top-level list of objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from itsm_cli.records.yamlread import read_yaml_bytes

Positions = Mapping[tuple[str | int, ...], tuple[int, int]]


class Where(str):
    """`file:line` of an object, as text; `at(...)` is the same for a field inside it (the
    line of its key or list entry), so an error names the line to change, not the object's."""

    file: str
    base: tuple[str | int, ...]
    positions: Positions

    def __new__(
        cls, file: str, line: int, positions: Positions | None = None,
        base: tuple[str | int, ...] = (),
    ) -> Where:
        where = super().__new__(cls, f"{file}:{line}")
        where.file, where.base, where.positions = file, base, positions or {}
        return where

    def at(self, *path: str | int) -> Where:
        full = (*self.base, *path)
        position = self.positions.get(full)
        line = position[0] if position is not None else int(self.rpartition(":")[2])
        return Where(self.file, line, self.positions, full)


class SourceError(Exception):
    """A file that cannot be read as the tool's format; the message names file and line."""


def yaml_files(paths: Sequence[Path]) -> list[Path]:
    """The YAML files named, and those below the folders named, sorted per folder."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            found.append(path)
        else:
            raise SourceError(f"{path}: not found")
    return found


def objects(path: Path, shown: str) -> Iterator[tuple[Any, int]]:
    """Each object of the file with the line it starts on."""
    for item, where in located_objects(path, shown):
        yield item, int(where.rpartition(":")[2])


def located_objects(path: Path, shown: str) -> Iterator[tuple[Any, Where]]:
    """Each object of the file with where it is (`Where.at` for a field inside it)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    parsed = read_yaml_bytes(data, shown)
    if parsed.findings:
        first = parsed.findings[0]
        raise SourceError(f"{first.file}:{first.line}:{first.column}: {first.message}")
    for doc in parsed.documents:
        positions: Positions = doc.positions
        if isinstance(doc.data, list):
            for i, item in enumerate(doc.data):
                line = positions.get((i,), (doc.line, doc.column))[0]
                yield item, Where(shown, line, positions, (i,))
        elif doc.data is not None:
            yield doc.data, Where(shown, doc.line, positions)
