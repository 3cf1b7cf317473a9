"""Pages. Thin: services write, selectors read, templates show."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from fazhi.assessments import evidence as evidence_store
from fazhi.assessments import selectors, services
from fazhi.assessments.exports import xlsx_response
from fazhi.assessments.models import Evidence
from fazhi.audit.services import record
from fazhi.core import framework as fw
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.frameworks.models import Framework
from fazhi.frameworks.services import tree
from fazhi.home import views as home_views
from fazhi.orgs.access import can_edit_assessment, can_override, can_review_assessment
from fazhi.orgs.models import Role
from fazhi.registers import clock
from fazhi.workdays.selectors import missing_notice
from fazhi.workplan.selectors_links import tasks_by_indicator

from .annual_views import may_see_departments


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


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
            "frameworks": Framework.objects.all() if can_create else [],
            "this_year": date.today().year,
            "calendar_warning": missing_notice(clock.today())
            if request.user.has_role(Role.ADMIN)
            else None,
            "show_departments": may_see_departments(request.user),
            **todo,
        },
    )


@login_required
@require_POST
def assessment_create(request):
    if not request.user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以新建自评")
    try:
        a = services.create_assessment(
            request.user,
            request.user.org.code if request.user.org else "",
            request.POST.get("framework", ""),
            None,
            request.POST.get("year"),
        )
    except (RuleError, ConflictError) as exc:
        messages.error(request, exc.message)
        return redirect("web:home")
    return redirect("web:assessment", assessment_id=a.pk)


def _rows(assessment, results):
    """Table rows: (depth, indicator, result) in order, only the chosen block of a
    `choose: one` group; groups have a result only when optional (不适用)."""
    blocks = selectors.blocks_of(assessment)
    return [
        (depth, ind, results.get(ind.code))
        for depth, ind in fw.applicable(tree(assessment.framework), blocks)
    ]


def _page_context(request, assessment, results=None, totals=None):
    results = (
        results if results is not None else selectors.results_of(assessment, with_evidence=True)
    )
    printed = fw.discrepancies(tree(assessment.framework), assessment.framework.declared_total)
    return {
        "a": assessment,
        "rows": _rows(assessment, results),
        # where the printed table disagrees with itself (group 五: 30 printed, items 29)
        "group_notes": {d.code: d.message for d in printed if d.code},
        "total_notes": [d.message for d in printed if not d.code],
        "totals": totals or selectors.totals_of(assessment, results),
        "can_edit": assessment.editable and can_edit_assessment(request.user, assessment),
        "can_review": assessment.status == "submitted"
        and can_review_assessment(request.user, assessment),
        "can_override": can_override(request.user, assessment),
        "max_upload_mb": f"{settings.FAZHI_MAX_UPLOAD_BYTES / 1024 / 1024:g}",
        # the work-plan tasks that produce evidence for each item (重点任务 ↔ 评分项)
        "linked": tasks_by_indicator(assessment, request.user, timezone.localdate()),
    }


@login_required
def assessment_detail(request, assessment_id):
    assessment = selectors.get_assessment(request.user, assessment_id)
    return render(request, "web/assessment.html", _page_context(request, assessment))


def _row_response(request, assessment, code, *, error=None, status=200, values=None, saved=""):
    """The item's row (and, out of band, the totals) after a change or a refusal; `saved`
    says what was done, inside the item (and repeated in the page's status region)."""
    results = selectors.results_of(assessment, with_evidence=True)
    ind = selectors.items_by_code(assessment)[code]
    ctx = _page_context(request, assessment, results)
    group = fw.top_group_of(tree(assessment.framework), code)
    ctx.update(
        {
            "ind": ind,
            "r": results[code],
            "group": group,
            "error": error,
            "values": values or {},
            "oob_totals": True,
            "saved": saved,
        }
    )
    return render(request, "web/_item_row.html", ctx, status=status)


RESULT_FIELDS = {
    "self_score",
    "count",
    "value",
    "override_score",
    "cases",
    "points",
    "reason",
    "note",
    "version",
}


@login_required
@require_POST
def result_update(request, assessment_id, code):
    data = {k: v for k, v in request.POST.items() if k in RESULT_FIELDS}
    if "raised" in request.POST or "veto" in request.POST:
        data["raised"] = request.POST.get("raised") == "on"
    if "na" in request.POST:  # a checkbox posts nothing when unticked
        data["not_applicable"] = request.POST.get("not_applicable") == "on"
    try:
        services.update_result(request.user, assessment_id, code, data)
    except RuleError as exc:
        return _fail(request, assessment_id, code, exc, 422, data)
    except ConflictError as exc:
        return _fail(request, assessment_id, code, exc, 409, data)
    assessment = selectors.get_assessment(request.user, assessment_id)
    if _is_htmx(request):
        return _row_response(request, assessment, code, saved="已保存")
    messages.success(request, f"第 {code} 项已保存")
    return redirect(reverse("web:assessment", args=[assessment_id]) + f"#item-{code}")


def _fail(request, assessment_id, code, exc, status, values):
    assessment = selectors.get_assessment(request.user, assessment_id)
    if _is_htmx(request):
        return _row_response(request, assessment, code, error=exc, status=status, values=values)
    messages.error(request, f"第 {code} 项未保存：{exc.message}")
    return redirect(reverse("web:assessment", args=[assessment_id]) + f"#item-{code}")


@login_required
@require_POST
def evidence_upload(request, assessment_id, code):
    try:
        services.add_evidence(request.user, assessment_id, code, request.FILES.get("file"))
    except (RuleError, ConflictError) as exc:
        return _fail(
            request, assessment_id, code, exc, 422 if isinstance(exc, RuleError) else 409, {}
        )
    assessment = selectors.get_assessment(request.user, assessment_id)
    if _is_htmx(request):
        return _row_response(request, assessment, code, saved="佐证材料已上传")
    messages.success(request, f"第 {code} 项佐证材料已上传")
    return redirect(reverse("web:assessment", args=[assessment_id]) + f"#item-{code}")


@login_required
@require_POST
def evidence_remove(request, assessment_id, evidence_id):
    item = (
        Evidence.objects.filter(pk=evidence_id, result__assessment_id=assessment_id)
        .select_related("result__indicator")
        .first()
    )
    code = item.result.indicator.code if item else None
    try:
        services.remove_evidence(request.user, assessment_id, evidence_id)
    except ConflictError as exc:
        return _fail(request, assessment_id, code, exc, 409, {})
    assessment = selectors.get_assessment(request.user, assessment_id)
    if _is_htmx(request):
        return _row_response(request, assessment, code, saved="佐证材料已删除")
    messages.success(request, "佐证材料已删除")
    return redirect(reverse("web:assessment", args=[assessment_id]) + f"#item-{code}")


@login_required
def evidence_download(request, assessment_id, evidence_id):
    assessment = selectors.get_assessment(request.user, assessment_id)
    item = (
        Evidence.objects.filter(pk=evidence_id, result__assessment=assessment)
        .select_related("blob")
        .first()
    )
    if item is None:
        raise Http404("佐证材料不存在")
    record(request.user, "evidence.download", item, after={"name": item.name, "sm3": item.blob_id})
    response = FileResponse(
        evidence_store.open_blob(item.blob), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(True, safe_display_name(item.name))
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def submit_check(request, assessment_id):
    """提交前检查: the missing scores (linked), the items without evidence, then the
    confirmation; the submit button leads here, so nothing is confirmed before it is checked."""
    assessment = selectors.get_assessment(request.user, assessment_id)
    if not can_edit_assessment(request.user, assessment):
        raise PermissionDenied("只有本园区创建办可以提交自评")
    if not assessment.editable:
        messages.info(request, f"自评{assessment.get_status_display()}，无需再检查")
        return redirect("web:assessment", assessment.pk)
    check = selectors.check_of(assessment)
    return render(
        request,
        "web/submit_check.html",
        {"a": assessment, "check": check, "totals": selectors.totals_of(assessment)},
    )


TRANSITIONS = {"submit": services.submit, "accept": services.accept}


@login_required
@require_POST
def assessment_transition(request, assessment_id, transition):
    try:
        if transition == "return":
            services.return_assessment(request.user, assessment_id, request.POST.get("reason", ""))
        elif transition in TRANSITIONS:
            TRANSITIONS[transition](request.user, assessment_id)
        else:
            raise Http404()
    except (RuleError, ConflictError) as exc:
        messages.error(request, exc.message)
        if transition == "submit" and isinstance(exc, RuleError):
            return redirect("web:assessment-check", assessment_id=assessment_id)
    else:
        messages.success(
            request,
            {"submit": "自评已提交", "accept": "自评已通过", "return": "自评已退回"}[transition],
        )
    return redirect("web:assessment", assessment_id=assessment_id)


@login_required
def assessment_export(request, assessment_id):
    return xlsx_response(request.user, selectors.get_assessment(request.user, assessment_id))


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
