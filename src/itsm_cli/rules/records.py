"""E001–E006: the record-level checks. The loader and the index apply them; they are
registered here so every code is described in one place (the hints with one fixed text come
from `records/hints.py`, which the loader and the index use too)."""

from __future__ import annotations

from itsm_cli.findings import Severity
from itsm_cli.records import hints
from itsm_cli.rules.registry import Rule, register

_IO = ("7.5.3",)

register(
    Rule(
        "E001", Severity.ERROR, _IO,
        "The file is not valid YAML (syntax, encoding, duplicate keys) or cannot be read.",
        "Documented information must be readable to be controlled; a file no tool can read "
        "is no record at all. Duplicate keys are refused because YAML tools disagree on which "
        "value wins.",
        "Fix the YAML at the position given; save the file as UTF-8 and indent with spaces.",
        failing="metadata:\n  id: SLA-ACME\n  id: SLA-ACME-2   # duplicate key",
        passing="metadata:\n  id: SLA-ACME",
    )
)
register(
    Rule(
        "E002", Severity.ERROR, _IO,
        "The record breaks its schema (missing or unknown field, wrong type or value, bad id).",
        "Every record of a kind carries the same fields, so rules and auditors can rely on "
        "them. Unknown keys are usually typos that would silently drop information.",
        "Add the missing field, correct the value, or rename the field as suggested.",
        failing="kind: Service\nspec:\n  lifecycle: active   # not pipeline/live/retired",
        passing="kind: Service\nspec:\n  lifecycle: live",
    )
)
register(
    Rule(
        "E003", Severity.ERROR, _IO,
        "Two records share an id.",
        "References name records by id; two records with one id make every reference to it "
        "ambiguous.",
        hints.DUPLICATE_ID,
        failing="# services/a.yaml and services/b.yaml both:\nmetadata:\n  id: SVC-WEB",
        passing="# services/a.yaml: SVC-WEB, services/b.yaml: SVC-WEB-2",
    )
)
register(
    Rule(
        "E004", Severity.ERROR, _IO,
        "A reference names no record, or a record of the wrong kind "
        "(also a Measurement value for a target id the agreement lacks).",
        "A dangling reference breaks the chain an auditor follows from a service to its "
        "agreements, suppliers and plans.",
        hints.MISSING_REFERENCE,
        failing="kind: SLA\nspec:\n  services: [SVC-WEBSHOP]   # no such Service",
        passing="kind: SLA\nspec:\n  services: [SVC-WEB]",
    )
)
register(
    Rule(
        "E005", Severity.ERROR, _IO,
        "Unknown apiVersion or kind.",
        "The kind decides which schema and which rules apply; an unknown one cannot be checked.",
        hints.UNKNOWN_KIND,
        failing="apiVersion: itsm/v1\nkind: ServiceLevelAgreement",
        passing="apiVersion: itsm/v1\nkind: SLA",
    )
)
register(
    Rule(
        "E006", Severity.ERROR, _IO,
        "Input refused for safety: YAML tags, alias expansion, nesting or size over the limits, "
        "a path outside the repository, a submodule.",
        "Records are data, never code or pointers elsewhere: tags can construct objects, alias "
        "bombs and deep nesting exhaust memory, links can leak files from outside the repo.",
        "Remove the tag, alias or link; split large files.",
        failing="spec:\n  description: !!python/object:os.system echo",
        passing="spec:\n  description: Web hosting",
    )
)
