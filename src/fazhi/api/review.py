"""Review-chain API: campaigns, applications, the city's evaluation and forwarding, the
province's panel and the experts' sheets, ranking, publicity and naming. Handlers stay thin."""

from __future__ import annotations

from datetime import date

from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from fazhi.core.scoring import format_points
from fazhi.reports.gongwen.pdf import FontsMissing
from fazhi.review import downloads, selectors, services
from fazhi.review.models import Application

from .schemas.common import (
    WRITE,
    Day,
    DayOrNull,
    Int,
    IntOrNull,
    Number,
    Text,
    errors,
    files_answer,
)

router = Router(tags=["review"])


class ServiceUnavailable(HttpError):
    """The server lacks what a file needs (the PDF fonts): 503 with the Chinese reason."""

    def __init__(self, message: str):
        super().__init__(503, message)


class CampaignIn(Schema):
    code: str = Field(description="代码（小写字母、数字、连字符），如 sc-2019")
    title: str = Field(description="名称")
    notice_title: str = Field(
        description="通知标题，如 关于开展科技创新法治示范区创建试点工作的通知"
    )
    notice_no: str = Field(description="通知文号，如 川科规〔2019〕15号")
    honour: str = Field(description="示范区称号，如 四川省科技创新法治示范区")
    framework: str = Field(description="评分表代码")
    version: int | None = Field(None, description="评分表版本；省略为最新版")
    opens_on: Day = Field(description="申报开始日期 YYYY-MM-DD")
    closes_on: Day = Field(description="申报截止日期 YYYY-MM-DD")
    threshold: Number = Field(80, description="合格分数线")
    quota: IntOrNull = Field(None, description="命名名额；省略为不限")
    publicity_days: Int = Field(5, description="公示期（工作日）")
    panel_size: Int = Field(5, description="评审组专家人数")


class CampaignOut(Schema):
    code: str = Field(description="代码")
    title: str = Field(description="名称")
    notice_title: str = Field(description="通知标题")
    notice_no: str = Field(description="通知文号")
    honour: str = Field(description="示范区称号")
    province: str = Field(description="发布的省科技厅（组织代码）")
    framework: str = Field(description="评分表代码")
    framework_version: int = Field(description="评分表版本")
    opens_on: date = Field(description="申报开始日期")
    closes_on: date = Field(description="申报截止日期")
    threshold: str = Field(description="合格分数线")
    quota: int | None = Field(description="命名名额")
    publicity_days: int = Field(description="公示期（工作日）")
    panel_size: int = Field(description="评审组专家人数")
    publicity_starts_on: date | None = Field(description="公示开始日期")
    publicity_ends_on: date | None = Field(description="公示截止日期")
    naming_doc_no: str = Field(description="命名文号")
    named_on: date | None = Field(description="命名日期")


def campaign_out(c) -> dict:
    return {
        **{k: getattr(c, k) for k in CampaignOut.model_fields if hasattr(c, k)},
        "province": c.province.code,
        "framework": c.framework.code,
        "framework_version": c.framework.version,
        "threshold": format_points(c.threshold),
    }


class ApplicationIn(Schema):
    campaign: str = Field(description="创建试点代码")
    zone: str = Field(description="园区组织代码")
    year: int | None = Field(None, description="所依据的自评年度；省略为按该评分表的最近一年")


class ApplicationBrief(Schema):
    id: int = Field(description="申报编号")
    status: str = Field(
        description="状态：draft 草稿 / submitted 已报市 / returned 已退回 / forwarded 已转报 / formal_failed 形式审查未通过 / in_review 评审中 / reviewed 评审完成 / named 已命名 / not_named 未命名"
    )


class ItemOut(Schema):
    code: str = Field(description="指标编号")
    title: str = Field(description="指标内容")
    kind: str = Field(description="类型")
    max_points: str | None = Field(description="分值")
    self_score: str | None = Field(description="园区自评分")
    city_score: str | None = Field(description="市级评估分（市科技局、省科技厅可见）")
    city_note: str = Field(description="市级评估说明")
    evidence: int = Field(description="佐证材料件数")


