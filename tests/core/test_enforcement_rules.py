"""The pure rules of enforcement and reconsideration: certificates, officers, the state
machines (every pair of state and event), decisions, sampling, and the periods of
rules/enforcement.yaml and rules/reconsideration.yaml counted across the 2025 holidays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from fazhi.core import deadlines as dl
from fazhi.core import enforcement as enf
from fazhi.core import reconsideration as rc
from fazhi.core.errors import RuleError, RuleErrors
from fazhi.core.workdays import WorkCalendar

ROOT = Path(__file__).resolve().parents[2]
D = date


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    from chinese_calendar import is_workday

    years = frozenset({2025})
    rest, work = set(), set()
    d = D(2025, 1, 1)
    while d.year == 2025:
        weekend = d.weekday() >= 5
        if is_workday(d) and weekend:
            work.add(d)
        elif not is_workday(d) and not weekend:
            rest.add(d)
        d = D.fromordinal(d.toordinal() + 1)
    return WorkCalendar(years=years, rest_days=frozenset(rest), make_up_workdays=frozenset(work))


def rules(name: str) -> dl.RuleSet:
    ruleset, errors = dl.load_rules_file(ROOT / "rules" / f"{name}.yaml")
    assert errors == []
    return ruleset


def due(ruleset, events, cal, code):
    return dl.compute(ruleset, [dl.Event(k, on) for k, on in events], cal).periods[code].due_on


# ---------------------------------------------------------------- certificates


@pytest.mark.parametrize(
    ("today", "revoked", "expected"),
    [
        (D(2024, 12, 31), False, enf.NOT_YET),
        (D(2025, 1, 1), False, enf.VALID),
        (D(2025, 10, 31), False, enf.VALID),  # 61 days before
        (D(2025, 11, 1), False, enf.EXPIRING),  # 60 days before
        (D(2025, 12, 31), False, enf.EXPIRING),  # the last valid day
        (D(2026, 1, 1), False, enf.EXPIRED),
        (D(2025, 6, 1), True, enf.REVOKED),
    ],
)
def test_certificate_status(today, revoked, expected):
    assert enf.cert_status(D(2025, 1, 1), D(2025, 12, 31), revoked, today) == expected


LATE = D(2026, 12, 31)


def officer(name, to=LATE, no=None, revoked=False):
    return enf.OfficerFacts(name, no if no is not None else f"51{name}", D(2020, 1, 1), to, revoked)


def test_two_certified_officers_pass():
    enf.check_officers([officer("王五"), officer("赵六")], D(2025, 6, 1))


def test_one_officer_is_refused_with_the_count():
    with pytest.raises(RuleError) as e:
        enf.check_officers([officer("王五")], D(2025, 6, 1))
    assert "执法人员不得少于 2 人" in e.value.message and "现为 1 人" in e.value.message


def test_an_expired_certificate_is_refused_by_name_and_date():
    with pytest.raises(RuleError) as e:
        enf.check_officers([officer("王五"), officer("赵六", to=D(2025, 5, 31))], D(2025, 6, 1))
    assert e.value.message == (
        "执法人员赵六的执法证（51赵六）已于 2025-05-31 到期，2025-06-01 不能承办案件"
    )


def test_every_problem_at_once():
    with pytest.raises(RuleError) as e:
        enf.check_officers([officer("赵六", no="")], D(2025, 6, 1))
    parts = e.value.message.split("；")
    assert len(parts) == 2 and "没有执法证" in parts[1]


# ---------------------------------------------------------------- state machines


@pytest.mark.parametrize("state", list(enf.STATES))
@pytest.mark.parametrize("event", [e for e in enf.EVENTS if e != "received"])
def test_enforcement_state_machine_exhaustively(state, event):
    if (state, event) in enf.TRANSITIONS:
        assert enf.next_state(state, event) == enf.TRANSITIONS[(state, event)]
    elif state in enf.STEP_EVENTS.get(event, frozenset()):
        assert enf.next_state(state, event) == state
    else:
        with pytest.raises(RuleError) as e:
            enf.next_state(state, event)
        assert e.value.field == "kind" and enf.STATES[state] in e.value.message
    assert (event in enf.allowed_events(state)) == (
        (state, event) in enf.TRANSITIONS or state in enf.STEP_EVENTS.get(event, frozenset())
    )


def test_a_decision_before_notice_says_why():
    with pytest.raises(RuleError) as e:
        enf.next_state(enf.FILED, "decided")
    assert "陈述、申辩" in e.value.message


def test_every_state_is_reachable_from_the_clue():
    seen, todo = {enf.CLUE}, [enf.CLUE]
    while todo:
        s = todo.pop()
        for (a, _), b in enf.TRANSITIONS.items():
            if a == s and b not in seen:
                seen.add(b)
                todo.append(b)
    assert seen == set(enf.STATES)


@pytest.mark.parametrize("state", list(rc.STATES))
@pytest.mark.parametrize("event", [e for e in rc.EVENTS if e != "received"])
def test_reconsideration_state_machine_exhaustively(state, event):
    if event == "resumed":
        if state == rc.SUSPENDED:
            assert rc.next_state(state, event, rc.COPIED) == rc.COPIED
        else:
            with pytest.raises(RuleError):
                rc.next_state(state, event)
    elif (state, event) in rc.TRANSITIONS:
        assert rc.next_state(state, event) == rc.TRANSITIONS[(state, event)]
    elif state in rc.STEP_EVENTS.get(event, frozenset()):
        assert rc.next_state(state, event) == state
    else:
        with pytest.raises(RuleError):
            rc.next_state(state, event)


# ---------------------------------------------------------------- decisions


def decision(**kw):
    base = {
        "major": False, "legal_reviewed_on": None, "on": D(2025, 6, 1),
        "decide_due": D(2025, 7, 1), "decision_kind": "penalty", "penalty_kind": "fine",
        "amount": Decimal(5000),
    }  # fmt: skip
    enf.check_decision(**{**base, **kw})


def test_a_major_decision_needs_the_legal_review():
    with pytest.raises(RuleErrors) as e:
        decision(major=True)
    assert "法制审核" in e.value.errors["kind"]
    decision(major=True, legal_reviewed_on=D(2025, 5, 30))


def test_a_decision_after_its_period_is_refused():
    with pytest.raises(RuleErrors) as e:
        decision(on=D(2025, 7, 2))
    assert "90 日" in e.value.errors["on"] and "2025-07-01" in e.value.errors["on"]


def test_a_fine_needs_an_amount_and_all_errors_come_together():
    with pytest.raises(RuleErrors) as e:
        decision(amount=None, major=True, on=D(2025, 7, 2))
    assert set(e.value.errors) == {"amount", "kind", "on"}


# ---------------------------------------------------------------- sampling and review figures


def test_sampling_is_reproducible_from_its_seed():
    ids = range(1, 101)
    first = enf.sample(ids, 10, seed=20251130)
    assert first == enf.sample(reversed(ids), 10, seed=20251130)
    assert len(first) == 10 and first == sorted(first)
    assert enf.sample(ids, 10, seed=1) != first
    assert enf.sample(ids, None, seed=1) == list(ids)
    assert enf.sample([3, 1], 5, seed=1) == [1, 3]


def test_grade_distribution_and_common_faults():
    assert enf.grade_distribution(["合格", "优秀", "合格"], ["优秀", "合格", "不合格"]) == {
        "优秀": 1,
        "合格": 2,
        "不合格": 0,
    }
    assert enf.common_faults([["d2", "d3"], ["d2"], ["v3", "d2", "d2"]]) == [
        ("d2", 3),
        ("d3", 1),
        ("v3", 1),
    ]


# ---------------------------------------------------------------- periods across holidays (2025)


def test_enforcement_rules_load_and_units_follow_article_85():
    r = rules("enforcement")
    units = {p.code: (p.length, p.unit) for p in r.periods}
    assert units["decide"] == (90, dl.DAYS)
    assert units["serve"] == (7, dl.WORKDAYS) and units["withdraw"] == (3, dl.WORKDAYS)
    assert units["publish"] == (7, dl.WORKDAYS) and units["hearing_request"] == (5, dl.WORKDAYS)


def test_filing_period_across_labour_day(cal):
    # 15 working days from Fri 25 April: Sun 27 April is a make-up workday, 1-5 May are off.
    assert due(rules("enforcement"), [("received", D(2025, 4, 25))], cal, "file") == D(2025, 5, 20)


def test_decision_period_rolls_off_the_national_day_holiday(cal):
    # 90 calendar days from 3 July end on 1 October, a holiday: the next working day is 9 October.
    events = [("received", D(2025, 7, 1)), ("filed", D(2025, 7, 3))]
    assert due(rules("enforcement"), events, cal, "decide") == D(2025, 10, 9)


def test_service_and_publication_count_make_up_workdays(cal):
    # 7 working days from Fri 26 September: 28 Sep (Sun, make-up), 29, 30, 9 Oct, 10, 11 (Sat, make-up), 13.
    events = [("received", D(2025, 6, 1)), ("filed", D(2025, 6, 2)), ("decided", D(2025, 9, 26))]
    r = rules("enforcement")
    assert due(r, events, cal, "serve") == D(2025, 10, 13)
    assert due(r, events, cal, "publish") == D(2025, 10, 13)


def test_withdrawal_within_three_working_days(cal):
    events = [
        ("received", D(2025, 6, 1)), ("filed", D(2025, 6, 2)), ("decided", D(2025, 9, 1)),
        ("published", D(2025, 9, 2)), ("revoked", D(2025, 9, 30)),
    ]  # fmt: skip
    assert due(rules("enforcement"), events, cal, "withdraw") == D(2025, 10, 11)


def test_hearing_request_window_is_five_working_days_and_no_duty(cal):
    events = [("received", D(2025, 4, 1)), ("filed", D(2025, 4, 2)), ("notified", D(2025, 4, 29))]
    r = rules("enforcement")
    assert due(r, events, cal, "hearing_request") == D(2025, 5, 9)  # 30 Apr, 6-9 May
    result = dl.compute(r, [dl.Event(k, on) for k, on in events], cal, D(2025, 6, 1))
    assert result.periods["hearing_request"].overdue_days == 0


def test_reconsideration_periods_follow_article_88(cal):
    r = rules("reconsideration")
    ordinary, simple = rc.ruleset_for(r, False), rc.ruleset_for(r, True)
    assert {p.code for p in ordinary.periods} == {
        "correction",
        "correct",
        "accept",
        "copy",
        "answer",
        "decide",
        "opinion_report",  # 第七十六条, under either procedure
    }
    assert {p.code for p in simple.periods} == {
        "correction", "correct", "accept", "copy_simple", "answer_simple", "decide_simple",
        "opinion_report",
    }  # fmt: skip
    # acceptance review: 5 working days from Fri 26 September -> 10 October
    assert due(ordinary, [("received", D(2025, 9, 26))], cal, "accept") == D(2025, 10, 10)
    # decision: 60 days from 2 August = 1 October (holiday) -> 9 October; simplified 30 days likewise
    ev = [("received", D(2025, 7, 30)), ("accepted", D(2025, 8, 2))]
    assert due(ordinary, ev, cal, "decide") == D(2025, 10, 9)
    ev = [("received", D(2025, 8, 29)), ("accepted", D(2025, 9, 1))]
    assert due(simple, ev, cal, "decide_simple") == D(2025, 10, 9)
    # copy within 7 / 3 working days, answer within 10 / 5 working days
    ev = [("received", D(2025, 9, 22)), ("accepted", D(2025, 9, 26)), ("copy_sent", D(2025, 9, 26))]
    assert due(ordinary, ev, cal, "copy") == D(2025, 10, 13)
    assert due(simple, ev, cal, "copy_simple") == D(2025, 9, 30)
    assert due(ordinary, ev, cal, "answer") == D(2025, 10, 16)
    assert due(simple, ev, cal, "answer_simple") == D(2025, 10, 10)


def test_reconsideration_decision_extends_once_by_30_days(cal):
    r = rc.ruleset_for(rules("reconsideration"), False)
    events = [dl.Event("received", D(2025, 3, 1)), dl.Event("accepted", D(2025, 3, 3))]
    ext = dl.Event("extended", D(2025, 4, 20), days=30, period="decide")
    dl.check_event(r, events, ext, D(2025, 6, 30), cal)
    with pytest.raises(RuleError) as e:
        dl.check_event(
            r,
            [*events, ext],
            dl.Event("extended", D(2025, 4, 21), days=1, period="decide"),
            D(2025, 6, 30),
            cal,
        )
    assert "只能延长 1 次" in e.value.message or "合计不得超过" in e.value.message


def test_a_correction_notice_after_five_working_days_is_refused(cal):
    r = rules("reconsideration")
    events = [dl.Event("received", D(2025, 9, 26))]
    dl.check_event(
        r, events, dl.Event("correction_requested", D(2025, 10, 10)), D(2025, 12, 1), cal
    )
    with pytest.raises(RuleError) as e:
        dl.check_event(
            r, events, dl.Event("correction_requested", D(2025, 10, 11)), D(2025, 12, 1), cal
        )
    assert e.value.field == "on"


@pytest.mark.parametrize(
    ("ground", "amount", "expected"),
    [("small_amount", Decimal(3000), True), ("small_amount", Decimal("3000.01"), False),
     ("disclosure", None, True), ("nothing", None, False)],
)  # fmt: skip
def test_simplified_procedure_grounds(ground, amount, expected):
    assert rc.simplified_applies(ground, amount) is expected
