"""The record kinds of itsm/v1 (README, section Records) as Pydantic models.

Attribute docstrings become field descriptions: one text serves the code, the JSON Schemas
(editor hover) and `itsm explain`. Rules that span several fields of one record live in
`problems()` so each can name the exact field path it is about; rules that span records live
in `itsm_cli.rules`.
"""

# No `from __future__ import annotations`: the annotations are objects as each class is
# defined, where pydantic would otherwise evaluate every one of them from its text, a fifth
# of the cost of defining the models at start-up.

import datetime as dt
import typing
from collections.abc import Iterator, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

from itsm_cli.dates import BUDGET_PERIOD_PATTERN, PERIOD_PATTERN, Duration, Period
from itsm_cli.findings import FieldPath, figure
from itsm_cli.records.fields import (
    ClauseRef,
    Criticality,
    IsoDate,
    IsoDuration,
    Lifecycle,
    Percent,
    RecordId,
    RecordModel,
    Status,
    Text,
)

API_VERSION = "itsm/v1"

Problem = tuple[FieldPath, str]
"""A field path and a plain-English message: becomes an E002 finding."""
Reference = tuple[FieldPath, str, tuple[str, ...]]
"""A field path, the id it names, and the kinds it may name."""
Event = tuple[FieldPath, dt.date]
"""The field path of the date of a past event (a test, a review, an approval) and that date:
DOC004 reports every one after today."""


# --- envelope -------------------------------------------------------------------------


class Approval(RecordModel):
    """Who approved the record, and when."""

    by: Text
    """Person or role that approved the record."""
    date: IsoDate
    """Date of approval (YYYY-MM-DD)."""


class Metadata(RecordModel):
    """The envelope every record shares."""

    id: RecordId
    """Unique id in the repository: capitals, digits and hyphens, e.g. SLA-ACME-HOSTING."""
    title: Text
    """Human-readable title."""
    owner: Text
    """Accountable person or role."""
    status: Status = Status.DRAFT
    """draft | approved | retired."""
    approved: Approval | None = None
    """Required when status is approved."""
    last_reviewed: IsoDate | None = None
    """Date of the last planned review."""
    review_interval: IsoDuration | None = None
    """ISO 8601 duration between planned reviews (default per kind from configuration)."""
    clauses: list[ClauseRef] = []
    """Extra ISO/IEC 20000-1 clauses this record is evidence for, e.g. "8.3.3"."""
    labels: dict[str, str] = {}
    """Free key/value strings."""


class Contact(RecordModel):
    """A person involved with the record."""

    name: Text
    """Full name."""
    role: Text
    """Role or job title."""
    email: str | None = None
    """E-mail address."""
    date: IsoDate | None = None
    """Date of signature or appointment, where relevant."""


class Metric(StrEnum):
    AVAILABILITY = "availability"
    RESPONSE_TIME = "response-time"
    RESOLUTION_TIME = "resolution-time"
    THROUGHPUT = "throughput"
    SATISFACTION = "satisfaction"
    OTHER = "other"


_HIGHER_IS_BETTER = {Metric.AVAILABILITY, Metric.SATISFACTION, Metric.THROUGHPUT}


TARGET_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Target(RecordModel):
    """A service level target of an agreement or a supplier contract."""

    id: Annotated[str, Field(min_length=1, pattern=TARGET_ID_PATTERN)]
    """Unique within the agreement; Measurement values use it."""
    metric: Metric
    """availability | response-time | resolution-time | throughput | satisfaction | other."""
    objective: float
    """The number to meet, in `unit`."""
    comparator: Literal[">=", "<="] | None = None
    """">=" or "<="; default ">=" for availability/satisfaction/throughput, "<=" otherwise."""
    unit: Literal["percent", "ms", "s", "min", "h", "d", "count", "score"]
    """percent | ms | s | min | h | d | count | score."""
    window: Literal[
        "calendar-month", "calendar-quarter", "calendar-year", "rolling-30d", "per-incident"
    ]
    """Period over which the objective is measured."""
    priority: str | None = None
    """Incident priority the target applies to (e.g. P1)."""
    attainment: Annotated[float, Field(ge=0, le=100)] | None = None
    """Only with window per-incident: the share of items, in percent, that must meet the
    objective ("95 % of P1 incidents within 4 h" is objective 4, unit h, attainment 95).
    A Measurement value is then the achieved share in percent, met when >= attainment."""

    @property
    def effective_comparator(self) -> str:
        if self.comparator:
            return self.comparator
        return ">=" if self.metric in _HIGHER_IS_BETTER else "<="

    @property
    def is_availability_percent(self) -> bool:
        """An availability target in percent to reach or exceed (99.9 %): what SLM004
        multiplies along the dependencies and CON005 turns into a downtime budget."""
        return (
            self.metric is Metric.AVAILABILITY
            and self.unit == "percent"
            and self.effective_comparator == ">="
        )

    def problems(self) -> Iterator[Problem]:
        if self.attainment is not None and self.window != "per-incident":
            yield ("attainment",), (
                f"attainment is the share of items within the objective: it needs window "
                f"per-incident, not {self.window}"
            )

    def is_met(self, actual: float) -> bool:
        """Whether a Measurement value meets the target: the achieved share against
        `attainment` for such a target, else the value against the objective."""
        if self.attainment is not None:
            return actual >= self.attainment
        if self.effective_comparator == ">=":
            return actual >= self.objective
        return actual <= self.objective


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


class _HasDate(Protocol):
    @property
    def date(self) -> dt.date | None: ...


def _unique_ids(items: Sequence[_HasId], path: FieldPath) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            yield (*path, i, "id"), f"id '{item.id}' is used twice in this list"
        seen.add(item.id)


def _target_problems(targets: Sequence[Target], path: FieldPath) -> Iterator[Problem]:
    """Target ids unique; an objective in percent within 0–100."""
    yield from _unique_ids(targets, path)
    for i, target in enumerate(targets):
        if target.unit == "percent" and not 0 <= target.objective <= 100:
            yield (*path, i, "objective"), (
                f"objective {figure(target.objective)} is not a percentage (0 to 100)"
            )
        for sub, message in target.problems():
            yield (*path, i, *sub), message


