"""The working-day calendar (工作日): which days count, and where a period ends.

Pure, no Django. A `WorkCalendar` holds the years whose State Council holiday notice is
known, the statutory rest days (法定节假日, including the weekend days inside a holiday
period) and the make-up workdays (调休上班日, weekend days worked in exchange).

A working day is a Monday–Friday that is not a rest day, or a make-up workday.
Periods are counted from the day after the start (the day of receipt is not counted).
Asking about a day in a year the calendar does not cover raises `CalendarGap`: a
deadline is never guessed. `tentative()` gives the same calendar counting such years with
weekends as the only rest days: it answers the earliest day a period can end (a real
holiday can only move it later), which callers show as 暂定 with `tentative_note`;
`first_gap` says whether a count touched such a year.

Counting is O(log k) in the number k of exceptional days: Monday–Friday are counted
by arithmetic on ordinals and corrected by bisecting two sorted tuples (rest days that
fall on a weekday, make-up days that fall on a weekend).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

from .errors import RuleError

__all__ = [
    "CalendarGap",
    "WorkCalendar",
    "add_calendar_days",
    "missing_notice_text",
    "missing_notice_year",
    "parse_day",
    "tentative_note",
]


class CalendarGap(RuleError):
    """The calendar does not cover `year`: its holiday notice is not (yet) loaded."""

    def __init__(self, year: int):
        super().__init__(
            "date",
            f"{year} 年的节假日安排尚未录入（国务院尚未发布或未导入），无法按工作日计算期限",
        )
        self.year = year


def tentative_note(year: int) -> str:
    """Why a date or count is 暂定 (tentative): the reason shown beside it."""
    return (
        f"暂定：{year} 年节假日安排尚未录入，该年暂按仅周末休息计算（届满日为最早可能的日期，"
        "实际节假日只会使其推后），录入后自动重新计算"
    )


def _weekdays_upto(ordinal: int) -> int:
    """Number of Monday–Friday days with ordinal in [1, ordinal]; ordinal 1 (0001-01-01) is a Monday."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _as_day(value, name: str) -> date:
    if not isinstance(value, date):
        raise RuleError(name, "日期格式不正确")
    # A datetime is a date too; only its calendar day matters here.
    return value if type(value) is date else date(value.year, value.month, value.day)


