"""The scoring table (自查评分表) as plain data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

GROUP = "group"
SCORED = "scored"
BONUS = "bonus"
DEDUCTION = "deduction"
VETO = "veto"
KINDS = (GROUP, SCORED, BONUS, DEDUCTION, VETO)
ITEM_KINDS = (SCORED, BONUS, DEDUCTION, VETO)
KIND_LABELS = {
    GROUP: "指标组",
    SCORED: "评分项",
    BONUS: "加分项",
    DEDUCTION: "扣分项",
    VETO: "一票否决项",
}


@dataclass(frozen=True)
class Indicator:
    """One row of the table. A group has children; an item has a kind.

    For bonus and deduction items, `points` is a fixed amount counted once when the
    item applies (cases >= 1) and `points_per_case` is counted per case. Either may be
    declared as null in the framework ("——" in print): the value is then set by the
    office on the assessment, and the item counts nothing until it is.
    """

    code: str
    title: str
    kind: str
    max_points: Decimal | None = None
    points: Decimal | None = None
    points_per_case: Decimal | None = None
    unit_declared: str | None = None  # "points" or "points_per_case": which key the framework used
    cap: Decimal | None = None
    declared_max: Decimal | None = None
    evidence: str = ""
    children: tuple[Indicator, ...] = field(default_factory=tuple)
    line: int = 0

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP


def walk(
    indicators: tuple[Indicator, ...] | list[Indicator], depth: int = 1
) -> Iterator[tuple[int, Indicator]]:
    """Yield (depth, indicator) in table order, groups before their children."""
    for ind in indicators:
        yield depth, ind
        yield from walk(ind.children, depth + 1)


def items(indicators) -> list[Indicator]:
    return [ind for _, ind in walk(indicators) if not ind.is_group]


def scored_max(indicators) -> Decimal:
    """The most the scored items can give: the table's real total."""
    return sum(
        (i.max_points or Decimal(0) for i in items(indicators) if i.kind == SCORED), Decimal(0)
    )


def top_group_of(indicators, code: str) -> Indicator | None:
    """The level-1 group an item sits in (its totals and progress are kept per top group)."""
    for top in indicators:
        if top.is_group and any(ind.code == code for _, ind in walk(top.children)):
            return top
    return None
