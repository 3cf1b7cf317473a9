"""The ledgers' pure rules: item 13's proportional proposal, the activity items' missing
lines, items 15/16's case counts; reporting periods."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.core import activities as act
from fazhi.core import awards as aw
from fazhi.core import targets as tg
from fazhi.core.errors import RuleError

weights = st.decimals(min_value="0.01", max_value="100", places=2)
rates = st.one_of(st.none(), st.decimals(min_value=0, max_value=5, places=4))


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(st.lists(st.tuples(weights, rates), min_size=1, max_size=40))
def test_weighted_rate_lies_in_0_1_and_proposal_never_above_max(rows):
    rate = tg.weighted_rate(rows)
    assert Decimal(0) <= rate <= Decimal(1)
    p = tg.propose(Decimal(29), rate)
    assert Decimal(0) <= p.value <= Decimal(29)
    assert "29 分" in p.rule


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(st.lists(st.tuples(weights, rates), min_size=1, max_size=20))
def test_every_target_met_scores_full_points_and_none_met_scores_zero(rows):
    met = [(w, Decimal(1) + (r or 0)) for w, r in rows]
    assert tg.propose(Decimal(29), tg.weighted_rate(met)).value == Decimal("29.00")
    unreported = [(w, None) for w, _ in rows]
    assert tg.propose(Decimal(29), tg.weighted_rate(unreported)).value == Decimal("0.00")


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(st.lists(st.tuples(weights, rates), min_size=1, max_size=20), rates)
def test_raising_one_indicator_never_lowers_the_proposal(rows, better):
    before = tg.weighted_rate(rows)
    w, r = rows[0]
    raised = max(r or Decimal(0), better or Decimal(0))
    after = tg.weighted_rate([(w, raised), *rows[1:]])
    assert after >= before


def test_weighted_rate_by_hand():
    rows = [(Decimal(60), Decimal("0.5")), (Decimal(40), Decimal("1.5"))]
    assert tg.weighted_rate(rows) == Decimal("0.7")  # 60×0.5 + 40×1 over 100
    p = tg.propose(Decimal(29), tg.weighted_rate(rows))
    assert p.value == Decimal("20.30")
    assert "70.00%" in p.rule
    assert tg.weighted_rate([]) is None
    assert tg.propose(Decimal(29), None) is None


@pytest.mark.parametrize("frequency,count", [("monthly", 12), ("quarterly", 4)])
@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(year=st.integers(2000, 2100))
def test_periods_cover_the_year_without_gaps(frequency, count, year):
    ps = tg.periods(year, frequency)
    assert len(ps) == count
    assert ps[0].start == date(year, 1, 1) and ps[-1].end == date(year, 12, 31)
    for a, b in zip(ps, ps[1:], strict=False):
        assert (b.start - a.end).days == 1


def test_a_future_period_or_another_years_is_refused():
    assert tg.period_of("2026-03", 2026, "monthly", date(2026, 3, 1)).end == date(2026, 3, 31)
    with pytest.raises(RuleError, match="尚未开始") as e:
        tg.period_of("2026-04", 2026, "monthly", date(2026, 3, 31))
    assert e.value.field == "period"
    with pytest.raises(RuleError, match="2026-Q1"):
        tg.period_of("2026-03", 2026, "quarterly", date(2026, 12, 31))
    with pytest.raises(RuleError):
        tg.period_of("2025-12", 2026, "monthly", date(2026, 12, 31))
    assert [p.key for p in tg.due_periods(2026, "quarterly", date(2026, 7, 1))] == [
        "2026-Q1",
        "2026-Q2",
    ]


@pytest.mark.parametrize(
    "value,message",
    [
        ("", "请填写"),
        ("abc", "必须是数字"),
        ("0", "大于 0"),
        ("-3", "大于 0"),
        ("1.23456", "4 位小数"),
    ],
)
def test_a_target_must_be_a_positive_number(value, message):
    with pytest.raises(RuleError, match=message):
        tg.parse_amount(value, "target", "目标值", positive=True)


def test_an_actual_figure_may_be_zero_not_negative():
    assert tg.parse_amount("0", "value", "累计完成数", positive=False) == 0
    with pytest.raises(RuleError, match="负数"):
        tg.parse_amount("-1", "value", "累计完成数", positive=False)


# ---------------------------------------------------------------- activities

held = st.builds(
    act.Held,
    kind=st.sampled_from(list(act.KINDS)),
    held_on=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    status=st.sampled_from(list(act.STATUSES)),
    files=st.integers(0, 3),
    attendees=st.integers(0, 50),
)


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(st.lists(held, max_size=30), st.sampled_from(list(act.REQUIREMENTS)))
def test_an_item_lacks_nothing_exactly_when_each_kind_was_held_with_a_file(items, code):
    missing = act.missing_for(code, items, 2026)
    complete = all(
        any(
            a.kind == r.kind and a.status == act.HELD and a.held_on.year == 2026 and a.files
            for a in items
        )
        for r in act.REQUIREMENTS[code]
    )
    assert (not missing) == complete


def test_missing_names_what_the_item_asks():
    items = [act.Held(act.NEW_STAFF, date(2026, 3, 1), act.HELD, 1, 10)]
    missing = act.missing_for("5", items, 2026)
    assert missing == ["日常工作培训设置法律专题课程：2026 年已开展 0 次，至少应有 1 次"]
    planned = [act.Held(act.STUDY, date(2026, 3, 1), act.PLANNED, 1, 10)]
    assert "法治专题学习 1 次以上" in act.missing_for("4", planned, 2026)[0]
    nofile = [act.Held(act.RESEARCH, date(2026, 3, 1), act.HELD, 0, 5)]
    assert act.missing_for("2", nofile, 2026) == [
        "党工委会/管委会专题研究未上传佐证材料（会议纪要）"
    ]


def test_an_activity_in_the_future_cannot_be_held():
    today = date(2026, 5, 1)
    assert act.check_status(act.PLANNED, date(2026, 6, 1), today) == act.PLANNED
    assert act.check_status(act.HELD, today, today) == act.HELD
    with pytest.raises(RuleError, match="不能晚于今天") as e:
        act.check_status(act.HELD, date(2026, 5, 2), today)
    assert e.value.field == "held_on"
    with pytest.raises(RuleError):
        act.check_status("done", today, today)


# ---------------------------------------------------------------- awards

honours = st.builds(
    aw.Honour,
    kind=st.sampled_from(list(aw.KINDS)),
    level=st.sampled_from(list(aw.LEVELS)),
    on=st.dates(date(2025, 1, 1), date(2026, 12, 31)),
)


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(st.lists(honours, max_size=40))
def test_case_counts_follow_the_tables_words(items):
    n15, _ = aw.case_count("15", items, 2026)
    n16, _ = aw.case_count("16", items, 2026)
    this_year = [h for h in items if h.on.year == 2026]
    assert n15 == sum(
        1 for h in this_year if h.kind != aw.PRACTICE and h.level in ("national", "provincial")
    )
    assert n16 == sum(1 for h in this_year if h.kind == aw.PRACTICE and h.level == "national")
    # a city-level record never counts, whatever its kind
    city = [aw.Honour(h.kind, aw.CITY, h.on) for h in items]
    assert aw.case_count("15", city, 2026)[0] == 0 == aw.case_count("16", city, 2026)[0]


def test_every_kind_and_level_decided():
    table = {
        (k, lv): (
            aw.counts_for("15", aw.Honour(k, lv, date(2026, 1, 1))),
            aw.counts_for("16", aw.Honour(k, lv, date(2026, 1, 1))),
        )
        for k in aw.KINDS
        for lv in aw.LEVELS
    }
    assert table == {
        ("award", "national"): (True, False),
        ("award", "provincial"): (True, False),
        ("award", "city"): (False, False),
        ("instruction", "national"): (True, False),
        ("instruction", "provincial"): (True, False),
        ("instruction", "city"): (False, False),
        ("practice", "national"): (False, True),
        ("practice", "provincial"): (False, False),
        ("practice", "city"): (False, False),
    }
    with pytest.raises(RuleError, match="国家级、省部级、市级"):
        aw.check_level("county")


# ---------------------------------------------------------------- projects

from fazhi.core import projects as pj  # noqa: E402


def test_every_stage_and_event_decided_by_the_table():
    """Exhaustive: each (stage, event) either moves as the table says or is refused naming
    what may be done instead."""
    for stage in pj.STAGES:
        for event, (sources, target) in pj.EVENTS.items():
            if stage in sources:
                assert pj.next_stage(stage, event) == target
            else:
                with pytest.raises(RuleError, match="现在可以办理") as e:
                    pj.next_stage(stage, event)
                assert e.value.field == "event"
    with pytest.raises(RuleError, match="办理事项只能是"):
        pj.next_stage(pj.APPLIED, "fly")


def test_the_stages_run_in_order_only():
    path = ["screen", "review", "approve", "start", "midterm", "accept", "evaluate"]
    stage = pj.APPLIED
    for event in path:
        stage = pj.next_stage(stage, event)
    assert stage == pj.EVALUATED
    assert pj.allowed_events(pj.EVALUATED) == [] == pj.allowed_events(pj.REJECTED)
    with pytest.raises(RuleError, match="不能办理“立项”"):
        pj.next_stage(pj.APPLIED, "approve")  # 立项 before 形式审查 and 专家评审


amounts = st.lists(st.decimals(min_value="0.01", max_value="500", places=2), max_size=20)


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(st.decimals(min_value=1, max_value="1000", places=2), amounts)
def test_payments_never_exceed_the_budget(budget, tranches):
    paid = Decimal(0)
    for a in tranches:
        try:
            pj.check_payment(budget, paid, a)
        except RuleError as e:
            assert paid + a > budget and "超过预算" in e.message
            continue
        paid += a
    assert paid <= budget


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(amounts, amounts)
def test_spending_never_exceeds_what_was_paid(payments, spendings):
    paid = sum(payments, Decimal(0))
    spent = Decimal(0)
    for a in spendings:
        try:
            pj.check_spending(paid, spent, a)
        except RuleError:
            continue
        spent += a
    assert spent <= paid


def test_flags():
    today = date(2026, 7, 1)
    f = pj.flags(pj.EXECUTING, date(2026, 6, 30), Decimal(10), Decimal(4), True, today)
    assert f == pj.Flags(True, Decimal(0), True)
    f = pj.flags(pj.ACCEPTED, date(2026, 6, 30), Decimal(10), Decimal(4), False, today)
    assert f == pj.Flags(False, Decimal(6), False)
    assert not pj.flags(
        pj.EXECUTING, today, Decimal(0), Decimal(0), False, today
    ).acceptance_overdue
    with pytest.raises(RuleError, match="尚未立项"):
        pj.check_payment(None, Decimal(0), Decimal(1))


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(
    st.decimals(min_value=1, max_value="1000", places=2),
    st.lists(
        st.tuples(
            st.decimals(min_value="0.01", max_value="500", places=2),
            st.decimals(min_value=0, max_value="500", places=2),
        ),
        max_size=20,
    ),
)
def test_budget_lines_never_exceed_the_budget_nor_spend_above_their_line(budget, lines):
    listed = Decimal(0)
    for budgeted, spent in lines:
        try:
            pj.check_budget_line(budget, listed, budgeted, spent)
        except RuleError as e:
            assert (e.field == "spent" and spent > budgeted) or (
                e.field == "budgeted" and listed + budgeted > budget
            )
            continue
        assert spent <= budgeted
        listed += budgeted
    assert listed <= budget


@settings(deadline=None)  # timing varies on a loaded machine; the rule does not
@given(
    st.decimals(min_value=1, max_value="1000", places=2),
    st.decimals(min_value=0, max_value="1000", places=2),
    st.decimals(min_value=0, max_value="1000", places=2),
)
def test_a_budget_change_never_cuts_below_what_was_paid_or_listed(new, paid, listed):
    try:
        pj.check_budget_change(new, paid, listed)
    except RuleError as e:
        assert e.field == "new_budget" and (new < paid or new < listed)
        return
    assert new >= paid and new >= listed


def test_the_project_experts_conflict_rule_is_the_province_reviews():
    """One rule (core.review.stand_down) for both: the applicant's side, then a declaration."""
    from fazhi.core import review

    code = "91510100MA61234567"
    assert pj.expert_conflict("某大学", code, False, "某公司", code) == "来自申报单位"
    assert pj.expert_conflict("某 公司", "", False, "某公司", code) == "来自申报单位"
    assert pj.expert_conflict("某大学", "", True, "某公司", code) == "已声明与该项目存在利害关系"
    assert pj.expert_conflict("某大学", "", False, "某公司", code) is None
    assert pj.expert_conflict("", "", False, "", code) is None  # no unit named: no match
    for same in (True, False):
        for declared in (True, False):
            assert bool(review.stand_down(same, declared, "甲", "乙")) == (same or declared)
    assert review.conflict_reason("/1/2/", "/1/2/", [9], 9) == review.stand_down(
        True, True, "申报园区所在市或其下属单位", "该园区"
    )


def test_certificate_state_by_days_left_and_stage():
    end = date(2026, 9, 12)
    for stage in pj.STAGES:
        states = [
            pj.certificate_state(stage, end, end - timedelta(days=d)) for d in (61, 60, 0, -1)
        ]
        if stage in pj.CLOSED:
            assert states == [None] * 4
        else:
            assert states == [None, "expiring", "expiring", "expired"]
    assert pj.certificate_state(pj.EXECUTING, None, end) is None
