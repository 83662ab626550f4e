"""Waivers (WVR001–WVR005, `waived`/`waivedBy`) on the fixture in `tests/rules/waivers/` (see
its README), run through `itsm check --select E,SUP005,WVR`: the SUP005 findings of its
suppliers are what the waivers try to cover."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.helpers import cli

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, LineOf, RunCheck

FIXTURE = Path(__file__).parent / "waivers"
SELECT = ("--select", "E,SUP005,WVR")
Findings = dict[tuple[str, str], dict[str, Any]]


@pytest.fixture
def findings(run_check: RunCheck, by_rule_and_record: ByRuleAndRecord) -> Findings:
    code, found = run_check(FIXTURE, *SELECT)
    assert code == 1  # E002 and WVR002 are errors
    return by_rule_and_record([f for f in found if f["record"]])


def waived_by(findings: Findings) -> dict[str, str | None]:
    """Supplier id → the waiver that waived its SUP005 (None: it counts)."""
    return {rec: f["waivedBy"] for (rule, rec), f in findings.items() if rule == "SUP005"}


def test_exactly_the_expected_findings(findings: Findings) -> None:
    assert sorted(findings) == [
        ("E002", "SVC-BROKEN"),
        ("E002", "WVR-NOBLOCK"),
        ("SUP005", "SUP-APPROVED"),
        ("SUP005", "SUP-CAPPED"),
        ("SUP005", "SUP-DRAFT"),
        ("SUP005", "SUP-EXPIRED"),
        ("SUP005", "SUP-FUTURE"),
        ("SUP005", "SUP-NOBLOCK"),
        ("SUP005", "SUP-RETIRED"),
        ("SUP005", "SUP-TODAY"),
        ("WVR001", "WVR-EXPIRED"),
        ("WVR002", "WVR-E002"),
        ("WVR002", "WVR-UNKNOWN"),
        ("WVR003", "WVR-UNUSED"),
        ("WVR004", "WVR-DRAFT"),
        ("WVR004", "WVR-FUTURE"),
        ("WVR005", "WVR-CAPPED"),
    ]


def test_only_approved_waivers_within_their_term_waive(findings: Findings) -> None:
    assert waived_by(findings) == {
        "SUP-APPROVED": "WVR-APPROVED",
        "SUP-TODAY": "WVR-TODAY",  # approved today and expiring today: both days count
        "SUP-CAPPED": "WVR-CAPPED",  # until 2027-01-10
        "SUP-DRAFT": None,
        "SUP-FUTURE": None,
        "SUP-NOBLOCK": None,
        "SUP-EXPIRED": None,
        "SUP-RETIRED": None,
    }
    for f in findings.values():
        assert f["waived"] is (f["waivedBy"] is not None)


def test_wvr004_a_draft_waives_nothing(findings: Findings, line_of: LineOf) -> None:
    f = findings["WVR004", "WVR-DRAFT"]
    assert f["severity"] == "warning"
    assert f["file"] == "records/waivers/wvr-draft.yaml"
    assert f["line"] == line_of(FIXTURE, f["file"], "status: draft")
    assert f["message"] == "waiver of SUP005 is a draft: it waives nothing until it is approved"
    assert findings["SUP005", "SUP-DRAFT"]["waived"] is False


def test_wvr004_approved_after_today_is_not_approved_yet(
    findings: Findings, line_of: LineOf, run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> None:
    f = findings["WVR004", "WVR-FUTURE"]
    assert f["line"] == line_of(FIXTURE, "records/waivers/wvr-future.yaml", "date: 2026-12-01")
    assert f["message"] == (
        "waiver of SUP005 is approved only from 2026-12-01, after today (2026-11-23): it "
        "waives nothing until then"
    )
    _, found = run_check(FIXTURE, *SELECT, today="2026-12-01")
    later = by_rule_and_record([f for f in found if f["record"]])
    assert ("WVR004", "WVR-FUTURE") not in later
    assert later["SUP005", "SUP-FUTURE"]["waivedBy"] == "WVR-FUTURE"


def test_approved_without_approval_block_does_not_load_and_waives_nothing(
    findings: Findings,
) -> None:
    f = findings["E002", "WVR-NOBLOCK"]
    assert f["message"] == "status is approved but `approved: {by, date}` is missing"
    assert findings["SUP005", "SUP-NOBLOCK"]["waived"] is False


def test_wvr002_record_level_findings_cannot_be_waived(
    findings: Findings, line_of: LineOf
) -> None:
    f = findings["WVR002", "WVR-E002"]
    assert f["severity"] == "error"
    assert f["line"] == line_of(FIXTURE, "records/waivers/wvr-e002.yaml", "rule: E002")
    assert f["message"] == (
        "E002 cannot be waived (E001–E006: a record that breaks its schema or a reference "
        "must be mended): the waiver waives nothing"
    )
    broken = findings["E002", "SVC-BROKEN"]
    assert (broken["waived"], broken["waivedBy"]) == (False, None)
    unknown = findings["WVR002", "WVR-UNKNOWN"]
    assert unknown["message"] == "waiver names unknown rule 'SUP099': it waives nothing"


def test_wvr001_expired_yesterday(findings: Findings, line_of: LineOf) -> None:
    f = findings["WVR001", "WVR-EXPIRED"]
    assert f["line"] == line_of(FIXTURE, "records/waivers/wvr-expired.yaml", "expires:")
    assert f["message"] == "waiver of SUP005 expired on 2026-11-22; its findings count again"


def test_wvr003_matches_no_finding(findings: Findings) -> None:
    assert findings["WVR003", "WVR-UNUSED"]["severity"] == "info"


def test_a_retired_waiver_waives_nothing_and_says_nothing(findings: Findings) -> None:
    assert not [key for key in findings if key[1] == "WVR-RETIRED"]
    assert findings["SUP005", "SUP-RETIRED"]["waived"] is False


def test_wvr005_gives_the_arithmetic(findings: Findings, line_of: LineOf) -> None:
    f = findings["WVR005", "WVR-CAPPED"]
    assert f["severity"] == "warning"
    assert f["line"] == line_of(FIXTURE, "records/waivers/wvr-capped.yaml", "expires:")
    assert f["message"] == (
        "waiver of SUP005 runs longer than waivers.maxTerm: approved 2026-01-10 + P12M = "
        "2027-01-10, expires 2027-06-30; it applies only until 2027-01-10"
    )


@pytest.mark.parametrize(
    ("today", "waived"), [("2027-01-10", True), ("2027-01-11", False), ("2027-06-30", False)]
)
def test_wvr005_the_waiver_applies_only_until_approval_plus_max_term(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, today: str, waived: bool
) -> None:
    _, found = run_check(FIXTURE, *SELECT, today=today)
    later = by_rule_and_record([f for f in found if f["record"]])
    assert later["SUP005", "SUP-CAPPED"]["waived"] is waived
    assert ("WVR005", "WVR-CAPPED") in later
    if waived:
        assert ("WVR001", "WVR-CAPPED") not in later
    else:
        assert later["WVR001", "WVR-CAPPED"]["message"] == (
            "waiver of SUP005 applied only until 2027-01-10 (approved 2026-01-10 + "
            "waivers.maxTerm P12M, before its expires 2027-06-30); its findings count again"
        )


def test_max_term_from_the_configuration(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> None:
    _, found = run_check(FIXTURE, *SELECT, "--config", "itsm-six-months.toml")
    six = by_rule_and_record([f for f in found if f["record"]])
    assert six["WVR005", "WVR-CAPPED"]["message"] == (
        "waiver of SUP005 runs longer than waivers.maxTerm: approved 2026-01-10 + P6M = "
        "2026-07-10, expires 2027-06-30; it applies only until 2026-07-10"
    )
    assert ("WVR001", "WVR-CAPPED") in six and ("WVR001", "WVR-EXPIRED") in six
    assert ("WVR005", "WVR-EXPIRED") in six
    assert ("WVR005", "WVR-APPROVED") not in six  # 2026-10-01 + P6M is after its expires
    assert waived_by(six)["SUP-CAPPED"] is None
    assert waived_by(six)["SUP-APPROVED"] == "WVR-APPROVED"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[waivers]\nmaxTerm = "12 months"\n',
            "itsm.toml: setting 'waivers.maxTerm': '12 months' is not an ISO 8601 duration "
            "(e.g. P12M, P90D, PT4H)",
        ),
        (
            '[waivers]\nmax-term = "P6M"\n',
            "itsm.toml: unknown setting 'waivers.max-term' (did you mean 'waivers.maxTerm'?)",
        ),
        ('waivers = "P6M"\n', "itsm.toml: setting 'waivers': must be a table"),
    ],
)
def test_a_bad_max_term_is_a_configuration_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, message: str
) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "itsm.toml").write_text(toml)
    monkeypatch.chdir(tmp_path)
    result = cli.run("check", "--today", "2026-11-23")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"itsm: error: {message}"


def test_sarif_suppression_names_the_waiver(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURE)
    result = cli.run("check", "--today", "2026-11-23", "-f", "sarif", *SELECT)
    results = json.loads(result.stdout)["runs"][0]["results"]
    suppressed = {
        r["properties"]["record"]: (r["suppressions"], r["properties"]["waivedBy"])
        for r in results
        if "suppressions" in r
    }
    assert sorted(suppressed) == ["SUP-APPROVED", "SUP-CAPPED", "SUP-TODAY"]
    assert suppressed["SUP-CAPPED"] == (
        [{"kind": "external", "status": "accepted", "justification": "waived by WVR-CAPPED"}],
        "WVR-CAPPED",
    )
    e002 = [r for r in results if r["ruleId"] == "E002"]
    assert e002 and not any("suppressions" in r for r in e002)


def test_wvr002_a_waiver_finding_cannot_be_waived(
    tmp_path: Path, run_check: RunCheck, line_of: LineOf
) -> None:
    """WVR findings are made after waivers are applied: a waiver of one could never work, so
    it is WVR002 rather than a puzzling WVR003."""
    (tmp_path / "records").mkdir()
    text = (FIXTURE / "records" / "waivers" / "wvr-unused.yaml").read_text(encoding="utf-8")
    text = text.replace("rule: SUP005", "rule: WVR003").replace("[SUP-CLEAN]", '["*"]')
    (tmp_path / "records" / "w.yaml").write_text(text)
    _, found = run_check(tmp_path, "--select", "WVR")
    assert [(f["rule"], f["line"], f["message"]) for f in found] == [
        (
            "WVR002",
            line_of(tmp_path, "records/w.yaml", "rule: WVR003"),
            "WVR003 cannot be waived (a waiver finding): the waiver waives nothing",
        )
    ]


_WILDCARD = """\
apiVersion: itsm/v1
kind: Waiver
metadata:
  id: WVR-ALL
  title: Waiver of SUP005 on every supplier
  owner: supplier-manager
  status: approved
  approved: {by: Head of Service Delivery, date: 2026-10-01}
