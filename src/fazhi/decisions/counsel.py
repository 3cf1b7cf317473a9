"""Use cases of 法律顾问: the zone's office keeps its counsel, their opinions and attendance.
Counsel are a zone's (no department owns them): the office, leaders and reviewers above see
them; departments do not.

    add_counsel(user, data, today) / add_opinion(user, counsel_id, data, today)
    add_attendance(user, counsel_id, data, today)
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core.errors import Collect, RuleError
from fazhi.core.validate import parse_date, text
from fazhi.orgs.access import SCOPE_SUBTREE, org_scope_q, scope_of
from fazhi.orgs.models import Role
from fazhi.registers.inputs import choice, only_known

from . import access
from .documents import _day
from .models import Counsel, CounselAttendance, CounselOpinion, MajorDecision, NormativeDocument

COUNSEL_FIELDS = {"zone", "kind", "name", "contract_start", "contract_end", "scope"}
OPINION_FIELDS = {"subject_kind", "decision", "document", "subject", "given_on", "conclusion"}
ATTENDANCE_FIELDS = {"meeting", "attended_on"}


def counsel_for(user) -> QuerySet[Counsel]:
    if scope_of(user) != SCOPE_SUBTREE:
        return Counsel.objects.none()
    return Counsel.objects.filter(org_scope_q(user, "zone"))


def get_counsel(user, pk) -> Counsel:
    try:
        return counsel_for(user).select_related("zone").get(pk=int(pk))
    except (Counsel.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("法律顾问不存在或无权查看") from None


def _office(user, zone) -> None:
    if not access.is_office_of(user, zone):
        raise PermissionDenied("只有创建办可以登记法律顾问及其工作记录")


@transaction.atomic
def add_counsel(user, data: dict, today: date | None = None) -> Counsel:
    only_known(data, COUNSEL_FIELDS)
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以登记法律顾问")
    check = Collect()
    zone = check(access.writing_zone, user, data.get("zone"))
    if zone is not None:
        _office(user, zone)
    kind = check(choice, data.get("kind"), "kind", "类型", dict(Counsel.Kind.choices))
    name = check(text, data.get("name"), "name", "名称/姓名", limit=100, required=True)
    start = check(parse_date, data.get("contract_start"), "contract_start", "聘期开始")
    end = check(parse_date, data.get("contract_end"), "contract_end", "聘期结束")
    if start and end and end < start:
        check.errors.setdefault("contract_end", f"聘期结束不能早于聘期开始（{start}）")
    scope = check(text, data.get("scope"), "scope", "服务范围", limit=300, required=True)
    check.done()
    c = Counsel.objects.create(
        zone=zone, kind=kind, name=name, contract_start=start, contract_end=end, scope=scope
    )
    record(user, "counsel.add", c, after={"name": name, "zone": zone.code})
    return c


def _subject(check, zone, kind, data):
    decision = document = None
    if kind == CounselOpinion.Subject.DECISION:
        decision = MajorDecision.objects.filter(zone=zone, pk=_int(data.get("decision"))).first()
        if decision is None:
            check.errors.setdefault("decision", "请选择本园区的重大行政决策")
    elif kind == CounselOpinion.Subject.DOCUMENT:
        document = NormativeDocument.objects.filter(
            zone=zone, pk=_int(data.get("document"))
        ).first()
        if document is None:
            check.errors.setdefault("document", "请选择本园区的规范性文件")
    return decision, document


def _int(value) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError, OverflowError):
        return 0
    return n if 0 < n < 2**31 else 0


@transaction.atomic
def add_opinion(user, counsel_id, data: dict, today: date | None = None) -> CounselOpinion:
    today = today or timezone.localdate()
    only_known(data, OPINION_FIELDS)
    c = get_counsel(user, counsel_id)
    _office(user, c.zone)
    check = Collect()
    kind = check(
        choice,
        data.get("subject_kind"),
        "subject_kind",
        "事项类型",
        dict(CounselOpinion.Subject.choices),
    )
    decision, document = _subject(check, c.zone, kind, data) if kind else (None, None)
    subject = check(text, data.get("subject"), "subject", "事项", limit=200)
    if not subject:
        subject = (decision and decision.title) or (document and document.title) or ""
        if not subject and not {"subject", "decision", "document"} & set(check.errors):
            check.errors["subject"] = "请填写事项"
    given = _day(check, data.get("given_on") or today.isoformat(), "given_on", "出具日期", today)
    conclusion = check(
        text, data.get("conclusion"), "conclusion", "意见结论", limit=2000, required=True
    )
    check.done()
    op = CounselOpinion.objects.create(
        counsel=c,
        subject_kind=kind,
        decision=decision,
        document=document,
        subject=subject,
        given_on=given,
        conclusion=conclusion,
    )
    record(user, "counsel.opinion", op, after={"counsel": c.pk, "subject": subject})
    return op


@transaction.atomic
def add_attendance(user, counsel_id, data: dict, today: date | None = None) -> CounselAttendance:
    today = today or timezone.localdate()
    only_known(data, ATTENDANCE_FIELDS)
    c = get_counsel(user, counsel_id)
    _office(user, c.zone)
    check = Collect()
    meeting = check(text, data.get("meeting"), "meeting", "会议", limit=200, required=True)
    on = _day(check, data.get("attended_on") or today.isoformat(), "attended_on", "日期", today)
    check.done()
    a = CounselAttendance.objects.create(counsel=c, meeting=meeting, attended_on=on)
    record(user, "counsel.attendance", a, after={"counsel": c.pk, "meeting": meeting})
    return a


__all__ = ["RuleError", "add_attendance", "add_counsel", "add_opinion", "counsel_for"]
