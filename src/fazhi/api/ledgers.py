"""Ledgers API under /api/v1: /targets, /activities, /awards (scoped as the pages are), and
their corrections."""

from __future__ import annotations

from django.utils import timezone
from ninja import Router, Status

from fazhi.core import activities as act_rules
from fazhi.core import awards as award_rules
from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in
from fazhi.ledgers import access, activities, awards, corrections, targets
from fazhi.ledgers.models import TargetList
from fazhi.workdays.selectors import get_calendar

from .schemas.common import READ, WRITE
from .schemas.corrections import ActivityEditIn, ReportCorrectionIn, TargetEditIn, TargetListIn
from .schemas.ledgers import (
    ActivityIn,
    ActivityOut,
    AwardIn,
    AwardOut,
    AwardsOut,
    TargetDetailOut,
    TargetIn,
    TargetListOut,
    TargetOut,
    TargetReportIn,
    TargetReportOut,
    TargetsOut,
)

router = Router(tags=["ledgers"])


def only(data: dict, schema) -> dict:
    unknown = [k for k in data if k not in schema.model_fields]
    if unknown:
        raise RuleError(unknown[0], f"不接受字段 {unknown[0]}")
    return data


def _year(year) -> int:
    return int_in(
        year if year is not None else timezone.localdate().year, "year", "年度", 2000, 2100
    )


def _num(d) -> str | None:
    return None if d is None else format(d.normalize(), "f")


def target_dict(row: targets.Row) -> dict:
    t = row.target
    return {
        "id": t.pk,
        "year": t.year,
        "indicator": t.indicator,
        "unit": t.unit,
        "target": _num(t.target),
        "weight": _num(t.weight),
        "source": t.source,
        "department": t.department.code if t.department else None,
        "frequency": t.frequency,
        "actual": _num(row.actual),
        "period": row.period,
        "completion": None if row.rate is None else str(round(row.rate, 4)),
        "light": row.light.color,
        "light_reason": row.light.reason
        + (f"；序时进度 {row.light.expected}%" if row.light.expected is not None else ""),
        "report_due": row.report_due,
        "version": t.version,
    }


def target_list_dict(tl) -> dict:
    return {
        "year": tl.year,
        "issuer": tl.issuer.code,
        "issuer_name": tl.issuer.name,
        "doc_no": tl.doc_no,
        "issued_on": tl.issued_on,
        "version": tl.version,
    }


def _row(user, target_id) -> targets.Row:
    t = targets.get_target(user, target_id)
    t = targets.with_latest(type(t).objects.filter(pk=t.pk)).get()
    return targets.row_of(t, timezone.localdate(), get_calendar())


@router.get("/targets", response={200: TargetsOut, **READ}, summary="主体考核目标")
def list_targets(request, year: int | None = None, zone: str | None = None):
    """一个园区一个年度的考核指标、完成情况和第 13 项的建议得分。"""
    access.require_reader(request.user)
    year, z = _year(year), access.zone_for(request.user, zone)
    ov = targets.overview(
        targets.targets_for(request.user).filter(zone=z, year=year),
        timezone.localdate(),
        get_calendar(),
    )
    issued = TargetList.objects.filter(zone=z, year=year).select_related("issuer").first()
    return {
        "zone": z.code,
        "year": year,
        "issued": target_list_dict(issued) if issued else None,
        "weighted_completion": None if ov.weighted is None else str(round(ov.weighted, 4)),
        "proposal": {"value": str(ov.proposal.value), "rule": ov.proposal.rule}
        if ov.proposal
        else None,
        "items": [target_dict(r) for r in ov.rows],
    }


@router.post("/targets", response={201: TargetOut, **WRITE}, summary="登记考核指标")
def create_target(request, payload: TargetIn):
    t = targets.add_target(request.user, only(payload.data(), TargetIn))
    return Status(201, target_dict(_row(request.user, t.pk)))


def report_dict(r) -> dict:
    return {
        "id": r.pk,
        "period": r.period,
        "period_end": r.period_end,
        "value": _num(r.value),
        "note": r.note,
        "reported_on": r.reported_on,
        "reported_by": r.reported_by.username if r.reported_by else None,
        "has_file": r.blob_id is not None,
        "version": r.version,
    }


@router.get(
    "/targets/{int:target_id}", response={200: TargetDetailOut, **READ}, summary="考核指标详情"
)
def get_target(request, target_id: int):
    access.require_reader(request.user)
    row = _row(request.user, target_id)
    return {**target_dict(row), "reports": [report_dict(r) for r in targets.reports_of(row.target)]}


@router.post(
    "/targets/{int:target_id}/reports",
    response={201: TargetReportOut, **WRITE},
    summary="填报考核指标完成数",
)
def report_target(request, target_id: int, payload: TargetReportIn):
    """责任部门（或创建办）填报一期的年初至期末累计数；每期填报一次，更正用 corrections。"""
    access.require_reader(request.user)
    r = targets.report_figure(
        request.user, target_id, only(payload.data(), TargetReportIn), today=timezone.localdate()
    )
    return Status(201, report_dict(r))


