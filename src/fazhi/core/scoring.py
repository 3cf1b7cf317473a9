"""How a self-assessment totals, by the table's own rules. Decimal only, never floats."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from . import validate
from .errors import RuleError
from .framework import BONUS, SCORED, VETO, Indicator
from .rules import rule_score

ZERO = Decimal(0)
# ASCII decimal notation only: Decimal() would also take "4_5" and full-width digits.
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")
MAX_CASES = 999


@dataclass(frozen=True)
class ResultInput:
    """What the zone entered for one item."""

    self_score: Decimal | None = None
    cases: int = 0
    raised: bool = False
    points: Decimal | None = None  # office-set value where the framework prints none
    count: int | None = None  # shortfalls, for an item with a per_shortfall rule
    value: Decimal | None = None  # measured value, for a tiers or proportional rule
    not_applicable: bool = False  # 不适用: leaves both the score and the maximum
    override: Decimal | None = None  # the office's adjusted score (with a reason)


@dataclass
class GroupTotal:
    code: str
    title: str
    max_points: Decimal = ZERO  # sum of scored items' max points beneath
    declared_max: Decimal | None = None
    scored: Decimal = ZERO
    items_total: int = 0  # scored items beneath
    items_done: int = 0  # scored items with a score, or marked not applicable
    bonus: Decimal = ZERO
    deduction: Decimal = ZERO
    applicable_max: Decimal = ZERO  # max_points without the items marked not applicable


@dataclass
class Totals:
    scored: Decimal = ZERO
    scored_max: Decimal = ZERO
    bonus: Decimal = ZERO
    deduction: Decimal = ZERO
    final: Decimal = ZERO
    disqualified: bool = False
    vetoes: list[str] = field(default_factory=list)
    unset: list[str] = field(default_factory=list)  # items that apply but whose points are not set
    items_total: int = 0
    items_done: int = 0
    groups: dict[str, GroupTotal] = field(default_factory=dict)
    applicable_max: Decimal = ZERO
    scaled: Decimal = ZERO  # final rescaled to scored_max when items are not applicable
    not_applicable: list[str] = field(default_factory=list)  # codes marked 不适用


def item_score(ind: Indicator, res: ResultInput) -> Decimal | None:
    """A scored item's score: the office's override, else the rule's result from the
    input, else the self score; None while nothing is entered."""
    if res.override is not None:
        return res.override
    if ind.rule is not None:
        x = res.count if ind.rule.input_field == "count" else res.value
        if x is None:
            return None
        return rule_score(ind.rule, ind.max_points or ZERO, ind.min_points, x)
    return res.self_score


def computed_score(ind: Indicator, res: ResultInput) -> Decimal | None:
    """What the rule or the self score gives, before any override."""
    return item_score(ind, replace(res, override=None))


def scale(final: Decimal, full: Decimal, applicable: Decimal) -> Decimal:
    """按比例折算: final × full / applicable, 2 decimals half up; final itself when
    nothing was left out (or everything was, when there is nothing to scale by)."""
    if applicable == full or applicable == 0:
        return final
    return (final * full / applicable).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def unit_of(ind: Indicator, res: ResultInput) -> tuple[Decimal | None, bool]:
    """(points, per_case) for a bonus or deduction item; points None when not yet set."""
    per_case = ind.unit_declared == "points_per_case" or (
        ind.unit_declared is None and ind.points_per_case is not None
    )
    declared = ind.points_per_case if per_case else ind.points
    return (declared if declared is not None else res.points), per_case


def case_amount(ind: Indicator, res: ResultInput) -> Decimal | None:
    """Points one bonus or deduction item contributes before group caps; None when unset."""
    if res.cases <= 0:
        return ZERO
    unit, per_case = unit_of(ind, res)
    if unit is None:
        return None
    amount = unit * res.cases if per_case else unit
    if ind.cap is not None:
        amount = min(amount, ind.cap)
    return amount


def compute_totals(
    indicators, results: Mapping[str, ResultInput], blocks: frozenset[str] | set[str] = frozenset()
) -> Totals:
    """Totals per group and overall.

    final = scored + bonus - deduction. The table sets no floor, so none is invented:
    a final below zero is shown as it is. A raised veto marks the assessment
    disqualified; its total is still computed and shown. Of a `choose: one` group only
    the alternatives named in `blocks` count; an item or group marked not applicable
    leaves both the score and the maximum (it counts as done).
    """
    totals = Totals()
    empty = ResultInput()

    def visit(ind: Indicator, top: GroupTotal | None, na: bool) -> tuple[Decimal, Decimal]:
        """Return (bonus, deduction) beneath ind after caps; accumulate scored into totals."""
        res = results.get(ind.code, empty)
        if res.not_applicable and ind.optional and not na:
            na = True
            totals.not_applicable.append(ind.code)
        if ind.is_group:
            bonus = deduction = ZERO
            for child in ind.children:
                if ind.choose and child.code not in blocks:
                    continue
                b, d = visit(child, top, na)
                bonus += b
                deduction += d
            if ind.cap is not None:
                bonus, deduction = min(bonus, ind.cap), min(deduction, ind.cap)
            return bonus, deduction
        if ind.kind == SCORED:
            most = ind.max_points or ZERO
            totals.items_total += 1
            totals.scored_max += most
            if top:
                top.items_total += 1
                top.max_points += most
            score = None if na else item_score(ind, res)
            if na or score is not None:
                totals.items_done += 1
                if top:
                    top.items_done += 1
            if not na:
                totals.applicable_max += most
                if top:
                    top.applicable_max += most
            if score is not None:
                totals.scored += score
                if top:
                    top.scored += score
            return ZERO, ZERO
        if na:
            return ZERO, ZERO
        if ind.kind == VETO:
            if res.raised:
                totals.vetoes.append(ind.code)
            return ZERO, ZERO
        amount = case_amount(ind, res)
        if amount is None:
            totals.unset.append(ind.code)
            amount = ZERO
        return (amount, ZERO) if ind.kind == BONUS else (ZERO, amount)

    for ind in indicators:
        top = None
        if ind.is_group:
            top = GroupTotal(code=ind.code, title=ind.title, declared_max=ind.declared_max)
            totals.groups[ind.code] = top
        bonus, deduction = visit(ind, top, False)
        if top:
            top.bonus, top.deduction = bonus, deduction
        totals.bonus += bonus
        totals.deduction += deduction

    totals.disqualified = bool(totals.vetoes)
    totals.final = totals.scored + totals.bonus - totals.deduction
    totals.scaled = scale(totals.final, totals.scored_max, totals.applicable_max)
    return totals


def _to_decimal(value, field_name: str, label: str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise RuleError(field_name, f"{label}必须是数字")
    if isinstance(value, Decimal):
        d = value
    else:
        text = str(value).strip()
        if not _NUMBER_RE.match(text):
            raise RuleError(field_name, f"{label}必须是数字")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise RuleError(field_name, f"{label}必须是数字") from None
    if not d.is_finite():
        raise RuleError(field_name, f"{label}必须是数字")
    return d + 0  # "-0" becomes 0


def _fmt(d: Decimal) -> str:
    return format(d.normalize(), "f")


def parse_points(
    value, field_name: str, label: str, maximum: Decimal | None = None, minimum: Decimal = ZERO
) -> Decimal:
    """A points value: a number, minimum <= value <= maximum, at most 2 decimals."""
    d = _to_decimal(value, field_name, label)
    if d < minimum:
        raise RuleError(field_name, f"{label}不能小于 {_fmt(minimum)}")
    if maximum is not None and d > maximum:
        raise RuleError(field_name, f"{label}不能超过分值 {_fmt(maximum)}")
    if d >= Decimal("1000"):  # before quantize, which overflows on huge values
        raise RuleError(field_name, f"{label}不能超过 999.99")
    if d != d.quantize(Decimal("0.01")):
        raise RuleError(field_name, f"{label}最多保留 2 位小数")
    return d.quantize(Decimal("0.01"))


def parse_self_score(value, max_points: Decimal, min_points: Decimal = ZERO) -> Decimal:
    return parse_points(value, "self_score", "自评分", max_points, min_points)


def parse_cases(value) -> int:
    """A number of cases: a whole number from 0 to MAX_CASES."""
    return validate.count(value, "cases", "起数", MAX_CASES)


def format_points(d: Decimal | None) -> str:
    """Points as a person writes them: 5, 4.5, 4.25 (no trailing zeros)."""
    if d is None:
        return ""
    return _fmt(d)
