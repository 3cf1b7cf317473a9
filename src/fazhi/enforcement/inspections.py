"""执法检查 (层级监督): inspection plans, their findings, and each finding's rectification
task put into the zone's work plan as a sub-task (整改), so that the work plan's own
supervision - lights, reminders, 督办 - chases it."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core.errors import Collect
from fazhi.core.validate import int_in, parse_date, text
from fazhi.orgs.models import Org
from fazhi.registers import clock
from fazhi.workplan.models import Task
from fazhi.workplan.services import add_subtask, update_task

from . import access
from .models import Finding, InspectionPlan

KINDS = dict(InspectionPlan.Kind.choices)


@transaction.atomic
def add_plan(actor, data: dict) -> InspectionPlan:
    zone = access.zone_of_user(actor)
    if zone is None:
        raise Http404("园区不存在或无权访问")
    access.require_office(actor, zone)
    check = Collect()
    title = check(text, data.get("title"), "title", "检查名称", limit=200, required=True)
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        check.errors["kind"] = "请选择检查类型：定期检查或专项检查"
    year = check(int_in, data.get("year"), "year", "年度", 2000, 2100)
    scope = check(text, data.get("scope"), "scope", "检查范围与内容", limit=2000) or ""
    check.done()
    plan = InspectionPlan.objects.create(
        zone=zone, title=title, kind=kind, year=year, scope=scope, created_by=actor
    )
    record(actor, "enforcement.inspection.add", plan, after={"title": title, "kind": kind})
    return plan


def plan_of(user, plan_id) -> InspectionPlan:
    plan = InspectionPlan.objects.select_related("zone").filter(pk=plan_id).first()
    if plan is None or not access.can_see(user, plan.zone, None):
        raise Http404("执法检查不存在或无权查看")
    return plan


@transaction.atomic
def add_finding(actor, plan_id, data: dict, today: date | None = None) -> Finding:
    """A finding and its rectification task: a sub-task of the work-plan task named by
    `task` (its number, e.g. 三.2), led by the department, due on `due_on`."""
    today = today or clock.today()
    plan = plan_of(actor, plan_id)
    access.require_office(actor, plan.zone)
    check = Collect()
    dept = Org.objects.filter(
        code=str(data.get("department") or ""), kind=Org.Kind.DEPARTMENT, parent=plan.zone
    ).first()
    if dept is None:
        check.errors["department"] = "请选择本园区的整改部门"
    body = check(text, data.get("text"), "text", "发现的问题", limit=2000, required=True)
    due = check(parse_date, data.get("due_on"), "due_on", "整改期限")
    if due and due <= today:
        check.errors.setdefault("due_on", f"整改期限须晚于今天 {today}")
    number = str(data.get("task") or "").strip()
    parent = (
        Task.objects.filter(plan__zone=plan.zone, number=number, done_at__isnull=True)
        .order_by("-plan__year", "-plan_id")
        .first()
        if number
        else None
    )
    if parent is None:
        check.errors["task"] = (
            "请填写本园区工作方案中未办结的任务编号（如 三.2），整改任务将列在其下"
        )
    check.done()
    sub = add_subtask(actor, parent.pk, {"title": f"整改：{body[:60]}（{plan.title}）"})
    sub = update_task(
        actor,
        sub.pk,
        {"version": sub.version, "lead_org": dept.code, "due_date": due.isoformat(), "text": body},
        today=today,
    )
    finding = Finding.objects.create(plan=plan, department=dept, text=body, due_on=due, task=sub)
    record(
        actor,
        "enforcement.inspection.finding",
        finding,
        after={
            "plan": plan.pk,
            "task": sub.number,
            "department": dept.code,
            "due_on": due.isoformat(),
        },
    )
    return finding
