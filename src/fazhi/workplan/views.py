"""Work-plan pages: plans, the task tree with lights, progress, extensions, supervision.

Thin like the assessment pages: the services write (and check who may), the selectors
read, the templates show. A refused change is shown next to its field with everything
typed kept; HTMX posts swap one section of the task page and refresh the rest out of band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import lights
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.frameworks.models import Indicator
from fazhi.orgs.models import Org, Role
from fazhi.workdays.selectors import get_calendar

from . import documents, exports, selectors, services
from .documents import DOCX
from .models import Extension, Notice, Notification, PlanTemplate, ReportEvidence, Task


def today() -> date:
    """The day lights are computed for (a function so tests can move it)."""
    return timezone.localdate()


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _has(user, *roles) -> bool:
    has_role = getattr(user, "has_role", None)
    return any(has_role(r) if has_role else user.role == r for r in roles)


BUSINESS = (Role.OFFICE, Role.DEPARTMENT, Role.LEADER, Role.REVIEWER)
SUPERVISORS = (Role.OFFICE, Role.LEADER, Role.REVIEWER)


def _require_business(user) -> None:
    if not _has(user, *BUSINESS):
        raise PermissionDenied("系统管理员负责组织与用户，不查看工作方案")


def _require_supervisor(user, what: str) -> None:
    _require_business(user)
    if not _has(user, *SUPERVISORS):
        raise PermissionDenied(f"{what}供创建办和领导使用；部门请在“我的任务”中查看本部门任务")


def _zone_departments(plan):
    return (
        Org.objects.filter(parent_id=plan.zone_id, kind=Org.Kind.DEPARTMENT)
        .only("id", "code", "name")
        .order_by("path")
    )


# Severity for sorting.
SEVERITY = {lights.RED: 4, lights.YELLOW: 3, lights.GREEN: 1, lights.DONE: 0}
LIGHT_FILTERS = {
    "red": "红灯",
    "yellow": "黄灯",
    "green": "绿灯",
    "done": "已办结",
    "none": "未定时限",
}


def _color(light) -> str:
    """The filter key of a light: none for a task without a due date or a computable light."""
    if light is None or light.color not in LIGHT_FILTERS:
        return "none"
    return light.color


def _due(task: Task) -> date | None:
    return task.due_in_force or task.due_date


# ---------------------------------------------------------------- forms: values and errors

FORM_FIELDS = {
    "report": ("percent", "text", "reason", "file"),
    "extension": ("new_due", "reason"),
    "assign": ("lead_org", "support_orgs", "responsible", "start_date", "due_date", "indicators"),
    "split": ("title",),
    "milestone": ("title", "due_date"),
    "decide": ("note",),
    "settings": ("yellow_days", "lag_points", "report_day"),
    "create": ("template", "year", "report_day"),
    "issue": ("to_org", "task", "text", "reply_due"),
    "reply": ("reply",),
    "bulletin": ("month",),
}


def _form(name: str, values: dict | None = None, exc: Exception | None = None) -> dict:
    """The state of one form: what to show in it, and the refusal next to its field
    (or at its top when it names no field of the form: a conflict, a permission)."""
    errors, top = {}, ""
    if isinstance(exc, RuleError):
        for field, message in getattr(exc, "errors", {exc.field: exc.message}).items():
            if field in FORM_FIELDS[name]:
                errors[field] = message
            else:
                top = top or message
    elif exc is not None:
        top = getattr(exc, "message", None) or str(exc) or "操作未完成，请重试"
    return {"values": values or {}, "errors": errors, "top": top}


def _status(exc: Exception) -> int:
    if isinstance(exc, RuleError):
        return 422
    if isinstance(exc, ConflictError):
        return 409
    return 403


REFUSED = (RuleError, ConflictError, PermissionDenied)


# ---------------------------------------------------------------- plans


@login_required
def plan_list(request):
    _require_business(request.user)
    return _plan_list(request)


def _plan_list(request, create=None, status=200):
    user = request.user
    can_create = _has(user, Role.OFFICE) and user.org is not None and user.org.kind == Org.Kind.ZONE
    plans = list(selectors.plans_for(user).select_related("template"))
    return render(
        request,
        "workplan/plans.html",
        {
            "plans": plans,
            "can_create": can_create,
            "templates": PlanTemplate.objects.all() if can_create else [],
            "create": create or _form("create", {"year": today().year}),
            "is_department": not _has(user, *SUPERVISORS),
        },
        status=status,
    )


@login_required
@require_POST
def plan_create(request):
    _require_business(request.user)
    zone = request.user.org
    if not request.user.has_role(Role.OFFICE) or zone is None or zone.kind != Org.Kind.ZONE:
        raise PermissionDenied("只有园区创建办可以创建工作方案")
    values = {k: request.POST.get(k, "").strip() for k in ("template", "year", "report_day")}
    try:
        template = (
            PlanTemplate.objects.filter(pk=values["template"]).first()
            if values["template"].isdigit()
            else None
        )
        if template is None:
            raise RuleError("template", "请选择工作方案模板")
        plan = services.create_plan(
            request.user,
            zone.code,
            template.code,
            values["year"],
            template_version=template.version,
            report_day=values["report_day"] or None,
        )
    except REFUSED as exc:
        return _plan_list(request, _form("create", values, exc), _status(exc))
    messages.success(
        request,
        f"已创建“{plan.title}”，共 {plan.tasks.count()} 项任务。下一步：逐项指定牵头单位和完成时限。",
    )
    return redirect("workplan:plan", plan_id=plan.pk)


@dataclass
class ShownRow:
    row: selectors.TaskRow
    context: bool  # shown only to place a matching task in the tree

    @property
    def task(self):
        return self.row.task


def _visible_ids(user, plan) -> set[int]:
    return set(selectors.tasks_for(user).filter(plan=plan).values_list("pk", flat=True))


def _plan_context(request, plan, settings_form=None, bulletin_form=None) -> dict:
    user = request.user
    day = today()
    rows = selectors.task_rows(plan, day)
    visible = _visible_ids(user, plan)
    light_f = request.GET.get("light", "")
    light_f = light_f if light_f in LIGHT_FILTERS else ""
    lead_f = request.GET.get("lead", "").strip()
    filtering = bool(light_f or lead_f)

    def matches(r) -> bool:
        if not filtering:
            return True
        if not r.leaf:
            return False
        if light_f and _color(r.light) != light_f:
            return False
        if lead_f == "none":
            return r.task.lead_org_id is None
        return not lead_f or (r.task.lead_org_id is not None and r.task.lead_org.code == lead_f)

    keep = {r.task.pk for r in rows if r.task.pk in visible and matches(r)}
    parent_of = {r.task.pk: r.task.parent_id for r in rows}
    context_ids = set()
    for pk in keep:
        p = parent_of.get(pk)
        while p is not None and p not in keep and p not in context_ids:
            context_ids.add(p)
            p = parent_of.get(p)
    shown = [
        ShownRow(r, r.task.pk not in keep)
        for r in rows
        if r.task.pk in keep or r.task.pk in context_ids
    ]
    counts = dict.fromkeys(LIGHT_FILTERS, 0)
    for r in rows:
        if r.leaf and r.task.pk in visible:
            counts[_color(r.light)] += 1
    is_office = _has(user, Role.OFFICE)
    return {
        "plan": plan,
        "rows": shown,
        "today": day,
        "filters": LIGHT_FILTERS,
        "counts": counts,
        "light_f": light_f,
        "lead_f": lead_f,
        "filtering": filtering,
        "departments": list(_zone_departments(plan)),
        "is_office": is_office,
        "is_supervisor": _has(user, *SUPERVISORS),
        "bulletin": bulletin_form or _form("bulletin", {"month": day.strftime("%Y-%m")}),
        "settings": settings_form
        or _form(
            "settings",
            {
                "yellow_days": plan.yellow_days,
                "lag_points": plan.lag_points,
                "report_day": plan.report_day or "",
            },
        ),
    }


@login_required
def plan_detail(request, plan_id):
    _require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    return render(request, "workplan/plan.html", _plan_context(request, plan))


@login_required
@require_POST
def plan_settings(request, plan_id):
    _require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    values = {
        k: request.POST.get(k, "").strip()
        for k in ("yellow_days", "lag_points", "report_day", "version")
    }
    try:
        services.update_plan_settings(request.user, plan.pk, values)
    except REFUSED as exc:
        plan = selectors.get_plan(request.user, plan_id)
        ctx = _plan_context(request, plan, _form("settings", values, exc))
        return render(request, "workplan/plan.html", ctx, status=_status(exc))
    messages.success(request, "亮灯规则已保存，任务状态已按新规则重新计算")
    return redirect("workplan:plan", plan_id=plan.pk)


@login_required
def plan_export(request, plan_id):
    _require_supervisor(request.user, "任务倒排表导出")
    plan = selectors.get_plan(request.user, plan_id)
    return exports.schedule_response(request.user, plan, today())


@login_required
@require_POST
def plan_bulletin(request, plan_id):
    """The office issues the month's 工作进展通报 (a new 文号) and gets it as .docx."""
    _require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    values = {"month": request.POST.get("month", "")}
    try:
        name, content = documents.issue_bulletin(request.user, plan.pk, values["month"], today())
    except REFUSED as exc:
        ctx = _plan_context(request, plan, bulletin_form=_form("bulletin", values, exc))
        return render(request, "workplan/plan.html", ctx, status=_status(exc))
    return _docx(name, content)


