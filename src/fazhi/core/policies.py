"""政策清单 (item 9): national and provincial policies the zone applies, each with its
supporting measure (配套措施) and what enterprises received. Pure.

Item 9 asks "全面落实国家和省出台的各项改革举措和政策措施,加强各类创新政策的衔接配套": a
policy counts as 配套 when the zone has issued a measure for it; a policy without one is a gap,
named. The table gives no scoring rule, so nothing is proposed."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import RuleError

LEVELS = {"national": "国家", "provincial": "省"}
MEASURE_STATUSES = {"drafting": "制定中", "issued": "已出台", "repealed": "已废止"}


def check_level(level: str) -> str:
    if not isinstance(level, str) or level not in LEVELS:
        raise RuleError("level", "政策层级只能是：" + "、".join(LEVELS.values()))
    return level


def check_status(status: str) -> str:
    if not isinstance(status, str) or status not in MEASURE_STATUSES:
        raise RuleError("status", "配套措施状态只能是：" + "、".join(MEASURE_STATUSES.values()))
    return status


@dataclass(frozen=True)
class PolicyState:
    title: str
    measures: tuple[str, ...]  # the statuses of its measures


def supported(p: PolicyState) -> bool:
    return "issued" in p.measures


def gaps(policies: list[PolicyState]) -> list[str]:
    """Each policy without an issued measure, with why."""
    out = []
    for p in policies:
        if supported(p):
            continue
        if "drafting" in p.measures:
            out.append(f"《{p.title}》的配套措施尚在制定中")
        else:
            out.append(f"《{p.title}》没有配套措施")
    return out
