"""Measure itsm-cli against the bars of DESIGN §6, in one run, and print a table.

    python benchmarks/run.py [--records 10000] [--seed 0] [--keep]

1. Generates N records (default 10,000, one record per file) in a temporary folder with
   `benchmarks/generate.py`, and puts the JSON Schemas beside them.
2. `itsm validate` and `itsm check` on them, cold (`--no-cache`): wall time, best of 3 (a
   fresh process each time, JSON output to a discarded pipe), and the peak RSS of those
   processes; libyaml's event parser alone over the same files, in this process, best of 3,
   and the ratio of the cold check to it.
3. `itsm check` with the results cache: warm (nothing changed since the run that filled
   it) and with one file changed before each run, best of 3 each.
4. `check-jsonschema` on the same files with the exported schemas: one invocation per kind,
   timed once; the ratio of its total to the itsm times.
5. `itsm --version` start-up, best of 10, and `python -X importtime`: importing `itsm_cli`
   and `itsm_cli.cli.main` must not load jinja2, git or ruamel.

Every number is compared with its bar; the exit status is 1 when any bar fails. Run it with
the project's virtual environment (`.venv/bin/python benchmarks/run.py`): `itsm` and
`check-jsonschema` are taken from beside that interpreter.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import BASE_DATE, SCHEMA_FILES, GeneratedSet, generate

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HEAVY = ("jinja2", "git", "ruamel")

BAR_SECONDS = 2.0
BAR_RATIO = 20.0
BAR_PARSE_RATIO = 1.5
"""Cold `itsm check` over the libyaml event parse of the same files."""
BAR_WARM_SECONDS = 0.25
BAR_WARM_RATIO = 0.5
"""Warm `itsm check` over the libyaml event parse (DESIGN §6)."""
BAR_CHANGED_SECONDS = 0.5
BAR_STARTUP_MS = 150.0
BAR_RSS_MB = 150.0


@dataclass
class Run:
    seconds: float
    max_rss_mb: float
    status: int
    cpu_seconds: float = 0.0
    """User + system time, the forked reader included (a shared host stretches the wall
    time; the CPU time says what the work costs)."""


@dataclass
class Row:
    measure: str
    value: str
    bar: str = ""
    passed: bool | None = None  # None: information only

    @property
    def verdict(self) -> str:
        return {None: "", True: "PASS", False: "FAIL"}[self.passed]


def tool(name: str) -> list[str]:
    """The console script beside this interpreter, or `python -m` as a fallback."""
    script = BIN / name
    if script.exists():
        return [str(script)]
    found = shutil.which(name)
    if found:
        return [found]
    module = {"itsm": "itsm_cli", "check-jsonschema": "check_jsonschema"}[name]
    return [sys.executable, "-m", module]


def run_once(argv: Sequence[str], cwd: Path) -> Run:
    """Run a command to completion; its wall time and its own peak RSS (not the children's
    of earlier runs, which `RUSAGE_CHILDREN` would mix in)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, wait_status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(wait_status)
    process.stderr.close()
    if process.returncode not in (0, 1):
        message = stderr.decode(errors="replace").strip().splitlines()
        raise RuntimeError(
            f"{' '.join(argv[:3])}... exited {process.returncode}: "
            + (message[-1] if message else "no message")
        )
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, usage.ru_maxrss / 1024, process.returncode, cpu)  # ru_maxrss: KiB


def best_of(times: int, argv: Sequence[str], cwd: Path) -> tuple[Run, list[Run]]:
    runs = [run_once(argv, cwd) for _ in range(times)]
    return min(runs, key=lambda r: r.seconds), runs


def print_timing(best: Run, runs: Sequence[Run], bar_seconds: float, passed: bool) -> None:
    """The lines `diff.py` and `history.py` print under their title."""
    print(f"  wall time  {best.seconds:.2f} s   bar <= {bar_seconds:.0f} s   "
          f"{'PASS' if passed else 'FAIL'}")
    print(f"  all runs   {', '.join(f'{r.seconds:.2f}' for r in runs)} s")
    print(f"  peak RSS   {best.max_rss_mb:.0f} MB")


