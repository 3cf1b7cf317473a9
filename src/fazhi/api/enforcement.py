"""Enforcement API, under /api/v1/enforcement (officers, cases, file-reviews) and
/api/v1/reconsideration. Thin: the same services and selectors as the pages."""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fazhi.core import enforcement as enf
from fazhi.core.errors import RuleError
from fazhi.enforcement import (
    access,
    cases,
    officers,
    presenters,
    reconsiderations,
    reviews,
    selectors,
)
from fazhi.enforcement.models import ReviewRound
from fazhi.registers import clock
from fazhi.workdays.selectors import get_calendar

from .schemas.common import READ, WRITE
from .schemas.enforcement import (
    CaseIn,
    CaseOut,
    CasePageOut,
    FileReviewOut,
    OfficerIn,
    OfficerOut,
    OfficerUpdateIn,
    ReconsiderationIn,
    ReconsiderationOut,
    ReconsiderationStepIn,
    RoundDetailOut,
    RoundIn,
    RoundOut,
    SheetIn,
    StepIn,
)

router = Router(tags=["enforcement"])
recon_router = Router(tags=["reconsideration"])


class CaseQuery(Schema):
    state: str = Field("", description="状态代码，open 为未办结")
    department: str = Field("", description="承办部门代码")
    source: str = Field("", description="线索来源代码")
    overdue: str = Field("", description="1 已逾期，0 未逾期")
    q: str = Field("", description="案号或案由（部分）")
    page: int = Field(1, description="页码")


# ---------------------------------------------------------------- officers


def _officer(user, officer_id: int) -> dict:
    row = next((r for r in selectors.officers(user, clock.today()) if r["id"] == officer_id), None)
    if row is None:
        raise Http404("执法人员不存在或无权查看")
    return row


@router.get("/officers", response={200: list[OfficerOut], **READ}, summary="执法人员名单")
def list_enforcement_officers(request, attention: bool = False):
    """执法人员及其执法证状态；attention=true 只列出 60 日内到期、已过期或注销的。"""
    return selectors.officers(request.user, clock.today(), "attention" if attention else "")


@router.post("/officers", response={201: OfficerOut, **WRITE}, summary="登记执法人员")
def create_enforcement_officer(request, payload: OfficerIn):
    o = officers.add_officer(request.user, payload.data())
    return Status(201, _officer(request.user, o.pk))


@router.patch(
    "/officers/{int:officer_id}", response={200: OfficerOut, **WRITE}, summary="修改执法人员"
)
def update_enforcement_officer(request, officer_id: int, payload: OfficerUpdateIn):
    o = officers.update_officer(request.user, officer_id, payload.data())
    return _officer(request.user, o.pk)


# ---------------------------------------------------------------- cases


def case_dict(user, case) -> dict:
    today = clock.today()
    can_act = access.can_act(user, case.zone, case.department_id)
    return {
        **selectors.case_row(case),
        "major": case.major,
        "officers": [f"{h.officer.name}（{h.officer.cert_no}）" for h in case.handlers.all()],
        "party": selectors.party_display(case, full=can_act),
        "decision_no": case.decision_no,
        "decision_kind": case.decision_kind,
        "penalty_kind": case.penalty_kind,
        "amount": "" if case.amount is None else str(case.amount),
        "published_on": case.published_on,
        "withdrawn_on": case.withdrawn_on,
        "steps": [
            {
                "kind": s.kind,
                "label": s.label,
                "on": s.on,
                "note": s.note,
                "media_ref": s.media_ref,
                "files": [f.name for f in s.files.all()],
            }
            for s in case.steps.all()
        ],  # fmt: skip
        "periods": [
            {k: p.get(k) for k in ("name", "length", "due_on", "state", "overdue")}
            for p in presenters.periods(case, get_calendar(), today)
            if "length" in p
        ],
        "allowed_steps": enf.allowed_events(case.state) if can_act else [],
    }


@router.get("/cases", response={200: CasePageOut, **READ}, summary="执法案件台账")
def list_enforcement_cases(request, filters: Query[CaseQuery]):
    f = selectors.parse_filter(filters.dict())
    page = selectors.case_page(request.user, f, filters.page)
    return {
        "count": page.count,
        "page": page.page,
        "pages": page.pages,
        "rows": [selectors.case_row(c) for c in page.rows],
    }


@router.post("/cases", response={201: CaseOut, **WRITE}, summary="登记执法线索（含投诉举报转立案）")
def create_enforcement_case(request, payload: CaseIn):
    case = cases.open_case(request.user, payload.data())
    return Status(201, case_dict(request.user, selectors.case_of(request.user, case.pk)))


@router.get("/cases/{int:enf_case_id}", response={200: CaseOut, **READ}, summary="执法案件详情")
def get_enforcement_case(request, enf_case_id: int):
    return case_dict(request.user, selectors.case_of(request.user, enf_case_id))


@router.post(
    "/cases/{int:enf_case_id}/steps", response={200: CaseOut, **WRITE}, summary="登记办理环节"
)
def record_enforcement_step(request, enf_case_id: int, payload: StepIn):
    """立案、调查终结、告知、听证、法制审核、决定、送达、执行、结案、归档、公示、撤回公示等。"""
    selectors.case_of(request.user, enf_case_id)
    cases.record_step(request.user, enf_case_id, payload.data())
    return case_dict(request.user, selectors.case_of(request.user, enf_case_id))


