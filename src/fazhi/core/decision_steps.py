"""重大行政决策 (major decisions): the steps of 国务院令第713号《重大行政决策程序暂行条例》
as pure rules.

A decision records each step once. `NEEDS[step]` lists the steps it needs first; the
three optional steps (公众参与 第十四条, 专家论证 第十九条, 风险评估 第二十二条) are needed
only when the decision says they apply (`applicable`), while 合法性审查 (第二十五条) is
always needed and cannot be skipped. `check_step(done, applicable, step)` refuses a step
with a Chinese message naming the first missing step.

Periods: the comment period is at least 30 days (第十五条) unless a shorter period is
justified in writing; the legality reviewer is allowed no less than 7 working days
(第二十七条). Both are counted with the shared working-day calendar.
"""

from __future__ import annotations

from datetime import date

from .errors import RuleError
from .workdays import WorkCalendar, add_calendar_days

LAUNCH = "launch"
PARTICIPATION_OPEN = "participation_open"
PARTICIPATION = "participation"
EXPERT = "expert"
RISK = "risk"
LEGALITY_SENT = "legality_sent"
LEGALITY = "legality"
COLLECTIVE = "collective"
PUBLISH = "publish"
ARCHIVE = "archive"
EVALUATION = "evaluation"

STEPS = {
    LAUNCH: "启动",
    PARTICIPATION_OPEN: "公开征求意见",
    PARTICIPATION: "公众参与（意见处理）",
    EXPERT: "专家论证",
    RISK: "风险评估",
    LEGALITY_SENT: "送合法性审查",
    LEGALITY: "合法性审查意见",
    COLLECTIVE: "集体讨论决定",
    PUBLISH: "公布",
    ARCHIVE: "归档",
    EVALUATION: "决策后评估",
}
# The article of the 条例 behind each step (shown beside it).
ARTICLES = {
    LAUNCH: "第十条至第十三条",
    PARTICIPATION_OPEN: "第十四条、第十五条",
    PARTICIPATION: "第十四条至第十八条",
    EXPERT: "第十九条至第二十一条",
    RISK: "第二十二条至第二十四条",
    LEGALITY_SENT: "第二十五条至第二十七条",
    LEGALITY: "第二十五条至第二十八条",
    COLLECTIVE: "第三十条",
    PUBLISH: "第三十二条",
    ARCHIVE: "第三十三条",
    EVALUATION: "第三十六条",
}
OPTIONAL = (PARTICIPATION, EXPERT, RISK)  # needed when the decision says they apply
# Steps that belong to an optional procedure (recorded only when it applies).
PART_OF = {
    PARTICIPATION_OPEN: PARTICIPATION,
    PARTICIPATION: PARTICIPATION,
    EXPERT: EXPERT,
    RISK: RISK,
}
ORDER = list(STEPS)

# The steps each step needs first (an optional one only when it applies).
NEEDS: dict[str, tuple[str, ...]] = {
    LAUNCH: (),
    PARTICIPATION_OPEN: (LAUNCH,),
    PARTICIPATION: (PARTICIPATION_OPEN,),
    EXPERT: (LAUNCH,),
    RISK: (LAUNCH,),
    LEGALITY_SENT: (LAUNCH, PARTICIPATION, EXPERT, RISK),
    LEGALITY: (LEGALITY_SENT,),
    COLLECTIVE: (LEGALITY,),
    PUBLISH: (COLLECTIVE,),
    ARCHIVE: (PUBLISH,),
    EVALUATION: (PUBLISH,),
}

MIN_COMMENT_DAYS = 30
MIN_REVIEW_WORKDAYS = 7

# States a decision's register shows, from its steps.
STATE_LABELS = {
    "launched": "已启动",
    "in_procedure": "论证评估中",
    "reviewed": "已合法性审查",
    "decided": "已集体讨论决定",
    "published": "已公布",
    "archived": "已归档",
}


def missing_for(done: frozenset[str], applicable: frozenset[str], step: str) -> list[str]:
    """The steps `step` needs and `done` lacks, in the 条例's order."""
    return [
        s for s in NEEDS[step] if s not in done and (s not in PART_OF or PART_OF[s] in applicable)
    ]


def check_step(done: frozenset[str], applicable: frozenset[str], step: str) -> None:
    if step not in STEPS:
        raise RuleError("step", f"决策步骤“{step}”不存在，应为：{'、'.join(STEPS)}")
    if step in done:
        raise RuleError("step", f"“{STEPS[step]}”已办理，不能重复办理")
    if step in PART_OF and PART_OF[step] not in applicable:
        raise RuleError(
            "step", f"本决策的适用程序不含“{STEPS[PART_OF[step]]}”，不能办理“{STEPS[step]}”"
        )
    if ARCHIVE in done and step != EVALUATION:
        raise RuleError("step", "决策已归档，不能再办理其他步骤（决策后评估除外）")
    missing = missing_for(done, applicable, step)
    if missing:
        raise RuleError(
            "step",
            f"尚未办理“{'”“'.join(STEPS[s] for s in missing)}”，不能办理“{STEPS[step]}”",
        )


def allowed_steps(done: frozenset[str], applicable: frozenset[str]) -> list[str]:
    out = []
    for step in ORDER:
        try:
            check_step(done, applicable, step)
        except RuleError:
            continue
        out.append(step)
    return out


def state_of(done: frozenset[str]) -> str:
    for step, state in (
        (ARCHIVE, "archived"),
        (PUBLISH, "published"),
        (COLLECTIVE, "decided"),
        (LEGALITY, "reviewed"),
    ):
        if step in done:
            return state
    if done - {LAUNCH}:
        return "in_procedure"
    return "launched"


# ---------------------------------------------------------------- periods


def comment_period_min_end(start: date, cal: WorkCalendar) -> date:
    """The earliest end of a 30-day comment period opened on `start` (the start day not
    counted; a last day that is not a working day rolls to the next working day)."""
    return add_calendar_days(start, MIN_COMMENT_DAYS, calendar=cal)


def check_comment_period(start: date, end: date, reason: str, cal: WorkCalendar) -> None:
    if end <= start:
        raise RuleError("comment_end", "征求意见截止日期应晚于开始日期")
    least = comment_period_min_end(start, cal)
    if end < least and not (reason or "").strip():
        days = (end - start).days
        raise RuleError(
            "comment_reason",
            f"征求意见期限为 {days} 日，少于 {MIN_COMMENT_DAYS} 日（应至少到 {least}）："
            "须书面说明缩短期限的理由（第十五条）",
        )


def review_min_due(sent_on: date, cal: WorkCalendar) -> date:
    return cal.add_workdays(sent_on, MIN_REVIEW_WORKDAYS)


def check_review_period(sent_on: date, due_on: date, cal: WorkCalendar) -> None:
    least = review_min_due(sent_on, cal)
    if due_on < least:
        have = cal.workdays_between(sent_on, due_on)
        raise RuleError(
            "review_due",
            f"合法性审查期限为 {have} 个工作日，不得少于 {MIN_REVIEW_WORKDAYS} 个工作日"
            f"（送审 {sent_on}，最早 {least}；第二十七条）",
        )
