"""Replacing a file atomically (`records/atomic.py`), the mechanics every writer shares: `fmt`,
`new` and `init`, `--output`, the results cache and `schema export`.

Each test reads the file back: its content, its permission bits, and what else the folder
holds afterwards (never a temporary file, whatever failed).
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from itsm_cli.cli.terminal import write_output
from itsm_cli.records.atomic import TEMPORARY_SUFFIX, TemporaryFileError, replace_file

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _pieces_then_fail(error: BaseException) -> Iterator[bytes]:
    yield b"first half, "
    raise error


def test_the_pieces_are_the_new_content(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_bytes(b"old content that is longer than the new\n")
    replace_file(target, (b"one ", b"", b"two\n"))
    assert target.read_bytes() == b"one two\n"
    assert _names(tmp_path) == ["out.txt"]


def test_no_pieces_make_an_empty_file(tmp_path: Path) -> None:
    target = tmp_path / "empty"
    replace_file(target, ())
    assert target.read_bytes() == b""


@posix_only
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o755, 0o444])
def test_the_permission_bits_are_kept(tmp_path: Path, mode: int) -> None:
    target = tmp_path / "kept"
    target.write_bytes(b"old\n")
    target.chmod(mode)
    replace_file(target, (b"new\n",), durable=False)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"new\n"


@posix_only
def test_a_new_file_gets_the_bits_the_umask_leaves(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        replace_file(tmp_path / "new", (b"x",))
    finally:
        os.umask(previous)
    # Not mkstemp's private 0o600: what `open()` would have created.
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "error", [ValueError("a streamer failed"), OSError(28, "No space left on device"),
              KeyboardInterrupt()],
    ids=["exception", "os-error", "interrupt"],
)
def test_a_failure_mid_write_leaves_the_original_and_no_temporary(
    tmp_path: Path, error: BaseException
) -> None:
    target = tmp_path / "report.html"
    target.write_bytes(b"the previous report\n")
    with pytest.raises(type(error)):
        replace_file(target, _pieces_then_fail(error))
    assert target.read_bytes() == b"the previous report\n"
    assert _names(tmp_path) == ["report.html"]


def test_a_failure_mid_write_of_a_new_file_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        replace_file(tmp_path / "new.json", _pieces_then_fail(ValueError("stop")))
    assert _names(tmp_path) == []


def test_a_failed_rename_leaves_the_original_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "data.yaml"
    target.write_bytes(b"kept: true\n")

    def fail(source: object, destination: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="No space left on device"):
        replace_file(target, (b"kept: false\n",))
    assert target.read_bytes() == b"kept: true\n"
    assert _names(tmp_path) == ["data.yaml"]


def test_a_refusal_at_the_last_moment_leaves_the_original(tmp_path: Path) -> None:
    target = tmp_path / "data.yaml"
    target.write_bytes(b"kept: true\n")

    def refuse(temporary: Path, destination: Path) -> None:
        assert temporary.read_bytes() == b"kept: false\n"  # the new content is complete
        raise RuntimeError("changed on disk")

    with pytest.raises(RuntimeError, match="changed on disk"):
        replace_file(target, (b"kept: false\n",), move_into_place=refuse)
    assert target.read_bytes() == b"kept: true\n"
    assert _names(tmp_path) == ["data.yaml"]


def test_a_missing_folder_is_a_temporary_file_error(tmp_path: Path) -> None:
    with pytest.raises(TemporaryFileError) as raised:
        replace_file(tmp_path / "no-such-folder" / "out.txt", (b"x",))
    assert isinstance(raised.value, OSError)
    assert raised.value.strerror == "No such file or directory"
    assert raised.value.filename == str(tmp_path / "no-such-folder")


def test_two_writers_at_once_do_not_share_a_temporary(tmp_path: Path) -> None:
    """A second writer of the same file starts and finishes while the first is half way
    (two `--output` runs at once): each has its own temporary, the last to finish wins,
    and neither leaves anything behind."""
    target = tmp_path / "findings.json"

    def first_writer() -> Iterator[bytes]:
        yield b"first, "
        replace_file(target, (b"second\n",))
        assert target.read_bytes() == b"second\n"
        yield b"finished last\n"

    replace_file(target, first_writer())
    assert target.read_bytes() == b"first, finished last\n"
    assert _names(tmp_path) == ["findings.json"]


def _a_finished_process_id() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_the_temporaries_of_killed_writers_go_and_a_running_ones_stay(tmp_path: Path) -> None:
    target = tmp_path / "svc.yaml"
    target.write_bytes(b"old\n")
    dead = tmp_path / f".svc.yaml.{_a_finished_process_id()}.abc{TEMPORARY_SUFFIX}"
    running = tmp_path / f".svc.yaml.{os.getppid()}.abc{TEMPORARY_SUFFIX}"
    not_ours = tmp_path / ".svc.yaml.notes"
    for path in (dead, running, not_ours):
        path.write_bytes(b"half")
    replace_file(target, (b"new\n",))
    assert target.read_bytes() == b"new\n"
    assert _names(tmp_path) == sorted([running.name, not_ours.name, "svc.yaml"])


# --- through `--output` (cli/terminal.py) ---------------------------------------------------


@posix_only
def test_output_keeps_the_bits_of_the_file_it_replaces(tmp_path: Path) -> None:
    output = tmp_path / "findings.json"
    output.write_text("{}\n")
    output.chmod(0o600)
    write_output(["{", '"findings": []', "}\n"], output)
    assert output.read_text() == '{"findings": []}\n'
    assert stat.S_IMODE(output.stat().st_mode) == 0o600


def test_output_that_fails_half_way_keeps_the_previous_file(tmp_path: Path) -> None:
    output = tmp_path / "report.md"
    output.write_text("# previous\n")

    def streamer() -> Iterator[str]:
        yield "# new\n"
        raise ValueError("the report builder failed")

    with pytest.raises(ValueError, match="the report builder failed"):
        write_output(streamer(), output)
    assert output.read_text() == "# previous\n"
    assert _names(tmp_path) == ["report.md"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="only root gives files away")
def test_the_owner_is_kept_when_root_rewrites_a_users_file(tmp_path: Path) -> None:
    target = tmp_path / "theirs"
    target.write_bytes(b"old\n")
    os.chown(target, 65534, 65534)
    target.chmod(0o640)
    replace_file(target, (b"new\n",))
    info = target.stat()
    assert (info.st_uid, info.st_gid) == (65534, 65534)
    assert stat.S_IMODE(info.st_mode) == 0o640
    assert target.read_bytes() == b"new\n"
