"""Rules of the review chain (申报 → 转报 → 评审 → 公示 → 命名). Pure, Decimal only.

A lawyer or an assessor can check each of these against the campaign notice: how a panel's
score is aggregated, how applications rank, when an item is flagged, who must stand down,
when a publicity period ends, what a 发文字号 looks like.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .errors import RuleError
from .workdays import WorkCalendar

CENT = Decimal("0.01")
TRIM_FROM = 5  # panels of this size or more drop one highest and one lowest total
FLAG_SHARE = Decimal("0.4")  # experts differing by more than 40% of an item's maximum

# 发文字号: 机关代字〔年份〕序号号, e.g. 资科〔2020〕14号, 川科规〔2019〕15号 (GB/T 9704 7.2.4).
DOC_NO_RE = re.compile(
    r"^(?P<code>[\u4e00-\u9fff]{1,10})〔(?P<year>\d{4})〕(?P<seq>[1-9]\d{0,4})号$"
)


def parse_doc_no(text, field: str = "doc_no") -> str:
    """A 发文字号 as printed: 六角括号〔〕 around the year, the serial number without leading zeros."""
    value = "" if text is None else str(text).strip()
    if not value:
        raise RuleError(field, "请填写发文字号，例如 资科〔2020〕14号")
    if DOC_NO_RE.match(value):
        return value
    if re.search(r"[\[\]()（）【】]", value):
        raise RuleError(field, f"发文字号“{value}”的年份须用六角括号〔〕，例如 资科〔2020〕14号")
    raise RuleError(
        field, f"发文字号“{value}”格式不正确：应为 机关代字〔年份〕序号号，例如 资科〔2020〕14号"
    )


def round_points(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def panel_score(totals: Sequence[Decimal]) -> Decimal:
    """The panel's score: the mean of the experts' final totals, after dropping one highest and
    one lowest when the panel has TRIM_FROM or more experts; 2 decimals, half up."""
    if not totals:
        raise RuleError("experts", "评审组还没有专家提交评分")
    ordered = sorted(totals)
    if len(ordered) >= TRIM_FROM:
        ordered = ordered[1:-1]
    return round_points(sum(ordered, Decimal(0)) / len(ordered))


def flagged(scores: Sequence[Decimal], max_points: Decimal) -> bool:
    """An item is flagged when the experts' scores differ by more than 40% of its maximum."""
    if len(scores) < 2 or not max_points:
        return False
    return max(scores) - min(scores) > FLAG_SHARE * max_points


def flagged_items(
    scores: Mapping[str, Sequence[Decimal]], max_points: Mapping[str, Decimal]
) -> list[str]:
    return [code for code, s in scores.items() if flagged(s, max_points.get(code) or Decimal(0))]


def majority_veto(raised: int, panel_size: int) -> bool:
    """A veto disqualifies the application when more than half of the panel raises it."""
    return panel_size > 0 and 2 * raised > panel_size


@dataclass(frozen=True)
class RankEntry:
    key: object  # the application
    panel_score: Decimal
    scored: Decimal = Decimal(0)  # the panel's mean of scored items (first tie-breaker)
    bonus: Decimal = Decimal(0)  # the panel's mean bonus (second tie-breaker)
    disqualified: bool = False


@dataclass(frozen=True)
class Ranked:
    entry: RankEntry
    rank: int | None  # None when disqualified: not ranked
    above_threshold: bool
    within_quota: bool


def rank(
    entries: Iterable[RankEntry], threshold: Decimal, quota: int | None = None
) -> list[Ranked]:
    """Rank by panel score; ties broken by the higher scored total, then the higher bonus;
    still equal, equal rank (1, 1, 3). Disqualified applications are listed last, unranked.
    Within the quota: ranked, at or above the threshold, and rank <= quota."""
    entries = list(entries)
    qualified = sorted(
        (e for e in entries if not e.disqualified),
        key=lambda e: (e.panel_score, e.scored, e.bonus),
        reverse=True,
    )
    out: list[Ranked] = []
    previous, current = None, 0
    for position, e in enumerate(qualified, 1):
        sort_key = (e.panel_score, e.scored, e.bonus)
        if sort_key != previous:
            current, previous = position, sort_key
        above = e.panel_score >= threshold
        out.append(Ranked(e, current, above, above and (quota is None or current <= quota)))
    out.extend(Ranked(e, None, False, False) for e in entries if e.disqualified)
    return out


def stand_down(same_side: bool, declared: bool, side: str, subject: str) -> str | None:
    """The conflict rule (回避): why an expert may not score an application, or None. An expert
    from the applicant's side (`side` names it) must stand down, and so must one who declared
    an interest in it (`subject`). The province's panels and the zones' project reviews
    (ledgers.project_steps) both apply it."""
    if same_side:
        return f"来自{side}"
    if declared:
        return f"已声明与{subject}存在利害关系"
    return None


def conflict_reason(
    expert_org_path: str, city_path: str, declared_zone_ids: Iterable[int], zone_id: int
) -> str | None:
    """Why an expert must stand down (回避) from a zone's panel, or None.

    Org paths are materialised ("/1/5/"): an expert from the applicant's city bureau, or from
    any org under it (the zone itself, its departments), is conflicted; so is an expert who
    declared an interest in the zone."""
    return stand_down(
        expert_org_path.startswith(city_path),
        zone_id in set(declared_zone_ids),
        "申报园区所在市或其下属单位",
        "该园区",
    )


def publicity_ends(starts_on: date, days: int, calendar: WorkCalendar) -> date:
    """公示 ends on the N-th working day after its start (the start itself not counted)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 30:
        raise RuleError("publicity_days", "公示期须为 1 至 30 个工作日")
    return calendar.add_workdays(starts_on, days)


def window_open(opens_on: date, closes_on: date, today: date) -> bool:
    return opens_on <= today <= closes_on


# After naming (动态管理): a yearly review; below the threshold the zone rectifies by a due
# date (限期整改) and is reviewed again; failing that second review revokes the title.
PASSED, RECTIFY, REVOKED = "passed", "rectify", "revoked"


def annual_outcome(score: Decimal, threshold: Decimal, second_round: bool) -> str:
    if score >= threshold:
        return PASSED
    return REVOKED if second_round else RECTIFY
