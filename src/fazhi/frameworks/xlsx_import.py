"""A scoring table laid out as the paper (序号 | 一级指标 | 二级指标 | 分值) read into the
YAML format, for `fazhi framework import-xlsx`. No Django.

What the sheet gives is kept, nothing is invented: a 分值 in words that is not one of
the forms below is reported with its cell address, never guessed into a number. Rules
inside items (`rule:`) are not read from words; the office writes them by hand, and
the import says which cells carry such words. A table exported by Fazhi reads back to
the same structure (codes, titles, kinds, maxima, groups).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zipfile import BadZipFile

import yaml

HEADERS = ("序号", "一级指标", "二级指标", "分值")
HEADER_SEARCH_ROWS = 10
PATH_SEP = "／"  # how the export writes deeper groups before an item's title
EXTRAS_GROUP = "附加项"
TOTAL_LABELS = ("合计", "评分项合计", "总分", "加分", "扣分", "最终得分", "折算得分")

_NUM = r"(\d+(?:\.\d+)?)"
_LEADING = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*分?\s*(.*)$", re.S)
_GROUP = re.compile(
    rf"^(?P<code>[^、（(]{{1,12}})、(?P<title>.+?)(?:[（(]{_NUM}\s*分[）)])?$", re.S
)
_SUB = re.compile(r"^(?P<code>[（(][^）)]{1,8}[）)])(?P<title>.+)$", re.S)
_PER_CASE = re.compile(rf"每[起项次例件](加|扣){_NUM}分")
_FIXED = re.compile(rf"^(加|扣){_NUM}分")
_CAP = re.compile(rf"最高{_NUM}分")
_UNSET = ("——", "—", "--", "-", "分值未设定")


class NotAScoringTable(Exception):
    """The workbook cannot be read as a scoring table; `errors` are `PATH:CELL: message`."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class _Node:
    code: str
    title: str
    kind: str = "group"
    values: dict = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)
    label: str = ""

    def as_yaml(self) -> dict:
        out: dict = {"code": self.code}
        if self.label:
            out["label"] = self.label
        out["title"] = self.title
        if self.kind != "group":
            out["kind"] = self.kind
        out.update({k: _yaml_number(v) for k, v in self.values.items()})
        if self.children:
            out["children"] = [c.as_yaml() for c in self.children]
        return out


def _yaml_number(v):
    if v is None or not isinstance(v, Decimal):
        return v
    return int(v) if v == v.to_integral_value() else float(v)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        return None


class _Reader:
    def __init__(self, path: str, ws):
        self.path, self.ws = path, ws
        self.errors: list[str] = []
        self.warnings: list[str] = []
        self.codes: dict[str, int] = {}
        # a merged cell's value, seen from every cell it covers (the paper merges 一级指标)
        self.merged: dict[tuple[int, int], object] = {}
        for rng in ws.merged_cells.ranges:
            top = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    self.merged[(r, c)] = top

    def at(self, row: int, col: int) -> str:
        from openpyxl.utils import get_column_letter

        return f"{self.path}:{get_column_letter(col)}{row}"

    def value(self, row: int, col: int):
        return self.merged.get((row, col), self.ws.cell(row, col).value)

    def header(self) -> tuple[int, dict[str, int]]:
        for row in range(1, min(HEADER_SEARCH_ROWS, self.ws.max_row) + 1):
            cols = {_text(self.ws.cell(row, c).value): c for c in range(1, self.ws.max_column + 1)}
            if all(h in cols for h in HEADERS):
                return row, {h: cols[h] for h in HEADERS}
        first = _text(self.ws.cell(1, 1).value)
        raise NotAScoringTable(
            [
                f"{self.at(1, 1)}: 不是评分表：前 {HEADER_SEARCH_ROWS} 行没有表头"
                f"“{' | '.join(HEADERS)}”（A1 为“{first[:20]}”）"
            ]
        )

    def unique(self, code: str, row: int) -> tuple[str, str]:
        """(code, label): a repeated printed number keeps its label, the code gets a suffix."""
        if code not in self.codes:
            self.codes[code] = row
            return code, ""
        n = 2
        while f"{code}-{n}" in self.codes:
            n += 1
        self.codes[f"{code}-{n}"] = row
        return f"{code}-{n}", code


def _split_label(text: str, pattern) -> tuple[str, str, Decimal | None]:
    """(code, title, declared maximum) of a group label such as "一、组织领导（25分）"."""
    m = pattern.match(text)
    if not m:
        return "", text, None
    rest = m.groups()[2:]
    return (
        m.group("code").strip(),
        m.group("title").strip(),
        _number(rest[0]) if rest and rest[0] else None,
    )


