"""Statutory deadlines of a case (依申请公开, 投诉举报): pure rules, no Django.

The calendar is built from the chinesecalendar package's data for 2024–2026, as in
test_workdays.py. 2025 国庆/中秋: 10-01..10-08 rest, 9-28 (Sun) and 10-11 (Sat) worked;
2025 春节: 1-28..2-04 rest, 1-26 (Sun) and 2-08 (Sat) worked. The expected dates below
are counted by hand on those calendars.
"""

from __future__ import annotations

import dataclasses
import re
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core.deadlines import (
    EVENT_KINDS,
    CaseDeadlines,
    Event,
    Period,
    RuleSet,
    check_event,
    compute,
    load_rules,
    load_rules_file,
)
from fazhi.core.errors import RuleError
from fazhi.core.workdays import CalendarGap, WorkCalendar, add_calendar_days

YEARS = (2024, 2025, 2026)
CAL = WorkCalendar(
    years=frozenset(YEARS),
    rest_days=frozenset(d for d in constants.holidays if d.year in YEARS),
    make_up_workdays=frozenset(d for d in constants.workdays if d.year in YEARS),
)
D = date
RULES_DIR = Path(__file__).resolve().parents[2] / "rules"


def _load(name: str) -> RuleSet:
    rules, errors = load_rules_file(RULES_DIR / name)
    assert errors == []
    return rules


DISCLOSURE = _load("disclosure.yaml")
COMPLAINT = _load("complaint.yaml")


def ev(kind: str, on: date, **kw) -> Event:
    return Event(kind=kind, on=on, **kw)


def reply(events, today=None) -> object:
    return compute(DISCLOSURE, events, CAL, today).periods["reply"]


# -- the shipped rule files ------------------------------------------------------------------


def test_rule_files_load_without_errors():
    assert DISCLOSURE.kind == "disclosure" and COMPLAINT.kind == "complaint"
    assert [p.code for p in DISCLOSURE.periods] == ["reply", "correction", "consultation"]
    assert [p.code for p in COMPLAINT.periods] == [
        "accept",
        "handle",
        "review_request",
        "review",
        "recheck_request",
        "recheck",
    ]
    r = {p.code: p for p in DISCLOSURE.periods}
    assert (
        r["reply"].length,
        r["reply"].unit,
        r["reply"].extension_max,
        r["reply"].extensions_allowed,
    ) == (
        20,
        "workdays",
        20,
        0,  # any number of extensions within 20 working days in all (第三十三条)
    )
    assert r["reply"].pause_cap == "consultation"
    assert (
        r["reply"].restarts_on == ("corrected",) and "consultation_started" in r["reply"].pauses_on
    )
    assert (r["correction"].length, r["correction"].ends_on, r["correction"].duty) == (
        7,
        ("correction_requested",),
        False,
    )
    assert (r["consultation"].length, r["consultation"].starts_on) == (15, "consultation_delivered")
    c = {p.code: p for p in COMPLAINT.periods}
    assert (c["accept"].length, c["accept"].unit, c["accept"].ends_on) == (
        15,
        "days",
        ("accepted", "rejected"),
    )
    assert (c["handle"].length, c["handle"].extension_max, c["handle"].extensions_allowed) == (
        60,
        30,
        0,
    )
    # Issue 16 item 3: the windows count from the complainant's receipt of the written reply.
    assert (c["review_request"].starts_on, c["review_request"].duty) == ("reply_delivered", False)
    assert (c["recheck_request"].starts_on, c["recheck_request"].duty) == (
        "review_delivered",
        False,
    )
    assert (c["recheck"].length, c["recheck"].starts_on, c["recheck"].ends_on) == (
        30,
        "recheck_requested",
        ("recheck_replied",),
    )
    assert (c["review"].length, c["review"].starts_on, c["review"].ends_on) == (
        30,
        "review_requested",
        ("review_replied",),
    )
    # Issue 16 item 5: every period names its article; the roll-over names its source.
    assert (
        "《中华人民共和国民法典》第二百零一条、第二百零三条（类推适用" in COMPLAINT.roll_over_basis
    )
    for p in (*DISCLOSURE.periods, *COMPLAINT.periods):
        assert re.search(r"第[一二三四五六七八九十百零]+条", p.basis), p.code
        for kind in (p.starts_on, *p.restarts_on, *p.pauses_on, *p.resumes_on, *p.ends_on):
            assert kind in EVENT_KINDS


# -- 依申请公开: working days across holidays ----------------------------------------------------


def test_reply_due_across_national_day_2025():
    s = reply([ev("received", D(2025, 9, 26))])
    assert (s.started_on, s.due_on, s.paused, s.met_on) == (
        D(2025, 9, 26),
        D(2025, 10, 30),
        False,
        None,
    )


def test_reply_due_across_spring_festival_2025():
    assert reply([ev("received", D(2025, 1, 24))]).due_on == D(2025, 2, 27)


def test_correction_window_is_seven_working_days():
    # 9-28 (make-up Sun), 9-29, 9-30, 10-09, 10-10, 10-11 (make-up Sat), 10-13.
    s = compute(DISCLOSURE, [ev("received", D(2025, 9, 26))], CAL).periods["correction"]
    assert s.due_on == D(2025, 10, 13)


