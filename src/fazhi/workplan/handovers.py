"""Handover notifications (流转提醒): whoever must act next is told once, with a link to the page.

Each function is called inside the use case's transaction, after the write it reports, so a
refused write sends nothing. The event key makes each handover a single reminder per user
(the unique (user, event) constraint of Notification), e-mailed when SMTP is configured.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from fazhi.core.workdays import CalendarGap
from fazhi.orgs.models import Org, Role, User

from .supervision import notify

# A case is reminded to its handler when its next deadline is this many working days away or less.
CASE_DUE_WORKDAYS = 3


def _staff(orgs: list[Org] | Org, role: str) -> list[User]:
    orgs = orgs if isinstance(orgs, list) else [orgs]
    users = User.objects.filter(is_active=True, org__in=[o for o in orgs if o is not None])
    return [u for u in users if u.has_role(role)]


def office_of(zone: Org) -> list[User]:
    return _staff(zone, Role.OFFICE)


def reviewers_over(zone: Org) -> list[User]:
    """The reviewers of the org directly above the zone (市科技局), who review it first."""
    return _staff(zone.parent, Role.REVIEWER) if zone.parent_id else []


def extension_requested(ext) -> None:
    task = ext.task
    notify(
        office_of(task.plan.zone),
        f"extension:{ext.pk}:requested",
        f"{task.lead_org.name if task.lead_org else '牵头单位'}申请将任务 {task.number} {task.title} "
        f"的完成时限由 {ext.old_due} 延至 {ext.new_due}，请审批",
        task,
        reverse("workplan:task", args=[task.pk]) + "#extensions",
    )


def extension_decided(ext) -> None:
    task = ext.task
    users = _staff(task.lead_org, Role.DEPARTMENT) if task.lead_org else []
    if ext.requested_by and ext.requested_by.is_active:
        users.append(ext.requested_by)
    note = f"（{ext.decision_note}）" if ext.decision_note else ""
    notify(
        users,
        f"extension:{ext.pk}:{ext.state}",
        f"任务 {task.number} {task.title} 延期至 {ext.new_due} 的申请{ext.get_state_display()}{note}",
        task,
        reverse("workplan:task", args=[task.pk]) + "#extensions",
    )


def notice_replied(notice) -> None:
    notify(
        office_of(notice.plan.zone),
        f"notice:{notice.pk}:replied",
        f"{notice.to_org.name}已回复督办单 {notice.number}，请审阅并办结",
        notice.task,
        reverse("workplan:notices", args=[notice.plan_id]) + f"#notice-{notice.pk}",
    )


def assessment_changed(assessment) -> None:
    """Submitted → the reviewers above the zone; returned or accepted → the zone's office."""
    label = f"{assessment.zone.name} {assessment.year} 年度自评"
    if assessment.status == "submitted":
        users = reviewers_over(assessment.zone)
        text = f"{label}已提交，请审核"
    elif assessment.status == "returned":
        users = office_of(assessment.zone)
        text = f"{label}被退回：{assessment.return_reason}"
    else:
        users = office_of(assessment.zone)
        text = f"{label}已通过审核"
    # The version is part of the event: a resubmission after a return is a new handover.
    notify(
        users,
        f"assessment:{assessment.pk}:{assessment.status}:{assessment.version}",
        text,
        url=reverse("web:assessment", args=[assessment.pk]),
    )


def case_handlers(case) -> list[User]:
    """The assigned department's clerks, or the zone's office while it is not assigned."""
    if case.department_id:
        return _staff(case.department, Role.DEPARTMENT)
    return office_of(case.zone)


def case_handed(case, event_id: int, kind: str) -> None:
    due = f"，答复期限 {case.reply_due}" if case.reply_due else ""
    verb = "转办" if kind == "transferred" else "交办"
    notify(
        case_handlers(case),
        f"case:{case.pk}:{event_id}",
        f"收到{verb}的{case.get_kind_display()}案件 {case.tracking_no}：{case.subject[:40]}{due}",
        url=reverse("registers:case", args=[case.pk]),
    )


def remind_cases_due(today: date, cal) -> int:
    """Open cases whose next deadline falls within CASE_DUE_WORKDAYS working days: tell their
    handler once per deadline. Returns the number of reminders sent."""
    from fazhi.registers.models import Case
    from fazhi.registers.states import OPEN_STATES

    try:
        horizon = cal.add_workdays(today, CASE_DUE_WORKDAYS)
    except CalendarGap:
        # The next year's holidays are not entered: counting weekends only can end the
        # horizon earlier than the real one, never later, so nobody is reminded too late.
        horizon, left = today, CASE_DUE_WORKDAYS
        while left:
            horizon += timedelta(days=1)
            left -= horizon.weekday() < 5
    cases = Case.objects.filter(
        state__in=OPEN_STATES, next_due__gte=today, next_due__lte=horizon
    ).select_related("zone", "department")
    sent = 0
    for case in cases:
        sent += len(
            notify(
                case_handlers(case),
                f"case-due:{case.pk}:{case.next_due.isoformat()}",
                f"{case.get_kind_display()}案件 {case.tracking_no}（{case.subject[:40]}）"
                f"将于 {case.next_due} 到期，请及时办理",
                url=reverse("registers:case", args=[case.pk]),
            )
        )
    return sent