def _docx(name: str, content: bytes) -> HttpResponse:
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def plan_overview(request, plan_id):
    _require_supervisor(request.user, "分部门总览")
    plan = selectors.get_plan(request.user, plan_id)
    day = today()
    rows = selectors.task_rows(plan, day)
    leaves = [r for r in rows if r.leaf]
    keys = ("red", "yellow", "green", "done", "none")
    by_org: dict[int | None, dict] = {}
    for org in _zone_departments(plan):
        by_org[org.pk] = {"org": org, **dict.fromkeys(keys, 0), "total": 0}
    for r in leaves:
        org = r.task.lead_org
        entry = by_org.setdefault(
            org.pk if org else None, {"org": org, **dict.fromkeys(keys, 0), "total": 0}
        )
        entry[_color(r.light)] += 1
        entry["total"] += 1
    unassigned = by_org.pop(None, None)
    table = sorted(by_org.values(), key=lambda e: (-e["red"], -e["yellow"], e["org"].name))
    totals = {k: sum(e[k] for e in [*table, unassigned] if e) for k in (*keys, "total")}
    overdue = []
    for r in leaves:
        if r.light and r.light.color == lights.RED:
            due = _due(r.task)
            overdue.append({"row": r, "due": due, "days": (day - due).days})
    overdue.sort(key=lambda o: (o["due"], o["row"].task.position))
    return render(
        request,
        "workplan/overview.html",
        {
            "plan": plan,
            "today": day,
            "is_supervisor": True,
            # only the office issues 督办单; the leader and the city read this page
            "can_issue": _has(request.user, Role.OFFICE),
            "table": table,
            "unassigned": unassigned,
            "totals": totals,
            "overdue": overdue,
        },
    )


