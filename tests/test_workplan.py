"""The work plan end to end: assignment, lights in working days, progress, extensions,
supervision notices, reminders that fire once, the backward schedule."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from fazhi.workplan.models import Notification, Task
from fazhi.workplan.services import update_task
from fazhi.workplan.supervision import tick
from tests.conftest import task_of

pytestmark = pytest.mark.django_db


def assign(plan, users, number, lead="zy-gxq-kjj", start="2025-09-01", due="2025-10-31", **extra):
    """Assign the task as of its start date (the day it is handed to `lead`)."""
    task = task_of(plan, number)
    return update_task(
        users["office"],
        task.pk,
        {"version": task.version, "lead_org": lead, "start_date": start, "due_date": due, **extra},
        today=date.fromisoformat(start),
    )


def light(api_client, task, today):
    return api_client.get(f"/tasks/{task.pk}?today={today}").json()["light"]


def test_plan_from_template(plan):
    numbers = list(plan.tasks.values_list("number", flat=True))
    assert numbers[:4] == ["一", "一.1", "一.2", "一.3"]
    assert "六" in numbers and "保障.三" in numbers and len(numbers) == 24
    assert task_of(plan, "一.1").parent == task_of(plan, "一")
    assert list(task_of(plan, "二.2").indicators.values_list("code", flat=True)) == ["10"]


def test_create_plan_through_the_api(framework, users, api):
    from fazhi.workplan.services import load_template
    from tests.conftest import SEED_PLAN

    load_template(SEED_PLAN)
    body = {"zone": "zy-gxq", "template": "zy-gxq-sti-law-2020", "year": 2025}
    r = api("office").post("/plans", body)
    assert r.status_code == 201 and r.json()["title"].startswith("资阳高新区")
    assert api("kjj").post("/plans", body).status_code == 404
    assert api("leader").post("/plans", body).status_code == 403
    assert api("office2").post("/plans", body).status_code == 404
    again = api("office").post("/plans", body)
    assert again.status_code == 409 and "不能重复创建" in again.json()["detail"]
    body["year"] = 2026
    r = api("office").post("/plans", {**body, "report_day": 31})
    assert r.status_code == 422 and r.json()["field"] == "report_day"
    r = api("office").post("/plans", {**body, "template": "nope"})
    assert r.status_code == 422 and r.json()["field"] == "template"


def test_assignment_rules(plan, users, api):
    office = api("office")
    t = task_of(plan, "一.1")
    url = f"/tasks/{t.pk}"
    r = office.put(url, {"version": 1, "start_date": "2025-10-01", "due_date": "2025-09-01"})
    assert r.status_code == 422 and r.json() == {
        "detail": "完成时限 2025-09-01 不能早于开始时间 2025-10-01",
        "field": "due_date",
    }
    r = office.put(url, {"version": 1, "lead_org": "cd-gxq"})
    assert r.status_code == 422 and r.json()["field"] == "lead_org"
    r = office.put(url, {"version": 1, "due_date": "2025/10/01"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.json()["detail"]
    r = office.put(url, {"version": 1, "indicators": ["99"]})
    assert r.status_code == 422 and r.json()["field"] == "indicators"
    r = office.put(
        url,
        {
            "version": 1,
            "lead_org": "zy-gxq-kjj",
            "support_orgs": ["zy-gxq-sfj"],
            "responsible": "张三",
            "start_date": "2025-09-01",
            "due_date": "2025-10-31",
            "indicators": ["7"],
        },
    )
    assert r.status_code == 200, r.content
    assert (
        r.json()["lead_org"] == "zy-gxq-kjj"
        and r.json()["support_orgs"] == ["zy-gxq-sfj"]
        and r.json()["version"] == 2
    )
    r = office.put(url, {"version": 1, "responsible": "李四"})
    assert r.status_code == 409
    assert api("kjj").put(url, {"version": 2, "responsible": "王五"}).status_code == 403


def test_department_sees_only_its_tasks(plan, users, api):
    assign(plan, users, "一.1", lead="zy-gxq-kjj")
    assign(plan, users, "一.2", lead="zy-gxq-sfj", support_orgs=["zy-gxq-kjj"])
    assign(plan, users, "一.3", lead="zy-gxq-sfj")
    kjj = api("kjj")
    listed = kjj.get(f"/plans/{plan.pk}").json()["tasks"]
    assert sorted(t["number"] for t in listed) == ["一.1", "一.2"]
    other = task_of(plan, "一.3")
    assert kjj.get(f"/tasks/{other.pk}").status_code == 404
    assert kjj.post(f"/tasks/{other.pk}/reports", {"percent": 10, "text": "x"}).status_code == 404
    # a support org sees the task but does not report for the lead
    support = task_of(plan, "一.2")
    assert kjj.post(f"/tasks/{support.pk}/reports", {"percent": 10, "text": "x"}).status_code == 403
    assert api("office2").get(f"/plans/{plan.pk}").status_code == 404


def test_lights_at_their_boundaries(plan, users, api):
    t = assign(plan, users, "一.1", start="2025-09-01", due="2025-10-31")
    office = api("office")
    # 2025-10-31 is a Friday; five working days before it: 10-24 (Fri) → yellow from 10-24 on
    assert (
        light(office, t, "2025-10-23")["color"] == "yellow"
        or light(office, t, "2025-10-23")["color"] == "green"
    )
    got = light(office, t, "2025-10-24")
    assert got["color"] == "yellow" and got["reason"] == "5 个工作日内到期"
    assert light(office, t, "2025-10-31")["reason"] == "今天到期"
    red = light(office, t, "2025-11-03")
    assert red["color"] == "red" and red["reason"] == "已逾期 1 个工作日"
    # behind the elapsed share of working time by more than 20 points
    early = light(office, t, "2025-09-10")
    assert early["color"] == "green"
    late = light(office, t, "2025-09-30")
    assert late["color"] == "yellow" and "落后序时进度" in late["reason"]


def test_lag_threshold_is_a_plan_setting(plan, users, api):
    t = assign(plan, users, "一.1", start="2025-09-01", due="2025-10-31")
    office = api("office")
    assert light(office, t, "2025-09-30")["color"] == "yellow"
    r = office.client.patch(
        f"/api/v1/plans/{plan.pk}",
        data={"version": 1, "lag_points": 60},
        content_type="application/json",
        headers=office.headers,
    )
    assert r.status_code == 200 and r.json()["lag_points"] == 60
    assert light(office, t, "2025-09-30")["color"] == "green"
    r = office.client.patch(
        f"/api/v1/plans/{plan.pk}",
        data={"version": 2, "lag_points": 101},
        content_type="application/json",
        headers=office.headers,
    )
    assert r.status_code == 422 and r.json()["field"] == "lag_points"


def test_progress_reports(plan, users, api):
    t = assign(plan, users, "一.1")
    kjj = api("kjj")
    url = f"/tasks/{t.pk}/reports"
    for bad, field in [
        ({"percent": 101, "text": "x"}, "percent"),
        ({"percent": -1, "text": "x"}, "percent"),
        ({"percent": "一半", "text": "x"}, "percent"),
        ({"percent": 10}, "text"),
        ({"percent": 10, "text": "长" * 4001}, "text"),
    ]:
        r = kjj.post(url, bad)
        assert r.status_code == 422 and r.json()["field"] == field, bad
    assert kjj.post(url, {"percent": 60, "text": "已起草决策事项目录"}).status_code == 201
    r = kjj.post(url, {"percent": 40, "text": "返工"})
    assert r.status_code == 422 and r.json() == {
        "detail": "完成进度从 60% 回退到 40%，请说明原因",
        "field": "reason",
    }
    assert (
        kjj.post(url, {"percent": 40, "text": "返工", "reason": "目录被退回重拟"}).status_code
        == 201
    )
    detail = kjj.get(f"/tasks/{t.pk}").json()
    assert detail["progress"] == 40 and [r["percent"] for r in detail["reports"]] == [40, 60]
    office = api("office")
    assert office.post(f"/tasks/{t.pk}/close").status_code == 200
    r = kjj.post(url, {"percent": 100, "text": "完成"})
    assert r.status_code == 409 and "办结" in r.json()["detail"]
    assert light(office, t, "2025-12-01")["color"] == "done"


def test_extensions(plan, users, api):
    from fazhi.workplan.progress import request_extension

    t = assign(plan, users, "一.1", due="2025-10-31")
    kjj, office = api("kjj"), api("office")
    with pytest.raises(Exception) as exc:
        request_extension(
            users["kjj"],
            t.pk,
            {"new_due": "2025-11-30", "reason": "等待审查"},
            today=date(2025, 10, 31),
        )
    assert "之前申请" in exc.value.message
    r = kjj.post(f"/tasks/{t.pk}/extensions", {"new_due": "2025-10-30", "reason": "x"})
    assert r.status_code == 422 and r.json()["field"] == "new_due"
    with pytest.raises(Exception) as exc:
        request_extension(
            users["kjj"], t.pk, {"new_due": "2025-11-28", "reason": " "}, today=date(2025, 10, 20)
        )
    assert exc.value.field == "reason"
    ext = request_extension(
        users["kjj"],
        t.pk,
        {"new_due": "2025-11-28", "reason": "待法律顾问审查"},
        today=date(2025, 10, 20),
    )
    with pytest.raises(Exception) as exc:
        request_extension(
            users["kjj"],
            t.pk,
            {"new_due": "2025-12-28", "reason": "again"},
            today=date(2025, 10, 21),
        )
    assert "待审批" in exc.value.message
    # Until approved, the original date counts.
    assert light(office, t, "2025-11-03")["color"] == "red"
    assert kjj.post(f"/extensions/{ext.pk}/approve", {}).status_code == 403
    assert (
        office.post(f"/extensions/{ext.pk}/approve", {"note": "同意"}).json()["state"] == "approved"
    )
    assert light(office, t, "2025-11-03")["color"] != "red"
    assert office.get(f"/tasks/{t.pk}").json()["due_in_force"] == "2025-11-28"
    assert office.post(f"/extensions/{ext.pk}/reject", {}).status_code == 409


def test_split_a_task(plan, users, api):
    t = assign(plan, users, "一.1")
    r = api("office").post(
        f"/tasks/{t.pk}/subtasks", {"title": "起草决策事项目录", "due_date": "2025-10-15"}
    )
    assert (
        r.status_code == 201
        and r.json()["number"] == "一.1.1"
        and r.json()["lead_org"] == "zy-gxq-kjj"
    )
    r = api("office").post(f"/tasks/{t.pk}/subtasks", {"title": ""})
    assert r.status_code == 422 and r.json()["field"] == "title"
    numbers = [x["number"] for x in api("office").get(f"/plans/{plan.pk}").json()["tasks"]]
    assert numbers.index("一.1.1") == numbers.index("一.1") + 1
    assert api("office").post(f"/tasks/{t.pk}/close").status_code == 422


def test_supervision_notice(plan, users, api):
    from fazhi.workplan.notices import issue_notice

    office, kjj = api("office"), api("kjj")
    t = assign(plan, users, "一.1")
    r = office.post(
        f"/plans/{plan.pk}/notices",
        {"to_org": "zy-gxq-kjj", "task": "一.1", "text": "请加快推进", "reply_due": "2000-01-01"},
    )
    assert r.status_code == 422 and r.json()["field"] == "reply_due"
    n = issue_notice(
        users["office"],
        plan.pk,
        {
            "to_org": "zy-gxq-kjj",
            "task": "一.1",
            "text": "请加快推进决策目录编制",
            "reply_due": "2025-11-10",
        },
        today=date(2025, 11, 3),
    )
    assert n.number == "资高新督〔2025〕1号"
    assert Notification.objects.filter(user=users["kjj"], event=f"notice:{n.pk}").exists()
    assert office.post(f"/notices/{n.pk}/close").status_code == 409
    assert kjj.post(f"/notices/{n.pk}/reply", {"reply": ""}).status_code == 422
    r = kjj.post(f"/notices/{n.pk}/reply", {"reply": "已完成初稿，11月7日前报送"})
    assert r.status_code == 200 and r.json()["state"] == "replied"
    assert office.post(f"/notices/{n.pk}/close").json()["state"] == "closed"
    assert n.task == t


def test_reminders_fire_once_per_event(plan, users):
    t = assign(plan, users, "一.1", start="2025-09-01", due="2025-10-31")
    lights_sent = Notification.objects.filter(event__startswith=f"light:{t.pk}:")
    tick(date(2025, 10, 27))
    assert lights_sent.count() == 2  # kjj and the office: yellow
    assert tick(date(2025, 10, 27)).reminders == 0
    assert tick(date(2025, 10, 28)).reminders == 0  # still the same yellow
    red = tick(date(2025, 11, 3))
    assert lights_sent.count() == 4 and red.lights["red"] == 1
    assert tick(date(2025, 11, 4)).reminders == 0
    texts = list(lights_sent.filter(user=users["kjj"]).values_list("text", flat=True))
    assert len(texts) == 2 and any("红灯" in x for x in texts)


def test_missing_monthly_report_is_flagged_once(plan, users):
    t = assign(plan, users, "一.1", start="2025-08-01", due="2025-12-31")
    tick(date(2025, 9, 26))
    missing = Notification.objects.filter(user=users["kjj"], event__startswith=f"report:{t.pk}:")
    assert missing.count() == 1 and "2025-09-25" in missing.get().text
    tick(date(2025, 9, 29))
    assert missing.count() == 1
    from fazhi.workplan.progress import report_progress

    report_progress(
        users["kjj"], t.pk, {"percent": 30, "text": "按月填报"}, today=date(2025, 10, 20)
    )
    tick(date(2025, 10, 26))
    assert missing.count() == 1  # October's report was filed in time


def test_a_task_assigned_after_the_report_day_owes_its_first_report_next_period(plan, users):
    """Started in September but handed to kjj on 11-30, after November's deadline (25th)."""
    task = task_of(plan, "一.1")

    def hand_over(on: date, **fields):
        t = Task.objects.get(pk=task.pk)
        update_task(users["office"], t.pk, {"version": t.version, **fields}, today=on)

    hand_over(date(2026, 11, 30), lead_org="zy-gxq-kjj", start_date="2026-09-01")
    assert Task.objects.get(pk=task.pk).assigned_on == date(2026, 11, 30)
    missing = Notification.objects.filter(user=users["kjj"], event__startswith=f"report:{task.pk}:")
    tick(date(2026, 11, 30))
    assert not missing.exists()
    tick(date(2026, 12, 26))  # assigned inside the period ending 12-25: nothing owed yet
    assert not missing.exists()
    tick(date(2027, 1, 26))  # the next period's report was due by 01-25
    assert missing.count() == 1 and "2027-01-25" in missing.get().text
    # Reassigning to the same department keeps the day it was handed over.
    hand_over(date(2026, 12, 28), lead_org="zy-gxq-kjj", responsible="李四")
    assert Task.objects.get(pk=task.pk).assigned_on == date(2026, 11, 30)


