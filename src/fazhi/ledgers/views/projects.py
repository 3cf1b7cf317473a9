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
from fazhi.orgs.models import Role

from .. import access, project_steps, projects
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


# the page's forms: a refused one comes back with what was entered and its errors
FORMS = (
    "form",
    "funds_form",
    "expert_form",
    "change_form",
    "decision_form",
    "indicator_form",
    "line_form",
)


def _project(request, project_id, status=200, **forms):
    user = request.user
    access.require_reader(user)
    p = projects.get_project(user, project_id)
    today = timezone.localdate()
    office = access.is_office_of(user, p.zone)
    executing = p.stage == rules.EXECUTING
    changes = list(p.changes.select_related("requested_by", "decided_by"))
    pending = any(c.status == rules.REQUESTED for c in changes)
    department = user.has_role(Role.DEPARTMENT) and p.department_id == user.org_id
    return render(
        request,
        "ledgers/project.html",
        {
            "p": p,
            "flags": projects.flags_of(p, today),
            "certificate": rules.certificate_state(p.stage, p.certificate_valid_to, today),
            "events": list(p.events.select_related("by")),
            "funds": list(p.funds.all()),
            "experts": list(p.experts.all()),
            "changes": changes,
            "indicators": list(p.indicators.all()),
            "budget_lines": list(p.budget_lines.all()),
            "stages": rules.STAGES,
            "event_labels": rules.HISTORY_LABELS,
            "allowed": {e: rules.EVENT_LABELS[e] for e in rules.allowed_events(p.stage)}
            if office
            else {},
            "can_fund": office and p.stage in (rules.APPROVED, rules.EXECUTING, rules.ACCEPTED),
            "can_score": office and p.stage == rules.SCREENED,
            "can_request": executing and not pending and (office or department),
            "can_decide": office and executing,
            "can_evaluate": office and p.stage == rules.ACCEPTED,
            "acceptance": rules.ACCEPTANCE,
            "grades": rules.GRADES,
            "fund_kinds": ProjectFunds.KINDS,
            "change_kinds": rules.CHANGE_KINDS,
            "decisions": project_steps.DECISIONS,
            **{k: forms.get(k) or {"values": {}, "errors": {}} for k in FORMS},
        },
        status=status,
    )


@login_required
@require_GET
def project_page(request, project_id: int):
    return _project(request, project_id)


def _post(request, project_id: int, form: str, action, done: str):
    """One of the project page's forms: done → back to the page; refused → the page again
    with what was entered and each error beside its field; stale → the page says so."""
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        action(data)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:project", project_id)
    except RuleError as exc:
        errors = errors_of(exc)
        if "stage" in errors:  # the page was read at another stage: no field to mark
            messages.error(request, errors["stage"])
            return redirect("ledgers:project", project_id)
        forms = {form: {"values": data, "errors": errors}}
        return _project(request, project_id, status=422, **forms)
    messages.success(request, done)
    return redirect("ledgers:project", project_id)


@login_required
@require_POST
def project_event(request, project_id: int):
    today = timezone.localdate()
    return _post(
        request,
        project_id,
        "form",
        lambda d: projects.project_event(request.user, project_id, d, today=today),
        "已办理",
    )


@login_required
@require_POST
def project_funds(request, project_id: int):
    today = timezone.localdate()
    return _post(
        request,
        project_id,
        "funds_form",
        lambda d: projects.add_funds(request.user, project_id, d, today=today),
        "已登记资金",
    )


@login_required
@require_POST
def project_expert(request, project_id: int):
    return _post(
        request,
        project_id,
        "expert_form",
        lambda d: project_steps.add_expert(request.user, project_id, d),
        "已登记专家评分",
    )


@login_required
@require_POST
def project_change(request, project_id: int):
    today = timezone.localdate()
    return _post(
        request,
        project_id,
        "change_form",
        lambda d: project_steps.request_change(request.user, project_id, d, today=today),
        "已提交变更申请，待创建办审批",
    )


@login_required
@require_POST
def change_decision(request, change_id: int):
    access.require_reader(request.user)
    c = project_steps.get_change(request.user, change_id)
    today = timezone.localdate()
    return _post(
        request,
        c.project_id,
        "decision_form",
        lambda d: project_steps.decide_change(request.user, change_id, d, today=today),
        "已审批变更",
    )


@login_required
@require_POST
def project_indicator(request, project_id: int):
    return _post(
        request,
        project_id,
        "indicator_form",
        lambda d: project_steps.add_indicator(request.user, project_id, d),
        "已登记绩效指标",
    )


@login_required
@require_POST
def project_budget_line(request, project_id: int):
    return _post(
        request,
        project_id,
        "line_form",
        lambda d: project_steps.add_budget_line(request.user, project_id, d),
        "已登记预算科目支出",
    )
