"""The packaged clause catalogue: ISO/IEC 20000-1:2018 outline, 2011 mapping, loader."""

from __future__ import annotations

import re
from importlib.resources import files
from typing import Any

import pytest

from itsm_cli.clauses.standard import (
    Catalogue,
    CatalogueError,
    UnknownClauseError,
    _parse_entries,
    available_editions,
    clause_matches,
    clause_sort_key,
    load_catalogue,
)
from itsm_cli.records.models import KINDS, kinds_evidencing


def _ids(text: str) -> list[str]:
    return text.split()


# Every clause and subclause of ISO/IEC 20000-1:2018, clauses 4-10, in document order.
CLAUSES_2018 = _ids(
    """
4 4.1 4.2 4.3 4.4
5 5.1 5.2 5.2.1 5.2.2 5.3
6 6.1 6.2 6.2.1 6.2.2 6.3
7 7.1 7.2 7.3 7.4 7.5 7.5.1 7.5.2 7.5.3 7.5.4 7.6
8 8.1
8.2 8.2.1 8.2.2 8.2.3 8.2.4 8.2.5 8.2.6
8.3 8.3.1 8.3.2 8.3.3 8.3.4 8.3.4.1 8.3.4.2
8.4 8.4.1 8.4.2 8.4.3
8.5 8.5.1 8.5.1.1 8.5.1.2 8.5.1.3 8.5.2 8.5.2.1 8.5.2.2 8.5.2.3 8.5.3
8.6 8.6.1 8.6.2 8.6.3
8.7 8.7.1 8.7.2 8.7.3 8.7.3.1 8.7.3.2 8.7.3.3
9 9.1 9.2 9.3 9.4
10 10.1 10.2
"""
)

# The 2011 clauses of the mapping table, with their parents.
CLAUSES_2011 = _ids(
    """
4 4.1 4.1.1 4.1.2 4.1.3 4.1.4 4.2 4.3 4.3.1 4.3.2 4.3.3 4.4 4.4.1 4.4.2
4.5 4.5.1 4.5.2 4.5.3 4.5.4 4.5.4.1 4.5.4.2 4.5.4.3 4.5.5 4.5.5.1 4.5.5.2
5 5.1 5.2 5.3 5.4
6 6.1 6.2 6.3 6.3.1 6.3.2 6.3.3 6.4 6.5 6.6 6.6.1 6.6.2 6.6.3
7 7.1 7.2
8 8.1 8.2
9 9.1 9.2 9.3
"""
)

# DESIGN §4: mandatory documented information, and the record kind that satisfies each.
MANDATORY = {
    "4.3": "Evidence",
    "4.4": "Evidence",
    "5.2": "Evidence",
    "6.2": "Evidence",
    "6.3": "Evidence",
    "8.2.2": "Evidence",
    "8.2.4": "Service",
    "8.3.3": "SLA",
    "8.3.4.1": "Supplier",
    "8.3.4.2": "OLA",
    "8.5.1.1": "Evidence",
    "8.7.2": "ContinuityPlan",
    "8.7.3.1": "Evidence",
}

# DESIGN §2: the clauses each record kind evidences by its kind alone.
KIND_CLAUSES = {
    "Service": ["8.2.4"],
    "SLA": ["8.3.3"],
    "OLA": ["8.3.4.2"],
    "Supplier": ["8.3.4.1", "8.3.4.2"],
    "CapacityPlan": ["8.4.3"],
    "ContinuityPlan": ["8.7.1", "8.7.2"],
    "Measurement": ["9.4"],
    "Customer": ["8.3.2"],
    "Budget": ["8.4.1"],
    "Risk": ["6.1", "8.7.1", "8.7.2", "8.7.3.2"],
    "Audit": ["9.2"],
    "ManagementReview": ["9.3"],
    "Nonconformity": ["10.1", "10.2"],
    "ProcessReport": ["8.5.1", "8.5.3", "8.6.1", "8.6.2", "8.6.3", "8.7.3.3"],
}
"""The design's table (README, section Records): the clauses each kind evidences by itself,
some only by its fields (an internal Supplier 8.3.4.2, a security Risk 8.7.3.2, an
opportunity 10.2, a ProcessReport the clause of its process)."""


@pytest.fixture(scope="module")
def cat2018() -> Catalogue:
    return load_catalogue("2018")