class Spec(RecordModel):
    """Base of every kind's spec."""

    KEY_ORDER: ClassVar[tuple[str, ...]] = ()
    """Where the document order reads better than the field order, these keys come first in
    `itsm fmt`, in this order, and the rest follow in field order. This is the order of the
    example records in `records/`."""

    def problems(self) -> Iterator[Problem]:
        """Cross-field problems inside the spec; paths are relative to `spec`."""
        return iter(())

    def references(self) -> Iterator[Reference]:
        """Ids of other records this spec names; paths are relative to `spec`."""
        return iter(())

    def events(self) -> Iterator[Event]:
        """The dates of past events this spec records (tests, reviews, usage observed,
        signatures); paths are relative to `spec`. Dates that lie ahead by nature (validUntil,
        a contract's end, an action's due date, a waiver's expiry) are not events."""
        return iter(())


def _dated(entries: Sequence[_HasDate], field: str) -> Iterator[Event]:
    for i, entry in enumerate(entries):
        if entry.date is not None:
            yield (field, i, "date"), entry.date


def _refs(ids: list[str], field: str, kinds: tuple[str, ...]) -> Iterator[Reference]:
    for i, ref in enumerate(ids):
        yield (field, i), ref, kinds


# --- kinds ----------------------------------------------------------------------------


class ServiceSpec(Spec):
    KEY_ORDER = ("description", "lifecycle", "criticality", "customers", "serviceHours")

    description: Text
    """What the service does for its customers."""
    lifecycle: Lifecycle
    """pipeline | live | retired."""
    criticality: Criticality
    """critical | high | medium | low."""
    customers: list[str] = []
    """Customers (or customer groups) the service is provided to."""
    depends_on: list[RecordId] = []
    """Ids of the Services and Suppliers this service depends on."""
    service_hours: str | None = None
    """When the service is provided, e.g. "24x7" or "Mon-Fri 08:00-18:00 CET"."""

    def references(self) -> Iterator[Reference]:
        return _refs(self.depends_on, "dependsOn", ("Service", "Supplier"))


class Reporting(RecordModel):
    frequency: Literal["monthly", "quarterly"] = "monthly"
    """How often performance against targets is reported."""
    recipients: list[str] = []
    """Who receives the service reports."""


class AgreementSpec(Spec):
    """Fields SLAs and OLAs share."""

    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services the agreement covers."""
    targets: Annotated[list[Target], Field(min_length=1)]
    """The service level targets (at least one)."""
    service_hours: str | None = None
    """When the agreed service is provided, e.g. "Mon-Fri 08:00-18:00 CET"."""
    workload_limits: str | None = None
    """Workload the targets hold for (e.g. "up to 2,000 orders an hour")."""
    exceptions: list[str] | None = None
    """Situations the targets do not cover."""
    reporting: Reporting | None = None
    """How performance against the targets is reported, and to whom."""
    signatories: list[Contact] = []
    """Who signed the agreement, for each party."""

    def problems(self) -> Iterator[Problem]:
        return _target_problems(self.targets, ("targets",))

    def references(self) -> Iterator[Reference]:
        return _refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        return _dated(self.signatories, "signatories")

    def target(self, target_id: str) -> Target | None:
        return next((t for t in self.targets if t.id == target_id), None)

    @property
    def reporting_frequency(self) -> str:
        return self.reporting.frequency if self.reporting else "monthly"


_AGREEMENT_ORDER = (
    "services", "validFrom", "validUntil", "serviceHours", "workloadLimits", "exceptions",
    "targets", "reporting", "signatories",
)
"""An agreement reads who, what, when, then its terms: the fields SLAs and OLAs share come
first in the models, after the party in the document."""


class SLASpec(AgreementSpec):
    KEY_ORDER = ("customer", "customerRef", *_AGREEMENT_ORDER)

    customer: Text
    """The customer the agreement is with."""
    valid_from: IsoDate
    """First day the agreement is in force (YYYY-MM-DD)."""
    valid_until: IsoDate
    """Last day the agreement is in force (YYYY-MM-DD)."""
    customer_ref: RecordId | None = None
    """Id of the Customer record of the customer the agreement is with."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.valid_from > self.valid_until:
            yield ("validUntil",), (
                f"validUntil {self.valid_until} is before validFrom {self.valid_from}"
            )

    def references(self) -> Iterator[Reference]:
        yield from super().references()
        if self.customer_ref is not None:
            yield ("customerRef",), self.customer_ref, ("Customer",)


class OLASpec(AgreementSpec):
    KEY_ORDER = ("provider", *_AGREEMENT_ORDER)

    provider: Text
    """The internal team that provides, or the id of a Supplier of type internal."""
    valid_from: IsoDate | None = None
    """First day the agreement is in force, if limited."""
    valid_until: IsoDate | None = None
    """Last day the agreement is in force, if limited."""

    def problems(self) -> Iterator[Problem]:
        yield from super().problems()
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            yield ("validUntil",), (
                f"validUntil {self.valid_until} is before validFrom {self.valid_from}"
            )


class Contract(RecordModel):
    reference: Text
    """Contract number or document reference."""
    start: IsoDate
    """First day of the contract (YYYY-MM-DD)."""
    end: IsoDate
    """Last day of the contract (YYYY-MM-DD)."""
    notice_period: IsoDuration | None = None
    """Notice needed to end or renegotiate the contract, e.g. P90D."""
    targets: list[Target] = []
    """Underpinning targets the supplier commits to."""

    def in_force(self, today: dt.date) -> bool:
        return self.start <= today <= self.end

    @property
    def last_notice_day(self) -> dt.date | None:
        """The last day to give notice: end − noticePeriod, by the calendar (2027-01-31 − P3M
        = 2026-10-31); None without a notice period."""
        return None if self.notice_period is None else self.notice_period.before(self.end)


class SupplierReview(RecordModel):
    date: IsoDate
    """When the performance review took place."""
    outcome: Literal["meets", "partially-meets", "fails"]
    """meets | partially-meets | fails."""
    notes: str | None = None
    """What was found and agreed."""


