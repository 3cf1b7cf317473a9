"""督办单 (supervision notices): the office sends one to a department about a task or a
matter, the department replies, the office closes it. One transaction each, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core.errors import Collect, ConflictError
from fazhi.core.validate import parse_date, text
from fazhi.orgs import docnos
from fazhi.orgs.models import Role

from . import handovers
from .models import Notice, Task
from .selectors import get_plan, notices_for
from .services import MAX_TEXT, day_or_today, require_office, zone_org
from .supervision import department_staff, excerpt, notify, zone_office


@transaction.atomic
def issue_notice(user, plan_id, data: dict, today: date | None = None) -> Notice:
    plan = get_plan(user, plan_id)
    require_office(user, plan.zone)
    today = day_or_today(today)
    check = Collect()
    to_org = check(zone_org, plan, data.get("to_org"), "to_org", "督办对象")
    task = None
    if data.get("task"):
        task = Task.objects.filter(plan=plan, number=str(data["task"])).first()
        if task is None:
            check.errors["task"] = f"工作方案中没有任务 {data['task']}"
    reply_due = check(parse_date, data.get("reply_due"), "reply_due", "要求回复日期")
    if reply_due is not None and reply_due < today:
        check.errors["reply_due"] = f"要求回复日期不能早于今天 {today}"
    body = check(text, data.get("text"), "text", "督办事项", required=True, limit=MAX_TEXT)
    check.done()
    number = docnos.allocate(plan.zone, "supervision", today.year)
    notice = Notice.objects.create(
        plan=plan,
        task=task,
        number=number,
        to_org=to_org,
        text=body,
        issued_on=today,
        reply_due=reply_due,
        issued_by=user,
    )
    record(
        user,
        "notice.issue",
        notice,
        after={
            "number": number,
            "to_org": to_org.code,
            "task": task.number if task else None,
            "reply_due": reply_due,
        },
    )
    # The department reads the notice addressed to it (你单位…); the office reads what it sent.
    event = f"notice:{notice.pk}"
    notify(
        department_staff(to_org),
        event,
        f"收到督办单 {number}：“{excerpt(body)}”，请于 {reply_due} 前回复",
        task,
    )
    notify(
        zone_office(to_org),
        event,
        f"已向{to_org.name}发出督办单 {number}，要求于 {reply_due} 前回复",
        task,
    )
    return notice


def _get_notice(user, notice_id) -> Notice:
    notice = notices_for(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("督办单不存在或无权查看")
    return notice


@transaction.atomic
def reply_notice(user, notice_id, reply: str, today: date | None = None) -> Notice:
    notice = _get_notice(user, notice_id)
    if not (user.has_role(Role.DEPARTMENT) and user.org_id == notice.to_org_id):
        raise PermissionDenied("只有被督办单位可以回复督办单")
    if notice.state == Notice.State.CLOSED:
        raise ConflictError("督办单已办结")
    notice.reply_text = text(reply, "reply", "回复内容", required=True, limit=MAX_TEXT)
    notice.replied_on, notice.replied_by, notice.state = (
        day_or_today(today),
        user,
        Notice.State.REPLIED,
    )
    notice.save()
    record(
        user, "notice.reply", notice, after={"number": notice.number, "reply": notice.reply_text}
    )
    handovers.notice_replied(notice)
    return notice


@transaction.atomic
def close_notice(user, notice_id, today: date | None = None) -> Notice:
    notice = _get_notice(user, notice_id)
    require_office(user, notice.plan.zone)
    if notice.state != Notice.State.REPLIED:
        raise ConflictError(
            "督办单尚未回复，不能办结" if notice.state == Notice.State.ISSUED else "督办单已办结"
        )
    notice.closed_on, notice.state = day_or_today(today), Notice.State.CLOSED
    notice.save()
    record(user, "notice.close", notice, after={"number": notice.number})
    return notice
