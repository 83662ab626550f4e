"""E001–E006, the record-level checks, declared once: code, severity, clauses, summary,
rationale and fix hints. The loader and the index build their findings from these
declarations (`RecordCode.finding`), so a finding cannot carry another severity or clause than
`itsm explain` shows; the rules registry lists them beside the compliance rules.

A finding's hint is the code's own hint, or one of its declared `variants` for a particular
cause (a tab, a loop of links). E002 and E004 may also carry advice derived from the schema or
the references at hand ("Targets of that agreement: availability, restore."), which no fixed
text could give; `schema_hints` says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from itsm_cli.findings import FieldPath, Finding, Severity
from itsm_cli.records.models import API_VERSION, KINDS

if TYPE_CHECKING:
    from collections.abc import Mapping

_IO = ("7.5.3",)


@dataclass(frozen=True, slots=True)
class RecordCode:
    code: str
    summary: str
    """One line: what makes the check fire."""
    rationale: str
    hint: str
    """The fix, as `itsm explain` gives it; a finding's hint unless a variant fits better."""
    failing: str
    passing: str
    variants: tuple[str, ...] = ()
    """Hints for particular causes, each a fixed text declared here."""
    schema_hints: bool = False
    """Whether a finding may carry advice derived from the schema or the records at hand."""
    severity: Severity = Severity.ERROR
    clauses: tuple[str, ...] = field(default=_IO)

    def allows(self, hint: str) -> bool:
        """Whether `hint` is one this code declares (or may derive)."""
        return hint == self.hint or hint in self.variants or self.schema_hints

    def finding(
        self,
        message: str,
        file: str,
        line: int = 1,
        column: int = 1,
        *,
        hint: str | None = None,
        record: str | None = None,
        path: FieldPath = (),
        related: tuple[str, ...] = (),
    ) -> Finding:
        """A finding of this code; `hint` None gives the code's own hint."""
        return Finding(
            rule=self.code,
            severity=self.severity,
            message=message,
            file=file,
            line=line,
            column=column,
            record=record,
            path=path,
            clauses=self.clauses,
            hint=self.hint if hint is None else hint,
            related=related,
        )


# Hints for particular causes (the variants below). Named so that each text is written once.
E001_UTF8 = "Save the file as UTF-8."
E001_ENCODING = "Check the file's encoding."
E001_TEXT = "Save the file as text."
E001_SYNTAX = "Fix the YAML syntax at this position."
E001_TABS = "YAML does not allow tabs for indentation; indent with spaces."
E001_DUPLICATE_KEY = "Remove one of the two entries; YAML keys must be unique."
E001_KEY_TYPES = "Quote the keys: record keys are text."
E001_PLAIN_KEY = "Use a plain text key."
E001_ANCHOR = "Define the anchor (&name) before using the alias."
E001_PERMISSIONS = "Check the file's permissions."
E001_ENTRY_PERMISSIONS = "Check the permissions of this entry and of its folder."
E001_FOLDER_PERMISSIONS = "Make the folder readable (`chmod u+rx`) for the user who runs itsm."
E001_LINK_LOOP = "Point the link at the record file itself, or delete it."
E001_BROKEN_LINK = "Point the link at an existing record file, or delete it."
E001_NOT_REGULAR = "Records are regular files; remove or rename this entry."
E002_START = "Start the document with `apiVersion: itsm/v1`."
E002_PLACEHOLDER = "Replace the `<fill in: …>` placeholder with the real value."
E002_EMPTY_FILE = "Add a record or delete the file."
E004_INTERNAL_PROVIDER = "Name the internal team, or the id of a Supplier with `type: internal`."
E006_NESTING = "Flatten the structure; records need only a few levels."
E006_TAG = "Remove the tag; records hold plain values only."
E006_ALIASES = "Write the values out instead of nesting aliases."
E006_SIZE = "Split the records into smaller files, or raise `max-file-size` in itsm.toml."
E006_OUTSIDE = "Keep records inside the repository; replace the link by the file itself."
E006_SUBMODULE = "Keep records in this repository itself, not in a submodule."

