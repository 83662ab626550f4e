"""Replacing a file atomically: the one place that knows how.

A reader of the file sees either the old content or the new, never half of it: the new bytes
go to a temporary file in the target's own folder (the same file system, so the rename is
atomic), which takes the target's permission bits and owner and is then renamed over it. Any
failure, an interrupt included, removes the temporary file and leaves the target as it was.

Every writer of the package uses this: `itsm fmt`, `new` and `init` (`authoring/writer.py`,
which adds its refusals on top), `--output` (`cli/terminal.py`), the results cache and
`itsm schema export`. It sits in `records`, the lowest layer that all of them may import.

Temporary files are named `.<name>.<pid>.<random>.itsm-tmp`: hidden, unique to each writer
(two runs at once never share one), and telling which process made them, so that the next
writer of the same file removes what a killed one left behind.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

TEMPORARY_SUFFIX = ".itsm-tmp"


class TemporaryFileError(OSError):
    """No temporary file could be created beside the target (a missing or read-only folder,
    a full disk): nothing was written."""


def replace_file(
    target: Path,
    pieces: Iterable[bytes],
    *,
    durable: bool = True,
    move_into_place: Callable[[Path, Path], None] | None = None,
) -> None:
    """Make `target` hold the concatenation of `pieces`, written as they come.

    The result keeps the target's permission bits and, when the process may set it, its
    owner; a new file gets the bits the umask leaves. `durable` flushes the data to the disk
    before the rename, so that a power cut cannot leave an empty file under the new name.
    `move_into_place(temporary, target)` replaces the final `os.replace`, for a caller that
    checks something at the last moment or must not overwrite; it must leave nothing at
    `temporary` when it returns.

    Raises `TemporaryFileError` when the temporary cannot be created, any other `OSError`
    when writing or renaming fails, and whatever `pieces` or `move_into_place` raise; in
    every case the temporary file is gone and `target` is unchanged.
    """
    folder = target.parent
    try:
        info: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        info = None  # a folder or a device has no bits a regular file should copy
    _remove_stale_temporaries(folder, target.name)
    import tempfile  # here: every run imports this module (the cache), few write a file

    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=TEMPORARY_SUFFIX, dir=folder
        )
    except OSError as exc:
        raise TemporaryFileError(exc.errno, exc.strerror, str(folder)) from exc
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
            stream.flush()
            # The owner before the bits: changing the owner clears set-user-ID and
            # set-group-ID, and so does writing, which is why both follow the data.
            if info is not None:
                _keep_owner(temporary, info)
            os.chmod(temporary, stat.S_IMODE(info.st_mode) if info else _default_mode())
            if durable:
                os.fsync(stream.fileno())
        if move_into_place is None:
            os.replace(temporary, target)
        else:
            move_into_place(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def _keep_owner(temporary: Path, info: os.stat_result) -> None:
    if not hasattr(os, "chown"):
        return
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) != (info.st_uid, info.st_gid):
        # Only root may give a file away (and a user only to a group of theirs): otherwise
        # the file becomes the writer's, as any editor's save would make it.
        with contextlib.suppress(OSError):
            os.chown(temporary, info.st_uid, info.st_gid)


def _default_mode() -> int:
    """Permission bits a newly created file gets from the process umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def _remove_stale_temporaries(folder: Path, name: str) -> None:
    """Remove what an earlier writer of `name` left behind when it was killed (kill -9 or a
    power cut gives it no chance to clean up): temporaries named after a process that no
    longer runs. A writer still running keeps its own."""
    prefix = f".{name}."
    try:
        entries = [e for e in os.listdir(folder) if e.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        if not entry.endswith(TEMPORARY_SUFFIX):
            continue
        pid_text = entry[len(prefix) :].split(".", 1)[0]
        if not pid_text.isdigit() or _process_runs(int(pid_text)):
            continue
        _remove(folder / entry)


def _process_runs(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or not ours to judge): leave its file
    return True


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