def test_notice_reminders_read_right_for_each_side(plan, users):
    from fazhi.workplan.notices import issue_notice

    notice = issue_notice(
        users["office"],
        plan.pk,
        {
            "to_org": "zy-gxq-kjj",
            "text": "你单位牵头的任务已逾期，请加快推进。",
            "reply_due": "2026-12-10",
        },
        today=date(2026, 11, 30),
    )
    sent = Notification.objects.filter(event=f"notice:{notice.pk}")
    to_kjj = sent.get(user=users["kjj"]).text
    to_office = sent.get(user=users["office"]).text
    assert to_kjj == (
        f"收到督办单 {notice.number}：“你单位牵头的任务已逾期，请加快推进”，请于 2026-12-10 前回复"
    )
    assert to_office == f"已向科技经济局发出督办单 {notice.number}，要求于 2026-12-10 前回复"
    long = issue_notice(
        users["office"],
        plan.pk,
        {"to_org": "zy-gxq-kjj", "text": "请" * 80 + "。", "reply_due": "2026-12-10"},
        today=date(2026, 11, 30),
    )
    text = Notification.objects.get(event=f"notice:{long.pk}", user=users["kjj"]).text
    assert "请" * 60 + "……”" in text and "。，" not in text


def test_tick_command_is_idempotent(plan, users, capsys):
    assign(plan, users, "一.1", start="2025-09-01", due="2025-10-31")
    call_command("tick", "--today", "2025-11-03")
    out = capsys.readouterr().out
    assert "红灯 1" in out and "新发提醒 0 条" not in out
    call_command("tick", "--today", "2025-11-03")
    assert "新发提醒 0 条" in capsys.readouterr().out
    with pytest.raises(Exception, match="YYYY-MM-DD"):
        call_command("tick", "--today", "明天")