class Dispute(RecordModel):
    date: IsoDate
    """When the dispute was raised."""
    summary: Text
    """What the dispute is about."""
    status: Literal["open", "closed"]
    """open | closed."""


class SupplierSpec(Spec):
    # Logs that grow (reviews, disputes) come last.
    KEY_ORDER = ("type", "criticality", "supports", "contract", "contacts", "interfaces")

    type: Literal["external", "internal", "customer-as-supplier"]
    """external | internal | customer-as-supplier."""
    criticality: Criticality
    """critical | high | medium | low."""
    supports: list[RecordId]
    """Ids of the Services this supplier supports."""
    contract: Contract
    """The contract (or agreement) with the supplier."""
    contacts: list[Contact] = []
    """Contacts at the supplier."""
    reviews: list[SupplierReview] = []
    """Performance reviews, in any order."""
    interfaces: list[str] = []
    """Interfaces between the supplier's and our processes."""
    disputes: list[Dispute] = []
    """Contractual disputes, recorded to closure."""

    def problems(self) -> Iterator[Problem]:
        if self.contract.start > self.contract.end:
            yield ("contract", "end"), (
                f"contract end {self.contract.end} is before its start {self.contract.start}"
            )
        yield from _target_problems(self.contract.targets, ("contract", "targets"))

    def references(self) -> Iterator[Reference]:
        return _refs(self.supports, "supports", ("Service",))

    def events(self) -> Iterator[Event]:
        yield from _dated(self.contacts, "contacts")
        yield from _dated(self.reviews, "reviews")
        yield from _dated(self.disputes, "disputes")


class Usage(RecordModel):
    date: IsoDate
    """When the usage was observed."""
    value: float
    """Observed usage, in the resource's unit."""


class Resource(RecordModel):
    name: Text
    """What is being planned, e.g. "Primary storage"."""
    type: Literal["human", "technical", "information", "financial"]
    """human | technical | information | financial."""
    unit: Text
    """Free text: TB, vCPU, FTE…"""
    capacity: Annotated[float, Field(gt=0)]
    """Total capacity, in `unit`."""
    threshold: Percent
    """Percentage of capacity at which action is needed."""
    usage: list[Usage] = []
    """Observed usage, in any order."""

    @property
    def threshold_value(self) -> float:
        return self.capacity * self.threshold / 100


class PlanAction(RecordModel):
    description: Text
    """What will be done."""
    owner: Text
    """Who does it."""
    due: IsoDate
    """When it is due (YYYY-MM-DD)."""
    status: Literal["open", "done"]
    """open | done."""


class CapacityPlanSpec(Spec):
    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services the plan covers."""
    horizon: IsoDuration
    """How far ahead the plan looks, e.g. P12M."""
    resources: Annotated[list[Resource], Field(min_length=1)]
    """Resources planned (human, technical, information, financial)."""
    actions: list[PlanAction] = []
    """Actions to keep capacity ahead of demand."""

    def references(self) -> Iterator[Reference]:
        return _refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        for i, resource in enumerate(self.resources):
            for path, day in _dated(resource.usage, "usage"):
                yield ("resources", i, *path), day


class Scenario(RecordModel):
    id: Text
    """Short id of the scenario, unique within the plan."""
    description: Text
    """The major loss of service the scenario covers."""
    strategy: Text
    """How service is restored in this scenario."""


class ContinuityTest(RecordModel):
    date: IsoDate
    """When the test took place."""
    type: Literal["tabletop", "walkthrough", "failover", "full"]
    """tabletop | walkthrough | failover | full."""
    result: Literal["pass", "partial", "fail"]
    """pass | partial | fail."""
    achieved_rto: IsoDuration | None = None
    """Recovery time achieved in the test (ISO 8601 duration)."""
    findings: list[str] = []
    """What the test revealed."""
    actions: list[str] = []
    """Actions agreed to fix deficiencies."""


class ContinuityPlanSpec(Spec):
    # The availability while the plan is invoked sits with its RTO and RPO.
    KEY_ORDER = ("services", "invocation", "scenarios", "rto", "rpo", "availabilityWhileInvoked")

    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services the plan covers."""
    invocation: Text
    """Criteria for invoking the plan, and who decides."""
    scenarios: Annotated[list[Scenario], Field(min_length=1)]
    """Procedures for a major loss of service."""
    rto: IsoDuration
    """Recovery time objective."""
    rpo: IsoDuration
    """Recovery point objective."""
    return_to_normal: Text
    """How normal working is restored after the plan was invoked."""
    test_interval: IsoDuration
    """How often the plan must be tested, e.g. P12M."""
    availability_while_invoked: Percent | None = None
    """Availability target (percent) while the plan is invoked."""
    contacts: list[Contact] = []
    """People to contact when the plan is invoked."""
    tests: list[ContinuityTest] = []
    """Tests of the plan, in any order."""

    def problems(self) -> Iterator[Problem]:
        return _unique_ids(self.scenarios, ("scenarios",))

    def references(self) -> Iterator[Reference]:
        return _refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        yield from _dated(self.contacts, "contacts")
        yield from _dated(self.tests, "tests")


class EvidenceSpec(Spec):
    type: Literal["policy", "plan", "procedure", "record", "report", "minutes", "other"]
    """policy | plan | procedure | record | report | minutes | other."""
    location: Text
    """A path in the repository or a URL."""
    description: str | None = None
    """What the document is and what it shows."""


class MeasurementSpec(Spec):
    agreement: RecordId
    """Id of the SLA or OLA measured."""
    period: Annotated[str, Field(pattern=PERIOD_PATTERN)]
    """A month (2026-10) or a quarter (2026-Q4)."""
    values: dict[str, float]
    """Actual value per target id of the agreement."""
    notes: str | None = None
    """Context: workload against limits, incidents, explanations of breaches."""

    def problems(self) -> Iterator[Problem]:
        if self.period.startswith("0000-"):
            yield ("period",), f"'{self.period}' is not a period: the calendar has no year 0000"

    def references(self) -> Iterator[Reference]:
        yield ("agreement",), self.agreement, ("SLA", "OLA")


