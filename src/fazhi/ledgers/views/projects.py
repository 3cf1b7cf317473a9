"""/projects/: 科技计划项目与资金 (item 10): the register with its flags, a project's stages
and funds, the credit notes checked at 申报."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import projects as rules
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.validate import int_in

from .. import access, projects
from ..models import CreditNote, ProjectFunds
from .common import PER_PAGE, context, departments, errors_of, year_of


def _register(request, form=None, credit_form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = year_of(request, today)
    stage = request.GET.get("stage") or ""
    qs = projects.projects_for(user).filter(zone=zone, applied_on__year=year)
    if stage in rules.STAGES:
        qs = qs.filter(stage=stage)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(stage__in=(rules.APPROVED, rules.EXECUTING), due_on__lt=today)
    count = qs.count()
    pages = max(1, -(-count // PER_PAGE))
    try:
        page = int_in(request.GET.get("page") or 1, "page", "页码", 1, pages)
    except RuleError:
        page = 1
    rows = [
        (p, projects.flags_of(p, today))
        for p in qs.select_related("department").order_by("-applied_on", "-pk")[
            (page - 1) * PER_PAGE : page * PER_PAGE
        ]
    ]
    office = access.is_office_of(user, zone)
    return render(
        request,
        "ledgers/projects.html",
        {
            **context(request, zone, year),
            "rows": rows,
            "count": count,
            "page": page,
            "pages": pages,
            "stage": stage,
            "stages": rules.STAGES,
            "overdue": request.GET.get("overdue") == "1",
            "can_add": office,
            "departments": departments(zone),
            "credit_notes": list(CreditNote.objects.filter(zone=zone).order_by("-on")[:50])
            if office
            else [],
            "form": form or {"values": {}, "errors": {}},
            "credit_form": credit_form or {"values": {}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def projects_page(request):
    return _register(request)


@login_required
@require_POST
def project_new(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        p = projects.apply_project(request.user, data, today=timezone.localdate())
    except RuleError as exc:
        return _register(request, form={"values": data, "errors": errors_of(exc)}, status=422)
    if p.credit_note:
        messages.warning(request, f"申报单位有失信记录：{p.credit_note}")
    messages.success(request, f"已登记申报：{p.title}")
    return redirect("ledgers:project", p.pk)


@login_required
@require_POST
def credit_note_new(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        projects.add_credit_note(request.user, data, today=timezone.localdate())
    except RuleError as exc:
        return _register(
            request, credit_form={"values": data, "errors": errors_of(exc)}, status=422
        )
    messages.success(request, "已登记诚信记录")
    return redirect("ledgers:projects")


def _project(request, project_id, form=None, funds_form=None, status=200):
    user = request.user
    access.require_reader(user)
    p = projects.get_project(user, project_id)
    today = timezone.localdate()
    office = access.is_office_of(user, p.zone)
    return render(
        request,
        "ledgers/project.html",
        {
            "p": p,
            "flags": projects.flags_of(p, today),
            "events": list(p.events.select_related("by")),
            "funds": list(p.funds.all()),
            "stages": rules.STAGES,
            "event_labels": {**rules.EVENT_LABELS, "apply": "申报"},
            "allowed": {e: rules.EVENT_LABELS[e] for e in rules.allowed_events(p.stage)}
            if office
            else {},
            "can_fund": office and p.stage in (rules.APPROVED, rules.EXECUTING, rules.ACCEPTED),
            "acceptance": rules.ACCEPTANCE,
            "grades": rules.GRADES,
            "fund_kinds": ProjectFunds.KINDS,
            "form": form or {"values": {}, "errors": {}},
            "funds_form": funds_form or {"values": {}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def project_page(request, project_id: int):
    return _project(request, project_id)


@login_required
@require_POST
def project_event(request, project_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        projects.project_event(request.user, project_id, data, today=timezone.localdate())
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:project", project_id)
    except RuleError as exc:
        form = {"values": data, "errors": errors_of(exc)}
        return _project(request, project_id, form=form, status=422)
    messages.success(request, "已办理")
    return redirect("ledgers:project", project_id)


@login_required
@require_POST
def project_funds(request, project_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        projects.add_funds(request.user, project_id, data, today=timezone.localdate())
    except RuleError as exc:
        form = {"values": data, "errors": errors_of(exc)}
        return _project(request, project_id, funds_form=form, status=422)
    messages.success(request, "已登记资金")
    return redirect("ledgers:project", project_id)
