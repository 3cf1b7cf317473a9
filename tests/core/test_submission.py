"""The check before a submission, and the collector that lets a form report every error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fazhi.core.errors import Collect, RuleError, RuleErrors
from fazhi.core.framework import BONUS, GROUP, SCORED, VETO, Indicator
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