PROCESS_CLAUSES: dict[str, str] = {
    "incident": "8.6.1",
    "request": "8.6.2",
    "problem": "8.6.3",
    "change": "8.5.1",
    "release": "8.5.3",
    "security-incident": "8.7.3.3",
}
"""The clause a ProcessReport evidences, by its process."""

Process = Literal["incident", "request", "problem", "change", "release", "security-incident"]
ExceptionIssue = Literal[
    "implemented-before-approval",
    "emergency-without-review",
    "failed-without-review",
    "release-without-approval",
    "major-without-review",
    "no-root-cause",
]


class ProcessCounts(RecordModel):
    """Ticket counts of the period, computed from the export."""

    opened: Annotated[int, Field(ge=0)] | None = None
    """Tickets opened in the period, however they ended."""
    closed: Annotated[int, Field(ge=0)] | None = None
    """Tickets that belong to the period: resolved (incidents, requests) or closed (problems,
    changes) in it."""
    breached: Annotated[int, Field(ge=0)] | None = None
    """Tickets of the period that missed their resolution objective."""
    reopened: Annotated[int, Field(ge=0)] | None = None
    """Tickets of the period reopened at least once."""
    major: Annotated[int, Field(ge=0)] | None = None
    """Major incidents among the period's tickets."""
    emergency: Annotated[int, Field(ge=0)] | None = None
    """Emergency changes among the period's tickets."""
    failed: Annotated[int, Field(ge=0)] | None = None
    """Changes or releases of the period that failed (unsuccessful or backed out)."""
    backlog: Annotated[int, Field(ge=0)] | None = None
    """Tickets opened before the period's end and not yet resolved or closed at its end."""


class ProcessException(RecordModel):
    """One ticket that broke a control of the process."""

    ref: Text
    """The ticket number in the ITSM tool (INC0010023, CHG0030011, OPS-42)."""
    issue: ExceptionIssue
    """implemented-before-approval | emergency-without-review | failed-without-review |
    release-without-approval | major-without-review | no-root-cause."""
    note: str | None = None
    """What happened, or what was done about it."""


class ProcessReportSpec(Spec):
    process: Process
    """incident | request | problem | change | release | security-incident."""
    period: Annotated[str, Field(pattern=PERIOD_PATTERN)]
    """A month (2026-10) or a quarter (2026-Q4)."""
    source: Text
    """The system and export the figures were computed from (e.g. "ServiceNow incident
    export 2026-11-02")."""
    services: list[RecordId] = []
    """Ids of the Services the tickets concern (none: every service)."""
    counts: ProcessCounts | None = None
    """Figures of the period: never the tickets themselves."""
    exceptions: list[ProcessException] = []
    """Tickets that broke a control of the process, by reference."""

    def problems(self) -> Iterator[Problem]:
        if self.period.startswith("0000-"):
            yield ("period",), f"'{self.period}' is not a period: the calendar has no year 0000"

    def references(self) -> Iterator[Reference]:
        return _refs(self.services, "services", ("Service",))


# --- customers and budgets (8.3.2, 8.4.1) ---------------------------------------------


class ServiceReview(RecordModel):
    date: IsoDate
    """When the service review with the customer took place."""
    notes: str | None = None
    """What was reviewed and agreed."""
    actions: list[str] = []
    """Actions agreed in the review."""


class SatisfactionSurvey(RecordModel):
    date: IsoDate
    """When customer satisfaction was measured."""
    method: Literal["survey", "interview", "other"]
    """survey | interview | other."""
    asked: Annotated[int, Field(ge=0)] | None = None
    """How many people were asked."""
    responses: Annotated[int, Field(ge=0)] | None = None
    """How many answered (at most `asked`)."""
    score: Annotated[float, Field(ge=0)] | None = None
    """The satisfaction score, from 0 to `scaleMax`."""
    scale_max: Annotated[float, Field(gt=0)] | None = None
    """The best score on the scale used (e.g. 5 or 10)."""

    @property
    def response_rate(self) -> float | None:
        """Responses as a percentage of those asked; None when either is unknown."""
        if self.asked is None or self.responses is None or self.asked == 0:
            return None
        return self.responses / self.asked * 100


class Complaint(RecordModel):
    id: Text
    """Short id of the complaint, unique within the customer (e.g. a ticket number)."""
    date: IsoDate
    """When the complaint was received."""
    summary: Text
    """What the customer complained about."""
    state: Literal["open", "closed"]
    """open | closed."""
    closed: IsoDate | None = None
    """When the complaint was closed."""
    escalated: Annotated[bool, Field(strict=True)] = False
    """Whether the complaint was escalated (true or false; `yes` is text, not a boolean)."""


class CustomerSpec(Spec):
    relationship_manager: Text
    """The person or role who manages the relationship with the customer."""
    services: Annotated[list[RecordId], Field(min_length=1)]
    """Ids of the Services provided to the customer."""
    contacts: list[Contact] = []
    """Contacts at the customer."""
    service_reviews: list[ServiceReview] = []
    """Service reviews held with the customer, in any order."""
    satisfaction: list[SatisfactionSurvey] = []
    """Satisfaction measurements, in any order."""
    complaints: list[Complaint] = []
    """Complaints, recorded to closure."""

    def problems(self) -> Iterator[Problem]:
        yield from _unique_ids(self.complaints, ("complaints",))
        for i, survey in enumerate(self.satisfaction):
            if (
                survey.asked is not None
                and survey.responses is not None
                and survey.responses > survey.asked
            ):
                yield ("satisfaction", i, "responses"), (
                    f"responses {survey.responses} is more than the {survey.asked} asked"
                )
            if (
                survey.score is not None
                and survey.scale_max is not None
                and survey.score > survey.scale_max
            ):
                yield ("satisfaction", i, "score"), (
                    f"score {figure(survey.score)} is above the scale's maximum "
                    f"{figure(survey.scale_max)}"
                )
        for i, complaint in enumerate(self.complaints):
            if complaint.closed is not None and complaint.closed < complaint.date:
                yield ("complaints", i, "closed"), (
                    f"closed {complaint.closed} is before the complaint's date {complaint.date}"
                )

    def references(self) -> Iterator[Reference]:
        return _refs(self.services, "services", ("Service",))

    def events(self) -> Iterator[Event]:
        yield from _dated(self.contacts, "contacts")
        yield from _dated(self.service_reviews, "serviceReviews")
        yield from _dated(self.satisfaction, "satisfaction")
        yield from _dated(self.complaints, "complaints")
        for i, complaint in enumerate(self.complaints):
            if complaint.closed is not None:
                yield ("complaints", i, "closed"), complaint.closed


