"""DOC004 and what an event dated after today no longer counts for, on the fixture in
`tests/rules/future_dates/` (see its README): through `itsm check`, `itsm gap` and the
continuity, suppliers and capacity reports."""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel

from itsm_cli.records.models import KINDS, Record
from tests.helpers import cli

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, RecordsAt, RunCheck

REPO = Path(__file__).parent / "future_dates"


@pytest.fixture
def findings(run_check: RunCheck) -> list[dict[str, Any]]:
    code, found = run_check(REPO)
    assert code == 1  # DOC004 is an error
    return found


def test_exactly_the_expected_findings(
    findings: list[dict[str, Any]], records_at: RecordsAt
) -> None:
    """Every row of the README fires where it says, and no near miss fires."""
    at = records_at(REPO)
    got = sorted((f["rule"], f["record"] or "", f["file"], f["line"]) for f in findings)
    assert got == sorted([
        ("DOC001", "", "itsm.toml", 1),
        # No Audit and no ManagementReview record: none done, none held.
        ("AUD002", "", "itsm.toml", 1),
        ("MRV001", "", "itsm.toml", 1),
        ("DOC004", "SVC-DESK", *at("services/services", "date: 2027-02-01")),
        ("CAT001", "SVC-DESK", *at("services/services", "date: 2027-02-01")),
        ("DOC004", "SLA-SHOP", *at("agreements/agreements", "date: 2026-12-01")),
        ("SLM001", "SVC-SHOP", *at("services/services", "lifecycle: live", "id: SVC-SHOP")),
        ("DOC004", "SLA-DESK", *at("agreements/agreements", "date: 2026-12-15")),
        ("DOC004", "SUP-HOST", *at("suppliers/sup-host", "date: 2027-01-15")),
        ("SUP003", "SUP-HOST", *at("suppliers/sup-host", "date: 2025-06-10")),
        ("DOC004", "SUP-HOST", *at("suppliers/sup-host", "date: 2026-12-20")),
        ("DOC004", "CON-SHOP", *at("continuity/plans", "date: 2027-03-01")),
        ("CON002", "CON-SHOP", *at("continuity/plans", "date: 2025-05-16")),
        ("DOC004", "CAP-SHOP", *at("capacity/cap-shop", "date: 2027-01-01")),
        ("DOC004", "EV-POLICY", *at("evidence/evidence", "lastReviewed: 2029-03-01")),
        ("DOC002", "EV-POLICY", *at("evidence/evidence", "lastReviewed: 2029-03-01")),
        ("DOC004", "EV-CHANGE-POLICY", *at("evidence/evidence", "date: 2027-01-10")),
        ("DOC004", "WVR-SUP-HOST-REVIEW", *at("waivers/waivers", "date: 2026-12-10")),
        # Approved only from 2026-12-10: it waives nothing yet (WVR004 at the same date).
        ("WVR004", "WVR-SUP-HOST-REVIEW", *at("waivers/waivers", "date: 2026-12-10")),
    ])
    sup003 = next(f for f in findings if f["rule"] == "SUP003")
    assert sup003["waived"] is False  # the waiver is approved only from 2026-12-10


def test_doc004_names_the_field_and_both_dates(findings: list[dict[str, Any]]) -> None:
    doc004 = {f["message"] for f in findings if f["rule"] == "DOC004"}
    assert doc004 == {
        "approved.date 2027-02-01 is after today (2026-11-23): SVC-DESK counts as not "
        "approved until then",
        "approved.date 2026-12-01 is after today (2026-11-23): SLA-SHOP counts as not "
        "approved until then",
        "signatories[1].date 2026-12-15 is after today (2026-11-23): a signature cannot lie "
        "ahead",
        "reviews[1].date 2027-01-15 is after today (2026-11-23): the review does not count "
        "until then",
        "disputes[0].date 2026-12-20 is after today (2026-11-23): the dispute is ignored "
        "until then",
        "tests[1].date 2027-03-01 is after today (2026-11-23): the test does not count until "
        "then",
        "resources[0].usage[3].date 2027-01-01 is after today (2026-11-23): it is no "
        "observation of usage until then",
        "lastReviewed 2029-03-01 is after today (2026-11-23): the review does not count "
        "until then",
        "approved.date 2027-01-10 is after today (2026-11-23): EV-CHANGE-POLICY counts as "
        "not approved until then",
        "approved.date 2026-12-10 is after today (2026-11-23): WVR-SUP-HOST-REVIEW counts as "
        "not approved until then",
    }
    one = next(f for f in findings if f["rule"] == "DOC004")
    assert (one["severity"], one["clauses"]) == ("error", ["7.5.3"])
    assert one["hint"].startswith("Correct the date")


