"""Home pages per role (待办), the leader's dashboard (领导驾驶舱) and the search page. Thin:
the reads are in todo.py, dashboard.py and search.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from fazhi.core.dashboard import LIGHT_COLUMNS, LIGHT_LABELS
from fazhi.core.errors import RuleError
from fazhi.orgs.models import Org, Role
from fazhi.registers import clock
from fazhi.registers.selectors import zone_for

from . import dashboard as dashboard_reads
from . import todo
from .search import SEARCH_ROLES, departments_for, may_search_people, parse_query, search


def todo_for(user) -> dict:
    """The 待办 part of the home page for the user's role ({} for roles without one)."""
    today = clock.today()
    if user.role == Role.DEPARTMENT and user.org_id:
        return {"todo_kind": "department", "todo": todo.department_todo(user, today)}
    if user.role == Role.OFFICE and user.org_id and user.org.kind == Org.Kind.ZONE:
        return {"todo_kind": "office", "todo": todo.office_todo(user.org, today)}
    if user.role == Role.REVIEWER and user.org_id:
        return {"todo_kind": "city", "todo": todo.city_todo(user, today)}
    return {}


@login_required
def dashboard(request):
    user = request.user
    if not any(user.has_role(r) for r in (Role.LEADER, Role.OFFICE, Role.REVIEWER)):
        raise PermissionDenied("领导驾驶舱供领导、创建办和审核单位查看")
    try:
        zone = zone_for(user, request.GET.get("zone"))
    except RuleError:
        # Above several zones (市科技局): choose one first.
        zones = Org.objects.filter(kind=Org.Kind.ZONE, path__startswith=user.org.path)
        return render(request, "home/dashboard_zones.html", {"zones": zones})
    d = dashboard_reads.dashboard(zone, clock.today())
    return render(
        request,
        "home/dashboard.html",
        {
            "d": d,
            "chart_data": d.chart_data(),
            "light_labels": LIGHT_LABELS,
            "light_columns": LIGHT_COLUMNS,
            "above_zones": user.org.kind in (Org.Kind.CITY, Org.Kind.PROVINCE),
        },
    )


@login_required
def search_view(request):
    user = request.user
    if not any(user.has_role(r) for r in SEARCH_ROLES) or user.org_id is None:
        raise PermissionDenied("搜索供创建办、部门、领导和审核单位使用")
    ctx = {
        "departments": departments_for(user),
        "people": may_search_people(user),
        "values": request.GET,
    }
    if request.GET:
        query, errors = parse_query(user, request.GET)
        ctx["errors"] = errors
        if not errors:
            ctx["results"] = search(user, query)
    status = 422 if ctx.get("errors") else 200
    return render(request, "home/search.html", ctx, status=status)
