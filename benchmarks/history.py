"""Measure `itsm history ID` on a record with a long Git history.

    python benchmarks/history.py [--commits 500] [--records 1000] [--seed 0] [--keep]

Generates N records, commits them, then writes `--commits` more commits with `git
fast-import` (seconds, where one `git commit` each would take minutes): most change the
measured SLA's title, every fifth changes another record instead (history must look at it
and leave it out), every hundredth moves the SLA's file (history must follow the rename).
Times `itsm history ID --format json` (best of 3, output to a discarded pipe) against the bar
of issue 11: 2 s. Exit status 1 when the bar fails.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate
from run import best_of, compile_bytecode, keep_or_remove, print_timing, tool

BAR_SECONDS = 2.0
TITLE = re.compile(r"^  title: .*$", re.MULTILINE)


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, input=stdin)
    if done.returncode:
        raise SystemExit(f"git {args[0]} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode()


def _blob(path: str, data: bytes) -> bytes:
    return b"M 100644 inline " + path.encode() + b"\ndata %d\n" % len(data) + data + b"\n"


def _commit(number: int, message: str, body: bytes) -> bytes:
    """One commit on main (fast-import continues the branch it is building)."""
    text = message.encode()
    header = b"commit refs/heads/main\n"
    header += b"committer Benchmark <bench@example.com> %d +0000\n" % (1_767_225_600 + number)
    header += b"data %d\n" % len(text) + text + b"\n"
    return header + body + b"\n"


def build_history(root: Path, files: list[str], target: str, commits: int) -> str:
    """Commit every file, then `commits` commits around `target`; the target's last path."""
    stream = [_commit(0, "Generated records", b"".join(
        _blob(f, (root / f).read_bytes()) for f in files))]
    other = next(f for f in files if f != target)
    sla_text = (root / target).read_text(encoding="utf-8")
    other_text = (root / other).read_text(encoding="utf-8")
    path = target
    for number in range(1, commits + 1):
        if number % 100 == 0:
            new_path = re.sub(r"(\.ya?ml)$", rf"-{number}\1", target)
            body = b"D " + path.encode() + b"\n" + _blob(new_path, sla_text.encode())
            path, message = new_path, f"Move the SLA ({number})"
        elif number % 5 == 0:
            other_text = TITLE.sub(f"  title: Other revision {number}", other_text, count=1)
            body, message = _blob(other, other_text.encode()), f"Another record ({number})"
        else:
            sla_text = TITLE.sub(f"  title: Revision {number}", sla_text, count=1)
            body, message = _blob(path, sla_text.encode()), f"Retitle the SLA ({number})"
        stream.append(_commit(number, message, body))
    git(root, "init", "-q", "-b", "main")
    git(root, "fast-import", "--quiet", stdin=b"".join(stream))
    git(root, "reset", "-q", "--hard", "main")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=500)
    parser.add_argument("--records", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    args = parser.parse_args(argv)

    compile_bytecode()
    workdir = Path(tempfile.mkdtemp(prefix="itsm-history-bench-"))
    data = generate(args.records, workdir, args.seed)
    files = sorted([*data.files, "itsm.toml"])
    counts: dict[str, int] = {}
    for record in data.records:
        counts[record.file] = counts.get(record.file, 0) + 1
    sla = next(r for r in data.records if r.kind == "SLA" and counts[r.file] == 1)
    build_history(workdir, files, sla.file, args.commits)

    argv_history = [*tool("itsm"), "history", sla.id, "--format", "json"]
    best, runs = best_of(3, argv_history, workdir)
    shown = subprocess.run(argv_history, cwd=workdir, capture_output=True, text=True)
    entries = shown.stdout.count('"commit":')
    passed = best.seconds <= BAR_SECONDS and shown.returncode == 0
    print(f"itsm history {sla.id}, {args.commits} commits over {args.records} records "
          f"({entries} commits shown; best of 3)")
    print_timing(best, runs, BAR_SECONDS, passed)
    keep_or_remove(workdir, args.keep)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