E001 = RecordCode(
    "E001",
    "The file is not valid YAML (syntax, encoding, duplicate keys) or cannot be read.",
    "Documented information must be readable to be controlled; a file no tool can read "
    "is no record at all. Duplicate keys are refused because YAML tools disagree on which "
    "value wins.",
    "Fix the YAML at the position given; save the file as UTF-8 and indent with spaces.",
    failing="metadata:\n  id: SLA-ACME\n  id: SLA-ACME-2   # duplicate key",
    passing="metadata:\n  id: SLA-ACME",
    variants=(
        E001_UTF8, E001_ENCODING, E001_TEXT, E001_SYNTAX, E001_TABS, E001_DUPLICATE_KEY,
        E001_KEY_TYPES, E001_PLAIN_KEY, E001_ANCHOR, E001_PERMISSIONS, E001_ENTRY_PERMISSIONS,
        E001_FOLDER_PERMISSIONS, E001_LINK_LOOP, E001_BROKEN_LINK, E001_NOT_REGULAR,
    ),
)
E002 = RecordCode(
    "E002",
    "The record breaks its schema (missing or unknown field, wrong type or value, bad id).",
    "Every record of a kind carries the same fields, so rules and auditors can rely on "
    "them. Unknown keys are usually typos that would silently drop information.",
    "Add the missing field, correct the value, or rename the field as suggested.",
    failing="kind: Service\nspec:\n  lifecycle: active   # not pipeline/live/retired",
    passing="kind: Service\nspec:\n  lifecycle: live",
    variants=(E002_START, E002_PLACEHOLDER, E002_EMPTY_FILE),
    schema_hints=True,
)
E003 = RecordCode(
    "E003",
    "Two records share an id.",
    "References name records by id; two records with one id make every reference to it "
    "ambiguous.",
    "Give one of the two records another id.",
    failing="# services/a.yaml and services/b.yaml both:\nmetadata:\n  id: SVC-WEB",
    passing="# services/a.yaml: SVC-WEB, services/b.yaml: SVC-WEB-2",
)
E004 = RecordCode(
    "E004",
    "A reference names no record, or a record of the wrong kind "
    "(also a Measurement value for a target id the agreement lacks).",
    "A dangling reference breaks the chain an auditor follows from a service to its "
    "agreements, suppliers and plans.",
    "Correct the id, or add the missing record.",
    failing="kind: SLA\nspec:\n  services: [SVC-WEBSHOP]   # no such Service",
    passing="kind: SLA\nspec:\n  services: [SVC-WEB]",
    variants=(E004_INTERNAL_PROVIDER,),
    # The other cases name what is expected: the kinds, the agreement's target ids.
    schema_hints=True,
)
E005 = RecordCode(
    "E005",
    "Unknown apiVersion or kind.",
    "The kind decides which schema and which rules apply; an unknown one cannot be checked.",
    f"Use `apiVersion: {API_VERSION}` and one of the kinds {', '.join(KINDS)} "
    "(see the README, section Records).",
    failing="apiVersion: itsm/v1\nkind: ServiceLevelAgreement",
    passing="apiVersion: itsm/v1\nkind: SLA",
)
E006 = RecordCode(
    "E006",
    "Input refused for safety: YAML tags, alias expansion, nesting or size over the limits, "
    "a path outside the repository, a submodule.",
    "Records are data, never code or pointers elsewhere: tags can construct objects, alias "
    "bombs and deep nesting exhaust memory, links can leak files from outside the repo.",
    "Remove the tag, alias or link; split large files.",
    failing="spec:\n  description: !!python/object:os.system echo",
    passing="spec:\n  description: Web hosting",
    variants=(
        E006_NESTING, E006_TAG, E006_ALIASES, E006_SIZE, E006_OUTSIDE, E006_SUBMODULE,
    ),
)


RECORD_CODES: Mapping[str, RecordCode] = {
    c.code: c for c in (E001, E002, E003, E004, E005, E006)
}
"""Every record-level code, in order."""


def record_finding(
    code: str,
    message: str,
    file: str,
    line: int = 1,
    column: int = 1,
    *,
    hint: str | None = None,
    record: str | None = None,
    path: FieldPath = (),
) -> Finding:
    """A finding of the record-level code `code` (for callers that choose the code)."""
    return RECORD_CODES[code].finding(
        message, file, line, column, hint=hint, record=record, path=path
    )
