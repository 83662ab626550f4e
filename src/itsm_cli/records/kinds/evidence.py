"""The Evidence kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import ClassVar, Literal

from itsm_cli.records.fields import Text
from itsm_cli.records.models import Problem, Record, Spec


class EvidenceSpec(Spec):
    type: Literal["policy", "plan", "procedure", "record", "report", "minutes", "other"]
    """policy | plan | procedure | record | report | minutes | other."""
    location: Text
    """A path in the repository or a URL."""
    description: str | None = None
    """What the document is and what it shows."""


class Evidence(Record):
    """Documented information that evidences the clauses named in metadata.clauses."""

    KIND = "Evidence"
    FOLDER = "evidence"
    REVIEWED_TYPES: ClassVar[frozenset[str]] = frozenset({"policy", "plan", "procedure", "other"})
    """Evidence types that are documents under planned review; `record`, `report` and
    `minutes` are past events."""
    kind: Literal["Evidence"]
    """Always Evidence."""
    spec: EvidenceSpec
    """The fields of a Evidence record."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if not self.metadata.clauses:
            yield ("metadata",), "an Evidence record must name at least one clause in `clauses`"

    def is_reviewed_document(self) -> bool:
        return self.spec.type in self.REVIEWED_TYPES
