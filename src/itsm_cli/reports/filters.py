"""Formatting filters available to every template (formatting only, no computation)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from itsm_cli.findings import figure as recorded
from itsm_cli.findings import rounded

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


def md_cell(value: Any) -> str:
    """Text safe inside a Markdown table cell: a `|` does not end the cell, a line break does
    not end the row, and a `<` that would start HTML or an autolink (`<details>`, `<fill
    in>`, `</b>`, `<!--`) is escaped, so the text reads as written (`<= 15` stays as it is)."""
    text = " ".join(str(value).splitlines())
    return _HTML_START.sub("&lt;", text.replace("|", "\\|"))


FILTERS: dict[str, Callable[..., Any]] = {
    "pct": pct,
    "num": num,
    "figure": figure,
    "isodate": isodate,
    "sparkline": sparkline,
    "md_cell": md_cell,
}
