"""Measure `itsm diff` on a large repository where a pull request changes a few records.

    python benchmarks/diff.py [--records 10000] [--changed 10] [--seed 0] [--keep]

Generates N records in a temporary Git repository, commits them, changes `--changed` record
files in the working tree (an objective lowered, a title edited), and times
`itsm diff --base HEAD` (best of 3, JSON to a discarded pipe) against the bar of issue 5:
3 s on the CI machine. Exit status 1 when the bar fails.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate
from run import best_of, compile_bytecode, keep_or_remove, print_timing, tool

BAR_SECONDS = 3.0


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def change_records(root: Path, files: list[str], count: int, seed: int) -> list[str]:
    """Edit `count` record files so each holds a real field change."""
    rng = random.Random(seed)
    chosen = rng.sample(sorted(files), min(count, len(files)))
    for rel in chosen:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("  title: ", "  title: Revised ", 1), encoding="utf-8")
    return chosen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    args = parser.parse_args(argv)

    compile_bytecode()
    workdir = Path(tempfile.mkdtemp(prefix="itsm-diff-bench-"))
    data = generate(args.records, workdir, args.seed)
    env_ident = ["-c", "user.name=Benchmark", "-c", "user.email=bench@example.com"]
    git(workdir, "init", "-q", "-b", "main")
    git(workdir, "add", ".")
    git(workdir, *env_ident, "commit", "-q", "-m", "Generated records")
    changed = change_records(workdir, list(data.files), args.changed, args.seed)

    argv_diff = [*tool("itsm"), "diff", "--base", "HEAD", "--format", "json",
                 "--today", "2026-11-23", "--exit-zero"]
    best, runs = best_of(3, argv_diff, workdir)
    passed = best.seconds <= BAR_SECONDS
    print(f"itsm diff, {args.records} records, {len(changed)} files changed (best of 3)")
    print_timing(best, runs, BAR_SECONDS, passed)
    keep_or_remove(workdir, args.keep)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
