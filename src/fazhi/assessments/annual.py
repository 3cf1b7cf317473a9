"""The departments' annual assessment (部门年度考核): the office creates a year's sheets
for its departments, departments fill them, the office reviews, adjusts and closes, and
ranks them with the table's grades beside their work-plan figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from fazhi.audit.services import record
from fazhi.core.annual import TaskFacts, TaskFigures, grade_for, rank, task_figures
from fazhi.core.errors import RuleError
from fazhi.core.scoring import Totals
from fazhi.frameworks.services import tree
from fazhi.orgs.models import Org, Role

from .models import Assessment
from .selectors import assessments_for, totals_for_many
from .services import add_results, choose_block, framework_of, parse_year


def _office_zone(user) -> Org:
    if not user.has_role(Role.OFFICE) or user.org is None or user.org.kind != Org.Kind.ZONE:
        raise PermissionDenied("只有园区创建办可以创建部门年度考核")
    return user.org


@transaction.atomic
def create_department_assessments(
    user, framework_code: str, version: int | None, year, org_codes: list[str] | None = None
) -> tuple[list[Assessment], list[str]]:
    """A year's assessment of each named department of the office's zone (all of them
    when none are named). Departments that already have one are left as they are and
    returned by name; any other problem refuses the whole batch."""
    zone = _office_zone(user)
    year = parse_year(year)
    framework = framework_of(framework_code, version)
    departments = list(
        Org.objects.filter(parent=zone, kind=Org.Kind.DEPARTMENT).order_by("path", "code")
    )
    if org_codes:
        by_code = {d.code: d for d in departments}
        unknown = [str(c) for c in org_codes if str(c) not in by_code]
        if unknown:
            raise RuleError("orgs", f"{zone.name}没有这些部门：{'、'.join(unknown)}")
        departments = [by_code[str(c)] for c in dict.fromkeys(org_codes)]
    if not departments:
        raise RuleError("orgs", f"{zone.name}还没有部门，请先由系统管理员添加部门")
    indicators = tree(framework)
    blocks = {d.pk: choose_block(indicators, d, None) for d in departments}  # refuses early
    have = set(
        Assessment.objects.filter(framework=framework, year=year, zone__in=departments).values_list(
            "zone_id", flat=True
        )
    )
    new = [
        Assessment(zone=d, framework=framework, year=year, block=blocks[d.pk], created_by=user)
        for d in departments
        if d.pk not in have
    ]
    made = Assessment.objects.bulk_create(new)  # PostgreSQL and SQLite return the ids
    add_results(made)
    for a in made:
        after = {"zone": a.zone.code, "framework": framework.code, "version": framework.version}
        record(user, "assessment.create", a, after={**after, "year": year, "block": a.block})
    return made, [d.name for d in departments if d.pk in have]


@dataclass
class RankRow:
    assessment: Assessment
    totals: Totals
    rank: int | None
    grade: str
    figures: TaskFigures


def ranking(user, framework, year: int, today: date) -> list[RankRow]:
    """The departments' assessments of one table and year the user may see, best first.
    Ranked by the scaled total (fair when items are not applicable); a veto means no
    rank and no grade. Four queries whatever the number of departments."""
    from fazhi.workplan.models import ProgressReport, Task

    assessments = list(
        assessments_for(user)
        .filter(framework=framework, year=year, zone__kind=Org.Kind.DEPARTMENT)
        .select_related("zone__parent")
    )
    scored = totals_for_many(assessments)
    places = rank([(t.scaled, t.disqualified) for _, t in scored])
    grades = [(g["name"], Decimal(g["min"])) for g in framework.grades]
    figures = _figures([a.zone for a in assessments], year, today, Task, ProgressReport)
    rows = [
        RankRow(
            a, t, place, "" if t.disqualified else grade_for(t.scaled, grades), figures[a.zone_id]
        )
        for (a, t), place in zip(scored, places, strict=True)
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.assessment.zone.path))
    return rows


def _figures(departments: list[Org], year: int, today: date, Task, ProgressReport):
    """Per department: its tasks (as lead org) in its zone's plans of the year."""
    out = {d.pk: TaskFigures() for d in departments}
    if not departments:
        return out
    tasks = list(
        Task.objects.filter(
            lead_org__in=departments, plan__year=year, children__isnull=True
        ).values_list(
            "pk",
            "lead_org_id",
            "due_in_force",
            "due_date",
            "done_at",
            "start_date",
            "plan__report_day",
        )
    )
    reports: dict[int, list[date]] = {}
    for task_id, day in ProgressReport.objects.filter(
        task_id__in=[t[0] for t in tasks]
    ).values_list("task_id", "reported_on"):
        reports.setdefault(task_id, []).append(day)
    per_org: dict[int, dict[int | None, list]] = {}
    for pk, org, in_force, due, done, start, report_day in tasks:
        fact = TaskFacts(due=in_force or due, done=done, start=start)
        per_org.setdefault(org, {}).setdefault(report_day, []).append((fact, reports.get(pk, [])))
    for org, by_day in per_org.items():
        total = out[org]
        for report_day, facts in by_day.items():
            part = task_figures(facts, report_day, year, today)
            for name in ("total", "done_on_time", "done_late", "overdue", "missed_reports"):
                setattr(total, name, getattr(total, name) + getattr(part, name))
    return out
