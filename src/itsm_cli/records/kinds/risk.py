"""The Risk kind: its spec, the models inside it and its record class."""

# No `from __future__ import annotations`, as in `records/models.py` (start-up time).

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field

from itsm_cli.records.fields import IsoDate, RecordId, RecordModel, Text
from itsm_cli.records.models import Event, PlanAction, Record, Reference, Spec, refs

RISK_CATEGORY_CLAUSES: dict[str, tuple[str, ...]] = {
    "security": ("6.1", "8.7.3.2"),
    "availability": ("6.1", "8.7.1", "8.7.2"),
    "continuity": ("6.1", "8.7.1", "8.7.2"),
}
"""The clauses a Risk evidences beyond 6.1, by its category."""

Score = Annotated[int, Field(strict=True, ge=1, le=5)]


class ResidualScore(RecordModel):
    """The risk as assessed once its controls and actions are in place."""

    likelihood: Score
    """Residual likelihood, 1 (rare) to 5 (almost certain)."""
    impact: Score
    """Residual impact, 1 (negligible) to 5 (severe)."""

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


class RiskAcceptance(RecordModel):
    """Who accepted the risk as it stands, and when."""

    by: Text
    """Person or role that accepted the risk (the risk owner, top management)."""
    date: IsoDate
    """Date of acceptance (YYYY-MM-DD)."""


class RiskSpec(Spec):
    category: Literal["security", "service", "sms", "supplier", "availability", "continuity"]
    """security | service | sms | supplier | availability | continuity."""
    description: Text
    """What could happen, and what it would do to the services or the SMS."""
    likelihood: Score
    """Inherent likelihood, 1 (rare) to 5 (almost certain)."""
    impact: Score
    """Inherent impact, 1 (negligible) to 5 (severe)."""
    treatment: Literal["mitigate", "transfer", "avoid", "accept"]
    """mitigate | transfer | avoid | accept."""
    assessed: IsoDate
    """Date of the latest assessment of the risk (YYYY-MM-DD)."""
    scope: list[RecordId] = []
    """Ids of the Services the risk concerns (none: the whole SMS)."""
    controls: list[str] = []
    """Controls in place that reduce the risk."""
    actions: list[PlanAction] = []
    """Actions to treat the risk."""
    residual: ResidualScore | None = None
    """Likelihood and impact once the treatment is in place."""
    acceptance: RiskAcceptance | None = None
    """Who accepted the (residual) risk, and when."""

    @property
    def score(self) -> int:
        """Inherent score: likelihood × impact."""
        return self.likelihood * self.impact

    def references(self) -> Iterator[Reference]:
        return refs(self.scope, "scope", ("Service",))

    def events(self) -> Iterator[Event]:
        yield ("assessed",), self.assessed
        if self.acceptance is not None:
            yield ("acceptance", "date"), self.acceptance.date
class Risk(Record):
    """A risk to the services or the SMS, its assessment and treatment (ISO/IEC
    20000-1:2018 6.1; 8.7.3.2 for security, 8.7.1 and 8.7.2 for availability and continuity
    risks)."""

    KIND = "Risk"
    FOLDER = "risks"
    REVIEWED = True
    CLAUSES = ("6.1",)
    CLAUSES_BY_FIELDS = {
        "8.7.3.2": "category: security",
        "8.7.1": "category: availability or continuity",
        "8.7.2": "category: availability or continuity",
    }
    kind: Literal["Risk"]
    """Always Risk."""
    spec: RiskSpec
    """The fields of a Risk record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """6.1; with 8.7.3.2 for security, 8.7.1 and 8.7.2 for availability and continuity."""
        return RISK_CATEGORY_CLAUSES.get(self.spec.category, self.CLAUSES)
