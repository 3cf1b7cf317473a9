"""/activities/: study sessions, training, publicity, 专题研究 (items 1, 2, 4, 5, 14)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.core import activities as act_rules
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.validate import int_in
from fazhi.orgs.models import Role

from .. import access, activities, corrections
from ..models import ActivityFile
from .common import PER_PAGE, context, departments, errors_of, file_answer, year_of

# ---------------------------------------------------------------- activities


def _activities_page(request, form=None, status=200):
    user = request.user
    access.require_reader(user)
    today = timezone.localdate()
    zone = access.zone_for(user, request.GET.get("zone"))
    year = year_of(request, today)
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
            **context(request, zone, year),
            "rows": rows,
            "count": count,
            "page": page,
            "pages": pages,
            "kind": kind,
            "kinds": act_rules.KINDS,
            "statuses": act_rules.STATUSES,
            "can_add": can_add,
            "pick_organiser": access.is_office_of(user, zone),
            "departments": departments(zone),
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
        return _activities_page(request, {"values": data, "errors": errors_of(exc)}, 422)
    messages.success(request, f"已登记：{a.subject}")
    return redirect("ledgers:activity", a.pk)


def _activity_page(request, activity_id, form=None, status=200):
    access.require_reader(request.user)
    a = activities.get_activity(request.user, activity_id)
    attendees = list(a.attendees.select_related("org").order_by("username"))
    can_edit = activities.can_record(request.user, a)
    current = {
        "kind": a.kind,
        "status": a.status,
        "held_on": a.held_on.isoformat(),
        "subject": a.subject,
        "organiser": a.organiser.code if a.organiser else "",
        "attendees": ",".join(u.username for u in attendees),
        "public_headcount": a.public_headcount,
        "note": a.note,
    }
    return render(
        request,
        "ledgers/activity.html",
        {
            "a": a,
            "kinds": act_rules.KINDS,
            "statuses": act_rules.STATUSES,
            "attendees": attendees,
            "files": list(a.files.order_by("pk")),
            "file_kinds": ActivityFile.KINDS,
            "can_edit": can_edit,
            "pick_organiser": access.is_office_of(request.user, a.zone),
            "departments": departments(a.zone) if can_edit else {},
            "form": form or {"values": current, "errors": {}},
        },
        status=status,
    )


@login_required
@require_GET
def activity_page(request, activity_id: int):
    return _activity_page(request, activity_id)


@login_required
@require_POST
def activity_edit(request, activity_id: int):
    access.require_reader(request.user)
    data = request.POST.dict()
    try:
        corrections.edit_activity(request.user, activity_id, data, today=timezone.localdate())
    except ConflictError as exc:
        messages.error(request, exc.message)
        return redirect("ledgers:activity", activity_id)
    except RuleError as exc:
        return _activity_page(request, activity_id, {"values": data, "errors": errors_of(exc)}, 422)
    messages.success(request, "已更正")
    return redirect("ledgers:activity", activity_id)


@login_required
@require_GET
def activity_file(request, activity_id: int, activity_file_id: int):
    access.require_reader(request.user)
    return file_answer(*activities.activity_file(request.user, activity_id, activity_file_id))
