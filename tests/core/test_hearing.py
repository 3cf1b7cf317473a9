"""听证 as pure rules: the thresholds of rules/enforcement.yaml (and a file that changes them),
the request window, the notice 7 working days before the hearing across the 2025 National Day
holiday, and 陈述、申辩 before the decision."""

from __future__ import annotations

from datetime import date as D
from decimal import Decimal

import pytest

from fazhi.core import deadlines as dl
from fazhi.core import hearing
from fazhi.core.errors import RuleError
from tests.core import test_enforcement_rules as base

ROOT, rules = base.ROOT, base.rules
cal = base.cal  # the 2025 calendar fixture

SHIPPED = (ROOT / "rules" / "enforcement.yaml").read_text(encoding="utf-8")


def shipped() -> hearing.HearingRules:
    return hearing.from_content(rules("enforcement").hearing)


@pytest.mark.parametrize(
    ("kind", "amount", "party", "expected"),
    [
        ("fine", Decimal(9999), "person", False),
        ("fine", Decimal(10000), "person", True),
        ("fine", Decimal(99999), "org", False),
        ("fine", Decimal(100000), "org", True),
        ("confiscation", Decimal(10000), "person", True),
        ("confiscation", Decimal(99999.99), "org", False),
        ("fine", None, "org", False),
        ("qualification", None, "org", True),  # 吊销许可证件
        ("restriction", None, "person", True),  # 责令停产停业
        ("warning", None, "person", False),
        ("detention", None, "person", False),
    ],
)
def test_the_shipped_thresholds(kind, amount, party, expected):
    assert hearing.hearing_required(shipped(), kind, amount, party) is expected
    assert hearing.hearing_required(None, kind, amount, party) is expected  # = DEFAULT


def test_thresholds_are_data_a_province_may_change():
    text = SHIPPED.replace("fine: {person: 10000, org: 100000}", "fine: {person: 2000, org: 50000}")
    text = text.replace("always: [qualification, restriction]", "always: [qualification]")
    ruleset, errors = dl.load_rules(text, "enforcement.yaml")
    assert errors == []
    local = hearing.from_content(ruleset.hearing)
    assert hearing.hearing_required(local, "fine", Decimal(2000), "person")
    assert not hearing.hearing_required(local, "fine", Decimal(1999.99), "person")
    assert hearing.hearing_required(local, "fine", Decimal(50000), "org")
    assert not hearing.hearing_required(local, "restriction", None, "org")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "always: [qualification, restriction]",
            "always: [revocation]",
            '未知的处罚种类 "revocation"',
        ),
        (
            "always: [qualification, restriction]",
            "always: qualification",
            "always 必须是处罚种类代码的列表",
        ),
        (
            "fine: {person: 10000, org: 100000}",
            "fine: {person: -1, org: 100000}",
            "fine.person 必须是大于 0 的金额",
        ),
        (
            "fine: {person: 10000, org: 100000}",
            "fine: {person: 一万, org: 100000}",
            "fine.person 必须是大于 0 的金额",
        ),
        ("fine: {person: 10000, org: 100000}", "fine: {company: 10000}", "只能按 person、org 设置"),
        (
            "fine: {person: 10000, org: 100000}",
            "bribe: {person: 1}",
            "large_amount 只能设置 fine、confiscation",
        ),
        ("notice_days: 7", "notice_days: 0", "notice_days 必须是 1 至 60 的整数"),
        ("notice_days: 7", "notice_days: seven", "notice_days 必须是 1 至 60 的整数"),
        ("notice_unit: workdays", "notice_unit: weeks", "notice_unit 只能是 workdays"),
        ("notice_unit: workdays", "notice_unit: workdays\n  chair: 局长", '含未知的键 "chair"'),
    ],
)
def test_a_bad_hearing_section_is_refused_at_its_line(old, new, message):
    assert SHIPPED.count(old) == 1
    ruleset, errors = dl.load_rules(SHIPPED.replace(old, new), "enforcement.yaml")
    assert ruleset is None
    assert any(message in e and e.startswith("enforcement.yaml:") for e in errors), errors


