"""The site's own pages: the home page, the icon, and the error pages (HTML, or the API's
error shape under /api/)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static

from fazhi.assessments import selectors
from fazhi.frameworks.services import assessment_tables
from fazhi.home import views as home_views
from fazhi.orgs.models import Role
from fazhi.registers import clock
from fazhi.workdays.selectors import missing_notice

from .departments import may_see_departments


@login_required
def home(request):
    if request.user.role == Role.LEADER:  # the leader's home is the dashboard (领导驾驶舱)
        return home_views.dashboard(request)
    todo = home_views.todo_for(request.user)
    visible = selectors.assessments_for(request.user)
    in_department = request.user.org is not None and request.user.org.kind == "department"
    if not in_department:  # departments' sheets are listed on their own page (with ranking)
        visible = visible.exclude(zone__kind="department")
    cards = selectors.totals_for_many(list(visible))
    can_create = (
        request.user.has_role(Role.OFFICE) and request.user.org and request.user.org.kind == "zone"
    )
    return render(
        request,
        "web/home.html",
        {
            "cards": cards,
            "can_create": can_create,
            "frameworks": assessment_tables() if can_create else [],
            "this_year": date.today().year,
            "calendar_warning": missing_notice(clock.today())
            if request.user.has_role(Role.ADMIN)
            else None,
            "show_departments": may_see_departments(request.user),
            **todo,
        },
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page links; answer with the app's icon."""
    return redirect(static("img/favicon.svg"), permanent=True)


API_ERRORS = {
    400: "请求的格式不正确",
    403: "无权执行该操作",
    404: "接口不存在，请查看 /api/v1/openapi.json",
    500: "系统出现错误，已记录，请稍后重试",
}


def _error(request, status, title, text):
    # what reaches Django's own handlers under /api/ (an unknown path, for one) keeps the
    # API's error shape instead of an HTML page
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": API_ERRORS.get(status, text)}, status=status)
    return render(request, "web/error.html", {"title": title, "text": text}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "请求有误", "请求的格式不正确，请返回上一页重试。")


def forbidden(request, exception=None):
    text = (
        str(exception)
        if isinstance(exception, PermissionDenied) and str(exception)
        else "你没有执行该操作的权限。"
    )
    return _error(request, 403, "无权访问", text)


def not_found(request, exception=None):
    return _error(request, 404, "页面不存在", "你要找的页面不存在，或者你无权查看。")


def server_error(request):
    return _error(request, 500, "系统出错", "系统出现错误，已记录。请稍后重试，或联系系统管理员。")
