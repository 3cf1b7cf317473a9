"""The enforcement case register as .xlsx: the register's filters applied, all rows (not one
page), in scope only, no personal data of the parties, text never read as a formula, audited;
a bad filter sends the user back to the register with the reason."""

from __future__ import annotations

import io
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fazhi.audit.models import AuditEntry
from tests.enforcement_fixtures import decided_case, open_clue


def sheet(response):
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_the_export_applies_the_filters(officers, enf, login):
    office = enf["office"]
    decided = decided_case(office, officers)
    open_clue(office, "2025-03-06", subject='=HYPERLINK("x")')
    c = login("office")
    rows = sheet(c.get("/enforcement/export.xlsx"))
    assert rows[0][0] == "资阳高新区行政执法案件台账（截至 2025-12-31）"
    assert rows[1][:5] == ["案号", "案由", "线索来源", "承办部门", "状态"]
    body = rows[2:]
    assert len(body) == 2
    assert body[0][1] == '\'=HYPERLINK("x")'  # newest first; never a formula
    assert body[1][0] == decided.number and body[1][4] == "已决定"
    assert body[1][8] == "资高科罚〔2025〕1号"
    assert not any("王小明" in str(v) for row in rows for v in row)  # no personal data
    rows = sheet(c.get("/enforcement/export.xlsx?state=decided"))
    assert [r[0] for r in rows[2:]] == [decided.number]
    rows = sheet(c.get("/enforcement/export.xlsx?q=HYPERLINK&state=open"))
    assert len(rows) == 3 and rows[2][4] == "线索待核查"
    entry = AuditEntry.objects.filter(action="enforcement.export").latest("id")
    after = json.loads(entry.after)
    assert after == {"filter": {"state": "open", "q": "HYPERLINK"}, "rows": 1}


def test_the_register_page_links_the_export_with_its_filters(officers, enf, login):
    html = login("office").get("/enforcement/?state=open&q=虚报").content.decode()
    assert "/enforcement/export.xlsx?state=open&amp;q=%E8%99%9A%E6%8A%A5" in html


def test_a_bad_filter_goes_back_to_the_register_with_the_reason(officers, enf, login):
    c = login("office")
    r = c.get("/enforcement/export.xlsx?overdue=maybe")
    assert r.status_code == 302 and r["Location"] == "/enforcement/"
    assert "是否逾期只能选" in c.get(r["Location"]).content.decode()
    assert c.get("/enforcement/export.xlsx?state=nope").status_code == 302
    assert not AuditEntry.objects.filter(action="enforcement.export").exists()


def test_only_the_cases_in_scope(officers, enf, login):
    decided_case(enf["office"], officers)
    assert len(sheet(login("kjj").get("/enforcement/export.xlsx"))) == 3  # its own department
    rows = sheet(login("office2").get("/enforcement/export.xlsx"))
    assert rows[0][0].startswith("成都高新区") and rows[2:] == []
    assert login("admin").get("/enforcement/export.xlsx").status_code in (403, 302)


def test_the_export_reads_in_constant_queries(officers, enf, login):
    c = login("office")
    open_clue(enf["office"], "2025-03-06")
    c.get("/enforcement/export.xlsx")  # the first request of a session does more
    with CaptureQueriesContext(connection) as few:
        c.get("/enforcement/export.xlsx")
    for day in range(7, 17):
        open_clue(enf["office"], f"2025-03-{day:02d}")
    with CaptureQueriesContext(connection) as many:
        rows = sheet(c.get("/enforcement/export.xlsx"))
    assert len(rows) == 2 + 11
    assert len(many) == len(few)
