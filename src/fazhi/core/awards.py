"""表彰与推广 (bonus items 15 and 16): which records count, and the proposed case count.

The table: item 15 "获得省部级以上表彰、奖励、批示" (so 省部级 and 国家级 count, 市级 does not);
item 16 "有关做法经验在全国范围内推广" (national adoption only). Both print "——" for points:
the proposal is a case count; the office sets the points per case on the item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .errors import RuleError

NATIONAL, PROVINCIAL, CITY = "national", "provincial", "city"
LEVELS = {NATIONAL: "国家级", PROVINCIAL: "省部级", CITY: "市级"}
AWARD, INSTRUCTION, PRACTICE = "award", "instruction", "practice"
KINDS = {AWARD: "表彰、奖励", INSTRUCTION: "批示", PRACTICE: "经验做法推广"}


@dataclass(frozen=True)
class Honour:
    kind: str
    level: str
    on: date


def check_level(level: str) -> str:
    if not isinstance(level, str) or level not in LEVELS:
        raise RuleError("level", "级别只能是：" + "、".join(LEVELS.values()))
    return level


def check_kind(kind: str) -> str:
    if not isinstance(kind, str) or kind not in KINDS:
        raise RuleError("kind", "类别只能是：" + "、".join(KINDS.values()))
    return kind


def counts_for(code: str, h: Honour) -> bool:
    """Whether a record counts for item `code` ("15" or "16")."""
    if code == "15":
        return h.kind in (AWARD, INSTRUCTION) and h.level in (NATIONAL, PROVINCIAL)
    if code == "16":
        return h.kind == PRACTICE and h.level == NATIONAL
    return False


RULES = {
    "15": "省部级以上（省部级、国家级）表彰、奖励、批示，每件计 1 起；市级不计",
    "16": "做法经验在全国范围内推广（国家级），每件计 1 起；省级、市级推广不计",
}


def case_count(code: str, honours: list[Honour], year: int) -> tuple[Decimal, str]:
    """(count of the year's records that count for the item, the rule in words)."""
    n = sum(1 for h in honours if h.on.year == year and counts_for(code, h))
    return Decimal(n), f"{RULES[code]}：{year} 年共 {n} 起"
