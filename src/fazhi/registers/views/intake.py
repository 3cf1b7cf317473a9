"""A case registered by the staff (a request or complaint received on paper, by mail or by
phone): the same rules as the public intake, more fields."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from fazhi.core.errors import ConflictError, RuleError
from fazhi.orgs.models import Role
from fazhi.registers import catalog, clock, services, states

STAFF_FIELDS = {
    states.DISCLOSURE: (
        "channel",
        "received_on",
        "applicant_kind",
        "name",
        "id_number",
        "phone",
        "email",
        "address",
        "subject",
        "content",
        "delivery",
        "note",
    ),
    states.COMPLAINT: (
        "channel",
        "received_on",
        "name",
        "phone",
        "email",
        "address",
        "category",
        "subject",
        "content",
        "respondent",
        "note",
    ),
}


@login_required
def case_new(request, kind: str):
    """登记: the office enters a case that did not come through the public form."""
    if kind not in STAFF_FIELDS:
        raise Http404("未知的案件类别")
    if not request.user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以登记案件")
    today = clock.today()
    form = {
        "values": {
            "received_on": today.isoformat(),
            "applicant_kind": "person",
            "category": "complaint",
        },
        "errors": {},
        "top": "",
    }
    status = 200
    if request.method == "POST":
        data = {name: request.POST.get(name, "") for name in STAFF_FIELDS[kind]}
        if kind == states.COMPLAINT:
            data["anonymous"] = "1" if request.POST.get("anonymous") else ""
        form["values"] = data
        try:
            case, code = services.register_case(
                request.user, {**data, "kind": kind}, today, request.FILES.getlist("files")
            )
        except (RuleError, ConflictError) as exc:
            status = 422 if isinstance(exc, RuleError) else 409
            errors = getattr(exc, "errors", None) or {getattr(exc, "field", ""): exc.message}
            for field, message in errors.items():
                if field in STAFF_FIELDS[kind] or field == "anonymous":
                    form["errors"][field] = message
                else:
                    form["top"] = form["top"] or message
        else:
            messages.success(
                request, f"已登记 {case.tracking_no}。查询码（只显示这一次，请告知当事人）：{code}"
            )
            return redirect("registers:case", case_id=case.pk)
    return render(
        request,
        "registers/new.html",
        {
            "kind": kind,
            "form": form,
            "channels": {
                k: v for k, v in catalog.CHANNELS[kind].items() if k != "online" and k != "web"
            },
            "receipt_dates": catalog.RECEIPT_DATE,
            "applicant_kinds": catalog.APPLICANT_KINDS,
            "delivery": catalog.DELIVERY,
            "categories": catalog.COMPLAINT_CATEGORIES,
            "title": "登记依申请公开" if kind == states.DISCLOSURE else "登记投诉举报",
        },
        status=status,
    )
