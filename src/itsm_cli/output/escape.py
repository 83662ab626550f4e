"""Escaping of text that comes from the records (values, keys, file names) before it reaches a
terminal or a Markdown comment: a record is data written by anyone who can open a pull
request, so nothing in it may drive the terminal (an OSC sequence retitling the window, a
cursor move hiding a line) or the comment (a link, an image, an @mention, raw HTML).

`terminal_safe` makes every control character visible as an escape (`\\x1b`); `markdown_safe`
also makes Markdown, HTML, mentions and autolinks inert, and folds the text onto one line.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
    "\ud800-\udfff]"
)
"""C0 and C1 controls (ESC, BEL, CR, NEL …), the line and paragraph separators, the
direction marks and overrides that reorder what is shown (Trojan Source), the byte-order mark,
and lone surrogates (the bytes of a file name that is not valid UTF-8)."""


def _escape_control(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name, as `os` escapes it
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_safe(text: str) -> str:
    """JSON `text` with each lone surrogate (an undecodable byte of a file name, as `os`
    gives it) written as the escape the text output shows (`\\xff`): a JSON document must
    be valid Unicode, and one raw surrogate makes strict readers refuse the whole of it."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub(lambda m: _escape_control(m).replace("\\", "\\\\"), text)


def terminal_safe(text: str) -> str:
    """`text` with every control character (and the other characters above) shown as an
    escape, so printing it cannot change the terminal; printable text is unchanged."""
    return _CONTROL.sub(_escape_control, text)


def terminal_safe_lines(text: str) -> str:
    """`terminal_safe` for text of several lines: the line feeds are kept."""
    return "\n".join(terminal_safe(line) for line in text.split("\n"))


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
"""Characters that open Markdown constructs in the middle of a line (emphasis, code, links
and images, tables, strikethrough), backslash-escaped. Characters that matter only at the
start of a line (`#`, `-`, `>`) need nothing: the text never starts one. `<`, `>` and `&`
become entities instead (a backslash before an entity would show it verbatim)."""
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_ZWSP = "\u200b"
_AUTOLINK = re.compile(r"(?i)(www)(\.)|([a-z][a-z0-9+.-]*)(:)(//)")


def markdown_safe(text: str) -> str:
    """`text` shown literally in Markdown: controls escaped as in `terminal_safe`, line
    breaks folded into spaces, Markdown characters backslash-escaped, `<`, `>` and `&` as
    entities, and a zero-width space after `@` and inside `://` and `www.` so GitHub makes
    no mention, no team notification and no link of it."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = terminal_safe(text)
    text = escape_markdown_marks(text)
    text = "".join(_HTML.get(char, char) for char in text)
    return defuse_links(text)


def escape_markdown_marks(text: str) -> str:
    """`text` with the characters that open Markdown inside a line backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def defuse_links(text: str) -> str:
    """A zero-width space after `@` and inside `://` and `www.`: no mention, no autolink."""
    # Most text holds neither, and the search tries a scheme at every letter: a report of
    # 10,000 records escapes hundreds of thousands of cells.
    if "://" in text or ("." in text and "www." in text.lower()):
        text = _AUTOLINK.sub(
            lambda m: f"{m[1]}{_ZWSP}{m[2]}" if m[1] else f"{m[3]}{m[4]}{_ZWSP}{m[5]}", text
        )
    return text.replace("@", f"@{_ZWSP}") if "@" in text else text


def markdown_code(text: str, in_table: bool = True) -> str:
    """Inline code showing `text` literally (a code span renders no Markdown, no HTML and no
    mention; only backticks, line breaks and, in a table, pipes need care)."""
    text = terminal_safe(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    if in_table:
        text = text.replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"
