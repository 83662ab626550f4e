"""Reading other tools' YAML files: the files under the paths given, and their objects.

Read with the records' own safe loader (no tags, no alias bombs, no deep nesting), so a
hostile catalogue is refused as a record would be. A file may hold one object, several
`---` documents, or a top-level list of objects.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from itsm_cli.records.yamlread import read_yaml_bytes


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
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{shown}: cannot read: {exc.strerror or exc}") from exc
    parsed = read_yaml_bytes(data, shown)
    if parsed.findings:
        first = parsed.findings[0]
        raise SourceError(f"{first.file}:{first.line}:{first.column}: {first.message}")
    for doc in parsed.documents:
        if isinstance(doc.data, list):
            for i, item in enumerate(doc.data):
                yield item, doc.positions.get((i,), (doc.line, doc.column))[0]
        elif doc.data is not None:
            yield doc.data, doc.line
