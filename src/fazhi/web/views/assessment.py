"""The self-assessment pages (自评): create, fill in row by row, evidence, check, submit and
the transitions after it, export. Thin: services write, selectors read, templates show."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from fazhi.assessments import evidence as evidence_store
from fazhi.assessments import selectors, services, summaries
from fazhi.assessments.exports import xlsx_response
from fazhi.assessments.models import Evidence
from fazhi.audit.services import record
from fazhi.core import framework as fw
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.frameworks.services import tree
from fazhi.orgs.access import can_edit_assessment, can_override, can_review_assessment
from fazhi.orgs.models import Role
from fazhi.workplan.selectors_links import tasks_by_indicator


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


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
@require_GET
def summary_download(request, assessment_id, code, key):
    """A register's yearly summary beside an item, as .xlsx (read only)."""
    name, content = summaries.summary_download(request.user, assessment_id, code, key)
    response = HttpResponse(content, content_type=summaries.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_POST
def attach_summary(request, assessment_id, code, key):
    """作为佐证: a register's summary for the item, written as a stamped .xlsx evidence file."""
    target = reverse("web:assessment", args=[assessment_id]) + f"#item-{code}"
    try:
        item = summaries.attach_summary(request.user, assessment_id, code, key)
    except (RuleError, ConflictError) as exc:
        messages.error(request, f"第 {code} 项未能生成台账统计：{exc.message}")
        return redirect(target)
    messages.success(request, f"已生成台账统计并作为第 {code} 项佐证材料上传：{item.name}")
    return redirect(target)


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
