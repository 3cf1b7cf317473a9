"""/targets/: the yearly target list (item 13), its reports, its .xlsx import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import targets as target_rules
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.scoring import format_points
from fazhi.workdays.selectors import get_calendar

from .. import access, corrections, targets
from ..models import TargetList, TargetReportRevision
from ..target_import import COLUMNS, import_targets
from .common import context, departments, errors_of, file_answer, year_of

# ---------------------------------------------------------------- 主体考核目标


def _targets_page(request, form=None, import_errors=None, list_form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = year_of(request, today)
    qs = targets.targets_for(user).filter(zone=zone, year=year)
    ov = targets.overview(qs, today, get_calendar())
    issued = TargetList.objects.filter(zone=zone, year=year).select_related("issuer").first()
    office = access.is_office_of(user, zone)
    current = (
        {
            "issuer": issued.issuer.code,
            "doc_no": issued.doc_no,
            "issued_on": issued.issued_on.isoformat(),
        }
        if issued
        else {}
    )
    return render(
        request,
        "ledgers/targets.html",
        {
            **context(request, zone, year),
            "ov": ov,
            "can_add": access.is_office_of(user, zone),
            "form": form or {"values": {"year": year, "frequency": "monthly"}, "errors": {}},
            "import_errors": import_errors,
            "frequencies": target_rules.FREQUENCIES,
            "departments": departments(zone),
            "columns": [label for _, label in COLUMNS],
            "points": targets.ITEM_POINTS,
            "issued": issued,
            "issuers": corrections.issuers_of(zone) if office else {},
            "list_form": list_form or {"values": current, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def targets_page(request):
    return _targets_page(request)


@login_required
@require_POST
def target_new(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        t = targets.add_target(request.user, data)
    except RuleError as exc:
        form = {"values": data, "errors": errors_of(exc)}
        return _targets_page(request, form=form, status=422)
    messages.success(request, f"已登记指标：{t.indicator}")
    return redirect(f"/targets/?year={t.year}")


@login_required
@require_POST
def target_import(request):
    access.office_zone(request.user)
    try:
        made = import_targets(request.user, request.POST.get("year"), request.FILES.get("file"))
    except RuleError as exc:
        return _targets_page(request, import_errors=errors_of(exc), status=422)
    messages.success(request, f"已导入 {len(made)} 个指标")
    return redirect(f"/targets/?year={made[0].year}")


@login_required
@require_POST
def target_list(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        tl = corrections.set_target_list(request.user, data, today=timezone.localdate())
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect(f"/targets/?year={data.get('year', '')}")
    except RuleError as exc:
        form = {"values": data, "errors": errors_of(exc)}
        return _targets_page(request, list_form=form, status=422)
    messages.success(request, "已登记目标清单的下达信息")
    return redirect(f"/targets/?year={tl.year}")


def _target_page(request, target_id, form=None, status=200, edit_form=None, correct_form=None):
    user = request.user
    access.require_reader(user)
    t = targets.get_target(user, target_id)
    office = access.is_office_of(user, t.zone)
    reports = targets.reports_of(t)
    can_report = targets.can_report(user, t)
    correcting = None
    if can_report:
        wanted = (correct_form or {}).get("report") or request.GET.get("correct")
        correcting = next((r for r in reports if str(r.pk) == str(wanted)), None)
    today = timezone.localdate()
    row = targets.row_of(
        targets.with_latest(type(t).objects.filter(pk=t.pk)).get(), today, get_calendar()
    )
    open_periods = [p for p in target_rules.periods(t.year, t.frequency) if p.start <= today]
    return render(
        request,
        "ledgers/target.html",
        {
            "t": t,
            "row": row,
            "reports": reports,
            "revisions": list(
                TargetReportRevision.objects.filter(report__target=t).select_related("report", "by")
            ),
            "can_report": can_report,
            "correcting": correcting,
            "correct_form": (correct_form or {}).get("form")
            or {
                "values": {"value": format_points(correcting.value) if correcting else ""},
                "errors": {},
            },
            "can_edit": office,
            "departments": departments(t.zone) if office else {},
            "frequencies": target_rules.FREQUENCIES,
            "edit_form": edit_form or {"values": targets.audit_of(t), "errors": {}},
            "periods": {p.key: p.label for p in open_periods},
            "form": form
            or {"values": {"period": open_periods[-1].key if open_periods else ""}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def target_page(request, target_id: int):
    return _target_page(request, target_id)


@login_required
@require_POST
def target_report(request, target_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        targets.report_figure(
            request.user, target_id, data, request.FILES.get("file"), today=timezone.localdate()
        )
    except RuleError as exc:
        return _target_page(request, target_id, {"values": data, "errors": errors_of(exc)}, 422)
    messages.success(request, "已填报")
    return redirect("ledgers:target", target_id)


@login_required
@require_GET
def target_report_file(request, report_id: int):
    access.require_reader(request.user)
    return file_answer(*targets.report_file(request.user, report_id))


@login_required
@require_POST
def target_edit(request, target_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        corrections.edit_target(request.user, target_id, data)
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:target", target_id)
    except RuleError as exc:
        form = {"values": data, "errors": errors_of(exc)}
        return _target_page(request, target_id, status=422, edit_form=form)
    messages.success(request, "已更正指标")
    return redirect("ledgers:target", target_id)


@login_required
@require_POST
def report_correct(request, report_id: int):
    access.require_reader(request.user)
    rep = corrections.get_report(request.user, report_id)
    data = request.POST.dict()
    try:
        corrections.correct_report(
            request.user, report_id, data, request.FILES.get("file"), today=timezone.localdate()
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:target", rep.target_id)
    except RuleError as exc:
        form = {"report": rep.pk, "form": {"values": data, "errors": errors_of(exc)}}
        return _target_page(request, rep.target_id, status=422, correct_form=form)
    messages.success(request, "已更正填报")
    return redirect("ledgers:target", rep.target_id)


@login_required
@require_GET
def revision_file(request, revision_id: int):
    access.require_reader(request.user)
    return file_answer(*corrections.revision_file(request.user, revision_id))
