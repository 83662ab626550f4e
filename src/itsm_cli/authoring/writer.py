"""Atomic, faithful file writes.

A writer never leaves a half-written file behind and never changes more than the text it was
asked to change: the new content goes to a temporary file in the same folder (same file
system, so the rename is atomic), which takes the original's permission bits (and owner, when
allowed) and is then renamed over the original. Any error removes the temporary file and
leaves the original as it was.

`TextStyle` carries what a reformatting must not change about a text file: its line endings
(LF or CRLF), whether it ends with a newline, and a UTF-8 byte-order mark.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


class WriteError(Exception):
    """A file could not be written; the message names the file and the reason."""


@dataclass(frozen=True, slots=True)
class TextStyle:
    """The byte-level conventions of a text file that a rewrite keeps."""

    newline: str = "\n"
    """"\\n" or "\\r\\n", taken from the file's first line ending."""
    final_newline: bool = True
    """Whether the file ends with a line ending."""
    bom: bool = False
    """Whether the file starts with a UTF-8 byte-order mark."""


class NotUtf8Error(ValueError):
    """The bytes are not UTF-8 text (the writers only rewrite UTF-8 files)."""


def read_text(data: bytes) -> tuple[str, TextStyle]:
    """Bytes of a UTF-8 file → its text with LF line endings, and its style."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotUtf8Error("the file is UTF-16; only UTF-8 files are rewritten")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8Error(f"invalid UTF-8 at byte {exc.start}") from exc
    first_break = text.find("\n")
    crlf = first_break > 0 and text[first_break - 1] == "\r"
    style = TextStyle(
        newline="\r\n" if crlf else "\n",
        final_newline=text.endswith("\n") or not text,
        bom=bom,
    )
    return text.replace("\r\n", "\n"), style


def encode_text(text: str, style: TextStyle) -> bytes:
    """Text with LF line endings → bytes in `style` (line endings, final newline, BOM)."""
    if style.final_newline:
        if text and not text.endswith("\n"):
            text += "\n"
    else:
        text = text.rstrip("\n")
    if style.newline != "\n":
        text = text.replace("\n", style.newline)
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if style.bom else data


def ensure_inside(path: Path, root: Path, shown: str | None = None) -> None:
    """Raise `WriteError` when writing `path` (or creating its folders) would go through a
    symbolic link out of `root`: a link to a file elsewhere, or a folder of the path that is
    a link elsewhere. Nothing outside the repository is ever written."""
    real = Path(os.path.realpath(path))
    real_root = Path(os.path.realpath(root))
    try:
        real.relative_to(real_root)
    except ValueError:
        raise WriteError(
            f"{shown or path}: refused: a symbolic link leads outside the repository "
            f"(it would write {real})"
        ) from None


def _default_mode() -> int:
    """Permission bits a newly created file gets from the process umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(
    path: Path,
    data: bytes,
    *,
    exclusive: bool = False,
    expected: bytes | None = None,
    within: Path | None = None,
) -> None:
    """Write `data` to `path` atomically.

    `exclusive`: refuse when `path` exists (creating a new file; never overwrites).
    `expected`: the bytes the file held when it was read; refuse if it changed since.
    `within`: the repository root; refuse when a link would take the write outside it.
    A symbolic link is followed: its target is rewritten, the link stays a link.
    Raises `WriteError`; the original file is unchanged whenever it raises.
    """
    if within is not None:
        ensure_inside(path, within)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = target.parent
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if exclusive and info is not None:
        raise WriteError(f"{path}: already exists")
    if info is not None and not info.st_mode & 0o222:
        # A rename replaces a read-only file as easily as any other; its mode says to leave
        # it alone, and even root should not rewrite it behind the owner's back.
        raise WriteError(f"{path}: read-only (no write permission); left as is")
    _remove_stale_temporaries(folder, target.name)
    try:
        fd, temporary = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=TEMPORARY_SUFFIX, dir=folder
        )
    except OSError as exc:
        raise WriteError(f"{path}: cannot write in {folder}: {exc.strerror or exc}") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if info is not None:
            os.chmod(temporary, info.st_mode & 0o7777)
            if hasattr(os, "chown") and (
                info.st_uid != os.stat(temporary).st_uid
                or info.st_gid != os.stat(temporary).st_gid
            ):
                with contextlib.suppress(OSError):
                    os.chown(temporary, info.st_uid, info.st_gid)
        else:
            os.chmod(temporary, _default_mode())
        if expected is not None and target.read_bytes() != expected:
            raise WriteError(f"{path}: changed on disk while it was being rewritten; left as is")
        if exclusive:
            _link_new(Path(temporary), target, path)
        else:
            os.replace(temporary, target)
    except WriteError:
        _remove(temporary)
        raise
    except OSError as exc:
        _remove(temporary)
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        _remove(temporary)
        raise


def _link_new(temporary: Path, target: Path, shown: Path) -> None:
    """Move `temporary` to `target` only if `target` does not exist (no race)."""
    try:
        os.link(temporary, target)
    except FileExistsError as exc:
        raise WriteError(f"{shown}: already exists") from exc
    except OSError:
        # Hard links unsupported (some file systems): check, then rename.
        if target.exists():
            raise WriteError(f"{shown}: already exists") from None
        os.replace(temporary, target)
        return
    _remove(str(temporary))


TEMPORARY_SUFFIX = ".itsm-tmp"


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


def _remove(temporary: str | os.PathLike[str]) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temporary)


def write_text(
    path: Path,
    text: str,
    style: TextStyle | None = None,
    *,
    exclusive: bool = False,
    expected: bytes | None = None,
    within: Path | None = None,
) -> None:
    """`write_atomic` for text with LF line endings, encoded in `style` (default: UTF-8, LF,
    final newline)."""
    write_atomic(path, encode_text(text, style or TextStyle()), exclusive=exclusive,
                 expected=expected, within=within)
