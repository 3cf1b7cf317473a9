"""层级监督 in the API: inspection plans and their findings under /api/v1/enforcement/inspections,
and the filing review (备案审查) of reported decisions: the list under
/api/v1/enforcement/filing-reviews, the review of a case's or a reconsideration's decision."""

from __future__ import annotations

from django.db.models import Count
from ninja import Router, Status

from fazhi.core import enforcement as enf
from fazhi.enforcement import access, filing, inspections, selectors
from fazhi.enforcement.models import EnforcementCase, InspectionPlan, Reconsideration

from .schemas.common import READ, WRITE
from .schemas.supervision import (
    FilingOut,
    FilingReviewIn,
    FindingIn,
    FindingOut,
    InspectionDetailOut,
    InspectionIn,
    InspectionOut,
)

router = Router(tags=["enforcement"])
recon_router = Router(tags=["reconsideration"])


def _plan(plan, findings: int) -> dict:
    return {
        "id": plan.pk, "zone": plan.zone.code, "title": plan.title, "kind": plan.kind,
        "kind_label": inspections.KINDS.get(plan.kind, ""), "year": plan.year,
        "scope": plan.scope, "findings": findings,
    }  # fmt: skip


def _finding(f) -> dict:
    return {
        "id": f.pk, "department": f.department.name, "department_code": f.department.code,
        "text": f.text, "due_on": f.due_on, "task": f.task.number if f.task else "",
        "task_done": bool(f.task and f.task.done_at),
    }  # fmt: skip


def _detail(user, plan_id: int) -> dict:
    plan = inspections.plan_of(user, plan_id)
    items = list(plan.findings.select_related("department", "task").order_by("id"))
    return {
        **_plan(plan, len(items)),
        "items": [_finding(f) for f in items],
        "can_add_finding": access.is_office_of(user, plan.zone),
    }


@router.get("/inspections", response={200: list[InspectionOut], **READ}, summary="执法检查列表")
def list_inspections(request):
    access.require_reader(request.user)
    plans = (
        InspectionPlan.objects.filter(access.data_q(request.user, own_field=""))
        .select_related("zone")
        .annotate(n=Count("findings"))
        .order_by("-year", "-id")
    )
    return [_plan(p, p.n) for p in plans]


@router.post("/inspections", response={201: InspectionDetailOut, **WRITE}, summary="制定执法检查")
def create_inspection(request, payload: InspectionIn):
    plan = inspections.add_plan(request.user, payload.data())
    return Status(201, _detail(request.user, plan.pk))


@router.get(
    "/inspections/{int:inspection_id}",
    response={200: InspectionDetailOut, **READ},
    summary="执法检查详情",
)
def get_inspection(request, inspection_id: int):
    return _detail(request.user, inspection_id)


@router.post(
    "/inspections/{int:inspection_id}/findings",
    response={201: FindingOut, **WRITE},
    summary="登记检查发现的问题",
)
def add_inspection_finding(request, inspection_id: int, payload: FindingIn):
    """问题及其整改任务：列为工作方案中该任务的子任务，由工作方案督办。"""
    finding = inspections.add_finding(request.user, inspection_id, payload.data())
    return Status(201, _finding(finding))


# ---------------------------------------------------------------- filing review (备案审查)


def _filing(user, kind: str, obj) -> dict:
    return {
        "kind": kind, "id": obj.pk, "number": obj.number, "zone": obj.zone.code,
        "decided_on": obj.decided_on, "reported_on": obj.reported_on,
        "result": obj.filing_result, "result_label": enf.FILING_RESULTS.get(obj.filing_result, ""),
        "opinion": obj.filing_opinion, "reviewed_on": obj.filing_reviewed_on,
        "may_review": filing.may_review(user, obj),
    }  # fmt: skip


@router.get("/filing-reviews", response={200: list[FilingOut], **READ}, summary="备案审查列表")
def list_filing_reviews(request, pending: bool = False):
    """报送备案的重大行政处罚决定和行政复议决定；pending=true 只列出尚未审查的。"""
    user = request.user
    access.require_reader(user)
    rows = []
    for kind, model, own in (
        ("enforcement", EnforcementCase, "department"),
        ("reconsideration", Reconsideration, ""),
    ):
        qs = model.objects.filter(access.data_q(user, own_field=own), reported_on__isnull=False)
        if pending:
            qs = qs.filter(filing_result="")
        rows += [_filing(user, kind, o) for o in qs.select_related("zone").order_by("-reported_on")]
    return sorted(rows, key=lambda r: (r["reported_on"], r["number"]), reverse=True)


@router.post(
    "/cases/{int:enf_case_id}/filing-review",
    response={200: FilingOut, **WRITE},
    summary="备案审查重大行政处罚决定",
)
def review_case_filing(request, enf_case_id: int, payload: FilingReviewIn):
    selectors.case_of(request.user, enf_case_id)
    case = filing.review_filing(request.user, enf_case_id, payload.data())
    return _filing(request.user, "enforcement", case)


@recon_router.post(
    "/{int:recon_id}/filing-review",
    response={200: FilingOut, **WRITE},
    summary="备案审查行政复议决定",
)
def review_reconsideration_filing(request, recon_id: int, payload: FilingReviewIn):
    case = filing.review_recon_filing(request.user, recon_id, payload.data())
    return _filing(request.user, "reconsideration", case)