def test_rules_ignore_the_future_entries(
    findings: list[dict[str, Any]], by_rule_and_record: ByRuleAndRecord
) -> None:
    """The rules that look for the latest entry, or for an approval, see none of them."""
    found = by_rule_and_record([f for f in findings if f["rule"] not in ("DOC001", "DOC004")])
    assert found["CON002", "CON-SHOP"]["message"] == (
        "latest test 2025-05-16 + testInterval P12M = 2026-05-16: the next test is overdue "
        "(its test dated after today does not count)"
    )
    assert found["SUP003", "SUP-HOST"]["message"] == (
        "critical supplier SUP-HOST: latest performance review 2025-06-10 + P12M = "
        "2026-06-10: the next review is overdue (its review dated after today does not count)"
    )
    assert found["DOC002", "EV-POLICY"]["message"] == (
        "lastReviewed 2029-03-01 is after today (2026-11-23) and does not count: EV-POLICY "
        "is approved but has no review on or before today (interval P12M, default for "
        "Evidence)"
    )
    assert found["SLM001", "SVC-SHOP"]["message"] == (
        "live service SVC-SHOP is covered by no approved SLA in force on 2026-11-23 "
        "(SLA-SHOP is approved only from 2026-12-01, after today)"
    )
    assert found["CAT001", "SVC-DESK"]["message"] == (
        "live service SVC-DESK is approved only from 2027-02-01, after today (2026-11-23): "
        "not approved yet"
    )
    doc001 = next(f for f in findings if f["rule"] == "DOC001")
    assert doc001["clauses"] == ["8.5.1.1"]
    assert doc001["hint"].startswith(
        "EV-CHANGE-POLICY is approved only from 2027-01-10, after today"
    )
    assert doc001["message"] == (
        "mandatory document 'Change management policy' (8.5.1.1): no approved Evidence "
        "names clause 8.5.1.1 in metadata.clauses: EV-CHANGE-POLICY does, but is approved "
        "only from 2027-01-10"
    )
    # The future entries would fire these if they counted (see the next test).
    for code in ("CON003", "CON004", "SUP004", "SUP005", "CAP002", "CAP003"):
        assert not [f for f in findings if f["rule"] == code], code


