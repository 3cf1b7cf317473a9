"""法律顾问: the list with each one's yearly work, one counsel with opinions and attendance."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fazhi.core.errors import RuleError

from .. import access, counsel, selectors
from ..models import MajorDecision, NormativeDocument
from . import forms
from .common import today


def _office_zone(user):
    if user.org_id and user.org.kind == "zone" and access.is_office_of(user, user.org):
        return user.org
    return None


@login_required
@require_http_methods(["GET", "POST"])
def counsel_list(request):
    user = request.user
    access.require_reader(user)
    if not access.zone_wide(user):
        raise PermissionDenied("法律顾问台账由创建办、领导及上级查看")
    office = _office_zone(user)
    form, status = forms.form_state(forms.COUNSEL_NEW), 200
    if request.method == "POST":
        if office is None:
            raise PermissionDenied("只有创建办可以登记法律顾问")
        values = forms.values_of(request.POST, forms.COUNSEL_NEW)
        try:
            c = counsel.add_counsel(user, values, today())
            return redirect("decisions:counsel-detail", c.pk)
        except RuleError as exc:
            form, status = forms.form_state(forms.COUNSEL_NEW, values, exc), 422
    rows = selectors.counsel_counts(counsel.counsel_for(user).select_related("zone"))
    return render(
        request,
        "decisions/counsel.html",
        {"rows": list(rows), "form": form, "fields": forms.COUNSEL_NEW, "office": office},
        status=status,
    )


def _detail(request, counsel_id, forms_state=None, status=200):
    user = request.user
    access.require_reader(user)
    c = counsel.get_counsel(user, counsel_id)
    office = access.is_office_of(user, c.zone)
    opinion_fields = list(forms.OPINION_NEW)
    if office:
        decs = tuple(
            MajorDecision.objects.filter(zone=c.zone)
            .order_by("-launched_on")
            .values_list("pk", "title")[:200]
        )
        docs = tuple(
            NormativeDocument.objects.filter(zone=c.zone)
            .order_by("-drafted_on")
            .values_list("pk", "title")[:200]
        )
        opinion_fields = [
            forms.F(
                f.name,
                f.label,
                f.kind,
                f.required,
                tuple((str(k), v) for k, v in (decs if f.name == "decision" else docs)),
                f.help,
            )
            if f.name in ("decision", "document")
            else f
            for f in opinion_fields
        ]
    st = forms_state or {}
    return render(
        request,
        "decisions/counsel_detail.html",
        {
            "c": c,
            "opinions": list(c.opinions.all()),
            "attendance": list(c.attendance.all()),
            "office": office,
            "opinion_fields": opinion_fields,
            "attendance_fields": forms.ATTENDANCE_NEW,
            "opinion_form": st.get("opinion") or forms.form_state(()),
            "attendance_form": st.get("attendance") or forms.form_state(()),
        },
        status=status,
    )


@login_required
@require_GET
def counsel_detail(request, counsel_id):
    return _detail(request, counsel_id)


@login_required
@require_POST
def counsel_opinion(request, counsel_id):
    values = forms.values_of(request.POST, forms.OPINION_NEW)
    try:
        counsel.add_opinion(request.user, counsel_id, values, today())
        return redirect("decisions:counsel-detail", counsel_id)
    except RuleError as exc:
        return _detail(
            request, counsel_id, {"opinion": forms.form_state(forms.OPINION_NEW, values, exc)}, 422
        )


@login_required
@require_POST
def counsel_attendance(request, counsel_id):
    values = forms.values_of(request.POST, forms.ATTENDANCE_NEW)
    try:
        counsel.add_attendance(request.user, counsel_id, values, today())
        return redirect("decisions:counsel-detail", counsel_id)
    except RuleError as exc:
        return _detail(
            request,
            counsel_id,
            {"attendance": forms.form_state(forms.ATTENDANCE_NEW, values, exc)},
            422,
        )
