"""学习、培训、宣传、专题研究 (items 1, 2, 4, 5, 14): what each item asks, against the
activities a zone held in the year. Pure Python.

The table gives no scoring rule for these items (5 or 10 points, no tiers), so nothing is
proposed: the figures are shown with what the item asks and lacks, named."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import RuleError

PLAN, RESEARCH, STUDY, NEW_STAFF, TRAINING, PUBLICITY = (
    "plan",
    "research",
    "study",
    "new_staff",
    "training",
    "publicity",
)
KINDS = {
    PLAN: "年度科技工作计划部署（含法治建设）",
    RESEARCH: "党工委会/管委会专题研究",
    STUDY: "法治专题学习",
    NEW_STAFF: "新进人员法律培训",
    TRAINING: "日常法律培训",
    PUBLICITY: "法治宣传活动",
}
# The item of the seed table each kind backs.
ITEM_OF = {PLAN: "1", RESEARCH: "2", STUDY: "4", NEW_STAFF: "5", TRAINING: "5", PUBLICITY: "14"}
PLANNED, HELD = "planned", "held"
STATUSES = {PLANNED: "计划中", HELD: "已开展"}


@dataclass(frozen=True)
class Requirement:
    kind: str
    at_least: int  # held in the year
    what: str  # the item's words, for the missing line
    needs_file: str  # the evidence the item names ("" when none)


# What each item asks, in the table's words (evidence column included).
REQUIREMENTS: dict[str, tuple[Requirement, ...]] = {
    "1": (
        Requirement(
            PLAN, 1, "年度科技工作计划（纳入科技创新法治建设并安排部署）", "计划及安排部署文件"
        ),
    ),
    "2": (Requirement(RESEARCH, 1, "每年对科技创新依法行政重点工作进行专题研究", "会议纪要"),),
    "4": (Requirement(STUDY, 1, "每年开展法治专题学习 1 次以上", "通知、签到表、学习记录"),),
    "5": (
        Requirement(NEW_STAFF, 1, "新进人员培训设置法律专题课程", "培训计划、课程资料及签到表"),
        Requirement(TRAINING, 1, "日常工作培训设置法律专题课程", "培训计划、课程资料及签到表"),
    ),
    "14": (Requirement(PUBLICITY, 1, "开展科技法治宣传教育活动", "活动方案、图片及报道"),),
}


@dataclass(frozen=True)
class Held:
    """One activity as the rules see it."""

    kind: str
    held_on: date
    status: str
    files: int
    attendees: int  # the org's users who attended + the public headcount


def check_status(status: str, held_on: date, today: date) -> str:
    """An activity recorded as held cannot be dated after today."""
    if not isinstance(status, str) or status not in STATUSES:
        raise RuleError("status", "状态只能是：" + "、".join(STATUSES.values()))
    if status == HELD and held_on > today:
        raise RuleError("held_on", f"已开展的活动日期不能晚于今天（{today.isoformat()}）")
    return status


def missing_for(code: str, items: list[Held], year: int) -> list[str]:
    """What item `code` asks for in `year` and the activities do not show, named."""
    missing = []
    for req in REQUIREMENTS.get(code, ()):
        held = [
            a for a in items if a.kind == req.kind and a.status == HELD and a.held_on.year == year
        ]
        if len(held) < req.at_least:
            missing.append(
                f"{req.what}：{year} 年已开展 {len(held)} 次，至少应有 {req.at_least} 次"
            )
        elif req.needs_file and not any(a.files for a in held):
            missing.append(f"{KINDS[req.kind]}未上传佐证材料（{req.needs_file}）")
    return missing
