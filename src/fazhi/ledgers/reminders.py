"""Reminders of the ledgers, sent from `fazhi tick` through workplan.supervision.notify (each
event once per user; tick passes it in): a target's period ended without its figure; a project's acceptance
overdue (projects.py); a project's certificate expiring within 60 days, then expired."""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse

from fazhi.core import targets as rules
from fazhi.orgs.models import Role, User

from .models import Target
from .targets import with_latest


def _staff(org_ids: set[int], role: str) -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    for u in User.objects.filter(is_active=True, org_id__in=org_ids, role=role):
        out.setdefault(u.org_id, []).append(u)
    return out


def remind_targets_due(today: date, notify) -> int:
    """For each indicator whose last ended period has no figure: its department's staff (the
    zone's office when none is named) are reminded once per indicator and period."""
    years = {today.year, today.year - 1} if today.month == 1 else {today.year}
    owed = []
    for t in with_latest(Target.objects.filter(year__in=years)).select_related("zone"):
        periods = rules.due_periods(t.year, t.frequency, today)
        if not periods:
            continue
        last = periods[-1]
        if t.actual_end is None or t.actual_end < last.end:
            owed.append((t, last))
    if not owed:
        return 0
    departments = _staff({t.department_id for t, _ in owed if t.department_id}, Role.DEPARTMENT)
    offices = _staff({t.zone_id for t, _ in owed}, Role.OFFICE)
    sent = 0
    for t, period in owed:
        users = departments.get(t.department_id, []) if t.department_id else []
        users = users or offices.get(t.zone_id, [])
        text = f"考核指标“{t.indicator}”{period.label}的实际完成数尚未填报，请及时填报。"
        url = reverse("ledgers:target", args=[t.pk])
        sent += len(notify(users, f"target-report:{t.pk}:{period.key}", text, url=url))
    return sent


def remind_due(today: date, cal=None) -> int:
    """Every ledger reminder due on `today`, from `fazhi tick` (registered in the app's ready();
    workplan.supervision.notify sends each once per user and event)."""
    from fazhi.workplan.supervision import notify

    return remind_ledgers_due(today, notify)


def remind_ledgers_due(today: date, notify) -> int:
    return (
        remind_targets_due(today, notify)
        + remind_acceptance_overdue(today, notify)
        + remind_certificates(today, notify)
    )


def remind_acceptance_overdue(today: date, notify) -> int:
    """A project past its 验收期限 and not accepted: the zone's office (and the department in
    charge) are reminded once per project and deadline."""
    from fazhi.core import projects as project_rules

    from .models import Project

    late = list(
        Project.objects.filter(
            stage__in=(project_rules.APPROVED, project_rules.EXECUTING), due_on__lt=today
        ).only("pk", "title", "zone_id", "department_id", "due_on")
    )
    if not late:
        return 0
    offices = _staff({p.zone_id for p in late}, Role.OFFICE)
    departments = _staff({p.department_id for p in late if p.department_id}, Role.DEPARTMENT)
    sent = 0
    for p in late:
        users = offices.get(p.zone_id, []) + departments.get(p.department_id, [])
        text = f"科技计划项目“{p.title}”已超过验收期限（{p.due_on.isoformat()}），尚未验收。"
        event = f"project-acceptance:{p.pk}:{p.due_on.isoformat()}"
        sent += len(notify(users, event, text, url=reverse("ledgers:project", args=[p.pk])))
    return sent


def remind_certificates(today: date, notify) -> int:
    """A live project's certificate (the owner's 高新技术企业证书, the contract's) within 60 days
    of its end, and again once it has ended: the zone's office and the department in charge,
    once per project, certificate date and state."""
    from fazhi.core import projects as project_rules

    from .models import Project

    soon = today + timedelta(days=project_rules.CERTIFICATE_NOTICE_DAYS)
    due = [
        (p, project_rules.certificate_state(p.stage, p.certificate_valid_to, today))
        for p in Project.objects.filter(certificate_valid_to__lte=soon)
        .exclude(stage__in=project_rules.CLOSED)
        .only(
            "pk",
            "title",
            "stage",
            "zone_id",
            "department_id",
            "certificate",
            "certificate_valid_to",
        )
    ]
    if not due:
        return 0
    offices = _staff({p.zone_id for p, _ in due}, Role.OFFICE)
    departments = _staff({p.department_id for p, _ in due if p.department_id}, Role.DEPARTMENT)
    sent = 0
    for p, state in due:
        users = offices.get(p.zone_id, []) + departments.get(p.department_id, [])
        end = p.certificate_valid_to.isoformat()
        what = "已过期，请核实并更新" if state == "expired" else "即将到期，请及时办理续期或更新"
        text = f"科技计划项目“{p.title}”的{p.certificate}有效期至 {end}，{what}。"
        event = f"project-certificate:{p.pk}:{end}:{state}"
        sent += len(notify(users, event, text, url=reverse("ledgers:project", args=[p.pk])))
    return sent
