"""行政规范性文件 rules (core.normative): the transition table, exhaustively; numbers,
validity and the filing period across Spring Festival; the yearly figures."""

from __future__ import annotations

from datetime import date

import pytest

from fazhi.core import normative as nd
from fazhi.core.errors import RuleError
from tests.core.test_workdays import CAL

# The procedure as 国办发〔2018〕37号 describes it, written out by hand: what each state allows.
EXPECTED = {
    nd.DRAFTING: {nd.SOLICIT},
    nd.SOLICITING: {nd.REVIEW},
    nd.REVIEWED: {nd.DELIBERATE},
    nd.DELIBERATED: {nd.REGISTER},
    nd.REGISTERED: {nd.PUBLISH},
    nd.PUBLISHED: {nd.FILE, nd.CLEANUP},
    nd.FILED: {nd.FILING_RESULT, nd.CLEANUP},
    nd.RETURNED: {nd.FILE, nd.CLEANUP},
    nd.ACCEPTED: {nd.CLEANUP},
    nd.ABOLISHED: set(),
    nd.EXPIRED: set(),
}


@pytest.mark.parametrize("state", list(nd.STATES))
@pytest.mark.parametrize("step", list(nd.STEPS))
def test_every_state_and_step(state, step):
    if step in EXPECTED[state]:
        nd.check_step(state, step)
        assert step in nd.allowed_steps(state)
    else:
        with pytest.raises(RuleError) as exc:
            nd.check_step(state, step)
        assert exc.value.field == "step"
        assert nd.STEPS[step] in exc.value.message
        assert step not in nd.allowed_steps(state)


def test_the_table_has_no_state_or_step_beyond_the_lists():
    assert set(EXPECTED) == set(nd.STATES)
    for state, step in nd.TRANSITIONS:
        assert state in nd.STATES and step in nd.STEPS


@pytest.mark.parametrize(
    ("state", "step", "missing"),
    [
        (nd.DRAFTING, nd.PUBLISH, "征求意见"),
        (nd.SOLICITING, nd.REGISTER, "合法性审查"),
        (nd.REVIEWED, nd.PUBLISH, "集体审议"),
        (nd.DELIBERATED, nd.FILE, "统一登记、编号"),
        (nd.REGISTERED, nd.FILE, "公布"),
        (nd.DRAFTING, nd.CLEANUP, "征求意见"),
    ],
)
def test_a_step_out_of_order_names_the_first_missing_step(state, step, missing):
    with pytest.raises(RuleError) as exc:
        nd.check_step(state, step)
    assert f"尚未办理“{missing}”" in exc.value.message


def test_unknown_step_and_ended_documents():
    with pytest.raises(RuleError, match="不存在"):
        nd.check_step(nd.DRAFTING, "sign")
    with pytest.raises(RuleError, match="已废止"):
        nd.check_step(nd.ABOLISHED, nd.CLEANUP)


def test_next_state_by_filing_result_and_cleanup_outcome():
    assert nd.next_state(nd.FILED, nd.FILING_RESULT, filing_result="accepted") == nd.ACCEPTED
    assert nd.next_state(nd.FILED, nd.FILING_RESULT, filing_result="returned") == nd.RETURNED
    assert nd.next_state(nd.RETURNED, nd.FILE) == nd.FILED
    assert nd.next_state(nd.ACCEPTED, nd.CLEANUP, outcome="keep") == nd.ACCEPTED
    assert nd.next_state(nd.ACCEPTED, nd.CLEANUP, outcome="amend") == nd.ACCEPTED
    assert nd.next_state(nd.PUBLISHED, nd.CLEANUP, outcome="abolish") == nd.ABOLISHED
    assert nd.next_state(nd.FILED, nd.CLEANUP, outcome="expire") == nd.EXPIRED


def test_number_format_and_checks():
    assert nd.format_number("资高新", 2026, 3) == "资高新规〔2026〕3号"
    assert nd.check_number("2026", "3") == (2026, 3)
    for year, number, field in (
        ("26", 1, "year"),
        ("x", 1, "year"),
        (2026, 0, "number"),
        (2026, "a", "number"),
    ):
        with pytest.raises(RuleError) as exc:
            nd.check_number(year, number)
        assert exc.value.field == field