def test_correction_restarts_the_twenty_days_from_the_corrected_date():
    events = [ev("received", D(2025, 9, 26)), ev("correction_requested", D(2025, 9, 30))]
    waiting = compute(DISCLOSURE, events, CAL, today=D(2025, 12, 1))
    # While the applicant completes the request the reply clock stands: not due, not overdue.
    assert waiting.periods["reply"].paused and waiting.periods["reply"].due_on is None
    assert waiting.periods["correction"].met_on == D(2025, 9, 30)
    assert not waiting.overdue and waiting.next_due is None
    done = compute(DISCLOSURE, [*events, ev("corrected", D(2025, 10, 10))], CAL)
    s = done.periods["reply"]
    # 10-11 (Sat, worked), 10-13..17, 10-20..24, 10-27..31, 11-03..06: the 20th is 11-06.
    assert (s.started_on, s.due_on, s.paused) == (D(2025, 10, 10), D(2025, 11, 6), False)
    assert s.due_on == CAL.add_workdays(D(2025, 10, 10), 20)
    assert done.next_due == D(2025, 11, 6)


def test_a_consultation_pause_moves_the_due_date_by_exactly_its_working_days():
    received = ev("received", D(2025, 9, 26))
    start, end = (
        D(2025, 10, 13),
        D(2025, 10, 20),
    )  # (10-13, 10-20]: 14, 15, 16, 17, 20 = 5 working days
    sent = [received, ev("consultation_started", start), ev("consultation_delivered", start)]
    during = compute(DISCLOSURE, sent, CAL)
    assert during.periods["reply"].paused and during.periods["reply"].due_on is None
    assert during.periods["consultation"].due_on == CAL.add_workdays(start, 15) == D(2025, 11, 3)
    assert during.next_due == D(2025, 11, 3)  # the third party's reply is the next thing due
    after = compute(
        DISCLOSURE,
        [*sent, ev("consultation_ended", end)],
        CAL,
    )
    assert CAL.workdays_between(start, end) == 5
    assert after.periods["reply"].due_on == CAL.add_workdays(D(2025, 10, 30), 5) == D(2025, 11, 6)
    assert after.periods["consultation"].met_on == end
    # Started and ended the same day: nothing moves.
    same_day = [received, ev("consultation_started", start), ev("consultation_ended", start)]
    assert reply(same_day).due_on == D(2025, 10, 30)


def test_pause_across_the_holiday_counts_only_working_days():
    # Paused 9-30, resumed 10-10: (9-30, 10-10] holds 10-09 and 10-10 = 2 working days.
    events = [
        ev("received", D(2025, 9, 26)),
        ev("consultation_started", D(2025, 9, 30)),
        ev("consultation_ended", D(2025, 10, 10)),
    ]
    assert reply(events).due_on == CAL.add_workdays(D(2025, 10, 30), 2) == D(2025, 11, 3)


def test_an_extension_of_twenty_working_days():
    events = [
        ev("received", D(2025, 9, 26)),
        ev("extended", D(2025, 10, 28), days=20, period="reply"),
    ]
    s = reply(events)
    # 10-31, 11-03..07, 11-10..14, 11-17..21, 11-24..27: the 20th after 10-30 is 11-27.
    assert (s.due_on, s.extended_by) == (D(2025, 11, 27), 20)
    # An extension of another period leaves this one alone.
    other = reply(
        [ev("received", D(2025, 9, 26)), ev("extended", D(2025, 10, 1), days=5, period="handle")]
    )
    assert (other.due_on, other.extended_by) == (D(2025, 10, 30), 0)


def test_reply_met_and_overdue_days():
    received = ev("received", D(2025, 9, 26))  # due Thu 10-30
    on_time = compute(
        DISCLOSURE, [received, ev("replied", D(2025, 10, 30))], CAL, today=D(2025, 12, 1)
    )
    s = on_time.periods["reply"]
    assert (s.met_on, s.due_on, s.overdue_days) == (D(2025, 10, 30), D(2025, 10, 30), 0)
    assert not on_time.overdue and on_time.next_due is None
    on_due_day = compute(DISCLOSURE, [received], CAL, today=D(2025, 10, 30))
    assert not on_due_day.overdue and on_due_day.periods["reply"].overdue_days == 0
    late = compute(DISCLOSURE, [received], CAL, today=D(2025, 11, 3))  # Mon: 10-31 and 11-03
    assert (
        late.overdue
        and late.periods["reply"].overdue_days == 2
        and late.next_due == D(2025, 10, 30)
    )
    # The correction window passed unused: lapsed, not overdue.
    assert (
        late.periods["correction"].overdue_days == 0 and late.periods["correction"].met_on is None
    )
    # A rest day right after the due date is already overdue (at least one day).
    friday = compute(DISCLOSURE, [ev("received", D(2025, 3, 1))], CAL, today=D(2025, 3, 29))
    assert friday.periods["reply"].due_on == D(2025, 3, 28) and D(2025, 3, 28).weekday() == 4
    assert friday.overdue and friday.periods["reply"].overdue_days == 1
    # Without `today` nothing is overdue.
    assert not compute(DISCLOSURE, [received], CAL).overdue


