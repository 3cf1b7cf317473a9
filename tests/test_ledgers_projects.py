"""科技计划项目与资金 (item 10): stages in order, funds within budget, flags, the credit check
at 申报, its source, pages, API and the acceptance reminder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.assessments.sources import summarise
from fazhi.core.errors import ConflictError, RuleError
from fazhi.ledgers import project_steps, projects
from fazhi.ledgers.models import Project, ProjectEvent, ProjectFunds
from fazhi.ledgers.reminders import remind_acceptance_overdue
from fazhi.orgs.models import Org
from fazhi.workplan.models import Notification
from fazhi.workplan.supervision import notify

pytestmark = pytest.mark.django_db
TODAY = date(2026, 7, 15)
CODE = "91510100MA61234567"


def apply(users, **kw):
    body = {
        "title": "智能传感器研发",
        "applicant": "资阳某科技有限公司",
        "applicant_code": CODE,
        "department": "zy-gxq-kjj",
        "applied_on": "2026-01-10",
        **kw,
    }
    return projects.apply_project(users["office"], body, today=TODAY)


def step(users, p, event, **kw):
    return projects.project_event(users["office"], p.pk, {"event": event, **kw}, today=TODAY)


def score(users, p, name, score, **kw):
    body = {"name": name, "unit": f"{name}所在大学", "score": score, **kw}
    return project_steps.add_expert(users["office"], p.pk, body)


def to_executing(users, p):
    step(users, p, "screen", on="2026-01-20")
    for i, s in enumerate(("80", "90", "85", "60", "95")):
        score(users, p, f"专家{i}", s)
    step(users, p, "review", on="2026-02-01")
    step(
        users,
        p,
        "approve",
        on="2026-03-01",
        budget="100",
        contract_no="HT-1",
        starts_on="2026-03-01",
        due_on="2026-06-30",
    )
    return step(users, p, "start", on="2026-03-02")


def test_a_project_runs_through_its_stages_in_order(users):
    p = apply(users)
    assert p.stage == "applied" and p.credit_note == ""
    with pytest.raises(RuleError, match="不能办理“立项”"):
        step(users, p, "approve", budget="10")
    p = to_executing(users, p)
    assert p.review_score == Decimal("85.00")  # 5 experts: 60 and 95 dropped
    assert (p.stage, p.budget, p.due_on) == ("executing", Decimal("100"), date(2026, 6, 30))
    with pytest.raises(RuleError) as e:
        step(users, p, "midterm", on="2026-02-01")
    assert e.value.errors == {
        "on": "办理日期不能早于上一次办理（2026-03-02）",
        "note": "请填写中期检查情况",
    }
    with pytest.raises(ConflictError):
        step(users, p, "midterm", note="正常", version=1)
    p = step(users, p, "accept", on="2026-07-01", acceptance="passed")
    evaluation(users, p)
    p = step(users, p, "evaluate", grade="good")
    assert p.stage == "evaluated" and p.grade == "good"
    assert [e.kind for e in ProjectEvent.objects.filter(project=p)] == [
        "apply",
        "screen",
        "review",
        "approve",
        "start",
        "accept",
        "evaluate",
    ]
    with pytest.raises(PermissionDenied):
        step(users | {"office": users["kjj"]}, p, "evaluate", grade="good")


def evaluation(users, p):
    project_steps.add_indicator(
        users["office"], p.pk, {"name": "发明专利", "unit": "件", "planned": "2", "achieved": "3"}
    )
    project_steps.add_budget_line(
        users["office"], p.pk, {"line": "设备费", "budgeted": "60", "spent": "45"}
    )


def test_funds_never_above_budget_nor_spent_above_paid(users):
    p = apply(users)
    with pytest.raises(RuleError, match="不能登记资金"):
        projects.add_funds(users["office"], p.pk, {"kind": "paid", "amount": "1"}, today=TODAY)
    p = to_executing(users, p)
    projects.add_funds(users["office"], p.pk, {"kind": "paid", "amount": "60"}, today=TODAY)
    with pytest.raises(RuleError, match="超过预算 100") as e:
        projects.add_funds(users["office"], p.pk, {"kind": "paid", "amount": "40.01"}, today=TODAY)
    assert e.value.field == "amount"
    with pytest.raises(RuleError, match="超过已拨付 60"):
        projects.add_funds(users["office"], p.pk, {"kind": "spent", "amount": "61"}, today=TODAY)
    projects.add_funds(
        users["office"], p.pk, {"kind": "spent", "amount": "45", "line": "设备费"}, today=TODAY
    )
    p.refresh_from_db()
    assert (p.paid, p.spent) == (Decimal("60"), Decimal("45"))
    assert ProjectFunds.objects.count() == 2
    # overdue acceptance (due 06-30) and, once accepted, the unspent funds
    f = projects.flags_of(p, TODAY)
    assert f.acceptance_overdue and f.unspent == 0
    step(users, p, "accept", acceptance="closed")
    p.refresh_from_db()
    assert projects.flags_of(p, TODAY).unspent == Decimal("15")
    s = summarise("projects", p.zone, 2026, TODAY)
    assert "已验收未做资金绩效评价的项目 1 个：智能传感器研发" in s.missing
    assert "已验收仍有资金结余的项目 1 个：智能传感器研发" in s.missing
    assert s.proposal is None
    assert {f.label: f.shown() for f in s.figures}["已拨付"] == "60.00 万元"


def test_an_applicant_with_a_recorded_breach_is_flagged_at_application(users):
    with pytest.raises(RuleError) as e:
        projects.add_credit_note(
            users["office"], {"applicant_code": "123", "on": "2030-01-01"}, today=TODAY
        )
    assert set(e.value.errors) == {"applicant_code", "applicant", "breach", "on"}
    projects.add_credit_note(
        users["office"],
        {
            "applicant_code": CODE,
            "applicant": "资阳某科技有限公司",
            "breach": "虚报项目经费",
            "on": "2025-05-01",
        },
        today=TODAY,
    )
    p = apply(users)
    assert p.credit_note == "2025-05-01 虚报项目经费"
    assert projects.flags_of(p, TODAY).credit_breach


def test_a_bad_application_is_refused_whole(users):
    with pytest.raises(RuleError) as e:
        apply(users, title="", applicant_code="x", applied_on="2027-01-01", department="nope")
    assert set(e.value.errors) == {"title", "applicant_code", "department", "applied_on"}
    assert not Project.objects.exists()


def test_acceptance_overdue_is_reminded_once(users):
    p = to_executing(users, apply(users))
    assert remind_acceptance_overdue(date(2026, 6, 30), notify) == 0
    assert remind_acceptance_overdue(date(2026, 7, 1), notify) == 2  # the office and kjj
    assert remind_acceptance_overdue(date(2026, 7, 2), notify) == 0
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"office", "kjj"}
    assert Notification.objects.first().url == f"/projects/{p.pk}/"


def test_register_page_constant_queries_and_actions_by_role(users, login):
    office, leader = login("office"), login("leader")
    for i in range(2):
        apply(users, title=f"项目{i}")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert office.get("/projects/?year=2026").status_code == 200
        return len(ctx)

    count()
    small = count()
    for i in range(2, 12):
        to_executing(users, apply(users, title=f"项目{i}"))
    assert count() == small
    zone = Org.objects.get(code="zy-gxq")
    with CaptureQueriesContext(connection) as ctx:
        summarise("projects", zone, 2026, TODAY)
    assert len(ctx) == 3  # the projects, their indicators, their budget lines
    assert "登记项目申报" in office.get("/projects/?year=2026").content.decode()
    assert "登记项目申报" not in leader.get("/projects/?year=2026").content.decode()
    p = Project.objects.first()
    assert "办理事项" in office.get(f"/projects/{p.pk}/").content.decode()
    assert "办理事项" not in leader.get(f"/projects/{p.pk}/").content.decode()
    r = office.post(f"/projects/{p.pk}/funds/", {"kind": "paid", "amount": "1000"})
    assert r.status_code == 422 and "超过预算" in r.content.decode()


def test_projects_through_the_api(api):
    office = api("office")
    r = office.post(
        "/projects",
        {
            "title": "项目",
            "applicant": "某公司",
            "applicant_code": CODE,
            "applied_on": "2026-01-05",
        },
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["allowed_events"] == ["screen", "screen_fail"]
    r = office.post(f"/projects/{pid}/events", {"event": "evaluate"})
    assert r.status_code == 422 and r.json()["field"] == "event"
    r = office.post(f"/projects/{pid}/events", {"event": "screen", "on": "2026-01-06"})
    assert r.status_code == 200 and r.json()["stage"] == "screened"
    assert office.post(f"/projects/{pid}/funds", {"kind": "paid", "amount": 1}).status_code == 422
    assert api("kjj").post(f"/projects/{pid}/events", {"event": "review"}).status_code == 403
    assert api("office2").get(f"/projects/{pid}").status_code == 404
    assert [p["id"] for p in api("leader").get("/projects?year=2026").json()] == [pid]