def _money(value: Any) -> Any:
    """An amount as a Decimal from the number as written: the loader gives a float, whose
    shortest text (`str`) is the decimal the record wrote, so no binary rounding enters
    sums and variances."""
    if isinstance(value, bool):
        return value  # refused by the Decimal validator, not read as 1 or 0
    if isinstance(value, float | int):
        return Decimal(str(value))
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_money),
    Field(allow_inf_nan=False),
    PlainSerializer(float, return_type=float),
    WithJsonSchema({"type": "number"}),
]


class BudgetLine(RecordModel):
    category: Literal[
        "people", "licences", "infrastructure", "external-services", "facilities", "other"
    ]
    """people | licences | infrastructure | external-services | facilities | other."""
    planned: Annotated[Money, Field(ge=0), WithJsonSchema({"type": "number", "minimum": 0})]
    """Amount budgeted for the period, in the Budget's currency."""
    actual: Money | None = None
    """Amount spent in the period, in the Budget's currency."""
    forecast: Money | None = None
    """Expected amount by the end of the period, in the Budget's currency."""
    note: str | None = None
    """Why the actual differs from the plan, or other context."""


def _year_text(value: Any) -> Any:
    """`period: 2026` unquoted is a YAML integer; the year it means, as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:04d}" if 0 <= value <= 9999 else str(value)
    return value


class BudgetSpec(Spec):
    KEY_ORDER = ("period", "currency", "services", "lines")

    period: Annotated[
        str,
        BeforeValidator(_year_text),
        Field(pattern=BUDGET_PERIOD_PATTERN),
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "string", "pattern": BUDGET_PERIOD_PATTERN},
                    {"type": "integer", "minimum": 1, "maximum": 9999},
                ],
                "examples": ["2026", "2026-Q4", "2026-10"],
            }
        ),
    ]
    """A year (2026), a quarter (2026-Q4) or a month (2026-10)."""
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    """ISO 4217 currency code of every amount in the budget, e.g. EUR."""
    lines: Annotated[list[BudgetLine], Field(min_length=1)]
    """Budget lines by category: planned, actual and forecast amounts."""
    services: list[RecordId] = []
    """Ids of the Services the budget is for (none: the whole SMS)."""

    @property
    def first_day(self) -> dt.date:
        """The first day of the period."""
        return Period.parse(self.period, year=True).start

    @property
    def last_day(self) -> dt.date:
        """The last day of the period."""
        return Period.parse(self.period, year=True).end

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def problems(self) -> Iterator[Problem]:
        from itsm_cli.records.currencies import is_currency

        if self.period.startswith("0000"):
            yield ("period",), f"'{self.period}' is not a period: the calendar has no year 0000"
        if not is_currency(self.currency):
            yield ("currency",), f"'{self.currency}' is not an ISO 4217 currency code"

    def references(self) -> Iterator[Reference]:
        return _refs(self.services, "services", ("Service",))


RULE_CODE_PATTERN = r"^[A-Z]+[0-9]{3}$"


class WaiverSpec(Spec):
    rule: Annotated[str, Field(pattern=RULE_CODE_PATTERN)]
    """The rule code waived, e.g. SLM003."""
    records: Annotated[list[str], Field(min_length=1)]
    """Ids of the records the waiver covers, or ["*"] for all."""
    reason: Text
    """Why the deviation is accepted."""
    approved_by: Text
    """Who accepted the deviation."""
    expires: IsoDate
    """Last day the waiver applies (YYYY-MM-DD)."""

    def references(self) -> Iterator[Reference]:
        for i, ref in enumerate(self.records):
            if ref != "*":
                yield ("records", i), ref, ()


# --- plan–do–check–act records --------------------------------------------------------

RISK_CATEGORY_CLAUSES: dict[str, tuple[str, ...]] = {
    "security": ("6.1", "8.7.3.2"),
    "availability": ("6.1", "8.7.1", "8.7.2"),
    "continuity": ("6.1", "8.7.1", "8.7.2"),
}
"""The clauses a Risk evidences beyond 6.1, by its category."""

Score = Annotated[int, Field(ge=1, le=5)]


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
        return _refs(self.scope, "scope", ("Service",))

    def events(self) -> Iterator[Event]:
        yield ("assessed",), self.assessed
        if self.acceptance is not None:
            yield ("acceptance", "date"), self.acceptance.date


class AuditFinding(RecordModel):
    """One finding of an audit."""

    id: Text
    """Short id of the finding, unique within the audit."""
    type: Literal["major", "minor", "observation", "opportunity"]
    """major | minor | observation | opportunity."""
    clause: ClauseRef
    """The clause the finding is about."""
    description: Text
    """What the auditor found."""
    nonconformity: RecordId | None = None
    """Id of the Nonconformity raised for the finding (needed for major and minor)."""


class AuditSpec(Spec):
    type: Literal["internal", "external", "certification", "supplier"]
    """internal | external | certification | supplier."""
    state: Literal["planned", "done", "cancelled"]
    """planned | done | cancelled: the lifecycle of the audit, not of the record."""
    date: IsoDate
    """First day of the audit (YYYY-MM-DD)."""
    auditor: Text
    """Who audits (person, team or body); an internal auditor must not audit their own work."""
    scope: Annotated[list[ClauseRef], Field(min_length=1)]
    """Clauses audited (a parent names its subclauses): what was audited, not evidenced."""
    end: IsoDate | None = None
    """Last day of the audit, when it takes more than one day."""
    criteria: str | None = None
    """Audit criteria (the standard, the SMS policy, contracts)."""
    services: list[RecordId] = []
    """Ids of the Services sampled."""
    report: str | None = None
    """The audit report: a path in the repository or a URL."""
    findings: list[AuditFinding] = []
    """What the audit found."""

    def problems(self) -> Iterator[Problem]:
        yield from _unique_ids(self.findings, ("findings",))
        if self.end is not None and self.end < self.date:
            yield ("end",), f"end {self.end} is before date {self.date}"

    def references(self) -> Iterator[Reference]:
        yield from _refs(self.services, "services", ("Service",))
        for i, finding in enumerate(self.findings):
            if finding.nonconformity is not None:
                yield ("findings", i, "nonconformity"), finding.nonconformity, ("Nonconformity",)

    def events(self) -> Iterator[Event]:
        # A planned audit lies ahead by nature; one done (or cancelled) has its dates behind.
        if getattr(self, "state", "done") == "planned":
            return
        yield ("date",), self.date
        if self.end is not None:
            yield ("end",), self.end

    @property
    def last_day(self) -> dt.date:
        return self.end or self.date


class ManagementReviewSpec(Spec):
    date: IsoDate
    """When the review took place (YYYY-MM-DD)."""
    attendees: Annotated[list[Text], Field(min_length=1)]
    """Who attended (top management at least)."""
    inputs: dict[str, str | list[str]]
    """What was reviewed, by input name (previous-actions, performance, risks …): a text,
    or a list of the ids of the records considered."""
    decisions: list[str]
    """Decisions taken (improvement opportunities, changes to the SMS, resources)."""
    actions: list[PlanAction] = []
    """Actions agreed."""

    def events(self) -> Iterator[Event]:
        yield ("date",), self.date


class Effectiveness(RecordModel):
    """The check that the corrective action worked."""

    date: IsoDate
    """When effectiveness was checked (YYYY-MM-DD)."""
    by: Text
    """Who checked."""
    effective: bool
    """Whether the action was effective (true or false)."""
    notes: str | None = None
    """What was looked at."""


class NonconformitySpec(Spec):
    source: Literal["audit", "incident", "complaint", "review", "measurement", "other"]
    """audit | incident | complaint | review | measurement | other."""
    raised: IsoDate
    """When the nonconformity was raised (YYYY-MM-DD)."""
    severity: Literal["major", "minor", "observation", "opportunity"]
    """major | minor | observation | opportunity."""
    clauses: Annotated[list[ClauseRef], Field(min_length=1)]
    """The clauses the nonconformity is against (they are not evidenced by it)."""
    description: Text
    """What does not conform."""
    state: Literal["open", "action-taken", "closed"]
    """open | action-taken | closed: the lifecycle of the nonconformity, not of the record."""
    audit: RecordId | None = None
    """Id of the Audit that found it."""
    cause: str | None = None
    """Root cause found."""
    correction: str | None = None
    """What was done at once to contain it."""
    actions: list[PlanAction] = []
    """Corrective actions."""
    effectiveness: Effectiveness | None = None
    """The check that the corrective actions worked."""
    closed: IsoDate | None = None
    """When the nonconformity was closed (required when state is closed)."""

    def problems(self) -> Iterator[Problem]:
        if self.state == "closed" and self.closed is None:
            yield ("state",), "state is closed but the `closed` date is missing"
        if self.closed is not None and self.closed < self.raised:
            yield ("closed",), f"closed {self.closed} is before raised {self.raised}"

    def references(self) -> Iterator[Reference]:
        if self.audit is not None:
            yield ("audit",), self.audit, ("Audit",)

    def events(self) -> Iterator[Event]:
        yield ("raised",), self.raised
        if self.closed is not None:
            yield ("closed",), self.closed
        if self.effectiveness is not None:
            yield ("effectiveness", "date"), self.effectiveness.date


def _unknown_clauses(clauses: list[str]) -> Iterator[Problem]:
    """Clause numbers of the right form that ISO/IEC 20000-1:2018 does not have (`8.3.9`):
    they would evidence nothing, silently."""
    from itsm_cli.clauses.standard import REFERENCE_EDITION, load_catalogue

    catalogue = load_catalogue(REFERENCE_EDITION)
    for i, clause in enumerate(clauses):
        if clause in catalogue:
            continue
        parent = clause.rpartition(".")[0]
        while parent and parent not in catalogue:
            parent = parent.rpartition(".")[0]
        if not parent:
            tip = "; `itsm clauses` lists them"
        elif children := catalogue.clause(parent).children:
            tip = f" ({parent} has {', '.join(children)})"
        else:
            tip = f" ({parent} has no subclauses)"
        yield ("metadata", "clauses", i), (
            f"'{clause}' is not a clause of ISO/IEC 20000-1:{REFERENCE_EDITION}{tip}"
        )


# --- envelopes ------------------------------------------------------------------------


KINDS: dict[str, type["Record"]] = {}
"""Every kind of itsm/v1, by its `kind:` value, in the design's order: the order in which
the kind classes below are defined (each registers itself)."""


class Record(RecordModel):
    """A record: apiVersion, kind, metadata and the kind's spec.

    Each kind is one subclass, and that class is the only place the kind is declared: its
    `kind:` value, folder, clauses and description (the class docstring) are class
    attributes, its spec's key order is `Spec.KEY_ORDER` and field order, and `KINDS`, the
    JSON Schemas, `itsm new`, `itsm fmt`, `itsm init`, the configuration's
    `reviewIntervals` and the clause map of the coverage derive from them. A subclass that
    sets `KIND` is registered in `KINDS` as it is defined.
    """

    KIND: ClassVar[str] = ""
    """The `kind:` value; empty on the base class."""
    FOLDER: ClassVar[str] = ""
    """The conventional folder under the records root (`itsm new`, `itsm init`)."""
    CLAUSES: ClassVar[tuple[str, ...]] = ()
    """Clauses every approved record of this kind evidences (2018 edition): the clause map of
    `kinds_evidencing` and of the coverage. A kind whose clauses depend on its fields says so
    in `kind_clauses`."""
    REVIEWED: ClassVar[bool] = False
    """Whether records of this kind are documents under planned review (DOC002); the others
    record past events: kept, not reviewed."""
    DESCRIPTION: ClassVar[str] = ""
    """What a record of this kind is: the class docstring on one line (the JSON Schema's
    description)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "KIND" not in cls.__dict__:
            return
        # Checked as the class is defined, so a kind declared half-way fails at import
        # rather than in the one command that meets it.
        literal = typing.get_args(cls.__pydantic_fields__["kind"].annotation)
        if literal != (cls.KIND,):
            raise TypeError(f"{cls.__name__}: `kind` must be Literal[{cls.KIND!r}]")
        if not cls.FOLDER or not cls.__doc__:
            raise TypeError(f"{cls.__name__}: a kind needs a FOLDER and a docstring")
        cls.DESCRIPTION = " ".join(cls.__doc__.split())
        KINDS[cls.KIND] = cls

    api_version: Literal["itsm/v1"]
    """Always itsm/v1."""
    metadata: Metadata
    """The envelope: id, title, owner, status, approval, review."""
    spec: Spec
    """The kind-specific fields."""

    @property
    def id(self) -> str:
        return self.metadata.id

    def approved_on(self, today: dt.date) -> bool:
        """Whether the record counts as approved on `today`: `status: approved` with an
        approval dated on or before today. A record approved after today (DOC004) is not
        approved until that day. The one test of approval every rule, the coverage and the
        reports use."""
        meta = self.metadata
        if meta.status is not Status.APPROVED:
            return False
        return meta.approved is None or not meta.approved.date > today

    def approved_after(self, today: dt.date) -> dt.date | None:
        """The approval date of a record whose `status` is approved but whose approval is
        dated after `today` (so it is not approved yet); None otherwise."""
        meta = self.metadata
        if meta.status is Status.APPROVED and meta.approved and meta.approved.date > today:
            return meta.approved.date
        return None

    def last_reviewed_on(self, today: dt.date) -> dt.date | None:
        """`lastReviewed` when it is on or before `today`; None when the record was never
        reviewed or the review is dated after today (DOC004: a review that has not happened
        does not count)."""
        last = self.metadata.last_reviewed
        return None if last is None or last > today else last

    def events(self) -> Iterator[Event]:
        """The dates of past events in the record, with their field paths: the approval,
        the last review, and those of its spec (`Spec.events`)."""
        meta = self.metadata
        if meta.approved is not None:
            yield ("metadata", "approved", "date"), meta.approved.date
        if meta.last_reviewed is not None:
            yield ("metadata", "lastReviewed"), meta.last_reviewed
        for path, day in self.spec.events():
            yield ("spec", *path), day

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """Clauses this record evidences by its kind alone."""
        return self.CLAUSES

    def is_reviewed_document(self) -> bool:
        """Whether the record is a document whose review can fall due (DOC002, and the
        "only evidence overdue for review" of coverage): `REVIEWED` of its kind."""
        return self.REVIEWED

    @property
    def evidenced_clauses(self) -> tuple[str, ...]:
        """Clauses by kind plus those named in `metadata.clauses`."""
        return (*self.kind_clauses, *self.metadata.clauses)

    def problems(self) -> Iterator[Problem]:
        meta = self.metadata
        if meta.status is Status.APPROVED and meta.approved is None:
            yield ("metadata", "status"), (
                "status is approved but `approved: {by, date}` is missing"
            )
        if meta.clauses:
            yield from _unknown_clauses(meta.clauses)
        for path, message in self.spec.problems():
            yield ("spec", *path), message

    def references(self) -> Iterator[Reference]:
        for path, ref, kinds in self.spec.references():
            yield ("spec", *path), ref, kinds

    def review_due(self, default_interval: Duration, today: dt.date) -> dt.date | None:
        """The date the next planned review falls due; None when never reviewed on or
        before `today` (a lastReviewed after today does not count)."""
        last = self.last_reviewed_on(today)
        if last is None:
            return None
        interval = self.metadata.review_interval or default_interval
        return interval.after(last)


