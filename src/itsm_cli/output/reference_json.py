"""`itsm rules`, `itsm explain CODE` and `itsm clauses` as JSON, for other tools."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from itsm_cli.output import RenderOptions
from itsm_cli.output.json import SCHEMA_VERSION, dumps

if TYPE_CHECKING:
    from itsm_cli.clauses.standard import Catalogue
    from itsm_cli.rules.registry import Rule


def rule_to_json(entry: Rule, full: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": entry.code,
        "severity": entry.severity.value,
        "area": entry.area,
        "clauses": list(entry.clauses),
        "clausesOfRecord": entry.clauses_of_record or None,
        "summary": entry.summary,
    }
    if full:
        out.update(
            rationale=entry.rationale,
            hint=entry.hint,
            failing=entry.failing,
            passing=entry.passing,
        )
    return out


def render_rules(rules: Mapping[str, Rule], options: RenderOptions) -> str:
    return dumps({"version": SCHEMA_VERSION, "rules": [rule_to_json(r) for r in rules.values()]})


def render_explain(entry: Rule, catalogue: Catalogue, options: RenderOptions) -> str:
    document = {"version": SCHEMA_VERSION, **rule_to_json(entry, full=True)}
    document["clauses"] = [
        {"id": c, "title": clause.title if (clause := catalogue.get(c)) else ""}
        for c in entry.clauses
    ]
    return dumps(document)


def render_clauses(
    catalogue: Catalogue, rules: Mapping[str, tuple[str, ...]], options: RenderOptions
) -> str:
    from itsm_cli.records.models import kinds_evidencing

    clauses = []
    for clause in catalogue:
        item: dict[str, Any] = {
            "id": clause.id,
            "title": clause.title,
            "summary": clause.summary,
            "parent": clause.parent,
            "kinds": list(kinds_evidencing(clause.id, catalogue.edition)),
            "mandatory": clause.mandatory,
            "document": clause.mandatory_document,
            "rules": list(rules.get(clause.id, ())),
        }
        if clause.maps_to:
            item["mapsTo"] = list(clause.maps_to)
        if clause.note:
            item["note"] = clause.note
        clauses.append(item)
    return dumps(
        {
            "version": SCHEMA_VERSION,
            "edition": catalogue.edition,
            "standard": catalogue.standard,
            "clauses": clauses,
        }
    )
