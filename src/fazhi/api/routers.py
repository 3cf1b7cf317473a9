"""API v1 routes. Handlers stay thin: services write, selectors read."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from fazhi.assessments import selectors, services
from fazhi.assessments.exports import xlsx_response
from fazhi.assessments.presenters import assessment_dict, result_dict, totals_dict
from fazhi.core import framework as fw
from fazhi.frameworks.models import Framework
from fazhi.frameworks.schema import indicator_to_dict
from fazhi.frameworks.services import find, tree
from fazhi.orgs import tokens

auth_router = Router(tags=["auth"])
frameworks_router = Router(tags=["frameworks"])
assessments_router = Router(tags=["assessments"])


class TokenIn(Schema):
    username: str = Field(description="用户名")
    password: str = Field(description="密码")
    otp: str = Field("", description="已启用双因素认证时的验证码")
    name: str = Field("", description="令牌名称，如对接系统的名字（最长 50 字）")
    scope: str = Field("write", description="权限：read 只读，write 读写（安全管理员可只允许只读）")
    hours: int | None = Field(None, description="有效期（小时），不超过安全管理员设定的上限")


class TokenOut(Schema):
    token: str


@auth_router.post("/token", response={200: TokenOut, 401: dict, 403: dict, 429: dict}, auth=None)
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


class AssessmentIn(Schema):
    zone: str
    framework: str
    version: int | None = None
    year: int


class ResultIn(Schema):
    """Fields by item kind: self_score (scored); cases, points (bonus/deduction); raised, reason (veto).
    Loosely typed on purpose: the rules give the Chinese message naming the field and limit."""

    model_config = ConfigDict(extra="allow")
    version: Any = None
    note: Any = None
    self_score: Any = None
    cases: Any = None
    points: Any = None
    raised: Any = None
    reason: Any = None


class ReasonIn(Schema):
    reason: str = ""


def _detail(a) -> dict:
    results = selectors.results_of(a, with_evidence=True)
    items = fw.items(tree(a.framework))
    return assessment_dict(a, selectors.totals_of(a, results), items, results)


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


@assessments_router.post("", response={201: dict})
def create_assessment(request, payload: AssessmentIn):
    a = services.create_assessment(
        request.user, payload.zone, payload.framework, payload.version, payload.year
    )
    return Status(201, _detail(a))


@assessments_router.get("/{int:assessment_id}")
def get_assessment(request, assessment_id: int):
    return _detail(selectors.get_assessment(request.user, assessment_id))


@assessments_router.get("/{int:assessment_id}/totals")
def get_totals(request, assessment_id: int):
    """Just the totals: per group, scored, bonus, deduction, final, disqualified."""
    return totals_dict(selectors.totals_of(selectors.get_assessment(request.user, assessment_id)))


@assessments_router.put("/{int:assessment_id}/results/{code}")
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


@assessments_router.post("/{int:assessment_id}/submit")
def submit(request, assessment_id: int):
    return _detail(services.submit(request.user, assessment_id))


@assessments_router.post("/{int:assessment_id}/return")
def return_assessment(request, assessment_id: int, payload: ReasonIn):
    return _detail(services.return_assessment(request.user, assessment_id, payload.reason))


@assessments_router.post("/{int:assessment_id}/accept")
def accept(request, assessment_id: int):
    return _detail(services.accept(request.user, assessment_id))
