"""Pages of the departments' annual assessment (部门年度考核): create and rank."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.assessments import annual
from fazhi.core.errors import RuleError
from fazhi.frameworks.services import assessment_tables
from fazhi.orgs.models import Org, Role


def _year(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def may_see_departments(user) -> bool:
    """Business users with an org; administrators and expert reviewers have no part in it."""
    return bool(user.org_id) and not (user.has_role(Role.ADMIN) or user.has_role(Role.EXPERT))


@login_required
def departments(request):
    if not may_see_departments(request.user):
        raise PermissionDenied("部门年度考核只对业务用户开放")
    this_year = timezone.localdate().year
    frameworks = list(assessment_tables())
    code = request.GET.get("framework") or (frameworks[0].code if frameworks else "")
    year = _year(request.GET.get("year"), this_year)
    # the newest version of the table asked for (the list is ordered code, -version)
    framework = next((f for f in frameworks if f.code == code), None)
    rows = annual.ranking(request.user, framework, year, timezone.localdate()) if framework else []
    office_zone = (
        request.user.org
        if request.user.has_role(Role.OFFICE) and request.user.org.kind == Org.Kind.ZONE
        else None
    )
    depts = (
        list(Org.objects.filter(parent=office_zone, kind=Org.Kind.DEPARTMENT))
        if office_zone
        else []
    )
    return render(
        request,
        "web/departments.html",
        {
            "frameworks": frameworks,
            "framework": framework,
            "year": year,
            "rows": rows,
            "can_create": office_zone is not None and bool(frameworks),
            "departments": depts,
        },
    )


@login_required
@require_POST
def departments_create(request):
    code = request.POST.get("framework", "")
    year = request.POST.get("year")
    orgs = request.POST.getlist("orgs")
    try:
        made, existing = annual.create_department_assessments(request.user, code, None, year, orgs)
    except RuleError as exc:
        messages.error(request, exc.message)
    else:
        text = f"已创建 {len(made)} 个部门的年度考核"
        if existing:
            text += f"；{'、'.join(existing)}已有该年度考核，未重复创建"
        messages.success(request, text)
    return redirect(reverse("web:departments") + f"?framework={code}&year={_year(year, '')}")
