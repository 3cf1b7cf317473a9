"""Work-plan API: plans, tasks with lights, progress, extensions, supervision notices."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from ninja import Router, Status

from fazhi.core import lights
from fazhi.core.errors import RuleError
from fazhi.workplan import notices, progress, selectors, services
from fazhi.workplan.models import Notice, Notification

from .schemas.common import READ, WRITE
from .schemas.workplan import (
    ApprovedOut,
    DecisionIn,
    ExtensionIn,
    ExtensionOut,
    MilestoneIn,
    MilestoneOut,
    NoticeIn,
    NoticeOut,
    NoticeReplyIn,
    NotificationOut,
    PlanDetailOut,
    PlanIn,
    PlanOut,
    PlanSettingsIn,
    RejectedOut,
    ReportIn,
    ReportOut,
    SubtaskIn,
    TaskDetailOut,
    TaskIn,
    TaskOut,
)

router = Router(tags=["workplan"])


def _today(request) -> date:
    raw = request.GET.get("today")
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise RuleError("today", "today 格式应为 YYYY-MM-DD") from None


def task_dict(row: selectors.TaskRow) -> dict:
    t = row.task
    light = row.light
    return {
        "id": t.pk,
        "number": t.number,
        "kind": t.kind,
        "title": t.title,
        "text": t.text,
        "parent": t.parent_id,
        "lead_org": t.lead_org.code if t.lead_org_id else None,
        "support_orgs": [o.code for o in t.support_orgs.all()],
        "responsible": t.responsible,
        "start_date": t.start_date,
        "due_date": t.due_date,
        "due_in_force": t.due_in_force or t.due_date,
        "progress": t.progress,
        "done_at": t.done_at,
        "version": t.version,
        "light": None
        if light is None
        else {
            "color": light.color,
            "label": lights.LABELS.get(light.color, ""),
            "reason": light.reason,
            "expected": light.expected,
            "tentative": light.tentative,
        },
    }


def plan_dict(plan, rows=None) -> dict:
    data = {
        "id": plan.pk,
        "zone": plan.zone.code,
        "title": plan.title,
        "year": plan.year,
        "template": plan.template.code if plan.template_id else None,
        "yellow_days": plan.yellow_days,
        "lag_points": plan.lag_points,
        "report_day": plan.report_day,
        "version": plan.version,
    }
    if rows is not None:
        data["tasks"] = [task_dict(r) for r in rows]
    return data


@router.get("/plans", response={200: list[PlanOut], **READ}, summary="工作方案列表")
def list_plans(request):
    return [plan_dict(p) for p in selectors.plans_for(request.user).select_related("template")]


@router.post("/plans", response={201: PlanOut, **WRITE}, summary="按模板创建工作方案")
def create_plan(request, payload: PlanIn):
    plan = services.create_plan(
        request.user,
        payload.zone or "",
        payload.template or "",
        payload.year,
        report_day=payload.report_day,
        title=payload.title,
    )
    return Status(201, plan_dict(plan))


@router.get(
    "/plans/{int:plan_id}",
    response={200: PlanDetailOut, **READ},
    summary="工作方案及任务（含红黄绿灯）",
)
def get_plan(request, plan_id: int):
    """The plan with its task tree; each task's light as of today (or ?today=YYYY-MM-DD)."""
    plan = selectors.get_plan(request.user, plan_id)
    rows = selectors.task_rows(plan, _today(request))
    visible = set(selectors.tasks_for(request.user).filter(plan=plan).values_list("pk", flat=True))
    return plan_dict(plan, [r for r in rows if r.task.pk in visible])


@router.patch("/plans/{int:plan_id}", response={200: PlanOut, **WRITE}, summary="修改工作方案设置")
def update_plan(request, plan_id: int, payload: PlanSettingsIn):
    """Thresholds: yellow_days, lag_points, report_day (with version)."""
    return plan_dict(services.update_plan_settings(request.user, plan_id, payload.data()))


def _row(user, task_id, today) -> selectors.TaskRow:
    task = selectors.get_task(user, task_id)
    rows = {r.task.pk: r for r in selectors.task_rows(task.plan, today)}
    return rows[task.pk]


@router.get("/tasks/{int:task_id}", response={200: TaskDetailOut, **READ}, summary="任务详情")
def get_task(request, task_id: int):
    row = _row(request.user, task_id, _today(request))
    data = task_dict(row)
    t = row.task
    data["reports"] = [
        {"reported_on": r.reported_on, "percent": r.percent, "text": r.text, "reason": r.reason}
        for r in t.reports.all()
    ]
    data["extensions"] = [
        {
            "id": e.pk,
            "requested_on": e.requested_on,
            "old_due": e.old_due,
            "new_due": e.new_due,
            "reason": e.reason,
            "state": e.state,
        }
        for e in t.extensions.all()
    ]
    data["indicators"] = [i.code for i in t.indicators.all()]
    data["milestones"] = [
        {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on}
        for m in t.milestones.all()
    ]
    return data