class Service(Record):
    """A service in the service catalogue (ISO/IEC 20000-1:2018 8.2.4)."""

    KIND = "Service"
    FOLDER = "services"
    REVIEWED = True
    CLAUSES = ("8.2.4",)
    kind: Literal["Service"]
    """Always Service."""
    spec: ServiceSpec
    """The fields of a Service record."""


class SLA(Record):
    """A service level agreement with a customer (ISO/IEC 20000-1:2018 8.3.3)."""

    KIND = "SLA"
    FOLDER = "agreements"
    REVIEWED = True
    CLAUSES = ("8.3.3",)
    kind: Literal["SLA"]
    """Always SLA."""
    spec: SLASpec
    """The fields of a SLA record."""

    def in_force(self, today: dt.date) -> bool:
        return self.spec.valid_from <= today <= self.spec.valid_until


class OLA(Record):
    """An agreement with an internal supplier or another part of the organization (ISO/IEC
    20000-1:2018 8.3.4.2)."""

    KIND = "OLA"
    FOLDER = "agreements"
    REVIEWED = True
    CLAUSES = ("8.3.4.2",)
    kind: Literal["OLA"]
    """Always OLA."""
    spec: OLASpec
    """The fields of a OLA record."""

    def in_force(self, today: dt.date) -> bool:
        start, end = self.spec.valid_from, self.spec.valid_until
        return (start is None or start <= today) and (end is None or today <= end)