def test_events_in_any_order_same_day_order_kept():
    events = [
        ev("received", D(2025, 9, 26)),
        ev("consultation_started", D(2025, 10, 13)),
        ev("consultation_ended", D(2025, 10, 20)),
        ev("extended", D(2025, 10, 21), days=3, period="reply"),
    ]
    assert compute(DISCLOSURE, events[::-1], CAL) == compute(DISCLOSURE, events, CAL)
    # Same day, ended before started (as given): the clock stays stopped.
    odd = [
        ev("received", D(2025, 9, 26)),
        ev("consultation_ended", D(2025, 10, 13)),
        ev("consultation_started", D(2025, 10, 13)),
    ]
    assert reply(odd).paused


def test_a_restart_ends_a_running_pause():
    events = [
        ev("received", D(2025, 9, 26)),
        ev("consultation_started", D(2025, 10, 13)),
        ev("corrected", D(2025, 10, 15)),
    ]
    s = reply(events)
    assert (s.paused, s.started_on, s.due_on) == (
        False,
        D(2025, 10, 15),
        CAL.add_workdays(D(2025, 10, 15), 20),
    )
    # The consultation's later end does not move the restarted period.
    assert reply([*events, ev("consultation_ended", D(2025, 10, 20))]).due_on == s.due_on


def test_a_restart_drops_an_earlier_extension():
    events = [
        ev("received", D(2025, 9, 26)),
        ev("extended", D(2025, 9, 29), days=10, period="reply"),
        ev("corrected", D(2025, 10, 10)),
    ]
    s = reply(events)
    assert (s.extended_by, s.due_on) == (0, D(2025, 11, 6))


def test_a_pause_after_the_due_date_does_not_revive_the_period():
    events = [
        ev("received", D(2025, 9, 26)),
        ev("consultation_started", D(2025, 11, 3)),
        ev("consultation_ended", D(2025, 11, 10)),
    ]
    s = reply(events)
    assert (s.paused, s.due_on) == (False, D(2025, 10, 30))
    # Paused on the last day itself: nothing left, due on the resume day.
    last_day = [
        ev("received", D(2025, 9, 26)),
        ev("consultation_started", D(2025, 10, 30)),
        ev("consultation_ended", D(2025, 11, 5)),
    ]
    assert reply(last_day).due_on == D(2025, 11, 5)


def test_a_period_is_final_once_met():
    events = [
        ev("received", D(2025, 9, 26)),
        ev("replied", D(2025, 10, 9)),
        ev("corrected", D(2025, 10, 10)),
    ]
    s = reply(events)
    assert (s.met_on, s.started_on, s.due_on) == (D(2025, 10, 9), D(2025, 9, 26), D(2025, 10, 30))
    # Replied during a pause: met, on time by definition, no due date.
    paused = reply(
        [
            ev("received", D(2025, 9, 26)),
            ev("consultation_started", D(2025, 10, 13)),
            ev("replied", D(2025, 10, 15)),
        ]
    )
    assert (paused.met_on, paused.paused, paused.due_on) == (D(2025, 10, 15), False, None)


def test_nothing_started_before_receipt():
    result = compute(DISCLOSURE, [], CAL, today=D(2025, 10, 1))
    assert result == CaseDeadlines(periods=result.periods, next_due=None, overdue=False)
    assert all(s.started_on is None and s.due_on is None for s in result.periods.values())


def test_a_period_into_2027_gets_its_earliest_date_marked_tentative():
    # Issue 9 item 2 / issue 16 item 1; CAL has no 2027 (as chinesecalendar 1.11).
    assert reply([ev("received", D(2026, 12, 1))]).due_on == D(2026, 12, 29)
    # Received Thu 2026-12-10: Dec 11, 14-18, 21-25, 28-31 are 15 working days; 2027 counted
    # with weekends only: Fri 01-01 is the 16th, Mon 01-04..Thu 01-07 the 17th-20th.
    s = reply([ev("received", D(2026, 12, 10))])
    assert s.due_on == D(2027, 1, 7)
    assert s.due_note.startswith("暂定：2027 年节假日安排尚未录入")
    # A calendar-day period whose last day is in 2027: 12-25 + 15 = Sat 2027-01-09, rolled
    # to Mon 01-11 by weekends only.
    c = compute(COMPLAINT, [ev("received", D(2026, 12, 25))], CAL)
    assert (c.periods["accept"].due_on, c.next_due) == (D(2027, 1, 11), D(2027, 1, 11))
    assert "2027" in c.next_due_note
    # Accepted 2026-11-30: + 60 days = Fri 2027-01-29, a working day when only weekends rest.
    c = compute(COMPLAINT, [ev("received", D(2026, 11, 30)), ev("accepted", D(2026, 11, 30))], CAL)
    assert (c.periods["handle"].due_on, bool(c.periods["handle"].due_note)) == (
        D(2027, 1, 29),
        True,
    )


