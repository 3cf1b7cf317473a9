"""The evidence file of a register summary: its figures, what is missing, the proposed score and
the records behind them, in the one layout every register shares."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from fazhi.core.summary import Summary

from .xlsx import escape_cell_text, print_setup, workbook


def _formats(wb) -> dict:
    border = {"border": 1, "valign": "vcenter"}
    return {
        "title": wb.add_format({"bold": True, "font_size": 16, "align": "center"}),
        "note": wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True}),
        "head": wb.add_format(
            {**border, "bold": True, "align": "center", "bg_color": "#E8EEF7", "text_wrap": True}
        ),
        "cell": wb.add_format({**border, "text_wrap": True}),
        "num": wb.add_format({**border, "align": "center"}),
        "pct": wb.add_format({**border, "align": "center", "num_format": "0.0%"}),
    }


def _cell(ws, r: int, c: int, value, fmt: dict) -> None:
    if value is None:
        ws.write_string(r, c, "—", fmt["num"])
    elif isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", fmt["num"])
    elif isinstance(value, int | float | Decimal):
        ws.write_number(r, c, float(value), fmt["num"])
    elif isinstance(value, date):
        ws.write_string(r, c, value.isoformat(), fmt["num"])
    else:
        ws.write_string(r, c, escape_cell_text(str(value)), fmt["cell"])


def summary_xlsx(summary: Summary, heading: str, stamp: str) -> bytes:
    """Sheet 统计: the figures (numbers stay numbers; rates as percentages), the proposal and
    what is missing; sheet 记录: the records behind them."""
    buf = io.BytesIO()
    wb = workbook(buf)
    fmt = _formats(wb)
    ws = wb.add_worksheet("统计")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 24)
    ws.merge_range(0, 0, 0, 1, escape_cell_text(heading), fmt["title"])
    ws.merge_range(
        1,
        0,
        1,
        1,
        escape_cell_text(stamp + ("；" + summary.note if summary.note else "")),
        fmt["note"],
    )
    ws.write_string(2, 0, "项目", fmt["head"])
    ws.write_string(2, 1, "数值", fmt["head"])
    r = 3
    for f in summary.figures:
        ws.write_string(
            r,
            0,
            escape_cell_text(f.label + (f"（{f.unit}）" if f.unit and f.unit != "%" else "")),
            fmt["cell"],
        )
        if f.unit == "%" and f.value is not None:
            ws.write_number(r, 1, float(f.value), fmt["pct"])
        else:
            _cell(ws, r, 1, f.value, fmt)
        r += 1
    if summary.proposal is not None:
        ws.write_string(r, 0, "建议自评分", fmt["cell"])
        ws.write_number(r, 1, float(summary.proposal.value), fmt["num"])
        r += 1
        ws.merge_range(
            r, 0, r, 1, escape_cell_text("计算规则：" + summary.proposal.rule), fmt["note"]
        )
        r += 1
    if summary.missing:
        r += 1
        ws.write_string(r, 0, "尚缺（评分项要求而台账中没有的）", fmt["head"])
        ws.write_string(r, 1, "", fmt["head"])
        for m in summary.missing:
            r += 1
            ws.merge_range(r, 0, r, 1, escape_cell_text(m), fmt["cell"])
    print_setup(ws, title_rows=3, landscape=False)
    if summary.headers:
        rows = wb.add_worksheet("记录")
        for c, h in enumerate(summary.headers):
            rows.write_string(0, c, escape_cell_text(h), fmt["head"])
            rows.set_column(c, c, 18)
        for i, row in enumerate(summary.rows, 1):
            for c, value in enumerate(row):
                _cell(rows, i, c, value, fmt)
        print_setup(rows, title_rows=1)
    wb.close()
    return buf.getvalue()
