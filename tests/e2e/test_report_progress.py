"""`itsm report … --out-dir DIR`: on a terminal a progress bar on standard error that shows
the reports being rendered and is gone when they are written, nothing of it in a pipe; and
--out-dir with --output is a usage error, not one of them ignored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from itsm_cli.reports.registry import REPORTS as REGISTERED
from tests.helpers.paths import TESTS
from tests.helpers.terminal import on_a_terminal

pytestmark = pytest.mark.slow

FIXTURE = TESTS / "reports" / "fixture"
TODAY = "2026-11-23"
REPORTS = tuple(REGISTERED)  # in registration order, as `report all` writes them
FULL = f"{len(REPORTS)}/{len(REPORTS)}"


def _stderr_on_a_terminal(args: list[str], cwd: Path) -> str:
    """Standard error of `itsm ARGS` when it is a (pseudo-)terminal 100 columns wide."""
    env: dict[str, str | None] = {"TERM": "xterm-256color", "NO_COLOR": None, "FORCE_COLOR": None}
    return on_a_terminal(args, cwd, env, stream="stderr")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_report_all_shows_a_progress_bar_that_goes_away(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    shown = _stderr_on_a_terminal(
        ["report", "all", "--out-dir", str(out_dir), "--today", TODAY], FIXTURE
    )
    assert "Reading and checking the records…" in shown  # a spinner while the records load
    assert "Rendering reports" in shown
    assert FULL in shown  # the bar is full before it goes
    # Every report was written and said so, each on a line of its own.
    for name in REPORTS:
        assert (out_dir / f"{name}.html").is_file()
        assert f"wrote {out_dir / name}.html\r\n" in shown
    # Transient: the last thing drawn erases the bar's line and shows the cursor again.
    tail = shown[shown.rindex(FULL):]
    assert "\x1b[2K" in tail and "\x1b[?25h" in tail
    assert "Rendering" not in tail


def test_report_all_in_a_pipe_has_no_progress_bar(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "report", "all", "--out-dir", str(tmp_path),
         "--today", TODAY], cwd=FIXTURE, capture_output=True, text=True, timeout=60,
        env={**env, "TERM": "xterm-256color"},
    )
    assert proc.returncode == 0
    assert proc.stderr == "".join(f"itsm: wrote {tmp_path / name}.html\n" for name in REPORTS)


def test_output_and_out_dir_together_are_a_usage_error(tmp_path: Path) -> None:
    """`-o gap.html --out-dir out/` used to write out/gap.html and ignore -o without a word."""
    proc = subprocess.run(
        [sys.executable, "-m", "itsm_cli", "report", "gap", "-o", str(tmp_path / "gap.html"),
         "--out-dir", str(tmp_path / "out"), "--today", TODAY],
        cwd=FIXTURE, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--output' / '-o': give either --output FILE or --out-dir DIR, "
        "not both"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_html_printed_to_a_terminal_is_followed_by_a_hint_to_use_o(tmp_path: Path) -> None:
    import pty

    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "itsm_cli", "report", "continuity", "--today", TODAY],
        cwd=FIXTURE, stdout=secondary, stderr=subprocess.PIPE,
    ) as proc:
        os.close(secondary)
        while True:  # drain the terminal so the process never blocks on it
            try:
                if not os.read(primary, 65536):
                    break
            except OSError:
                break
        stderr = proc.stderr.read().decode() if proc.stderr else ""
        proc.wait(timeout=60)
    os.close(primary)
    assert proc.returncode == 0
    assert stderr.strip() == (
        "itsm: that was the HTML source; write it to a file with -o continuity.html "
        "and open that in a browser"
    )