def test_overdue_in_january_stays_overdue_with_its_exact_due_date():
    # Issue 16 item 1: received Fri 2026-11-20, 20 working days: 11-23..27 (5), 11-30..12-04
    # (10), 12-07..11 (15), 12-14..18 (20) -> due Fri 2026-12-18, needing 2026 only.
    events = [ev("received", D(2026, 11, 20))]
    r = compute(DISCLOSURE, events, CAL, today=D(2026, 12, 31))
    assert (r.periods["reply"].due_on, r.overdue, r.periods["reply"].overdue_days) == (
        D(2026, 12, 18),
        True,
        9,  # 12-21..25 and 12-28..31, exact
    )
    assert r.periods["reply"].overdue_note == ""
    # On Mon 2027-01-04 (today frozen in the unpublished year): the due date stays exact and
    # the case stays overdue; the count adds Fri 01-01 and Mon 01-04 by weekends only: 11, 暂定.
    r = compute(DISCLOSURE, events, CAL, today=D(2027, 1, 4))
    s = r.periods["reply"]
    assert (s.due_on, s.due_note, r.next_due, r.next_due_note) == (
        D(2026, 12, 18),
        "",
        D(2026, 12, 18),
        "",
    )
    assert (r.overdue, s.overdue_days) == (True, 11)
    assert s.overdue_note.startswith("暂定：2027 年")


def test_a_window_ending_in_a_published_year_is_not_blanked_by_another_period():
    # Received Tue 2026-12-22: 补正 window 7 working days = 12-23, 24, 25, 28, 29, 30, 31 ->
    # 2026-12-31, exact; the reply period (20 working days) runs into 2027 and is 暂定.
    r = compute(DISCLOSURE, [ev("received", D(2026, 12, 22))], CAL, today=D(2026, 12, 22))
    assert (r.periods["correction"].due_on, r.periods["correction"].due_note) == (
        D(2026, 12, 31),
        "",
    )
    assert r.periods["reply"].due_note and r.periods["reply"].due_on.year == 2027


def test_check_event_refuses_only_what_it_can_decide_without_the_missing_year():
    # Received 2026-12-28: 补正 window 7 working days = 12-29, 30, 31 and (weekends only)
    # 01-01, 04, 05, 06 -> 2027-01-06 at the earliest. A request on 01-05 is surely in time.
    events = [ev("received", D(2026, 12, 28))]
    check_event(DISCLOSURE, events, ev("correction_requested", D(2027, 1, 5)), D(2027, 1, 5), CAL)
    # On 01-07 it may or may not be late (a holiday would move the end): the year is asked for.
    with pytest.raises(CalendarGap) as info:
        check_event(
            DISCLOSURE, events, ev("correction_requested", D(2027, 1, 7)), D(2027, 1, 7), CAL
        )
    assert info.value.year == 2027


# -- 投诉举报: calendar days, rolled forward to a working day ------------------------------------


def test_complaint_acceptance_in_calendar_days():
    # Received 9-28 (a make-up Sunday): 15 days later is Mon 10-13, a working day.
    s = compute(COMPLAINT, [ev("received", D(2025, 9, 28))], CAL).periods["accept"]
    assert s.due_on == D(2025, 10, 13) == add_calendar_days(D(2025, 9, 28), 15, calendar=CAL)


def test_complaint_acceptance_deadline_on_a_holiday_rolls_forward():
    # Received 9-20: the 15th day is 10-05, inside the 10-01..10-08 holiday, so the period
    # ends on the first working day after it, 10-09 (add_calendar_days's rule).
    s = compute(COMPLAINT, [ev("received", D(2025, 9, 20))], CAL, today=D(2025, 10, 12)).periods[
        "accept"
    ]
    assert s.due_on == D(2025, 10, 9) == add_calendar_days(D(2025, 9, 20), 15, calendar=CAL)
    assert s.overdue_days == 3  # calendar days 10-10, 10-11, 10-12


def test_complaint_full_course():
    events = [
        ev("received", D(2025, 3, 3)),
        ev("accepted", D(2025, 3, 10)),
        ev("extended", D(2025, 5, 1), days=30, period="handle"),
    ]
    result = compute(COMPLAINT, events, CAL, today=D(2025, 5, 20))
    assert result.periods["accept"].met_on == D(2025, 3, 10)
    h = result.periods["handle"]
    # 3-10 + 60 = 5-09 (Fri), + 30 = 6-08 (Sun) -> Mon 6-09.
    assert (h.started_on, h.due_on, h.extended_by) == (D(2025, 3, 10), D(2025, 6, 9), 30)
    assert result.next_due == D(2025, 6, 9) and not result.overdue
    replied = compute(
        COMPLAINT,
        [*events, ev("replied", D(2025, 6, 3)), ev("reply_delivered", D(2025, 6, 3))],
        CAL,
        today=D(2025, 8, 1),
    )
    window = replied.periods["review_request"]
    # The requester's 30 days ran out (7-03) without a review request: lapsed, the office is not overdue.
    assert (window.due_on, window.overdue_days, window.met_on) == (D(2025, 7, 3), 0, None)
    assert not replied.overdue and replied.next_due is None
    reviewed = compute(
        COMPLAINT,
        [*events, ev("replied", D(2025, 6, 3)), ev("review_requested", D(2025, 6, 20))],
        CAL,
        today=D(2025, 8, 1),
    )
    r = reviewed.periods["review"]
    assert r.due_on == D(2025, 7, 21)  # 6-20 + 30 = 7-20 (Sun) -> Mon 7-21
    assert reviewed.overdue and r.overdue_days == 11 and reviewed.next_due == D(2025, 7, 21)


