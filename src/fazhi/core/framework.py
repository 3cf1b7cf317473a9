"""The scoring table (自查评分表) as plain data."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .rules import Rule

GROUP = "group"
SCORED = "scored"
BONUS = "bonus"
DEDUCTION = "deduction"
VETO = "veto"
KINDS = (GROUP, SCORED, BONUS, DEDUCTION, VETO)
ITEM_KINDS = (SCORED, BONUS, DEDUCTION, VETO)

# What a table is used for (the file's `purpose:` key): a zone's or department's self-assessment
# (the default), or the review of enforcement case files (案卷评查). Only self-assessment tables
# are offered for a new self-assessment, a department's annual sheet or a review campaign.
ASSESSMENT = "assessment"
FILE_REVIEW = "file_review"
PURPOSES = {ASSESSMENT: "自查评分表", FILE_REVIEW: "行政执法案卷评查表"}
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
    label: str = ""  # the number as printed, e.g. "（24）"; may repeat, unlike code
    min_points: Decimal = Decimal(0)  # floor of a scored item; negative means 倒扣
    rule: Rule | None = None  # the score is computed from an input (see core.rules)
    optional: bool = False  # the assessee may mark it 不适用 with a reason
    choose: str = ""  # "one": the children are alternative blocks, one per assessment
    org: str = ""  # on a block: the org code it belongs to (picked automatically)

    @property
    def is_group(self) -> bool:
        return self.kind == GROUP

    @property
    def shown_code(self) -> str:
        """What pages and exports print: the label if the table gives one."""
        return self.label or self.code


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
    """The most the scored items can give: the table's real total. Of a `choose: one`
    group only one alternative applies, so it counts its largest."""
    total = Decimal(0)
    for ind in indicators:
        if ind.choose:
            total += max((scored_max((c,)) for c in ind.children), default=Decimal(0))
        elif ind.is_group:
            total += scored_max(ind.children)
        elif ind.kind == SCORED:
            total += ind.max_points or Decimal(0)
    return total


def applicable(indicators, blocks=frozenset()) -> list[tuple[int, Indicator]]:
    """walk() without the alternatives of `choose: one` groups that were not chosen."""
    return list(walk(prune(indicators, blocks)))


def prune(indicators, blocks=frozenset()) -> tuple[Indicator, ...]:
    """The tree as one assessment sees it: unchosen alternatives of `choose: one` removed."""
    out = []
    for ind in indicators:
        children = ind.children
        if ind.choose:
            children = tuple(c for c in children if c.code in blocks)
        out.append(replace(ind, children=prune(children, blocks)) if ind.is_group else ind)
    return tuple(out)


def choose_groups(indicators) -> list[Indicator]:
    return [ind for _, ind in walk(indicators) if ind.choose]


def top_group_of(indicators, code: str) -> Indicator | None:
    """The level-1 group an item sits in (its totals and progress are kept per top group)."""
    for top in indicators:
        if top.is_group and any(ind.code == code for _, ind in walk(top.children)):
            return top
    return None


@dataclass(frozen=True)
class Discrepancy:
    """Where the printed table disagrees with itself: a group (code) or its total (None)."""

    code: str | None
    message: str
    line: int = 0


def _num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def discrepancies(indicators, declared_total: Decimal | None) -> list[Discrepancy]:
    """The printed maxima and totals that the items do not add up to. Nothing is corrected:
    the loader warns with these, the scoring page explains them, totals follow the items."""
    found = [
        Discrepancy(
            ind.code,
            f'指标组 "{ind.code}" 标注分值 {_num(ind.declared_max)}，'
            f"下属评分项合计 {_num(scored_max((ind,)))}",
            ind.line,
        )
        for _, ind in walk(indicators)
        if ind.is_group
        and ind.declared_max is not None
        and scored_max((ind,)) != ind.declared_max  # one alternative of a choose: one group
    ]
    if declared_total is None:
        return found
    computed = scored_max(indicators)
    if computed != declared_total:
        found.append(
            Discrepancy(
                None, f"标注总分 {_num(declared_total)} 与评分项合计 {_num(computed)} 不一致"
            )
        )
    maxima = [i.declared_max for i in indicators if i.is_group and i.declared_max is not None]
    if maxima and sum(maxima, Decimal(0)) != declared_total:
        found.append(
            Discrepancy(
                None,
                f"一级指标组标注分值合计 {_num(sum(maxima, Decimal(0)))}，"
                f"与标注总分 {_num(declared_total)} 不一致",
            )
        )
    return found
