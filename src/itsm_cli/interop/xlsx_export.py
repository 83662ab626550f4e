"""Views as one XLSX workbook, a sheet per view, written with XlsxWriter (the extra
`itsm-cli[xlsx]`).

Each sheet has a frozen, filterable header, column widths fitted to the content (capped),
and the status column coloured (covered green, partial amber, missing red; errors red,
warnings amber). Every text goes in as a string cell, never a formula; one that a
spreadsheet would take for a formula keeps its text as written and gets Excel's quote prefix
(the cell stays text when edited; no `'` is added to the data, as the CSV files need). Dates
are date cells (YYYY-MM-DD), so they sort and filter as dates. Excel's limits
hold: sheet names of at most 31 characters, cells of at most 32,767 (longer text is cut with
a note). The workbook's creation date is the run's `today`, so the same records and
`--today` give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io

from itsm_cli.interop.csv_export import FORMULA_STARTS
from itsm_cli.interop.views import View

INSTALL_HINT = "pip install 'itsm-cli[xlsx]'"
MAX_CELL = 32_767
MAX_SHEET_NAME = 31
MAX_WIDTH = 60
_CUT = " … (cut: longer than a spreadsheet cell holds)"

_COLOURS = {
    "covered": "#C6EFCE",
    "partial": "#FFEB9C",
    "missing": "#FFC7CE",
    "error": "#FFC7CE",
    "warning": "#FFEB9C",
    "info": "#DDEBF7",
}


class MissingExtraError(Exception):
    """XlsxWriter is not installed; the message says how to install it."""


def _text(value: str) -> str:
    if len(value) > MAX_CELL:
        value = value[: MAX_CELL - len(_CUT)] + _CUT
    return value


def render_xlsx(views: list[View], today: dt.date) -> bytes:
    try:
        import xlsxwriter
    except ImportError as exc:
        raise MissingExtraError(f"xlsx export needs XlsxWriter: {INSTALL_HINT}") from exc
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties(
        {
            "title": "ISO/IEC 20000-1 records",
            "creator": "itsm-cli",
            "created": dt.datetime.combine(today, dt.time(0, 0)),
        }
    )
    header = workbook.add_format({"bold": True, "bg_color": "#D9D9D9", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    top = workbook.add_format({"valign": "top"})
    as_text = workbook.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
    date = workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    status_formats = {
        name: workbook.add_format({"bg_color": colour, "valign": "top"})
        for name, colour in _COLOURS.items()
    }
    for view in views:
        sheet = workbook.add_worksheet(view.name[:MAX_SHEET_NAME])
        widths = [len(c) for c in view.columns]
        for col, name in enumerate(view.columns):
            sheet.write_string(0, col, name, header)
        status_col = (
            view.columns.index(view.status_column) if view.status_column is not None else -1
        )
        for r, row in enumerate(view.rows, start=1):
            for col, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    text = _text(value)
                    if col == status_col:
                        fmt = status_formats.get(value, top)
                    else:
                        fmt = as_text if text.startswith(FORMULA_STARTS) else wrap
                    sheet.write_string(r, col, text, fmt)
                    shown = max((len(line) for line in text.splitlines()), default=0)
                elif isinstance(value, dt.date):
                    sheet.write_datetime(r, col, dt.datetime.combine(value, dt.time()), date)
                    shown = 10
                else:
                    sheet.write_number(r, col, value, top)
                    shown = len(str(value))
                widths[col] = max(widths[col], shown)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, MAX_WIDTH))
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(len(view.rows), 1), len(view.columns) - 1)
    workbook.close()
    return buffer.getvalue()