# ---------------------------------------------------------------- file reviews


def round_dict(rnd) -> dict:
    return {
        "id": rnd.pk, "title": rnd.title, "year": rnd.year, "sample_size": rnd.sample_size,
        "seed": rnd.seed, "table": rnd.framework.code,
    }  # fmt: skip


def review_dict(r) -> dict:
    return {
        "id": r.pk, "case": r.case.number, "reviewer": r.reviewer.username if r.reviewer_id else "",
        "total": "" if r.total is None else str(r.total), "grade": r.grade, "vetoed": r.vetoed,
        "faults": list(r.faults), "version": r.version,
    }  # fmt: skip


@router.get("/file-reviews", response={200: list[RoundOut], **READ}, summary="案卷评查列表")
def list_file_review_rounds(request):
    access.require_reader(request.user)
    qs = ReviewRound.objects.filter(access.data_q(request.user, own_field="")).select_related(
        "framework"
    )
    return [round_dict(r) for r in qs.order_by("-year", "-id")]


@router.post("/file-reviews", response={201: RoundDetailOut, **WRITE}, summary="组织案卷评查")
def create_file_review_round(request, payload: RoundIn):
    rnd = reviews.create_round(request.user, payload.data())
    return Status(201, _round_detail(request.user, rnd.pk))


def _round_detail(user, round_id: int) -> dict:
    rnd = reviews.round_of(user, round_id)
    report = reviews.round_report(rnd)
    return {
        **round_dict(rnd),
        "scored": report["scored"],
        "distribution": report["distribution"],
        "faults": report["faults"],
        "files": [review_dict(f) for f in report["files"]],
    }


@router.get(
    "/file-reviews/{int:round_id}", response={200: RoundDetailOut, **READ}, summary="案卷评查详情"
)
def get_file_review_round(request, round_id: int):
    """等次分布、常见问题和每卷得分。"""
    return _round_detail(request.user, round_id)


@router.put(
    "/file-reviews/files/{int:file_review_id}",
    response={200: FileReviewOut, **WRITE},
    summary="评查一卷",
)
def score_file_review(request, file_review_id: int, payload: SheetIn):
    """按评查表评分（与自评相同的计分引擎）：否决项使案卷不合格，扣分项按起数扣分。"""
    data = payload.data()
    scores = data.pop("scores", None)
    if not isinstance(scores, dict):
        raise RuleError("scores", "scores 须为对象：评查表项目 → 得分、否决或起数")
    review = reviews.score_file(request.user, file_review_id, {**scores, **data})
    return review_dict(review)


# ---------------------------------------------------------------- reconsideration


def recon_dict(user, r) -> dict:
    return {
        "id": r.pk, "number": r.number, "state": r.state, "state_label": r.state_label,
        "received_on": r.received_on, "respondent": r.respondent, "act": r.act,
        "simplified": r.simplified, "deemed_accepted": r.deemed_accepted,
        "decision_kind": r.decision_kind, "decided_on": r.decided_on, "decided_late": r.decided_late,
        "next_due": r.next_due, "overdue": r.overdue, "version": r.version,
        "converted_on": r.converted_on, "opinion_issued_on": r.opinion_issued_on,
        "opinion_due": r.opinion_due, "opinion_reported_on": r.opinion_reported_on,
        "perform_due": r.perform_due, "performed_on": r.performed_on,
        "allowed_steps": reconsiderations.offered_events(r) if access.is_office_of(user, r.zone) else [],
    }  # fmt: skip


def _recon(user, case_id: int):
    from fazhi.enforcement.models import Reconsideration

    r = Reconsideration.objects.select_related("zone").filter(pk=case_id).first()
    if r is None or not access.can_see(user, r.zone, None):
        raise Http404("行政复议案件不存在或无权查看")
    return r


@recon_router.get("", response={200: list[ReconsiderationOut], **READ}, summary="行政复议台账")
def list_reconsiderations(request):
    from fazhi.enforcement.models import Reconsideration

    access.require_reader(request.user)
    qs = Reconsideration.objects.filter(access.data_q(request.user, own_field="")).select_related(
        "zone"
    )
    return [recon_dict(request.user, r) for r in qs.order_by("-received_on", "-id")[:500]]


@recon_router.post("", response={201: ReconsiderationOut, **WRITE}, summary="登记行政复议申请")
def create_reconsideration(request, payload: ReconsiderationIn):
    r = reconsiderations.register(request.user, payload.data())
    return Status(201, recon_dict(request.user, _recon(request.user, r.pk)))


@recon_router.get(
    "/{int:recon_id}", response={200: ReconsiderationOut, **READ}, summary="行政复议详情"
)
def get_reconsideration(request, recon_id: int):
    return recon_dict(request.user, _recon(request.user, recon_id))


@recon_router.post(
    "/{int:recon_id}/steps", response={200: ReconsiderationOut, **WRITE}, summary="登记复议办理环节"
)
def record_reconsideration_step(request, recon_id: int, payload: ReconsiderationStepIn):
    """补正、受理、发送副本、答复、中止、恢复、延长、决定、终止、履行。"""
    _recon(request.user, recon_id)
    reconsiderations.record_step(request.user, recon_id, payload.data())
    return recon_dict(request.user, _recon(request.user, recon_id))