def test_once_their_day_has_come_the_entries_count(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> None:
    """On 2027-03-01 every entry but the 2029 review has happened: no DOC004 on them, and
    the rules they were kept out of fire on them."""
    _, found = run_check(REPO, today="2027-03-01")
    # REP001 (one finding per missing month of SLA-SHOP) is not this fixture's subject.
    keyed = by_rule_and_record([f for f in found if f["rule"] not in ("DOC002", "REP001")])
    assert [k for k in keyed if k[0] == "DOC004"] == [("DOC004", "EV-POLICY")]
    for key in [
        ("CON003", "CON-SHOP"),  # the 2027-03-01 test failed with no actions
        ("CON004", "CON-SHOP"),  # and recovered in PT9H
        ("SUP004", "SUP-HOST"),  # the review of 2027-01-15 fails
        ("SUP005", "SUP-HOST"),  # the dispute of 2026-12-20 is open
        ("CAP003", "CAP-SHOP"),  # 95 TB on 2027-01-01 is over 80 TB
    ]:
        assert key in keyed, key
    for key in [
        ("CON002", "CON-SHOP"),  # tested on 2027-03-01
        ("SLM001", "SVC-SHOP"),  # SLA-SHOP approved since 2026-12-01
        ("CAT001", "SVC-DESK"),  # approved since 2027-02-01
    ]:
        assert key not in keyed, key
    assert not [f for f in found if f["rule"] == "DOC001"]  # EV-CHANGE-POLICY approved
    # the waiver applies from its approval on; SUP003 no longer fires (reviewed 2027-01-15)
    assert ("WVR003", "WVR-SUP-HOST-REVIEW") in keyed


def invoke(monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    monkeypatch.chdir(REPO)
    result = cli.run(*args, "--today", "2026-11-23")
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_gap_counts_no_record_approved_after_today(monkeypatch: pytest.MonkeyPatch) -> None:
    clauses = {c["id"]: c for c in json.loads(invoke(monkeypatch, "gap", "-f", "json"))["clauses"]}
    assert clauses["8.3.3"]["evidence"] == ["SLA-DESK"]  # not SLA-SHOP, approved 2026-12-01
    assert clauses["8.2.4"]["evidence"] == ["SVC-SHOP"]  # not SVC-DESK, approved 2027-02-01
    assert (clauses["8.5.1.1"]["status"], clauses["8.5.1.1"]["evidence"]) == ("missing", [])
    # EV-POLICY's only review is after today: its evidence is overdue, so 5.2 is partial
    assert (clauses["5.2.1"]["status"], clauses["5.2.1"]["evidence"]) == (
        "partial", ["EV-POLICY"]
    )


@pytest.mark.slow
def test_reports_show_future_entries_marked_and_never_as_the_latest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    continuity = invoke(monkeypatch, "report", "continuity", "-f", "md")
    assert "- **Tests:** every P12M; latest 2025-05-16; next due 2026-05-16 — **overdue**" in (
        continuity
    )
    assert "| 2027-03-01 (after today: does not count) | full | **fail** |" in continuity
    suppliers = invoke(monkeypatch, "report", "suppliers", "-f", "md")
    assert "| 2027-01-15 (after today: does not count) | **fails** |" in suppliers
    assert "| 2025-06-10 | meets |" in suppliers
    assert "open disputes: 0" in suppliers
    assert "No open disputes." in suppliers
    capacity = invoke(monkeypatch, "report", "capacity", "-f", "md")
    row = next(line for line in capacity.splitlines() if line.startswith("| Storage |"))
    assert "| 52 TB (2026-10-01) | 52.0 % |" in row
    assert row.endswith("; 1 usage entry dated after today ignored |")
    assert "95" not in row


# --- which dates are events ---------------------------------------------------------------

EVENTS = {
    "metadata.approved.date",
    "metadata.lastReviewed",
    "spec.signatories[].date",
    "spec.contacts[].date",
    "spec.reviews[].date",
    "spec.disputes[].date",
    "spec.resources[].usage[].date",
    "spec.tests[].date",
    "spec.serviceReviews[].date",
    "spec.satisfaction[].date",
    "spec.complaints[].date",
    "spec.complaints[].closed",
    "spec.assessed",
    "spec.acceptance.date",
    "spec.date",
    "spec.end",
    "spec.raised",
    "spec.closed",
    "spec.effectiveness.date",
}
"""Dates of past events: DOC004 fires on each one after today."""
AHEAD_BY_NATURE = {
    "spec.validFrom",
    "spec.validUntil",
    "spec.contract.start",
    "spec.contract.end",
    "spec.actions[].due",
    "spec.expires",
}
# An Audit's `date` and `end` are events once it is done (a planned audit lies ahead): the
# classification above holds for the audit as `_filled` builds it, with no state.
"""Dates that may lie ahead: never DOC004."""


def _unwrap(annotation: Any) -> Iterator[Any]:
    """The types a field annotation stands for, with list items marked by a `list` first."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _unwrap(typing.get_args(annotation)[0])
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _unwrap(arg)
    elif origin is list:
        for inner in _unwrap(typing.get_args(annotation)[0]):
            yield (list, inner)
    elif origin is None:
        yield annotation


def _date_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        path = f"{prefix}{info.alias or name}"
        for tp in _unwrap(info.annotation):
            is_list = isinstance(tp, tuple)
            item = tp[1] if is_list else tp
            here = path + ("[]" if is_list else "")
            if item is dt.date:
                yield here
            elif isinstance(item, type) and issubclass(item, BaseModel):
                yield from _date_fields(item, here + ".")


def _filled(model: type[BaseModel], day: dt.date) -> BaseModel:
    """An instance (unvalidated) with every date field set to `day` and every list of
    models holding one entry: enough for `events()` to show every event it knows."""
    values: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        for tp in _unwrap(info.annotation):
            is_list = isinstance(tp, tuple)
            item = tp[1] if is_list else tp
            if item is dt.date:
                value: Any = day
            elif isinstance(item, type) and issubclass(item, BaseModel):
                value = _filled(item, day)
            else:
                continue
            values[name] = [value] if is_list else value
            break
    return model.model_construct(**values)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_date_field_is_an_event_or_ahead_by_nature(kind: str) -> None:
    """A date field added to a kind must be classified here, and `events()` must list
    exactly the event dates (so DOC004 and the latest-entry look-ups know of it)."""
    cls = KINDS[kind]
    fields = set(_date_fields(cls))
    assert fields <= EVENTS | AHEAD_BY_NATURE, fields - EVENTS - AHEAD_BY_NATURE
    record = typing.cast("Record", _filled(cls, dt.date(2030, 1, 1)))
    listed = {
        ".".join(str(p) for p in path).replace(".0.", "[].").replace(".0", "[]")
        for path, _ in record.events()
    }
    assert listed == fields & EVENTS