spec:
  rule: SUP005
  records: ["*"]
  reason: Service credits are renegotiated with every supplier this quarter.
  approvedBy: Head of Service Delivery
  expires: 2027-01-31
"""


@pytest.mark.parametrize(
    ("file", "approved_by"),
    [("aaa-all.yaml", "WVR-ALL"), ("zzz-all.yaml", "WVR-APPROVED")],
)
def test_the_first_waiver_in_repository_order_waives_a_finding_that_two_cover(
    run_check: RunCheck,
    by_rule_and_record: ByRuleAndRecord,
    tmp_path: Path,
    file: str,
    approved_by: str,
) -> None:
    """A waiver of every record (`*`) and one naming SUP-APPROVED both cover its SUP005:
    the one met first waives it; the wildcard waives the suppliers no earlier waiver does."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "records" / "waivers" / file).write_text(_WILDCARD, encoding="utf-8")
    _, found = run_check(repo, *SELECT)
    findings = by_rule_and_record([f for f in found if f["record"]])
    waivers = waived_by(findings)
    assert waivers["SUP-APPROVED"] == approved_by
    assert waivers["SUP-DRAFT"] == "WVR-ALL"  # its own waiver is a draft
    first = approved_by == "WVR-ALL"
    if first:  # met before every other waiver, it waives every SUP005
        assert set(waivers.values()) == {"WVR-ALL"}
    # WVR-APPROVED matched nothing when the wildcard came first: WVR003
    assert (("WVR003", "WVR-APPROVED") in findings) is first