def test_validity_five_years_two_for_provisional_and_configurable():
    assert nd.is_provisional("园区科技项目管理暂行办法")
    assert nd.is_provisional("试行规定（试行）")
    assert not nd.is_provisional("园区科技项目管理办法")
    assert nd.valid_until(date(2025, 3, 1), False) == date(2030, 2, 28)
    assert nd.valid_until(date(2025, 3, 1), True) == date(2027, 2, 28)
    assert nd.valid_until(date(2024, 2, 29), False) == date(2029, 2, 27)
    assert nd.valid_until(date(2025, 3, 1), False, nd.Settings(validity_years=3)) == date(
        2028, 2, 29
    )


def test_filing_due_rolls_past_spring_festival():
    # 30 days after 2026-01-16 is 2026-02-15, inside the Spring Festival holiday (2/15–2/23).
    assert nd.filing_due(date(2026, 1, 16), CAL) == date(2026, 2, 24)
    # The 2026-02-14 make-up workday is a working day: no roll.
    assert nd.filing_due(date(2026, 1, 15), CAL) == date(2026, 2, 14)
    # Per-zone period: 15 days.
    assert nd.filing_due(date(2025, 9, 16), CAL, nd.Settings(filing_days=15)) == date(2025, 10, 9)


def test_validity_by_state_and_date():
    today = date(2026, 6, 1)
    assert nd.validity(nd.ACCEPTED, date(2027, 1, 1), today) == nd.VALID
    assert nd.validity(nd.ACCEPTED, date(2026, 5, 31), today) == nd.V_EXPIRED
    assert nd.validity(nd.ABOLISHED, date(2027, 1, 1), today) == nd.V_ABOLISHED
    assert nd.validity(nd.EXPIRED, date(2027, 1, 1), today) == nd.V_EXPIRED
    assert nd.validity(nd.REGISTERED, None, today) == nd.NOT_IN_FORCE
    assert nd.cleanup_due(date(2024, 2, 29), None) == date(2026, 2, 28)
    assert nd.cleanup_due(date(2023, 5, 1), date(2025, 4, 1)) == date(2027, 4, 1)


def test_year_figures_name_the_missing_documents():
    docs = [
        nd.DocFacts(
            "A〔2025〕1号", "甲", date(2025, 1, 10), date(2025, 2, 10), date(2025, 2, 1), True
        ),
        nd.DocFacts(
            "A〔2025〕2号", "乙", date(2025, 3, 10), date(2025, 4, 9), date(2025, 4, 20), True
        ),
        nd.DocFacts("A〔2025〕3号", "丙", date(2025, 5, 10), date(2025, 6, 9), None, False),
        nd.DocFacts("A〔2025〕4号", "丁", date(2025, 12, 10), date(2026, 1, 9), None, True),
    ]
    fig = nd.year_figures(docs, date(2025, 12, 31))
    assert (fig.published, fig.filed, fig.filed_on_time, fig.reviewed) == (4, 2, 1, 3)
    assert fig.filing_rate == 0.5 and fig.on_time_rate == 0.25 and fig.review_rate == 0.75
    assert fig.not_filed == ("A〔2025〕3号《丙》", "A〔2025〕4号《丁》")
    assert fig.filed_late == ("A〔2025〕2号《乙》",)
    assert fig.not_reviewed == ("A〔2025〕3号《丙》",)
    # As of an earlier day: only what was known then.
    early = nd.year_figures(docs, date(2025, 4, 1))
    assert (early.published, early.filed) == (2, 1)
    assert nd.year_figures([], date(2025, 12, 31)).filing_rate is None


def test_cited_numbers_found_in_text_once_each():
    text = "依据资高新规〔2020〕3号和《办法》（资高新规〔2021〕12号），再引资高新规〔2020〕3号；资高新督〔2020〕1号不是"
    assert nd.cited_doc_nos(text, "资高新") == ["资高新规〔2020〕3号", "资高新规〔2021〕12号"]
    assert nd.cited_doc_nos("", "资高新") == []
    assert nd.cited_doc_nos(text, "成高新") == []
