"""Staff register pages: who sees what (404 outside scope, 403 without the duty), the case
page's steps with the backend's refusals, files, the figures button, and a query count that
does not grow with the number of cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.registers.events import record_event
from fazhi.registers.models import Case
from fazhi.registers.rules import load_shipped
from fazhi.registers.services import register_case

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2025, 3, 10)


@pytest.fixture
def reg(workcalendar, users, settings):
    settings.FAZHI_TODAY = TODAY
    load_shipped(ROOT / "rules")
    return users


def new_case(users, kind="disclosure", received="2025-03-03", subject="2024年科技项目资金安排"):
    data = {
        "kind": kind,
        "zone": "zy-gxq",
        "channel": "post",
        "received_on": received,
        "name": "张三丰",
        "phone": "13800138000",
        "email": "zhang@example.com",
        "subject": subject,
        "content": "请提供文件",
    }
    return register_case(users["office"], data, today=TODAY)[0]


def test_register_for_business_roles_only(reg, login):
    case = new_case(reg)
    for who in ("office", "leader", "city"):
        r = login(who).get("/registers/")
        assert r.status_code == 200, who
        assert case.tracking_no in r.content.decode(), who
    kjj = login("kjj").get("/registers/")
    assert (
        kjj.status_code == 200 and case.tracking_no not in kjj.content.decode()
    )  # not assigned to kjj
    other = login("office2").get("/registers/")
    assert other.status_code == 200 and case.tracking_no not in other.content.decode()
    assert login("admin").get("/registers/").status_code in (302, 403)


def test_case_page_scope_and_duty(reg, login):
    case = new_case(reg)
    url = f"/registers/cases/{case.pk}/"
    assert login("office2").get(url).status_code == 404  # another zone: not revealed
    assert login("kjj").get(url).status_code == 404  # not assigned to kjj
    leader = login("leader").get(url)
    assert leader.status_code == 200
    html = leader.content.decode()
    assert "13800138000" not in html and "张三丰" not in html  # masked for the leader
    assert 'action="/registers/cases/' not in html  # no steps for a read-only role
    r = login("leader").post(f"{url}events/", {"kind": "accepted"})
    assert r.status_code == 403
    office = login("office").get(url).content.decode()
    assert "13800138000" in office and "受理" in office


def test_office_accepts_and_replies_from_case_page(reg, login):
    case = new_case(reg)
    office = login("office")
    url = f"/registers/cases/{case.pk}/"
    refused = office.post(
        f"{url}events/",
        {"kind": "replied", "version": case.version, "reply_type": "disclosed", "text": "见附件"},
    )
    assert refused.status_code == 422
    assert "尚未受理，不能答复" in refused.content.decode()
    r = office.post(
        f"{url}events/", {"kind": "accepted", "version": case.version, "on": "2025-03-04"}
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "accepted"
    missing = office.post(
        f"{url}events/",
        {"kind": "replied", "version": case.version, "reply_type": "withheld", "text": "不予公开"},
    )
    html = missing.content.decode()
    assert (
        missing.status_code == 422 and 'id="ev-replied-ground-error"' in html and "不予公开" in html
    )
    r = office.post(
        f"{url}events/",
        {
            "kind": "replied",
            "version": case.version,
            "reply_type": "disclosed",
            "text": "现将文件提供给您",
            "publish": "1",
            "on": "2025-03-10",
        },
    )
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "replied" and case.reply_public and case.letter_id
    page = office.get(url).content.decode()
    assert "现将文件提供给您" in page and "letter.docx" in page
    letter = office.get(f"{url}letter.docx")
    assert letter.status_code == 200 and letter.content[:2] == b"PK"
    assert login("leader").get(f"{url}letter.docx").status_code == 403


def test_extend_with_reason_and_stale_version(reg, login):
    case = new_case(reg)
    record_event(reg["office"], case.pk, {"kind": "accepted", "on": "2025-03-04"}, today=TODAY)
    office = login("office")
    url = f"/registers/cases/{case.pk}/events/"
    no_reason = office.post(url, {"kind": "extended", "version": case.version + 1, "days": "10"})
    assert (
        no_reason.status_code == 422
        and 'id="ev-extended-reason-error"' in no_reason.content.decode()
    )
    stale = office.post(
        url, {"kind": "extended", "version": case.version, "days": "10", "reason": "需要调取档案"}
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


def test_filters_export_and_overdue_mark(reg, login):
    late = new_case(reg, received="2025-01-06", subject="逾期案件")
    fresh = new_case(reg, subject="新案件")
    office = login("office")
    html = office.get("/registers/?overdue=1").content.decode()
    assert late.tracking_no in html and fresh.tracking_no not in html
    assert 'class="overdue"' in html and "已逾期" in html
    assert (
        fresh.tracking_no in office.get(f"/registers/?q={fresh.tracking_no[-6:]}").content.decode()
    )
    assert late.tracking_no in office.get("/registers/?q=13800138000").content.decode()
    bad = office.get("/registers/?due_within=abc")
    assert bad.status_code == 422 and 'id="r-due-within-error"' in bad.content.decode()
    x = office.get("/registers/export.xlsx?kind=disclosure")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    report = office.get("/registers/annual-report.xlsx?year=2025")
    assert report.status_code == 200 and report.content[:2] == b"PK"
    assert login("kjj").get("/registers/annual-report.xlsx?year=2025").status_code == 403


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_query_count_does_not_grow(reg, login):
    office = login("office")
    office.get("/registers/")  # the first request of a session does its own bookkeeping
    for i in range(3):
        c = new_case(reg, subject=f"案件{i}")
        record_event(
            reg["office"],
            c.pk,
            {"kind": "assigned", "department": "zy-gxq-kjj", "on": "2025-03-04"},
            today=TODAY,
        )
    few = queries(office, "/registers/")
    for i in range(27):
        c = new_case(reg, subject=f"更多{i}")
        record_event(
            reg["office"],
            c.pk,
            {"kind": "assigned", "department": "zy-gxq-kjj", "on": "2025-03-04"},
            today=TODAY,
        )
    assert Case.objects.count() == 30
    assert queries(office, "/registers/") == few


def test_figures_button_attaches_evidence(reg, login, assessment):
    new_case(reg)
    office = login("office")
    url = f"/assessments/{assessment.pk}/results/8/sources/disclosure/"
    r = office.post(url)
    assert r.status_code == 302 and r["Location"] == f"/assessments/{assessment.pk}/#item-8"
    from fazhi.assessments.models import Evidence

    assert Evidence.objects.filter(name__contains="台账统计（依申请公开）").exists()
    assert login("leader").post(url).status_code == 403
    assert login("office2").post(url).status_code == 404
    # a source only backs its own items
    other = f"/assessments/{assessment.pk}/results/17/sources/disclosure/"
    assert office.post(other).status_code == 404


def test_figures_box_renders(reg, login, assessment):
    new_case(reg)
    html = login("office").get(f"/assessments/{assessment.pk}/").content.decode()
    box = html[html.index('id="source-8-disclosure"') :]
    box = box[: box.index("</div>")]
    assert (
        "依申请公开台账" in box and "收到件数" in box and "生成依申请公开统计并作为佐证材料" in box
    )
    assert 'id="source-11-complaints"' in html and 'id="source-17-' not in html
    leader = login("leader").get(f"/assessments/{assessment.pk}/").content.decode()
    assert 'id="source-8-disclosure"' in leader and "作为佐证材料</button>" not in leader


def test_case_page_through_every_state(reg, login):
    """Every state's page renders with its step forms, for the office and the department."""
    office, kjj = login("office"), login("kjj")
    d = new_case(reg)
    c = new_case(reg, kind="complaint", subject="投诉事项")
    steps = [
        (
            d,
            {
                "kind": "correction_requested",
                "text": "请写明文件名称",
                "correction_due": "2025-03-20",
                "on": "2025-03-04",
            },
        ),
        (d, {"kind": "corrected", "on": "2025-03-05"}),
        (d, {"kind": "accepted", "on": "2025-03-05"}),
        (d, {"kind": "assigned", "department": "zy-gxq-kjj", "on": "2025-03-05"}),
        (d, {"kind": "consultation_started", "third_party": "某公司", "on": "2025-03-06"}),
        (d, {"kind": "consultation_ended", "on": "2025-03-07"}),
        (d, {"kind": "extended", "days": "10", "reason": "需要调取档案", "on": "2025-03-07"}),
        (
            d,
            {
                "kind": "replied",
                "reply_type": "withheld",
                "ground": "state_secret",
                "text": "不予公开",
                "on": "2025-03-10",
            },
        ),
        (d, {"kind": "closed", "on": "2025-03-10"}),
        (c, {"kind": "accepted", "on": "2025-03-04"}),
        (c, {"kind": "assigned", "department": "zy-gxq-kjj", "on": "2025-03-04"}),
        (
            c,
            {"kind": "replied", "outcome": "unfounded", "text": "经核实不属实", "on": "2025-03-05"},
        ),
        (c, {"kind": "review_requested", "reason": "不服", "on": "2025-03-06"}),
        (c, {"kind": "review_replied", "outcome": "unfounded", "text": "维持", "on": "2025-03-07"}),
        (c, {"kind": "closed", "on": "2025-03-08"}),
    ]
    for case, step in steps:
        case.refresh_from_db()
        page = office.get(f"/registers/cases/{case.pk}/")
        assert page.status_code == 200, step
        assert f'value="{step["kind"]}"' in page.content.decode(), step
        r = office.post(f"/registers/cases/{case.pk}/events/", {**step, "version": case.version})
        assert r.status_code == 302, (step, r.content.decode()[-3000:])
        if case.department_id or step["kind"] == "assigned":
            assert kjj.get(f"/registers/cases/{case.pk}/").status_code == 200
    for case in (d, c):
        html = office.get(f"/registers/cases/{case.pk}/").content.decode()
        assert "已办结" in html and "style=" not in html


