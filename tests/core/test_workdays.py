"""The working-day calendar (工作日): pure rules, no Django.

The calendar is built from the chinesecalendar package's data for 2025 and 2026 (the
State Council notices 国办发明电〔2024〕12号 and 〔2025〕7号).
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import chinese_calendar
import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.errors import RuleError
from fazhi.core.workdays import CalendarGap, WorkCalendar, add_calendar_days, parse_day

YEARS = (2025, 2026)
CAL = WorkCalendar(
    years=frozenset(YEARS),
    rest_days=frozenset(d for d in constants.holidays if d.year in YEARS),
    make_up_workdays=frozenset(d for d in constants.workdays if d.year in YEARS),
)
D = date


def days(a: date, b: date):
    d = a
    while d <= b:
        yield d
        d += timedelta(days=1)


# -- the two examples a clerk would check by hand ------------------------------------------


def test_twenty_working_days_across_national_day_2025():
    # 9-28 (Sun) and 10-11 (Sat) are make-up workdays; 10-01..10-08 rest.
    assert CAL.add_workdays(D(2025, 9, 26), 20) == D(2025, 10, 30)


def test_twenty_working_days_across_spring_festival_2025():
    # 1-26 (Sun) and 2-08 (Sat) are make-up workdays; 1-28..2-04 rest.
    assert CAL.add_workdays(D(2025, 1, 24), 20) == D(2025, 2, 27)


def test_spring_festival_and_national_day_2026():
    # 2026 春节: 2-15..2-23 rest, 2-14 (Sat) and 2-28 (Sat) worked.
    assert CAL.add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert CAL.add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert CAL.add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert CAL.add_workdays(D(2026, 2, 13), 6) == D(2026, 2, 28)
    assert CAL.add_workdays(D(2026, 2, 13), 7) == D(2026, 3, 2)
    # 2026 国庆: 9-20 (Sun) worked, 9-25..9-27 中秋, 10-01..10-07 rest, 10-10 (Sat) worked.
    assert CAL.add_workdays(D(2026, 9, 18), 1) == D(2026, 9, 20)
    assert CAL.add_workdays(D(2026, 9, 24), 1) == D(2026, 9, 28)
    assert CAL.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert CAL.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert CAL.add_workdays(D(2026, 9, 30), 4) == D(2026, 10, 12)


def test_a_make_up_workday_counts():
    for d in (
        D(2025, 1, 26),
        D(2025, 2, 8),
        D(2025, 4, 27),
        D(2025, 9, 28),
        D(2025, 10, 11),
        D(2026, 1, 4),
        D(2026, 2, 28),
    ):
        assert d.weekday() >= 5 and CAL.is_workday(d), d
    assert CAL.add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 9, 28)) == 1


def test_a_weekend_rest_day_inside_a_holiday_counts_as_rest():
    for d in (
        D(2025, 2, 1),
        D(2025, 2, 2),
        D(2025, 10, 4),
        D(2025, 10, 5),
        D(2026, 2, 15),
        D(2026, 2, 21),
    ):
        assert d.weekday() >= 5 and d in CAL.rest_days and not CAL.is_workday(d), d
    for d in (D(2025, 10, 8), D(2025, 1, 28), D(2026, 2, 23)):  # weekday rest days
        assert d.weekday() < 5 and not CAL.is_workday(d), d
    assert CAL.is_workday(D(2025, 10, 9)) and not CAL.is_workday(D(2025, 9, 27))


def test_every_day_of_both_years_agrees_with_chinesecalendar():
    for d in days(D(2025, 1, 1), D(2026, 12, 31)):
        assert CAL.is_workday(d) == chinese_calendar.is_workday(d), d


# -- never guess beyond the calendar -------------------------------------------------------


def test_a_count_reaching_into_an_uncovered_year_raises_calendar_gap():
    assert CAL.add_workdays(D(2026, 12, 1), 5) == D(2026, 12, 8)
    with pytest.raises(CalendarGap) as info:
        CAL.add_workdays(D(2026, 12, 1), 30)
    assert info.value.year == 2027 and info.value.field == "date"
    assert (
        "2027 年的节假日安排尚未录入" in info.value.message
        and "无法按工作日计算期限" in info.value.message
    )
    assert isinstance(info.value, RuleError)
    with pytest.raises(CalendarGap):
        CAL.add_workdays(D(2026, 12, 31), 1)
    with pytest.raises(CalendarGap):
        CAL.is_workday(D(2027, 1, 4))
    with pytest.raises(CalendarGap):
        CAL.is_workday(D(2024, 12, 31))
    with pytest.raises(CalendarGap):
        CAL.workdays_between(D(2026, 12, 30), D(2027, 1, 1))
    with pytest.raises(CalendarGap):
        CAL.workdays_between(D(2027, 1, 1), D(2026, 12, 30))
    with pytest.raises(CalendarGap):
        CAL.workdays_between(D(2024, 12, 30), D(2025, 1, 3))


def test_a_gap_in_the_middle_is_not_skipped():
    gappy = WorkCalendar(
        years=frozenset({2025, 2027}), rest_days=frozenset(), make_up_workdays=frozenset()
    )
    with pytest.raises(CalendarGap) as info:
        gappy.add_workdays(D(2025, 12, 1), 400)
    assert info.value.year == 2026


def test_the_start_day_is_not_counted_so_its_year_need_not_be_covered():
    assert CAL.add_workdays(D(2024, 12, 31), 1) == D(2025, 1, 2)  # 1-1 元旦
    assert CAL.workdays_between(D(2024, 12, 31), D(2025, 1, 2)) == 1


def test_empty_calendar_covers_nothing():
    empty = WorkCalendar(years=frozenset(), rest_days=frozenset(), make_up_workdays=frozenset())
    with pytest.raises(CalendarGap):
        empty.add_workdays(D(2025, 1, 1), 1)
    assert empty.add_workdays(D(2025, 1, 1), 0) == D(2025, 1, 1)


# -- boundaries ----------------------------------------------------------------------------


def test_zero_and_negative_counts():
    assert CAL.add_workdays(D(2025, 10, 1), 0) == D(2025, 10, 1)  # even on a rest day
    with pytest.raises(RuleError) as info:
        CAL.add_workdays(D(2025, 10, 1), -1)
    assert not isinstance(info.value, CalendarGap) and info.value.field == "n"
    with pytest.raises(RuleError):
        CAL.add_workdays(D(2025, 10, 1), 1.5)
    with pytest.raises(RuleError):
        add_calendar_days(D(2025, 10, 1), -1)


def test_workdays_between_boundaries():
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 9, 26)) == 0
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 9, 27)) == 0  # Saturday
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 9, 28)) == 1  # make-up Sunday
    assert CAL.workdays_between(D(2025, 9, 28), D(2025, 9, 26)) == -1
    assert CAL.workdays_between(D(2025, 9, 30), D(2025, 10, 8)) == 0
    assert CAL.workdays_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    assert CAL.workdays_between(D(2025, 9, 29), D(2025, 9, 30)) == 1  # end counted, start not
    assert CAL.workdays_between(D(2025, 9, 26), D(2025, 10, 30)) == 20
    assert CAL.workdays_between(D(2025, 10, 30), D(2025, 9, 26)) == -20
    assert CAL.workdays_between(D(2025, 1, 1), D(2025, 12, 31)) == 248
    assert (
        CAL.workdays_between(D(2024, 12, 31), D(2026, 12, 31)) == 248 + 248
    )  # chinese_calendar.get_workdays agrees


def test_add_calendar_days_rolls_forward_over_a_holiday():
    # 7 days after 9-24 is 10-01 (国庆): the period ends on the first working day after it.
    assert add_calendar_days(D(2025, 9, 24), 7) == D(2025, 10, 1)
    assert add_calendar_days(D(2025, 9, 24), 7, calendar=CAL) == D(2025, 10, 9)
    # An ordinary weekend rolls to Monday; a make-up Sunday is a working day and stays.
    assert add_calendar_days(D(2025, 2, 27), 2, calendar=CAL) == D(2025, 3, 3)
    assert add_calendar_days(D(2025, 9, 21), 7, calendar=CAL) == D(2025, 9, 28)
    # A working last day is kept.
    assert add_calendar_days(D(2025, 3, 1), 2, calendar=CAL) == D(2025, 3, 3)
    # 2026 春节: 15 days after 2-01 is 2-16 (rest) -> 2-24.
    assert add_calendar_days(D(2026, 2, 1), 15, calendar=CAL) == D(2026, 2, 24)
    # The last day's year must be covered, and so must the days it rolls over.
    with pytest.raises(CalendarGap):
        add_calendar_days(D(2026, 12, 30), 2, calendar=CAL)
    assert add_calendar_days(D(2026, 12, 30), 2) == D(2027, 1, 1)
    assert CAL.next_workday(D(2025, 10, 1)) == D(2025, 10, 9)
    assert CAL.next_workday(D(2025, 10, 9)) == D(2025, 10, 9)


def test_the_calendar_refuses_contradictions():
    with pytest.raises(RuleError, match="既是法定节假日又是调休上班日"):
        WorkCalendar(
            years=frozenset({2025}),
            rest_days=frozenset({D(2025, 1, 1)}),
            make_up_workdays=frozenset({D(2025, 1, 1)}),
        )
    with pytest.raises(RuleError, match="2024 年未录入"):
        WorkCalendar(
            years=frozenset({2025}),
            rest_days=frozenset({D(2024, 12, 31)}),
            make_up_workdays=frozenset(),
        )


def test_parse_day():
    assert parse_day(" 2025-09-26 ") == D(2025, 9, 26)
    for bad in ("2025-13-01", "2025-9-26", "20250926", "", "2025-02-30", "yesterday"):
        with pytest.raises(RuleError, match="YYYY-MM-DD"):
            parse_day(bad)


def test_fast_enough_for_a_hundred_thousand_deadlines():
    start = time.perf_counter()
    for i in range(20_000):
        CAL.add_workdays(D(2025, 1, 1) + timedelta(days=i % 600), 20)
    per_call = (time.perf_counter() - start) / 20_000
    assert per_call < 200e-6, f"add_workdays took {per_call * 1e6:.1f} µs"
    start = time.perf_counter()
    for _ in range(20_000):
        CAL.workdays_between(D(2025, 1, 3), D(2026, 1, 3))
    per_call = (time.perf_counter() - start) / 20_000
    assert per_call < 200e-6, f"workdays_between took {per_call * 1e6:.1f} µs"


# -- properties ----------------------------------------------------------------------------

in_2025_2026 = st.dates(min_value=D(2024, 12, 31), max_value=D(2026, 12, 31))


@given(start=in_2025_2026, n=st.integers(min_value=0, max_value=300))
@settings(max_examples=400, deadline=None)
def test_add_workdays_inverts_workdays_between(start, n):
    try:
        result = CAL.add_workdays(start, n)
    except CalendarGap as gap:
        assert gap.year == 2027
        # The naive count up to the end of 2026 really is short of n.
        assert CAL.workdays_between(start, D(2026, 12, 31)) < n
        return
    assert CAL.workdays_between(start, result) == n
    assert CAL.workdays_between(result, start) == -n
    if n:
        assert CAL.is_workday(result)
        # The first such day: one day earlier holds one working day fewer.
        assert CAL.workdays_between(start, result - timedelta(days=1)) == n - 1


def _naive(cal_years, rest, work):
    def is_work(d):
        if d.year not in cal_years:
            raise CalendarGap(d.year)
        return d in work or (d.weekday() < 5 and d not in rest)

    def add(start, n):
        d, left = start, n
        while left:
            d += timedelta(days=1)
            left -= is_work(d)
        return d

    return is_work, add


@st.composite
def calendars(draw):
    years = draw(st.sets(st.integers(min_value=2020, max_value=2023), min_size=1))
    span = st.builds(
        lambda y, k: D(y, 1, 1) + timedelta(days=k),
        st.sampled_from(sorted(years)),
        st.integers(min_value=0, max_value=364),
    )
    special = draw(st.lists(span, max_size=60, unique=True))
    cut = draw(st.integers(min_value=0, max_value=len(special)))
    rest = frozenset(special[:cut])
    work = frozenset(d for d in special[cut:] if d.weekday() >= 5)
    return frozenset(years), rest, work


@given(
    spec=calendars(),
    start=st.dates(min_value=D(2019, 12, 1), max_value=D(2023, 12, 31)),
    n=st.integers(min_value=0, max_value=120),
)
@settings(max_examples=300, deadline=None)
def test_matches_a_day_by_day_count_on_any_calendar(spec, start, n):
    years, rest, work = spec
    cal = WorkCalendar(years=years, rest_days=rest, make_up_workdays=work)
    is_work, add = _naive(years, rest, work)
    try:
        expected = add(start, n)
    except CalendarGap as gap:
        with pytest.raises(CalendarGap) as info:
            cal.add_workdays(start, n)
        assert info.value.year == gap.year
        return
    assert cal.add_workdays(start, n) == expected
    assert cal.workdays_between(start, expected) == n
    end = start + timedelta(days=n)
    if all(y in years for y in range(start.year, end.year + 1)) and start.year in years:
        assert cal.workdays_between(start, end) == sum(
            is_work(d) for d in days(start + timedelta(days=1), end)
        )


def test_the_tentative_calendar_counts_a_missing_year_with_weekends_only():
    # CAL covers 2024–2026. 2027-01-01 is a Friday: New Year's Day in every notice so far,
    # but without 2027's notice the tentative calendar counts it as a working day (the
    # earliest end); Sat 01-02 and Sun 01-03 rest.
    t = CAL.tentative()
    assert t.tentative() is t and t.covers(2026) and not t.covers(2027)
    assert t.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert t.add_workdays(date(2026, 12, 31), 2) == date(2027, 1, 4)
    assert t.workdays_between(date(2026, 12, 18), date(2027, 1, 4)) == 11
    assert t.first_gap(date(2026, 12, 18), date(2027, 1, 4)) == 2027
    assert t.first_gap(date(2026, 12, 18), date(2026, 12, 31)) is None
    # Covered years are counted exactly as by the calendar itself (2026 National Day).
    assert t.add_workdays(date(2026, 9, 30), 1) == CAL.add_workdays(date(2026, 9, 30), 1)
    with pytest.raises(CalendarGap):  # the calendar itself still never guesses
        CAL.add_workdays(date(2026, 12, 31), 1)
