"""Views as CSV: UTF-8 with a byte-order mark (so Excel reads the accents right), CRLF line
ends as RFC 4180 has them, every text cell that a spreadsheet would run as a formula (one
starting with `=`, `+`, `-`, `@`, a tab or a carriage return) prefixed with `'`."""

from __future__ import annotations

import csv
import datetime as dt
import io

from itsm_cli.interop.views import Cell, View

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text, never evaluates (formula injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _cell(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return safe_text(value) if isinstance(value, str) else value


def render_csv(view: View) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(view.columns)
    for row in view.rows:
        writer.writerow([_cell(v) for v in row])
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