def test_office_registers_a_hotline_complaint(reg, login):
    office = login("office")
    page = office.get("/registers/new/complaint/").content.decode()
    assert "收到渠道" in page and "收到日期" in page
    r = office.post(
        "/registers/new/complaint/",
        {
            "channel": "hotline",
            "received_on": "2025-03-07",
            "category": "complaint",
            "subject": "",
            "content": "x",
            "phone": "13800138000",
            "name": "张三",
        },
    )
    assert (
        r.status_code == 422
        and 'aria-invalid="true"' in r.content.decode()
        and "13800138000" in r.content.decode()
    )
    r = office.post(
        "/registers/new/complaint/",
        {
            "channel": "hotline",
            "received_on": "2025-03-07",
            "category": "complaint",
            "subject": "执法不规范",
            "content": "来电反映执法程序不规范",
            "phone": "13800138000",
            "name": "张三",
        },
        follow=True,
    )
    html = r.content.decode()
    assert r.status_code == 200 and "已登记 TS-" in html and "查询码" in html
    assert login("leader").get("/registers/new/complaint/").status_code == 403
    assert office.get("/registers/new/other/").status_code == 404


def test_rules_page_cites_every_period_and_the_roll_over(reg, login):
    page = login("office").get("/registers/rules/").content.decode()
    assert "《政府信息公开条例》第三十三条" in page and "《信访工作条例》第三十六条" in page
    assert "申请复核期限" in page and "中止至多到“第三方答复期限”届满" in page
    assert "《中华人民共和国民法典》第二百零一条、第二百零三条（类推适用" in page
    assert "可延长，合计不超过 20 个工作日" in page
    # the steps as the rule files declare them
    assert (
        '<th scope="row">申请复核</th><td>已复查答复、已办结</td><td>复核中</td><td>创建办</td>'
        in page
    )
    assert 'href="/registers/rules/"' in login("office").get("/registers/").content.decode()


