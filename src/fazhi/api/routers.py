"""API v1 routes. Handlers stay thin: services write, selectors read."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status

from fazhi.api.assessment_schemas import (
    ERRORS,
    AssessmentIn,
    AssessmentOut,
    DepartmentsIn,
    DepartmentsOut,
    RankingRowOut,
    ResultIn,
    ResultUpdateOut,
    TotalsOut,
)
from fazhi.assessments import annual, presenters, selectors, services
from fazhi.assessments.exports import xlsx_response
from fazhi.assessments.presenters import assessment_dict, result_dict, totals_dict
from fazhi.audit.middleware import client_address
from fazhi.audit.services import record
from fazhi.frameworks.models import Framework
from fazhi.frameworks.schema import indicator_to_dict
from fazhi.frameworks.services import find, tree
from fazhi.orgs.middleware import password_expired
from fazhi.orgs.models import ApiToken
from fazhi.orgs.security import check_second_factor, note_attempt

auth_router = Router(tags=["auth"])
frameworks_router = Router(tags=["frameworks"])
assessments_router = Router(tags=["assessments"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""


class TokenOut(Schema):
    token: str


@auth_router.post("/token", response={200: TokenOut, 401: dict, 403: dict}, auth=None)
def issue_token(request, payload: TokenIn):
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        locked = getattr(request, "fazhi_locked", False)
        return Status(
            401,
            {
                "detail": "登录失败次数过多，账户已临时锁定，请稍后再试"
                if locked
                else "用户名或密码错误"
            },
        )
    if user.totp_enabled and not check_second_factor(user, payload.otp):
        note_attempt(user.username, False, client_address.get())
        return Status(401, {"detail": "请提供正确的双因素验证码 otp", "field": "otp"})
    if user.must_change_password or password_expired(user):
        return Status(403, {"detail": "请先登录网页修改密码，再获取令牌"})
    if user.needs_totp and not user.totp_enabled:
        return Status(403, {"detail": "管理员账号须先在网页上启用双因素认证"})
    record(user, "auth.token", object_type="user", object_id=str(user.pk))
    return {"token": ApiToken.issue(user)}


def framework_summary(f: Framework) -> dict:
    return {
        "code": f.code,
        "version": f.version,
        "title": f.title,
        "issuer": f.issuer,
        "declared_total": None if f.declared_total is None else str(f.declared_total.normalize()),
        "computed_total": str(f.computed_total.normalize()),
        "warnings": f.warnings,
    }


@frameworks_router.get("")
def list_frameworks(request):
    return [framework_summary(f) for f in Framework.objects.all()]


@frameworks_router.get("/{code}")
def framework_detail(request, code: str, version: int | None = None):
    f = find(code, version)
    if f is None:
        raise Http404("评分表不存在")
    return {**framework_summary(f), "indicators": [indicator_to_dict(i) for i in tree(f)]}


class ReasonIn(Schema):
    reason: str = ""


def _detail(a) -> dict:
    results = selectors.results_of(a, with_evidence=True)
    entries = selectors.entries_of(tree(a.framework), a.block)
    return assessment_dict(a, selectors.totals_of(a, results), entries, results)


@assessments_router.get("")
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


@assessments_router.post("", response={201: AssessmentOut, **ERRORS})
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


@assessments_router.post("/departments", response={201: DepartmentsOut, **ERRORS})
def create_department_assessments(request, payload: DepartmentsIn):
    """部门年度考核：创建办为本园区的部门（或列出的部门）创建该年度的考核表。"""
    made, existing = annual.create_department_assessments(
        request.user, payload.framework, payload.version, payload.year, payload.orgs
    )
    return Status(201, {"created": [_summary(a) for a in made], "existing": existing})


@assessments_router.get("/ranking", response={200: list[RankingRowOut], **ERRORS})
def ranking(request, framework: str, year: int, version: int | None = None):
    """部门年度考核排名：按折算得分排序，附等次与工作方案完成情况。"""
    rows = annual.ranking(
        request.user, services.framework_of(framework, version), year, timezone.localdate()
    )
    return [presenters.ranking_dict(r) for r in rows]


@assessments_router.get("/{int:assessment_id}", response={200: AssessmentOut, **ERRORS})
def get_assessment(request, assessment_id: int):
    return _detail(selectors.get_assessment(request.user, assessment_id))


@assessments_router.get("/{int:assessment_id}/totals", response={200: TotalsOut, **ERRORS})
def get_totals(request, assessment_id: int):
    """Just the totals: per group, scored, bonus, deduction, final, disqualified."""
    return totals_dict(selectors.totals_of(selectors.get_assessment(request.user, assessment_id)))


@assessments_router.put(
    "/{int:assessment_id}/results/{code}", response={200: ResultUpdateOut, **ERRORS}
)
def update_result(request, assessment_id: int, code: str, payload: ResultIn):
    result, totals = services.update_result(
        request.user, assessment_id, code, payload.model_dump(exclude_unset=True)
    )
    ind = selectors.items_by_code(result.assessment)[code]
    return {
        "result": result_dict(result.assessment, ind, result),
        "version": result.version,
        "totals": totals_dict(totals),
    }


@assessments_router.get("/{int:assessment_id}/export.xlsx")
def export_xlsx(request, assessment_id: int):
    """The 自查评分表 in the paper layout."""
    a = selectors.get_assessment(request.user, assessment_id)
    return xlsx_response(request.user, a)


@assessments_router.post("/{int:assessment_id}/submit", response={200: AssessmentOut, **ERRORS})
def submit(request, assessment_id: int):
    return _detail(services.submit(request.user, assessment_id))


@assessments_router.post("/{int:assessment_id}/return", response={200: AssessmentOut, **ERRORS})
def return_assessment(request, assessment_id: int, payload: ReasonIn):
    return _detail(services.return_assessment(request.user, assessment_id, payload.reason))


@assessments_router.post("/{int:assessment_id}/accept", response={200: AssessmentOut, **ERRORS})
def accept(request, assessment_id: int):
    return _detail(services.accept(request.user, assessment_id))