def test_backward_schedule_export(plan, users, tmp_path):
    assign(plan, users, "一.2", due="2025-12-31", responsible="=cmd|' /C calc'!A0")
    assign(plan, users, "一.1", due="2025-10-31", support_orgs=["zy-gxq-sfj"])
    out = tmp_path / "倒排表.xlsx"
    call_command("plan", "export", str(plan.pk), "--xlsx", str(out), "--today", "2025-11-03")
    ws = load_workbook(out).active
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert rows[0] == [
        "序号",
        "任务",
        "牵头单位",
        "配合单位",
        "责任人",
        "开始时间",
        "完成时限",
        "进度",
        "状态",
    ]
    assert (
        rows[1][1].startswith("一.1 ")
        and rows[1][3] == "司法分局"
        and rows[1][8].startswith("红灯")
    )
    assert rows[2][1].startswith("一.2 ") and rows[2][4].startswith("'=")
    assert all(c.data_type != "f" for r in ws.iter_rows() for c in r)


def test_plan_cli(framework, capsys, tmp_path):
    from tests.conftest import SEED_PLAN

    call_command("plan", "load", str(SEED_PLAN))
    call_command("plan", "load", str(SEED_PLAN))
    assert "内容相同" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "code: x\ntitle: t\nversion: 1\ntasks:\n  - number: '一'\n    title: a\n    lead: nobody\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit):
        call_command("plan", "load", str(bad))
    err = capsys.readouterr().err
    assert f"{bad}:7:" in err and "nobody" in err
    assert Task.objects.count() == 0
    with pytest.raises(Exception, match="不存在"):
        call_command("plan", "export", "999", "--xlsx", str(tmp_path / "x.xlsx"))