def test_only_enforcement_rules_may_have_a_hearing_section():
    text = (ROOT / "rules" / "reconsideration.yaml").read_text(encoding="utf-8")
    text += "hearing:\n  notice_days: 7\n"
    ruleset, errors = dl.load_rules(text, "reconsideration.yaml")
    assert ruleset is None
    assert any("只有行政执法（kind: enforcement）的规则可以设置 hearing" in e for e in errors)


def test_a_request_needs_the_right_told_and_the_five_working_days(cal):
    events = [dl.Event("received", D(2025, 4, 1)), dl.Event("filed", D(2025, 4, 2)),
              dl.Event("notified", D(2025, 4, 29))]  # fmt: skip
    due = dl.compute(rules("enforcement"), events, cal).periods["hearing_request"].due_on
    assert due == D(2025, 5, 9)  # 30 April, then 6-9 May (1-5 May off)
    hearing.check_request(D(2025, 5, 9), True, due)
    with pytest.raises(RuleError) as e:
        hearing.check_request(D(2025, 5, 12), True, due)
    assert e.value.field == "on" and "五日内" in e.value.message and "2025-05-09" in e.value.message
    with pytest.raises(RuleError) as e:
        hearing.check_request(D(2025, 5, 6), False, due)
    assert "未告知当事人听证权利" in e.value.message


def test_the_notice_is_seven_working_days_before_the_hearing_across_national_day(cal):
    # notice Fri 26 Sep: 28 Sep (Sun, make-up), 29, 30, 9 Oct, 10, 11 (Sat, make-up), 13
    earliest = dl.period_end(7, dl.WORKDAYS, D(2025, 9, 26), cal)
    assert earliest == D(2025, 10, 13)
    hearing.check_notice(D(2025, 9, 26), D(2025, 10, 13), earliest, shipped())
    with pytest.raises(RuleError) as e:
        hearing.check_notice(D(2025, 9, 26), D(2025, 10, 12), earliest, shipped())
    assert e.value.field == "hearing_on"
    assert e.value.message == (
        "行政机关应当在举行听证的7 个工作日前通知当事人（行政处罚法第六十四条第二项），"
        "2025-09-26 通知的听证最早于 2025-10-13 举行，不能定于 2025-10-12"
    )
    with pytest.raises(RuleError) as e:
        hearing.check_notice(D(2025, 9, 26), None, earliest, shipped())
    assert e.value.field == "hearing_on"


def test_period_end_counts_calendar_days_with_the_roll_over(cal):
    # 30 days from 1 September end on 1 October (a holiday): rolled to 9 October
    assert dl.period_end(30, dl.DAYS, D(2025, 9, 1), cal) == D(2025, 10, 9)


def test_a_hearing_is_held_after_its_notice_on_or_after_its_date():
    hearing.check_heard(D(2025, 10, 13), D(2025, 10, 13))
    with pytest.raises(RuleError) as e:
        hearing.check_heard(D(2025, 10, 10), D(2025, 10, 13))
    assert e.value.field == "on" and "2025-10-13" in e.value.message
    with pytest.raises(RuleError) as e:
        hearing.check_heard(D(2025, 10, 13), None)
    assert e.value.field == "kind" and "听证通知" in e.value.message


def test_statement_before_the_decision_and_the_request_window():
    told = {"notified_on": D(2025, 4, 29), "told": True, "request_due": D(2025, 5, 9)}
    with pytest.raises(RuleError) as e:
        hearing.check_before_decision(D(2025, 5, 20), statement_on=None, requested=False, **told)
    assert e.value.field == "kind" and "陈述、申辩" in e.value.message
    with pytest.raises(RuleError) as e:  # a statement recorded before this 告知 does not count
        hearing.check_before_decision(
            D(2025, 5, 20), statement_on=D(2025, 4, 1), requested=False, **told
        )
    assert e.value.field == "kind"
    with pytest.raises(RuleError) as e:
        hearing.check_before_decision(
            D(2025, 5, 9), statement_on=D(2025, 5, 6), requested=False, **told
        )
    assert e.value.field == "on" and "2025-05-09" in e.value.message
    hearing.check_before_decision(
        D(2025, 5, 12), statement_on=D(2025, 5, 6), requested=False, **told
    )
    # a hearing was held: the request window no longer matters
    hearing.check_before_decision(D(2025, 5, 9), statement_on=D(2025, 5, 6), requested=True, **told)
