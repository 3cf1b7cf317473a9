"""Rules inside items, 倒扣, not-applicable items and one block per assessee.

Plain data, no Django: properties over generated rules and inputs.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.core.errors import RuleError
from fazhi.core.framework import GROUP, SCORED, Indicator, applicable
from fazhi.core.rules import (
    PER_SHORTFALL,
    PROPORTIONAL,
    TIERS,
    Rule,
    describe,
    parse_count,
    parse_value,
    rule_score,
)
from fazhi.core.scoring import ResultInput, compute_totals, computed_score, item_score

D = Decimal
PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cents = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 100)
maxima = st.integers(min_value=1, max_value=2_000).map(lambda n: D(n) / 100)
floors = st.integers(min_value=-500, max_value=0).map(lambda n: D(n) / 100)
counts = st.integers(min_value=0, max_value=999)
values = st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 100)


@st.composite
def tier_rules(draw, max_points):
    thresholds = sorted(
        draw(st.sets(st.integers(min_value=0, max_value=100), min_size=1, max_size=5)),
        reverse=True,
    )
    points = draw(
        st.lists(
            st.integers(min_value=0, max_value=int(max_points * 100)).map(lambda n: D(n) / 100),
            min_size=len(thresholds),
            max_size=len(thresholds),
        )
    )
    return Rule(TIERS, tiers=tuple((D(t), p) for t, p in zip(thresholds, points, strict=True)))


def item(max_points, rule=None, min_points=0, optional=False, code="1"):
    return Indicator(
        code=code,
        title="项",
        kind=SCORED,
        max_points=D(max_points),
        min_points=D(min_points),
        rule=rule,
        optional=optional,
    )


def group(code, *children, choose="", optional=False, org=""):
    return Indicator(
        code=code,
        title="组",
        kind=GROUP,
        children=children,
        choose=choose,
        optional=optional,
        org=org,
    )


# --------------------------------------------------------------------------- per_shortfall


@PROPS
@given(
    maxima,
    floors,
    st.integers(min_value=1, max_value=300).map(lambda n: D(n) / 100),
    counts,
    st.none() | st.integers(min_value=1, max_value=999),
)
def test_per_shortfall_within_bounds_and_monotone(max_points, floor, step, count, max_count):
    rule = Rule(PER_SHORTFALL, step, max_count)
    score = rule_score(rule, max_points, floor, count)
    assert floor <= score <= max_points
    counted = count if max_count is None else min(count, max_count)
    assert score == max(floor, max_points - counted * step)
    assert rule_score(rule, max_points, floor, count + 1) <= score  # more shortfalls never raise


def test_per_shortfall_as_printed():
    rule = Rule(PER_SHORTFALL, D("0.5"))
    assert rule_score(rule, D(2), D(0), 3) == D("0.5")
    assert rule_score(rule, D(2), D(0), 9) == 0  # 扣完为止
    assert rule_score(rule, D(2), D(-1), 9) == -1  # 倒扣 to at most −1
    assert describe(rule, D(2), D(0)) == "每少一次扣 0.5 分，扣完为止"
    assert describe(rule, D(2), D(-1)) == "每少一次扣 0.5 分，倒扣至 -1 分为止"
    assert (
        describe(Rule(PER_SHORTFALL, D(1), 3), D(2), D(0))
        == "每少一次扣 1 分，扣完为止（最多计 3 次）"
    )


# --------------------------------------------------------------------------- tiers


@PROPS
@given(st.data(), maxima, floors, values)
def test_tiers_within_bounds_and_monotone(data, max_points, floor, value):
    rule = data.draw(tier_rules(max_points))
    score = rule_score(rule, max_points, floor, value)
    assert floor <= score <= max_points
    expected = next((p for t, p in rule.tiers if t <= value), None)
    assert score == (floor if expected is None else max(floor, expected))


def test_tiers_as_printed():
    rule = Rule(TIERS, tiers=((D(95), D(3)), (D(90), D(2)), (D(80), D(1))), unit="%")
    assert [rule_score(rule, D(3), D(0), D(v)) for v in (100, 95, 94.99, 90, 85, 79.99)] == [
        3,
        3,
        2,
        2,
        1,
        0,
    ]
    assert describe(rule, D(3), D(0)) == "≥95% 得 3 分，≥90% 得 2 分，≥80% 得 1 分，否则得 0 分"


# --------------------------------------------------------------------------- proportional


@PROPS
@given(maxima, floors, st.integers(min_value=0, max_value=10_000).map(lambda n: D(n) / 100))
def test_proportional_within_bounds_and_monotone(max_points, floor, value):
    rule = Rule(PROPORTIONAL)
    score = rule_score(rule, max_points, floor, value)
    assert floor <= score <= max_points
    assert score == score.quantize(D("0.01"))
    if value < 100:
        assert rule_score(rule, max_points, floor, value + D("0.01")) >= score


def test_proportional_rounds_half_up():
    rule = Rule(PROPORTIONAL)
    assert rule_score(rule, D(5), D(0), D("33.3")) == D("1.67")  # 1.665 -> 1.67
    assert rule_score(rule, D(3), D(0), D("50.5")) == D("1.52")  # 1.515 -> 1.52
    assert rule_score(rule, D(5), D(0), D(100)) == D(5)


# --------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (-1, "次数不能小于 0"),
        ("-3", "次数不能小于 0"),
        (1.5, "次数必须是整数"),
        ("1.5", "次数必须是整数"),
        ("②", "次数必须是整数"),
        (True, "次数必须是整数"),
        (None, "次数必须是整数"),
        (1000, "次数不能超过 999"),
        ("99999999999", "次数不能超过 999"),
    ],
)
def test_bad_counts(raw, message):
    with pytest.raises(RuleError) as exc:
        parse_count(raw, Rule(PER_SHORTFALL, D(1)))
    assert (exc.value.field, exc.value.message) == ("count", message)


def test_max_count_limits_what_is_counted_not_what_is_entered():
    rule = Rule(PER_SHORTFALL, D(1), 5)
    assert parse_count("7", rule) == 7
    assert rule_score(rule, D(10), D(0), 7) == rule_score(rule, D(10), D(0), 5) == D(5)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("100.01", "完成比例不能超过 100"),
        (-1, "完成比例不能小于 0"),
        ("abc", "完成比例必须是数字"),
        ("1e2", "完成比例必须是数字"),
        ("NaN", "完成比例必须是数字"),
        (True, "完成比例必须是数字"),
        ("50.123", "完成比例最多保留 2 位小数"),
    ],
)
def test_bad_proportional_values(raw, message):
    with pytest.raises(RuleError) as exc:
        parse_value(raw, Rule(PROPORTIONAL))
    assert (exc.value.field, exc.value.message) == ("value", message)


def test_tier_values_are_not_limited_to_100():
    rule = Rule(TIERS, tiers=((D(300), D(1)),), unit="家")
    assert parse_value("350", rule) == D(350)
    with pytest.raises(RuleError, match="数值不能小于 0"):
        parse_value("-1", rule)


def test_rule_round_trips_through_its_dict():
    for rule in (
        Rule(PER_SHORTFALL, D("0.5"), 4),
        Rule(PER_SHORTFALL, D(1)),
        Rule(TIERS, tiers=((D(95), D(3)), (D("90.5"), D("1.5"))), unit="%"),
        Rule(PROPORTIONAL),
    ):
        assert Rule.from_dict(rule.to_dict()) == rule
    assert Rule.from_dict(None) is None


# --------------------------------------------------------------------------- totals


def test_rule_items_score_from_their_input_and_override_wins():
    ind = item(2, Rule(PER_SHORTFALL, D("0.5")), min_points=D(-1))
    assert item_score(ind, ResultInput()) is None
    assert item_score(ind, ResultInput(count=2)) == D(1)
    assert item_score(ind, ResultInput(count=2, self_score=D(2))) == D(1)  # input, not self score
    adjusted = ResultInput(count=2, override=D("1.5"))
    assert item_score(ind, adjusted) == D("1.5") and computed_score(ind, adjusted) == D(1)
    totals = compute_totals([ind], {"1": ResultInput(count=9)})
    assert totals.scored == totals.final == D(-1)  # 倒扣 below zero
    assert totals.scored_max == D(2)  # the maximum is not changed by min_points


@st.composite
def sheets(draw):
    """A flat table of scored items (some optional, some with rules) and its entries."""
    n = draw(st.integers(min_value=1, max_value=8))
    inds, results = [], {}
    for i in range(n):
        code = str(i)
        kind = draw(st.sampled_from(["plain", PER_SHORTFALL, PROPORTIONAL]))
        max_points = draw(maxima)
        rule = {
            "plain": None,
            PER_SHORTFALL: Rule(PER_SHORTFALL, D("0.5")),
            PROPORTIONAL: Rule(PROPORTIONAL),
        }[kind]
        ind = item(max_points, rule, draw(floors), draw(st.booleans()), code)
        inds.append(ind)
        na = ind.optional and draw(st.booleans())
        score = draw(st.integers(0, int(max_points * 100)).map(lambda n: D(n) / 100))
        results[code] = ResultInput(
            self_score=score,
            count=draw(counts),
            value=draw(st.integers(0, 100).map(D)),
            not_applicable=na,
        )
    return inds, results


@PROPS
@given(sheets())
def test_not_applicable_leaves_score_and_maximum_and_scales(sheet):
    inds, results = sheet
    totals = compute_totals(inds, results)
    na = {i.code for i in inds if results[i.code].not_applicable}
    assert set(totals.not_applicable) == na
    assert totals.applicable_max == sum((i.max_points for i in inds if i.code not in na), D(0))
    assert totals.scored == sum(
        (item_score(i, results[i.code]) for i in inds if i.code not in na), D(0)
    )
    assert totals.items_done == totals.items_total == len(inds)  # 不适用 counts as done
    if not na:
        assert totals.scaled == totals.final
    elif totals.applicable_max:
        expected = totals.final * totals.scored_max / totals.applicable_max
        assert totals.scaled == expected.quantize(D("0.01"), rounding="ROUND_HALF_UP")


def test_not_applicable_only_where_optional():
    inds = [item(5, code="1"), item(5, code="2", optional=True)]
    results = {c: ResultInput(self_score=D(4), not_applicable=True) for c in ("1", "2")}
    totals = compute_totals(inds, results)
    assert totals.not_applicable == ["2"]
    assert (totals.scored, totals.applicable_max, totals.scored_max) == (D(4), D(5), D(10))
    assert totals.scaled == D(8)  # 4 of 5 applicable points, 按比例折算 to 10


def test_an_optional_group_marked_not_applicable_leaves_everything_beneath():
    table = [
        group("一", item(6, code="1"), item(4, code="2"), optional=True),
        group("二", item(10, code="3")),
    ]
    results = {"一": ResultInput(not_applicable=True), "3": ResultInput(self_score=D(9))}
    totals = compute_totals(table, results)
    assert totals.applicable_max == D(10) and totals.scored == D(9) and totals.scaled == D(18)
    assert totals.items_done == 3 and totals.groups["一"].applicable_max == 0


def test_only_the_chosen_block_counts():
    table = [
        group("一", item(40, code="1")),
        group(
            "二",
            group("二.1", item(60, code="a"), org="jia"),
            group("二.2", item(50, code="b"), item(10, code="c"), org="yi"),
            choose="one",
        ),
    ]
    results = {"1": ResultInput(self_score=D(30)), "a": ResultInput(self_score=D(50))}
    chosen = compute_totals(table, results, {"二.1"})
    assert (chosen.scored_max, chosen.scored, chosen.items_total) == (D(100), D(80), 2)
    other = compute_totals(table, results, {"二.2"})
    assert (other.scored_max, other.scored, other.items_total) == (D(100), D(30), 3)
    assert [i.code for _, i in applicable(table, {"二.2"})] == ["一", "1", "二", "二.2", "b", "c"]