class Supplier(Record):
    """A supplier and its contract (ISO/IEC 20000-1:2018 8.3.4.1; 8.3.4.2 for internal
    suppliers)."""

    KIND = "Supplier"
    FOLDER = "suppliers"
    REVIEWED = True
    CLAUSES = ("8.3.4.1",)
    kind: Literal["Supplier"]
    """Always Supplier."""
    spec: SupplierSpec
    """The fields of a Supplier record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        return ("8.3.4.2",) if self.spec.type == "internal" else ("8.3.4.1",)


class CapacityPlan(Record):
    """A capacity plan: resources, their capacity, thresholds and observed usage (ISO/IEC
    20000-1:2018 8.4.3)."""

    KIND = "CapacityPlan"
    FOLDER = "capacity"
    REVIEWED = True
    CLAUSES = ("8.4.3",)
    kind: Literal["CapacityPlan"]
    """Always CapacityPlan."""
    spec: CapacityPlanSpec
    """The fields of a CapacityPlan record."""


class ContinuityPlan(Record):
    """A service continuity and availability plan (ISO/IEC 20000-1:2018 8.7.1, 8.7.2)."""

    KIND = "ContinuityPlan"
    FOLDER = "continuity"
    REVIEWED = True
    CLAUSES = ("8.7.1", "8.7.2")
    kind: Literal["ContinuityPlan"]
    """Always ContinuityPlan."""
    spec: ContinuityPlanSpec
    """The fields of a ContinuityPlan record."""


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


class Measurement(Record):
    """Actual values of an agreement's targets for one period (ISO/IEC 20000-1:2018 9.4)."""

    KIND = "Measurement"
    FOLDER = "measurements"
    CLAUSES = ("9.4",)
    kind: Literal["Measurement"]
    """Always Measurement."""
    spec: MeasurementSpec
    """The fields of a Measurement record."""


