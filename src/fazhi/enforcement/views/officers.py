"""执法人员 page: the officers with their certificates, those needing attention first."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fazhi.core.errors import RuleError
from fazhi.orgs.models import Org
from fazhi.registers import clock

from .. import access, officers, selectors
from .common import form_state, post_data


@login_required
@require_http_methods(["GET", "POST"])
def officer_list(request):
    user = request.user
    access.require_reader(user)
    zone = access.zone_of_user(user)
    is_office = bool(zone) and access.is_office_of(user, zone)
    form = {"values": {}, "errors": {}}
    if request.method == "POST":
        data = post_data(request)
        try:
            o = officers.add_officer(user, data)
        except RuleError as exc:
            form = form_state(data, exc)
        else:
            messages.success(request, f"已登记执法人员{o.name}")
            return redirect("enforcement:officers")
    today = clock.today()
    rows = selectors.officers(user, today)
    departments = (
        {
            d.code: d.name
            for d in Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone).order_by("path")
        }
        if is_office
        else {}
    )
    return render(
        request,
        "enforcement/officers.html",
        {
            "rows": rows,
            "attention": [r for r in rows if r["attention"]],
            "form": form,
            "is_office": is_office,
            "departments": departments,
            "today": today,
        },
        status=422 if form["errors"] else 200,
    )
