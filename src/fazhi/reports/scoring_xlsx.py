"""The 自查评分表 as an xlsx file, laid out like the paper table (附件2).

Pure export code: no Django. The caller loads the framework tree, the zone's results
and the totals (computed with `fazhi.core.scoring.compute_totals`) and passes them in;
nothing here recomputes a total.

Layout, top to bottom:

* a merged title row, then one line naming the zone, the year, the status and the
  export date;
* the header row 序号 | 一级指标 | 二级指标 | 分值 | 自评分 | 自评说明 | 佐证材料
  (repeated on every printed page);
* one row per item in table order. The level-1 group is merged down over its items;
  deeper groups are written as a path before the item title ("（一）xxx／item");
* a totals block: 评分项合计, 加分, 扣分, 最终得分, the veto outcome and, when some
  附加项 apply but have no points yet, which ones were not counted.

Every text goes through `escape_cell_text` and `write_string`, so nothing a user typed
can become a formula, a link or a number.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, BinaryIO

import xlsxwriter

from fazhi.core.framework import BONUS, DEDUCTION, SCORED, VETO, Indicator
from fazhi.core.scoring import ResultInput, Totals, format_points
from fazhi.reports import scoring_cells as cells
from fazhi.reports.xlsx import escape_cell_text

__all__ = ["ResultRow", "escape_cell_text", "write_scoring_xlsx"]


@dataclass(frozen=True)
class ResultRow:
    """What the zone entered for one item, with the texts the export shows."""

    self_score: Decimal | None = None
    cases: int = 0
    raised: bool = False
    reason: str = ""
    points: Decimal | None = None  # office-set value where the framework prints none
    note: str = ""  # 自评说明
    evidence: tuple[str, ...] = ()  # evidence file names
    count: int | None = None  # the input of a per_shortfall rule
    value: Decimal | None = None  # the input of a tiers or proportional rule
    not_applicable: bool = False
    na_reason: str = ""
    override: Decimal | None = None  # the office's adjusted score
    override_reason: str = ""


# A cell starting with one of these is read as a formula (or a DDE call) by
# spreadsheet programs when the text is re-entered, pasted or saved as CSV.
# ---------------------------------------------------------------------------
# Layout constants

HEADERS = ("序号", "一级指标", "二级指标", "分值", "自评分", "自评说明", "佐证材料")
# Character units (Calibri 11 digit width). 140 units is about one A4 landscape
# page with 1.5 cm margins; fit-to-width absorbs the rest.
COL_WIDTHS = (6, 18, 40, 13, 15, 26, 22)
COL_CODE, COL_GROUP, COL_TITLE, COL_MAX, COL_SCORE, COL_NOTE, COL_EVIDENCE = range(7)
LAST_COL = len(HEADERS) - 1

TITLE_ROW, INFO_ROW, HEADER_ROW = 0, 1, 2
FIRST_ITEM_ROW = 3

FONT = "宋体"
FONT_CHARSET = 134  # GB2312: tells Excel/WPS the font is a Chinese one
LINE_PT = 14.25  # height of one line of 11 pt 宋体
ROW_PAD_PT = 4.0
PATH_SEP = "／"

_Cell = str | Decimal | None


@dataclass
class _Row:
    """One item row, ready to write. Texts are already escaped where user-supplied."""

    code: str
    group: str | None  # level-1 label; written only on the first row of a block
    title: str
    max_cell: _Cell
    score_cell: _Cell
    note: str
    evidence: str
    alert: bool = False  # a raised veto: shown in red


# ---------------------------------------------------------------------------
# Building the rows (pure)


def _as_input(row: ResultRow) -> ResultInput:
    return ResultInput(
        self_score=row.self_score,
        cases=row.cases,
        raised=row.raised,
        points=row.points,
        count=row.count,
        value=row.value,
        not_applicable=row.not_applicable,
        override=row.override,
    )


def _pts(d: Decimal) -> str:
    return format_points(d)


def _group_label(ind: Indicator) -> str:
    label = f"{ind.shown_code}、{ind.title}" if ind.code else ind.title
    if ind.declared_max is not None:
        label += f"（{_pts(ind.declared_max)}分）"
    return label


def _sub_label(ind: Indicator) -> str:
    code = ind.shown_code
    if not code:
        return ind.title
    if code.endswith(("）", ")", "、", ".", "．")):
        return code + ind.title
    return f"{code}、{ind.title}"


def _leaves(children: tuple[Indicator, ...], path: tuple[str, ...]):
    for child in children:
        if child.is_group:
            yield from _leaves(child.children, path + (_sub_label(child),))
        else:
            yield child, path


def _item_row(ind: Indicator, path: tuple[str, ...], row: ResultRow, group: str | None) -> _Row:
    title = PATH_SEP.join(path + (ind.title,))
    alert = False
    if ind.kind == SCORED:
        max_cell: _Cell = cells.max_cell(ind)
        score_cell: _Cell = cells.score_cell(
            ind,
            _as_input(row),
            escape_cell_text(row.na_reason),
            escape_cell_text(row.override_reason),
        )
    elif ind.kind in (BONUS, DEDUCTION):
        max_cell = cells.extra_rule_text(ind, _as_input(row))
        score_cell = cells.contribution_text(ind, _as_input(row))
    elif ind.kind == VETO:
        max_cell = "一票否决"
        if row.raised:
            alert = True
            score_cell = f"已触发：{escape_cell_text(row.reason)}" if row.reason else "已触发"
        else:
            score_cell = "未触发"
    else:  # an unknown kind: show what we have, invent nothing
        max_cell = ind.max_points
        score_cell = None
    evidence = "\n".join(escape_cell_text(name) for name in row.evidence)
    return _Row(
        code=ind.shown_code,
        group=group,
        title=title,
        max_cell=max_cell,
        score_cell=score_cell,
        note=escape_cell_text(row.note),
        evidence=evidence,
        alert=alert,
    )


def _build_blocks(
    indicators: tuple[Indicator, ...], results: Mapping[str, ResultRow]
) -> list[list[_Row]]:
    """Item rows grouped by level-1 group, in table order. A top-level item is its own block."""
    empty = ResultRow()
    blocks: list[list[_Row]] = []
    for top in indicators:
        if top.is_group:
            label = _group_label(top)
            block = [
                _item_row(ind, path, results.get(ind.code, empty), label)
                for ind, path in _leaves(top.children, ())
            ]
            if block:
                blocks.append(block)
        else:
            blocks.append([_item_row(top, (), results.get(top.code, empty), None)])
    return blocks


def _outcome_text(totals: Totals) -> str:
    if totals.disqualified:
        return f"存在一票否决情形（第{'、'.join(totals.vetoes)}项），本次自评不合格"
    return "无一票否决情形"


# ---------------------------------------------------------------------------
# Row heights. XlsxWriter cannot autofit, and Excel/WPS do not autofit merged or
# printed rows reliably, so estimate the wrapped line count from character widths.

_PX_PER_UNIT = 7  # Calibri 11 max digit width
_CJK_PX = 15  # 宋体 11 pt full-width character
_LATIN_PX = 8


def _text_px(line: str) -> int:
    return sum(_CJK_PX if unicodedata.east_asian_width(ch) in "WF" else _LATIN_PX for ch in line)


def _lines(text: str, width_units: float) -> int:
    avail = max(int(width_units * _PX_PER_UNIT) - 4, _CJK_PX)
    return sum(max(1, math.ceil(_text_px(part) / avail)) for part in text.split("\n"))


def _height(lines: int) -> float:
    return lines * LINE_PT + ROW_PAD_PT


def _cell_text(value: _Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_points(value)
    return value


def _row_lines(row: _Row, with_group: bool) -> int:
    cells: list[tuple[int, str]] = [
        (COL_CODE, row.code),
        (COL_TITLE, row.title),
        (COL_MAX, _cell_text(row.max_cell)),
        (COL_SCORE, _cell_text(row.score_cell)),
        (COL_NOTE, row.note),
        (COL_EVIDENCE, row.evidence),
    ]
    if with_group and row.group:
        cells.append((COL_GROUP, row.group))
    return max((_lines(text, COL_WIDTHS[col]) for col, text in cells if text), default=1)


# ---------------------------------------------------------------------------
# Writing


class _Formats:
    """All cell formats of the sheet, made once per workbook."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self._wb = wb
        base = {
            "font_name": FONT,
            "font_charset": FONT_CHARSET,
            "font_size": 11,
            "text_wrap": True,
            "valign": "vcenter",
            "border": 1,
        }
        self._base = base
        self.title = wb.add_format(
            {**base, "border": 0, "bold": True, "font_size": 16, "align": "center"}
        )
        self.info = wb.add_format({**base, "border": 0, "align": "left"})
        self.header = wb.add_format({**base, "bold": True, "align": "center"})
        self.center = wb.add_format({**base, "align": "center"})
        self.left = wb.add_format({**base, "align": "left"})
        self.alert = wb.add_format({**base, "align": "left", "font_color": "#C00000"})
        self.label = wb.add_format({**base, "bold": True, "align": "center"})
        self.outcome = wb.add_format({**base, "bold": True, "align": "left"})
        self.outcome_alert = wb.add_format(
            {**base, "bold": True, "align": "left", "font_color": "#C00000"}
        )
        self._numbers: dict[tuple[int, bool], Any] = {}

    def number(self, d: Decimal, bold: bool = False):
        """A centred number format showing exactly the decimals the value has: 5, 4.5, 4.25."""
        exp = d.normalize().as_tuple().exponent
        places = 0 if not isinstance(exp, int) or exp >= 0 else min(-exp, 10)
        key = (places, bold)
        fmt = self._numbers.get(key)
        if fmt is None:
            num_format = "0" if places == 0 else "0." + "0" * places
            fmt = self._wb.add_format(
                {**self._base, "align": "center", "num_format": num_format, "bold": bold}
            )
            self._numbers[key] = fmt
        return fmt