class ApplicationOut(ApplicationBrief):
    status_label: str = Field(description="状态（中文）")
    campaign: str = Field(description="创建试点代码")
    zone: str = Field(description="园区组织代码")
    zone_name: str = Field(description="园区名称")
    assessment: int = Field(description="所依据的自评编号")
    plan: int | None = Field(description="所依据的工作方案编号")
    version: int = Field(description="版本号（修改报告时回传）")
    report_title: str = Field(description="报送报告标题")
    report_issuers: str = Field(description="发文机关（每行一个）")
    report_addressee: str = Field(description="主送机关")
    report_body: str = Field(description="报告正文（每行一段）")
    report_written_on: date | None = Field(description="成文日期")
    return_reason: str = Field(description="退回原因")
    self_total: str = Field(description="自评总分")
    city_conclusion: str = Field(description="市级评估结论：eligible / ineligible")
    city_opinion: str = Field(description="市级评估意见")
    city_doc_no: str = Field(description="情况报告文号")
    city_signer: str = Field(description="签发人")
    city_written_on: date | None = Field(description="情况报告日期")
    formal_note: str = Field(description="形式审查意见")
    panel_score: str | None = Field(description="评审得分（评审完成后）")
    disqualified: bool = Field(description="评审组多数一票否决")
    documents: list[str] = Field(description="可下载的文件名")
    items: list[ItemOut] = Field(description="评分项：自评分与市级评估分并列")


def application_out(user, app: Application) -> dict:
    from fazhi.assessments.selectors import items_by_code, results_of

    results = results_of(app.assessment, with_evidence=True)
    show_city = selectors.is_city(user) or selectors.is_province(user)
    city = selectors.city_scores(app) if show_city else {}
    items = []
    for code, ind in items_by_code(app.assessment).items():
        r, c = results.get(code), city.get(code)
        items.append(
            {
                "code": code,
                "title": ind.title,
                "kind": ind.kind,
                "max_points": None if ind.max_points is None else format_points(ind.max_points),
                "self_score": None
                if r is None or r.self_score is None
                else format_points(r.self_score),
                "city_score": None if c is None else format_points(c.score),
                "city_note": "" if c is None else c.note,
                "evidence": len(r.evidence.all()) if r else 0,
            }
        )
    fields = {
        k: getattr(app, k)
        for k in ApplicationOut.model_fields
        if hasattr(app, k)
        and k not in ("campaign", "zone", "assessment", "plan", "panel_score", "documents", "items")
    }
    return {
        **fields,
        "status_label": app.get_status_display(),
        "campaign": app.campaign.code,
        "zone": app.zone.code,
        "zone_name": app.zone.name,
        "assessment": app.assessment_id,
        "plan": app.plan_id,
        "self_total": format_points(selectors.zone_totals(app).final),
        "panel_score": None if app.panel_score is None else format_points(app.panel_score),
        "documents": downloads.application_files(app),
        "items": items,
    }


# A document download: its type follows the name asked for.
DOCUMENT_FILES = files_answer(
    "文件（.docx、.pdf 或 .zip，按文件名）",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/pdf",
    "application/zip",
)
ERRORS = {**WRITE, **errors(503)}  # 503: the PDF fonts are missing on the server


@router.post("/campaigns", response={201: CampaignOut, **ERRORS})
def create_campaign(request, payload: CampaignIn):
    """省科技厅发布创建试点（创建试点通知）。"""
    return Status(201, campaign_out(services.create_campaign(request.user, payload.model_dump())))


@router.get("/campaigns", response={200: list[CampaignOut], **ERRORS})
def list_campaigns(request):
    """本人所在省的创建试点。"""
    return [campaign_out(c) for c in selectors.campaigns_for(request.user)]


@router.get("/campaigns/{code}", response={200: CampaignOut, **ERRORS})
def get_campaign(request, code: str):
    return campaign_out(selectors.get_campaign(request.user, code))


