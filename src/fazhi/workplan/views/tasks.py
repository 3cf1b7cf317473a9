"""My tasks, and one task: progress reports, extensions, assignment, milestones, splitting,
closing and the evidence of its reports."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import lights
from fazhi.core.filetypes import safe_display_name
from fazhi.frameworks.models import Indicator
from fazhi.orgs.models import Org, Role
from fazhi.workdays.selectors import get_calendar

from .. import progress, selectors, services
from ..models import Extension, ReportEvidence, Task
from . import common
from .common import (
    LIGHT_FILTERS,
    REFUSED,
    SEVERITY,
    SUPERVISORS,
    due_of,
    form_state,
    has_any_role,
    is_htmx,
    light_color,
    refusal_status,
    require_business,
    visible_ids,
    zone_departments,
)

# ---------------------------------------------------------------- my tasks


@login_required
def my_tasks(request):
    user = request.user
    require_business(user)
    if not has_any_role(user, Role.OFFICE, Role.DEPARTMENT, Role.LEADER):
        raise PermissionDenied("“我的任务”供创建办和部门使用；请在工作方案中查看任务")
    day = common.today()
    is_department = not has_any_role(user, Role.OFFICE, Role.LEADER)
    qs = (
        selectors.tasks_for(user)
        .annotate(has_children=Exists(Task.objects.filter(parent_id=OuterRef("pk"))))
        .filter(has_children=False)
    )
    if not is_department:
        qs = qs.filter(lead_org__isnull=False)
    qs = qs.select_related("plan", "lead_org").prefetch_related(
        Prefetch("support_orgs", queryset=Org.objects.only("id", "name"))
    )
    cal = get_calendar()
    items = []
    for t in qs:
        light = selectors.light_of(t, t.plan, day, cal)
        items.append({"task": t, "light": light, "lead": t.lead_org_id == user.org_id})
    items.sort(
        key=lambda i: (
            -SEVERITY.get(i["light"].color if i["light"] else "", -1),
            due_of(i["task"]) or date.max,
            i["task"].plan_id,
            i["task"].position,
        )
    )
    counts = dict.fromkeys(LIGHT_FILTERS, 0)
    for i in items:
        counts[light_color(i["light"])] += 1
    return render(
        request,
        "workplan/my_tasks.html",
        {
            "items": items,
            "today": day,
            "is_department": is_department,
            "counts": counts,
            "filters": LIGHT_FILTERS,
        },
    )


# ---------------------------------------------------------------- one task

TASK_SECTIONS = {
    "report": "workplan/_task_report.html",
    "extension": "workplan/_task_extensions.html",
    "decide": "workplan/_task_extensions.html",
    "assign": "workplan/_task_assign.html",
    "split": "workplan/_task_split.html",
    "milestone": "workplan/_task_milestones.html",
}
ANCHORS = {
    "report": "report",
    "extension": "extensions",
    "decide": "extensions",
    "assign": "assign",
    "split": "split",
    "milestone": "milestones",
}


def _expected(task, light, day, cal) -> int | None:
    if light is not None and light.expected is not None:
        return light.expected
    due = due_of(task)
    if task.done_at or not (task.start_date and due):
        return None
    return lights.expected_progress(task.start_date, due, day, cal.tentative())


def _assign_values(task, indicators) -> dict:
    return {
        "lead_org": task.lead_org.code if task.lead_org_id else "",
        # the prefetched support orgs carry names only: one query for the codes
        "support_orgs": set(task.support_orgs.values_list("code", flat=True)),
        "responsible": task.responsible,
        "start_date": task.start_date.isoformat() if task.start_date else "",
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "indicators": {i.code for i in indicators},
    }


def _task_context(request, task: Task, forms: dict | None = None, **extra) -> dict:
    user = request.user
    day = common.today()
    plan = task.plan
    rows = selectors.task_rows(plan, day)
    by_pk = {r.task.pk: r for r in rows}
    row = by_pk[task.pk]
    task = row.task
    cal = get_calendar()
    ancestors = []
    p = task.parent_id
    while p is not None and p in by_pk:
        ancestors.insert(0, by_pk[p].task)
        p = by_pk[p].task.parent_id
    children = [r for r in rows if r.task.parent_id == task.pk]
    if not has_any_role(user, *SUPERVISORS) and children:
        visible = visible_ids(user, plan)
        children = [r for r in children if r.task.pk in visible]
    is_office = has_any_role(user, Role.OFFICE)
    done = task.done_at is not None
    may_report = is_office or (
        has_any_role(user, Role.DEPARTMENT) and task.lead_org_id == user.org_id
    )
    forms = forms or {}
    expected = _expected(task, row.light, day, cal)
    indicators = list(task.indicators.all())
    ctx = {
        "plan": plan,
        "task": task,
        "light": row.light,
        "leaf": row.leaf,
        "today": day,
        "expected": expected,
        "lag": expected - task.progress
        if expected is not None and not done and expected > task.progress
        else 0,
        "due": due_of(task),
        "extended": task.due_in_force and task.due_date and task.due_in_force != task.due_date,
        "ancestors": ancestors,
        "children": children,
        "indicators": indicators,
        "reports": list(task.reports.select_related("reporter").prefetch_related("evidence__blob")),
        "extensions": list(task.extensions.select_related("requested_by", "decided_by")),
        "notices": list(selectors.notices_for(request.user).filter(task=task)),
        "pending_extension": task.extensions.filter(state=Extension.State.PENDING).exists(),
        "is_office": is_office,
        "can_report": may_report and not done,
        "can_extend": may_report and not done and due_of(task) is not None,
        "can_assign": is_office and not done,
        "can_close": is_office and not done,
        "report": forms.get("report") or form_state("report"),
        "extension": forms.get("extension") or form_state("extension"),
        "split": forms.get("split") or form_state("split"),
        "milestone": forms.get("milestone") or form_state("milestone"),
        "milestones": list(task.milestones.all()),
        "decide": forms.get("decide") or form_state("decide"),
        "decide_id": forms.get("decide_id"),
        "assign": forms.get("assign") or form_state("assign", _assign_values(task, indicators)),
        "done_msg": {},
    }
    if ctx["can_assign"]:
        ctx["departments"] = list(zone_departments(plan))
        ctx["framework_items"] = (
            list(
                Indicator.objects.filter(framework_id=plan.framework_id)
                .exclude(kind="group")
                .only("id", "code", "title", "kind")
            )
            if plan.framework_id
            else []
        )
    ctx.update(extra)
    return ctx


@login_required
def task_detail(request, task_id):
    require_business(request.user)
    task = selectors.get_task(request.user, task_id)
    return render(request, "workplan/task.html", _task_context(request, task))


def _task_action(
    request,
    task_id,
    name: str,
    values: dict,
    run,
    done_message: str,
    extra_forms: dict | None = None,
):
    """Run one change from the task page and answer: the section (HTMX) or the page."""
    require_business(request.user)
    task = selectors.get_task(request.user, task_id)  # 404 outside the user's scope
    url = reverse("workplan:task", args=[task.pk])
    try:
        run()
    except REFUSED as exc:
        status = refusal_status(exc)
        if status == 403 and is_htmx(request):
            # htmx does not swap a 403: show the reason at the top of the reloaded page.
            messages.error(request, str(exc) or "你没有执行该操作的权限")
            response = HttpResponse(status=403)
            response["HX-Redirect"] = url
            return response
        forms = {name: form_state(name, values, exc), **(extra_forms or {})}
        task = selectors.get_task(request.user, task_id)
        ctx = _task_context(request, task, forms)
        if is_htmx(request):
            return render(request, TASK_SECTIONS[name], ctx, status=status)
        return render(request, "workplan/task.html", ctx, status=status)
    task = selectors.get_task(request.user, task_id)
    if is_htmx(request):
        ctx = _task_context(request, task, oob=True, done_msg={ANCHORS[name]: done_message})
        return render(request, TASK_SECTIONS[name], ctx)
    messages.success(request, done_message)
    return redirect(f"{url}#{ANCHORS[name]}")


@login_required
@require_POST
def task_report(request, task_id):
    values = {k: request.POST.get(k, "") for k in ("percent", "text", "reason")}
    files = request.FILES.getlist("files")
    values["had_files"] = bool(files)

    def run():
        progress.report_progress(request.user, task_id, values, files, today=common.today())

    n = f"，附佐证材料 {len(files)} 份" if files else ""
    return _task_action(
        request, task_id, "report", values, run, f"已填报进度 {values['percent'].strip()}%{n}"
    )


@login_required
@require_POST
def task_extension(request, task_id):
    values = {k: request.POST.get(k, "") for k in ("new_due", "reason")}

    def run():
        progress.request_extension(request.user, task_id, values, today=common.today())

    return _task_action(
        request,
        task_id,
        "extension",
        values,
        run,
        f"延期申请已提交，待创建办审批（申请延期至 {values['new_due']}）",
    )


@login_required
@require_POST
def extension_decide(request, extension_id, decision):
    if decision not in ("approve", "reject"):
        raise Http404()
    require_business(request.user)
    ext = (
        Extension.objects.filter(pk=extension_id, task__in=selectors.tasks_for(request.user))
        .only("id", "task_id")
        .first()
    )
    if ext is None:
        raise Http404("延期申请不存在或无权查看")
    values = {"note": request.POST.get("note", "")}

    def run():
        progress.decide_extension(
            request.user, ext.pk, decision == "approve", values["note"], today=common.today()
        )

    message = (
        "已批准延期申请，完成时限已更新"
        if decision == "approve"
        else "已驳回延期申请，完成时限不变"
    )
    return _task_action(request, ext.task_id, "decide", values, run, message, {"decide_id": ext.pk})


@login_required
@require_POST
def task_assign(request, task_id):
    values = {
        "lead_org": request.POST.get("lead_org", ""),
        "support_orgs": request.POST.getlist("support_orgs"),
        "responsible": request.POST.get("responsible", ""),
        "start_date": request.POST.get("start_date", "").strip(),
        "due_date": request.POST.get("due_date", "").strip(),
        "indicators": request.POST.getlist("indicators"),
        "version": request.POST.get("version", ""),
    }

    def run():
        services.update_task(
            request.user,
            task_id,
            {
                **values,
                "support_orgs": list(values["support_orgs"]),
                "indicators": list(values["indicators"]),
            },
            today=common.today(),
        )

    shown = {
        **values,
        "support_orgs": set(values["support_orgs"]),
        "indicators": set(values["indicators"]),
    }
    return _task_action(request, task_id, "assign", shown, run, "任务分解已保存")


@login_required
@require_POST
def task_milestone(request, task_id):
    values = {k: request.POST.get(k, "") for k in ("title", "due_date")}
    return _task_action(
        request,
        task_id,
        "milestone",
        values,
        lambda: services.add_milestone(request.user, task_id, values),
        "已增加节点",
    )


@login_required
@require_POST
def milestone_done(request, task_id, milestone_id):
    return _task_action(
        request,
        task_id,
        "milestone",
        {},
        lambda: services.complete_milestone(request.user, milestone_id, common.today()),
        "已确认节点完成",
    )


@login_required
@require_POST
def task_split(request, task_id):
    values = {"title": request.POST.get("title", "")}
    made = {}

    def run():
        made["child"] = services.add_subtask(request.user, task_id, values)

    response = _task_action(request, task_id, "split", values, run, "已增加子任务")
    if "child" in made and not is_htmx(request):
        messages.info(request, f"子任务编号 {made['child'].number}，请为它指定完成时限")
    return response


@login_required
@require_POST
def task_close(request, task_id):
    require_business(request.user)
    task = selectors.get_task(request.user, task_id)
    try:
        progress.close_task(request.user, task.pk, today=common.today())
    except REFUSED as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, f"未能办结销号：{exc.message}")
    else:
        messages.success(request, f"任务 {task.number} 已办结销号")
    return redirect("workplan:task", task_id=task.pk)


@login_required
def report_evidence(request, task_id, evidence_id):
    require_business(request.user)
    task = selectors.get_task(request.user, task_id)
    item = (
        ReportEvidence.objects.filter(pk=evidence_id, report__task=task)
        .select_related("blob")
        .first()
    )
    if item is None:
        raise Http404("佐证材料不存在")
    record(
        request.user,
        "report_evidence.download",
        item,
        after={"task": task.number, "name": item.name, "sm3": item.blob_id},
    )
    response = FileResponse(
        evidence_store.open_blob(item.blob), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(True, safe_display_name(item.name))
    response["X-Content-Type-Options"] = "nosniff"
    return response