# -- check_event: refusals with the reason -------------------------------------------------------

RECEIVED = ev("received", D(2025, 9, 26))
TODAY = D(2025, 12, 31)


def refused(new: Event, events=(RECEIVED,), rules=DISCLOSURE, today=TODAY) -> RuleError:
    with pytest.raises(RuleError) as info:
        check_event(rules, list(events), new, today, CAL)
    return info.value


def test_check_event_allows_the_ordinary_course():
    check_event(DISCLOSURE, [], RECEIVED, TODAY, CAL)
    check_event(DISCLOSURE, [RECEIVED], ev("correction_requested", D(2025, 10, 13)), TODAY, CAL)
    check_event(
        DISCLOSURE, [RECEIVED], ev("extended", D(2025, 10, 30), days=20, period="reply"), TODAY, CAL
    )
    check_event(DISCLOSURE, [RECEIVED], ev("replied", D(2025, 10, 30)), TODAY, CAL)
    check_event(DISCLOSURE, [RECEIVED], ev("replied", TODAY), TODAY, CAL)
    # Extension while the clock stands (consultation): allowed.
    paused = [RECEIVED, ev("consultation_started", D(2025, 10, 13))]
    check_event(
        DISCLOSURE, paused, ev("extended", D(2025, 11, 20), days=5, period="reply"), TODAY, CAL
    )


def test_check_event_refuses_a_future_date():
    with pytest.raises(RuleError, match="晚于今天"):
        check_event(DISCLOSURE, [RECEIVED], ev("replied", D(2026, 1, 2)), TODAY, CAL)


def test_refuses_an_extension_where_the_period_allows_none():
    e = refused(ev("extended", D(2025, 10, 1), days=3, period="correction"))
    assert (e.field, e.message) == ("period", "补正告知期限依规定不得延长")
    e = refused(
        ev("extended", D(2025, 9, 30), days=3, period="accept"),
        events=[ev("received", D(2025, 9, 28))],
        rules=COMPLAINT,
    )
    assert e.message == "受理告知期限依规定不得延长"


def test_a_second_extension_within_the_twenty_working_days_in_all():
    # Issue 16 item 6 (第三十三条 caps the total, not the number). Received Fri 2025-09-26:
    # 9-28 (make-up Sun), 9-29, 9-30, 10-09, 10-10, 10-11 (make-up Sat), 10-13..17, 10-20..24,
    # 10-27..30 -> due 10-30. Extended on 10-20 by 5: 10-31, 11-03..06 -> 11-06; on 10-27 by
    # 15 more: 11-07, 11-10..14, 11-17..21, 11-24..27 -> due 2025-11-27, 20 working days in all.
    first = ev("extended", D(2025, 10, 20), days=5, period="reply")
    second = ev("extended", D(2025, 10, 27), days=15, period="reply")
    check_event(DISCLOSURE, [RECEIVED, first], second, TODAY, CAL)
    s = compute(DISCLOSURE, [RECEIVED, first, second], CAL).periods["reply"]
    assert (s.due_on, s.extended_by) == (D(2025, 11, 27), 20)
    e = refused(ev("extended", D(2025, 10, 27), days=16, period="reply"), events=[RECEIVED, first])
    assert (e.field, e.message) == (
        "days",
        "答复期限延长的期限合计不得超过 20 个工作日：已于 2025-10-20 延长 5 个工作日，最多还可延长 15 个工作日",
    )
    e = refused(
        ev("extended", D(2025, 11, 3), days=1, period="reply"), events=[RECEIVED, first, second]
    )
    assert e.message == (
        "答复期限延长的期限合计不得超过 20 个工作日：已于 2025-10-20、2025-10-27 延长 20 个工作日，不能再延长"
    )


def test_a_rule_limiting_the_number_of_extensions_is_kept():
    once = RuleSet(
        "disclosure",
        "t",
        1,
        (dataclasses.replace(DISCLOSURE.periods[0], extensions_allowed=1),),
    )
    first = ev("extended", D(2025, 10, 20), days=5, period="reply")
    e = refused(
        ev("extended", D(2025, 10, 27), days=5, period="reply"),
        events=[RECEIVED, first],
        rules=once,
    )
    assert (e.field, e.message) == ("period", "答复期限只能延长 1 次，已于 2025-10-20 延长过")


def test_refuses_an_extension_longer_than_allowed():
    e = refused(ev("extended", D(2025, 10, 20), days=21, period="reply"))
    assert (e.field, e.message) == ("days", "答复期限最多延长 20 个工作日，不能延长 21 个工作日")
    accepted = [ev("received", D(2025, 3, 3)), ev("accepted", D(2025, 3, 10))]
    e = refused(
        ev("extended", D(2025, 4, 1), days=31, period="handle"), events=accepted, rules=COMPLAINT
    )
    assert e.message == "办理期限最多延长 30 日，不能延长 31 日"
    e = refused(ev("extended", D(2025, 10, 20), days=0, period="reply"))
    assert (e.field, e.message) == ("days", "延长天数须为正整数")


