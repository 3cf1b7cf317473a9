"""Pages of the ledgers: /targets/, /activities/, /awards/. Thin: services write, selectors
read; a refused form is shown again with every error beside its field and what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import activities as act_rules
from fazhi.core import awards as award_rules
from fazhi.core import targets as target_rules
from fazhi.core.errors import RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import int_in
from fazhi.orgs.models import Org, Role
from fazhi.workdays.selectors import get_calendar

from . import access, activities, awards, targets
from .models import ActivityFile
from .target_import import COLUMNS, import_targets

PER_PAGE = 100


def _errors(exc: RuleError) -> dict:
    return getattr(exc, "errors", {exc.field: exc.message})


def _year(request, today) -> int:
    try:
        return int_in(request.GET.get("year") or today.year, "year", "年度", 2000, 2100)
    except RuleError:
        return today.year


def _file(name: str, handle) -> FileResponse:
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, safe_display_name(name))
    return response


def _departments(zone: Org):
    return {
        d.code: d.name
        for d in Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone).order_by("path")
    }


def _context(request, zone, year) -> dict:
    return {"zone": zone, "year": year, "zones": access.zones_of(request.user)}


# ---------------------------------------------------------------- 主体考核目标


def _targets_page(request, form=None, import_errors=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = _year(request, today)
    qs = targets.targets_for(user).filter(zone=zone, year=year)
    ov = targets.overview(qs, today, get_calendar())
    return render(
        request,
        "ledgers/targets.html",
        {
            **_context(request, zone, year),
            "ov": ov,
            "can_add": access.is_office_of(user, zone),
            "form": form or {"values": {"year": year, "frequency": "monthly"}, "errors": {}},
            "import_errors": import_errors,
            "frequencies": target_rules.FREQUENCIES,
            "departments": _departments(zone),
            "columns": [label for _, label in COLUMNS],
            "points": targets.ITEM_POINTS,
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
        form = {"values": data, "errors": _errors(exc)}
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
        return _targets_page(request, import_errors=_errors(exc), status=422)
    messages.success(request, f"已导入 {len(made)} 个指标")
    return redirect(f"/targets/?year={made[0].year}")


def _target_page(request, target_id, form=None, status=200):
    user = request.user
    access.require_reader(user)
    t = targets.get_target(user, target_id)
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
            "reports": targets.reports_of(t),
            "can_report": targets.can_report(user, t),
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
        return _target_page(request, target_id, {"values": data, "errors": _errors(exc)}, 422)
    messages.success(request, "已填报")
    return redirect("ledgers:target", target_id)


@login_required
@require_GET
def target_report_file(request, report_id: int):
    access.require_reader(request.user)
    return _file(*targets.report_file(request.user, report_id))


# ---------------------------------------------------------------- activities


def _activities_page(request, form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = _year(request, today)
    kind = request.GET.get("kind") or ""
    qs = activities.activities_for(user).filter(zone=zone, held_on__year=year)
    if kind in act_rules.KINDS:
        qs = qs.filter(kind=kind)
    count = qs.count()
    pages = max(1, -(-count // PER_PAGE))
    try:
        page = int_in(request.GET.get("page") or 1, "page", "页码", 1, pages)
    except RuleError:
        page = 1
    rows = list(
        qs.select_related("organiser").order_by("-held_on", "-pk")[
            (page - 1) * PER_PAGE : page * PER_PAGE
        ]
    )
    can_add = access.is_office_of(user, zone) or (
        user.has_role(Role.DEPARTMENT) and user.org_id and user.org.parent_id == zone.pk
    )
    return render(
        request,
        "ledgers/activities.html",
        {
            **_context(request, zone, year),
            "rows": rows,
            "count": count,
            "page": page,
            "pages": pages,
            "kind": kind,
            "kinds": act_rules.KINDS,
            "statuses": act_rules.STATUSES,
            "can_add": can_add,
            "pick_organiser": access.is_office_of(user, zone),
            "departments": _departments(zone),
            "file_kinds": ActivityFile.KINDS,
            "form": form or {"values": {"status": "held"}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def activities_page(request):
    return _activities_page(request)


@login_required
@require_POST
def activity_new(request):
    access.writer_zone(request.user)
    data = request.POST.dict()
    files = [(k, f) for k in ActivityFile.KINDS for f in request.FILES.getlist(f"file_{k}")]
    try:
        a = activities.record_activity(request.user, data, files, today=timezone.localdate())
    except RuleError as exc:
        return _activities_page(request, {"values": data, "errors": _errors(exc)}, 422)
    messages.success(request, f"已登记：{a.subject}")
    return redirect("ledgers:activity", a.pk)


@login_required
@require_GET
def activity_page(request, activity_id: int):
    access.require_reader(request.user)
    a = activities.get_activity(request.user, activity_id)
    return render(
        request,
        "ledgers/activity.html",
        {
            "a": a,
            "kinds": act_rules.KINDS,
            "statuses": act_rules.STATUSES,
            "attendees": list(a.attendees.select_related("org").order_by("username")),
            "files": list(a.files.order_by("pk")),
            "file_kinds": ActivityFile.KINDS,
        },
    )


@login_required
@require_GET
def activity_file(request, activity_id: int, file_id: int):
    access.require_reader(request.user)
    return _file(*activities.activity_file(request.user, activity_id, file_id))


# ---------------------------------------------------------------- awards


def _awards_page(request, form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = _year(request, today)
    rows = list(awards.awards_for(user).filter(zone=zone, on__year=year).order_by("-on", "-pk"))
    honours = [award_rules.Honour(a.kind, a.level, a.on) for a in rows]
    return render(
        request,
        "ledgers/awards.html",
        {
            **_context(request, zone, year),
            "rows": [
                (a, award_rules.counts_for("15", h), award_rules.counts_for("16", h))
                for a, h in zip(rows, honours, strict=True)
            ],
            "n15": award_rules.case_count("15", honours, year)[0],
            "n16": award_rules.case_count("16", honours, year)[0],
            "rules": award_rules.RULES,
            "kinds": award_rules.KINDS,
            "levels": award_rules.LEVELS,
            "can_add": access.is_office_of(user, zone),
            "form": form or {"values": {}, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def awards_page(request):
    return _awards_page(request)


@login_required
@require_POST
def award_new(request):
    access.office_zone(request.user)
    data = request.POST.dict()
    try:
        a = awards.record_award(
            request.user, data, request.FILES.get("file"), today=timezone.localdate()
        )
    except RuleError as exc:
        return _awards_page(request, {"values": data, "errors": _errors(exc)}, 422)
    messages.success(request, f"已登记：{a.title}")
    return redirect(f"/awards/?year={a.on.year}")


@login_required
@require_GET
def award_file(request, award_id: int):
    access.require_reader(request.user)
    return _file(*awards.award_file(request.user, award_id))