def activity_dict(a) -> dict:
    return {
        "id": a.pk,
        "zone": a.zone.code,
        "kind": a.kind,
        "kind_label": act_rules.KINDS[a.kind],
        "status": a.status,
        "held_on": a.held_on,
        "subject": a.subject,
        "organiser": a.organiser.code if a.organiser else None,
        "attendee_count": a.attendee_count,
        "public_headcount": a.public_headcount,
        "version": a.version,
    }


@router.get("/activities", response={200: list[ActivityOut], **READ}, summary="学习培训宣传活动")
def list_activities(request, year: int | None = None, zone: str | None = None, kind: str = ""):
    access.require_reader(request.user)
    year, z = _year(year), access.zone_for(request.user, zone)
    qs = activities.activities_for(request.user).filter(zone=z, held_on__year=year)
    if kind:
        if kind not in act_rules.KINDS:
            raise RuleError("kind", "类别只能是：" + "、".join(act_rules.KINDS))
        qs = qs.filter(kind=kind)
    return [activity_dict(a) for a in qs.select_related("zone", "organiser")[:1000]]


@router.post("/activities", response={201: ActivityOut, **WRITE}, summary="登记学习培训宣传活动")
def create_activity(request, payload: ActivityIn):
    a = activities.record_activity(
        request.user, only(payload.data(), ActivityIn), today=timezone.localdate()
    )
    return Status(201, activity_dict(a))


def award_dict(a) -> dict:
    h = award_rules.Honour(a.kind, a.level, a.on)
    return {
        "id": a.pk,
        "zone": a.zone.code,
        "kind": a.kind,
        "level": a.level,
        "title": a.title,
        "issuer": a.issuer,
        "on": a.on,
        "doc_no": a.doc_no,
        "where": a.where,
        "counts_for": [c for c in ("15", "16") if award_rules.counts_for(c, h)],
    }


@router.get("/awards", response={200: AwardsOut, **READ}, summary="表彰与推广")
def list_awards(request, year: int | None = None, zone: str | None = None):
    access.require_reader(request.user)
    year, z = _year(year), access.zone_for(request.user, zone)
    items = list(
        awards.awards_for(request.user).filter(zone=z, on__year=year).select_related("zone")
    )
    honours = [award_rules.Honour(a.kind, a.level, a.on) for a in items]
    proposals = {}
    for code in ("15", "16"):
        n, rule = award_rules.case_count(code, honours, year)
        proposals[code] = {"value": str(n), "rule": rule}
    return {
        "zone": z.code,
        "year": year,
        "proposals": proposals,
        "items": [award_dict(a) for a in items],
    }


@router.post("/awards", response={201: AwardOut, **WRITE}, summary="登记表彰、批示或推广")
def create_award(request, payload: AwardIn):
    a = awards.record_award(request.user, only(payload.data(), AwardIn), today=timezone.localdate())
    return Status(201, award_dict(a))


# ---------------------------------------------------------------- corrections
# who set the target list, an indicator's fields, a reported figure (its evidence kept), an
# activity (fazhi.ledgers.corrections); each against the version it was read at


@router.put(
    "/targets/issuer",
    response={200: TargetListOut, **WRITE},
    summary="登记或更正目标清单的下达单位、文号和日期",
)
def set_target_list(request, payload: TargetListIn):
    tl = corrections.set_target_list(
        request.user, only(payload.data(), TargetListIn), today=timezone.localdate()
    )
    return target_list_dict(tl)


@router.put("/targets/{int:target_id}", response={200: TargetOut, **WRITE}, summary="更正考核指标")
def edit_target(request, target_id: int, payload: TargetEditIn):
    access.require_reader(request.user)
    corrections.edit_target(request.user, target_id, only(payload.data(), TargetEditIn))
    return target_dict(_row(request.user, target_id))


@router.post(
    "/targets/reports/{int:report_id}/corrections",
    response={200: TargetReportOut, **WRITE},
    summary="更正已填报的完成数（原佐证保留）",
)
def correct_report(request, report_id: int, payload: ReportCorrectionIn):
    access.require_reader(request.user)
    r = corrections.correct_report(
        request.user,
        report_id,
        only(payload.data(), ReportCorrectionIn),
        today=timezone.localdate(),
    )
    return report_dict(r)


@router.put(
    "/activities/{int:activity_id}", response={200: ActivityOut, **WRITE}, summary="更正活动"
)
def edit_activity(request, activity_id: int, payload: ActivityEditIn):
    access.require_reader(request.user)
    a = corrections.edit_activity(
        request.user, activity_id, only(payload.data(), ActivityEditIn), today=timezone.localdate()
    )
    return activity_dict(a)
