"""Review-chain API, the province's part: formal check, the expert panel and the experts'
sheets, ranking, publicity and its objections, naming, the yearly review after naming."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from ninja import Field, Router, Schema, Status

from fazhi.core.scoring import format_points
from fazhi.reports.gongwen.pdf import FontsMissing
from fazhi.review import annual, downloads, panel, selectors
from fazhi.review.models import Application

from .review import (
    DOCUMENT_FILES,
    ERRORS,
    ApplicationBrief,
    CampaignOut,
    ServiceUnavailable,
    campaign_out,
)
from .schemas.assessments import ResultIn
from .schemas.common import Codes, Day, DayOrNull, Int, Number, Text

router = Router(tags=["review"])


class CheckOut(Schema):
    name: str = Field(description="检查项")
    ok: bool = Field(description="是否齐全")
    detail: str = Field(description="缺少什么")


class FormalOut(Schema):
    status: str = Field(description="形式审查后的状态：in_review 或 formal_failed")
    checks: list[CheckOut] = Field(description="完整性清单")


@router.post("/applications/{int:application_id}/formal-check", response={200: FormalOut, **ERRORS})
def formal_check(request, application_id: int):
    """省科技厅形式审查：报告、工作方案、评分表、佐证材料、市级情况报告。"""
    app, checks = panel.formal_check(request.user, application_id)
    return {"status": app.status, "checks": [c.__dict__ for c in checks]}


class PanelIn(Schema):
    experts: Codes = Field(description="评审专家用户名列表")
    leader: str = Field(description="组长用户名（须在列表中）")


class MemberOut(Schema):
    expert: str = Field(description="专家用户名")
    name: str = Field(description="专家姓名")
    org: str = Field(description="所在单位")
    leader: bool = Field(description="是否组长")
    submitted: bool = Field(description="是否已提交评分")
    final: str | None = Field(
        description="该专家的总分（本人提交后可见，其他专家的在本人提交后可见）"
    )


class PanelOut(Schema):
    members: list[MemberOut] = Field(description="评审组成员")
    panel_score: str | None = Field(description="评审得分（全部提交后）")
    flags: list[str] = Field(description="专家间分差超过该项分值 40% 的指标")
    vetoes: int = Field(description="提出一票否决的专家人数")
    disqualified: bool = Field(description="多数专家一票否决")


def panel_out(user, app: Application) -> dict:
    me = selectors.member_of(app, user)
    # An expert sees the others and the result only after submitting their own sheet.
    sees_all = selectors.is_province(user) or (me is not None and me.submitted_at is not None)
    result = panel.panel_result(app)
    members = []
    for m in app.panel.select_related("expert", "expert__org"):
        own = me is not None and m.pk == me.pk
        final = result.finals.get(m.expert.username)
        members.append(
            {
                "expert": m.expert.username,
                "name": str(m.expert),
                "org": m.expert.org.name if m.expert.org else "",
                "leader": m.is_leader,
                "submitted": m.submitted_at is not None,
                "final": format_points(final) if final is not None and (sees_all or own) else None,
            }
        )
    complete = app.status in panel.RANKED
    return {
        "members": members,
        "panel_score": format_points(result.score)
        if complete and sees_all and result.score is not None
        else None,
        "flags": result.flags if sees_all else [],
        "vetoes": result.vetoes if sees_all else 0,
        "disqualified": app.disqualified if sees_all else False,
    }


@router.post("/applications/{int:application_id}/panel", response={200: PanelOut, **ERRORS})
def set_panel(request, application_id: int, payload: PanelIn):
    """组建评审组；须回避的专家使整个请求被拒绝（422，注明专家和原因）。"""
    app = panel.set_panel(request.user, application_id, payload.experts, payload.leader)
    return panel_out(request.user, app)


@router.get("/applications/{int:application_id}/panel", response={200: PanelOut, **ERRORS})
def get_panel(request, application_id: int):
    """评审组与评审结果：省科技厅和本组专家可见（专家名单不向申报园区公开）。"""
    app = selectors.get_application(request.user, application_id)
    if not selectors.is_province(request.user) and selectors.member_of(app, request.user) is None:
        raise Http404("申报不存在或无权查看")
    return panel_out(request.user, app)


class DeclarationIn(Schema):
    zone: str = Field(description="园区组织代码")
    reason: Text = Field(description="利害关系说明")


class DeclarationOut(Schema):
    zone: str = Field(description="园区组织代码")
    reason: str = Field(description="利害关系说明")


@router.post("/declarations", response={201: DeclarationOut, **ERRORS})
def declare(request, payload: DeclarationIn):
    """评审专家声明与某园区存在利害关系；此后不能进入该园区的评审组（回避）。"""
    d = panel.declare_interest(request.user, payload.zone, payload.reason)
    return Status(201, {"zone": d.zone.code, "reason": d.reason})


class ReviewOut(Schema):
    indicator: str = Field(description="指标编号")
    version: int = Field(description="新版本号")


@router.post(
    "/applications/{int:application_id}/reviews/submit", response={200: ApplicationBrief, **ERRORS}
)
def submit_review(request, application_id: int):
    """提交本人评分表；未评分的项以 422 列出。"""
    app = panel.submit_sheet(request.user, application_id)
    return {"id": app.pk, "status": app.status}


class ReopenIn(Schema):
    expert: str = Field(description="专家用户名")
    indicator: str = Field(description="指标编号")
    reason: Text = Field(description="退回重评原因")


@router.post(
    "/applications/{int:application_id}/reviews/reopen", response={200: ApplicationBrief, **ERRORS}
)
def reopen_review(request, application_id: int, payload: ReopenIn):
    """组长退回某专家的一项重评。"""
    app = panel.reopen_item(
        request.user, application_id, payload.expert, payload.indicator, payload.reason
    )
    return {"id": app.pk, "status": app.status}


# After reviews/submit and reviews/reopen: the first matching route wins.
@router.put(
    "/applications/{int:application_id}/reviews/{indicator_code}",
    response={200: ReviewOut, **ERRORS},
)
def update_review(request, application_id: int, indicator_code: str, payload: ResultIn):
    """专家本人评分表的一项（字段与自评相同：self_score / cases / raised …，带 version）。"""
    row = panel.update_expert_result(
        request.user, application_id, indicator_code, payload.model_dump(exclude_unset=True)
    )
    return {"indicator": indicator_code, "version": row.version}


class RankOut(Schema):
    application: int = Field(description="申报编号")
    zone: str = Field(description="园区名称")
    panel_score: str = Field(description="评审得分")
    experts: int = Field(description="评审专家人数")
    rank: int | None = Field(description="名次（并列同名次；一票否决者无名次）")
    above_threshold: bool = Field(description="达到合格分数线")
    within_quota: bool = Field(description="在名额内（拟命名）")
    disqualified: bool = Field(description="一票否决")


def ranking_out(campaign) -> list[dict]:
    rows = panel.ranking(campaign)
    return [
        {
            "application": r.entry.key.pk,
            "zone": r.entry.key.zone.name,
            "panel_score": format_points(r.entry.panel_score),
            "experts": r.entry.key.experts,
            "rank": r.rank,
            "above_threshold": r.above_threshold,
            "within_quota": r.within_quota,
            "disqualified": r.entry.disqualified,
        }
        for r in rows
    ]


@router.get("/campaigns/{code}/ranking", response={200: list[RankOut], **ERRORS})
def campaign_ranking(request, code: str):
    """评审完成的申报按评审得分排名（并列：评分项合计高者在前，再加分高者在前）。"""
    campaign = selectors.get_campaign(request.user, code)
    if not selectors.is_province(request.user):
        raise Http404("创建试点不存在或无权查看")
    return ranking_out(campaign)


class ObjectionOut(Schema):
    tracking_no: str = Field(description="受理编号")
    zone: str = Field(description="园区名称")
    subject: str = Field(description="事项")
    received_on: date = Field(description="收到日期")
    late: bool = Field(description="公示期满后收到")


@router.get("/campaigns/{code}/objections", response={200: list[ObjectionOut], **ERRORS})
def objections(request, code: str):
    """通过公众渠道（投诉举报，类别“公示异议”）提出的公示异议；仅省科技厅。"""
    campaign = selectors.get_campaign(request.user, code)
    if not selectors.is_province(request.user):
        raise Http404("创建试点不存在或无权查看")
    ends = campaign.publicity_ends_on
    return [
        {
            "tracking_no": c.tracking_no,
            "zone": c.zone.name,
            "subject": c.subject,
            "received_on": c.received_on,
            "late": bool(ends and c.received_on > ends),
        }
        for c in selectors.objections(campaign)
    ]


class PublicityIn(Schema):
    starts_on: Day = Field(description="公示开始日期 YYYY-MM-DD")


class PublicityOut(Schema):
    starts_on: date = Field(description="公示开始日期")
    ends_on: date = Field(description="公示截止日期（开始后第 N 个工作日）")


@router.post("/campaigns/{code}/publicity", response={200: PublicityOut, **ERRORS})
def publicity(request, code: str, payload: PublicityIn):
    c = panel.start_publicity(request.user, code, payload.starts_on)
    return {"starts_on": c.publicity_starts_on, "ends_on": c.publicity_ends_on}


class NamingIn(Schema):
    doc_no: Text = Field(description="命名通知文号，如 川科函〔2020〕100号")


@router.post("/campaigns/{code}/naming", response={200: CampaignOut, **ERRORS})
def naming(request, code: str, payload: NamingIn):
    """公示期满后命名；拟命名名单上的园区为已命名。"""
    return campaign_out(panel.name_zones(request.user, code, payload.doc_no))


@router.get(
    "/campaigns/{code}/documents/{name}",
    response=ERRORS,
    openapi_extra=DOCUMENT_FILES,
)
def campaign_document(request, code: str, name: str):
    """naming.docx / naming.pdf：命名通知（命名后）。"""
    campaign = selectors.get_campaign(request.user, code)
    try:
        return downloads.campaign_file(request.user, campaign, name)
    except FontsMissing as exc:
        raise ServiceUnavailable(str(exc)) from None


class AnnualIn(Schema):
    year: Int = Field(description="复核年度（园区须已有该年度按现行评分表的自评）")


class AnnualDecisionIn(Schema):
    score: Number = Field(description="复核得分")
    note: Text = Field("", description="复核意见")
    due_on: DayOrNull = Field(
        None, description="整改期限 YYYY-MM-DD（得分低于合格线的首次复核必填）"
    )


class AnnualOut(Schema):
    id: int = Field(description="复核编号")
    year: int = Field(description="复核年度")
    zone: str = Field(description="园区名称")
    status: str = Field(
        description="open 待复核 / passed 通过 / rectifying 限期整改 / revoked 撤销称号"
    )
    status_label: str = Field(description="状态（中文）")
    assessment: int = Field(description="所依据的自评编号")
    score: str | None = Field(description="复核得分")
    second_score: str | None = Field(description="整改后复核得分")
    due_on: date | None = Field(description="整改期限")
    note: str = Field(description="复核意见")


def annual_out(r) -> dict:
    return {
        "id": r.pk,
        "year": r.year,
        "zone": r.application.zone.name,
        "status": r.status,
        "status_label": r.get_status_display(),
        "assessment": r.assessment_id,
        "score": None if r.score is None else format_points(r.score),
        "second_score": None if r.second_score is None else format_points(r.second_score),
        "due_on": r.due_on,
        "note": r.note,
    }


@router.post(
    "/applications/{int:application_id}/annual-reviews", response={201: AnnualOut, **ERRORS}
)
def open_annual_review(request, application_id: int, payload: AnnualIn):
    """省科技厅对已命名园区开始年度复核（动态管理）。"""
    return Status(201, annual_out(annual.open_review(request.user, application_id, payload.year)))


@router.get(
    "/applications/{int:application_id}/annual-reviews", response={200: list[AnnualOut], **ERRORS}
)
def annual_reviews(request, application_id: int):
    """该园区历年复核记录。"""
    app = selectors.get_application(request.user, application_id)
    return [annual_out(r) for r in annual.history(app)]


@router.post("/annual-reviews/{int:review_id}/decision", response={200: AnnualOut, **ERRORS})
def decide_annual_review(request, review_id: int, payload: AnnualDecisionIn):
    """复核打分：达到合格线为通过；首次未达到为限期整改（须填整改期限）；整改后仍未达到则撤销称号。"""
    return annual_out(annual.decide(request.user, review_id, payload.model_dump()))