# ---------------------------------------------------------------- timeline (甘特图)

TL_WIDTH, TL_LABEL, TL_RIGHT, TL_HEAD, TL_ROW = 1200, 400, 20, 36, 34


def _month_start(d: date) -> date:
    return d.replace(day=1)


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def timeline_geometry(rows, day: date) -> dict:
    """Numbers for the server-drawn chart: one bar per dated task, month ticks, today."""
    dated = [r for r in rows if _due(r.task)]
    if not dated:
        return {"bars": [], "ticks": [], "today_x": None, "width": TL_WIDTH, "height": TL_HEAD + 20}
    first = min(min(r.task.start_date or _due(r.task), _due(r.task)) for r in dated)
    last = max(_due(r.task) for r in dated)
    first, last = min(first, day), max(last, day)
    lo, hi = _month_start(first), _next_month(last)
    span = (hi - lo).days
    x0, x1 = TL_LABEL + 10, TL_WIDTH - TL_RIGHT
    scale = (x1 - x0) / span

    def x(d: date) -> float:
        return round(x0 + (d - lo).days * scale, 1)

    months = []
    m = lo
    while m < hi:
        months.append(m)
        m = _next_month(m)
    step = 1 if len(months) <= 14 else 2 if len(months) <= 28 else 3
    ticks = [
        {
            "x": x(m),
            "label": f"{m.year}年{m.month}月" if (i == 0 or m.month == 1) else f"{m.month}月",
        }
        for i, m in enumerate(months)
        if i % step == 0
    ]
    bars = []
    for i, r in enumerate(dated):
        t, due = r.task, _due(r.task)
        start = t.start_date if t.start_date and t.start_date <= due else None
        left = x(start) if start else x(due) - 3
        right = x(due + timedelta(days=1)) if start else x(due) + 3
        top = TL_HEAD + i * TL_ROW
        label = {
            lights.RED: "红灯",
            lights.YELLOW: "黄灯",
            lights.GREEN: "绿灯",
            lights.DONE: "已办结",
        }.get(r.light.color if r.light else "", "未定时限")
        lead = t.lead_org.name if t.lead_org_id else "未分配牵头单位"
        span_text = f"{start} 至 {due}" if start else f"完成时限 {due}（未设开始时间）"
        bars.append(
            {
                "task": t,
                "light": r.light,
                "color": _color(r.light),
                "x": left,
                "width": round(max(right - left, 6), 1),
                "y": top + 8,
                "height": TL_ROW - 16,
                "row_y": top,
                "text_y": top + 15,
                "sub_y": top + 29,
                "mid_y": top + TL_ROW / 2,
                "name": _short(f"{t.number} {t.title}", 24),
                "sub": _short(f"{label}：{r.light.reason if r.light else ''} · {lead}", 34),
                "title": f"{t.number} {t.title}：{span_text}，{label}（{r.light.reason if r.light else '未定时限'}），牵头单位 {lead}，进度 {t.progress}%",
                "status": label,
                "span_text": span_text,
                "lead": lead,
            }
        )
    height = TL_HEAD + len(dated) * TL_ROW + 10
    today_x = x(day) if lo <= day < hi else None
    return {
        "bars": bars,
        "ticks": ticks,
        "today_x": today_x,
        "width": TL_WIDTH,
        "height": height,
        "x0": x0,
        "x1": x1,
        "grid_bottom": height - 4,
    }


