"""Values a YAML file can hold but no record can mean: infinite or NaN numbers, durations so
long that date arithmetic overflows. Each is an E002 at its field, and the rules that would
have computed with them never see them (no internal error, no "nan %" in a message)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import cli

RECORDS = """\
apiVersion: itsm/v1
kind: Service
metadata:
  id: SVC-A
  title: Hosting
  owner: service-owner
  status: approved
  approved: {by: Head of Delivery, date: 2026-01-01}
  lastReviewed: 2026-01-01
  reviewInterval: P9999999999Y
spec: {description: Hosting, lifecycle: live, criticality: low}
---
apiVersion: itsm/v1
kind: CapacityPlan
metadata: {id: CAP-A, title: Storage, owner: capacity-manager}
spec:
  services: [SVC-A]
  horizon: P1Y
  resources:
    - {name: disk, type: technical, unit: TB, capacity: .inf, threshold: .nan}
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "bounds.yaml").write_text(RECORDS)
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_infinite_nan_and_century_long_values_are_schema_errors(repo: Path) -> None:
    result = cli.run("check", "--today", "2026-11-23", "-f", "json", "--select", "E,DOC002,CAP")
    assert result.exit_code == 1
    found = [(f["rule"], f["line"], f["message"]) for f in json.loads(result.stdout)["findings"]]
    assert found == [
        ("E002", 10, "metadata.reviewInterval: 'P9999999999Y' is longer than 100 years"),
        ("E002", 20, "spec.resources[0].capacity: must be a finite number"),
        ("E002", 20, "spec.resources[0].threshold: must be a finite number"),
    ]


def test_a_number_thousands_of_digits_long_is_text_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "long.yaml").write_text(
        "apiVersion: itsm/v1\nkind: Service\n"
        f"metadata: {{id: SVC-A, title: 0o{'7' * 5000}, owner: me}}\n"
        f"spec: {{description: 0x{'F' * 5000}, lifecycle: live, criticality: {'9' * 5000}}}\n"
    )
    monkeypatch.chdir(tmp_path)
    result = cli.run("validate", "records", "-f", "json")
    assert result.exit_code == 1
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["rule"], finding["line"]) == ("E002", 4)
    assert "criticality" in finding["message"]
