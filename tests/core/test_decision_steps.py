"""重大行政决策 step rules (core.decision_steps, 国务院令第713号): every step against every
reachable set of steps done and every choice of applicable procedures; the periods across
National Day and Spring Festival with their make-up workdays."""

from __future__ import annotations

from datetime import date
from itertools import chain, combinations

import pytest

from fazhi.core import decision_steps as ds
from fazhi.core.errors import RuleError
from tests.core.test_workdays import CAL

STEPS = list(ds.STEPS)
APPLICABLE = [
    frozenset(c) for c in chain.from_iterable(combinations(ds.OPTIONAL, n) for n in range(4))
]


def oracle(done: frozenset, app: frozenset, step: str) -> bool:
    """The 条例 as read by hand, independently of the table."""
    if step in done:
        return False
    if step in (ds.PARTICIPATION_OPEN, ds.PARTICIPATION) and ds.PARTICIPATION not in app:
        return False
    if step in (ds.EXPERT, ds.RISK) and step not in app:
        return False
    if ds.ARCHIVE in done and step != ds.EVALUATION:
        return False
    if step == ds.LAUNCH:
        return True
    if ds.LAUNCH not in done:
        return False
    return {
        ds.PARTICIPATION_OPEN: True,
        ds.PARTICIPATION: ds.PARTICIPATION_OPEN in done,
        ds.EXPERT: True,
        ds.RISK: True,
        # 第二十五条: legality review after the procedures that apply; never skipped.
        ds.LEGALITY_SENT: all(s in done for s in app),
        ds.LEGALITY: ds.LEGALITY_SENT in done,
        ds.COLLECTIVE: ds.LEGALITY in done,
        ds.PUBLISH: ds.COLLECTIVE in done,
        ds.ARCHIVE: ds.PUBLISH in done,
        ds.EVALUATION: ds.PUBLISH in done,
    }[step]


def reachable(app: frozenset) -> set[frozenset]:
    seen, todo = set(), [frozenset({ds.LAUNCH})]
    while todo:
        done = todo.pop()
        if done in seen:
            continue
        seen.add(done)
        todo += [done | {s} for s in STEPS if oracle(done, app, s)]
    return seen


@pytest.mark.parametrize("app", APPLICABLE, ids=lambda a: "+".join(sorted(a)) or "none")
def test_every_step_in_every_reachable_state(app):
    states = reachable(app)
    assert len(states) > 5
    for done in states:
        for step in STEPS:
            expected = oracle(done, app, step)
            if expected:
                ds.check_step(done, app, step)
            else:
                with pytest.raises(RuleError) as exc:
                    ds.check_step(done, app, step)
                assert exc.value.field == "step"
                assert ds.STEPS[step] in exc.value.message or "已归档" in exc.value.message
            assert (step in ds.allowed_steps(done, app)) == expected
        # No way to a decision without the legality review (第二十五条).
        if ds.COLLECTIVE in done:
            assert {ds.LEGALITY_SENT, ds.LEGALITY} <= done
            assert app <= done


def test_refusal_names_the_missing_steps():
    app = frozenset({ds.PARTICIPATION, ds.RISK})
    with pytest.raises(RuleError) as exc:
        ds.check_step(frozenset({ds.LAUNCH}), app, ds.LEGALITY_SENT)
    assert exc.value.message == "尚未办理“公众参与（意见处理）”“风险评估”，不能办理“送合法性审查”"
    with pytest.raises(RuleError) as exc:
        ds.check_step(frozenset({ds.LAUNCH}), app, ds.COLLECTIVE)
    assert "尚未办理“合法性审查意见”" in exc.value.message
    with pytest.raises(RuleError, match="适用程序不含“专家论证”"):
        ds.check_step(frozenset({ds.LAUNCH}), app, ds.EXPERT)
    with pytest.raises(RuleError, match="不存在"):
        ds.check_step(frozenset({ds.LAUNCH}), app, "vote")


def test_state_of_follows_the_furthest_step():
    assert ds.state_of(frozenset({ds.LAUNCH})) == "launched"
    assert ds.state_of(frozenset({ds.LAUNCH, ds.EXPERT})) == "in_procedure"
    assert ds.state_of(frozenset({ds.LAUNCH, ds.LEGALITY_SENT, ds.LEGALITY})) == "reviewed"
    assert (
        ds.state_of(frozenset({ds.LAUNCH, ds.LEGALITY, ds.COLLECTIVE, ds.PUBLISH, ds.ARCHIVE}))
        == "archived"
    )


def test_comment_period_of_30_days_across_national_day():
    # 2025-09-01 + 30 days = 2025-10-01, National Day: the period ends on 10-09.
    assert ds.comment_period_min_end(date(2025, 9, 1), CAL) == date(2025, 10, 9)
    ds.check_comment_period(date(2025, 9, 1), date(2025, 10, 9), "", CAL)
    with pytest.raises(RuleError) as exc:
        ds.check_comment_period(date(2025, 9, 1), date(2025, 10, 1), "", CAL)
    assert exc.value.field == "comment_reason"
    assert "30 日" in exc.value.message and "2025-10-09" in exc.value.message
    # A shorter period with a written reason is accepted (第十五条).
    ds.check_comment_period(date(2025, 9, 1), date(2025, 9, 20), "紧急情况，须尽快出台", CAL)
    with pytest.raises(RuleError, match="晚于开始日期"):
        ds.check_comment_period(date(2025, 9, 1), date(2025, 9, 1), "理由", CAL)


def test_legality_review_at_least_7_working_days_with_make_up_days():
    # Sent Friday 2025-09-26: 9/28 (Sunday, make-up), 9/29, 9/30, 10/9, 10/10, 10/11 (make-up), 10/13.
    assert ds.review_min_due(date(2025, 9, 26), CAL) == date(2025, 10, 13)
    ds.check_review_period(date(2025, 9, 26), date(2025, 10, 13), CAL)
    with pytest.raises(RuleError) as exc:
        ds.check_review_period(date(2025, 9, 26), date(2025, 10, 11), CAL)
    assert exc.value.field == "review_due"
    assert "6 个工作日" in exc.value.message and "7 个工作日" in exc.value.message
    # Spring Festival 2026: 2/14 (Saturday, make-up) counts, 2/15–2/23 do not.
    assert ds.review_min_due(date(2026, 2, 10), CAL) == date(2026, 2, 26)