def test_refuses_an_extension_after_the_due_date():
    e = refused(ev("extended", D(2025, 10, 31), days=5, period="reply"))
    assert (e.field, e.message) == (
        "on",
        "延长须在答复期限届满前决定：期限已于 2025-10-30 届满，2025-10-31 不能再延长",
    )


def test_refuses_an_extension_of_no_or_an_unknown_or_a_finished_period():
    assert refused(ev("extended", D(2025, 10, 1), days=3)).message.startswith(
        "请指明延长哪一个期限"
    )
    e = refused(ev("extended", D(2025, 10, 1), days=3, period="handle"))
    assert e.message.startswith("本类案件没有“handle”期限（可选：答复期限（reply）")
    e = refused(
        ev("extended", D(2025, 10, 20), days=3, period="reply"),
        events=[RECEIVED, ev("replied", D(2025, 10, 9))],
    )
    assert e.message == "答复期限已于 2025-10-09 结束，不能再延长"
    e = refused(
        ev("extended", D(2025, 3, 5), days=3, period="handle"),
        events=[ev("received", D(2025, 3, 3))],
        rules=COMPLAINT,
    )
    assert e.message == "办理期限尚未开始计算，不能延长"


def test_refuses_a_correction_request_after_its_period():
    e = refused(ev("correction_requested", D(2025, 10, 14)))
    assert (e.field, e.message) == (
        "on",
        "告知补正须在补正告知期限（7 个工作日，至 2025-10-13）内作出，2025-10-14 已超过期限",
    )
    # Only once (一次性告知).
    again = [RECEIVED, ev("correction_requested", D(2025, 9, 29)), ev("corrected", D(2025, 10, 9))]
    e = refused(ev("correction_requested", D(2025, 10, 10)), events=again)
    assert (e.field, e.message) == (
        "kind",
        "已于 2025-09-29 告知补正，告知补正应当一次性作出，不能再次告知补正",
    )


def test_refuses_an_event_in_the_future():
    e = refused(ev("replied", D(2025, 10, 10)), today=D(2025, 10, 9))
    assert (e.field, e.message) == (
        "on",
        "答复日期 2025-10-10 晚于今天（2025-10-09），不能登记尚未发生的事件",
    )


def test_refuses_a_reply_before_the_case_was_received():
    e = refused(ev("replied", D(2025, 9, 25)))
    assert (e.field, e.message) == ("on", "答复日期 2025-09-25 早于收到日期 2025-09-26")
    e = refused(ev("replied", D(2025, 9, 25)), events=())
    assert e.message == "案件尚未登记收到日期，不能登记答复"


def test_refuses_an_unknown_event_kind():
    e = refused(ev("approved", D(2025, 10, 1)))
    assert (e.field, e.message) == ("kind", "未知的事件类型“approved”")


# -- the rule-file validator ------------------------------------------------------------------

BROKEN = """\
kind: disclosure
title: 依申请公开
version: 1
colour: red
periods:
  - code: reply
    name: 答复期限
    length: -20
    unit: weeks
    starts_on: received
    ends_on: [replied, answered]
  - code: reply
    name: 重复
    length: 5
    unit: workdays
    starts_on: received
    pauses_on: consultation_started
    ends_on: replied
    deadline: 3
"""


def test_a_broken_rule_file_gives_path_line_errors():
    rules, errors = load_rules(BROKEN, "rules/broken.yaml")
    assert rules is None
    assert errors == [
        'rules/broken.yaml:4: 未知的顶层键 "colour"（可用：kind、title、version、roll_over_basis、periods、states、steps、hearing）',
        'rules/broken.yaml:8: 期限 "reply" 的 length 不能为负数',
        'rules/broken.yaml:9: 期限 "reply" 的 unit 只能是 workdays（工作日）或 days（自然日）',
        'rules/broken.yaml:11: 期限 "reply" 的 ends_on 含未知的事件类型 "answered"（可用：'
        + "、".join(k for k in EVENT_KINDS if k != "extended")
        + "）",
        'rules/broken.yaml:12: 期限 code "reply" 重复（首次出现在第 6 行）',
        'rules/broken.yaml:12: 期限 "reply" 的 pauses_on 与 resumes_on 须同时设置（暂停的期限须能恢复）',
        (
            'rules/broken.yaml:19: 期限 "reply" 含未知的键 "deadline"（可用：code、name、length、unit、starts_on、'
            "restarts_on、pauses_on、resumes_on、ends_on、extension_max、extensions_allowed、duty、basis、pause_cap）"
        ),
    ]


HEAD = "kind: complaint\ntitle: t\nversion: 1\nperiods:\n  - code: a\n    name: n\n"  # the period starts on line 5