def keep_or_remove(folder: Path, keep: bool) -> None:
    if keep:
        print(f"  kept in    {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


def compile_bytecode() -> None:
    """Compile the package's bytecode, as `pip install` does for a user: an editable install
    under `PYTHONDONTWRITEBYTECODE` (set on some machines) would otherwise compile every module
    in every timed process, tens of milliseconds of start-up no user pays."""
    import compileall

    import itsm_cli

    compileall.compile_dir(Path(itsm_cli.__file__).parent, quiet=1)


def check_command_exists() -> bool:
    result = subprocess.run(
        [*tool("itsm"), "check", "--help"], capture_output=True, text=True
    )
    return result.returncode == 0


def libyaml_parse_seconds(files: Sequence[Path], repeat: int = 3) -> tuple[float, float]:
    """libyaml's event parser alone over `files` (read, decoded, every event drained), in
    this process: the floor any YAML reader built on it stands on. Best of `repeat`, wall
    and CPU seconds."""
    import yaml

    best, best_cpu = float("inf"), float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        for path in files:
            for _event in yaml.parse(path.read_bytes().decode("utf-8-sig"),
                                     Loader=yaml.CSafeLoader):
                pass
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
    return best, best_cpu


def seconds(run: Run) -> str:
    return f"{run.seconds:.2f} s (CPU {run.cpu_seconds:.2f} s)"


def ratio_row(measure: str, run: Run, parse: tuple[float, float], bar: float) -> Row:
    """`run` over the libyaml parse, judged on CPU time (wall time on a shared host says
    more about the neighbours than about us); the wall ratio is shown beside it."""
    cpu, wall = run.cpu_seconds / parse[1], run.seconds / parse[0]
    return Row(measure, f"{cpu:.2f}x (wall {wall:.2f}x)", f"<= {bar:g}x (CPU)", cpu <= bar)


def time_cached_check(argv: Sequence[str], root: Path, changed: Path | None) -> list[Run]:
    """`itsm check` with the results cache: one run to fill it, then three timed; with
    `changed`, that file gets a new comment line before each timed run (its bytes change,
    its records do not), so each run reads it again and the rest from the cache."""
    shutil.rmtree(root / ".itsm_cache", ignore_errors=True)
    run_once(argv, root)
    runs = []
    for i in range(3):
        if changed is not None:
            with changed.open("a", encoding="utf-8") as out:
                out.write(f"# edited before timed run {i + 1}\n")
        runs.append(run_once(argv, root))
    return runs


def write_schemas(dest: Path) -> str:
    """Put one JSON Schema per kind in `dest`; say where they came from."""
    dest.mkdir(parents=True, exist_ok=True)
    names = [f"{stem}.schema.json" for stem in SCHEMA_FILES.values()]
    committed = REPO / "schemas"
    if all((committed / n).is_file() for n in names):
        for n in names:
            shutil.copy2(committed / n, dest / n)
        return "schemas/ (committed)"
    exported = subprocess.run(
        [*tool("itsm"), "schema", "export", str(dest)], capture_output=True, text=True
    )
    if exported.returncode == 0 and all((dest / n).is_file() for n in names):
        return "itsm schema export"
    # Neither exists yet: what the export will write, straight from the models.
    from itsm_cli.records.models import KINDS

    for kind, stem in SCHEMA_FILES.items():
        schema = KINDS[kind].model_json_schema(by_alias=True)
        schema = {"$schema": "http://json-schema.org/draft-07/schema#", **schema}
        (dest / f"{stem}.schema.json").write_text(json.dumps(schema, indent=2), "utf-8")
    return "Pydantic model_json_schema (no schemas/ and no `itsm schema export` yet)"


def time_check_jsonschema(data: GeneratedSet, schemas: Path) -> tuple[float, int]:
    """One check-jsonschema invocation per kind over that kind's files; total wall time."""
    total, files = 0.0, 0
    for kind, stem in SCHEMA_FILES.items():
        paths = [str(p.relative_to(data.root)) for p in data.files_of_kind(kind)]
        if not paths:
            continue
        argv = [*tool("check-jsonschema"), "--schemafile",
                str(schemas / f"{stem}.schema.json"), *paths]
        run = run_once(argv, data.root)
        if run.status != 0:
            raise RuntimeError(f"check-jsonschema found errors in the {kind} files")
        total += run.seconds
        files += len(paths)
    return total, files


def heavy_imports(statement: str) -> tuple[list[str], float]:
    """Heavy top-level packages that `statement` imports, and its import time in ms."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", statement],
        capture_output=True, text=True, check=True,
    )
    loaded: set[str] = set()
    total_us, started = 0, False
    for line in result.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[1].strip().isdigit():
            continue  # the header, or another line on standard error
        name = fields[2].strip()
        loaded.add(name.split(".")[0])
        started = started or name.startswith("itsm_cli")
        top_level = len(fields[2]) - len(fields[2].lstrip()) == 1
        if started and top_level:
            total_us += int(fields[1])  # cumulative time of an import the statement made
    return sorted(loaded & set(HEAVY)), total_us / 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure itsm-cli against the DESIGN §6 bars.")
    parser.add_argument("--records", type=int, default=10_000, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = parser.parse_args(argv)

    compile_bytecode()
    work = Path(tempfile.mkdtemp(prefix="itsm-bench-"))
    rows: list[Row] = []
    try:
        t0 = time.perf_counter()
        data = generate(args.records, work, args.seed, one_per_file=True)
        gen_s = time.perf_counter() - t0
        source = write_schemas(work / "schemas")
        n = len(data.records)
        print(f"generated {n} records in {len(data.files)} files in {gen_s:.1f} s "
              f"(seed {args.seed}); schemas from {source}", file=sys.stderr)

        itsm = tool("itsm")
        today = ["--today", BASE_DATE.isoformat()]

        print("timing itsm validate (best of 3)...", file=sys.stderr)
        validate, validate_runs = best_of(
            3, [*itsm, "validate", "--format", "json", "--no-cache"], work
        )
        if any(r.status != 0 for r in validate_runs):
            rows.append(Row("generated records validate clean", "no: itsm validate exit 1",
                            "exit 0", False))
        rows.append(Row(f"itsm validate, {n} records, cold (best of 3)", seconds(validate),
                        f"<= {BAR_SECONDS:g} s", validate.seconds <= BAR_SECONDS))

        # The same number of records, several documents in some files (the default layout
        # of generate.py, which check-jsonschema cannot read): information only.
        multi = generate(args.records, work / "multi", args.seed)
        layout, _ = best_of(
            3, [*itsm, "validate", "--format", "json", "--no-cache"], multi.root
        )
        rows.append(Row(f"  same, multi-document layout ({len(multi.files)} files)",
                        f"{layout.seconds:.2f} s"))

        check: Run | None = None
        check_runs: list[Run] = []
        if check_command_exists():
            print("timing itsm check (best of 3)...", file=sys.stderr)
            check_argv = [*itsm, "check", "--format", "json", "--fail-on", "never", *today]
            check, check_runs = best_of(3, [*check_argv, "--no-cache"], work)
            rows.append(Row(f"itsm check, {n} records, cold (best of 3)", seconds(check),
                            f"<= {BAR_SECONDS:g} s", check.seconds <= BAR_SECONDS))
            print("timing libyaml's event parser alone (best of 3)...", file=sys.stderr)
            parse = libyaml_parse_seconds([work / f for f in data.files])
            rows.append(Row(f"  libyaml event parse alone, {len(data.files)} files",
                            f"{parse[0]:.2f} s (CPU {parse[1]:.2f} s)"))
            rows.append(ratio_row("  ratio itsm check cold / libyaml parse", check, parse,
                                  BAR_PARSE_RATIO))
            print("timing itsm check with the results cache...", file=sys.stderr)
            warm_runs = time_cached_check(check_argv, work, None)
            warm = min(warm_runs, key=lambda r: r.seconds)
            rows.append(Row("itsm check, warm: nothing changed (best of 3)", seconds(warm),
                            f"<= {BAR_WARM_SECONDS:g} s", warm.seconds <= BAR_WARM_SECONDS))
            rows.append(ratio_row("  ratio itsm check warm / libyaml parse", warm, parse,
                                  BAR_WARM_RATIO))
            edited = work / sorted(data.files)[len(data.files) // 2]
            changed = min(time_cached_check(check_argv, work, edited), key=lambda r: r.seconds)
            rows.append(Row("itsm check, one file changed (best of 3)", seconds(changed),
                            f"<= {BAR_CHANGED_SECONDS:g} s",
                            changed.seconds <= BAR_CHANGED_SECONDS))
            check_runs += warm_runs
        else:
            rows.append(Row("itsm check", "skipped: `itsm check --help` fails"))

        print("timing check-jsonschema (once, one invocation per kind)...", file=sys.stderr)
        cjs_s, cjs_files = time_check_jsonschema(data, work / "schemas")
        kinds = len({kind for kind in data.files.values()})
        rows.append(Row(f"check-jsonschema, {cjs_files} files ({kinds} invocations)",
                        f"{cjs_s:.2f} s"))
        ratio = cjs_s / validate.seconds
        rows.append(Row("  ratio check-jsonschema / itsm validate", f"{ratio:.1f}x",
                        f">= {BAR_RATIO:g}x", ratio >= BAR_RATIO))
        if check is not None:
            ratio = cjs_s / check.seconds
            rows.append(Row("  ratio check-jsonschema / itsm check", f"{ratio:.1f}x",
                            f">= {BAR_RATIO:g}x", ratio >= BAR_RATIO))

        print("timing itsm --version (best of 10)...", file=sys.stderr)
        version, _ = best_of(10, [*itsm, "--version"], work)
        ms = version.seconds * 1000
        rows.append(Row("itsm --version start-up (best of 10)", f"{ms:.0f} ms",
                        f"<= {BAR_STARTUP_MS:g} ms", ms <= BAR_STARTUP_MS))
        # --version answers before the CLI is imported; --help shows what every other
        # command pays before it starts working (information only).
        helped, _ = best_of(10, [*itsm, "--help"], work)
        rows.append(Row("  itsm --help (imports the CLI; best of 10)",
                        f"{helped.seconds * 1000:.0f} ms"))
        for module in ("itsm_cli", "itsm_cli.cli.main"):
            heavy, import_ms = heavy_imports(f"import {module}")
            rows.append(Row(f"import {module} ({import_ms:.0f} ms): heavy modules",
                            ", ".join(heavy) or "none", "none of " + ", ".join(HEAVY),
                            not heavy))

        for name, runs in (("validate", validate_runs), ("check", check_runs)):
            if runs:
                peak = max(r.max_rss_mb for r in runs)
                rows.append(Row(f"peak RSS, itsm {name}, {n} records", f"{peak:.0f} MB",
                                f"<= {BAR_RSS_MB:g} MB", peak <= BAR_RSS_MB))
    finally:
        if args.keep:
            print(f"kept the generated records in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    sys.stderr.flush()
    print_table(rows)
    failed = [r for r in rows if r.passed is False]
    print(f"\n{len(failed)} bar(s) failed" if failed else "\nall bars met")
    sys.stdout.flush()
    return 1 if failed else 0


def print_table(rows: list[Row]) -> None:
    cpu = os.cpu_count() or 0
    print(f"\nitsm-cli benchmark on {platform.system()} {platform.machine()}, {cpu} cores, "
          f"Python {platform.python_version()}\n")
    header = ("measure", "value", "bar", "result")
    widths = [max(len(header[i]), *(len(astuple(r)[i]) for r in rows)) for i in range(4)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line.rstrip())
    print("  ".join("-" * w for w in widths).rstrip())
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(astuple(row), widths, strict=True)).rstrip())


def astuple(row: Row) -> tuple[str, str, str, str]:
    return row.measure, row.value, row.bar, row.verdict


if __name__ == "__main__":
    sys.exit(main())