@pytest.fixture(scope="module")
def cat2011() -> Catalogue:
    return load_catalogue("2011")


# --- the 2018 outline -----------------------------------------------------------------


def test_2018_has_every_clause_in_document_order(cat2018: Catalogue) -> None:
    assert list(cat2018.clauses) == CLAUSES_2018
    assert cat2018.edition == "2018"
    assert cat2018.standard == "ISO/IEC 20000-1:2018"


@pytest.mark.parametrize("clause_id", CLAUSES_2018)
def test_2018_clause_has_title_and_one_line_summary(cat2018: Catalogue, clause_id: str) -> None:
    clause = cat2018.clause(clause_id)
    assert clause.title.strip()
    assert clause.summary.strip()
    assert "\n" not in clause.summary
    assert clause.summary != clause.title
    assert clause.maps_to == ()


def test_known_titles(cat2018: Catalogue) -> None:
    assert cat2018.clause("8.3.3").title == "Service level management"
    assert cat2018.clause("8.7.2").title == "Service continuity management"
    assert cat2018.clause("9.4").title == "Service reporting"
    assert cat2018.clause("10").title == "Improvement"


def test_the_13_mandatory_documents_are_flagged_with_their_kind(cat2018: Catalogue) -> None:
    flagged = {c.id: c.mandatory_kind for c in cat2018.mandatory_documents()}
    assert flagged == MANDATORY
    for clause in cat2018:
        assert clause.mandatory == (clause.id in MANDATORY)
        assert (clause.mandatory_document is not None) == clause.mandatory
    assert cat2018.clause("4.3").mandatory_document == "Scope of the SMS"
    assert cat2018.clause("8.7.2").mandatory_document == "Service continuity plan"


def test_record_kinds_evidence_their_design_clauses(cat2018: Catalogue) -> None:
    for kind, expected in KIND_CLAUSES.items():
        assert [c.id for c in cat2018 if kind in kinds_evidencing(c.id)] == expected, kind
    # Evidence records name their clauses themselves, and a Waiver evidences nothing.
    for kind in ("Evidence", "Waiver"):
        assert not any(kind in kinds_evidencing(c.id) for c in cat2018), kind
    assert {kind for c in cat2018 for kind in kinds_evidencing(c.id)} == set(KIND_CLAUSES)


@pytest.mark.parametrize(
    ("kind", "field", "values"),
    [
        ("Supplier", "type", ["external", "internal", "customer-as-supplier"]),
        ("Risk", "category", ["security", "service", "sms", "supplier", "availability",
                              "continuity"]),
        ("Nonconformity", "severity", ["major", "minor", "observation", "opportunity"]),
        ("ProcessReport", "process", ["incident", "request", "problem", "change", "release",
                                      "security-incident"]),
    ],
)
def test_what_a_record_evidences_by_its_kind_is_in_the_clause_map(
    kind: str, field: str, values: list[str]
) -> None:
    """The gap analysis and `itsm clauses` learn from the kind's clause map which clauses a
    kind evidences: each record's own must be in it, whatever its fields."""
    cls: Any = KINDS[kind]
    spec_cls: Any = cls.model_fields["spec"].annotation

    def record(value: str) -> Any:
        return cls.model_construct(spec=spec_cls.model_construct(**{field: value}))

    for value in values:
        assert set(record(value).kind_clauses) <= set(cls.clauses_of_kind()), (kind, value)
    evidenced = {c for value in values for c in record(value).kind_clauses}
    assert evidenced == set(cls.clauses_of_kind())


def test_mandatory_kind_other_than_evidence_also_evidences_the_clause(cat2018: Catalogue) -> None:
    for clause in cat2018.mandatory_documents():
        assert clause.mandatory_kind in KINDS, clause.id
        if clause.mandatory_kind != "Evidence":
            assert clause.mandatory_kind in kinds_evidencing(clause.id), clause.id


def test_amendment_1_climate_change_note_on_4_1(cat2018: Catalogue) -> None:
    note = cat2018.clause("4.1").note
    assert note is not None and "climate change" in note
    assert "Amd 1:2024" in cat2018.amendments[0]


# --- tree structure -------------------------------------------------------------------