@login_required
def plan_timeline(request, plan_id):
    _require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    day = today()
    visible = _visible_ids(request.user, plan)
    rows = [r for r in selectors.task_rows(plan, day) if r.task.pk in visible]
    return render(
        request,
        "workplan/timeline.html",
        {
            "plan": plan,
            "today": day,
            "chart": timeline_geometry(rows, day),
            "is_office": _has(request.user, Role.OFFICE),
            "is_supervisor": _has(request.user, *SUPERVISORS),
        },
    )


# ---------------------------------------------------------------- my tasks


@login_required
def my_tasks(request):
    user = request.user
    _require_business(user)
    if not _has(user, Role.OFFICE, Role.DEPARTMENT, Role.LEADER):
        raise PermissionDenied("“我的任务”供创建办和部门使用；请在工作方案中查看任务")
    day = today()
    is_department = not _has(user, Role.OFFICE, Role.LEADER)
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
            _due(i["task"]) or date.max,
            i["task"].plan_id,
            i["task"].position,
        )
    )
    counts = dict.fromkeys(LIGHT_FILTERS, 0)
    for i in items:
        counts[_color(i["light"])] += 1
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
    due = _due(task)
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
    day = today()
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
    if not _has(user, *SUPERVISORS) and children:
        visible = _visible_ids(user, plan)
        children = [r for r in children if r.task.pk in visible]
    is_office = _has(user, Role.OFFICE)
    done = task.done_at is not None
    may_report = is_office or (_has(user, Role.DEPARTMENT) and task.lead_org_id == user.org_id)
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
        "due": _due(task),
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
        "can_extend": may_report and not done and _due(task) is not None,
        "can_assign": is_office and not done,
        "can_close": is_office and not done,
        "report": forms.get("report") or _form("report"),
        "extension": forms.get("extension") or _form("extension"),
        "split": forms.get("split") or _form("split"),
        "milestone": forms.get("milestone") or _form("milestone"),
        "milestones": list(task.milestones.all()),
        "decide": forms.get("decide") or _form("decide"),
        "decide_id": forms.get("decide_id"),
        "assign": forms.get("assign") or _form("assign", _assign_values(task, indicators)),
        "done_msg": {},
    }
    if ctx["can_assign"]:
        ctx["departments"] = list(_zone_departments(plan))
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
    _require_business(request.user)
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
    _require_business(request.user)
    task = selectors.get_task(request.user, task_id)  # 404 outside the user's scope
    url = reverse("workplan:task", args=[task.pk])
    try:
        run()
    except REFUSED as exc:
        status = _status(exc)
        if status == 403 and _is_htmx(request):
            # htmx does not swap a 403: show the reason at the top of the reloaded page.
            messages.error(request, str(exc) or "你没有执行该操作的权限")
            response = HttpResponse(status=403)
            response["HX-Redirect"] = url
            return response
        forms = {name: _form(name, values, exc), **(extra_forms or {})}
        task = selectors.get_task(request.user, task_id)
        ctx = _task_context(request, task, forms)
        if _is_htmx(request):
            return render(request, TASK_SECTIONS[name], ctx, status=status)
        return render(request, "workplan/task.html", ctx, status=status)
    task = selectors.get_task(request.user, task_id)
    if _is_htmx(request):
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
        services.report_progress(request.user, task_id, values, files, today=today())

    n = f"，附佐证材料 {len(files)} 份" if files else ""
    return _task_action(
        request, task_id, "report", values, run, f"已填报进度 {values['percent'].strip()}%{n}"
    )


