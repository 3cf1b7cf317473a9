"""API v1 routes. Handlers stay thin: services write, selectors read."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from fazhi.assessments import annual, presenters, selectors, services, summaries
from fazhi.assessments.exports import XLSX, xlsx_response
from fazhi.assessments.presenters import assessment_dict, result_dict, totals_dict
from fazhi.frameworks.models import Framework
from fazhi.frameworks.schema import indicator_to_dict
from fazhi.frameworks.services import find, tree
from fazhi.orgs import tokens

from .schemas.assessments import (
    AssessmentIn,
    AssessmentOut,
    AssessmentRow,
    DepartmentsIn,
    DepartmentsOut,
    FrameworkOut,
    FrameworkSummary,
    RankingRowOut,
    ReasonIn,
    ResultIn,
    ResultUpdateOut,
    SourceSummaryOut,
    SummaryEvidenceOut,
    TotalsOut,
)
from .schemas.common import READ, WRITE, ErrorOut, file_answer

auth_router = Router(tags=["auth"])
frameworks_router = Router(tags=["frameworks"])
assessments_router = Router(tags=["assessments"])


class TokenIn(Schema):
    username: str = Field(description="用户名")
    password: str = Field(description="密码")
    otp: str = Field("", description="双因素验证码；已启用双因素认证的账号必填")
    name: str = Field("", description="令牌名称，如对接系统的名字（最长 50 字）")
    scope: str = Field("write", description="权限：read 只读，write 读写（安全管理员可只允许只读）")
    hours: int | None = Field(None, description="有效期（小时），不超过安全管理员设定的上限")


class TokenOut(Schema):
    token: str = Field(description="访问令牌，用于请求头 Authorization: Bearer <令牌>")


@auth_router.post(
    "/token",
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    exclude_unset=True,  # an error without a field carries no "field" key
    summary="获取访问令牌",
)
def issue_token(request, payload: TokenIn):
    try:
        user = tokens.sign_in(request, payload.username, payload.password, payload.otp)
        return {"token": tokens.issue(user, payload.name, payload.scope, payload.hours)}
    except tokens.SignInRefused as exc:
        return Status(exc.status, exc.body())


def framework_summary(f: Framework) -> dict:
    return {
        "code": f.code,
        "version": f.version,
        "title": f.title,
        "issuer": f.issuer,
        "declared_total": None if f.declared_total is None else str(f.declared_total.normalize()),
        "computed_total": str(f.computed_total.normalize()),
        "warnings": f.warnings,
        "purpose": f.purpose,
    }


@frameworks_router.get("", response={200: list[FrameworkSummary], **READ}, summary="评分表列表")
def list_frameworks(request):
    return [framework_summary(f) for f in Framework.objects.all()]


@frameworks_router.get("/{code}", response={200: FrameworkOut, **READ}, summary="评分表及其指标树")
def framework_detail(request, code: str, version: int | None = None):
    """A scoring table with its indicator tree (the newest version unless ?version=)."""
    f = find(code, version)
    if f is None:
        raise Http404("评分表不存在")
    return {**framework_summary(f), "indicators": [indicator_to_dict(i) for i in tree(f)]}


def _detail(a) -> dict:
    results = selectors.results_of(a, with_evidence=True)
    entries = selectors.entries_of(tree(a.framework), a.block)
    return assessment_dict(a, selectors.totals_of(a, results), entries, results)


@assessments_router.get("", response={200: list[AssessmentRow], **READ}, summary="自评列表")
def list_assessments(request):
    return [
        {
            "id": a.pk,
            "zone": a.zone.code,
            "framework": a.framework.code,
            "version": a.framework.version,
            "year": a.year,
            "status": a.status,
        }
        for a in selectors.assessments_for(request.user)
    ]


@assessments_router.post("", response={201: AssessmentOut, **WRITE}, summary="创建自评")
def create_assessment(request, payload: AssessmentIn):
    a = services.create_assessment(
        request.user, payload.zone, payload.framework, payload.version, payload.year, payload.block
    )
    return Status(201, _detail(a))


def _summary(a) -> dict:
    return {
        "id": a.pk,
        "zone": a.zone.code,
        "framework": a.framework.code,
        "version": a.framework.version,
        "year": a.year,
        "block": a.block,
        "status": a.status,
    }


@assessments_router.post(
    "/departments", response={201: DepartmentsOut, **WRITE}, summary="创建部门年度考核"
)
def create_department_assessments(request, payload: DepartmentsIn):
    """部门年度考核：创建办为本园区的部门（或列出的部门）创建该年度的考核表。"""
    made, existing = annual.create_department_assessments(
        request.user, payload.framework, payload.version, payload.year, payload.orgs
    )
    return Status(201, {"created": [_summary(a) for a in made], "existing": existing})


@assessments_router.get(
    "/ranking", response={200: list[RankingRowOut], **READ}, summary="部门年度考核排名"
)
def ranking(request, framework: str, year: int, version: int | None = None):
    """部门年度考核排名：按折算得分排序，附等次与工作方案完成情况。"""
    rows = annual.ranking(
        request.user, services.framework_of(framework, version), year, timezone.localdate()
    )
    return [presenters.ranking_dict(r) for r in rows]


@assessments_router.get(
    "/{int:assessment_id}", response={200: AssessmentOut, **READ}, summary="自评详情"
)
def get_assessment(request, assessment_id: int):
    return _detail(selectors.get_assessment(request.user, assessment_id))


@assessments_router.get(
    "/{int:assessment_id}/totals", response={200: TotalsOut, **READ}, summary="自评总分"
)
def get_totals(request, assessment_id: int):
    """Just the totals: per group, scored, bonus, deduction, final, disqualified."""
    return totals_dict(selectors.totals_of(selectors.get_assessment(request.user, assessment_id)))


@assessments_router.put(
    "/{int:assessment_id}/results/{code}",
    response={200: ResultUpdateOut, **WRITE},
    summary="填写或修改一项自评",
)
def update_result(request, assessment_id: int, code: str, payload: ResultIn):
    result, totals = services.update_result(request.user, assessment_id, code, payload.data())
    ind = selectors.items_by_code(result.assessment)[code]
    return {
        "result": result_dict(result.assessment, ind, result),
        "version": result.version,
        "totals": totals_dict(totals),
    }


@assessments_router.get(
    "/{int:assessment_id}/items/{code}/sources",
    response={200: list[SourceSummaryOut], **READ},
    summary="评分项的台账统计",
)
def item_sources(request, assessment_id: int, code: str):
    """The registers behind an item: this year's figures, what is missing, a proposed value."""
    a = selectors.get_assessment(request.user, assessment_id)
    if code not in selectors.items_by_code(a):
        raise Http404("评分表中没有该指标")
    return [presenters.source_summary_dict(s, x) for s, x in summaries.item_summaries(a, code)]


