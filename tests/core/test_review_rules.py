"""The review chain's rules: panel score, ranking, flags, veto, conflict, 发文字号, publicity."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core.errors import RuleError
from fazhi.core.review import (
    RankEntry,
    conflict_reason,
    flagged,
    majority_veto,
    panel_score,
    parse_doc_no,
    publicity_ends,
    rank,
)
from fazhi.core.workdays import WorkCalendar

points = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(points, min_size=1, max_size=9), st.randoms())
def test_panel_score_ignores_the_order_of_experts(totals, rnd):
    shuffled = list(totals)
    rnd.shuffle(shuffled)
    assert panel_score(totals) == panel_score(shuffled)


@given(st.lists(points, min_size=5, max_size=9))
def test_five_or_more_drop_exactly_one_highest_and_one_lowest(totals):
    ordered = sorted(totals)
    kept = ordered[1:-1]
    expected = (sum(kept, Decimal(0)) / len(kept)).quantize(
        Decimal("0.01"), rounding="ROUND_HALF_UP"
    )
    assert panel_score(totals) == expected
    assert min(kept) <= panel_score(totals) <= max(kept)


@given(st.lists(points, min_size=1, max_size=4))
def test_below_five_the_plain_mean(totals):
    mean = sum(totals, Decimal(0)) / len(totals)
    assert panel_score(totals) == mean.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def test_panel_score_examples():
    assert panel_score(
        [Decimal(80), Decimal(90), Decimal(85), Decimal(70), Decimal(100)]
    ) == Decimal("85.00")
    assert panel_score([Decimal("80.005")]) == Decimal("80.01")  # half up, not half even
    with pytest.raises(RuleError) as e:
        panel_score([])
    assert e.value.field == "experts"


entries = st.lists(
    st.builds(
        RankEntry,
        key=st.uuids(),
        panel_score=st.sampled_from([Decimal(x) for x in ("70", "80", "85.5", "90")]),
        scored=st.sampled_from([Decimal(x) for x in ("60", "70")]),
        bonus=st.sampled_from([Decimal(x) for x in ("0", "2")]),
        disqualified=st.booleans(),
    ),
    max_size=12,
)


@given(entries, st.randoms())
def test_ranking_ignores_input_order_and_ties_share_a_rank(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)
    a = {r.entry.key: r.rank for r in rank(items, Decimal(80))}
    b = {r.entry.key: r.rank for r in rank(shuffled, Decimal(80))}
    assert a == b
    ranked = [r for r in rank(items, Decimal(80)) if r.rank is not None]
    for x in ranked:
        for y in ranked:
            kx = (x.entry.panel_score, x.entry.scored, x.entry.bonus)
            ky = (y.entry.panel_score, y.entry.scored, y.entry.bonus)
            assert (x.rank == y.rank) == (kx == ky)
            if kx > ky:
                assert x.rank < y.rank
    # competition ranking: a rank is 1 + the number strictly ahead
    for x in ranked:
        ahead = sum(1 for y in ranked if y.rank < x.rank)
        assert x.rank == ahead + 1


def test_ranking_tie_breakers_threshold_and_quota():
    e = [
        RankEntry("a", Decimal(85), Decimal(80), Decimal(5)),
        RankEntry("b", Decimal(85), Decimal(82), Decimal(3)),
        RankEntry("c", Decimal(85), Decimal(82), Decimal(3)),
        RankEntry("d", Decimal(79.99).quantize(Decimal("0.01"))),
        RankEntry("v", Decimal(99), disqualified=True),
    ]
    out = {r.entry.key: r for r in rank(e, Decimal(80), quota=2)}
    assert (out["b"].rank, out["c"].rank, out["a"].rank, out["d"].rank) == (1, 1, 3, 4)
    assert out["v"].rank is None and not out["v"].above_threshold
    assert out["a"].above_threshold and not out["a"].within_quota
    assert out["b"].within_quota and not out["d"].above_threshold


def test_flags_and_veto():
    assert flagged([Decimal(1), Decimal(4)], Decimal(5))  # 3 > 2
    assert not flagged([Decimal(1), Decimal(3)], Decimal(5))  # 2 is not more than 2
    assert not flagged([Decimal(5)], Decimal(5))
    assert majority_veto(3, 5) and not majority_veto(2, 4) and majority_veto(3, 4)
    assert not majority_veto(0, 0)


def test_conflict_of_interest():
    assert conflict_reason("/1/2/", "/1/2/", [], 9) == "来自申报园区所在市或其下属单位"
    assert conflict_reason("/1/2/9/4/", "/1/2/", [], 9)  # a department of the zone
    assert conflict_reason("/1/3/", "/1/2/", [9], 9) == "已声明与该园区存在利害关系"
    assert conflict_reason("/1/3/", "/1/2/", [8], 9) is None
    assert conflict_reason("/1/", "/1/2/", [], 9) is None  # the province itself


@pytest.mark.parametrize("good", ["资科〔2020〕14号", "川科规〔2019〕15号", "资高新委〔2020〕1号"])
def test_doc_no_accepted(good):
    assert parse_doc_no(f" {good} ") == good


@pytest.mark.parametrize(
    "bad,part",
    [
        ("", "请填写"),
        ("资科[2020]14号", "六角括号"),
        ("资科（2020）14号", "六角括号"),
        ("资科〔2020〕014号", "格式不正确"),
        ("资科〔20〕14号", "格式不正确"),
        ("资科〔2020〕14", "格式不正确"),
        ("ZK〔2020〕14号", "格式不正确"),
    ],
)
def test_doc_no_refused(bad, part):
    with pytest.raises(RuleError) as e:
        parse_doc_no(bad)
    assert e.value.field == "doc_no" and part in e.value.message


def test_publicity_ends_on_the_nth_working_day():
    # 2025: 9/29 (Mon) start, 10/1–10/8 National Day, 9/28 and 10/11 make-up days
    rest = tuple(date(2025, 10, d) for d in range(1, 9))
    cal = WorkCalendar(
        frozenset({2025}), frozenset(rest), frozenset({date(2025, 9, 28), date(2025, 10, 11)})
    )
    assert publicity_ends(date(2025, 9, 29), 5, cal) == date(2025, 10, 13)
    with pytest.raises(RuleError):
        publicity_ends(date(2025, 9, 29), 0, cal)
