"""The plans: list, creation, the task tree with lights, settings, overview, export."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fazhi.core import lights
from fazhi.core.errors import RuleError
from fazhi.orgs.models import Org, Role

from .. import documents, exports, selectors, services
from ..models import PlanTemplate
from . import common
from .common import (
    LIGHT_FILTERS,
    REFUSED,
    SUPERVISORS,
    docx_response,
    due_of,
    form_state,
    has_any_role,
    light_color,
    refusal_status,
    require_business,
    require_supervisor,
    visible_ids,
    zone_departments,
)

# ---------------------------------------------------------------- plans


@login_required
def plan_list(request):
    require_business(request.user)
    return _plan_list(request)


def _plan_list(request, create=None, status=200):
    user = request.user
    can_create = (
        has_any_role(user, Role.OFFICE) and user.org is not None and user.org.kind == Org.Kind.ZONE
    )
    plans = list(selectors.plans_for(user).select_related("template"))
    return render(
        request,
        "workplan/plans.html",
        {
            "plans": plans,
            "can_create": can_create,
            "templates": PlanTemplate.objects.all() if can_create else [],
            "create": create or form_state("create", {"year": common.today().year}),
            "is_department": not has_any_role(user, *SUPERVISORS),
        },
        status=status,
    )


@login_required
@require_POST
def plan_create(request):
    require_business(request.user)
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
        return _plan_list(request, form_state("create", values, exc), refusal_status(exc))
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


def _plan_context(request, plan, settings_form=None, bulletin_form=None) -> dict:
    user = request.user
    day = common.today()
    rows = selectors.task_rows(plan, day)
    visible = visible_ids(user, plan)
    light_f = request.GET.get("light", "")
    light_f = light_f if light_f in LIGHT_FILTERS else ""
    lead_f = request.GET.get("lead", "").strip()
    filtering = bool(light_f or lead_f)

    def matches(r) -> bool:
        if not filtering:
            return True
        if not r.leaf:
            return False
        if light_f and light_color(r.light) != light_f:
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
            counts[light_color(r.light)] += 1
    is_office = has_any_role(user, Role.OFFICE)
    return {
        "plan": plan,
        "rows": shown,
        "today": day,
        "filters": LIGHT_FILTERS,
        "counts": counts,
        "light_f": light_f,
        "lead_f": lead_f,
        "filtering": filtering,
        "departments": list(zone_departments(plan)),
        "is_office": is_office,
        "is_supervisor": has_any_role(user, *SUPERVISORS),
        "bulletin": bulletin_form or form_state("bulletin", {"month": day.strftime("%Y-%m")}),
        "settings": settings_form
        or form_state(
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
    require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    return render(request, "workplan/plan.html", _plan_context(request, plan))


@login_required
@require_POST
def plan_settings(request, plan_id):
    require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    values = {
        k: request.POST.get(k, "").strip()
        for k in ("yellow_days", "lag_points", "report_day", "version")
    }
    try:
        services.update_plan_settings(request.user, plan.pk, values)
    except REFUSED as exc:
        plan = selectors.get_plan(request.user, plan_id)
        ctx = _plan_context(request, plan, form_state("settings", values, exc))
        return render(request, "workplan/plan.html", ctx, status=refusal_status(exc))
    messages.success(request, "亮灯规则已保存，任务状态已按新规则重新计算")
    return redirect("workplan:plan", plan_id=plan.pk)


@login_required
def plan_export(request, plan_id):
    require_supervisor(request.user, "任务倒排表导出")
    plan = selectors.get_plan(request.user, plan_id)
    return exports.schedule_response(request.user, plan, common.today())


@login_required
@require_POST
def plan_bulletin(request, plan_id):
    """The office issues the month's 工作进展通报 (a new 文号) and gets it as .docx."""
    require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    values = {"month": request.POST.get("month", "")}
    try:
        name, content = documents.issue_bulletin(
            request.user, plan.pk, values["month"], common.today()
        )
    except REFUSED as exc:
        ctx = _plan_context(request, plan, bulletin_form=form_state("bulletin", values, exc))
        return render(request, "workplan/plan.html", ctx, status=refusal_status(exc))
    return docx_response(name, content)


@login_required
def plan_overview(request, plan_id):
    require_supervisor(request.user, "分部门总览")
    plan = selectors.get_plan(request.user, plan_id)
    day = common.today()
    rows = selectors.task_rows(plan, day)
    leaves = [r for r in rows if r.leaf]
    keys = ("red", "yellow", "green", "done", "none")
    by_org: dict[int | None, dict] = {}
    for org in zone_departments(plan):
        by_org[org.pk] = {"org": org, **dict.fromkeys(keys, 0), "total": 0}
    for r in leaves:
        org = r.task.lead_org
        entry = by_org.setdefault(
            org.pk if org else None, {"org": org, **dict.fromkeys(keys, 0), "total": 0}
        )
        entry[light_color(r.light)] += 1
        entry["total"] += 1
    unassigned = by_org.pop(None, None)
    table = sorted(by_org.values(), key=lambda e: (-e["red"], -e["yellow"], e["org"].name))
    totals = {k: sum(e[k] for e in [*table, unassigned] if e) for k in (*keys, "total")}
    overdue = []
    for r in leaves:
        if r.light and r.light.color == lights.RED:
            due = due_of(r.task)
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
            "can_issue": has_any_role(request.user, Role.OFFICE),
            "table": table,
            "unassigned": unassigned,
            "totals": totals,
            "overdue": overdue,
        },
    )