def _put(
    ws, fmts: _Formats, row: int, col: int, value: _Cell, text_fmt, bold: bool = False
) -> None:
    """Write a number as a number, a text as an (escaped) string, nothing as a bordered blank."""
    if value is None:
        ws.write_blank(row, col, None, text_fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmts.number(value, bold))
    else:
        _text(ws, row, col, value, text_fmt)


def _text(ws, row: int, col: int, text: str, fmt) -> None:
    """Write an escaped string, or a bordered blank for an empty text."""
    if text:
        ws.write_string(row, col, escape_cell_text(text), fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def _merged_text(
    ws, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt
) -> None:
    if first_row == last_row and first_col == last_col:
        ws.write_string(first_row, first_col, escape_cell_text(text), fmt)
        return
    ws.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    ws.write_string(first_row, first_col, escape_cell_text(text), fmt)


def write_scoring_xlsx(
    out: str | os.PathLike[str] | BinaryIO,
    *,
    title: str,
    zone_name: str,
    year: int,
    status_label: str,
    indicators: tuple[Indicator, ...],
    results: Mapping[str, ResultRow],
    totals: Totals,
    generated_on: date,
) -> None:
    """Write the filled-in 自查评分表 to `out` (a path or a binary file-like object)."""
    blocks = _build_blocks(tuple(indicators), results)
    info = (
        f"单位：{escape_cell_text(zone_name)}　年度：{year}　"
        f"状态：{escape_cell_text(status_label)}　导出日期：{generated_on.isoformat()}"
    )

    target = os.fspath(out) if isinstance(out, (str, os.PathLike)) else out
    wb = xlsxwriter.Workbook(
        target,
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": True,
        },
    )
    wb.set_properties(
        {
            "title": title,
            "subject": f"{zone_name} {year}年度",
            "created": datetime.combine(generated_on, time()),
        }
    )
    fmts = _Formats(wb)
    ws = wb.add_worksheet("自查评分表")

    # Page: A4 landscape, one page wide, header row on every page.
    ws.set_landscape()
    ws.set_paper(9)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.freeze_panes(FIRST_ITEM_ROW, 0)
    for col, width in enumerate(COL_WIDTHS):
        ws.set_column(col, col, width)

    full_width = sum(COL_WIDTHS)
    _merged_text(ws, TITLE_ROW, 0, TITLE_ROW, LAST_COL, title, fmts.title)
    ws.set_row(TITLE_ROW, max(30.0, _lines(title, full_width * 0.9) * 22.0))
    _merged_text(ws, INFO_ROW, 0, INFO_ROW, LAST_COL, info, fmts.info)
    ws.set_row(INFO_ROW, _height(_lines(info, full_width)))
    for col, text in enumerate(HEADERS):
        ws.write_string(HEADER_ROW, col, text, fmts.header)
    ws.set_row(HEADER_ROW, _height(1))

    r = FIRST_ITEM_ROW
    for block in blocks:
        first = r
        merged = len(block) > 1
        heights: list[float] = []
        for item in block:
            _text(ws, r, COL_CODE, item.code, fmts.center)
            _text(ws, r, COL_TITLE, item.title, fmts.left)
            _put(ws, fmts, r, COL_MAX, item.max_cell, fmts.center)
            _put(ws, fmts, r, COL_SCORE, item.score_cell, fmts.alert if item.alert else fmts.center)
            _text(ws, r, COL_NOTE, item.note, fmts.left)
            _text(ws, r, COL_EVIDENCE, item.evidence, fmts.left)
            heights.append(_height(_row_lines(item, with_group=not merged)))
            r += 1
        group = block[0].group
        if group is None:
            ws.write_blank(first, COL_GROUP, None, fmts.center)
        elif merged:
            _merged_text(ws, first, COL_GROUP, r - 1, COL_GROUP, group, fmts.center)
            # Make the merged cell tall enough for the group title.
            deficit = _height(_lines(group, COL_WIDTHS[COL_GROUP])) - sum(heights)
            if deficit > 0:
                heights = [h + deficit / len(heights) for h in heights]
        else:
            ws.write_string(first, COL_GROUP, escape_cell_text(group), fmts.center)
        for i, h in enumerate(heights):
            ws.set_row(first + i, h)
    last_item_row = r - 1
    if last_item_row >= FIRST_ITEM_ROW:
        ws.ignore_errors({"number_stored_as_text": f"A{FIRST_ITEM_ROW + 1}:A{last_item_row + 1}"})

    # Totals block.
    total_rows: list[tuple[str, Decimal | None, Decimal, str]] = [
        (
            "评分项合计",
            totals.scored_max,
            totals.scored,
            f"已自评{totals.items_done}/{totals.items_total}项",
        ),
        ("加分", None, totals.bonus, ""),
        ("扣分", None, totals.deduction, ""),
        ("最终得分", None, totals.final, "最终得分＝评分项合计＋加分－扣分"),
    ]
    if totals.not_applicable:
        total_rows.append(
            (
                "折算得分",
                totals.applicable_max,
                totals.scaled,
                f"第{'、'.join(totals.not_applicable)}项不适用；"
                "折算得分＝最终得分×评分项分值合计÷适用项分值合计",
            )
        )
    for label, max_value, score, remark in total_rows:
        bold = label == "最终得分"
        _merged_text(ws, r, COL_CODE, r, COL_TITLE, label, fmts.label)
        _put(ws, fmts, r, COL_MAX, max_value, fmts.center)
        _put(ws, fmts, r, COL_SCORE, score, fmts.center, bold=bold)
        _text(ws, r, COL_NOTE, remark, fmts.left)
        ws.write_blank(r, COL_EVIDENCE, None, fmts.left)
        ws.set_row(r, _height(_lines(remark, COL_WIDTHS[COL_NOTE]) if remark else 1))
        r += 1

    outcome = _outcome_text(totals)
    _merged_text(
        ws, r, 0, r, LAST_COL, outcome, fmts.outcome_alert if totals.disqualified else fmts.outcome
    )
    ws.set_row(r, _height(1))
    r += 1
    if totals.unset:
        unset = f"以下附加项分值未设定，未计分：{'、'.join(totals.unset)}"
        _merged_text(ws, r, 0, r, LAST_COL, unset, fmts.outcome)
        ws.set_row(r, _height(_lines(unset, full_width)))
        r += 1

    ws.print_area(0, 0, r - 1, LAST_COL)
    wb.close()
