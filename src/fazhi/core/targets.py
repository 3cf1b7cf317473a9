"""主体考核目标 (item 13): reporting periods, completion rates and the proposed score.

Pure Python. A department reports, for each period of its indicator, the figure accumulated
since the start of the year (1—N 月累计, as statistical returns are made); the latest report is
the indicator's actual figure. Completion = actual / target; an indicator above its target
counts as 100% towards the score (超额不加分), so the weighted rate lies in 0..1 and the
proposal never exceeds the item's points.

The table prints no scoring rule for item 13 beyond "完成园区(基地)主体考核目标任务" (29 分):
the proposal is proportional to the weighted completion rate, the rule the issue names as
default, and the rule text says so, so that the office can accept or change it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from .errors import RuleError

MONTHLY, QUARTERLY = "monthly", "quarterly"
FREQUENCIES = {MONTHLY: "按月", QUARTERLY: "按季度"}
# Words accepted for the frequency in an imported sheet.
FREQUENCY_WORDS = {
    "monthly": MONTHLY,
    "月": MONTHLY,
    "按月": MONTHLY,
    "每月": MONTHLY,
    "quarterly": QUARTERLY,
    "季": QUARTERLY,
    "季度": QUARTERLY,
    "按季": QUARTERLY,
    "按季度": QUARTERLY,
    "每季度": QUARTERLY,
}
ONE = Decimal(1)
HUNDRED = Decimal(100)
MAX_TARGET = Decimal("1e12")


@dataclass(frozen=True)
class Period:
    key: str  # 2026-03 (a month) or 2026-Q1 (a quarter)
    label: str  # 2026年3月 / 2026年第1季度
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def periods(year: int, frequency: str) -> list[Period]:
    """The reporting periods of a year, in order."""
    if frequency == MONTHLY:
        return [
            Period(f"{year}-{m:02d}", f"{year}年{m}月", date(year, m, 1), _month_end(year, m))
            for m in range(1, 13)
        ]
    if frequency == QUARTERLY:
        return [
            Period(
                f"{year}-Q{q}",
                f"{year}年第{q}季度",
                date(year, 3 * q - 2, 1),
                _month_end(year, 3 * q),
            )
            for q in range(1, 5)
        ]
    raise RuleError("frequency", "填报频次只能是：" + "、".join(FREQUENCIES.values()))


def period_of(key: str, year: int, frequency: str, today: date) -> Period:
    """The period named by `key` in the target's year; refused when it is of another year or
    frequency, or has not begun (an actual figure for a future period)."""
    key = (key or "").strip()
    found = next((p for p in periods(year, frequency) if p.key == key), None)
    if found is None:
        example = f"{year}-03" if frequency == MONTHLY else f"{year}-Q1"
        raise RuleError(
            "period", f"填报期间应为 {year} 年的{FREQUENCIES[frequency]}期间，如 {example}"
        )
    if found.start > today:
        raise RuleError("period", f"{found.label}尚未开始，不能填报实际完成数")
    return found


def due_periods(year: int, frequency: str, today: date) -> list[Period]:
    """The periods of the year that have ended by `today` (a report is owed for each)."""
    return [p for p in periods(year, frequency) if p.end < today]


def parse_amount(value, field: str, label: str, *, positive: bool) -> Decimal:
    """A decimal figure: a target must be > 0, an actual figure ≥ 0."""
    if isinstance(value, bool) or value in (None, ""):
        raise RuleError(field, f"请填写{label}")
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except ArithmeticError:
        raise RuleError(field, f"{label}必须是数字") from None
    if not d.is_finite():
        raise RuleError(field, f"{label}必须是数字")
    if positive and d <= 0:
        raise RuleError(field, f"{label}必须大于 0")
    if d < 0:
        raise RuleError(field, f"{label}不能为负数")
    if d >= MAX_TARGET:
        raise RuleError(field, f"{label}不能超过 {MAX_TARGET:,.0f}")
    if -d.as_tuple().exponent > 4:
        raise RuleError(field, f"{label}最多保留 4 位小数")
    return d


def completion(actual: Decimal | None, target: Decimal) -> Decimal | None:
    """actual / target (not capped), None when nothing was reported."""
    if actual is None:
        return None
    if target <= 0:
        raise ValueError("target must be positive")
    return actual / target


def weighted_rate(rows: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    """Σ weight × min(rate, 1) / Σ weight over (weight, rate) pairs; an indicator without a
    report counts as 0. None when there is no weight at all."""
    total = sum((w for w, _ in rows), Decimal(0))
    if total <= 0:
        return None
    done = sum((w * min(r or Decimal(0), ONE) for w, r in rows), Decimal(0))
    return done / total


def as_percent(rate: Decimal | None) -> int | None:
    """A rate as whole percent, rounded down (a light compares it with 序时进度)."""
    if rate is None:
        return None
    return int(min(rate, Decimal(10)) * HUNDRED)


@dataclass(frozen=True)
class TargetProposal:
    value: Decimal
    rule: str


def propose(max_points: Decimal, rate: Decimal | None) -> TargetProposal | None:
    """The proportional proposal: max_points × weighted rate, to 0.01 (四舍五入)."""
    if rate is None:
        return None
    rate = max(Decimal(0), min(rate, ONE))
    value = (Decimal(max_points) * rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    shown = (rate * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    points = Decimal(max_points).normalize()
    return TargetProposal(
        value,
        f"按加权完成率比例计分：{points} 分 × {shown}% = {value} 分"
        "（各指标完成率 = 实际完成数 ÷ 目标值，超额按 100% 计；未填报的指标按 0 计）",
    )