def test_a_task_due_in_a_year_without_its_notice_has_a_tentative_light(plan, users, api):
    # Issue 9 item 2. Today 2026-11-30, start Mon 2026-11-02, due 2027-03-31; 2027 counted
    # with weekends only. Elapsed (11-02, 11-30]: 20 working days; total: 20 + Dec 23 +
    # Jan 21 + Feb 20 + Mar 23 = 107; 序时进度 20*100//107 = 18%, progress 0 lags by 18 <= 20,
    # 87 working days left -> green, 暂定.
    t = assign(plan, users, "一.1", start="2026-11-02", due="2027-03-31")
    got = light(api("office"), t, "2026-11-30")
    assert (got["color"], got["reason"], got["expected"]) == ("green", "进度正常", 18)
    assert got["tentative"].startswith("暂定：2027 年节假日安排尚未录入")
    tasks = api("office").get(f"/plans/{plan.pk}?today=2026-11-30").json()["tasks"]
    parent = next(x for x in tasks if x["number"] == "一")  # its parent carries the mark too
    assert parent["light"]["color"] == "green" and parent["light"]["tentative"]


def test_milestones(plan, users, api):
    t = assign(plan, users, "一.1", start="2025-09-01", due="2025-10-31")
    office, kjj = api("office"), api("kjj")
    url = f"/tasks/{t.pk}/milestones"
    r = office.post(url, {"title": "起草决策事项目录", "due_date": "2025-11-30"})
    assert r.status_code == 422 and "不能晚于任务完成时限" in r.json()["detail"]
    r = office.post(url, {"title": "起草决策事项目录", "due_date": "2025-08-01"})
    assert r.status_code == 422 and r.json()["field"] == "due_date"
    assert office.post(url, {"due_date": "2025-10-01"}).json()["field"] == "title"
    assert kjj.post(url, {"title": "x", "due_date": "2025-10-01"}).status_code == 403
    m = office.post(url, {"title": "起草决策事项目录", "due_date": "2025-10-01"}).json()
    assert kjj.post(f"/milestones/{m['id']}/done").json()["done_on"]
    assert kjj.post(f"/milestones/{m['id']}/done").status_code == 409
    assert api("office2").post(f"/milestones/{m['id']}/done").status_code == 404
    assert office.get(f"/tasks/{t.pk}").json()["milestones"][0]["title"] == "起草决策事项目录"
