"""Reads of the holiday table, and the process-wide cached WorkCalendar."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import Count, Q

from fazhi.core.workdays import WorkCalendar, missing_notice_text, missing_notice_year

from .models import CalendarRevision, CalendarYear, Holiday

_lock = threading.Lock()
_cached: tuple[tuple, WorkCalendar] | None = None


def _fingerprint() -> tuple:
    """One query. The revision token changes with every write through the services; the
    counts and largest ids also catch rows added or removed behind their back."""
    q = connection.ops.quote_name
    rev, hol, yr = (q(m._meta.db_table) for m in (CalendarRevision, Holiday, CalendarYear))
    sql = (
        f"SELECT (SELECT {q('token')} FROM {rev} WHERE {q('id')} = 1),"
        f" (SELECT COUNT(*) FROM {hol}), (SELECT MAX({q('id')}) FROM {hol}),"
        f" (SELECT COUNT(*) FROM {yr}), (SELECT MAX({q('id')}) FROM {yr})"
    )
    with connection.cursor() as cur:
        cur.execute(sql)
        return tuple(cur.fetchone())


def build_calendar() -> WorkCalendar:
    years = frozenset(CalendarYear.objects.values_list("year", flat=True))
    rest, work = set(), set()
    for d, kind in Holiday.objects.values_list("date", "kind"):
        (rest if kind == Holiday.Kind.REST else work).add(d)
    return WorkCalendar(years=years, rest_days=frozenset(rest), make_up_workdays=frozenset(work))


def get_calendar() -> WorkCalendar:
    """The calendar as the database has it now. Cached per process; one cheap query per
    call checks that the cache is current. For many deadlines at once, call it once and
    reuse the calendar."""
    global _cached
    fp = _fingerprint()
    cached = _cached
    if cached is not None and cached[0] == fp:
        return cached[1]
    with _lock:
        for _ in range(3):
            cached = _cached
            if cached is not None and cached[0] == fp:
                return cached[1]
            calendar = build_calendar()
            # The build reads two tables; a write committed in between would mix two
            # states. Keep the calendar only if the fingerprint did not move meanwhile.
            after = _fingerprint()
            if after == fp:
                _cached = (fp, calendar)
                return calendar
            fp = after
    return calendar


def missing_notice(today: date) -> tuple[int, str] | None:
    """(year, warning) when the administrator should enter a year's holiday notice now."""
    year = missing_notice_year(get_calendar(), today)
    return None if year is None else (year, missing_notice_text(year))


def clear_cache() -> None:
    global _cached
    _cached = None


@dataclass(frozen=True)
class YearSummary:
    year: int
    source_notice: str
    loaded_from: str
    rest: int
    workday: int


def covered_years() -> list[YearSummary]:
    rows = CalendarYear.objects.annotate(
        rest=Count("days", filter=Q(days__kind=Holiday.Kind.REST)),
        workday=Count("days", filter=Q(days__kind=Holiday.Kind.WORKDAY)),
    ).order_by("year")
    return [YearSummary(r.year, r.source_notice, r.loaded_from, r.rest, r.workday) for r in rows]


def get_year(year: int) -> CalendarYear | None:
    return CalendarYear.objects.filter(year=year).first()


def days_of(year: int) -> tuple[list[Holiday], list[Holiday]]:
    """(rest days, make-up workdays) of a year, in date order."""
    rows = list(Holiday.objects.filter(year__year=year).order_by("date"))
    return [h for h in rows if h.kind == Holiday.Kind.REST], [
        h for h in rows if h.kind == Holiday.Kind.WORKDAY
    ]