@login_required
@require_POST
def task_extension(request, task_id):
    values = {k: request.POST.get(k, "") for k in ("new_due", "reason")}

    def run():
        services.request_extension(request.user, task_id, values, today=today())

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
    _require_business(request.user)
    ext = (
        Extension.objects.filter(pk=extension_id, task__in=selectors.tasks_for(request.user))
        .only("id", "task_id")
        .first()
    )
    if ext is None:
        raise Http404("延期申请不存在或无权查看")
    values = {"note": request.POST.get("note", "")}

    def run():
        services.decide_extension(
            request.user, ext.pk, decision == "approve", values["note"], today=today()
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
            today=today(),
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
        lambda: services.complete_milestone(request.user, milestone_id, today()),
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
    if "child" in made and not _is_htmx(request):
        messages.info(request, f"子任务编号 {made['child'].number}，请为它指定完成时限")
    return response


@login_required
@require_POST
def task_close(request, task_id):
    _require_business(request.user)
    task = selectors.get_task(request.user, task_id)
    try:
        services.close_task(request.user, task.pk, today=today())
    except REFUSED as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, f"未能办结销号：{exc.message}")
    else:
        messages.success(request, f"任务 {task.number} 已办结销号")
    return redirect("workplan:task", task_id=task.pk)


@login_required
def report_evidence(request, task_id, evidence_id):
    _require_business(request.user)
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


