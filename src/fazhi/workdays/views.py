"""The administrator's page for the holiday table: /admin/calendar/. Thin: services write."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fazhi.core.errors import RuleError
from fazhi.orgs.models import Role

from . import selectors, services
from .models import Holiday

WEEKDAYS = "一二三四五六日"


def _admin_only(request) -> None:
    if not request.user.has_role(Role.ADMIN):
        raise PermissionDenied("只有系统管理员可以维护节假日安排。")


def _back(year) -> str:
    url = reverse("workdays:calendar")
    return f"{url}?{urlencode({'year': year})}" if year else url


def _year_param(request, years: list[int]) -> int | None:
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in years:
        return int(raw)
    today = date.today().year
    if today in years:
        return today
    return years[-1] if years else None


@login_required
def calendar(request):
    _admin_only(request)
    years = selectors.covered_years()
    year = _year_param(request, [y.year for y in years])
    rest, work = selectors.days_of(year) if year else ([], [])
    return render(
        request,
        "workdays/calendar.html",
        {
            "years": years,
            "year": year,
            "current": next((y for y in years if y.year == year), None),
            "rows": [
                (title, [(h, WEEKDAYS[h.date.weekday()]) for h in days])
                for title, days in (("法定节假日", rest), ("调休上班日", work))
            ],
            "kinds": Holiday.Kind.choices,
            "next_year": (years[-1].year + 1) if years else date.today().year,
        },
    )


@login_required
@require_POST
def day_set(request):
    _admin_only(request)
    raw = request.POST.get("date", "")
    try:
        h = services.set_day(
            raw, request.POST.get("kind", ""), request.POST.get("name", ""), request.user
        )
    except RuleError as exc:
        messages.error(request, f"未保存：{exc.message}")
        return redirect(_back(raw[:4] if raw[:4].isdigit() else request.POST.get("year")))
    messages.success(request, f"已设定 {h.date.isoformat()} 为{h.get_kind_display()}")
    return redirect(_back(h.date.year))


@login_required
@require_POST
def day_remove(request):
    _admin_only(request)
    raw = request.POST.get("date", "")
    try:
        services.remove_day(raw, request.user)
    except RuleError as exc:
        messages.error(request, f"未删除：{exc.message}")
    else:
        messages.success(request, f"已删除 {raw} 的设定")
    return redirect(_back(raw[:4] if raw[:4].isdigit() else None))


@login_required
@require_POST
def year_add(request):
    _admin_only(request)
    raw = request.POST.get("year", "")
    try:
        cy = services.add_year(raw, request.POST.get("source_notice", ""), request.user)
    except RuleError as exc:
        messages.error(request, f"未录入：{exc.message}")
        return redirect(_back(None))
    messages.success(request, f"已录入 {cy.year} 年，请逐日录入该年的法定节假日和调休上班日")
    return redirect(_back(cy.year))
