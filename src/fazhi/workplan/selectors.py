"""Reads of plans and tasks, scoped through orgs.access, with lights as of a day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from fazhi.core import lights
from fazhi.core.workdays import WorkCalendar
from fazhi.orgs.access import zone_data_q
from fazhi.orgs.models import Org
from fazhi.workdays.selectors import get_calendar

from .models import Notice, Plan, Task

TASK_OWNERS = ("lead_org", "support_orgs")
SEVERITY = {lights.RED: 3, lights.YELLOW: 2, lights.GREEN: 1, lights.DONE: 0, None: -1}


def plans_for(user) -> QuerySet[Plan]:
    # A department sees a plan when it owns at least one of its tasks.
    q = zone_data_q(user, "zone", ("tasks__lead_org", "tasks__support_orgs"))
    return Plan.objects.filter(q).select_related("zone").distinct()


def get_plan(user, plan_id) -> Plan:
    try:
        return plans_for(user).get(pk=int(plan_id))
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404("工作方案不存在或无权查看") from None


def tasks_for(user) -> QuerySet[Task]:
    return Task.objects.filter(zone_data_q(user, "plan__zone", TASK_OWNERS)).distinct()


def get_task(user, task_id, *, for_update: bool = False) -> Task:
    qs = tasks_for(user).select_related("plan", "plan__zone", "lead_org")
    if for_update:
        qs = (
            Task.objects.filter(pk__in=qs.values("pk"))
            .select_related("plan", "plan__zone", "lead_org")
            .select_for_update(of=("self",))
        )
    try:
        return qs.get(pk=int(task_id))
    except (Task.DoesNotExist, ValueError, TypeError):
        raise Http404("任务不存在或无权查看") from None


def notices_for(user) -> QuerySet[Notice]:
    return Notice.objects.filter(zone_data_q(user, "plan__zone", ("to_org",))).select_related(
        "to_org", "task", "plan"
    )


@dataclass
class TaskRow:
    task: Task
    depth: int
    light: lights.Light | None
    leaf: bool


def light_of(task, plan: Plan, today: date, cal: WorkCalendar) -> lights.Light | None:
    """The light of a task with a due date (暂定 when its counts need a year whose holiday
    notice is missing); None when it has no due date. `task` is a Task, or anything with
    its start_date, due_date, due_in_force, progress and done_at (the dashboard's tuples)."""
    due = task.due_in_force or task.due_date
    if due is None:
        return lights.Light(lights.DONE, "已办结销号") if task.done_at else None
    return lights.status_light(
        start=task.start_date,
        due=due,
        progress=task.progress,
        done=task.done_at is not None,
        today=today,
        cal=cal,
        thresholds=lights.Thresholds(plan.yellow_days, plan.lag_points),
    )


def task_rows(plan: Plan, today: date, tasks: list[Task] | None = None) -> list[TaskRow]:
    """The plan as a tree in order; a parent's light is the worst of its children's, 暂定
    when any child's is."""
    if tasks is None:
        tasks = list(
            plan.tasks.select_related("lead_org").prefetch_related(
                Prefetch("support_orgs", queryset=Org.objects.only("id", "name"))
            )
        )
    cal = get_calendar()
    children: dict[int | None, list[Task]] = {}
    for t in tasks:
        children.setdefault(t.parent_id, []).append(t)
    rows: list[TaskRow] = []

    def visit(t: Task, depth: int) -> lights.Light | None:
        row = TaskRow(t, depth, None, not children.get(t.pk))
        rows.append(row)
        if row.leaf:
            row.light = light_of(t, plan, today, cal)
        else:
            worst, note = None, ""
            for c in children[t.pk]:
                got = visit(c, depth + 1)
                if got and (
                    worst is None or SEVERITY.get(got.color, 0) > SEVERITY.get(worst.color, 0)
                ):
                    worst = got
                note = note or (got.tentative if got else "")
            row.light = replace(worst, tentative=note) if worst and note else worst
        return row.light

    for t in children.get(None, []):
        visit(t, 1)
    return rows
