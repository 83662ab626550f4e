"""Time and peak memory of `itsm import tickets` on a generated 200,000-row ServiceNow incident
export (bars: 10 s, 300 MB on the 2-core machine CI runs on). Not run by the tests.

    python benchmarks/tickets.py [ROWS]
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SLA = """\
apiVersion: itsm/v1
kind: SLA
metadata: {id: SLA-BENCH, title: Bench, owner: slm, status: draft}
spec:
  customer: Bench
  services: [SVC-BENCH]
  validFrom: 2026-01-01
  validUntil: 2027-12-31
  targets:
    - {id: p1, metric: resolution-time, objective: 4, unit: h, window: per-incident,
       priority: P1, attainment: 95}
    - {id: p2, metric: resolution-time, objective: 8, unit: h, window: per-incident,
       priority: P2}
---
apiVersion: itsm/v1
kind: Service
metadata: {id: SVC-BENCH, title: Bench, owner: o}
spec: {description: d, lifecycle: live, criticality: low}
"""


def write_export(path: Path, rows: int) -> None:
    rng = random.Random(7)
    start = dt.datetime(2026, 9, 1)
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["number", "priority", "opened_at", "resolved_at", "closed_at",
                      "reopen_count", "major_incident_state", "u_review_date"])
        for i in range(rows):
            opened = start + dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 75))
            resolved = opened + dt.timedelta(minutes=rng.randrange(5, 60 * 30))
            major = "accepted" if rng.random() < 0.002 else ""
            out.writerow([
                f"INC{i:07d}", f"{rng.randint(1, 5)} - x", f"{opened:%Y-%m-%d %H:%M:%S}",
                "" if rng.random() < 0.05 else f"{resolved:%Y-%m-%d %H:%M:%S}", "",
                rng.choice([0, 0, 0, 1]), major, "",
            ])


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "records").mkdir()
        (root / "itsm.toml").write_text('records = "records"\n')
        (root / "records" / "sla.yaml").write_text(SLA)
        export = root / "incidents.csv"
        write_export(export, rows)
        size = export.stat().st_size
        began = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "itsm_cli", "import", "tickets", str(export), "--profile",
             "servicenow-incident", "--period", "2026-10", "--agreement", "SLA-BENCH", "-q"],
            cwd=root, capture_output=True, text=True, check=False,
        )
        elapsed = time.perf_counter() - began
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ok = proc.returncode == 0
    print(f"rows {rows:,} ({size / 1e6:.1f} MB): {elapsed:.2f} s, peak RSS {peak:.0f} MB, "
          f"exit {proc.returncode}")
    print(f"  time  {'PASS' if elapsed <= 10 else 'FAIL'} (bar 10 s)")
    print(f"  memory {'PASS' if peak <= 300 else 'FAIL'} (bar 300 MB)")
    if not ok:
        print(proc.stdout[-2000:], proc.stderr[-2000:])
        sys.exit(1)


if __name__ == "__main__":
    main()
