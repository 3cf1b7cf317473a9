"""The departments' annual assessment (部门年度考核): grades, ranking and the work-plan
figures shown beside it. Pure, Decimal-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


def grade_for(score: Decimal, grades) -> str:
    """The first grade whose threshold the score reaches (thresholds from the table's
    `grades:`, highest first); "" when the table has none or the score reaches none."""
    for name, low in sorted(grades, key=lambda g: Decimal(g[1]), reverse=True):
        if score >= Decimal(low):
            return name
    return ""


def rank(scores: list[tuple[Decimal, bool]]) -> list[int | None]:
    """Competition ranking (1, 2, 2, 4) by score, highest first. A disqualified entry
    (一票否决) gets no rank: None."""
    ranked = sorted((s for s, out in scores if not out), reverse=True)
    first = {}
    for n, s in enumerate(ranked, 1):
        first.setdefault(s, n)
    return [None if out else first[s] for s, out in scores]


@dataclass(frozen=True)
class TaskFacts:
    due: date | None  # the due date in force
    done: date | None  # 办结日期
    start: date | None


@dataclass
class TaskFigures:
    total: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0  # not done and past due
    missed_reports: int = 0  # monthly reports not filed by their deadline


def _deadlines(report_day: int, first: date, last: date):
    """Every monthly deadline (day report_day) in (first, last]."""
    y, m = first.year, first.month
    while True:
        d = date(y, m, report_day)
        if d > last:
            return
        if d > first:
            yield d
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def missed_reports(
    report_day: int | None, year: int, fact: TaskFacts, reports: list[date], today: date
) -> int:
    """Monthly deadlines of `year` up to today (and up to the task's 办结) whose window
    (the month before the deadline) holds no progress report. A task owes its first
    report at the first deadline after its start."""
    if not report_day:
        return 0
    first = max(fact.start or date(year, 1, 1), date(year, 1, 1))
    last = min(today, fact.done or today, date(year, 12, 31))
    missed = 0
    for deadline in _deadlines(report_day, first, last):
        y, m = (
            (deadline.year - 1, 12) if deadline.month == 1 else (deadline.year, deadline.month - 1)
        )
        previous = date(y, m, report_day)
        # the window after the previous deadline; the task's start opens its first one
        if not any(
            (previous < d if previous >= first else first <= d) and d <= deadline for d in reports
        ):
            missed += 1
    return missed


def task_figures(
    facts: list[tuple[TaskFacts, list[date]]], report_day: int | None, year: int, today: date
) -> TaskFigures:
    out = TaskFigures()
    for fact, reports in facts:
        out.total += 1
        if fact.done is not None:
            if fact.due is None or fact.done <= fact.due:
                out.done_on_time += 1
            else:
                out.done_late += 1
        elif fact.due is not None and fact.due < today:
            out.overdue += 1
        out.missed_reports += missed_reports(report_day, year, fact, reports, today)
    return out
