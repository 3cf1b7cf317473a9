"""Rules inside a scored item (评分规则), as printed tables state them in words.

per_shortfall: "每少一次扣0.5分，扣完为止" — input `count`;
tiers:         "≥95% 得3分、≥90% 得2分"   — input `value`;
proportional:  "按完成比例得分"            — input `value` (0–100).
Pure and Decimal-only: the engine, the pages, the API and the xlsx export share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import validate
from .errors import RuleError

PER_SHORTFALL = "per_shortfall"
TIERS = "tiers"
PROPORTIONAL = "proportional"
RULE_KINDS = (PER_SHORTFALL, TIERS, PROPORTIONAL)
MAX_COUNT = 999  # a count beyond this is a typing error, not a shortfall count
MAX_VALUE = Decimal("999999.99")
CENT = Decimal("0.01")
_NUMBER_RE = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


@dataclass(frozen=True)
class Rule:
    kind: str
    per_shortfall: Decimal | None = None
    max_count: int | None = None
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (threshold, points), thresholds decreasing
    unit: str = ""

    @property
    def input_field(self) -> str:
        """Which input the item takes instead of a self score."""
        return "count" if self.kind == PER_SHORTFALL else "value"

    def to_dict(self) -> dict:
        """JSON-ready, numbers as strings (stored in the database and in the digest)."""
        if self.kind == PER_SHORTFALL:
            out: dict = {PER_SHORTFALL: _fmt(self.per_shortfall)}
            if self.max_count is not None:
                out["max_count"] = self.max_count
            return out
        if self.kind == TIERS:
            out = {TIERS: [[_fmt(t), _fmt(p)] for t, p in self.tiers]}
            if self.unit:
                out["unit"] = self.unit
            return out
        return {PROPORTIONAL: True}

    @classmethod
    def from_dict(cls, data: dict | None) -> Rule | None:
        if not data:
            return None
        if PER_SHORTFALL in data:
            return cls(PER_SHORTFALL, Decimal(data[PER_SHORTFALL]), data.get("max_count"))
        if TIERS in data:
            tiers = tuple((Decimal(t), Decimal(p)) for t, p in data[TIERS])
            return cls(TIERS, tiers=tiers, unit=data.get("unit", ""))
        return cls(PROPORTIONAL)


def _fmt(d: Decimal | None) -> str:
    if d is None:
        return ""
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_score(rule: Rule, max_points: Decimal, min_points: Decimal, x) -> Decimal:
    """The item's score from its input (`count` or `value`), always within
    [min_points, max_points]."""
    if rule.kind == PER_SHORTFALL:
        counted = x if rule.max_count is None else min(x, rule.max_count)  # 最多计 N 次
        return max(min_points, max_points - Decimal(counted) * rule.per_shortfall)
    if rule.kind == TIERS:
        for threshold, points in rule.tiers:
            if threshold <= x:
                return max(min_points, points)
        return min_points
    score = (max_points * Decimal(x) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(min_points, min(max_points, score))


def parse_count(value, rule: Rule) -> int:
    """A shortfall count as it happened: a whole number from 0 to MAX_COUNT (a rule's
    max_count limits what is counted, not what may be entered)."""
    return validate.count(value, "count", "次数", MAX_COUNT)


def parse_value(value, rule: Rule) -> Decimal:
    """A measured value: a number >= 0 with at most 2 decimals; 0–100 for proportional."""
    label = "完成比例" if rule.kind == PROPORTIONAL else "数值"
    if isinstance(value, bool) or value is None:
        raise RuleError("value", f"{label}必须是数字")
    if isinstance(value, Decimal):
        d = value
    else:
        text = str(value).strip()
        if not _NUMBER_RE.match(text):
            raise RuleError("value", f"{label}必须是数字")
        d = Decimal(text)
    if not d.is_finite():
        raise RuleError("value", f"{label}必须是数字")
    d += 0  # "-0" becomes 0
    if d < 0:
        raise RuleError("value", f"{label}不能小于 0")
    limit = Decimal(100) if rule.kind == PROPORTIONAL else MAX_VALUE
    if d > limit:
        raise RuleError("value", f"{label}不能超过 {_fmt(limit)}")
    if d != d.quantize(CENT):
        raise RuleError("value", f"{label}最多保留 2 位小数")
    return d.quantize(CENT)


def describe(rule: Rule | None, max_points: Decimal | None, min_points: Decimal) -> str:
    """The rule in words, as printed beside the score ("" when the item has none)."""
    floor = f"最低 {_fmt(min_points)} 分（倒扣）" if min_points < 0 else ""
    if rule is None:
        return floor
    if rule.kind == PER_SHORTFALL:
        end = f"倒扣至 {_fmt(min_points)} 分为止" if min_points < 0 else "扣完为止"
        if min_points > 0:
            end = f"最低 {_fmt(min_points)} 分"
        cap = f"（最多计 {rule.max_count} 次）" if rule.max_count is not None else ""
        return f"每少一次扣 {_fmt(rule.per_shortfall)} 分，{end}{cap}"
    if rule.kind == TIERS:
        unit = rule.unit
        steps = "，".join(f"≥{_fmt(t)}{unit} 得 {_fmt(p)} 分" for t, p in rule.tiers)
        return f"{steps}，否则得 {_fmt(min_points)} 分"
    return f"按完成比例得分：{_fmt(max_points)} 分 × 完成比例（%），保留 2 位小数"