@router.put("/tasks/{int:task_id}", response={200: TaskOut, **WRITE}, summary="分配任务")
def update_task(request, task_id: int, payload: TaskIn):
    services.update_task(request.user, task_id, payload.data())
    return task_dict(_row(request.user, task_id, timezone.localdate()))


@router.post("/tasks/{int:task_id}/subtasks", response={201: TaskOut, **WRITE}, summary="分解任务")
def add_subtask(request, task_id: int, payload: SubtaskIn):
    child = services.add_subtask(request.user, task_id, payload.data())
    return Status(201, task_dict(_row(request.user, child.pk, timezone.localdate())))


@router.post(
    "/tasks/{int:task_id}/reports", response={201: ReportOut, **WRITE}, summary="填报任务进展"
)
def report(request, task_id: int, payload: ReportIn):
    r = progress.report_progress(request.user, task_id, payload.data())
    return Status(
        201,
        {
            "id": r.pk,
            "reported_on": r.reported_on,
            "percent": r.percent,
            "task": task_dict(_row(request.user, task_id, timezone.localdate())),
        },
    )


@router.post(
    "/tasks/{int:task_id}/extensions", response={201: ExtensionOut, **WRITE}, summary="申请延期"
)
def request_extension(request, task_id: int, payload: ExtensionIn):
    e = progress.request_extension(request.user, task_id, payload.data())
    return Status(201, {"id": e.pk, "state": e.state, "old_due": e.old_due, "new_due": e.new_due})


@router.post(
    "/extensions/{int:extension_id}/approve",
    response={200: ApprovedOut, **WRITE},
    summary="批准延期",
)
def approve_extension(request, extension_id: int, payload: DecisionIn):
    e = progress.decide_extension(request.user, extension_id, True, payload.note)
    return {"id": e.pk, "state": e.state, "new_due": e.new_due}


@router.post(
    "/extensions/{int:extension_id}/reject",
    response={200: RejectedOut, **WRITE},
    summary="不批准延期",
)
def reject_extension(request, extension_id: int, payload: DecisionIn):
    e = progress.decide_extension(request.user, extension_id, False, payload.note)
    return {"id": e.pk, "state": e.state}


@router.post(
    "/tasks/{int:task_id}/milestones", response={201: MilestoneOut, **WRITE}, summary="设置时间节点"
)
def add_milestone(request, task_id: int, payload: MilestoneIn):
    """A dated step of the task."""
    m = services.add_milestone(request.user, task_id, payload.data())
    return Status(201, {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on})


@router.post(
    "/milestones/{int:milestone_id}/done",
    response={200: MilestoneOut, **WRITE},
    summary="确认节点完成",
)
def complete_milestone(request, milestone_id: int):
    m = services.complete_milestone(request.user, milestone_id)
    return {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on}


@router.post("/tasks/{int:task_id}/close", response={200: TaskOut, **WRITE}, summary="办结销号")
def close_task(request, task_id: int):
    progress.close_task(request.user, task_id)
    return task_dict(_row(request.user, task_id, timezone.localdate()))


def notice_dict(n: Notice) -> dict:
    return {
        "id": n.pk,
        "number": n.number,
        "to_org": n.to_org.code,
        "task": n.task.number if n.task_id else None,
        "text": n.text,
        "issued_on": n.issued_on,
        "reply_due": n.reply_due,
        "reply_text": n.reply_text,
        "replied_on": n.replied_on,
        "closed_on": n.closed_on,
        "state": n.state,
    }


@router.get(
    "/plans/{int:plan_id}/notices", response={200: list[NoticeOut], **READ}, summary="督办单列表"
)
def list_notices(request, plan_id: int):
    plan = selectors.get_plan(request.user, plan_id)
    return [notice_dict(n) for n in selectors.notices_for(request.user).filter(plan=plan)]


@router.post(
    "/plans/{int:plan_id}/notices", response={201: NoticeOut, **WRITE}, summary="下发督办单"
)
def issue_notice(request, plan_id: int, payload: NoticeIn):
    return Status(201, notice_dict(notices.issue_notice(request.user, plan_id, payload.data())))


@router.post(
    "/notices/{int:notice_id}/reply", response={200: NoticeOut, **WRITE}, summary="回复督办单"
)
def reply_notice(request, notice_id: int, payload: NoticeReplyIn):
    return notice_dict(notices.reply_notice(request.user, notice_id, payload.reply))


@router.post(
    "/notices/{int:notice_id}/close", response={200: NoticeOut, **WRITE}, summary="督办单办结"
)
def close_notice(request, notice_id: int):
    return notice_dict(notices.close_notice(request.user, notice_id))


@router.get("/notifications", response={200: list[NotificationOut], **READ}, summary="我的提醒")
def notifications(request):
    return [
        {
            "id": n.pk,
            "text": n.text,
            "task": n.task_id,
            "url": n.url,  # the page where the recipient acts on it
            "created_at": n.created_at,
            "read": n.read_at is not None,
        }
        for n in Notification.objects.filter(user=request.user)[:200]
    ]
