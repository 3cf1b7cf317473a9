"""Work-plan pages: who sees what, progress reports, extensions, assignment, notices,
the export, the timeline, reminders, and query counts that do not grow with the plan."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from fazhi.workplan import notices, progress, services
from fazhi.workplan.models import Extension, Notice, Notification, ProgressReport, Task
from tests.conftest import task_of

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HX = {"HX-Request": "true"}
# Lights on the pages are computed for this day (a Monday): 一.1 due 2025-10-31 is green,
# 一.2 due 2025-10-15 is red, 一.3 due 2025-10-24 is yellow.
TODAY = date(2025, 10, 20)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("fazhi.workplan.views.common.today", lambda: TODAY)


def assign(plan, users, number, lead="zy-gxq-kjj", start="2025-09-01", due="2025-10-31", **extra):
    task = task_of(plan, number)
    return services.update_task(
        users["office"],
        task.pk,
        {"version": task.version, "lead_org": lead, "start_date": start, "due_date": due, **extra},
    )


@pytest.fixture
def assigned(plan, users):
    """Three tasks: 一.1 (kjj, green), 一.2 (kjj, red, 司法分局 supports), 一.3 (司法分局, yellow)."""
    return {
        "green": assign(
            plan,
            users,
            "一.1",
            start="2025-10-17",
            due="2025-10-31",
            support_orgs=["zy-gxq-sfj"],
            responsible="张三",
            indicators=["7"],
        ),
        "red": assign(plan, users, "一.2", due="2025-10-15"),
        "yellow": assign(plan, users, "一.3", lead="zy-gxq-sfj", due="2025-10-24"),
    }


def html(response) -> str:
    return response.content.decode()


def plan_pages(plan):
    return {
        "plan": f"/plans/{plan.pk}/",
        "overview": f"/plans/{plan.pk}/overview/",
        "timeline": f"/plans/{plan.pk}/timeline/",
        "notices": f"/plans/{plan.pk}/notices/",
        "export": f"/plans/{plan.pk}/export.xlsx",
    }


# ---------------------------------------------------------------- who sees what


def test_pages_render_for_the_right_roles(login, plan, assigned):
    pages = plan_pages(plan)
    task = assigned["green"].pk
    for who in ("office", "leader", "city", "province"):
        c = login(who)
        for name, url in pages.items():
            assert c.get(url).status_code == 200, (who, name)
        assert c.get(f"/tasks/{task}/").status_code == 200, who
        assert c.get("/plans/").status_code == 200
        assert c.get("/notifications/").status_code == 200
    kjj = login("kjj")
    for name in ("plan", "timeline", "notices"):
        assert kjj.get(pages[name]).status_code == 200, name
    assert kjj.get(f"/tasks/{task}/").status_code == 200
    # a department has no duty over the whole plan: no overview, no export of all tasks
    assert kjj.get(pages["overview"]).status_code == 403
    assert kjj.get(pages["export"]).status_code == 403
    for who in ("office", "leader", "kjj"):
        assert login(who).get("/my-tasks/").status_code == 200, who
    assert login("city").get("/my-tasks/").status_code == 403
    admin = login("admin")
    for url in ("/plans/", "/my-tasks/", pages["plan"], f"/tasks/{task}/"):
        assert admin.get(url).status_code == 403, url
    assert "不查看工作方案" in html(admin.get("/plans/"))


def test_outside_scope_is_404(login, plan, assigned):
    other = login("office2")
    for name, url in plan_pages(plan).items():
        assert other.get(url).status_code == 404, name
    green = assigned["green"].pk
    assert other.get(f"/tasks/{green}/").status_code == 404
    assert other.post(f"/tasks/{green}/report/", {"percent": "10", "text": "x"}).status_code == 404
    assert other.post(f"/tasks/{green}/close/").status_code == 404
    assert login("city2").get(f"/plans/{plan.pk}/").status_code == 404
    # a department does not see another department's task
    kjj, sfj_task = login("kjj"), assigned["yellow"].pk
    assert kjj.get(f"/tasks/{sfj_task}/").status_code == 404
    assert (
        kjj.post(
            f"/tasks/{sfj_task}/report/", {"percent": "10", "text": "x"}, headers=HX
        ).status_code
        == 404
    )
    assert (
        kjj.post(
            f"/tasks/{sfj_task}/extensions/", {"new_due": "2025-11-30", "reason": "x"}
        ).status_code
        == 404
    )
    body = html(kjj.get(f"/plans/{plan.pk}/"))
    assert f'id="task-{assigned["green"].pk}"' in body and f'id="task-{sfj_task}"' not in body
    assert login("kjj").get("/tasks/999999/").status_code == 404


def test_plan_page_tree_lights_and_filters(login, plan, assigned):
    c = login("office")
    body = html(c.get(f"/plans/{plan.pk}/"))
    for head in ("编号", "任务", "牵头单位", "配合单位", "责任人", "完成时限", "进度", "状态"):
        assert f">{head}</th>" in body
    assert 'class="depth-1 kind-area parent' in body and 'class="depth-2 kind-task' in body
    row = re.search(rf'<tr[^>]*id="task-{assigned["red"].pk}".*?</tr>', body, re.DOTALL).group(0)
    assert 'class="light light-red" title="已逾期 3 个工作日">红灯</span>' in row
    assert "科技经济局" in row and "2025-10-15" in row
    green = re.search(rf'<tr[^>]*id="task-{assigned["green"].pk}".*?</tr>', body, re.DOTALL).group(
        0
    )
    assert "司法分局" in green and "张三" in green and "绿灯" in green
    # the area's light is the worst of its children's
    area = re.search(
        r'<tr class="depth-1 kind-area[^"]*" id="task-\d+">\s*<td class="col-num">一</td>.*?</tr>',
        body,
        re.DOTALL,
    ).group(0)
    assert "红灯" in area
    red_only = html(c.get(f"/plans/{plan.pk}/?light=red"))
    assert (
        f'id="task-{assigned["red"].pk}"' in red_only
        and f'id="task-{assigned["green"].pk}"' not in red_only
    )
    assert 'tr class="depth-1 kind-area context parent"' in red_only  # placed in its tree
    by_lead = html(c.get(f"/plans/{plan.pk}/?lead=zy-gxq-sfj"))
    assert (
        f'id="task-{assigned["yellow"].pk}"' in by_lead
        and f'id="task-{assigned["red"].pk}"' not in by_lead
    )
    assert "没有符合筛选条件的任务" in html(c.get(f"/plans/{plan.pk}/?light=done&lead=zy-gxq-kjj"))
    # links to the other views and the office's settings form
    for href in ("overview/", "timeline/", "notices/", "export.xlsx"):
        assert f'href="/plans/{plan.pk}/{href}"' in body
    assert 'name="yellow_days"' in body and 'name="version"' in body
    assert 'name="yellow_days"' not in html(login("leader").get(f"/plans/{plan.pk}/"))


def test_plan_settings_form(login, plan):
    c = login("office")
    r = c.post(
        f"/plans/{plan.pk}/settings/",
        {"version": "1", "yellow_days": "3", "lag_points": "30", "report_day": ""},
    )
    assert r.status_code == 302
    plan.refresh_from_db()
    assert (plan.yellow_days, plan.lag_points, plan.report_day, plan.version) == (3, 30, None, 2)
    r = c.post(
        f"/plans/{plan.pk}/settings/",
        {"version": "2", "yellow_days": "3", "lag_points": "130", "report_day": "10"},
    )
    body = html(r)
    assert r.status_code == 422 and "落后序时进度百分点必须在 0 至 100 之间" in body
    assert re.search(
        r'id="set-lag"[^>]*value="130"[^>]*aria-invalid="true" aria-describedby="set-lag-error"',
        body,
    )
    assert re.search(r'id="set-report-day"[^>]*value="10"', body)
    r = c.post(
        f"/plans/{plan.pk}/settings/", {"version": "1", "yellow_days": "4", "lag_points": "30"}
    )
    assert r.status_code == 409 and "已被他人修改" in html(r)
    assert (
        login("leader")
        .post(f"/plans/{plan.pk}/settings/", {"version": "2", "lag_points": "10"})
        .status_code
        == 403
    )


def test_plan_list_empty_states_and_create(login, framework, users):
    from fazhi.workplan.services import load_template
    from tests.conftest import SEED_PLAN

    office = login("office")
    assert "尚未载入工作方案模板" in html(office.get("/plans/"))
    assert "分配给本部门的任务会显示在这里" in html(login("kjj").get("/plans/"))
    load_template(SEED_PLAN)
    body = html(office.get("/plans/"))
    assert (
        "还没有可查看的工作方案" in body
        and "请在下面选择工作方案模板和年度" in body
        and "创建工作方案" in body
    )
    template = re.search(r'<option value="(\d+)"', body).group(1)
    r = office.post("/plans/new/", {"template": template, "year": "2025", "report_day": "31"})
    body = html(r)
    assert r.status_code == 422 and "每月填报截止日必须在 1 至 28 之间" in body
    assert re.search(r'id="new-report-day"[^>]*value="31"[^>]*aria-invalid="true"', body)
    r = office.post("/plans/new/", {"template": "", "year": "2025"})
    assert r.status_code == 422 and "请选择工作方案模板" in html(r)
    r = office.post("/plans/new/", {"template": template, "year": "2025", "report_day": "25"})
    assert r.status_code == 302
    page = office.get(r["Location"])
    assert "资阳高新区创建四川省科技创新法治示范区工作方案（2025年）" in html(
        page
    ) and "共 24 项任务" in html(page)
    assert "资阳高新区创建四川省科技创新法治示范区工作方案（2025年）" in html(office.get("/plans/"))
    assert (
        login("leader").post("/plans/new/", {"template": template, "year": "2025"}).status_code
        == 403
    )
    assert "创建工作方案" not in html(login("leader").get("/plans/"))


# ---------------------------------------------------------------- progress reports


def test_department_reports_progress_in_place_with_evidence(login, plan, assigned, evidence_dir):
    kjj, task = login("kjj"), assigned["green"]
    body = html(kjj.get(f"/tasks/{task.pk}/"))
    assert 'name="percent"' in body and 'name="files"' in body and "multiple" in body
    assert "序时进度" in body and "7" in body and "重大行政决策" in body  # the linked scoring item
    assert 'name="lead_org"' not in body and "办结销号" not in body  # the office's forms only
    f1, f2 = io.BytesIO(PDF), io.BytesIO(PDF + b"%2")
    f1.name, f2.name = "决策事项目录（草案）.pdf", "会议纪要.pdf"
    r = kjj.post(
        f"/tasks/{task.pk}/report/",
        {"percent": "60", "text": "已起草决策事项目录", "files": [f1, f2]},
        headers=HX,
    )
    body = html(r)
    assert r.status_code == 200, body
    assert body.startswith('<section class="card" id="report"')
    assert "已填报进度 60%，附佐证材料 2 份" in body and "已起草决策事项目录" in body
    assert 'id="task-summary" hx-swap-oob="true"' in body and 'id="summary-progress">60%<' in body
    assert 'id="assign-version"' not in body  # only the office has the assignment form
    report = ProgressReport.objects.get(task=task)
    assert (
        report.percent == 60 and report.reporter.username == "kjj" and report.evidence.count() == 2
    )
    ev = report.evidence.get(name="决策事项目录（草案）.pdf")
    link = f"/tasks/{task.pk}/evidence/{ev.pk}/"
    assert link in body
    d = kjj.get(link)
    assert d.status_code == 200 and b"".join(d.streaming_content) == PDF
    assert (
        d["Content-Disposition"].startswith("attachment")
        and "filename*=utf-8''" in d["Content-Disposition"]
    )
    assert (
        d["X-Content-Type-Options"] == "nosniff" and d["Content-Type"] == "application/octet-stream"
    )
    from fazhi.audit.models import AuditEntry

    assert AuditEntry.objects.filter(
        action="report_evidence.download", object_id=str(ev.pk), actor_name="kjj"
    ).exists()
    assert login("leader").get(link).status_code == 200
    assert login("office2").get(link).status_code == 404
    assert (
        kjj.get(f"/tasks/{assigned['red'].pk}/evidence/{ev.pk}/").status_code == 404
    )  # not under that task


def test_bad_percent_shows_the_error_and_keeps_the_input(login, plan, assigned):
    kjj, task = login("kjj"), assigned["green"]
    data = {"percent": "101", "text": "我的进展说明", "reason": ""}
    r = kjj.post(f"/tasks/{task.pk}/report/", data, headers=HX)
    body = html(r)
    assert r.status_code == 422
    assert (
        '<p class="error" id="report-percent-error" role="alert">完成进度必须在 0 至 100 之间</p>'
        in body
    )
    assert re.search(
        r'id="report-percent"[^>]*value="101"[^>]*aria-describedby="report-percent-help report-percent-error" aria-invalid="true"',
        body,
    )
    assert "我的进展说明</textarea>" in body
    assert not ProgressReport.objects.exists()
    # the same refusal without HTMX: the whole page, the error beside the field, input kept
    r = kjj.post(f"/tasks/{task.pk}/report/", data)
    body = html(r)
    assert r.status_code == 422 and "<html" in body
    assert (
        "完成进度必须在 0 至 100 之间" in body
        and "我的进展说明</textarea>" in body
        and 'aria-invalid="true"' in body
    )
    # going backwards needs a reason, shown next to that field
    progress.report_progress(task_owner(task), task.pk, {"percent": 60, "text": "x"}, today=TODAY)
    r = kjj.post(f"/tasks/{task.pk}/report/", {"percent": "40", "text": "返工"}, headers=HX)
    body = html(r)
    assert (
        r.status_code == 422
        and 'id="report-reason-error"' in body
        and "完成进度从 60% 回退到 40%，请说明原因" in body
    )
    assert re.search(r'id="report-reason"[^>]*aria-invalid="true"', body) and 'value="40"' in body
    # a file of the wrong kind is refused next to the file input, nothing is saved
    bad = io.BytesIO(b"MZ\x90\x00")
    bad.name = "程序.exe"
    r = kjj.post(
        f"/tasks/{task.pk}/report/", {"percent": "70", "text": "附件", "files": [bad]}, headers=HX
    )
    assert (
        r.status_code == 422
        and 'id="report-files-error"' in html(r)
        and ProgressReport.objects.count() == 1
    )


def task_owner(task):
    from fazhi.orgs.models import User

    return User.objects.get(username="kjj")


def test_plain_post_report_redirects_with_a_message(login, plan, assigned):
    kjj, task = login("kjj"), assigned["green"]
    r = kjj.post(f"/tasks/{task.pk}/report/", {"percent": "30", "text": "已开会部署"})
    assert r.status_code == 302 and r["Location"] == f"/tasks/{task.pk}/#report"
    body = html(kjj.get(r["Location"]))
    assert "已填报进度 30%" in body and "已开会部署" in body


def test_who_may_report(login, plan, users, assigned):
    red = assigned["red"]
    services.update_task(
        users["office"],
        red.pk,
        {"version": Task.objects.get(pk=red.pk).version, "support_orgs": ["zy-gxq-kjj"]},
    )
    yellow = assigned["yellow"]
    services.update_task(
        users["office"],
        yellow.pk,
        {"version": Task.objects.get(pk=yellow.pk).version, "support_orgs": ["zy-gxq-kjj"]},
    )
    kjj = login("kjj")
    # kjj only supports 一.3: it sees the task but does not report for the lead
    body = html(kjj.get(f"/tasks/{yellow.pk}/"))
    assert 'name="percent"' not in body and "进度由牵头单位（司法分局）或创建办填报" in body
    r = kjj.post(f"/tasks/{yellow.pk}/report/", {"percent": "10", "text": "x"})
    assert r.status_code == 403 and "只有牵头单位或创建办可以填报进度" in html(r)
    r = kjj.post(f"/tasks/{yellow.pk}/report/", {"percent": "10", "text": "x"}, headers=HX)
    assert r.status_code == 403 and r["HX-Redirect"] == f"/tasks/{yellow.pk}/"
    r = login("leader").post(f"/tasks/{red.pk}/report/", {"percent": "10", "text": "x"})
    assert r.status_code == 403
    assert (
        login("office")
        .post(f"/tasks/{red.pk}/report/", {"percent": "10", "text": "创建办代填"}, headers=HX)
        .status_code
        == 200
    )


# ---------------------------------------------------------------- extensions


def test_extension_request_and_approval_from_pages(login, plan, assigned):
    kjj, office, task = login("kjj"), login("office"), assigned["green"]
    url = f"/tasks/{task.pk}/extensions/"
    r = kjj.post(url, {"new_due": "2025-10-30", "reason": "等待法律顾问审查"}, headers=HX)
    body = html(r)
    assert (
        r.status_code == 422
        and 'id="ext-new-due-error"' in body
        and "须晚于现行完成时限 2025-10-31" in body
    )
    assert 'value="2025-10-30"' in body and "等待法律顾问审查</textarea>" in body
    r = kjj.post(url, {"new_due": "2025-11-28", "reason": "等待法律顾问审查"}, headers=HX)
    body = html(r)
    assert r.status_code == 200 and "延期申请已提交" in body and "待审批" in body
    assert 'id="task-summary" hx-swap-oob="true"' in body and "有一份延期申请待创建办审批" in body
    ext = Extension.objects.get(task=task)
    r = kjj.post(url, {"new_due": "2025-12-28", "reason": "再延"})
    assert r.status_code == 409 and "该任务已有待审批的延期申请" in html(r)
    # the department does not decide
    assert "批准延期" not in html(kjj.get(f"/tasks/{task.pk}/"))
    assert kjj.post(f"/extensions/{ext.pk}/approve/", {"note": ""}).status_code == 403
    assert login("office2").post(f"/extensions/{ext.pk}/approve/", {}).status_code == 404
    page = html(office.get(f"/tasks/{task.pk}/"))
    assert (
        "批准延期" in page
        and f'hx-post="/extensions/{ext.pk}/approve/"' in page
        and "hx-confirm" in page
    )
    r = office.post(f"/extensions/{ext.pk}/approve/", {"note": "同意"}, headers=HX)
    body = html(r)
    assert r.status_code == 200 and "已批准延期申请" in body and "已批准" in body and "同意" in body
    assert '2025-11-28 <span class="muted small">（已批准延期，原 2025-10-31）' in body
    assert (
        'id="assign-version" value="3" hx-swap-oob="true"' in body
    )  # the assignment form stays current
    r = office.post(f"/extensions/{ext.pk}/reject/", {}, headers=HX)
    assert r.status_code == 409 and "该申请已" in html(r)
    assert office.post(f"/extensions/{ext.pk}/maybe/", {}).status_code == 404


def test_extension_rejected_from_plain_post(login, plan, assigned):
    task = assigned["green"]
    ext = progress.request_extension(
        task_owner(task), task.pk, {"new_due": "2025-11-28", "reason": "x"}, today=TODAY
    )
    r = login("office").post(f"/extensions/{ext.pk}/reject/", {"note": "理由不充分"})
    assert r.status_code == 302 and r["Location"] == f"/tasks/{task.pk}/#extensions"
    ext.refresh_from_db()
    assert ext.state == "rejected" and ext.decision_note == "理由不充分"


# ---------------------------------------------------------------- the office's assignment, split, close


def test_office_assigns_from_the_page(login, plan):
    office, task = login("office"), task_of(plan, "二.1")
    url = f"/tasks/{task.pk}/assign/"
    body = html(office.get(f"/tasks/{task.pk}/"))
    assert (
        'name="lead_org"' in body
        and 'value="zy-gxq-sfj"' in body
        and 'name="indicators" value="9" checked' in body
    )
    data = {
        "version": "1",
        "lead_org": "zy-gxq-kjj",
        "support_orgs": ["zy-gxq-sfj"],
        "responsible": "李四",
        "start_date": "2025-11-01",
        "due_date": "2025-10-01",
        "indicators": ["9", "10"],
    }
    r = office.post(url, data, headers=HX)
    body = html(r)
    assert (
        r.status_code == 422
        and 'id="assign-due-error"' in body
        and "完成时限 2025-10-01 不能早于开始时间 2025-11-01" in body
    )
    assert re.search(r'id="assign-due"[^>]*value="2025-10-01"[^>]*aria-invalid="true"', body)
    assert 'value="李四"' in body and 'value="zy-gxq-kjj" selected' in body
    assert (
        'name="support_orgs" value="zy-gxq-sfj" checked' in body
        and 'name="indicators" value="10" checked' in body
    )
    r = office.post(url, {**data, "due_date": "2025-12-31"}, headers=HX)
    body = html(r)
    assert (
        r.status_code == 200
        and "任务分解已保存" in body
        and 'id="task-summary" hx-swap-oob="true"' in body
    )
    task.refresh_from_db()
    assert (
        task.lead_org.code == "zy-gxq-kjj"
        and task.responsible == "李四"
        and task.due_date == date(2025, 12, 31)
    )
    assert sorted(task.indicators.values_list("code", flat=True)) == ["10", "9"]
    assert list(task.support_orgs.values_list("code", flat=True)) == ["zy-gxq-sfj"]
    # a stale form: refused at the top, what was typed kept
    r = office.post(url, {**data, "due_date": "2025-12-30", "responsible": "王五"}, headers=HX)
    body = html(r)
    assert (
        r.status_code == 409
        and 'id="assign-error"' in body
        and "已被他人修改" in body
        and 'value="王五"' in body
    )
    assert login("kjj").post(url, {**data, "version": "2"}).status_code == 403
    assert login("leader").post(url, {**data, "version": "2"}).status_code == 403


def test_split_and_close_from_the_page(login, plan, assigned):
    office, task = login("office"), assigned["green"]
    r = office.post(f"/tasks/{task.pk}/split/", {"title": ""}, headers=HX)
    assert (
        r.status_code == 422
        and 'id="split-title-error"' in html(r)
        and "请填写子任务名称" in html(r)
    )
    r = office.post(f"/tasks/{task.pk}/split/", {"title": "起草决策事项目录"}, headers=HX)
    body = html(r)
    assert r.status_code == 200 and "一.1.1 起草决策事项目录" in body
    child = Task.objects.get(plan=plan, number="一.1.1")
    # closing a parent with an open child is refused with the reason
    r = office.post(f"/tasks/{task.pk}/close/", follow=True)
    assert "未能办结销号：还有子任务未办结，不能销号" in html(r)
    page = html(office.get(f"/tasks/{child.pk}/"))
    assert 'data-confirm="办结销号后' in page
    assert login("kjj").post(f"/tasks/{child.pk}/close/").status_code == 403
    r = office.post(f"/tasks/{child.pk}/close/", follow=True)
    assert (
        "任务 一.1.1 已办结销号" in html(r)
        and "已办结" in html(r)
        and "任务已办结销号，不再填报进度" in html(r)
    )
    r = office.post(f"/tasks/{task.pk}/close/", follow=True)
    assert "任务 一.1 已办结销号" in html(r)
    body = html(office.get(f"/plans/{plan.pk}/"))
    row = re.search(rf'<tr[^>]*id="task-{task.pk}".*?</tr>', body, re.DOTALL).group(0)
    assert "已办结" in row
    r = office.post(f"/tasks/{task.pk}/report/", {"percent": "100", "text": "x"}, headers=HX)
    assert r.status_code == 409 and "任务已办结销号" in html(r)


# ---------------------------------------------------------------- overview, timeline, export, my tasks


def test_overview_by_department_and_overdue(login, plan, assigned, users):
    assign(plan, users, "二.1", due="2025-10-01")
    body = html(login("office").get(f"/plans/{plan.pk}/overview/"))
    kjj_row = re.search(
        r"<tr><th scope=\"row\"><a[^>]*>科技经济局</a></th>.*?</tr>", body, re.DOTALL
    ).group(0)
    cells = re.findall(r'<td class="n[^"]*">(?:<a[^>]*>)?(\d+)', kjj_row)
    assert cells == ["2", "0", "1", "0", "0", "3"]  # red, yellow, green, done, no due date, total
    assert "未分配牵头单位" in body
    overdue = body[body.index('id="overdue"') :]
    assert overdue.index("二.1") < overdue.index("一.2")  # oldest due first
    assert "逾期 19 天" in overdue and "逾期 5 天" in overdue


def test_timeline_draws_a_bar_per_dated_task(login, plan, assigned, users):
    t = task_of(plan, "二.1")
    services.update_task(
        users["office"],
        t.pk,
        {"version": t.version, "lead_org": "zy-gxq-kjj", "due_date": "2025-12-01"},
    )
    body = html(login("office").get(f"/plans/{plan.pk}/timeline/"))
    svg = re.search(r"<svg .*?</svg>", body, re.DOTALL).group(0)
    assert svg.count("<rect") == 4 and "<title" in svg
    # it holds task links, so it is a labelled group, not an image (axe: nested-interactive)
    assert 'role="group" aria-labelledby="tl-title"' in svg and 'role="img"' not in svg
    assert (
        len(re.findall(r'<rect class="bar bar-red" x="[\d.]+" y="[\d.]+" width="[\d.]+"', svg)) == 1
    )
    assert 'class="today"' in svg and "今天" in svg
    assert "未设开始时间" in svg
    # a department sees the bars of its own tasks only
    svg = re.search(
        r"<svg .*?</svg>", html(login("kjj").get(f"/plans/{plan.pk}/timeline/")), re.DOTALL
    ).group(0)
    assert svg.count("<rect") == 3


def test_export_download_headers(login, plan, assigned):
    r = login("office").get(f"/plans/{plan.pk}/export.xlsx")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert r["Content-Disposition"].startswith("attachment") and ".xlsx" in r["Content-Disposition"]
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "序号" in values and any(isinstance(v, str) and v.startswith("一.2") for v in values)


def test_my_tasks_sorted_by_light_then_due(login, plan, assigned):
    body = html(login("kjj").get("/my-tasks/"))
    assert body.index(f'id="task-{assigned["red"].pk}"') < body.index(
        f'id="task-{assigned["green"].pk}"'
    )
    assert f'id="task-{assigned["yellow"].pk}"' not in body
    assert "牵头" in body
    office = html(login("office").get("/my-tasks/"))
    order = [office.index(f'id="task-{assigned[k].pk}"') for k in ("red", "yellow", "green")]
    assert order == sorted(order)
    assert f'id="task-{task_of(plan, "二.1").pk}"' not in office  # not assigned to anyone
    assert "暂无任务" in html(login("office2").get("/my-tasks/"))


def test_plan_and_my_tasks_queries_do_not_grow(login, plan, users, assigned):
    office, kjj = login("office"), login("kjj")
    urls = [
        (office, f"/plans/{plan.pk}/"),
        (kjj, f"/plans/{plan.pk}/"),
        (office, "/my-tasks/"),
        (kjj, "/my-tasks/"),
        (office, f"/plans/{plan.pk}/timeline/"),
        (office, f"/plans/{plan.pk}/overview/"),
        (office, f"/plans/{plan.pk}/notices/"),
        (kjj, f"/plans/{plan.pk}/notices/"),
        (office, f"/tasks/{task_of(plan, '二.2').pk}/"),
    ]
    for c, url in urls:
        c.get(url)  # the session's first request writes its timestamps; the calendar is cached

    def counts():
        out = []
        for c, url in urls:
            with CaptureQueriesContext(connection) as q:
                assert c.get(url).status_code == 200
            out.append(len(q))
        return out

    few = counts()
    parent = task_of(plan, "二.2")
    services.update_task(
        users["office"],
        parent.pk,
        {
            "version": parent.version,
            "lead_org": "zy-gxq-kjj",
            "support_orgs": ["zy-gxq-sfj"],
            "start_date": "2025-09-01",
            "due_date": "2025-12-31",
        },
    )
    for i in range(30):
        services.add_subtask(
            users["office"],
            parent.pk,
            {"title": f"子任务 {i}", "due_date": f"2025-11-{i % 28 + 1:02d}"},
        )
    for i in range(3):
        notices.issue_notice(
            users["office"],
            plan.pk,
            {
                "to_org": "zy-gxq-kjj",
                "task": "二.2",
                "text": f"督办 {i}",
                "reply_due": "2025-10-31",
            },
            today=TODAY,
        )
    many = counts()
    assert "子任务 29" in html(office.get(f"/plans/{plan.pk}/"))
    assert few == many, (few, many)


# ---------------------------------------------------------------- supervision notices


def test_notice_issue_reply_close(login, plan, assigned, users):
    office, kjj = login("office"), login("kjj")
    url = f"/plans/{plan.pk}/notices/"
    body = html(office.get(url))
    assert (
        "还没有督办单" in body
        and 'name="to_org"' in body
        and 'data-confirm="督办单发出后不能撤回' in body
    )
    data = {
        "to_org": "zy-gxq-kjj",
        "task": "一.2",
        "text": "请加快推进决策咨询机制建设",
        "reply_due": "2025-10-01",
    }
    r = office.post(f"/plans/{plan.pk}/notices/new/", data)
    body = html(r)
    assert r.status_code == 422 and "要求回复日期不能早于今天 2025-10-20" in body
    assert re.search(r'id="issue-due"[^>]*value="2025-10-01"[^>]*aria-invalid="true"', body)
    assert "请加快推进决策咨询机制建设</textarea>" in body and 'value="一.2" selected' in body
    r = office.post(f"/plans/{plan.pk}/notices/new/", {**data, "reply_due": "2025-10-24"})
    assert r.status_code == 302
    notice = Notice.objects.get()
    assert notice.number == "资高新督〔2025〕1号" and notice.task == assigned["red"]
    assert Notification.objects.filter(user=users["kjj"], event=f"notice:{notice.pk}").exists()
    assert kjj.post(f"/plans/{plan.pk}/notices/new/", data).status_code == 403
    body = html(kjj.get(url))
    assert "资高新督〔2025〕1号" in body and "待回复" in body and 'name="reply"' in body
    r = office.post(f"/notices/{notice.pk}/close/", follow=True)
    assert "未办结：督办单尚未回复，不能办结" in html(r)
    r = kjj.post(f"/notices/{notice.pk}/reply/", {"reply": "  "})
    assert (
        r.status_code == 422
        and f'id="reply-{notice.pk}-error"' in html(r)
        and "请填写回复内容" in html(r)
    )
    r = kjj.post(f"/notices/{notice.pk}/reply/", {"reply": "已完成初稿，10月23日前报送"})
    assert r.status_code == 302
    assert login("leader").post(f"/notices/{notice.pk}/reply/", {"reply": "x"}).status_code == 403
    body = html(office.get(url))
    assert (
        "已回复" in body
        and "已完成初稿" in body
        and "确认办结" in body
        and 'data-confirm="办结后督办单不能再回复' in body
    )
    assert kjj.post(f"/notices/{notice.pk}/close/").status_code == 403
    assert login("office2").post(f"/notices/{notice.pk}/close/").status_code == 404
    r = office.post(f"/notices/{notice.pk}/close/", follow=True)
    assert "督办单 资高新督〔2025〕1号 已办结" in html(r)
    assert Notice.objects.get().state == "closed"
    assert 'name="reply"' not in html(kjj.get(url))


# ---------------------------------------------------------------- reminders


def test_reminders_page_count_and_mark_read(login, plan, users, assigned, client):
    for i in range(3):
        Notification.objects.create(
            user=users["kjj"], event=f"e{i}", task=assigned["green"], text=f"提醒 {i}"
        )
    Notification.objects.create(user=users["office"], event="other", text="不是给 kjj 的")
    kjj = login("kjj")
    body = html(kjj.get("/notifications/"))
    assert body.index("提醒 2") < body.index("提醒 0")  # newest first
    assert body.count('class="reminder unread"') == 3 and "不是给 kjj 的" not in body
    assert '<span class="nav-count">3<span class="visually-hidden"> 条未读</span>' in body
    assert f'href="/tasks/{assigned["green"].pk}/"' in body
    r = kjj.post("/notifications/read/", follow=True)
    body = html(r)
    assert (
        "已将 3 条提醒标为已读" in body
        and 'class="reminder unread"' not in body
        and "nav-count" not in body
    )
    # one query for the count on a page, none for an anonymous visitor
    with CaptureQueriesContext(connection) as q:
        client.get("/login/")
    assert not [x for x in q if "workplan_notification" in x["sql"]]
    with CaptureQueriesContext(connection) as q:
        kjj.get("/my-tasks/")
    assert len([x for x in q if "workplan_notification" in x["sql"]]) == 1


# ---------------------------------------------------------------- the scoring page's links


def test_tasks_by_indicator(plan, users, assigned, assessment, django_assert_max_num_queries):
    from fazhi.workplan.selectors_links import tasks_by_indicator

    assign(plan, users, "二.2", due="2025-10-15")  # linked to item 10
    tasks_by_indicator(assessment, users["office"], TODAY)  # the calendar is cached
    with django_assert_max_num_queries(2):
        got = tasks_by_indicator(assessment, users["office"], TODAY)
    assert [t.number for t, _ in got["7"]] == ["一.1"] and got["7"][0][1].color == "green"
    assert got["10"][0][1].color == "red"
    assert "1" not in got
    # a department sees its own tasks only; another zone nothing
    services.update_task(
        users["office"],
        task_of(plan, "二.2").pk,
        {"version": task_of(plan, "二.2").version, "lead_org": "zy-gxq-sfj"},
    )
    got = tasks_by_indicator(assessment, users["kjj"], TODAY)
    assert set(got) == {"7", "3"}  # 一.1 and 一.2, not 二.2 any more
    assert tasks_by_indicator(assessment, users["office2"], TODAY) == {}


# ---------------------------------------------------------------- markup rules


def test_pages_have_no_inline_style_script_or_outside_urls(login, plan, assigned):
    pages = [
        *plan_pages(plan).values(),
        "/plans/",
        "/my-tasks/",
        "/notifications/",
        f"/tasks/{assigned['green'].pk}/",
    ]
    c = login("office")
    for url in pages:
        if url.endswith(".xlsx"):
            continue
        body = html(c.get(url))
        assert not re.search(r"\sstyle=", body), url
        assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", body), url
        assert not re.search(r"\son[a-z]+=", body), url
        for ref in re.findall(r'(?:src|href|action)="([^"]+)"', body):
            assert not re.match(r"^(https?:)?//", ref), (url, ref)
        assert 'lang="zh-CN"' in body


def test_milestones_on_the_task_page(plan, users, login):
    from fazhi.workplan.services import update_task
    from tests.conftest import task_of

    t = task_of(plan, "一.1")
    update_task(
        users["office"],
        t.pk,
        {
            "version": t.version,
            "lead_org": "zy-gxq-kjj",
            "start_date": "2025-09-01",
            "due_date": "2025-12-31",
        },
    )
    office = login("office")
    r = office.post(
        f"/tasks/{t.pk}/milestones/",
        {"title": "", "due_date": "2025-10-01"},
        headers={"HX-Request": "true"},
    )
    assert r.status_code == 422 and "aria-invalid" in r.content.decode()
    r = office.post(
        f"/tasks/{t.pk}/milestones/", {"title": "起草目录", "due_date": "2025-10-01"}, follow=True
    )
    assert "起草目录" in r.content.decode()
    m = t.milestones.get()
    r = login("kjj").post(f"/tasks/{t.pk}/milestones/{m.pk}/done/", follow=True)
    assert "已确认节点完成" in r.content.decode() and t.milestones.get().done_on