class Waiver(Record):
    """An accepted deviation: suppresses the findings of one rule on some records until it
    expires."""

    KIND = "Waiver"
    FOLDER = "waivers"
    kind: Literal["Waiver"]
    """Always Waiver."""
    spec: WaiverSpec
    """The fields of a Waiver record."""


class ProcessReport(Record):
    """The figures of one process (incident, request, problem, change, release,
    security-incident) for one month or quarter, computed from the ITSM tool's export: counts and
    exceptions, never the tickets themselves (ISO/IEC 20000-1:2018 8.5.1, 8.5.3,
    8.6.1-8.6.3, 8.7.3.3 by process)."""

    KIND = "ProcessReport"
    FOLDER = "operations"
    kind: Literal["ProcessReport"]
    """Always ProcessReport."""
    spec: ProcessReportSpec
    """The fields of a ProcessReport record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """The clause of its process (incident 8.6.1, change 8.5.1 …)."""
        return (PROCESS_CLAUSES[self.spec.process],)


class Customer(Record):
    """A customer: relationship manager, services, service reviews, satisfaction and
    complaints (ISO/IEC 20000-1:2018 8.3.2)."""

    KIND = "Customer"
    FOLDER = "customers"
    REVIEWED = True
    CLAUSES = ("8.3.2",)
    kind: Literal["Customer"]
    """Always Customer."""
    spec: CustomerSpec
    """The fields of a Customer record."""


class Budget(Record):
    """A budget for one period, by category: planned, actual and forecast amounts in the
    budget's currency (ISO/IEC 20000-1:2018 8.4.1)."""

    KIND = "Budget"
    FOLDER = "budgets"
    REVIEWED = True
    CLAUSES = ("8.4.1",)
    kind: Literal["Budget"]
    """Always Budget."""
    spec: BudgetSpec
    """The fields of a Budget record."""
class Risk(Record):
    """A risk to the services or the SMS, its assessment and treatment (ISO/IEC
    20000-1:2018 6.1; 8.7.3.2 for security, 8.7.1 and 8.7.2 for availability and continuity
    risks)."""

    KIND = "Risk"
    FOLDER = "risks"
    REVIEWED = True
    CLAUSES = ("6.1",)
    kind: Literal["Risk"]
    """Always Risk."""
    spec: RiskSpec
    """The fields of a Risk record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """6.1; with 8.7.3.2 for security, 8.7.1 and 8.7.2 for availability and continuity."""
        return RISK_CATEGORY_CLAUSES.get(self.spec.category, self.CLAUSES)


class Audit(Record):
    """An audit, planned or done: its scope of clauses and its findings (ISO/IEC
    20000-1:2018 9.2)."""

    KIND = "Audit"
    FOLDER = "audits"
    CLAUSES = ("9.2",)
    kind: Literal["Audit"]
    """Always Audit."""
    spec: AuditSpec
    """The fields of an Audit record."""


class ManagementReview(Record):
    """A management review of the SMS: inputs, decisions and actions (ISO/IEC 20000-1:2018
    9.3)."""

    KIND = "ManagementReview"
    FOLDER = "reviews"
    CLAUSES = ("9.3",)
    kind: Literal["ManagementReview"]
    """Always ManagementReview."""
    spec: ManagementReviewSpec
    """The fields of a ManagementReview record."""


class Nonconformity(Record):
    """A nonconformity and its corrective action to closure (ISO/IEC 20000-1:2018 10.1;
    10.2 for an opportunity for improvement)."""

    KIND = "Nonconformity"
    FOLDER = "nonconformities"
    CLAUSES = ("10.1",)
    kind: Literal["Nonconformity"]
    """Always Nonconformity."""
    spec: NonconformitySpec
    """The fields of a Nonconformity record."""

    @property
    def kind_clauses(self) -> tuple[str, ...]:
        """10.1; 10.2 for an opportunity for improvement. `spec.clauses` are the clauses it
        is against: never evidenced by it."""
        return ("10.2",) if self.spec.severity == "opportunity" else self.CLAUSES



Agreement = SLA | OLA


def kinds_evidencing(clause_id: str, edition: str | None = None) -> tuple[str, ...]:
    """The kinds that evidence a clause by their kind alone (those whose `CLAUSES` name it),
    in `KINDS` order: the clause map that `itsm clauses` and the gap analysis show. Kinds
    evidence clauses of the reference edition (2018, the default) only: another edition's
    clauses map onto those."""
    from itsm_cli.clauses.standard import REFERENCE_EDITION

    if edition not in (None, REFERENCE_EDITION):
        return ()
    return tuple(kind for kind, cls in KINDS.items() if clause_id in cls.CLAUSES)
