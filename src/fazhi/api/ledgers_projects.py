"""Projects API under /api/v1/projects (科技计划项目与资金, item 10)."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router, Status

from fazhi.core import projects as rules
from fazhi.core.errors import RuleError
from fazhi.ledgers import access, project_steps, projects

from .ledgers import _num, _year, only
from .schemas.common import READ, WRITE
from .schemas.ledgers import (
    BudgetLineIn,
    BudgetLineOut,
    ChangeIn,
    ChangeOut,
    CreditNoteIn,
    CreditNoteOut,
    DecisionIn,
    ExpertIn,
    FundsIn,
    FundsOut,
    IndicatorIn,
    IndicatorOut,
    ProjectDetailOut,
    ProjectEventIn,
    ProjectIn,
    ProjectOut,
)

router = Router(tags=["projects"])


def _money(d) -> str | None:
    return None if d is None else str(d)


def project_dict(p) -> dict:
    f = projects.flags_of(p, timezone.localdate())
    return {
        "id": p.pk,
        "zone": p.zone.code,
        "title": p.title,
        "applicant": p.applicant,
        "applicant_code": p.applicant_code,
        "department": p.department.code if p.department else None,
        "applied_on": p.applied_on,
        "stage": p.stage,
        "stage_label": rules.STAGES[p.stage],
        "allowed_events": rules.allowed_events(p.stage),
        "review_score": _money(p.review_score),
        "budget": _money(p.budget),
        "paid": str(p.paid),
        "spent": str(p.spent),
        "due_on": p.due_on,
        "acceptance": p.acceptance,
        "grade": p.grade,
        "acceptance_overdue": f.acceptance_overdue,
        "unspent": str(f.unspent),
        "credit_note": p.credit_note,
        "content": p.content,
        "certificate": p.certificate,
        "certificate_valid_to": p.certificate_valid_to,
        "version": p.version,
    }


def funds_dict(f) -> dict:
    return {"id": f.pk, "kind": f.kind, "on": f.on, "amount": str(f.amount), "line": f.line}


@router.get("/projects", response={200: list[ProjectOut], **READ}, summary="科技计划项目")
def list_projects(
    request,
    year: int | None = None,
    zone: str | None = None,
    stage: str = "",
    overdue: bool = False,
):
    access.require_reader(request.user)
    year, z = _year(year), access.zone_for(request.user, zone)
    qs = projects.projects_for(request.user).filter(zone=z, applied_on__year=year)
    if stage:
        if stage not in rules.STAGES:
            raise RuleError("stage", "阶段只能是：" + "、".join(rules.STAGES))
        qs = qs.filter(stage=stage)
    if overdue:
        qs = qs.filter(stage__in=(rules.APPROVED, rules.EXECUTING), due_on__lt=timezone.localdate())
    return [project_dict(p) for p in qs.select_related("zone", "department")[:2000]]


@router.post("/projects", response={201: ProjectOut, **WRITE}, summary="登记项目申报")
def create_project(request, payload: ProjectIn):
    """申报单位有失信记录时，返回的 credit_note 写明记录（项目照常登记，供审查时参考）。"""
    p = projects.apply_project(
        request.user, only(payload.data(), ProjectIn), today=timezone.localdate()
    )
    return Status(201, project_dict(p))


@router.post(
    "/projects/credit-notes", response={201: CreditNoteOut, **WRITE}, summary="登记企业诚信记录"
)
def create_credit_note(request, payload: CreditNoteIn):
    n = projects.add_credit_note(
        request.user, only(payload.data(), CreditNoteIn), today=timezone.localdate()
    )
    return Status(
        201,
        {"id": n.pk, "applicant_code": n.applicant_code, "applicant": n.applicant, "on": n.on},
    )


def change_dict(c) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "status": c.status,
        "reason": c.reason,
        "new_budget": _money(c.new_budget),
        "new_starts_on": c.new_starts_on,
        "new_due_on": c.new_due_on,
        "new_content": c.new_content,
        "before": c.before,
        "requested_on": c.requested_on,
        "decided_on": c.decided_on,
        "opinion": c.decision_note,
        "version": c.version,
    }


def indicator_dict(i) -> dict:
    return {
        "name": i.name,
        "unit": i.unit,
        "planned": _num(i.planned),
        "achieved": _num(i.achieved),
        "percent": i.percent,
    }


def line_dict(b) -> dict:
    return {"line": b.line, "budgeted": str(b.budgeted), "spent": str(b.spent)}


def _detail(p) -> dict:
    return {
        **project_dict(p),
        "events": [{"kind": e.kind, "on": e.on, "note": e.note} for e in p.events.all()],
        "funds": [funds_dict(f) for f in p.funds.all()],
        "experts": [
            {"name": x.name, "unit": x.unit, "score": str(x.score)} for x in p.experts.all()
        ],
        "changes": [change_dict(c) for c in p.changes.all()],
        "indicators": [indicator_dict(i) for i in p.indicators.all()],
        "budget_lines": [line_dict(b) for b in p.budget_lines.all()],
    }


@router.get(
    "/projects/{int:project_id}", response={200: ProjectDetailOut, **READ}, summary="项目详情"
)
def get_project(request, project_id: int):
    access.require_reader(request.user)
    return _detail(projects.get_project(request.user, project_id))


@router.post(
    "/projects/{int:project_id}/events",
    response={200: ProjectDetailOut, **WRITE},
    summary="办理项目（审查、评审、立项、执行、验收、绩效评价）",
)
def project_event(request, project_id: int, payload: ProjectEventIn):
    access.require_reader(request.user)
    projects.project_event(
        request.user, project_id, only(payload.data(), ProjectEventIn), today=timezone.localdate()
    )
    return _detail(projects.get_project(request.user, project_id))


@router.post(
    "/projects/{int:project_id}/funds",
    response={201: FundsOut, **WRITE},
    summary="登记项目资金拨付或支出",
)
def project_funds(request, project_id: int, payload: FundsIn):
    access.require_reader(request.user)
    f = projects.add_funds(
        request.user, project_id, only(payload.data(), FundsIn), today=timezone.localdate()
    )
    return Status(201, funds_dict(f))


@router.post(
    "/projects/{int:project_id}/experts",
    response={201: ProjectDetailOut, **WRITE},
    summary="登记专家评审的专家评分（须回避的专家被拒绝）",
)
def project_expert(request, project_id: int, payload: ExpertIn):
    access.require_reader(request.user)
    project_steps.add_expert(request.user, project_id, only(payload.data(), ExpertIn))
    return Status(201, _detail(projects.get_project(request.user, project_id)))


@router.post(
    "/projects/{int:project_id}/changes",
    response={201: ChangeOut, **WRITE},
    summary="申请项目变更（预算、执行期、研究内容），待创建办审批",
)
def project_change(request, project_id: int, payload: ChangeIn):
    access.require_reader(request.user)
    c = project_steps.request_change(
        request.user, project_id, only(payload.data(), ChangeIn), today=timezone.localdate()
    )
    return Status(201, change_dict(c))


@router.post(
    "/projects/changes/{int:change_id}/decision",
    response={200: ChangeOut, **WRITE},
    summary="审批项目变更（批准后变更生效）",
)
def change_decision(request, change_id: int, payload: DecisionIn):
    access.require_reader(request.user)
    c = project_steps.decide_change(
        request.user, change_id, only(payload.data(), DecisionIn), today=timezone.localdate()
    )
    return change_dict(c)


@router.post(
    "/projects/{int:project_id}/indicators",
    response={201: IndicatorOut, **WRITE},
    summary="登记绩效评价的绩效指标（计划值与实际完成值）",
)
def project_indicator(request, project_id: int, payload: IndicatorIn):
    access.require_reader(request.user)
    i = project_steps.add_indicator(request.user, project_id, only(payload.data(), IndicatorIn))
    return Status(201, indicator_dict(i))


@router.post(
    "/projects/{int:project_id}/budget-lines",
    response={201: BudgetLineOut, **WRITE},
    summary="登记绩效评价的预算科目支出（支出不超过该科目预算）",
)
def project_budget_line(request, project_id: int, payload: BudgetLineIn):
    access.require_reader(request.user)
    b = project_steps.add_budget_line(request.user, project_id, only(payload.data(), BudgetLineIn))
    return Status(201, line_dict(b))
