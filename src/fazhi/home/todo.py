"""What waits for each role (待办): the reads behind the home pages.

Each list is one query (or two with its total), whatever the number of tasks or cases, so
the home pages stay fast in a zone's fifth year; lights are computed in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q

from fazhi.assessments.models import Assessment, Result
from fazhi.assessments.selectors import assessments_for, totals_for_many
from fazhi.core import dashboard as figures
from fazhi.core.reporting import missing_period
from fazhi.orgs.models import Org
from fazhi.registers.models import Case
from fazhi.registers.states import KINDS, open_states
from fazhi.workdays.selectors import get_calendar
from fazhi.workplan.models import Extension, Notice, ProgressReport, Task
from fazhi.workplan.selectors import light_of

LIST_LIMIT = 20  # a home page lists the most urgent; the full lists are a link away


@dataclass
class Page:
    """A list on a home page: the first LIST_LIMIT rows and how many there are in all."""

    rows: list
    total: int


def _page(qs) -> Page:
    rows = list(qs[:LIST_LIMIT])
    return Page(rows, len(rows) if len(rows) < LIST_LIMIT else qs.count())


def open_cases(**filters):
    """Cases still owed an answer. Naming every kind lets the (zone, kind, state) index reach
    just the open cases of a zone, a few percent of its register, instead of scanning it."""
    return Case.objects.filter(kind__in=list(KINDS), state__in=open_states(), **filters)


def _leaf_tasks():
    return Task.objects.filter(~Exists(Task.objects.filter(parent=OuterRef("pk"))))


# ---------------------------------------------------------------- department clerk


@dataclass
class DepartmentTodo:
    tasks: list[tuple[Task, object]] = field(default_factory=list)  # (task, light), worst first
    tasks_total: int = 0
    reports_missing: list[tuple[Task, date]] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    cases: Page = field(default_factory=lambda: Page([], 0))


def department_todo(user, today: date) -> DepartmentTodo:
    todo = DepartmentTodo()
    tasks = list(
        _leaf_tasks()
        .filter(lead_org_id=user.org_id, done_at__isnull=True)
        .select_related("plan")
        .order_by("plan_id", "position")
    )
    cal = get_calendar()
    with_light = [(t, light_of(t, t.plan, today, cal)) for t in tasks]
    todo.tasks = sorted(
        with_light,
        key=lambda tl: (
            figures.SEVERITY[figures.color_of(tl[1])],
            tl[0].due_in_force or tl[0].due_date or date.max,
        ),
    )[:LIST_LIMIT]
    todo.tasks_total = len(with_light)
    reports: dict[int, list[date]] = {}
    for task_id, day in ProgressReport.objects.filter(task__in=[t.pk for t in tasks]).values_list(
        "task_id", "reported_on"
    ):
        reports.setdefault(task_id, []).append(day)
    for t in tasks:
        missing = missing_period(today, t.plan.report_day, t.start_date, reports.get(t.pk, []))
        if missing:
            todo.reports_missing.append((t, missing))
    todo.notices = list(
        Notice.objects.filter(to_org_id=user.org_id, state=Notice.State.ISSUED)
        .select_related("task")
        .order_by("reply_due", "id")
    )
    todo.cases = _page(open_cases(department_id=user.org_id).order_by("next_due", "id"))
    return todo


# ---------------------------------------------------------------- creation office


@dataclass
class OfficeTodo:
    extensions: list[Extension] = field(default_factory=list)
    replies: list[Notice] = field(default_factory=list)
    unassigned: Page = field(default_factory=lambda: Page([], 0))
    assessment: Assessment | None = None
    without_evidence: list[Result] = field(default_factory=list)


def office_todo(zone: Org, today: date) -> OfficeTodo:
    todo = OfficeTodo()
    todo.extensions = list(
        Extension.objects.filter(task__plan__zone=zone, state=Extension.State.PENDING)
        .select_related("task", "task__lead_org")
        .order_by("requested_on", "id")
    )
    todo.replies = list(
        Notice.objects.filter(plan__zone=zone, state=Notice.State.REPLIED)
        .select_related("to_org")
        .order_by("replied_on", "id")
    )
    todo.unassigned = _page(
        open_cases(zone=zone, department__isnull=True).order_by("next_due", "id")
    )
    todo.assessment = (
        Assessment.objects.filter(zone=zone, status__in=Assessment.EDITABLE, year__lte=today.year)
        .order_by("-year")
        .first()
    )
    if todo.assessment:
        todo.without_evidence = list(
            Result.objects.filter(assessment=todo.assessment)
            .annotate(files=Count("evidence"))
            .filter(files=0)
            .select_related("indicator")
            .order_by("indicator__position")
        )
    return todo


# ---------------------------------------------------------------- city reviewer


@dataclass
class ZoneRow:
    zone: Org
    assessment: Assessment | None = None
    totals: object = None
    overdue_tasks: int = 0
    overdue_cases: int = 0


@dataclass
class CityTodo:
    to_review: list[Assessment] = field(default_factory=list)
    zones: list[ZoneRow] = field(default_factory=list)


def city_todo(user, today: date) -> CityTodo:
    todo = CityTodo()
    todo.to_review = list(
        assessments_for(user)
        .filter(status=Assessment.Status.SUBMITTED)
        .exclude(zone_id=user.org_id)
        .order_by("submitted_at", "id")
    )
    zones = {
        z.pk: ZoneRow(z)
        for z in Org.objects.filter(kind=Org.Kind.ZONE, path__startswith=user.org.path)
    }
    for a in (
        Assessment.objects.filter(zone__in=list(zones), year__lte=today.year)
        .select_related("framework")
        .order_by("zone_id", "year")
    ):
        zones[a.zone_id].assessment = a  # the latest year wins
    latest = [r.assessment for r in zones.values() if r.assessment]
    for a, t in totals_for_many(latest):
        zones[a.zone_id].totals = t
    # Red lights by the rule itself (past the date in force, not done), counted in the database.
    past_due = Q(due_in_force__lt=today) | Q(due_in_force__isnull=True, due_date__lt=today)
    for zone_id, n in (
        _leaf_tasks()
        .filter(past_due, plan__zone__in=list(zones), done_at__isnull=True)
        .values_list("plan__zone")
        .annotate(n=Count("id"))
        .order_by()
    ):
        zones[zone_id].overdue_tasks = n
    for zone_id, n in (
        open_cases(zone__in=list(zones), overdue=True)
        .values_list("zone")
        .annotate(n=Count("zone"))  # a column of the index: no table rows read
        .order_by()
    ):
        zones[zone_id].overdue_cases = n
    todo.zones = list(zones.values())
    return todo
