"""The ISO/IEC 20000-1 clause catalogue: clause numbers, short titles and our own summaries.

The data is `catalogue.py` beside this module (Python, so it is read from bytecode). The
2018 edition is the reference: it says which clauses call for mandatory documented
information (which record kinds evidence a clause is declared by the kinds themselves,
`Record.CLAUSES` in `records/kinds/`). The 2011 edition is an outline whose clauses map
onto 2018 clauses (`maps_to`), so a gap analysis under 2011 can be derived from the 2018 one.

A clause's parent is implied by its id (`8.3.4.1` → `8.3.4`); a clause without children is a
leaf. A record that names a clause evidences that clause and everything below it, which
`clause_matches` answers.

This is core code: no CLI imports, and nothing is read until `load_catalogue` is first called.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

REFERENCE_EDITION = "2018"
"""The edition whose clauses the kinds evidence and that names the mandatory documents;
the others map onto it."""

_DATA_FILE = "catalogue.py"
_ID_RE = re.compile(r"^[1-9][0-9]*(\.[1-9][0-9]*)*$")
_KEYS = frozenset(
    {"id", "title", "summary", "mandatory", "document", "document_kind", "note", "maps_to"}
)


class CatalogueError(ValueError):
    """The packaged catalogue data is malformed (a bug in the package, not in user input)."""


class UnknownClauseError(KeyError):
    """A clause id that the catalogue of the edition does not contain."""

    def __init__(self, clause_id: str, edition: str) -> None:
        super().__init__(clause_id)
        self.clause_id = clause_id
        self.edition = edition

    def __str__(self) -> str:
        return f"unknown clause {self.clause_id!r} in the {self.edition} edition"


def clause_sort_key(clause_id: str) -> tuple[int, ...]:
    """Numeric sort key, so that `8.10` sorts after `8.9` and `10` after `9.4`."""
    return tuple(int(part) for part in clause_id.split("."))


def clause_matches(parent_or_leaf: str, leaf: str) -> bool:
    """Whether a record naming `parent_or_leaf` evidences `leaf`.

    A clause evidences itself and every clause below it: `5.2` matches `5.2` and `5.2.1`,
    but not `5.21` nor `5`.
    """
    return leaf == parent_or_leaf or leaf.startswith(parent_or_leaf + ".")


@dataclass(frozen=True, slots=True)
class Clause:
    """One clause or subclause of one edition of ISO/IEC 20000-1."""

    id: str
    """Clause number, e.g. `8.3.4.1`."""
    title: str
    """Short title."""
    summary: str
    """One-line paraphrase in our own words (never ISO's text)."""
    mandatory_document: str | None = None
    """Name of the mandatory documented information this clause calls for, if any."""
    mandatory_kind: str | None = None
    """Kind of approved record that satisfies the mandatory document."""
    note: str | None = None
    """Extra context, e.g. what Amendment 1:2024 adds."""
    maps_to: tuple[str, ...] = ()
    """2018 clauses carrying this clause's requirements, main one first (empty for 2018)."""
    parent: str | None = None
    """Id of the enclosing clause; None for a top-level clause (4 … 10)."""
    children: tuple[str, ...] = ()
    """Ids of the direct subclauses, in document order."""

    @property
    def mandatory(self) -> bool:
        """Whether this clause calls for mandatory documented information."""
        return self.mandatory_document is not None

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def depth(self) -> int:
        """0 for a top-level clause, 1 for `8.3`, 2 for `8.3.4` …"""
        return self.id.count(".")


@dataclass(frozen=True, slots=True)
class Catalogue:
    """The clauses of one edition, in document order."""

    edition: str
    """`2018` or `2011`."""
    clauses: Mapping[str, Clause]
    """Clause id → clause, in document order (read-only)."""
    standard: str = ""
    """Full designation, e.g. `ISO/IEC 20000-1:2018`."""
    amendments: tuple[str, ...] = ()
    """Amendments reflected in the notes, e.g. `ISO/IEC 20000-1:2018/Amd 1:2024`."""

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses.values())

    def __len__(self) -> int:
        return len(self.clauses)

    def __contains__(self, clause_id: object) -> bool:
        return clause_id in self.clauses

    def get(self, clause_id: str) -> Clause | None:
        """The clause with this id, or None."""
        return self.clauses.get(clause_id)

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id; `UnknownClauseError` (a KeyError) when there is none."""
        try:
            return self.clauses[clause_id]
        except KeyError:
            raise UnknownClauseError(clause_id, self.edition) from None

    def top_level(self) -> tuple[Clause, ...]:
        """The main clauses (4 … 10 in 2018, 4 … 9 in 2011)."""
        return tuple(c for c in self.clauses.values() if c.parent is None)

    def leaves(self) -> tuple[Clause, ...]:
        """Clauses without subclauses: the units that coverage is computed on."""
        return tuple(c for c in self.clauses.values() if not c.children)

    def children_of(self, clause_id: str) -> tuple[Clause, ...]:
        """Direct subclauses of a clause, in document order."""
        return tuple(self.clauses[child] for child in self.clause(clause_id).children)

    def descendants(self, clause_id: str) -> tuple[Clause, ...]:
        """Every clause below a clause (not the clause itself), in document order."""
        self.clause(clause_id)
        return tuple(
            c
            for c in self.clauses.values()
            if c.id != clause_id and clause_matches(clause_id, c.id)
        )

    def leaves_under(self, clause_id: str) -> tuple[Clause, ...]:
        """The leaves at or below a clause: itself if it is a leaf, else its leaf descendants."""
        clause = self.clause(clause_id)
        if not clause.children:
            return (clause,)
        return tuple(c for c in self.descendants(clause_id) if not c.children)

    def mandatory_documents(self) -> tuple[Clause, ...]:
        """Clauses that call for mandatory documented information, in document order."""
        return tuple(c for c in self.clauses.values() if c.mandatory_document is not None)


def _raw_data() -> dict[str, Any]:
    from itsm_cli.clauses.catalogue import CATALOGUE

    data: object = CATALOGUE
    if not isinstance(data, dict):
        raise CatalogueError(f"{_DATA_FILE}: the top level must be a mapping")
    return data


def _editions_data() -> dict[str, dict[str, Any]]:
    data = _raw_data()
    editions: dict[str, dict[str, Any]] = {str(data.get("edition", REFERENCE_EDITION)): data}
    others = data.get("editions", {})
    if not isinstance(others, dict):
        raise CatalogueError(f"{_DATA_FILE}: `editions` must be a mapping")
    for name, body in others.items():
        if not isinstance(body, dict):
            raise CatalogueError(f"{_DATA_FILE}: edition {name!r} must be a mapping")
        editions[str(name)] = body
    return editions


def available_editions() -> tuple[str, ...]:
    """Editions in the catalogue, newest first (`("2018", "2011")`)."""
    return tuple(sorted(_editions_data(), reverse=True))


def _str_list(value: object, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CatalogueError(f"{where}: `{field}` must be a list of strings")
    return tuple(value)


def _opt_str(value: object, where: str, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise CatalogueError(f"{where}: `{field}` must be a string")


def _parse_entries(edition: str, entries: object) -> list[dict[str, Any]]:
    """Check the raw entries of one edition; return them with their id validated."""
    if not isinstance(entries, list) or not entries:
        raise CatalogueError(f"{_DATA_FILE}: edition {edition}: `clauses` must be a non-empty list")
    seen: set[str] = set()
    previous: tuple[int, ...] = ()
    out: list[dict[str, Any]] = []
    for number, entry in enumerate(entries, start=1):
        where = f"{_DATA_FILE}: edition {edition}, entry {number}"
        if not isinstance(entry, dict):
            raise CatalogueError(f"{where}: must be a mapping")
        clause_id = entry.get("id")
        if not isinstance(clause_id, str) or not _ID_RE.match(clause_id):
            raise CatalogueError(f"{where}: `id` must be a quoted clause number, got {clause_id!r}")
        where = f"{_DATA_FILE}: edition {edition}, clause {clause_id}"
        unknown = sorted(set(entry) - _KEYS)
        if unknown:
            raise CatalogueError(f"{where}: unknown field(s) {', '.join(unknown)}")
        if clause_id in seen:
            raise CatalogueError(f"{where}: duplicate id")
        key = clause_sort_key(clause_id)
        if key <= previous:
            raise CatalogueError(f"{where}: out of document order")
        parent = clause_id.rpartition(".")[0]
        if parent and parent not in seen:
            raise CatalogueError(f"{where}: parent {parent} is missing")
        for field in ("title", "summary"):
            if not isinstance(entry.get(field), str) or not entry[field].strip():
                raise CatalogueError(f"{where}: `{field}` must be a non-empty string")
        mandatory = entry.get("mandatory", False)
        if not isinstance(mandatory, bool):
            raise CatalogueError(f"{where}: `mandatory` must be true or false")
        has_document = "document" in entry or "document_kind" in entry
        if mandatory != has_document or (
            mandatory and not ("document" in entry and "document_kind" in entry)
        ):
            raise CatalogueError(
                f"{where}: `mandatory: true` goes with both `document` and `document_kind`"
            )
        if edition == REFERENCE_EDITION and "maps_to" in entry:
            raise CatalogueError(f"{where}: `maps_to` belongs to older editions only")
        seen.add(clause_id)
        previous = key
        out.append(entry)
    return out


@cache
def load_catalogue(edition: str = REFERENCE_EDITION) -> Catalogue:
    """The clause catalogue of an edition (`"2018"` or `"2011"`), read once and cached.

    Raises `ValueError` for an edition the catalogue does not hold, and `CatalogueError`
    (a `ValueError`) if the packaged data is malformed.
    """
    editions = _editions_data()
    body = editions.get(str(edition))
    if body is None:
        known = ", ".join(available_editions())
        raise ValueError(f"unknown edition {edition!r}; known editions: {known}")
    edition = str(edition)
    entries = _parse_entries(edition, body.get("clauses"))

    children: dict[str, list[str]] = {str(e["id"]): [] for e in entries}
    for entry in entries:
        parent = str(entry["id"]).rpartition(".")[0]
        if parent:
            children[parent].append(entry["id"])

    # An older edition's parent without a mapping of its own maps to whatever its
    # descendants map to (children come after parents, so walk backwards).
    maps_to: dict[str, tuple[str, ...]] = {}
    for entry in reversed(entries):
        clause_id = entry["id"]
        where = f"{_DATA_FILE}: edition {edition}, clause {clause_id}"
        own = _str_list(entry.get("maps_to"), where, "maps_to")
        if not own and edition != REFERENCE_EDITION:
            if not children[clause_id]:
                raise CatalogueError(f"{where}: a leaf needs `maps_to`")
            merged: dict[str, None] = {}
            for child in children[clause_id]:
                merged.update(dict.fromkeys(maps_to[child]))
            own = tuple(merged)
        maps_to[clause_id] = own

    if edition != REFERENCE_EDITION:
        reference = load_catalogue(REFERENCE_EDITION)
        for clause_id, targets in maps_to.items():
            missing = [t for t in targets if t not in reference]
            if missing:
                raise CatalogueError(
                    f"{_DATA_FILE}: edition {edition}, clause {clause_id}: "
                    f"maps to unknown 2018 clause(s) {', '.join(missing)}"
                )

    clauses: dict[str, Clause] = {}
    for entry in entries:
        clause_id = entry["id"]
        where = f"{_DATA_FILE}: edition {edition}, clause {clause_id}"
        clauses[clause_id] = Clause(
            id=clause_id,
            title=entry["title"].strip(),
            summary=entry["summary"].strip(),
            mandatory_document=_opt_str(entry.get("document"), where, "document"),
            mandatory_kind=_opt_str(entry.get("document_kind"), where, "document_kind"),
            note=_opt_str(entry.get("note"), where, "note"),
            maps_to=maps_to[clause_id],
            parent=clause_id.rpartition(".")[0] or None,
            children=tuple(children[clause_id]),
        )
    return Catalogue(
        edition=edition,
        clauses=MappingProxyType(clauses),
        standard=str(body.get("standard", "")),
        amendments=_str_list(
            body.get("amendments"), f"{_DATA_FILE}: edition {edition}", "amendments"
        ),
    )
