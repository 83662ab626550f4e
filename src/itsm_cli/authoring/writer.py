"""Atomic, faithful file writes.

A writer never leaves a half-written file behind and never changes more than the text it was
asked to change: the new content replaces the original atomically (`records/atomic.py`: a
temporary file in the same folder, with the original's permission bits and owner, renamed
over it; any error removes the temporary file and leaves the original as it was). On top of
that this writer refuses what `fmt`, `new` and `init` must not do: overwrite a read-only file,
a file that changed since it was read, an existing file when creating one, or write through a
link out of the repository.

`TextStyle` carries what a reformatting must not change about a text file: its line endings
(LF or CRLF), whether it ends with a newline, and a UTF-8 byte-order mark.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from itsm_cli.records.atomic import TemporaryFileError, replace_file


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


def write_atomic(
    path: Path,
    data: bytes,
    *,
    exclusive: bool = False,
    expected: bytes | None = None,
    within: Path | None = None,
) -> None:
    """Write `data` to `path` atomically (`records.atomic.replace_file`: permission bits and
    owner kept, flushed to disk, temporaries of killed writers removed).

    `exclusive`: refuse when `path` exists (creating a new file; never overwrites).
    `expected`: the bytes the file held when it was read; refuse if it changed since.
    `within`: the repository root; refuse when a link would take the write outside it.
    A symbolic link is followed: its target is rewritten, the link stays a link.
    Raises `WriteError`; the original file is unchanged whenever it raises.
    """
    if within is not None:
        ensure_inside(path, within)
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
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

    def move_into_place(temporary: Path, destination: Path) -> None:
        # Checked with the new content ready, the last moment before the rename: the window
        # in which another program's save would be lost is as short as it can be.
        if expected is not None and destination.read_bytes() != expected:
            raise WriteError(f"{path}: changed on disk while it was being rewritten; left as is")
        if exclusive:
            _link_new(temporary, destination, path)
        else:
            os.replace(temporary, destination)

    try:
        replace_file(target, (data,), move_into_place=move_into_place)
    except TemporaryFileError as exc:
        raise WriteError(
            f"{path}: cannot write in {target.parent}: {exc.strerror or exc}"
        ) from exc
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from exc


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