def one_period(*lines: str) -> str:
    return HEAD + "".join(f"    {text}\n" for text in lines)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "x.yaml:1: 文件为空，缺少期限规则内容"),
        ("kind: [", "x.yaml:1: YAML 语法错误"),
        (
            "kind: appeal\ntitle: t\nversion: 1\nperiods: []\n",
            "x.yaml:1: kind 只能是 disclosure（依申请公开）、complaint（投诉举报）、"
            "enforcement（行政执法）、reconsideration（行政复议）",
        ),
        ("kind: complaint\ntitle: t\nversion: 0\nperiods: []\n", "x.yaml:3: version 必须是正整数"),
        (
            "kind: complaint\ntitle: t\nversion: 1\nperiods: []\n",
            "x.yaml:4: periods（期限列表）必须是非空列表",
        ),
        (
            one_period("length: 0", "unit: days", "starts_on: received", "ends_on: [replied]"),
            'x.yaml:7: 期限 "a" 的 length 必须大于 0',
        ),
        (
            one_period("length: 5", "unit: days", "starts_on: received"),
            'x.yaml:5: 期限 "a" 缺少必填键 ends_on',
        ),
        (
            one_period("length: 5", "unit: days", "starts_on: received", "ends_on: []"),
            'x.yaml:10: 期限 "a" 的 ends_on 不能为空',
        ),
        (
            one_period("length: 5", "unit: days", "starts_on: received", "ends_on: received"),
            'x.yaml:10: 期限 "a" 中事件类型 "received" 同时出现在 starts_on 与 ends_on 中',
        ),
        (
            one_period(
                "length: 5",
                "unit: days",
                "starts_on: received",
                "ends_on: replied",
                "extensions_allowed: 1",
            ),
            'x.yaml:5: 期限 "a" 设置了 extensions_allowed（延长次数），须同时设置 extension_max',
        ),
        (
            one_period(
                "length: 5",
                "unit: days",
                "starts_on: received",
                "ends_on: replied",
                "pauses_on: consultation_started",
                "resumes_on: consultation_ended",
                "pause_cap: nowhere",
            ),
            'x.yaml:13: 期限 "a" 的 pause_cap "nowhere" 必须是本文件中另一个期限的 code',
        ),
        (
            one_period(
                "length: 5", "unit: days", "starts_on: received", "ends_on: replied", "pause_cap: a"
            ),
            'x.yaml:11: 期限 "a" 设置了 pause_cap，但没有 pauses_on',
        ),
        (
            one_period(
                "length: 5",
                "unit: days",
                "starts_on: received",
                "ends_on: replied",
                "extensions_allowed: -1",
            ),
            'x.yaml:11: 期限 "a" 的 extensions_allowed 不能为负数',
        ),
        (
            one_period(
                "length: 5", "unit: days", "starts_on: received", "ends_on: replied", "duty: maybe"
            ),
            'x.yaml:11: 期限 "a" 的 duty 必须是 true 或 false',
        ),
        (
            one_period("length: 5", "unit: days", "starts_on: extended", "ends_on: replied"),
            'x.yaml:9: 期限 "a" 的 starts_on 不能是 extended',
        ),
        (
            one_period("length: 5", "unit: days", "ends_on: replied"),
            'x.yaml:5: 期限 "a" 缺少必填键 starts_on',
        ),
        (
            one_period("length: five", "unit: days", "starts_on: received", "ends_on: replied"),
            'x.yaml:7: 期限 "a" 的 length 必须是整数',
        ),
    ],
)
def test_rule_file_errors(text, expected):
    rules, errors = load_rules(text, "x.yaml")
    assert rules is None
    assert any(e.startswith(expected) for e in errors), errors


def test_load_rules_file_reports_a_missing_file(tmp_path):
    missing = tmp_path / "none.yaml"
    rules, errors = load_rules_file(missing)
    assert rules is None and len(errors) == 1 and errors[0].startswith(f"{missing}:1: 无法读取文件")


def test_a_minimal_rule_file_loads():
    text = (
        "kind: complaint\ntitle: 投诉\nversion: 2\nperiods:\n  - code: a\n    name: 受理\n    length: 5\n"
        "    unit: days\n    starts_on: received\n    ends_on: accepted\n"
    )
    rules, errors = load_rules(text, "x.yaml")
    assert errors == []
    assert rules == RuleSet(
        "complaint", "投诉", 2, (Period("a", "受理", 5, "days", "received", ends_on=("accepted",)),)
    )


# -- properties and speed -----------------------------------------------------------------------

received_days = st.dates(min_value=D(2024, 1, 1), max_value=D(2026, 10, 31))


@given(
    received=received_days, transfers=st.lists(st.integers(min_value=0, max_value=60), max_size=3)
)
@settings(max_examples=300, deadline=None)
def test_without_pauses_or_restarts_the_reply_is_due_twenty_working_days_later(received, transfers):
    # Events that neither pause nor restart the reply period (转送) change nothing.
    events = [
        ev("received", received),
        *(ev("transferred", received + timedelta(days=k)) for k in transfers),
    ]
    assert reply(events).due_on == CAL.add_workdays(received, 20)


@given(
    received=received_days,
    gap=st.integers(min_value=0, max_value=30),
    length=st.integers(min_value=0, max_value=20),
)
@settings(max_examples=300, deadline=None)
def test_a_pause_moves_the_due_date_by_its_working_days(received, gap, length):
    start = CAL.add_workdays(received, gap % 20)  # within the 20 days
    end = start + timedelta(days=length)
    s = reply(
        [ev("received", received), ev("consultation_started", start), ev("consultation_ended", end)]
    )
    assert s.due_on == CAL.add_workdays(
        CAL.add_workdays(received, 20), CAL.workdays_between(start, end)
    )