@pytest.mark.parametrize("edition", ["2018", "2011"])
def test_parents_children_and_leaves_agree(edition: str) -> None:
    cat = load_catalogue(edition)
    for clause in cat:
        if "." in clause.id:
            assert clause.parent == clause.id.rsplit(".", 1)[0]
            assert clause.id in cat.clause(clause.parent).children
        else:
            assert clause.parent is None
        for child in cat.children_of(clause.id):
            assert child.parent == clause.id
        assert clause.is_leaf == (not clause.children)
    assert [c.id for c in cat.leaves()] == [c.id for c in cat if not c.children]
    # Every clause is either a leaf or has leaves below it, and each leaf sits under one
    # top-level clause: the leaves partition the catalogue.
    under_tops = [leaf.id for top in cat.top_level() for leaf in cat.leaves_under(top.id)]
    assert under_tops == [c.id for c in cat.leaves()]


def test_2018_tree_queries(cat2018: Catalogue) -> None:
    assert [c.id for c in cat2018.top_level()] == ["4", "5", "6", "7", "8", "9", "10"]
    assert [c.id for c in cat2018.children_of("5.2")] == ["5.2.1", "5.2.2"]
    assert [c.id for c in cat2018.children_of("8.3")] == ["8.3.1", "8.3.2", "8.3.3", "8.3.4"]
    assert [c.id for c in cat2018.descendants("8.3")] == [
        "8.3.1",
        "8.3.2",
        "8.3.3",
        "8.3.4",
        "8.3.4.1",
        "8.3.4.2",
    ]
    assert [c.id for c in cat2018.leaves_under("8.3.4")] == ["8.3.4.1", "8.3.4.2"]
    assert [c.id for c in cat2018.leaves_under("9.4")] == ["9.4"]
    assert cat2018.children_of("9.4") == ()
    assert cat2018.descendants("9.4") == ()
    assert "8.5.1.1" in {c.id for c in cat2018.leaves()}
    assert "8.5.1" not in {c.id for c in cat2018.leaves()}
    assert len(cat2018.leaves()) == 57


def test_get_and_unknown_clause(cat2018: Catalogue) -> None:
    assert cat2018.get("7.5.3") is cat2018.clause("7.5.3")
    assert cat2018.get("11") is None
    assert "7.5.3" in cat2018 and "11" not in cat2018
    with pytest.raises(UnknownClauseError, match=r"unknown clause '11' in the 2018 edition"):
        cat2018.children_of("11")
    with pytest.raises(KeyError):
        cat2018.descendants("8.8")


# --- the 2011 outline and mapping -----------------------------------------------------


def test_2011_has_every_clause_of_the_mapping_table(cat2011: Catalogue) -> None:
    assert list(cat2011.clauses) == CLAUSES_2011
    assert cat2011.standard == "ISO/IEC 20000-1:2011"
    for clause in cat2011:
        assert clause.title.strip() and clause.summary.strip()
        assert kinds_evidencing(clause.id, "2011") == () and not clause.mandatory


def test_every_2011_mapping_target_exists_in_2018(cat2011: Catalogue, cat2018: Catalogue) -> None:
    for clause in cat2011:
        assert clause.maps_to, f"2011 {clause.id} maps to nothing"
        for target in clause.maps_to:
            assert target in cat2018, f"2011 {clause.id} -> unknown 2018 {target}"


def test_2011_parent_mapping_covers_its_children(cat2011: Catalogue) -> None:
    for clause in cat2011:
        for child in cat2011.children_of(clause.id):
            for target in child.maps_to:
                assert any(clause_matches(t, target) for t in clause.maps_to), (
                    f"2011 {child.id} -> {target} is not under 2011 {clause.id}'s mapping"
                )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("4.1.1", ["5.1"]),
        ("4.1.2", ["5.2"]),
        ("4.1.3", ["5.3", "7.4"]),
        ("4.1.4", ["5.3"]),
        ("4.2", ["8.2.3", "8.1", "8.3.4.2"]),
        ("4.3", ["7.5"]),
        ("4.3.2", ["7.5"]),
        ("4.4.1", ["7.1"]),
        ("4.4.2", ["7.2", "7.3"]),
        ("4.5.1", ["4.3"]),
        ("4.5.2", ["6.1", "6.2", "6.3"]),
        ("4.5.3", ["8.1"]),
        ("4.5.4", ["9.1", "9.2", "9.3"]),
        ("4.5.5", ["10.1", "10.2"]),
        ("5", ["8.5.2", "8.2.2"]),
        ("6.1", ["8.3.3", "8.2.4"]),
        ("6.2", ["9.4"]),
        ("6.3", ["8.7.1", "8.7.2"]),
        ("6.4", ["8.4.1"]),
        ("6.5", ["8.4.3", "8.4.2"]),
        ("6.6", ["8.7.3.1", "8.7.3.2", "8.7.3.3", "8.5.1.3"]),
        ("7.1", ["8.3.2"]),
        ("7.2", ["8.3.4.1", "8.3.4.2"]),
        ("8.1", ["8.6.1", "8.6.2"]),
        ("8.2", ["8.6.3"]),
        ("9.1", ["8.2.6"]),
        ("9.2", ["8.5.1"]),
        ("9.3", ["8.5.3"]),
    ],
)
def test_2011_maps_to(cat2011: Catalogue, old: str, new: list[str]) -> None:
    assert list(cat2011.clause(old).maps_to) == new


