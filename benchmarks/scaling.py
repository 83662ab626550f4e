"""Cost per record from 1,000 to 100,000 records, peak memory, and start-up, in one run.

    python benchmarks/scaling.py [--sizes 1000,10000,100000] [--seed 0] [--repeat 1]
                                 [--commands validate,check,gap,report gap | all] [--keep]

1. For each size N, generates N records (the default, multi-document layout) in a temporary
   folder with `benchmarks/generate.py`.
2. Times the chosen commands on them (default `itsm validate`, `check`, `gap` and `report
   gap`; `--commands all`: every command that reads the whole repository, each report in
   HTML and Markdown, `due` in text and ics, both exports and `fmt --check`), a fresh
   process each, output discarded, best of `--repeat`. It prints the wall time, the time
   per record, the marginal time per record (what each record added since the previous
   size: start-up cancels out, so a linear command shows the same figure at 10,000 and at
   100,000, and a loop over the product of two sizes one that grows), and the peak RSS of
   each (`os.wait4` of that process: the forked reader is a child of it and counted apart,
   as `/usr/bin/time -v` would). The memory bars are those of DESIGN §6 (`itsm check`:
   ≤ 150 MB at 10,000 records, ≤ 800 MB at 100,000).
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
# Every command that reads the whole records repository; `OUT` is replaced by a path in the
# work folder (for the commands that write files).
_COLD = ["--no-cache", "--today", TODAY]
COMMANDS: dict[str, list[str]] = {
    "validate": ["validate", "--format", "json", "--no-cache"],
    "check": ["check", "--format", "json", "--fail-on", "never", *_COLD],
    "gap": ["gap", "--format", "json", *_COLD],
    "due": ["due", *_COLD],
    "due ics": ["due", "--format", "ics", *_COLD],
    **{
        f"report {name}{'' if fmt == 'html' else ' md'}": ["report", name, "-f", fmt, *_COLD]
        for name in ("gap", "service", "suppliers", "capacity", "continuity", "customers",
                     "budget", "operations", "audit", "risks")
        for fmt in ("html", "md")
    },
    "export csv": ["export", "csv", "--out-dir", "OUT", *_COLD],
    "export xlsx": ["export", "xlsx", "-o", "OUT.xlsx", *_COLD],
    "fmt --check": ["fmt", "--check"],
}
DEFAULT_COMMANDS = "validate,check,gap,report gap"
"""What runs without `--commands` (the memory bar is that of `check`); `--commands all`
runs every command above (at 100,000 records, about twenty minutes)."""


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
    parser.add_argument("--commands", default=DEFAULT_COMMANDS,
                        help="comma-separated names from COMMANDS, or `all`")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    names = list(COMMANDS) if args.commands == "all" else args.commands.split(",")
    unknown = [name for name in names if name not in COMMANDS]
    if unknown:
        parser.error(f"unknown command(s): {', '.join(unknown)}; known: {', '.join(COMMANDS)}")
    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="itsm-scaling-"))
    failed = False
    try:
        print(
            "| records | command | wall | per record | marginal per record | CPU | peak RSS "
            "| bar |"
        )
        print("|---|---|---|---|---|---|---|---|")
        previous: dict[str, tuple[int, float]] = {}
        for n in sizes:
            folder = work / f"r{n}"
            generate(n, folder, args.seed)
            for name in names:
                command = [arg.replace("OUT", str(work / "out")) for arg in COMMANDS[name]]
                run = best_of(args.repeat, [*tool("itsm"), *command], folder)
                bar = ""
                if name == "check" and n in BAR_RSS_MB:
                    ok = run.max_rss_mb <= BAR_RSS_MB[n]
                    failed |= not ok
                    bar = f"≤ {BAR_RSS_MB[n]:.0f} MB {'PASS' if ok else 'FAIL'}"
                # What each record added since the previous size: start-up and the other
                # fixed costs cancel out, so a linear command shows the same figure at every
                # size, and a product of two sizes shows one that grows.
                marginal = ""
                if name in previous:
                    m, seconds = previous[name]
                    marginal = f"{(run.seconds - seconds) / (n - m) * 1e6:.0f} µs"
                previous[name] = (n, run.seconds)
                print(
                    f"| {n:,} | {name} | {run.seconds:.2f} s | "
                    f"{run.seconds / n * 1e6:.0f} µs | {marginal} | {run.cpu_seconds:.2f} s | "
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
