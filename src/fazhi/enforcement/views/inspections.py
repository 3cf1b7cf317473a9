"""执法检查 pages: the plans, and one plan with its findings and their rectification tasks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fazhi.core.errors import ConflictError, RuleError
from fazhi.orgs.models import Org
from fazhi.registers import clock

from .. import access, inspections
from ..models import InspectionPlan
from .common import form_state, post_data


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request):
    user = request.user
    access.require_reader(user)
    zone = access.zone_of_user(user)
    is_office = bool(zone) and access.is_office_of(user, zone)
    form = {"values": {"year": str(clock.today().year)}, "errors": {}}
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied("只有创建办可以制定执法检查计划")
        data = post_data(request)
        try:
            plan = inspections.add_plan(user, data)
        except RuleError as exc:
            form = form_state(data, exc)
        else:
            messages.success(request, f"已制定执法检查“{plan.title}”")
            return redirect("enforcement:inspection", plan.pk)
    plans = InspectionPlan.objects.filter(access.data_q(user, own_field="")).order_by(
        "-year", "-id"
    )
    return render(
        request,
        "enforcement/inspections.html",
        {"plans": list(plans), "form": form, "is_office": is_office, "kinds": inspections.KINDS},
        status=422 if form["errors"] else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, inspection_id):
    user = request.user
    plan = inspections.plan_of(user, inspection_id)
    is_office = access.is_office_of(user, plan.zone)
    form = {"values": {}, "errors": {}}
    if request.method == "POST":
        if not is_office:
            raise PermissionDenied("只有创建办可以登记检查发现的问题")
        data = post_data(request)
        try:
            inspections.add_finding(user, plan.pk, data)
        except (RuleError, ConflictError) as exc:
            if isinstance(exc, ConflictError):
                exc = RuleError("task", exc.message)
            form = form_state(data, exc)
        else:
            messages.success(request, "已登记问题并列入工作方案整改督办")
            return redirect("enforcement:inspection", plan.pk)
    findings = list(plan.findings.select_related("department", "task").order_by("id"))
    departments = {
        d.code: d.name
        for d in Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=plan.zone).order_by("path")
    }
    return render(
        request,
        "enforcement/inspection.html",
        {"plan": plan, "findings": findings, "form": form, "is_office": is_office,
         "departments": departments, "kind_label": inspections.KINDS.get(plan.kind, "")},
        status=422 if form["errors"] else 200,
    )  # fmt: skip
