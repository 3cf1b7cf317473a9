"""The check before a submission, and the collector that lets a form report every error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fazhi.core.errors import Collect, RuleError, RuleErrors
from fazhi.core.framework import BONUS, GROUP, SCORED, VETO, Indicator
from fazhi.core.rules import PER_SHORTFALL, PROPORTIONAL, Rule
from fazhi.core.scoring import ResultInput
from fazhi.core.submission import missing_message, submit_check

TABLE = (
    Indicator(
        "一",
        "组",
        GROUP,
        children=(
            Indicator("1", "甲", SCORED, max_points=Decimal(5)),
            Indicator("2", "乙", SCORED, max_points=Decimal(5)),
            Indicator("3", "丙", SCORED, max_points=Decimal(5)),
        ),
    ),
    Indicator("15", "加分", BONUS, points=Decimal(2)),
    Indicator("17", "否决", VETO),
)


def test_missing_scores_refuse_and_counting_items_without_files_warn():
    results = {
        "1": ResultInput(self_score=Decimal(4)),  # counts, has a file
        "2": ResultInput(self_score=Decimal(0)),  # nothing to back: no warning
        "15": ResultInput(cases=1),  # counts, no file
        "17": ResultInput(raised=True),  # raised, no file
    }
    check = submit_check(TABLE, results, {"1": 2})
    assert [i.code for i in check.missing] == ["3"] and not check.ready
    assert [i.code for i in check.without_evidence] == ["15", "17"]
    assert missing_message(check) == "还有 1 项评分项未填写自评分（第 3 项），填完后才能提交"
    done = submit_check(TABLE, {**results, "3": ResultInput(self_score=Decimal(1))}, {"1": 1})
    assert done.ready and [i.code for i in done.without_evidence] == ["3", "15", "17"]


def refuse(field, message):
    raise RuleError(field, message)


def test_collect_keeps_every_refusal_in_order_and_the_first_of_a_field():
    check = Collect()
    assert check(lambda: 7) == 7
    assert check(refuse, "name", "请填写姓名") is None
    assert check(refuse, "name", "第二条") is None
    check(lambda: (_ for _ in ()).throw(RuleErrors({"phone": "电话不对", "email": "邮箱不对"})))
    with pytest.raises(RuleErrors) as caught:
        check.done()
    assert caught.value.errors == {"name": "请填写姓名", "phone": "电话不对", "email": "邮箱不对"}
    # still one RuleError to callers that show one: the first field and message
    assert (caught.value.field, caught.value.message) == ("name", "请填写姓名")
    Collect().done()  # nothing refused: nothing raised


RULED = (
    Indicator(
        "一",
        "组",
        GROUP,
        children=(
            Indicator(
                "1",
                "每少一次扣 2 分",
                SCORED,
                max_points=Decimal(10),
                min_points=Decimal(-1),
                rule=Rule(PER_SHORTFALL, per_shortfall=Decimal(2)),
            ),
            Indicator("2", "完成比例", SCORED, max_points=Decimal(5), rule=Rule(PROPORTIONAL)),
            Indicator("3", "可不适用", SCORED, max_points=Decimal(5), optional=True),
        ),
    ),
    Indicator(
        "二",
        "各部门择一",
        GROUP,
        choose="one",
        children=(
            Indicator(
                "A",
                "甲部门",
                GROUP,
                children=(Indicator("A1", "甲", SCORED, max_points=Decimal(5)),),
            ),
            Indicator(
                "B",
                "乙部门",
                GROUP,
                children=(Indicator("B1", "乙", SCORED, max_points=Decimal(5)),),
            ),
        ),
    ),
)


def test_rule_inputs_not_applicable_and_unchosen_blocks_are_not_missing():
    results = {
        "1": ResultInput(count=6),  # 10 - 12 → floored at -1: entered, and it counts
        "3": ResultInput(not_applicable=True),
    }
    check = submit_check(RULED, results, {}, frozenset({"A"}))
    # 2 waits for its value, A1 for its score; B1 is another department's block
    assert [i.code for i in check.missing] == ["2", "A1"]
    assert [i.code for i in check.without_evidence] == ["1"]  # a 倒扣 needs its proof too
    done = submit_check(
        RULED,
        {**results, "2": ResultInput(value=Decimal(0)), "A1": ResultInput(self_score=Decimal(0))},
        {},
        frozenset({"A"}),
    )
    assert done.ready and [i.code for i in done.without_evidence] == ["1"]
