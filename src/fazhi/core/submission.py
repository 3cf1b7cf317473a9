"""What stands between a self-assessment and its submission (提交前检查)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .framework import BONUS, DEDUCTION, SCORED, Indicator, prune
from .scoring import ResultInput, item_score


@dataclass(frozen=True)
class SubmitCheck:
    missing: list[Indicator]  # scored items with nothing entered: submission is refused
    without_evidence: list[Indicator]  # items that count but have no file: a warning

    @property
    def ready(self) -> bool:
        return not self.missing


def _counts(ind: Indicator, res: ResultInput) -> bool:
    """Whether the item changes the total, so that an assessor will ask for its evidence."""
    if ind.kind == SCORED:
        score = item_score(ind, res)
        return score is not None and score != 0  # a 倒扣 below zero needs its proof too
    if ind.kind in (BONUS, DEDUCTION):
        return res.cases > 0
    return res.raised


def unfilled(ind: Indicator, res: ResultInput) -> bool:
    """A scored item that still waits for its entry (a self score, or its rule's input)."""
    return ind.kind == SCORED and not res.not_applicable and item_score(ind, res) is None


def submit_check(
    indicators,
    results: Mapping[str, ResultInput],
    evidence: Mapping[str, int],
    blocks: frozenset[str] = frozenset(),
) -> SubmitCheck:
    """`evidence`: how many files each item has, by code (absent = none). Only the chosen
    alternatives of a `choose: one` group count, and nothing under what is 不适用."""
    empty = ResultInput()
    rows: list[tuple[Indicator, ResultInput]] = []

    def visit(ind: Indicator) -> None:
        res = results.get(ind.code, empty)
        if ind.optional and res.not_applicable:
            return
        if not ind.is_group:
            rows.append((ind, res))
        for child in ind.children:
            visit(child)

    for ind in prune(indicators, blocks):  # the chosen alternatives only
        visit(ind)
    return SubmitCheck(
        missing=[ind for ind, res in rows if unfilled(ind, res)],
        without_evidence=[
            ind for ind, res in rows if _counts(ind, res) and not evidence.get(ind.code)
        ],
    )


def missing_message(check: SubmitCheck) -> str:
    codes = "、".join(ind.code for ind in check.missing)
    return f"还有 {len(check.missing)} 项评分项未填写自评分（第 {codes} 项），填完后才能提交"
