"""Cost per record from 1,000 to 100,000 records, peak memory, and start-up, in one run.

    python benchmarks/scaling.py [--sizes 1000,10000,100000] [--seed 0] [--repeat 1] [--keep]

1. For each size N, generates N records (the default, multi-document layout) in a temporary
   folder with `benchmarks/generate.py`.
2. Times `itsm validate`, `itsm check`, `itsm gap` and `itsm report gap` on them (a fresh
   process each, output discarded, best of `--repeat`), and prints the wall time, the time
   per record and the peak RSS of each (`os.wait4` of that process: the forked reader is a
   child of it and counted apart, as `/usr/bin/time -v` would). Linear cost shows as a flat
   per-record column; the memory bars are those of DESIGN §6 (`itsm check`: ≤ 150 MB at
   10,000 records, ≤ 800 MB at 100,000).
3. Start-up: `itsm --help` and `itsm validate` on a one-record repository, best of 10, wall
   and CPU time (CPU time says more on a loaded machine); bar ≤ 150 ms.

Not run by the tests (it takes minutes at 100,000 records). Run it with the project's
virtual environment: `itsm` is taken from beside the interpreter that runs it.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BASE_DATE, generate
from run import Run, compile_bytecode, run_once, tool

TODAY = BASE_DATE.isoformat()
BAR_STARTUP_MS = 150.0
BAR_RSS_MB = {10_000: 150.0, 100_000: 800.0}
# Cold: every file parsed on every run (`--no-cache`), so repeats measure the same work.
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "--format", "json", "--no-cache"],
    "check": ["check", "--format", "json", "--fail-on", "never", "--today", TODAY,
              "--no-cache"],
    "gap": ["gap", "--format", "json", "--today", TODAY, "--no-cache"],
    "report gap": ["report", "gap", "--format", "html", "--today", TODAY, "--no-cache"],
}


def best_of(times: int, argv: Sequence[str], cwd: Path) -> Run:
    """The best wall and CPU time of `times` fresh processes, and the largest peak RSS."""
    runs = [run_once(argv, cwd) for _ in range(times)]
    return Run(
        min(r.seconds for r in runs),
        max(r.max_rss_mb for r in runs),
        max(r.status for r in runs),
        min(r.cpu_seconds for r in runs),
    )


def one_record_repository(dest: Path, source: Path) -> None:
    """A repository of one Service: the first generated Service file's first record."""
    (dest / "records" / "services").mkdir(parents=True)
    (dest / "itsm.toml").write_text('records = "records"\n', encoding="utf-8")
    first = sorted((source / "records" / "services").glob("*.yaml"))[0]
    text = first.read_text(encoding="utf-8").split("\n---", 1)[0]
    (dest / "records" / "services" / first.name).write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated records")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="itsm-scaling-"))
    failed = False
    try:
        print("| records | command | wall | per record | CPU | peak RSS | bar |")
        print("|---|---|---|---|---|---|---|")
        for n in sizes:
            folder = work / f"r{n}"
            generate(n, folder, args.seed)
            for name, command in COMMANDS.items():
                run = best_of(args.repeat, [*tool("itsm"), *command], folder)
                bar = ""
                if name == "check" and n in BAR_RSS_MB:
                    ok = run.max_rss_mb <= BAR_RSS_MB[n]
                    failed |= not ok
                    bar = f"≤ {BAR_RSS_MB[n]:.0f} MB {'PASS' if ok else 'FAIL'}"
                print(
                    f"| {n:,} | {name} | {run.seconds:.2f} s | "
                    f"{run.seconds / n * 1e6:.0f} µs | {run.cpu_seconds:.2f} s | "
                    f"{run.max_rss_mb:.0f} MB | {bar} |",
                    flush=True,
                )
        one = work / "one"
        one_record_repository(one, work / f"r{sizes[0]}")
        print()
        print("| start-up | wall (best of 10) | CPU (best of 10) | bar |")
        print("|---|---|---|---|")
        startup = (("itsm --help", ["--help"]), ("itsm validate, 1 record", ["validate"]))
        for name, command in startup:
            runs = [run_once([*tool("itsm"), *command], one) for _ in range(10)]
            wall = min(r.seconds for r in runs) * 1000
            cpu = min(r.cpu_seconds for r in runs) * 1000
            ok = wall <= BAR_STARTUP_MS
            failed |= not ok
            print(f"| {name} | {wall:.0f} ms | {cpu:.0f} ms | ≤ {BAR_STARTUP_MS:.0f} ms "
                  f"{'PASS' if ok else 'FAIL'} |")
    finally:
        if args.keep:
            print(f"\nrecords kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