@assessments_router.post(
    "/{int:assessment_id}/items/{code}/sources/{key}",
    response={201: SummaryEvidenceOut, **WRITE},
    summary="台账统计附为评分项佐证",
)
def attach_item_source(request, assessment_id: int, code: str, key: str, as_of: str = ""):
    """作为佐证: the register's summary as a stamped .xlsx evidence file on the item, dated
    today; as_of=YYYY-12-31 only for the year-end figure of a closed year."""
    item = summaries.attach_summary(
        request.user, assessment_id, code, key, summaries.parse_as_of(as_of)
    )
    return Status(
        201,
        {"id": item.pk, "name": item.name, "sm3": item.blob_id, "indicator": code, "source": key},
    )


@assessments_router.get(
    "/{int:assessment_id}/export.xlsx",
    response=READ,
    openapi_extra=file_answer(XLSX, "自查评分表（.xlsx，按原表格式）"),
    summary="导出自查评分表",
)
def export_xlsx(request, assessment_id: int):
    """The 自查评分表 in the paper layout."""
    a = selectors.get_assessment(request.user, assessment_id)
    return xlsx_response(request.user, a)


@assessments_router.post(
    "/{int:assessment_id}/submit", response={200: AssessmentOut, **WRITE}, summary="提交自评"
)
def submit(request, assessment_id: int):
    return _detail(services.submit(request.user, assessment_id))


@assessments_router.post(
    "/{int:assessment_id}/return", response={200: AssessmentOut, **WRITE}, summary="退回自评"
)
def return_assessment(request, assessment_id: int, payload: ReasonIn):
    return _detail(services.return_assessment(request.user, assessment_id, payload.reason))


@assessments_router.post(
    "/{int:assessment_id}/accept", response={200: AssessmentOut, **WRITE}, summary="通过自评"
)
def accept(request, assessment_id: int):
    return _detail(services.accept(request.user, assessment_id))
