"""What stands between a self-assessment and its submission (提交前检查)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .framework import BONUS, DEDUCTION, SCORED, Indicator, items
from .scoring import ResultInput


@dataclass(frozen=True)
class SubmitCheck:
    missing: list[Indicator]  # scored items without a self score: submission is refused
    without_evidence: list[Indicator]  # items that count but have no file: a warning

    @property
    def ready(self) -> bool:
        return not self.missing


def _counts(ind: Indicator, res: ResultInput) -> bool:
    """Whether the item changes the total, so that an assessor will ask for its evidence."""
    if ind.kind == SCORED:
        return res.self_score is not None and res.self_score > 0
    if ind.kind in (BONUS, DEDUCTION):
        return res.cases > 0
    return res.raised


def submit_check(
    indicators, results: Mapping[str, ResultInput], evidence: Mapping[str, int]
) -> SubmitCheck:
    """`evidence`: how many files each item has, by code (absent = none)."""
    empty = ResultInput()
    rows = [(ind, results.get(ind.code, empty)) for ind in items(indicators)]
    return SubmitCheck(
        missing=[ind for ind, res in rows if ind.kind == SCORED and res.self_score is None],
        without_evidence=[
            ind for ind, res in rows if _counts(ind, res) and not evidence.get(ind.code)
        ],
    )


def missing_message(check: SubmitCheck) -> str:
    codes = "、".join(ind.code for ind in check.missing)
    return f"还有 {len(check.missing)} 项评分项未填写自评分（第 {codes} 项），填完后才能提交"