@router.post("/applications", response={201: ApplicationBrief, **ERRORS})
def open_application(request, payload: ApplicationIn):
    """园区创建办以自评和工作方案发起申报。"""
    app = services.open_application(request.user, payload.campaign, payload.zone, payload.year)
    return Status(201, {"id": app.pk, "status": app.status})


@router.get("/applications/{int:application_id}", response={200: ApplicationOut, **ERRORS})
def get_application(request, application_id: int):
    return application_out(request.user, selectors.get_application(request.user, application_id))


class ApplicationReportIn(Schema):
    version: Int = Field(description="读取时的版本号")
    report_title: Text = Field(description="报告标题")
    report_issuers: Text = Field(description="发文机关（每行一个）")
    report_addressee: Text = Field(description="主送机关")
    report_body: Text = Field(description="正文（每行一段）")
    report_written_on: DayOrNull = Field(None, description="成文日期 YYYY-MM-DD")


@router.put("/applications/{int:application_id}/report", response={200: ApplicationOut, **ERRORS})
def update_report(request, application_id: int, payload: ApplicationReportIn):
    """修改报送报告（提交前）。"""
    app = services.update_report(request.user, application_id, payload.model_dump())
    return application_out(request.user, app)


@router.post("/applications/{int:application_id}/submit", response={200: ApplicationOut, **ERRORS})
def submit_application(request, application_id: int):
    """报送市科技局；自评随之锁定。"""
    return application_out(request.user, services.submit_application(request.user, application_id))


class CityScoreIn(Schema):
    score: Number = Field(description="市级评估分，0 至该项分值，最多 2 位小数")
    note: Text = Field("", description="说明")


class CityScoreOut(Schema):
    indicator: str = Field(description="指标编号")
    score: str = Field(description="市级评估分")
    note: str = Field(description="说明")


@router.put(
    "/applications/{int:application_id}/city-review/{indicator_code}",
    response={200: CityScoreOut, **ERRORS},
)
def set_city_score(request, application_id: int, indicator_code: str, payload: CityScoreIn):
    row = services.set_city_score(
        request.user, application_id, indicator_code, payload.model_dump()
    )
    return {"indicator": indicator_code, "score": format_points(row.score), "note": row.note}


class ForwardIn(Schema):
    doc_no: Text = Field(description="情况报告文号，如 资科〔2020〕14号")
    signer: Text = Field(description="签发人")
    conclusion: Text = Field(
        description="评估结论：eligible 符合申报条件 / ineligible 不符合申报条件"
    )
    opinion: Text = Field("", description="评估意见（写入情况报告正文之后）")
    date: DayOrNull = Field(None, description="成文日期 YYYY-MM-DD；省略为今天")


@router.post("/applications/{int:application_id}/forward", response={200: ApplicationOut, **ERRORS})
def forward(request, application_id: int, payload: ForwardIn):
    """市科技局评估后转报省科技厅，生成情况报告。"""
    app = services.forward_application(request.user, application_id, payload.model_dump())
    return application_out(request.user, app)


class ApplicationReturnIn(Schema):
    reason: Text = Field(description="退回原因")


@router.post("/applications/{int:application_id}/return", response={200: ApplicationOut, **ERRORS})
def return_application(request, application_id: int, payload: ApplicationReturnIn):
    app = services.return_application(request.user, application_id, payload.reason)
    return application_out(request.user, app)


@router.get(
    "/applications/{int:application_id}/documents/{name}",
    response=ERRORS,
    openapi_extra=DOCUMENT_FILES,
)
def document(request, application_id: int, name: str):
    """report.docx / report.pdf（报送报告及两个附件）、package.zip（证据包）、city-report.docx / city-report.pdf（情况报告）。"""
    app = selectors.get_application(request.user, application_id)
    try:
        return downloads.application_file(request.user, app, name)
    except FontsMissing as exc:
        raise ServiceUnavailable(str(exc)) from None
