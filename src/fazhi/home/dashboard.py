"""Reads of the leader's dashboard (领导驾驶舱) for one zone.

A fixed number of queries whatever the size of the zone: the plan's tasks in one query
(lights are computed in memory), the register by grouped counts, every year's results in one.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, IntegerField, Q, Subquery

from fazhi.assessments.models import Assessment
from fazhi.assessments.selectors import totals_for_many
from fazhi.core import dashboard as figures
from fazhi.core import lights
from fazhi.core.scoring import Totals
from fazhi.orgs.models import Org
from fazhi.registers.models import Case
from fazhi.registers.states import KINDS, open_states
from fazhi.workdays.selectors import get_calendar
from fazhi.workplan.models import Plan
from fazhi.workplan.selectors import light_of

from .todo import open_cases

OVERDUE_LIMIT = 20
TREND_YEARS = 6


@dataclass
class Dashboard:
    zone: Org
    today: date
    year: int
    assessment: Assessment | None = None
    totals: Totals | None = None
    plan: Plan | None = None
    departments: list[figures.DepartmentLights] = field(default_factory=list)
    light_totals: dict[str, int] = field(default_factory=dict)
    # (task, light, lead org's name), the longest overdue first
    overdue_tasks: list[tuple[TaskFigures, lights.Light, str | None]] = field(default_factory=list)
    overdue_tasks_total: int = 0
    overdue_cases: list[Case] = field(default_factory=list)
    overdue_cases_total: int = 0
    register: list[tuple[str, figures.YearFigures]] = field(default_factory=list)
    trend: list[dict] = field(default_factory=list)

    def chart_data(self) -> dict:
        """What the charts draw (the same figures the tables show), as JSON-ready values."""
        groups = list(self.totals.groups.values()) if self.totals else []
        return {
            "groups": {
                "labels": [f"{g.code}、{g.title}" for g in groups],
                "scored": [float(g.scored) for g in groups],
                "max": [float(g.max_points) for g in groups],
            },
            "lights": {
                "departments": [d.name for d in self.departments],
                "series": [
                    {
                        "key": c,
                        "name": figures.LIGHT_LABELS[c],
                        "data": [d.counts[c] for d in self.departments],
                    }
                    for c in figures.LIGHT_COLUMNS
                ],
            },
            "trend": {
                "years": [str(t["year"]) for t in self.trend],
                "score": [_num(t["score"]) for t in self.trend],
                "max": [_num(t["max"]) for t in self.trend],
                "cases": [t["cases"] for t in self.trend],
            },
        }


def _num(value) -> float | None:
    return None if value is None else float(value)


def dashboard(zone: Org, today: date) -> Dashboard:
    d = Dashboard(zone=zone, today=today, year=today.year)
    received = _cases(d)
    _scores(d, received)
    _tasks(d)
    return d


def _scores(d: Dashboard, received: int) -> None:
    """The scores of every year and the trend; `received`: the cases of the current year
    (counted with the year's register figures)."""
    assessments = list(
        Assessment.objects.filter(zone=d.zone).select_related("framework").order_by("year")
    )
    by_year: dict[int, dict] = {}
    for a, t in totals_for_many(assessments):
        by_year[a.year] = {
            "year": a.year,
            "score": t.final,
            "max": t.scored_max,
            "cases": 0,
        }
        if a.year <= d.year:  # the current year's (or the latest before it) is shown in full
            d.assessment, d.totals = a, t
    # Cases of the past years: one count per year, each a range of the (zone, received_on)
    # index read without touching the table - far cheaper than one scan grouped by year on
    # both vendors (100,000 cases, bench/home_bench.py on a shared machine: SQLite 3 ms
    # against 150 ms, PostgreSQL 10 ms against 90).
    # PostgreSQL answers the five as scalar subqueries of one statement faster than as five
    # statements (5 ms against 10); SQLite, in process, the other way round (9 ms against 3).
    years = range(d.year - TREND_YEARS + 1, d.year + 1)
    if connection.vendor == "sqlite":
        past = [_received_in(d.zone, y).count() for y in years[:-1]]
    else:
        past = (
            Org.objects.filter(pk=d.zone.pk)
            .values_list(*(_year_count(d.zone, y) for y in years[:-1]))
            .first()
            or ()
        )
    for y, n in zip(years, [*past, received], strict=False):
        if n:
            by_year.setdefault(y, {"year": y, "score": None, "max": None, "cases": 0})["cases"] = n
    d.trend = [by_year[y] for y in sorted(by_year) if years[0] <= y <= d.year]


def _received_in(zone: Org, year: int):
    return Case.objects.filter(
        zone=zone, received_on__gte=date(year, 1, 1), received_on__lte=date(year, 12, 31)
    )


def _year_count(zone: Org, year: int) -> Subquery:
    """The number of the zone's cases received in `year`, as a scalar subquery."""
    return Subquery(
        _received_in(zone, year).order_by().values("zone").annotate(n=Count("zone")).values("n"),
        output_field=IntegerField(),
    )


# What the dashboard reads of a task: its light's inputs and the overdue table's columns.
TaskFigures = namedtuple(
    "TaskFigures",
    "pk parent_id lead_org_id number title responsible position "
    "start_date due_date due_in_force progress done_at",
)


def _tasks(d: Dashboard) -> None:
    d.plan = Plan.objects.filter(zone=d.zone, year__lte=d.year).order_by("-year", "-id").first()
    if d.plan is None:
        return
    # Plain tuples rather than a thousand Task objects (building those was half the page),
    # and the departments' names from one small query rather than a join per task.
    tasks = [TaskFigures(*v) for v in d.plan.tasks.values_list(*TaskFigures._fields)]
    names = dict(Org.objects.filter(parent=d.zone).values_list("pk", "name"))
    parents = {t.parent_id for t in tasks}
    cal = get_calendar()
    rows = [(t, light_of(t, d.plan, d.today, cal)) for t in tasks if t.pk not in parents]
    d.departments = figures.lights_by_department(
        (names.get(t.lead_org_id), light) for t, light in rows
    )
    d.light_totals = dict.fromkeys(figures.LIGHT_COLUMNS, 0)
    for _, light in rows:
        d.light_totals[figures.color_of(light)] += 1
    overdue = sorted(
        (
            (t, light, names.get(t.lead_org_id))
            for t, light in rows
            if light and light.color == lights.RED
        ),
        key=lambda row: (row[0].due_in_force or row[0].due_date, row[0].position),
    )
    d.overdue_tasks, d.overdue_tasks_total = overdue[:OVERDUE_LIMIT], len(overdue)


def _cases(d: Dashboard) -> int:
    """The overdue cases and the year's register figures; returns the year's case count."""
    overdue = open_cases(zone=d.zone, overdue=True)
    d.overdue_cases = list(
        overdue.select_related("department").order_by("next_due", "id")[:OVERDUE_LIMIT]
    )
    d.overdue_cases_total = (
        len(d.overdue_cases) if len(d.overdue_cases) < OVERDUE_LIMIT else overdue.count()
    )
    rows = (
        Case.objects.filter(
            zone=d.zone, received_on__gte=date(d.year, 1, 1), received_on__lte=date(d.year, 12, 31)
        )
        .values_list("kind", "state")
        # Counting a column of the (zone, received_on, kind, state, overdue, replied_late)
        # index, not the id, lets PostgreSQL answer from the index alone (6x faster).
        .annotate(
            n=Count("received_on"),
            late=Count("received_on", filter=Q(overdue=True)),
            replied_late=Count("received_on", filter=Q(replied_late=True)),
        )
        .order_by()
    )
    rows = list(rows)
    by_kind = figures.register_figures(rows, open_states())
    d.register = [
        (label, by_kind.get(kind, figures.YearFigures())) for kind, label in KINDS.items()
    ]
    return sum(row[2] for row in rows)
