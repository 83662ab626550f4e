"""Formatting filters available to every template (formatting only, no computation)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from itsm_cli.findings import figure as recorded
from itsm_cli.findings import rounded
from itsm_cli.output.escape import defuse_links, escape_markdown_marks

SPARK = "▁▂▃▄▅▆▇█"


def pct(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f} %"


def num(value: float | None, digits: int = 2) -> str:
    """A computed figure (minutes, a score, a slope) with at most `digits` decimals, as rule
    messages write one (`itsm_cli.findings.rounded`)."""
    return "–" if value is None else rounded(value, digits)


def figure(value: float | None) -> str:
    """A value from a record as written (`itsm_cli.findings.figure`): the same digits
    a rule message and an export show, never rounded. `num` is for computed figures."""
    return "–" if value is None else recorded(value)


def isodate(value: dt.date | None) -> str:
    return "–" if value is None else value.isoformat()


def sparkline(values: list[float | None]) -> str:
    """Unicode sparkline for Markdown; gaps as spaces."""
    present = [v for v in values if v is not None]
    if not present:
        return ""
    low, high = min(present), max(present)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else SPARK[min(len(SPARK) - 1, int((v - low) / span * (len(SPARK) - 1)))]
        for v in values
    )


_HTML_START = re.compile(r"<(?=[A-Za-z/!?])")


class MarkdownText(str):
    """Text already made safe for Markdown by `md_cell` (so it is not escaped twice)."""

    __slots__ = ()


def md_cell(value: Any) -> str:
    """Text from the records shown literally in Markdown, in a table cell or a line: a `|`
    does not end the cell, a line break does not end the row, a `<` that would start HTML or
    an autolink (`<details>`, `<fill in>`, `</b>`, `<!--`) is escaped, so are the characters
    of links, images, code and emphasis, and a bare URL or an `@name` gets a zero-width space
    so that GitHub or GitLab makes no link and notifies nobody. A record is written by
    whoever can open a pull request; the report must show its text, not obey it. What needs
    no escape reads as written (`<= 15`, `99.95 %`)."""
    if isinstance(value, MarkdownText):
        return value
    text = escape_markdown_marks(" ".join(str(value).splitlines()))  # `|` included
    return MarkdownText(defuse_links(_HTML_START.sub("&lt;", text)))


_CODE_SPAN = re.compile(r"(`[^`\n]+`)")


def md_prose(value: Any) -> str:
    """Advice the product writes (rule hints, recommendations), whose `code` spans are meant
    as code: those are kept (a code span shows its text literally; only a `|` needs care in a
    table), and the rest is escaped as `md_cell` does, since a hint may quote a record's key."""
    if isinstance(value, MarkdownText):
        return value
    parts = _CODE_SPAN.split(" ".join(str(value).splitlines()))
    return MarkdownText(
        "".join(
            part.replace("|", "\\|") if at % 2 else md_cell(part)
            for at, part in enumerate(parts)
        )
    )


def markdown_output(value: Any) -> Any:
    """The Markdown templates' `finalize`: every printed text is `md_cell`ed unless it already
    was, so a template that forgets the filter still shows a record's text literally (as
    autoescape does for HTML). Numbers, dates and the filters' figures have nothing to escape."""
    return md_cell(value) if isinstance(value, str) else value


FILTERS: dict[str, Callable[..., Any]] = {
    "pct": pct,
    "num": num,
    "figure": figure,
    "isodate": isodate,
    "sparkline": sparkline,
    "md_cell": md_cell,
    "md_prose": md_prose,
}
