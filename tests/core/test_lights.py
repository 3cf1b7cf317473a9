"""Lights when the count runs into a year whose holiday notice is missing (issue 9 item 2)."""

from __future__ import annotations

from datetime import date

from chinese_calendar import constants

from fazhi.core import lights
from fazhi.core.workdays import WorkCalendar

YEARS = (2025, 2026)
CAL = WorkCalendar(
    years=frozenset(YEARS),
    rest_days=frozenset(d for d in constants.holidays if d.year in YEARS),
    make_up_workdays=frozenset(d for d in constants.workdays if d.year in YEARS),
)


def light(due, today, start=None, progress=0):
    return lights.status_light(
        start=start, due=due, progress=progress, done=False, today=today, cal=CAL
    )


def test_a_task_due_in_2027_has_a_tentative_light():
    # Today 2026-11-30, due 2027-03-31: far off and on schedule (no start) -> green, 暂定.
    got = light(date(2027, 3, 31), date(2026, 11, 30))
    assert got.color == lights.GREEN and got.tentative.startswith("暂定：2027 年")
    # Due Mon 2027-01-04, today Tue 2026-12-29: 12-30, 12-31, (weekends only) 01-01, 01-04
    # are 4 working days -> yellow (within 5), 暂定.
    got = light(date(2027, 1, 4), date(2026, 12, 29))
    assert (got.color, got.reason) == (lights.YELLOW, "4 个工作日内到期") and got.tentative


def test_an_overdue_task_stays_red_in_january():
    # Due Fri 2026-12-18, today Mon 2027-01-04: 12-21..25, 12-28..31 (9) + 01-01, 01-04 by
    # weekends only = 11, 暂定.
    got = light(date(2026, 12, 18), date(2027, 1, 4))
    assert (got.color, got.reason) == (lights.RED, "已逾期 11 个工作日（暂定）") and got.tentative
    # Within published years the light is exact: due 2026-12-18, today 2026-12-31 -> 9.
    got = light(date(2026, 12, 18), date(2026, 12, 31))
    assert (got.reason, got.tentative) == ("已逾期 9 个工作日", "")


def test_a_light_follows_the_calendar_it_is_asked_with():
    # Lights are memoised: entering 2027 (01-01 a holiday: 3 working days, not 4) must give
    # the exact light at once, and a calendar without the year again the 暂定 one.
    due, today = date(2027, 1, 4), date(2026, 12, 29)
    with_2027 = WorkCalendar(
        years=frozenset({*YEARS, 2027}),
        rest_days=CAL.rest_days | {date(2027, 1, 1)},
        make_up_workdays=CAL.make_up_workdays,
    )
    assert light(due, today).tentative
    got = lights.status_light(
        start=None, due=due, progress=0, done=False, today=today, cal=with_2027
    )
    assert (got.color, got.reason, got.tentative) == (lights.YELLOW, "3 个工作日内到期", "")
    assert light(due, today).tentative
    # Another day or another progress is another light, not the one remembered.
    assert light(due, date(2027, 1, 5)).color == lights.RED
    start = date(2026, 1, 5)
    assert light(date(2026, 12, 31), date(2026, 11, 2), start, progress=80).color == lights.GREEN
    assert light(date(2026, 12, 31), date(2026, 11, 2), start, progress=10).color == lights.YELLOW