def read_table(path: str | Path, code: str, title: str) -> tuple[dict, list[str]]:
    """The table as the YAML structure and the warnings; raises NotAScoringTable."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    name = str(path)
    try:
        wb = load_workbook(path, read_only=False, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise NotAScoringTable(
            [f"{name}: 无法读取（不是 xlsx 文件：{type(exc).__name__}）"]
        ) from None
    reader = _Reader(name, wb.worksheets[0])
    header_row, col = reader.header()
    top: list[_Node] = []
    groups: dict[str, _Node] = {}
    declared_total = None
    for row in range(header_row + 1, reader.ws.max_row + 1):
        number = _text(reader.value(row, col["序号"]))
        group_text = _text(reader.value(row, col["一级指标"]))
        item_text = _text(reader.ws.cell(row, col["二级指标"]).value)
        points = reader.ws.cell(row, col["分值"]).value
        if not (number or item_text or _text(points)):
            continue
        if number in TOTAL_LABELS or (not item_text and number.startswith("合计")):
            if number in ("合计", "评分项合计", "总分"):
                declared_total = _number(points)
            break  # the totals block ends the items
        if not item_text:
            reader.errors.append(f"{reader.at(row, col['二级指标'])}: 指标内容为空")
            continue
        parent_list = top
        extras = False
        if group_text:
            group = groups.get(group_text)
            if group is None:
                g_code, g_title, g_max = _split_label(group_text, _GROUP)
                g_code = g_code or f"G{len(groups) + 1}"
                group = _Node(reader.unique(g_code, row)[0], g_title)
                if g_max is not None:
                    group.values["declared_max"] = g_max
                groups[group_text] = group
                top.append(group)
            parent_list, extras = group.children, EXTRAS_GROUP in group.title
        *path_parts, item_title = item_text.split(PATH_SEP)
        for part in path_parts:
            sub = next(
                (c for c in parent_list if c.kind == "group" and c.title == _sub_title(part)), None
            )
            if sub is None:
                s_code, s_title, _ = _split_label(part, _SUB)
                if not s_code:
                    s_code, s_title, _ = _split_label(part, _GROUP)
                sub = _Node(reader.unique(s_code or f"S{row}", row)[0], s_title)
                parent_list.append(sub)
            parent_list = sub.children
        item_code, label = reader.unique(number or f"R{row}", row)
        item = _Node(item_code, item_title, label=label)
        _kind_and_points(reader, item, points, row, col["分值"], extras)
        if item.kind:
            parent_list.append(item)
    if reader.errors:
        raise NotAScoringTable(reader.errors)
    if not groups and not top:
        raise NotAScoringTable([f"{reader.at(header_row + 1, 1)}: 表头下没有指标行"])
    doc: dict = {"code": code, "title": title, "version": 1}
    if declared_total is not None:
        doc["declared_total"] = _yaml_number(declared_total)
    doc["indicators"] = [n.as_yaml() for n in top]
    return doc, reader.warnings


def _sub_title(part: str) -> str:
    code, title, _ = _split_label(part, _SUB)
    if not code:
        code, title, _ = _split_label(part, _GROUP)
    return title


def _kind_and_points(reader: _Reader, item: _Node, raw, row: int, col: int, extras: bool) -> None:
    """Set the item's kind and points from its 分值 cell, or report the cell."""
    where = reader.at(row, col)
    text = _text(raw)
    number = _number(raw) if not isinstance(raw, str) else None
    lead = _LEADING.match(text) if number is None else None
    if number is not None or (lead and not extras):
        item.kind = "scored"
        item.values["max_points"] = number if number is not None else Decimal(lead.group(1))
        if lead and lead.group(2):
            reader.warnings.append(
                f"{where}: 分值含文字“{lead.group(2)[:30]}”，只读入分值；计分规则请手工补写 rule"
            )
        return
    if "否决" in text or "否决" in item.title:
        item.kind = "veto"
        return
    verb_case, fixed, cap = _PER_CASE.search(text), _FIXED.search(text), _CAP.search(text)
    if verb_case or fixed:
        verb, amount = (verb_case or fixed).groups()
        item.kind = "bonus" if verb == "加" else "deduction"
        key = "points_per_case" if verb_case else "points"
        item.values[key] = Decimal(amount)
        if "创建办设定" in text:
            item.values[key] = None
        if cap:
            item.values["cap"] = Decimal(cap.group(1))
        return
    if extras and (not text or any(u in text for u in _UNSET)):
        item.kind = "deduction" if text.startswith("扣") else "bonus"
        item.values["points"] = None
        reader.warnings.append(
            f"{where}: 分值未规定（“{text or '空'}”），按附加项导入为 {item.kind}（points: null），请核对"
        )
        return
    item.kind = ""
    reader.errors.append(
        f"{where}: 分值“{text[:30] or '空'}”不是数字"
        + ("" if extras else "（评分项的分值须为数字；附加项请放在“附加项”组中）")
    )


def to_yaml(doc: dict) -> str:
    head = "# Imported by `fazhi framework import-xlsx`; add rules (rule:, min_points, optional) by hand.\n"
    return head + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
