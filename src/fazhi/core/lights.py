"""Status lights (红黄绿灯) of a work-plan task, counted in working days.

Green: on track. Yellow: due within `yellow_days` working days and not done, or
progress behind the elapsed share of working time (序时进度) by more than
`lag_points`. Red: past due and not done. Done: accepted by the office (办结销号).

A count that runs into a year whose holiday notice is missing is made with weekends as
the only rest days; the light then carries `tentative` (the reason, shown as 暂定).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .workdays import WorkCalendar, tentative_note

GREEN, YELLOW, RED, DONE = "green", "yellow", "red", "done"
LABELS = {GREEN: "绿灯", YELLOW: "黄灯", RED: "红灯", DONE: "已办结"}


@dataclass(frozen=True)
class Thresholds:
    yellow_days: int = 5
    lag_points: int = 20


@dataclass(frozen=True)
class Light:
    color: str
    reason: str
    expected: int | None = None  # 序时进度, percent of working time elapsed
    tentative: str = ""  # why the counts behind it are 暂定 ("" when exact)


def expected_progress(start: date, due: date, today: date, cal: WorkCalendar) -> int:
    """Share of the working days between start and due that have passed, in percent."""
    if today <= start:
        return 0
    if today >= due:
        return 100
    total = cal.workdays_between(start, due)
    if total <= 0:
        return 100
    return min(100, max(0, cal.workdays_between(start, today) * 100 // total))


# A light is a pure function of its arguments, the calendar (hashed once) and today
# included: memoised, each task's light is computed once a day per process, and a changed
# task, calendar or day is simply another key. Pages then show a thousand lights without
# counting a thousand times (about 25 µs each).
@lru_cache(maxsize=16384)
def status_light(
    *,
    start: date | None,
    due: date,
    progress: int,
    done: bool,
    today: date,
    cal: WorkCalendar,
    thresholds: Thresholds = Thresholds(),
) -> Light:
    """The light of one task as of `today`; `due` is the date in force (an approved
    extension's, else the original)."""
    if done:
        return Light(DONE, "已办结销号")
    gap = cal.first_gap(min(due, today, start or today), max(due, today))
    note = tentative_note(gap) if gap is not None else ""
    cal = cal.tentative()
    if today > due:
        late = cal.workdays_between(due, today)
        return Light(RED, f"已逾期 {late} 个工作日" + ("（暂定）" if note else ""), tentative=note)
    left = cal.workdays_between(today, due)
    expected = expected_progress(start, due, today, cal) if start else None
    if left <= thresholds.yellow_days:
        text = "今天到期" if left == 0 else f"{left} 个工作日内到期"
        return Light(YELLOW, text, expected, note)
    if expected is not None and expected - progress > thresholds.lag_points:
        return Light(
            YELLOW,
            f"进度 {progress}% 落后序时进度 {expected}% 超过 {thresholds.lag_points} 个百分点",
            expected,
            note,
        )
    return Light(GREEN, "进度正常", expected, note)
