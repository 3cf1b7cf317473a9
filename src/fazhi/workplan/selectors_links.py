"""Work-plan tasks beside the scoring items of an assessment (自查评分表 ↔ 重点任务)."""

from __future__ import annotations

from datetime import date

from fazhi.core.lights import Light
from fazhi.workdays.selectors import get_calendar

from .models import Task
from .selectors import light_of, tasks_for


def tasks_by_indicator(assessment, user, today: date) -> dict[str, list[tuple[Task, Light | None]]]:
    """For each indicator code of the assessment's framework, the tasks linked to it that
    the user may see, with each task's light as of `today`.

    Only plans of the assessment's zone and year count (for a department's annual
    assessment: its zone's plans, the tasks it leads). Two queries whatever the number
    of tasks: the links with their tasks and plans, and the calendar's freshness check.
    A task's light here is computed from its own dates (a task split into sub-tasks is
    not folded over its children, as on the plan page). Tasks come in plan order;
    indicators without linked tasks are absent from the result. The light is None for a
    task without a due date.
    """
    Link = Task.indicators.through
    org = assessment.zone
    # A department's annual assessment shows the tasks it leads in its zone's plans.
    mine = {"task__lead_org_id": org.pk} if org.kind == "department" else {}
    links = (
        Link.objects.filter(
            indicator__framework_id=assessment.framework_id,
            task__plan__zone_id=org.parent_id if mine else org.pk,
            task__plan__year=assessment.year,
            task__in=tasks_for(user).values("pk"),
            **mine,
        )
        .select_related("task", "task__plan", "task__lead_org", "indicator")
        .order_by("task__plan_id", "task__position", "task_id")
    )
    result: dict[str, list[tuple[Task, Light | None]]] = {}
    cal = None
    for link in links:
        if cal is None:
            cal = get_calendar()
        task = link.task
        result.setdefault(link.indicator.code, []).append(
            (task, light_of(task, task.plan, today, cal))
        )
    return result
