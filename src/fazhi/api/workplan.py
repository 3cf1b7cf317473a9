"""Work-plan API: plans, tasks with lights, progress, extensions, supervision notices."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone
from ninja import Body, Router, Schema, Status

from fazhi.core import lights
from fazhi.core.errors import RuleError
from fazhi.workplan import selectors, services
from fazhi.workplan.models import Notice, Notification

router = Router(tags=["workplan"])


# Bodies are plain JSON objects on purpose: the services validate each field and give
# the Chinese message naming it and its limit.
Body_ = Body(..., description="JSON object; fields as documented on each operation")


class PlanIn(Schema):
    zone: Any = None
    template: Any = None
    year: Any = None
    report_day: Any = None
    title: Any = None


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


@router.get("/plans")
def list_plans(request):
    return [plan_dict(p) for p in selectors.plans_for(request.user).select_related("template")]


@router.post("/plans", response={201: dict})
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


@router.get("/plans/{int:plan_id}")
def get_plan(request, plan_id: int):
    """The plan with its task tree; each task's light as of today (or ?today=YYYY-MM-DD)."""
    plan = selectors.get_plan(request.user, plan_id)
    rows = selectors.task_rows(plan, _today(request))
    visible = set(selectors.tasks_for(request.user).filter(plan=plan).values_list("pk", flat=True))
    return plan_dict(plan, [r for r in rows if r.task.pk in visible])


@router.patch("/plans/{int:plan_id}")
def update_plan(request, plan_id: int, payload: dict[str, Any] = Body_):
    """Thresholds: yellow_days, lag_points, report_day (with version)."""
    return plan_dict(services.update_plan_settings(request.user, plan_id, payload))


def _row(user, task_id, today) -> selectors.TaskRow:
    task = selectors.get_task(user, task_id)
    rows = {r.task.pk: r for r in selectors.task_rows(task.plan, today)}
    return rows[task.pk]


@router.get("/tasks/{int:task_id}")
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


@router.put("/tasks/{int:task_id}")
def update_task(request, task_id: int, payload: dict[str, Any] = Body_):
    services.update_task(request.user, task_id, payload)
    return task_dict(_row(request.user, task_id, timezone.localdate()))


@router.post("/tasks/{int:task_id}/subtasks", response={201: dict})
def add_subtask(request, task_id: int, payload: dict[str, Any] = Body_):
    child = services.add_subtask(request.user, task_id, payload)
    return Status(201, task_dict(_row(request.user, child.pk, timezone.localdate())))


@router.post("/tasks/{int:task_id}/reports", response={201: dict})
def report(request, task_id: int, payload: dict[str, Any] = Body_):
    r = services.report_progress(request.user, task_id, payload)
    return Status(
        201,
        {
            "id": r.pk,
            "reported_on": r.reported_on,
            "percent": r.percent,
            "task": task_dict(_row(request.user, task_id, timezone.localdate())),
        },
    )


@router.post("/tasks/{int:task_id}/extensions", response={201: dict})
def request_extension(request, task_id: int, payload: dict[str, Any] = Body_):
    e = services.request_extension(request.user, task_id, payload)
    return Status(201, {"id": e.pk, "state": e.state, "old_due": e.old_due, "new_due": e.new_due})


@router.post("/extensions/{int:extension_id}/approve")
def approve_extension(request, extension_id: int, payload: dict[str, Any] = Body_):
    e = services.decide_extension(request.user, extension_id, True, payload.get("note", ""))
    return {"id": e.pk, "state": e.state, "new_due": e.new_due}


@router.post("/extensions/{int:extension_id}/reject")
def reject_extension(request, extension_id: int, payload: dict[str, Any] = Body_):
    e = services.decide_extension(request.user, extension_id, False, payload.get("note", ""))
    return {"id": e.pk, "state": e.state}


@router.post("/tasks/{int:task_id}/milestones", response={201: dict})
def add_milestone(request, task_id: int, payload: dict[str, Any] = Body_):
    """A dated step of the task: {title, due_date}."""
    m = services.add_milestone(request.user, task_id, payload)
    return Status(201, {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on})


@router.post("/milestones/{int:milestone_id}/done")
def complete_milestone(request, milestone_id: int):
    m = services.complete_milestone(request.user, milestone_id)
    return {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_on": m.done_on}


@router.post("/tasks/{int:task_id}/close")
def close_task(request, task_id: int):
    services.close_task(request.user, task_id)
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


@router.get("/plans/{int:plan_id}/notices")
def list_notices(request, plan_id: int):
    plan = selectors.get_plan(request.user, plan_id)
    return [notice_dict(n) for n in selectors.notices_for(request.user).filter(plan=plan)]


@router.post("/plans/{int:plan_id}/notices", response={201: dict})
def issue_notice(request, plan_id: int, payload: dict[str, Any] = Body_):
    return Status(201, notice_dict(services.issue_notice(request.user, plan_id, payload)))


@router.post("/notices/{int:notice_id}/reply")
def reply_notice(request, notice_id: int, payload: dict[str, Any] = Body_):
    return notice_dict(services.reply_notice(request.user, notice_id, payload.get("reply")))


@router.post("/notices/{int:notice_id}/close")
def close_notice(request, notice_id: int):
    return notice_dict(services.close_notice(request.user, notice_id))


@router.get("/notifications")
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
