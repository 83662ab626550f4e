"""REP002 on per-incident targets with `attainment` (fixture `tests/rules/attainment/`, see
its README): the value is the share of incidents within the objective, set against the
attainment, and of two reports of one period the lower share counts."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.rules.conftest import LineOf, RunCheck

FIXTURE = Path(__file__).parent / "attainment"
DESK = "records/desk.yaml"


def test_rep002_sets_the_share_against_the_attainment(
    run_check: RunCheck, line_of: LineOf
) -> None:
    code, found = run_check(FIXTURE, "--select", "E,REP002")
    assert code == 0
    assert [(f["record"], f["line"], f["message"]) for f in found] == [
        ("MEAS-DESK-2026-10", line_of(FIXTURE, DESK, "p1-resolution: 93.1"),
         "p1-resolution 93.1 % of P1 incidents within 4 h in 2026-10, the latest Measurement "
         "of SLA-DESK, misses the target of 95 % (the worse of 2 Measurements for 2026-10; "
         "MEAS-DESK-2026-10-B has 99)"),
        ("MEAS-DESK-2026-10-B", line_of(FIXTURE, DESK, "p2-resolution: 89.5"),
         "p2-resolution 89.5 % of P2 incidents within 8 h in 2026-10, the latest Measurement "
         "of SLA-DESK, misses the target of 90 % (the worse of 2 Measurements for 2026-10; "
         "MEAS-DESK-2026-10 has 96.2)"),
    ]
