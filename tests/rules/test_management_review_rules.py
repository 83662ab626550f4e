"""MRV001–MRV003 on the fixture in `tests/rules/management_reviews/` (see its README)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.rules.conftest import ByRuleAndRecord, RecordsAt, RunCheck

FIXTURE = Path(__file__).parent / "management_reviews"


def test_exactly_the_expected_findings(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, records_at: RecordsAt
) -> None:
    """MRV-2025 is not the latest; MRV-2027 lies after today; the action due today is not
    late; MRV-2026 is within the interval."""
    code, found = run_check(FIXTURE, "--select", "E,MRV")
    assert code == 0
    keyed = by_rule_and_record(found)
    at = records_at(FIXTURE)
    assert sorted((r, i, f["file"], f["line"]) for (r, i), f in keyed.items()) == [
        ("MRV002", "MRV-2026", *at("reviews/reviews", "inputs:", "id: MRV-2026")),
        ("MRV003", "MRV-2026", *at("reviews/reviews", "due: 2026-09-30")),
    ]
    assert keyed["MRV002", "MRV-2026"]["message"] == (
        "latest management review MRV-2026 (2026-06-12) lacks 3 inputs: context-changes, "
        "customer-satisfaction, resources"
    )


def test_mrv001_when_the_interval_has_passed(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord
) -> None:
    code, found = run_check(FIXTURE, "--select", "MRV001", today="2027-07-01")
    assert code == 1
    keyed = by_rule_and_record(found)
    assert keyed["MRV001", "MRV-2026"]["message"] == (
        "no approved management review within managementReview.interval P12M: latest "
        "approved 2026-06-12 + P12M = 2027-06-12"
    )


def test_inputs_and_interval_come_from_the_configuration(
    run_check: RunCheck, by_rule_and_record: ByRuleAndRecord, tmp_path: Path
) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    (repo / "itsm.toml").write_text(
        'records = "records"\n[managementReview]\ninterval = "P3M"\n'
        'inputs = ["performance", "resources"]\n'
    )
    _, found = run_check(repo, "--select", "MRV001,MRV002")
    keyed = by_rule_and_record(found)
    assert keyed["MRV002", "MRV-2026"]["message"].endswith("lacks 1 input: resources")
    assert keyed["MRV001", "MRV-2026"]["message"].endswith("2026-06-12 + P3M = 2026-09-12")


def test_only_retired_reviews_are_no_review_held(run_check: RunCheck, tmp_path: Path) -> None:
    """A retired review is history: approved or not, it is no review within the interval."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    reviews = repo / "records" / "reviews" / "reviews.yaml"
    approved = [d for d in reviews.read_text().split("\n---\n") if "status: approved" in d]
    reviews.write_text("\n---\n".join(approved).replace("status: approved", "status: retired"))
    code, found = run_check(repo, "--select", "MRV001")
    assert code == 1
    assert [(f["rule"], f["record"]) for f in found] == [("MRV001", None)]
    assert "holds no ManagementReview record (a retired one counts for nothing)" in (
        found[0]["message"]
    )
