"""Reminders (催办) and the periodic tick: lights, missing reports, each event once."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core import lights
from fazhi.core.reporting import missing_period
from fazhi.orgs.models import Org, Role, User
from fazhi.workdays.selectors import get_calendar, missing_notice

from .models import Notification, Plan, ProgressReport, Task
from .selectors import task_rows

log = logging.getLogger(__name__)
_TICK_LOCK_KEY = 7_424_312


def department_staff(org: Org) -> list[User]:
    return list(User.objects.filter(is_active=True, org=org, role=Role.DEPARTMENT))


def zone_office(org: Org) -> list[User]:
    zone = org.zone() if org else None
    return list(User.objects.filter(is_active=True, org=zone, role=Role.OFFICE)) if zone else []


def recipients(org: Org) -> list[User]:
    """Who is told about a task: the lead org's staff and the zone's creation office."""
    return department_staff(org) + zone_office(org)


def excerpt(text: str, limit: int = 60) -> str:
    """A quoted text's start, without the closing punctuation that would clash with ours."""
    text = " ".join(text.split())
    cut = text if len(text) <= limit else text[:limit] + "……"
    return cut.rstrip("。；，、,.;:： ")


def notify(
    users: list[User], event: str, message: str, task: Task | None = None, url: str = ""
) -> list[Notification]:
    """Create the reminder for each user who has not had this event yet; e-mail the new ones."""
    if not users:
        return []
    had = set(
        Notification.objects.filter(event=event, user__in=users).values_list("user_id", "event")
    )
    return _send(_new(users, event, message, task, had, url))


def _new(users, event, message, task, had: set, url: str = "") -> list[Notification]:
    """The reminders of an event not yet sent to these users (`had`: (user id, event) pairs sent)."""
    seen: set[int] = set()
    new = []
    for u in users:
        if (u.pk, event) not in had and u.pk not in seen:
            seen.add(u.pk)
            new.append(Notification(user=u, event=event, task=task, text=message, url=url))
    return new


def _send(new: list[Notification]) -> list[Notification]:
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    if new and settings.EMAIL_HOST:
        by_text: dict[tuple[str, str], list[Notification]] = {}
        for n in new:
            by_text.setdefault((n.text, n.url), []).append(n)
        for (text, url), notes in by_text.items():
            _email(
                notes, f"{text}\n\n请登录平台办理：{settings.FAZHI_SITE_URL}{url}" if url else text
            )
    return new


def notify_org(
    org: Org, event: str, message: str, task: Task | None = None, url: str = ""
) -> list[Notification]:
    return notify(recipients(org), event, message, task, url)


def _email(notes: list[Notification], message: str) -> None:
    to = [n.user.email for n in notes if n.user.email]
    if not to:
        return
    try:
        send_mail(
            "【法治示范区创建】催办提醒",
            message,
            settings.DEFAULT_FROM_EMAIL,
            to,
            fail_silently=False,
        )
    except OSError as exc:  # the in-app reminder stands; mail is best effort
        log.warning("reminder e-mail failed: %s", exc)
        return
    Notification.objects.filter(pk__in=[n.pk for n in notes if n.pk]).update(
        emailed_at=timezone.now()
    )


@dataclass
class TickResult:
    plans: int = 0
    tasks: int = 0
    lights: dict = field(
        default_factory=lambda: {lights.GREEN: 0, lights.YELLOW: 0, lights.RED: 0, lights.DONE: 0}
    )
    reminders: int = 0


# Reminders of other apps' registers, registered from their AppConfig.ready() (so that this
# module imports none of them): remind(today, calendar) -> number of reminders sent.
TICK_REMINDERS: list = []


def register_tick_reminder(remind) -> None:
    if remind not in TICK_REMINDERS:
        TICK_REMINDERS.append(remind)


def tick(today: date | None = None, plan_id: int | None = None) -> TickResult:
    """Recompute lights and send what is due. Idempotent: each event is reminded once.

    Ticks are serialised (an advisory lock on PostgreSQL, the write lock on SQLite), so
    two cron runs that overlap never remind twice.
    """
    today = today or timezone.localdate()
    result = TickResult()
    with transaction.atomic():
        _lock()  # two ticks at once: the second sees the first's reminders and sends none
        result.reminders += len(_calendar_reminder(today))
    plans = Plan.objects.select_related("zone")
    if plan_id:
        plans = plans.filter(pk=plan_id)
    for plan in plans:
        with transaction.atomic():
            _lock()
            _tick_plan(plan, today, result)
    if plan_id is None:
        from .handovers import remind_cases_due

        with transaction.atomic():
            _lock()
            result.reminders += remind_cases_due(today, get_calendar())
        for remind in TICK_REMINDERS:
            with transaction.atomic():
                _lock()
                result.reminders += remind(today, get_calendar())
    return result


def _calendar_reminder(today: date) -> list[Notification]:
    """Remind the system administrators, once per year, of a holiday notice to enter."""
    missing = missing_notice(today)
    if missing is None:
        return []
    year, text = missing
    admins = [u for u in User.objects.filter(is_active=True) if u.has_role(Role.ADMIN)]
    return notify(admins, f"calendar:{year}", text)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_TICK_LOCK_KEY])


def _tick_plan(plan: Plan, today: date, result: TickResult) -> None:
    result.plans += 1
    tasks = list(plan.tasks.select_related("lead_org"))
    rows = task_rows(plan, today, tasks)
    reports: dict[int, list[date]] = {}
    if plan.report_day:
        for task_id, day in ProgressReport.objects.filter(task__plan=plan).values_list(
            "task_id", "reported_on"
        ):
            reports.setdefault(task_id, []).append(day)
    who: dict[int, list[User]] = {}
    # One query for what was already sent, one insert for what is new: ticks stay cheap.
    had = set(Notification.objects.filter(task__plan=plan).values_list("user_id", "event"))
    new: list[Notification] = []
    for row in rows:
        if not row.leaf:
            continue
        task, light = row.task, row.light
        result.tasks += 1
        if light and light.color in result.lights:
            result.lights[light.color] += 1
        if task.lead_org_id is None or task.done_at:
            continue
        if task.lead_org_id not in who:
            who[task.lead_org_id] = recipients(task.lead_org)
        users = who[task.lead_org_id]
        if light and light.color in (lights.YELLOW, lights.RED):
            due = task.due_in_force or task.due_date
            label = "红灯（逾期）" if light.color == lights.RED else "黄灯"
            event = f"light:{task.pk}:{light.color}:{due.isoformat()}"
            new += _new(
                users,
                event,
                f"任务 {task.number} {task.title} 为{label}：{light.reason}（完成时限 {due}）",
                task,
                had,
            )
        # Reports are owed from the later of the start and the day the task was assigned.
        owed_from = max((d for d in (task.start_date, task.assigned_on) if d), default=None)
        missing = missing_period(today, plan.report_day, owed_from, reports.get(task.pk, []))
        if missing:
            event = f"report:{task.pk}:{missing.isoformat()}"
            text = f"任务 {task.number} {task.title} 未在 {missing} 前填报本期进度，请尽快填报"
            new += _new(users, event, text, task, had)
    result.reminders += len(_send(new))
    if new:
        record("tick", "plan.tick", plan, after={"today": today, "reminders": len(new)})
