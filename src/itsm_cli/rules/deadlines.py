"""`itsm due`: every deadline ahead, soonest first, and the rule that fires once it passes.

A deadline is a date on which a record stops being in order unless someone acts: a review
falls due, the last day to give notice on a contract, an agreement or contract ends, a waiver
expires, a continuity plan's next test, a capacity action's due date, a customer's next
service review or satisfaction measurement, the day a complaint must be closed by, the end
of a budget's period. Each is computed the way
its rule computes it (the same calendar arithmetic, the same intervals from the
configuration), so the day after a listed date, `itsm check` reports that rule. Deadlines
already passed are findings of `itsm check` and are not listed; a deadline falling today is
(it has not passed yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from itsm_cli.config import Config
from itsm_cli.dates import Duration, latest_dated, on_or_before
from itsm_cli.findings import FieldPath
from itsm_cli.records.fields import Criticality
from itsm_cli.records.index import RepoIndex
from itsm_cli.records.kinds.agreements import OLA, SLA
from itsm_cli.records.kinds.audit import Audit
from itsm_cli.records.kinds.budget import Budget
from itsm_cli.records.kinds.capacity_plan import CapacityPlan
from itsm_cli.records.kinds.continuity_plan import ContinuityPlan
from itsm_cli.records.kinds.customer import Customer
from itsm_cli.records.kinds.management_review import ManagementReview
from itsm_cli.records.kinds.nonconformity import Nonconformity
from itsm_cli.records.kinds.risk import Risk
from itsm_cli.records.kinds.supplier import Supplier
from itsm_cli.records.kinds.waiver import Waiver
from itsm_cli.records.load import LoadedRecord
from itsm_cli.records.models import PlanAction
from itsm_cli.records.queries import not_retired

DEADLINE_KINDS: dict[str, str] = {
    "review": "review due",
    "supplier-review": "supplier performance review due",
    "notice": "last day to give notice",
    "contract-end": "contract ends",
    "agreement-end": "agreement ends",
    "waiver-expiry": "waiver expires",
    "continuity-test": "next continuity test due",
    "capacity-action": "capacity action due",
    "service-review": "customer service review due",
    "satisfaction": "customer satisfaction measurement due",
    "complaint": "complaint to be closed",
    "budget-period-end": "budget period ends",
    "audit": "audit planned",
    "risk-assessment": "risk reassessment due",
    "risk-action": "risk action due",
    "review-action": "management review action due",
    "corrective-action": "corrective action due",
    "major-nonconformity": "major nonconformity to close",
}
"""Each kind of deadline (a stable name, used in JSON and in calendar UIDs) and its words."""


@dataclass(frozen=True, slots=True)
class Deadline:
    """One date ahead by which something must be done, and where it comes from."""

    date: dt.date
    deadline: str
    """The kind of deadline: a key of DEADLINE_KINDS."""
    what: str
    """The deadline in words, with the arithmetic that gives its date."""
    record: str
    kind: str
    owner: str
    """Who must act: the record's owner, or an action's own owner."""
    rule: str | None
    """The rule that fires once the date has passed (None where no rule does)."""
    file: str
    line: int
    column: int
    item: str = ""
    """Tells apart several deadlines of one kind in one record (a complaint's id, an
    action's `action_item`)."""

    @property
    def uid(self) -> str:
        """Stable across runs and edits of other records: a calendar that imports the file
        again updates the event instead of adding a second one."""
        # "." never occurs in a record id, so `SUP-X` + `supplier-review` and
        # `SUP-X-SUPPLIER` + `review` cannot meet in one UID.
        parts = [self.record, self.deadline, *([self.item] if self.item else [])]
        return ".".join(parts).lower() + "@itsm-cli"

    @property
    def sort_key(self) -> tuple[dt.date, str, str, int, int, str]:
        # By place in the file after the record: actions in the order they are written.
        return self.date, self.record, self.deadline, self.line, self.column, self.item


def _deadline(
    record: LoadedRecord[Any],
    date: dt.date,
    deadline: str,
    what: str,
    rule: str | None,
    path: FieldPath,
    owner: str | None = None,
    item: str = "",
) -> Deadline:
    line, column = record.position(path)
    return Deadline(
        date=date,
        deadline=deadline,
        what=what,
        record=record.id,
        kind=record.kind,
        owner=owner or record.model.metadata.owner,
        rule=rule,
        file=record.file,
        line=line,
        column=column,
        item=item,
    )


def _reviews(index: RepoIndex, config: Config, today: dt.date) -> Iterator[Deadline]:
    for record in index.records:
        model = record.model
        if not model.is_reviewed_document():
            continue  # a record of a past event is kept, not reviewed (DOC002 skips it too)
        meta = model.metadata
        last = model.last_reviewed_on(today)
        if not model.approved_on(today) or last is None:
            continue  # never reviewed (or only after today): DOC002 fires already
        interval = meta.review_interval or config.review_interval(record.kind)
        due = interval.after(last)
        yield _deadline(
            record, due, "review",
            f"review due: last reviewed {last} + {interval} = {due}",
            "DOC002", ("metadata", "lastReviewed"),
        )


def _suppliers(index: RepoIndex, config: Config, today: dt.date) -> Iterator[Deadline]:
    default = config.review_interval("Supplier")
    for supplier in not_retired(index, Supplier):
        spec = supplier.model.spec
        contract = spec.contract
        last_day = contract.last_notice_day
        if last_day is not None:
            yield _deadline(
                supplier, last_day, "notice",
                f"last day to give notice on contract {contract.reference}: ends "
                f"{contract.end} − {contract.notice_period} = {last_day}",
                "SUP002", ("spec", "contract", "noticePeriod"),
            )
        yield _deadline(
            supplier, contract.end, "contract-end",
            f"contract {contract.reference} ends", "SUP001", ("spec", "contract", "end"),
        )
        latest = latest_dated(spec.reviews, today)
        if spec.criticality in (Criticality.CRITICAL, Criticality.HIGH) and latest is not None:
            i, review = latest
            interval = supplier.model.metadata.review_interval or default
            due = interval.after(review.date)
            yield _deadline(
                supplier, due, "supplier-review",
                f"performance review due: latest review {review.date} + {interval} = {due}",
                "SUP003", ("spec", "reviews", i, "date"),
            )


def _agreements(index: RepoIndex, today: dt.date) -> Iterator[Deadline]:
    for sla in index.of_kind(SLA):
        if sla.model.approved_on(today):
            yield _deadline(
                sla, sla.model.spec.valid_until, "agreement-end",
                f"SLA with {sla.model.spec.customer} ends (validUntil)", "SLM002",
                ("spec", "validUntil"),
            )
    for ola in index.of_kind(OLA):
        end = ola.model.spec.valid_until
        if ola.model.approved_on(today) and end is not None:
            yield _deadline(
                ola, end, "agreement-end",
                f"OLA with {ola.model.spec.provider} ends (validUntil)", None,
                ("spec", "validUntil"),
            )


def _waivers(index: RepoIndex, today: dt.date, config: Config) -> Iterator[Deadline]:
    from itsm_cli.records.queries import applies_until, not_approved

    term = config.waivers.term
    for waiver in not_retired(index, Waiver):
        if not_approved(waiver.model, today) is not None:
            continue  # waives nothing, so nothing expires
        spec = waiver.model.spec
        until = applies_until(waiver.model, term)
        capped = f" (waivers.maxTerm {term} after approval; expires {spec.expires})" if (
            until != spec.expires
        ) else ""
        yield _deadline(
            waiver, until, "waiver-expiry",
            f"waiver of {spec.rule} ends{capped}: its findings count again", "WVR001",
            ("spec", "expires"),
        )


def _continuity(index: RepoIndex, today: dt.date) -> Iterator[Deadline]:
    for plan in not_retired(index, ContinuityPlan):
        latest = latest_dated(plan.model.spec.tests, today)
        if latest is None:
            continue  # never tested: CON002 fires already
        i, test = latest
        interval = plan.model.spec.test_interval
        due = interval.after(test.date)
        yield _deadline(
            plan, due, "continuity-test",
            f"next test due: latest test {test.date} + testInterval {interval} = {due}",
            "CON002", ("spec", "tests", i, "date"),
        )


def action_items(actions: list[Any]) -> list[str]:
    """What tells each action apart in its event's UID: its description (hashed, so the UID
    stays short and plain), not its position, so an action inserted before another does not
    give that one's event to it; the same description again takes a count."""
    import hashlib

    items: list[str] = []
    seen: dict[str, int] = {}
    for action in actions:
        text = " ".join(str(action.description).split()).lower()
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
        seen[digest] = seen.get(digest, 0) + 1
        items.append(digest if seen[digest] == 1 else f"{digest}-{seen[digest]}")
    return items


def _capacity(index: RepoIndex) -> Iterator[Deadline]:
    for plan in not_retired(index, CapacityPlan):
        items = action_items(plan.model.spec.actions)
        for i, action in enumerate(plan.model.spec.actions):
            if action.status == "open":
                yield _deadline(
                    plan, action.due, "capacity-action",
                    f"capacity action due: {action.description}", "CAP004",
                    ("spec", "actions", i, "due"), owner=action.owner, item=items[i],
                )


def _customers(index: RepoIndex, config: Config, today: dt.date) -> Iterator[Deadline]:
    """The next service review (CUS001) and satisfaction measurement (CUS002) of each
    customer, and the day each open complaint must be closed by (CUS003); entries dated
    after today are left out, as the rules leave them out."""
    settings = config.customer
    plans = (
        ("serviceReviews", "service-review", "service review", "CUS001",
         Duration.parse(settings.service_review_interval)),
        ("satisfaction", "satisfaction", "satisfaction measurement", "CUS002",
         Duration.parse(settings.satisfaction_interval)),
    )
    for customer in not_retired(index, Customer):
        spec = customer.model.spec
        for field, deadline, words, rule, interval in plans:
            entries = spec.service_reviews if field == "serviceReviews" else spec.satisfaction
            latest = latest_dated(entries, today)
            if latest is None:
                continue  # none at all: the rule fires already
            i, entry = latest
            due = interval.after(entry.date)
            yield _deadline(
                customer, due, deadline,
                f"next {words} due: latest {entry.date} + {interval} = {due}",
                rule, ("spec", field, i, "date"),
            )
    within = Duration.parse(settings.complaint_within)
    for customer in index.of_kind(Customer):
        for i, complaint in on_or_before(customer.model.spec.complaints, today):
            if complaint.state == "open":
                due = within.after(complaint.date)
                yield _deadline(
                    customer, due, "complaint",
                    f"complaint {complaint.id} to be closed: received {complaint.date} + "
                    f"{within} = {due}",
                    "CUS003", ("spec", "complaints", i, "state"), item=complaint.id,
                )


def _budgets(index: RepoIndex) -> Iterator[Deadline]:
    """The last day of each budget's period: from the next day, a line without `actual`
    is a BUD003 finding."""
    for budget in not_retired(index, Budget):
        spec = budget.model.spec
        yield _deadline(
            budget, spec.last_day, "budget-period-end",
            f"budget period {spec.period} ends {spec.last_day}: record every line's actual",
            "BUD003", ("spec", "period"),
        )
def _open_actions(
    record: LoadedRecord[Any], actions: list[PlanAction], deadline: str, rule: str
) -> Iterator[Deadline]:
    items = action_items(actions)
    for i, action in enumerate(actions):
        if action.status == "open":
            yield _deadline(
                record, action.due, deadline,
                f"{DEADLINE_KINDS[deadline]}: {action.description}", rule,
                ("spec", "actions", i, "due"), owner=action.owner, item=items[i],
            )


def _pdca(index: RepoIndex, config: Config) -> Iterator[Deadline]:
    """Audits planned, risk reassessments and actions, management review and corrective
    actions, and the day a major nonconformity must be closed by."""
    for audit in not_retired(index, Audit):
        planned = audit.model.spec
        if planned.state == "planned":
            # Its last day, the day after which AUD003 reports it still planned.
            days = f"{planned.date} to {planned.end}" if planned.end else f"{planned.date}"
            yield _deadline(
                audit, planned.last_day, "audit", f"{planned.type} audit planned, {days}",
                "AUD003", ("spec", "end" if planned.end is not None else "date"),
            )
    interval = config.risk.interval
    for risk in not_retired(index, Risk):
        spec = risk.model.spec
        due = interval.after(spec.assessed)
        yield _deadline(
            risk, due, "risk-assessment",
            f"reassessment due: assessed {spec.assessed} + {interval} = {due}", "RSK004",
            ("spec", "assessed"),
        )
        yield from _open_actions(risk, spec.actions, "risk-action", "RSK002")
    for review in not_retired(index, ManagementReview):
        yield from _open_actions(review, review.model.spec.actions, "review-action", "MRV003")
    limit = config.nonconformity.limit
    for ncr in not_retired(index, Nonconformity):
        nc = ncr.model.spec
        if nc.state == "closed":
            continue
        yield from _open_actions(ncr, nc.actions, "corrective-action", "NCR001")
        if nc.severity == "major":
            due = limit.after(nc.raised)
            yield _deadline(
                ncr, due, "major-nonconformity",
                f"major nonconformity to close: raised {nc.raised} + {limit} = {due}", "NCR003",
                ("spec", "raised"),
            )


def find_deadlines(
    index: RepoIndex,
    config: Config,
    today: dt.date,
    within: Duration | None = None,
    passed: bool = False,
) -> list[Deadline]:
    """Every deadline on or after `today` (and on or before today + `within`, when given),
    soonest first; with `passed`, those before today too (the gap report's due dates)."""
    last = within.after(today) if within is not None else None
    found = [
        d
        for source in (
            _reviews(index, config, today),
            _suppliers(index, config, today),
            _agreements(index, today),
            _waivers(index, today, config),
            _continuity(index, today),
            _capacity(index),
            _customers(index, config, today),
            _budgets(index),
            _pdca(index, config),
        )
        for d in source
        if (passed or d.date >= today) and (last is None or d.date <= last)
    ]
    found.sort(key=lambda d: d.sort_key)
    return found


@dataclass(frozen=True, slots=True)
class DueResult:
    """What `itsm due` hands to a formatter."""

    today: dt.date
    within: Duration | None
    deadlines: list[Deadline]
