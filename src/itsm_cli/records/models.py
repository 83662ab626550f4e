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
import importlib
import typing
from collections.abc import Iterator, Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, Protocol

from pydantic import Field

from itsm_cli.dates import Duration
from itsm_cli.findings import FieldPath, figure
from itsm_cli.records.fields import (
    ClauseRef,
    IsoDate,
    IsoDuration,
    Number,
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
    objective: Number
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
    attainment: Percent | None = None
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


def unique_ids(items: Sequence[_HasId], path: FieldPath) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            yield (*path, i, "id"), f"id '{item.id}' is used twice in this list"
        seen.add(item.id)


def target_problems(targets: Sequence[Target], path: FieldPath) -> Iterator[Problem]:
    """Target ids unique; an objective in percent within 0–100."""
    yield from unique_ids(targets, path)
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


def dated(entries: Sequence[_HasDate], field: str) -> Iterator[Event]:
    for i, entry in enumerate(entries):
        if entry.date is not None:
            yield (field, i, "date"), entry.date


def refs(ids: list[str], field: str, kinds: tuple[str, ...]) -> Iterator[Reference]:
    for i, ref in enumerate(ids):
        yield (field, i), ref, kinds


class PlanAction(RecordModel):
    description: Text
    """What will be done."""
    owner: Text
    """Who does it."""
    due: IsoDate
    """When it is due (YYYY-MM-DD)."""
    status: Literal["open", "done"]
    """open | done."""


RULE_CODE_PATTERN = r"^[A-Z]+[0-9]{3}$"


def unknown_clauses(
    clauses: Sequence[str], path: FieldPath = ("metadata", "clauses")
) -> Iterator[Problem]:
    """Clause numbers of the right form that ISO/IEC 20000-1:2018 does not have (`8.3.9`):
    they would evidence nothing, silently (or, in an audit's scope, claim an audit of
    nothing). `path`: the list they are in, each problem at its entry."""
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
        yield (*path, i), (
            f"'{clause}' is not a clause of ISO/IEC 20000-1:{REFERENCE_EDITION}{tip}"
        )


# --- envelopes ------------------------------------------------------------------------


KIND_MODULES: dict[str, str] = {
    "Service": "service",
    "SLA": "agreements",
    "OLA": "agreements",
    "Supplier": "supplier",
    "CapacityPlan": "capacity_plan",
    "ContinuityPlan": "continuity_plan",
    "Evidence": "evidence",
    "Measurement": "measurement",
    "Waiver": "waiver",
    "ProcessReport": "process_report",
    "Customer": "customer",
    "Budget": "budget",
    "Risk": "risk",
    "Audit": "audit",
    "ManagementReview": "management_review",
    "Nonconformity": "nonconformity",
}
"""Every kind of itsm/v1 in the design's order, and the module of `itsm_cli.records.kinds`
that defines its class: where a kind is found, not what it is (its class says that)."""


class KindRegistry(Mapping[str, type["Record"]]):
    """The kinds by their `kind:` value, in the design's order, each class imported the first
    time it is asked for: a run pays for the models of the kinds it meets, not for all
    sixteen (defining them all was a fifth of a one-record run's start-up). Iterating the
    keys or testing membership imports nothing; the values import every kind.

    A kind class defined outside `KIND_MODULES` (a program's own, a test's) registers itself
    as it is defined and comes last."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = {kind: f"{__package__}.kinds.{name}" for kind, name in modules.items()}
        self._classes: dict[str, type[Record]] = {}

    def __getitem__(self, kind: str) -> type["Record"]:
        found = self._classes.get(kind)
        if found is None:
            importlib.import_module(self._modules[kind])  # KeyError: no such kind
            found = self._classes[kind]
        return found

    def __contains__(self, kind: object) -> bool:
        return kind in self._modules

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def register(self, cls: type["Record"]) -> None:
        """Called by each kind's class as it is defined."""
        module = self._modules.setdefault(cls.KIND, cls.__module__)
        if cls.__module__ != module:
            raise TypeError(
                f"{cls.__name__}: kind {cls.KIND!r} is defined in {cls.__module__}, but "
                f"KIND_MODULES places it in {module}"
            )
        self._classes[cls.KIND] = cls

    def unregister(self, kind: str) -> None:
        """Forget a kind registered from outside `KIND_MODULES` (a test's)."""
        if self._modules[kind].startswith(f"{__package__}.kinds."):
            raise ValueError(f"{kind} is a kind of itsm/v1")
        del self._modules[kind]
        self._classes.pop(kind, None)


KINDS = KindRegistry(KIND_MODULES)
"""Every kind of itsm/v1, by its `kind:` value, in the design's order."""


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
    """Clauses an approved record of this kind evidences (2018 edition). A kind whose clauses
    depend on its fields says so in `kind_clauses`, and names the others it may evidence in
    `CLAUSES_BY_FIELDS`; together they are the clause map of `kinds_evidencing` and of the
    coverage (the kind column of the README's table of kinds)."""
    CLAUSES_BY_FIELDS: ClassVar[Mapping[str, str]] = {}
    """Clauses only some records of this kind evidence, each with the field that decides,
    in words (a Risk evidences 8.7.3.2 with `category: security`)."""
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
        KINDS.register(cls)

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

    @classmethod
    def clauses_of_kind(cls) -> tuple[str, ...]:
        """Every clause some record of this kind evidences by its kind alone."""
        return (*cls.CLAUSES, *cls.CLAUSES_BY_FIELDS)

    @classmethod
    def evidencing(cls, clause_id: str) -> str:
        """`Risk record` or `Risk record (category: security)`: what evidences the clause,
        as advice names it."""
        condition = cls.CLAUSES_BY_FIELDS.get(clause_id)
        return f"{cls.KIND} record" + (f" ({condition})" if condition else "")

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
            yield from unknown_clauses(meta.clauses)
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


def kinds_evidencing(clause_id: str, edition: str | None = None) -> tuple[str, ...]:
    """The kinds that evidence a clause by their kind alone (`Record.clauses_of_kind`),
    in `KINDS` order: the clause map that `itsm clauses` and the gap analysis show. Kinds
    evidence clauses of the reference edition (2018, the default) only: another edition's
    clauses map onto those."""
    from itsm_cli.clauses.standard import REFERENCE_EDITION

    if edition not in (None, REFERENCE_EDITION):
        return ()
    return tuple(kind for kind, cls in KINDS.items() if clause_id in cls.clauses_of_kind())