def test_compute_is_fast_enough_for_a_hundred_thousand_cases():
    cases = []
    for i in range(5_000):
        r = D(2025, 1, 1) + timedelta(days=i % 500)
        events = [ev("received", r)]
        if i % 3 == 0:
            events += [
                ev("consultation_started", r + timedelta(days=5)),
                ev("consultation_ended", r + timedelta(days=12)),
            ]
        if i % 4 == 0:
            events.append(ev("replied", r + timedelta(days=20)))
        cases.append(events)
    start = time.perf_counter()
    for events in cases:
        compute(DISCLOSURE, events, CAL, D(2025, 12, 31))
    per_case = (time.perf_counter() - start) / len(cases)
    assert per_case < 500e-6, f"compute took {per_case * 1e6:.1f} µs per case"


# -- issue 16: the third party's receipt, the capped pause, 复查/复核 from delivery --------------


def test_the_consultation_pause_ends_when_the_third_partys_fifteen_days_run_out():
    # Received Fri 2025-09-26 (reply due 10-30, see above). Consultation letter sent Mon
    # 10-13, received by the third party Tue 10-14: its 15 working days (第三十二条) run from
    # the receipt: 10-15..17, 10-20..24, 10-27..31, 11-03, 11-04 -> 2025-11-04 (from the
    # sending it would be 11-03). It answers only on 11-20: the pause ends at 11-04 anyway.
    # Paused (10-13, 11-04] = 16 working days: 10-30 + 16 = 10-31, 11-03..07, 11-10..14,
    # 11-17..21 -> due 2025-11-21 (uncapped it would be 13 working days after 11-20).
    events = [
        RECEIVED,
        ev("consultation_started", D(2025, 10, 13)),
        ev("consultation_delivered", D(2025, 10, 14)),
    ]
    during = compute(DISCLOSURE, events, CAL, today=D(2025, 11, 4))
    assert during.periods["consultation"].due_on == D(2025, 11, 4)
    assert during.periods["reply"].paused  # the third party's last day: still waiting
    late = compute(DISCLOSURE, events, CAL, today=D(2025, 11, 10))  # nothing recorded yet
    s = late.periods["reply"]
    assert (s.paused, s.due_on, s.pause_capped_on) == (False, D(2025, 11, 21), D(2025, 11, 4))
    answered = [*events, ev("consultation_ended", D(2025, 11, 20))]
    s = compute(DISCLOSURE, answered, CAL, today=D(2025, 11, 20)).periods["reply"]
    assert (s.due_on, s.pause_capped_on) == (D(2025, 11, 21), D(2025, 11, 4))
    # Answered in time (10-20): the pause ends there, uncapped: (10-13, 10-20] = 5 -> 11-06.
    s = compute(DISCLOSURE, [*events, ev("consultation_ended", D(2025, 10, 20))], CAL).periods[
        "reply"
    ]
    assert (s.due_on, s.pause_capped_on) == (D(2025, 11, 6), None)


def test_the_review_window_runs_from_the_delivery_of_the_reply():
    # Replied Tue 2025-06-03, received by the complainant Tue 06-10: 30 days from 06-10 is
    # Thu 07-10 (from the reply it would have been 07-03). A request on 07-08 is in time.
    events = [
        ev("received", D(2025, 3, 3)),
        ev("accepted", D(2025, 3, 10)),
        ev("replied", D(2025, 6, 3)),
    ]
    waiting = compute(COMPLAINT, events, CAL).periods["review_request"]
    assert waiting.started_on is None  # not counted from the sending
    events.append(ev("reply_delivered", D(2025, 6, 10)))
    assert compute(COMPLAINT, events, CAL).periods["review_request"].due_on == D(2025, 7, 10)
    check_event(COMPLAINT, events, ev("review_requested", D(2025, 7, 8)), TODAY, CAL)
    e = refused(ev("review_requested", D(2025, 7, 11)), events=events, rules=COMPLAINT)
    assert (e.field, e.message) == (
        "on",
        "申请复查须在申请复查期限（30 日，至 2025-07-10）内作出，2025-07-11 已超过期限",
    )


def test_recheck_follows_review():
    # 复查意见 replied 07-20, received Fri 07-25: the 复核 window is 07-25 + 30 = Sun 08-24
    # -> Mon 08-25. Requested 08-20: the answer is due 08-20 + 30 = Fri 09-19 (第三十六条).
    events = [
        ev("received", D(2025, 3, 3)),
        ev("accepted", D(2025, 3, 10)),
        ev("replied", D(2025, 6, 3)),
        ev("reply_delivered", D(2025, 6, 10)),
        ev("review_requested", D(2025, 6, 20)),
        ev("review_replied", D(2025, 7, 20)),
        ev("review_delivered", D(2025, 7, 25)),
    ]
    r = compute(COMPLAINT, events, CAL, today=D(2025, 8, 1))
    assert r.periods["recheck_request"].due_on == D(2025, 8, 25) and not r.overdue
    r = compute(COMPLAINT, [*events, ev("recheck_requested", D(2025, 8, 20))], CAL, D(2025, 9, 22))
    s = r.periods["recheck"]
    assert (s.due_on, r.next_due, r.overdue, s.overdue_days) == (
        D(2025, 9, 19),
        D(2025, 9, 19),
        True,
        3,  # calendar days 09-20, 09-21, 09-22
    )
