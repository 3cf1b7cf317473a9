"""Spreadsheet exports as printed: A4, title rows repeated, page numbers, one font (宋体), the
zone's name in the title, lights in colour, an extension shown with the date it replaced."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from fazhi.reports.xlsx import due_label
from fazhi.workplan.progress import decide_extension, request_extension
from tests.test_home import zone  # noqa: F401  (the fixture)
from tests.test_workplan import assign

pytestmark = pytest.mark.django_db


def test_due_label():
    assert due_label(date(2025, 12, 25), date(2025, 12, 3)) == "12-25（原 12-03）"
    assert due_label(date(2026, 1, 10), date(2025, 12, 3)) == "2026-01-10（原 12-03）"
    assert due_label(date(2025, 12, 3), date(2025, 12, 3)) == "2025-12-03"
    assert due_label(date(2025, 12, 3), None) == "2025-12-03" and due_label(None, None) == ""


def fonts(ws) -> set[str]:
    return {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}


def assert_printable(ws, title_rows: str):
    assert ws.print_title_rows == title_rows
    assert ws.page_setup.paperSize == 9 and ws.page_setup.fitToHeight == 0  # one page wide
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert fonts(ws) == {"宋体"}


def test_schedule_export_layout(zone, users, login, monkeypatch):  # noqa: F811
    monkeypatch.setattr("fazhi.workplan.views.common.today", lambda: date(2025, 11, 3))
    t = assign(zone, users, "三.1", start="2025-10-01", due="2025-12-03")
    ext = request_extension(
        users["kjj"], t.pk, {"new_due": "2025-12-25", "reason": "待审查"}, today=date(2025, 11, 3)
    )
    decide_extension(users["office"], ext.pk, True, today=date(2025, 11, 3))
    r = login("office").get(f"/plans/{zone.pk}/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value == "资阳高新区2025年度任务倒排表"
    assert_printable(ws, "$1:$3")
    assert ws.page_setup.orientation == "landscape"
    rows = {row[1].value.split(" ")[0]: row for row in ws.iter_rows(min_row=4)}
    assert rows["三.1"][6].value == "12-25（原 12-03）"
    red = rows["一.1"][8]
    assert red.value.startswith("红灯") and red.fill.fgColor.rgb.endswith("F4CCCC")
    assert rows["一.3"][8].fill.fgColor.rgb.endswith("D9EAD3")  # green


def test_register_export_layout(zone, login):  # noqa: F811
    r = login("office").get("/registers/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws["A1"].value.startswith("资阳高新区台账（截至 ")
    assert_printable(ws, "$1:$2")
    r = login("city").get("/registers/export.xlsx?zone=cd-gxq")  # another city's zone: not named
    assert (
        load_workbook(io.BytesIO(r.content)).active["A1"].value.startswith("资阳市科学技术局台账")
    )