# ---------------------------------------------------------------- supervision notices (督办单)


def _notices_context(request, plan, issue=None, reply=None, reply_id=None) -> dict:
    user = request.user
    notices = list(
        selectors.notices_for(user).filter(plan=plan).select_related("issued_by", "replied_by")
    )
    is_office = _has(user, Role.OFFICE)
    return {
        "plan": plan,
        "today": today(),
        "notices": notices,
        "is_office": is_office,
        "is_supervisor": _has(user, *SUPERVISORS),
        "user_org_id": user.org_id if _has(user, Role.DEPARTMENT) else None,
        "departments": list(_zone_departments(plan)) if is_office else [],
        "tasks": list(plan.tasks.only("id", "plan_id", "number", "title").order_by("position"))
        if is_office
        else [],
        "issue": issue or _form("issue"),
        "reply": reply or _form("reply"),
        "reply_id": reply_id,
    }


@login_required
def plan_notices(request, plan_id):
    _require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    return render(request, "workplan/notices.html", _notices_context(request, plan))


@login_required
@require_POST
def notice_issue(request, plan_id):
    _require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    values = {k: request.POST.get(k, "") for k in ("to_org", "task", "text", "reply_due")}
    try:
        notice = services.issue_notice(request.user, plan.pk, values, today=today())
    except REFUSED as exc:
        ctx = _notices_context(request, plan, issue=_form("issue", values, exc))
        return render(request, "workplan/notices.html", ctx, status=_status(exc))
    messages.success(request, f"督办单 {notice.number} 已发给{notice.to_org.name}，并已提醒该单位")
    return redirect(reverse("workplan:notices", args=[plan.pk]) + f"#notice-{notice.pk}")


def _notice_or_404(user, notice_id) -> Notice:
    notice = selectors.notices_for(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("督办单不存在或无权查看")
    return notice


@login_required
@require_POST
def notice_reply(request, notice_id):
    _require_business(request.user)
    notice = _notice_or_404(request.user, notice_id)
    values = {"reply": request.POST.get("reply", "")}
    try:
        services.reply_notice(request.user, notice.pk, values["reply"], today=today())
    except REFUSED as exc:
        ctx = _notices_context(
            request, notice.plan, reply=_form("reply", values, exc), reply_id=notice.pk
        )
        return render(request, "workplan/notices.html", ctx, status=_status(exc))
    messages.success(request, f"督办单 {notice.number} 已回复")
    return redirect(reverse("workplan:notices", args=[notice.plan_id]) + f"#notice-{notice.pk}")


@login_required
@require_POST
def notice_close(request, notice_id):
    _require_business(request.user)
    notice = _notice_or_404(request.user, notice_id)
    try:
        services.close_notice(request.user, notice.pk, today=today())
    except REFUSED as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, f"督办单 {notice.number} 未办结：{exc.message}")
    else:
        messages.success(request, f"督办单 {notice.number} 已办结")
    return redirect(reverse("workplan:notices", args=[notice.plan_id]) + f"#notice-{notice.pk}")


@login_required
@require_GET
def notice_document(request, notice_id):
    _require_business(request.user)
    name, content = documents.notice_docx(request.user, notice_id)
    return _docx(name, content)


# ---------------------------------------------------------------- reminders (提醒)


@login_required
def notifications(request):
    items = list(Notification.objects.filter(user=request.user).select_related("task")[:200])
    return render(
        request,
        "workplan/notifications.html",
        {
            "items": items,
            "unread": sum(1 for n in items if n.read_at is None),
        },
    )


@login_required
@require_POST
def notifications_read(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"已将 {n} 条提醒标为已读" if n else "没有未读提醒")
    return redirect("workplan:notifications")
