"""Shared pieces of the spreadsheet exports: one font, the print setup, escaping, dates."""

from __future__ import annotations

from datetime import date

import xlsxwriter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FONT = "宋体"  # the one font of every export, as official tables are printed
A4 = 9


def escape_cell_text(s: str) -> str:
    """Text a spreadsheet must never read as a formula gets a leading quote (OWASP CSV/XLSX injection)."""
    return "'" + s if s.startswith(FORMULA_STARTS) else s


def workbook(out) -> xlsxwriter.Workbook:
    """A workbook whose every format (the default one included) is in 宋体; text is never
    turned into formulas or links."""
    return xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT, "font_size": 11},
        },
    )


def print_setup(ws, *, title_rows: int, landscape: bool = True) -> None:
    """A4, as wide as one page, the title and header rows repeated on every page, page
    numbers in the footer ("第 1 页，共 3 页")."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, title_rows - 1)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)


def due_label(due: date | None, original: date | None) -> str:
    """A due date, with the one it replaced after an extension: "12-25（原 12-03）" (the year
    is shown when it differs from the original's)."""
    if due is None:
        return ""
    if original is None or original == due:
        return due.isoformat()
    shown = due.strftime("%m-%d") if due.year == original.year else due.isoformat()
    return f"{shown}（原 {original.strftime('%m-%d')}）"


def table_formats(wb) -> dict:
    """The formats of a titled table (a register, a catalogue): title, header, cell, date."""
    return {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "head": wb.add_format(
            {"bold": True, "border": 1, "align": "center", "bg_color": "#E8EEF7"}
        ),
        "cell": wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"}),
        "day": wb.add_format({"border": 1, "num_format": "yyyy-mm-dd", "align": "center"}),
    }


def table_sheet(wb, fmt, name, title, headers, widths, rows) -> int:
    """One sheet: the title across the columns, the header row, then `rows` (tuples; dates
    as dates, everything else as escaped text), frozen under the header, printable.
    Returns the number of rows written."""
    ws = wb.add_worksheet(name)
    ws.merge_range(0, 0, 0, len(headers) - 1, escape_cell_text(title), fmt["title"])
    for col, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(1, col, h, fmt["head"])
        ws.set_column(col, col, w)
    n = 0
    for n, row in enumerate(rows, 1):
        for col, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(n + 1, col, value, fmt["day"])
            else:
                ws.write_string(n + 1, col, escape_cell_text(str(value or "")), fmt["cell"])
    ws.freeze_panes(2, 0)
    print_setup(ws, title_rows=2)
    return n