def test_clauses_new_in_2018_have_no_2011_counterpart(cat2011: Catalogue) -> None:
    # 6.1 and 8.4.2 are also new as requirements, but 2011 planning (4.5.2) and capacity
    # management (6.5) are their nearest homes, so they appear as secondary targets.
    targets = {t for clause in cat2011.leaves() for t in clause.maps_to}
    for new in ("4.1", "4.2", "7.6", "8.2.1", "8.2.5"):
        assert not any(clause_matches(t, new) or clause_matches(new, t) for t in targets), new


# --- helpers and loading --------------------------------------------------------------


@pytest.mark.parametrize(
    ("named", "leaf", "expected"),
    [
        ("5.2", "5.2", True),
        ("5.2", "5.2.1", True),
        ("8", "8.3.4.1", True),
        ("8.3.4", "8.3.4.2", True),
        ("5.2.1", "5.2", False),
        ("5.2", "5.21", False),
        ("1", "10.1", False),
        ("8.3.3", "8.3.4", False),
    ],
)
def test_clause_matches(named: str, leaf: str, expected: bool) -> None:
    assert clause_matches(named, leaf) is expected


def test_clause_sort_key_is_numeric() -> None:
    assert sorted(["10.1", "8.10", "8.9", "9.4"], key=clause_sort_key) == [
        "8.9",
        "8.10",
        "9.4",
        "10.1",
    ]


def test_load_is_cached_and_read_only() -> None:
    assert load_catalogue("2018") is load_catalogue("2018")
    assert available_editions() == ("2018", "2011")
    with pytest.raises(TypeError):
        load_catalogue().clauses["99"] = load_catalogue().clauses["4"]  # type: ignore[index]


def test_unknown_edition() -> None:
    with pytest.raises(ValueError, match=r"unknown edition '2005'; known editions: 2018, 2011"):
        load_catalogue("2005")


def test_data_file_ships_as_package_data_without_rule_codes() -> None:
    text = files("itsm_cli.clauses").joinpath("catalogue.py").read_text(encoding="utf-8")
    # Rules declare their clauses in code; the catalogue must not duplicate that mapping.
    assert not re.search(r"\b(E00\d|(CAT|SLM|SUP|CAP|CON|REP|DOC|WVR)\d{3})\b", text)


def _entry(clause_id: Any, **extra: Any) -> dict[str, Any]:
    return {"id": clause_id, "title": "T", "summary": "S", **extra}


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([_entry(4.1)], "must be a quoted clause number"),
        ([_entry("4"), _entry("4")], "duplicate id"),
        ([_entry("4"), _entry("4.2.1")], "parent 4.2 is missing"),
        ([_entry("5"), _entry("4")], "out of document order"),
        ([_entry("4", title="")], "`title` must be a non-empty string"),
        ([_entry("4", kind=["SLA"])], "unknown field(s) kind"),
        ([_entry("4", mandatory=True)], "`mandatory: true` goes with both"),
        ([_entry("4", document="Scope")], "`mandatory: true` goes with both"),
        ([_entry("4", maps_to=["4"])], "`maps_to` belongs to older editions only"),
    ],
)
def test_malformed_catalogue_data_is_refused(entries: list[Any], message: str) -> None:
    with pytest.raises(CatalogueError, match=re.escape(message)):
        _parse_entries("2018", entries)
