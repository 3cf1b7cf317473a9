"""科技计划项目 between its stages (issue 14): the experts of 专家评审 under the province review's
conflict rule, changes (变更) that need the office's approval, and the 绩效评价 figures
(indicators planned against achieved, funds per budget line) on the page and in the yearly
summary."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fazhi.assessments.sources import summarise
from fazhi.audit.models import AuditEntry
from fazhi.core.errors import ConflictError, RuleError
from fazhi.ledgers import project_steps as steps
from fazhi.ledgers import projects
from fazhi.ledgers.models import Project, ProjectChange, ProjectExpert, ProjectIndicator
from fazhi.ledgers.reminders import remind_certificates, remind_ledgers_due
from fazhi.workplan.models import Notification
from fazhi.workplan.supervision import notify
from tests.test_ledgers_projects import CODE, TODAY, apply, evaluation, score, step, to_executing

pytestmark = pytest.mark.django_db


def screened(users):
    p = apply(users)
    return step(users, p, "screen", on="2026-01-20")


# ---------------------------------------------------------------- 专家评审


def test_an_expert_from_the_applicant_or_declaring_an_interest_cannot_score(users):
    p = screened(users)
    with pytest.raises(RuleError) as e:
        score(users, p, "王五", "90", unit="某大学", unit_code=CODE)
    assert e.value.field == "name"
    assert e.value.message == "专家 王五（某大学）须回避，不能评审该项目：来自申报单位"
    with pytest.raises(RuleError, match="专家 赵六（资阳某科技 有限公司）须回避.*来自申报单位"):
        score(users, p, "赵六", "90", unit=" 资阳某科技 有限公司")  # the same unit by its name
    with pytest.raises(RuleError) as e:
        score(users, p, "钱七", "90", conflict="曾为申报单位技术顾问")
    assert e.value.message == (
        "专家 钱七（钱七所在大学）须回避，不能评审该项目："
        "已声明与该项目存在利害关系（曾为申报单位技术顾问）"
    )
    assert not ProjectExpert.objects.exists()
    assert not AuditEntry.objects.filter(action="project.expert").exists()
    score(users, p, "孙八", "88.5", unit_code="91510100MA61234568")  # another unit: scores
    assert ProjectExpert.objects.get().score == Decimal("88.5")


def test_expert_scores_bad_input_refused_whole(users):
    p = screened(users)
    with pytest.raises(RuleError) as e:
        steps.add_expert(
            users["office"], p.pk, {"name": "", "unit": "", "unit_code": "123", "score": "101"}
        )
    assert e.value.errors == {
        "name": "请填写专家姓名",
        "unit": "请填写工作单位",
        "unit_code": "统一社会信用代码应为 18 位（数字或大写字母）",
        "score": "评分不能超过 100",
    }
    for bad, message in (("abc", "评分必须是数字"), ("-1", "评分不能为负数"), ("", "请填写评分")):
        with pytest.raises(RuleError, match=message):
            score(users, p, "甲", bad)
    with pytest.raises(RuleError, match="最多保留 2 位小数"):
        score(users, p, "甲", "80.125")
    score(users, p, "甲", "80")
    with pytest.raises(RuleError, match="专家 甲 已登记评分"):
        score(users, p, "甲", "70")
    assert ProjectExpert.objects.count() == 1


def test_the_panel_score_is_the_trimmed_mean_of_the_recorded_experts(users):
    p = apply(users)
    with pytest.raises(RuleError, match="只能在“形式审查通过”阶段登记"):
        score(users, p, "甲", "80")
    p = step(users, p, "screen", on="2026-01-20")
    score(users, p, "甲", "80")
    score(users, p, "乙", "90")
    with pytest.raises(RuleError) as e:
        step(users, p, "review")
    assert e.value.errors == {"event": "专家评审至少需要 3 位专家的评分（已登记 2 位）"}
    score(users, p, "丙", "85")
    p = step(users, p, "review")
    assert p.review_score == Decimal("85.00")  # 3 experts: the plain mean
    assert p.events.get(kind="review").data == {"scores": ["甲 80.00", "乙 90.00", "丙 85.00"]}
    with pytest.raises(RuleError, match="只能在“形式审查通过”阶段登记"):
        score(users, p, "丁", "80")
    with pytest.raises(PermissionDenied):
        steps.add_expert(users["kjj"], p.pk, {"name": "戊", "unit": "大学", "score": "80"})


# ---------------------------------------------------------------- 变更


def change(users, p, who="office", **kw):
    return steps.request_change(users[who], p.pk, kw, today=TODAY)


def decide(users, c, decision, who="office", **kw):
    return steps.decide_change(users[who], c.pk, {"decision": decision, **kw}, today=TODAY)


def test_only_an_approved_change_alters_the_project(users):
    p = to_executing(users, apply(users))
    projects.add_funds(users["office"], p.pk, {"kind": "paid", "amount": "60"}, today=TODAY)
    c = change(users, p, who="kjj", kind="budget", reason="增加测试设备", new_budget="120")
    assert (c.status, c.requested_by.username) == ("requested", "kjj")
    p.refresh_from_db()
    assert p.budget == Decimal("100")  # requested only
    with pytest.raises(ConflictError, match="已有待审批的变更"):
        change(users, p, kind="content", reason="调整", new_content="新内容")
    with pytest.raises(PermissionDenied):
        decide(users, c, "approve", who="kjj")  # the department asks, the office decides
    with pytest.raises(ConflictError, match="已被他人处理"):
        decide(users, c, "approve", version="7")
    c = decide(users, c, "approve", opinion="同意")
    p.refresh_from_db()
    assert (c.status, c.before, p.budget) == ("approved", {"budget": "100.00"}, Decimal("120"))
    event = p.events.get(kind="change")
    assert event.data == {"before": {"budget": "100.00"}, "after": {"budget": "120.00"}}
    with pytest.raises(ConflictError, match="该变更已审批（已批准），不能再审批"):
        decide(users, c, "reject", opinion="x")
    c2 = change(
        users, p, kind="dates", reason="延期", new_starts_on="2026-03-01", new_due_on="2026-12-31"
    )
    with pytest.raises(RuleError) as e:
        decide(users, c2, "reject")
    assert e.value.errors == {"opinion": "不予批准时请填写审批意见"}
    c2 = decide(users, c2, "reject", opinion="理由不充分")
    p.refresh_from_db()
    assert (c2.status, p.due_on) == ("rejected", date(2026, 6, 30))  # unchanged
    entry = AuditEntry.objects.filter(action="project.change.approve").get()
    assert json.loads(entry.before) == {"budget": "100.00"}


def test_a_change_below_what_was_paid_or_out_of_order_is_refused(users):
    p = apply(users)
    with pytest.raises(RuleError, match="只有执行中的项目可以变更"):
        change(users, p, kind="content", reason="x", new_content="y")
    p = to_executing(users, p)
    with pytest.raises(RuleError) as e:
        change(
            users, p, kind="dates", reason="", new_starts_on="2026-05-01", new_due_on="2026-04-01"
        )
    assert e.value.errors == {
        "reason": "请填写变更理由",
        "new_due_on": "验收期限应晚于开始日期",
    }
    with pytest.raises(RuleError) as e:
        change(users, p, kind="scope", reason="x")
    assert e.value.errors == {"kind": "变更类别只能是：预算调整、执行期调整、研究内容调整"}
    with pytest.raises(RuleError) as e:
        change(users, p, kind="budget", reason="x", new_budget="-5")
    assert e.value.errors == {"new_budget": "调整后预算必须大于 0"}
    with pytest.raises(PermissionDenied):
        change(users, p, who="leader", kind="content", reason="x", new_content="y")
    with pytest.raises(Http404):
        change(users, p, who="office2", kind="content", reason="x", new_content="y")
    assert not ProjectChange.objects.exists()
    projects.add_funds(users["office"], p.pk, {"kind": "paid", "amount": "80"}, today=TODAY)
    c = change(users, p, kind="budget", reason="压减", new_budget="70")
    with pytest.raises(RuleError) as e:
        decide(users, c, "approve")
    assert e.value.errors == {"decision": "调整后的预算 70.00 万元低于已拨付的 80.00 万元"}
    c.refresh_from_db()
    p.refresh_from_db()
    assert (c.status, p.budget) == ("requested", Decimal("100"))


# ---------------------------------------------------------------- 绩效评价


def accepted(users):
    p = to_executing(users, apply(users))
    return step(users, p, "accept", on="2026-07-01", acceptance="passed")


def test_evaluation_needs_indicators_and_budget_lines_within_the_budget(users):
    p = accepted(users)
    with pytest.raises(RuleError) as e:
        step(users, p, "evaluate", grade="good")
    assert e.value.errors == {"grade": "请先登记绩效指标和预算科目支出，再评定绩效评价等次"}
    with pytest.raises(RuleError) as e:
        steps.add_indicator(
            users["office"], p.pk, {"name": "", "unit": "", "planned": "0", "achieved": "-1"}
        )
    assert e.value.errors == {
        "name": "请填写绩效指标",
        "unit": "请填写单位",
        "planned": "计划值必须大于 0",
        "achieved": "实际完成值不能为负数",
    }
    with pytest.raises(RuleError) as e:
        steps.add_budget_line(
            users["office"], p.pk, {"line": "设备费", "budgeted": "50", "spent": "50.01"}
        )
    assert e.value.errors == {"spent": "支出 50.01 万元超过该科目预算 50 万元"}
    steps.add_budget_line(
        users["office"], p.pk, {"line": "设备费", "budgeted": "80", "spent": "70"}
    )
    with pytest.raises(RuleError) as e:
        steps.add_budget_line(
            users["office"], p.pk, {"line": "材料费", "budgeted": "20.01", "spent": "0"}
        )
    assert e.value.errors == {
        "budgeted": "各预算科目合计 100.01 万元将超过项目预算 100.00 万元（还可列 20.00 万元）"
    }
    with pytest.raises(RuleError, match="预算科目“设备费”已登记"):
        steps.add_budget_line(
            users["office"], p.pk, {"line": "设备费", "budgeted": "1", "spent": "0"}
        )
    with pytest.raises(RuleError, match="请先登记绩效指标，再评定"):
        step(users, p, "evaluate", grade="good")
    steps.add_indicator(
        users["office"], p.pk, {"name": "发明专利", "unit": "件", "planned": "4", "achieved": "3"}
    )
    p = step(users, p, "evaluate", grade="pass")
    assert p.grade == "pass"
    assert ProjectIndicator.objects.get().percent == 75
    with pytest.raises(RuleError, match="只能在“验收”阶段登记"):
        steps.add_indicator(
            users["office"], p.pk, {"name": "论文", "unit": "篇", "planned": "1", "achieved": "1"}
        )


def test_evaluation_figures_in_the_yearly_summary(users):
    p = accepted(users)
    evaluation(users, p)
    s = summarise("projects", p.zone, 2026, TODAY)
    row = dict(zip(s.headers, s.rows[0], strict=True))
    assert row["绩效指标（实际/计划，完成率）"] == "发明专利 3/2件（150%）"
    assert row["预算科目（支出/预算，万元）"] == "设备费 45.00/60.00"
    # the scoring page shows the same summary without the records, in one query
    from dataclasses import replace

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.assessments.sources import source

    with CaptureQueriesContext(connection) as queries:
        shown = source("projects").page_summary(p.zone, 2026, TODAY)
    assert shown == replace(s, rows=()) and len(queries) == 1


# ---------------------------------------------------------------- the page


def test_project_page_shows_each_step_to_who_may_take_it(users, login):
    office, kjj, leader = login("office"), login("kjj"), login("leader")
    p = screened(users)
    url = f"/projects/{p.pk}/"
    assert "登记专家评分" in office.get(url).content.decode()
    assert "登记专家评分" not in leader.get(url).content.decode()
    r = office.post(
        f"/projects/{p.pk}/experts/",
        {"name": "王五", "unit": "某大学", "unit_code": CODE, "score": "90"},
    )
    body = r.content.decode()
    assert r.status_code == 422 and "专家 王五（某大学）须回避" in body and 'value="王五"' in body
    for i in range(3):
        score(users, p, f"专家{i}", "80")
    step(users, p, "review")
    r = office.post(f"/projects/{p.pk}/experts/", {"name": "迟到", "unit": "大学", "score": "80"})
    assert r.status_code == 302  # read at another stage: said as a message, nothing written
    assert "只能在“形式审查通过”阶段登记" in office.get(url).content.decode()
    assert not ProjectExpert.objects.filter(name="迟到").exists()
    step(
        users,
        p,
        "approve",
        budget="100",
        contract_no="HT-1",
        starts_on="2026-03-01",
        due_on="2026-06-30",
    )
    step(users, p, "start")
    assert "申请变更" in kjj.get(url).content.decode()
    assert "申请变更" not in leader.get(url).content.decode()
    r = kjj.post(f"/projects/{p.pk}/changes/", {"kind": "dates", "reason": "延期"})
    assert r.status_code == 422 and "请填写调整后开始日期" in r.content.decode()
    r = kjj.post(
        f"/projects/{p.pk}/changes/",
        {
            "kind": "dates",
            "reason": "设备到货延迟",
            "new_starts_on": "2026-03-01",
            "new_due_on": "2026-09-30",
        },
    )
    assert r.status_code == 302
    c = ProjectChange.objects.get()
    assert "审批变更" not in kjj.get(url).content.decode()
    assert "申请变更" not in office.get(url).content.decode()  # one pending at a time
    assert (
        kjj.post(f"/projects/changes/{c.pk}/decision/", {"decision": "approve"}).status_code == 403
    )
    r = office.post(
        f"/projects/changes/{c.pk}/decision/", {"decision": "approve", "version": c.version}
    )
    assert r.status_code == 302
    body = office.get(url).content.decode()
    assert "执行期调整为 2026-03-01 至 2026-09-30（原：2026-03-01 至 2026-06-30）" in body
    assert "已批准" in body and "项目变更（经批准）" in body
    assert Project.objects.get().due_on == date(2026, 9, 30)


def test_the_steps_through_the_api(users, api):
    office, kjj = api("office"), api("kjj")
    p = screened(users)
    r = office.post(
        f"/projects/{p.pk}/experts",
        {"name": "王五", "unit": "某大学", "unit_code": CODE, "score": 90},
    )
    assert r.status_code == 422 and r.json()["field"] == "name" and "须回避" in r.json()["detail"]
    r = office.post(f"/projects/{p.pk}/experts", {"name": "王五", "unit": "某大学", "score": 90})
    assert r.status_code == 201 and r.json()["experts"] == [
        {"name": "王五", "unit": "某大学", "score": "90.00"}
    ]
    for i in range(2):
        score(users, p, f"专家{i}", "80")
    step(users, p, "review")
    step(
        users,
        p,
        "approve",
        budget="100",
        contract_no="HT",
        starts_on="2026-03-01",
        due_on="2026-06-30",
    )
    step(users, p, "start")
    r = kjj.post(
        f"/projects/{p.pk}/changes", {"kind": "content", "reason": "调整", "new_content": "新"}
    )
    assert r.status_code == 201 and r.json()["status"] == "requested"
    cid = r.json()["id"]
    assert kjj.post(f"/projects/changes/{cid}/decision", {"decision": "approve"}).status_code == 403
    r = office.post(f"/projects/changes/{cid}/decision", {"decision": "approve", "version": 1})
    assert r.status_code == 200 and r.json()["before"] == {"content": ""}
    r = office.post(f"/projects/{p.pk}/events", {"event": "accept", "acceptance": "passed"})
    assert r.status_code == 200  # the API's today: after the approval's
    r = office.post(
        f"/projects/{p.pk}/indicators", {"name": "专利", "unit": "件", "planned": 2, "achieved": 1}
    )
    assert r.status_code == 201 and r.json()["percent"] == 50
    r = office.post(
        f"/projects/{p.pk}/budget-lines", {"line": "设备费", "budgeted": 10, "spent": 11}
    )
    assert r.status_code == 422 and r.json()["field"] == "spent"
    detail = office.get(f"/projects/{p.pk}").json()
    assert detail["content"] == "新" and detail["changes"][0]["status"] == "approved"
    assert detail["budget_lines"] == []


# ---------------------------------------------------------------- the certificate's reminders


def test_a_certificate_is_named_with_its_end_or_not_at_all(users):
    with pytest.raises(RuleError) as e:
        apply(users, certificate="高新技术企业证书")
    assert e.value.errors == {"certificate_valid_to": "填写了证书名称，请同时填写证书有效期至"}
    with pytest.raises(RuleError) as e:
        apply(users, certificate_valid_to="2026-09-01")
    assert e.value.errors == {"certificate": "填写了证书有效期，请同时填写证书名称"}
    with pytest.raises(RuleError) as e:
        apply(users, certificate="证书", certificate_valid_to="2026-02-30")
    assert set(e.value.errors) == {"certificate_valid_to"}
    assert not Project.objects.exists()
    p = apply(users, certificate="高新技术企业证书", certificate_valid_to="2026-09-01")
    assert (p.certificate, p.certificate_valid_to) == ("高新技术企业证书", date(2026, 9, 1))


def test_a_certificate_expiring_then_expired_is_reminded_once_each(users, login):
    p = apply(users, certificate="高新技术企业证书", certificate_valid_to="2026-09-12")
    closed = apply(users, title="已结项目", certificate="证书", certificate_valid_to="2026-08-01")
    Project.objects.filter(pk=closed.pk).update(stage="evaluated")
    assert remind_certificates(date(2026, 7, 13), notify) == 0  # 61 days before
    assert remind_certificates(date(2026, 7, 14), notify) == 2  # 60 days: office and kjj
    assert remind_certificates(date(2026, 7, 15), notify) == 0
    n = Notification.objects.get(user__username="kjj")
    assert n.text == (
        "科技计划项目“智能传感器研发”的高新技术企业证书有效期至 2026-09-12，"
        "即将到期，请及时办理续期或更新。"
    )
    assert n.url == f"/projects/{p.pk}/"
    assert remind_certificates(date(2026, 9, 12), notify) == 0  # its last valid day
    assert remind_certificates(date(2026, 9, 13), notify) == 2  # expired
    assert remind_certificates(date(2026, 10, 1), notify) == 0
    assert Notification.objects.filter(text__contains="已过期").count() == 2
    assert remind_ledgers_due(date(2026, 10, 2), notify) == 0
    body = login("leader").get(f"/projects/{p.pk}/").content.decode()  # today: after 09-12
    assert "高新技术企业证书有效期至 2026-09-12，已过期" in body