def test_case_page_says_the_pause_was_capped(reg, login, settings):
    # Received Mon 2025-03-03 (reply due 03-31); consultation sent 03-05, received by the third
    # party 03-06: its 15 working days end 03-27 (03-07, 03-10..14, 17..21, 24..27). No answer
    # by 04-10: the pause ends at 03-27. Paused (03-05, 03-27] = 16 working days: 03-31 + 16 =
    # 04-01..03, (04-04 清明 rest) 04-07..11, 14..18, 21..23 -> 2025-04-23.
    settings.FAZHI_TODAY = date(2025, 4, 10)
    case = new_case(reg)
    office = reg["office"]
    today = date(2025, 4, 10)
    record_event(office, case.pk, {"kind": "accepted", "on": "2025-03-04"}, today)
    record_event(
        office,
        case.pk,
        {"kind": "consultation_started", "on": "2025-03-05", "third_party": "某公司"},
        today,
    )
    record_event(office, case.pk, {"kind": "consultation_delivered", "on": "2025-03-06"}, today)
    page = login("office").get(f"/registers/cases/{case.pk}/").content.decode()
    assert "中止计算至 2025-03-27 止" in page and "第三十二条" in page
    assert "2025-04-23" in page


def test_tentative_dates_are_marked_in_the_register_and_on_the_case_page(reg, login, settings):
    # Received Sun 2026-12-20: 2027 has no notice here; due 2027-01-15 at the earliest (see
    # test_registers), shown 暂定 with the reason.
    settings.FAZHI_TODAY = date(2026, 12, 21)
    case = register_case(
        reg["office"],
        {
            "kind": "disclosure",
            "zone": "zy-gxq",
            "channel": "post",
            "received_on": "2026-12-20",
            "name": "张三丰",
            "phone": "13800138000",
            "subject": "s",
            "content": "c",
        },
        today=date(2026, 12, 21),
    )[0]
    office = login("office")
    listed = office.get("/registers/").content.decode()
    assert "2027-01-15" in listed and "暂定" in listed and "期限无法计算" not in listed
    page = office.get(f"/registers/cases/{case.pk}/").content.decode()
    assert "2027-01-15" in page and "暂定：2027 年节假日安排尚未录入" in page