def _as_count(n, name: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise RuleError(name, "天数须为整数")
    if n < 0:
        raise RuleError(name, "天数不能为负数")
    return n


@dataclass(frozen=True)
class WorkCalendar:
    years: frozenset[int]
    rest_days: frozenset[date]
    make_up_workdays: frozenset[date]
    # True: a year not covered counts Monday–Friday as working days instead of raising.
    assume_weekends: bool = False
    # Derived, small: ordinals of the days that change the Monday–Friday count.
    _off: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _extra: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _hash: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        years = frozenset(int(y) for y in self.years)
        rest = frozenset(_as_day(d, "rest_days") for d in self.rest_days)
        work = frozenset(_as_day(d, "make_up_workdays") for d in self.make_up_workdays)
        both = rest & work
        if both:
            d = min(both)
            raise RuleError("date", f"{d.isoformat()} 不能既是法定节假日又是调休上班日")
        outside = sorted(d for d in rest | work if d.year not in years)
        if outside:
            raise RuleError(
                "date", f"{outside[0].isoformat()} 所在的 {outside[0].year} 年未录入节假日安排"
            )
        object.__setattr__(self, "years", years)
        object.__setattr__(self, "rest_days", rest)
        object.__setattr__(self, "make_up_workdays", work)
        object.__setattr__(
            self, "_off", tuple(sorted(d.toordinal() for d in rest if d.weekday() < 5))
        )
        object.__setattr__(
            self, "_extra", tuple(sorted(d.toordinal() for d in work if d.weekday() >= 5))
        )
        # Calendars key memo tables (deadlines): hash the days once, not on every lookup.
        object.__setattr__(self, "_hash", hash((years, rest, work, self.assume_weekends)))

    def __hash__(self) -> int:
        return self._hash

    # -- coverage ---------------------------------------------------------------------

    def covers(self, year: int) -> bool:
        return year in self.years

    def _require(self, first: int, last: int) -> None:
        """Every year from first to last (inclusive) must be covered (unless tentative)."""
        if not self.assume_weekends and (gap := self._gap(first, last)) is not None:
            raise CalendarGap(gap)

    def _gap(self, first: int, last: int) -> int | None:
        if first == last:  # the usual case, kept cheap: deadlines ask for every due date
            return None if first in self.years else first
        return next((y for y in range(first, last + 1) if y not in self.years), None)

    def first_gap(self, start: date, end: date) -> int | None:
        """The first year not covered among the days in (start, end] (dates), or None: a
        count over them by the tentative calendar is then exact."""
        if end <= start:
            return None
        first = start.year + 1 if (start.month, start.day) == (12, 31) else start.year
        return self._gap(first, end.year)

    def tentative(self) -> WorkCalendar:
        """This calendar, counting years not covered with weekends as the only rest days."""
        if self.assume_weekends:
            return self
        return _tentative(self)

    # -- counting ---------------------------------------------------------------------

    def _count(self, a: int, b: int) -> int:
        """Working days with ordinal in (a, b], for a <= b, without the coverage check."""
        off, extra = self._off, self._extra
        return (
            _weekdays_upto(b)
            - _weekdays_upto(a)
            - (bisect_right(off, b) - bisect_right(off, a))
            + (bisect_right(extra, b) - bisect_right(extra, a))
        )

    def is_workday(self, d: date) -> bool:
        d = _as_day(d, "date")
        self._require(d.year, d.year)
        if d in self.make_up_workdays:
            return True
        return d.weekday() < 5 and d not in self.rest_days

    def workdays_between(self, start: date, end: date) -> int:
        """Working days in (start, end]; 0 when equal, the negated count of (end, start] when end < start."""
        start, end = _as_day(start, "start"), _as_day(end, "end")
        if start == end:
            return 0
        if end < start:
            return -self.workdays_between(end, start)
        self._require((start + timedelta(days=1)).year, end.year)
        return self._count(start.toordinal(), end.toordinal())

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after start (start itself not counted); n = 0 gives start."""
        start = _as_day(start, "start")
        n = _as_count(n)
        if n == 0:
            return start
        lo = start.toordinal()
        # Upper bound: grow until it holds at least n working days. Uncovered years count
        # as plain Monday–Friday here; the coverage check below turns that into CalendarGap.
        hi = lo + n + n // 2 + 7
        while (have := self._count(lo, hi)) < n:
            hi += 2 * (n - have) + 7
        # Smallest ordinal d in (lo, hi] with count(lo, d) >= n: a working day by construction.
        left, right = lo + 1, hi
        while left < right:
            mid = (left + right) // 2
            if self._count(lo, mid) >= n:
                right = mid
            else:
                left = mid + 1
        result = date.fromordinal(left)
        self._require((start + timedelta(days=1)).year, result.year)
        return result

    def next_workday(self, d: date) -> date:
        """d itself when it is a working day, else the first working day after it."""
        d = _as_day(d, "date")
        return self.add_workdays(d - timedelta(days=1), 1)


# From this month on, next year's missing notice is warned about (the State Council
# usually publishes it in October–December).
WARN_FROM_MONTH = 11


def missing_notice_year(cal: WorkCalendar, today: date) -> int | None:
    """The year whose holiday notice the administrator should enter now: this year when it
    is missing, next year from 1 November on; None when nothing is due."""
    today = _as_day(today, "today")
    if not cal.covers(today.year):
        return today.year
    if today.month >= WARN_FROM_MONTH and not cal.covers(today.year + 1):
        return today.year + 1
    return None


def missing_notice_text(year: int) -> str:
    return (
        f"{year} 年的节假日安排尚未录入：跨入该年的期限暂按仅周末休息推算并标注“暂定”。"
        f"国务院办公厅发布通知后，请系统管理员在“节假日安排”中录入 {year} 年，系统将自动重新计算。"
    )


@lru_cache(maxsize=8)
def _tentative(cal: WorkCalendar) -> WorkCalendar:
    return replace(cal, assume_weekends=True)


def add_calendar_days(start: date, n: int, *, calendar: WorkCalendar | None = None) -> date:
    """start + n calendar days. With a calendar, a period whose last day is not a working
    day ends on the next working day (期间届满的最后一日是法定节假日的，以节假日后的第一日为期间届满的日期)."""
    start = _as_day(start, "start")
    end = start + timedelta(days=_as_count(n))
    if calendar is None:
        return end
    return calendar.next_workday(end)


def parse_day(text: str, field: str = "date") -> date:
    """YYYY-MM-DD from user input, with a Chinese error naming the field."""
    value = (text or "").strip()
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise RuleError(
            field, f"日期“{value}”格式不正确，应为 YYYY-MM-DD，例如 2025-09-26"
        ) from None
