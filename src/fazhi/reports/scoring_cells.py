"""The 分值 and 自评分 cells in words: of a bonus or deduction item, and of a scored item
with a rule, a 倒扣 floor, 不适用 or an office override. Pure; the writer escapes the texts.

A plain scored item keeps its numbers (the 2019 table exports as before); anything
else is written in words beside the number, so the paper reads the way it scores."""

from __future__ import annotations

from decimal import Decimal

from fazhi.core.framework import BONUS, Indicator
from fazhi.core.rules import describe
from fazhi.core.scoring import ResultInput, case_amount, computed_score, format_points, unit_of


def max_cell(ind: Indicator) -> Decimal | str | None:
    """The maximum, with the rule in words when the item has one."""
    if ind.rule is None and ind.min_points >= 0:
        return ind.max_points
    return (
        f"{format_points(ind.max_points)}分（{describe(ind.rule, ind.max_points, ind.min_points)}）"
    )


def score_cell(ind: Indicator, res: ResultInput, na_reason: str, override_reason: str):
    """The score: a number for a plain entry, else the input and the score in words."""
    if res.not_applicable:
        return f"不适用：{na_reason}" if na_reason else "不适用"
    computed = computed_score(ind, res)
    if ind.rule is None and res.override is None:
        return computed
    text = ""
    if ind.rule is not None:
        if ind.rule.input_field == "count":
            given = "" if res.count is None else f"次数{res.count}"
        else:
            unit = ind.rule.unit if ind.rule.kind == "tiers" else "%"
            given = "" if res.value is None else f"{format_points(res.value)}{unit}"
        text = f"{given}，得{format_points(computed)}分" if given else "未填"
    if res.override is not None:
        before = f"（原{format_points(computed)}分）" if computed is not None else ""
        text = f"创建办调整为{format_points(res.override)}分{before}：{override_reason}"
    return text


def _verb_noun(ind: Indicator) -> tuple[str, str]:
    return ("加", "项") if ind.kind == BONUS else ("扣", "起")


def extra_rule_text(ind: Indicator, res: ResultInput) -> str:
    """The 分值 cell of a bonus or deduction item, in words."""
    verb, noun = _verb_noun(ind)
    unit, per_case = unit_of(ind, res)
    if unit is None:
        return f"{verb}分，分值未设定"
    text = (
        f"每{noun}{verb}{format_points(unit)}分" if per_case else f"{verb}{format_points(unit)}分"
    )
    if ind.cap is not None:
        text += f"，最高{format_points(ind.cap)}分"
    declared = ind.points_per_case if per_case else ind.points
    if declared is None:
        text += "（创建办设定）"
    return text


def contribution_text(ind: Indicator, res: ResultInput) -> str:
    """The 自评分 cell of a bonus or deduction item: cases and the points they give."""
    verb, noun = _verb_noun(ind)
    if res.cases <= 0:
        return f"0{noun}，不{verb}分"
    amount = case_amount(ind, res)
    if amount is None:
        return f"{res.cases}{noun}，分值未设定，未计分"
    text = f"{res.cases}{noun}，{verb}{format_points(amount)}分"
    unit, per_case = unit_of(ind, res)
    if (
        ind.cap is not None
        and unit is not None
        and (unit * res.cases if per_case else unit) > ind.cap
    ):
        text += "（已达上限）"
    return text
