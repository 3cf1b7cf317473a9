"""Home pages per role (待办), the leader's dashboard and search."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.assessments.services import add_evidence
from fazhi.registers.events import record_event
from fazhi.registers.models import Case
from fazhi.registers.rules import load_shipped
from fazhi.registers.services import register_case
from fazhi.workplan.notices import issue_notice, reply_notice
from fazhi.workplan.progress import report_progress, request_extension
from tests.test_api_assessments import fill_all, url
from tests.test_workplan import assign

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 11, 3)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def zone(plan, users, settings, assessment):
    """资阳高新区 on 3 November 2025: tasks in every light, an extension asked, a 督办单 issued
    and another replied, cases assigned and not, a self-assessment with evidence on item 1."""
    settings.FAZHI_TODAY = TODAY
    load_shipped(ROOT / "rules")
    assign(plan, users, "一.1", start="2025-09-01", due="2025-10-31")  # red
    assign(plan, users, "一.2", start="2025-09-01", due="2025-11-05")  # yellow
    assign(plan, users, "一.3", start="2025-10-20", due="2026-03-31", lead="zy-gxq-sfj")  # green
    # yellow: behind the elapsed share of time
    t4 = assign(plan, users, "二.1", start="2025-09-01", due="2025-12-31", responsible="王五")
    request_extension(
        users["kjj"], t4.pk, {"new_due": "2026-01-30", "reason": "等待审查"}, today=TODAY
    )
    issue_notice(
        users["office"],
        plan.pk,
        {"to_org": "zy-gxq-kjj", "task": "一.1", "text": "请加快推进", "reply_due": "2025-11-10"},
        today=TODAY,
    )
    n2 = issue_notice(
        users["office"],
        plan.pk,
        {"to_org": "zy-gxq-kjj", "task": "一.2", "text": "请报送进展", "reply_due": "2025-11-10"},
        today=TODAY,
    )
    reply_notice(users["kjj"], n2.pk, "已报送", today=TODAY)
    add_case(users, assigned=True)
    add_case(users, assigned=False, phone="13900001111", name="李四")
    add_evidence(
        users["office"],
        assessment.pk,
        "1",
        SimpleUploadedFile("制度文件.pdf", PDF, content_type="application/pdf"),
    )
    return plan


def add_case(users, *, assigned: bool, phone="13800138000", name="张三丰", received="2025-10-09"):
    case, _ = register_case(
        users["office"],
        {
            "kind": "disclosure",
            "zone": "zy-gxq",
            "channel": "post",
            "received_on": received,
            "name": name,
            "phone": phone,
            "subject": "科技项目资金安排",
            "content": "请提供年度科技项目资金安排文件",
        },
        today=TODAY,
    )
    if assigned:
        record_event(
            users["office"],
            case.pk,
            {"kind": "assigned", "on": received, "department": "zy-gxq-kjj"},
            today=TODAY,
        )
    return case


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_department_home_lists_what_waits(zone, login):
    page = text_of(login("kjj").get("/"))
    assert "本部门牵头的任务（3 项未办结）" in page
    assert page.index("一.1") < page.index("一.2") < page.index("二.1")  # red, yellow, green
    assert "红灯" in page and "黄灯" in page
    assert "待回复的督办单（1 份）" in page and "请加快推进" in page
    assert "交办本部门、尚未办结的案件（1 件）" in page
    assert "自查自评" not in page  # a department has no self-assessment of its own


def test_office_home_lists_what_waits(zone, login):
    page = text_of(login("office").get("/"))
    assert "待审批的延期申请（1 份）" in page and "2026-01-30" in page
    assert "已回复、待办结的督办单（1 份）" in page and "资高新督〔2025〕2号" in page
    assert "未交办的在办案件（1 件）" in page
    m = re.search(r"尚无佐证材料的评分项（2025 年度，(\d+) 项）", page)
    assert m and int(m.group(1)) > 0 and '#item-1"' not in page  # item 1 has its evidence
    assert "自查自评" in page


def test_city_home_queues_its_zones(zone, users, api, login, assessment):
    fill_all(api("office"), assessment)
    api("office").post(url(assessment) + "/submit")
    page = text_of(login("city").get("/"))
    assert "待审核的自评（1 份）" in page and "资阳高新区 2025 年度自评" in page
    row = re.search(r"<th scope=\"row\">资阳高新区</th>(.*?)</tr>", page).group(1)
    assert re.findall(r'class="n[^"]*">(\d+)<', row) == ["1", "0"]  # one task past due
    assert "成都高新区" not in page
    assert "待审核的自评（0 份）" in text_of(login("city2").get("/"))


def test_leader_home_is_the_dashboard(zone, login):
    r = login("leader").get("/")
    page = text_of(r)
    assert "领导驾驶舱 · 资阳高新区" in page
    data = json.loads(
        re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', page).group(1)
    )
    assert data["groups"]["labels"][0].startswith("一、")
    assert (
        len(data["groups"]["scored"]) == len(data["groups"]["max"]) == len(data["groups"]["labels"])
    )
    lights = {s["key"]: s["data"] for s in data["lights"]["series"]}
    deps = data["lights"]["departments"]
    assert deps[0] == "科技经济局" and lights["red"][0] == 1 and lights["yellow"][0] == 2
    assert lights["green"][deps.index("司法分局")] == 1
    # the overdue task with its owner; the register's figures; the trend
    assert re.search(r"逾期任务（1 项）.*?一.1.*?科技经济局", page)
    assert re.search(r"依申请公开</th><td class=\"n\">2</td><td class=\"n\">2</td>", page)
    assert data["trend"]["years"] == ["2025"] and data["trend"]["cases"] == [2]
    # no inline script: only the JSON block and served files
    for tag in re.findall(r"<script[^>]*>", page):
        assert 'type="application/json"' in tag or "src=" in tag


def test_dashboard_trend_counts_the_cases_of_past_years(zone, users, login):
    # (PostgreSQL counts the past years in one statement, SQLite one by one: run on both.)
    # (The register takes no case older than last year: older ones are moved there as kept.)
    for day in ("2019-12-31", "2023-01-01", "2024-12-31", "2024-06-03"):  # 2019: not shown
        case = add_case(users, assigned=False, received="2025-10-09")
        Case.objects.filter(pk=case.pk).update(received_on=date.fromisoformat(day))
    page = text_of(login("leader").get("/"))
    data = json.loads(
        re.search(r'id="dashboard-data" type="application/json">(.*?)</script>', page).group(1)
    )
    assert data["trend"]["years"] == ["2023", "2024", "2025"]
    assert data["trend"]["cases"] == [1, 2, 2]


def test_dashboard_for_a_city_asks_for_the_zone_when_it_has_several(zone, orgs, login):
    from fazhi.orgs.services import add_org

    add_org("zy-aj", "安岳经开区", "zone", "sc-zy")
    page = text_of(login("city").get("/dashboard/"))
    assert "请选择园区" in page and "?zone=zy-aj" in page
    assert "资阳高新区" in text_of(login("city").get("/dashboard/?zone=zy-gxq"))
    assert login("city").get("/dashboard/?zone=cd-gxq").status_code == 404
    assert login("kjj").get("/dashboard/").status_code == 403


def _queries(client, path) -> int:
    client.get(path)  # warm the per-process caches (scoring table, holiday calendar)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_home_pages_and_dashboard_queries_do_not_grow_with_data(zone, users, login, assessment):
    from fazhi.assessments.services import create_assessment

    pages = [
        ("kjj", "/"),
        ("office", "/"),
        ("city", "/"),
        ("leader", "/"),
        ("office", "/dashboard/"),
        ("city", "/dashboard/?zone=zy-gxq"),
    ]
    clients = {u: login(u) for u in {u for u, _ in pages}}
    before = {(u, p): _queries(clients[u], p) for u, p in pages}
    # more of everything: tasks in every state, reports, notices, cases, another year
    for number in ("二.2", "三.1", "三.2", "四.1", "四.2"):
        t = assign(zone, users, number, start="2025-09-01", due="2025-10-20")
        report_progress(users["kjj"], t.pk, {"percent": 30, "text": "推进中"}, today=TODAY)
    for i in range(4):
        issue_notice(
            users["office"],
            zone.pk,
            {"to_org": "zy-gxq-sfj", "text": f"督办 {i}", "reply_due": "2025-11-20"},
            today=TODAY,
        )
        add_case(users, assigned=bool(i % 2), received=f"2025-10-1{i}")
    add_case(users, assigned=True, received="2024-06-03")
    create_assessment(users["office"], "zy-gxq", assessment.framework.code, None, 2024)
    after = {(u, p): _queries(clients[u], p) for u, p in pages}
    assert after == before


def test_search_across_kinds(zone, login):
    page = text_of(login("office").get("/search/?q=推进"))
    assert "督办单（1）" in page and "请加快推进" in page
    page = text_of(login("office").get("/search/?q=制度文件"))
    assert "佐证材料（1）" in page and "#item-1" in page
    page = text_of(login("office").get("/search/?q=资金安排"))
    assert "台账案件（2）" in page
    page = text_of(login("office").get("/search/?department=zy-gxq-sfj"))
    assert "任务（1）" in page and "台账案件（0）" in page and "不按部门筛选" in page
    page = text_of(login("office").get("/search/?q=资金安排&start=2025-10-10&end=2025-12-31"))
    assert "台账案件（0）" in page
    # another zone's office finds nothing of this one
    page = text_of(login("office2").get("/search/?q=资金安排"))
    assert "台账案件（0）" in page and "督办单（0）" in page


def test_search_by_person_uses_the_blind_index_only(zone, login):
    office = login("office")
    page = text_of(office.get("/search/?person=139 0000 1111"))
    assert "台账案件（1）" in page and "任务（0）" in page
    assert "台账案件（0）" in text_of(office.get("/search/?person=1390000"))  # never partial
    assert "台账案件（1）" in text_of(office.get("/search/?person=李四"))
    assert "台账案件（0）" in text_of(office.get("/search/?person=李"))
    # the department finds only the cases it handles
    assert "台账案件（0）" in text_of(login("kjj").get("/search/?person=李四"))
    assert "台账案件（1）" in text_of(login("kjj").get("/search/?person=张三丰"))
    # those who may not see contact details may not search by them
    r = login("leader").get("/search/?person=李四")
    assert r.status_code == 422 and "只有创建办和承办部门" in r.content.decode()
    assert 'name="person"' not in r.content.decode()


def test_search_reports_every_error_at_once(zone, login):
    r = login("office").get(
        "/search/?q=" + "长" * 51 + "&start=2025-13-01&end=2025-01-01&department=nope"
    )
    page = text_of(r)
    assert r.status_code == 422 and "请修改下面标出的 3 处" in page
    assert "关键词最多 50 个字，现有 51 个字" in page
    assert "开始日期格式应为 YYYY-MM-DD" in page and "请从列表中选择部门" in page
    assert 'value="' + "长" * 51 + '"' in page  # what was typed comes back
    r = login("office").get("/search/?q=&start=2025-10-02&end=2025-10-01")
    assert "结束日期不能早于开始日期 2025-10-02" in text_of(r)
    r = login("office").get("/search/?q=")
    assert "请输入关键词，或选择部门、日期范围" in text_of(r)
