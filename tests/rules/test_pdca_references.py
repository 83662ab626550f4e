"""E004 for the references of the plan–do–check–act kinds: an audit finding naming an
unknown Nonconformity, a Nonconformity naming an unknown Audit, a risk scope naming an
unknown Service; and the E002 checks inside one record."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.rules.conftest import RunCheck

RECORDS = """\
apiVersion: itsm/v1
kind: Audit
metadata: {id: AUD-X, title: Internal audit, owner: audit-manager}
spec:
  type: internal
  state: done
  date: 2026-06-12
  end: 2026-06-10
  auditor: Internal audit team
  scope: ["8"]
  findings:
    - {id: F1, type: minor, clause: "8.3.3", description: Late, nonconformity: NCR-NOPE}
    - {id: F1, type: observation, clause: "8.3.3", description: Twice}
---
apiVersion: itsm/v1
kind: Nonconformity
metadata: {id: NCR-X, title: Late review, owner: slm}
spec:
  source: audit
  audit: AUD-NOPE
  raised: 2026-06-13
  severity: minor
  clauses: ["8.3.3"]
  description: Late.
  state: closed
---
apiVersion: itsm/v1
kind: Risk
metadata: {id: RSK-X, title: Outage, owner: risk-owner}
spec:
  category: service
  description: Outage.
  likelihood: 6
  impact: 2
  treatment: mitigate
  assessed: 2026-03-01
  scope: [SVC-NOPE, NCR-X]
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "itsm.toml").write_text('records = "records"\n')
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "pdca.yaml").write_text(text)
    return tmp_path


def test_values_that_break_the_schema(run_check: RunCheck, tmp_path: Path) -> None:
    code, found = run_check(write(tmp_path, RECORDS), "--select", "E")
    assert code == 1
    assert sorted((f["rule"], f["line"], f["message"]) for f in found) == [
        ("E002", 8, "end 2026-06-10 is before date 2026-06-12"),
        ("E002", 13, "id 'F1' is used twice in this list"),
        ("E002", 25, "state is closed but the `closed` date is missing"),
        ("E002", 33, "spec.likelihood: must be less than or equal to 5, not 6"),
    ]


def test_unknown_references(run_check: RunCheck, tmp_path: Path) -> None:
    text = (
        RECORDS.replace("likelihood: 6", "likelihood: 3")
        .replace("  end: 2026-06-10\n", "")
        .replace("{id: F1, type: observation", "{id: F2, type: observation")
        .replace("  state: closed\n", "  state: open\n")
    )
    code, found = run_check(write(tmp_path, text), "--select", "E")
    assert code == 1
    got = sorted((f["rule"], f["record"], f["line"]) for f in found)
    assert got == [
        ("E004", "AUD-X", 11), ("E004", "NCR-X", 19), ("E004", "RSK-X", 36),
        ("E004", "RSK-X", 36),
    ]
    messages = " | ".join(f["message"] for f in found)
    for ref in ("NCR-NOPE", "AUD-NOPE", "SVC-NOPE", "NCR-X"):
        assert ref in messages
