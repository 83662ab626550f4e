"""One file under the size limit holding 241,000 unknown keys (a case of a tester's hostile
repositories): `itsm check --format json` on it, wall time of a fresh process and the size of
the JSON it writes. Before findings were capped per file this took 19–59 s and wrote 88 MB;
now the file is 100 findings and one summary.

    .venv/bin/python benchmarks/many_findings.py [--keys 241000] [--keep]

Prints one table row per number with its bar and PASS or FAIL; exits 1 when a bar fails."""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SECONDS_BAR = 5.0
OUTPUT_BAR = 1_000_000
"""Bytes of JSON: 101 findings are about 40 kB."""


def itsm() -> list[str]:
    script = BIN / "itsm"
    return [str(script)] if script.exists() else [sys.executable, "-m", "itsm_cli"]


def write_repository(root: Path, keys: int) -> int:
    """A records repository whose one record has `keys` unknown keys in its spec; the file's
    size in bytes."""
    (root / "records").mkdir(parents=True)
    (root / "itsm.toml").write_text('records = "records"\n')
    lines = [
        "apiVersion: itsm/v1",
        "kind: Service",
        "metadata:",
        "  id: SVC-MANY-KEYS",
        "  title: A service with a key per line",
        "  owner: Service owner",
        "spec:",
        "  description: Generated.",
        "  lifecycle: live",
        "  criticality: low",
    ]
    lines += [f"  unknownk{i:06d}: 1" for i in range(keys)]
    path = root / "records/many-keys.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=241_000)
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="itsm-many-findings-"))
    try:
        size = write_repository(root, args.keys)
        command = [*itsm(), "check", "--format", "json", "--fail-on", "never"]
        command += ["--today", "2026-11-23"]
        start = time.perf_counter()
        done = subprocess.run(command, cwd=root, capture_output=True, check=False)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr.decode(errors="replace"), file=sys.stderr)
            return 1
        findings = [
            f for f in json.loads(done.stdout)["findings"] if f["file"] == "records/many-keys.yaml"
        ]
        rows = [
            (f"file of {args.keys:,} unknown keys ({size:,} bytes)", "", "", ""),
            (
                "itsm check --format json",
                f"{elapsed:.2f} s",
                f"≤ {SECONDS_BAR:g} s",
                "PASS" if elapsed <= SECONDS_BAR else "FAIL",
            ),
            (
                "JSON written",
                f"{len(done.stdout):,} bytes",
                f"≤ {OUTPUT_BAR:,} bytes",
                "PASS" if len(done.stdout) <= OUTPUT_BAR else "FAIL",
            ),
            (
                "findings of the file",
                f"{len(findings)}",
                "101",
                "PASS" if len(findings) == 101 else "FAIL",
            ),
            ("last of them", findings[-1]["message"] if findings else "none", "", ""),
        ]
        width = max(len(r[0]) for r in rows)
        for name, value, bar, verdict in rows:
            print(f"{name:<{width}}  {value:<24} {bar:<18} {verdict}")
        return 1 if any(r[3] == "FAIL" for r in rows) else 0
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
