"""科技计划项目 (item 10): the stages of a project as a table of allowed transitions, the
funds rule (paid never above the budget, spent never above what was paid), the experts'
conflict check (the province review's rule), changes during 执行, the 绩效评价 figures and
the flags an office chases (acceptance overdue, funds unspent, applicant with a credit
breach). Pure.

申报 → 形式审查 → 专家评审 → 立项 → 执行 → 验收 → 绩效评价; 不予立项 ends it early. A change
(变更) is not a step of the table: it is requested during 执行 and alters the project only
once the office approves it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from . import review
from .errors import RuleError

APPLIED, SCREENED, REVIEWED, APPROVED, EXECUTING, ACCEPTED, EVALUATED, REJECTED = (
    "applied",
    "screened",
    "reviewed",
    "approved",
    "executing",
    "accepted",
    "evaluated",
    "rejected",
)
STAGES = {
    APPLIED: "申报",
    SCREENED: "形式审查通过",
    REVIEWED: "专家评审完成",
    APPROVED: "立项",
    EXECUTING: "执行",
    ACCEPTED: "验收",
    EVALUATED: "绩效评价",
    REJECTED: "不予立项",
}
# event -> (from stages, to stage); an event that keeps the stage names it in both.
EVENTS: dict[str, tuple[frozenset[str], str]] = {
    "screen": (frozenset({APPLIED}), SCREENED),
    "screen_fail": (frozenset({APPLIED}), REJECTED),
    "review": (frozenset({SCREENED}), REVIEWED),
    "approve": (frozenset({REVIEWED}), APPROVED),
    "decline": (frozenset({REVIEWED}), REJECTED),
    "start": (frozenset({APPROVED}), EXECUTING),
    "midterm": (frozenset({EXECUTING}), EXECUTING),
    "accept": (frozenset({EXECUTING}), ACCEPTED),
    "evaluate": (frozenset({ACCEPTED}), EVALUATED),
}
EVENT_LABELS = {
    "screen": "形式审查通过",
    "screen_fail": "形式审查不通过",
    "review": "专家评审",
    "approve": "立项",
    "decline": "评审未通过，不予立项",
    "start": "开始执行",
    "midterm": "中期检查",
    "accept": "验收",
    "evaluate": "绩效评价",
}
ACCEPTANCE = {"passed": "验收通过", "failed": "验收不通过", "closed": "结题"}
GRADES = {"excellent": "优秀", "good": "良好", "pass": "合格", "fail": "不合格"}
# what a project's history (办理记录) may hold besides the table's events
HISTORY_LABELS = {"apply": "申报", **EVENT_LABELS, "change": "项目变更（经批准）"}
MIN_EXPERTS = 3
CHANGE_KINDS = {"budget": "预算调整", "dates": "执行期调整", "content": "研究内容调整"}
REQUESTED, CHANGE_APPROVED, CHANGE_REJECTED = "requested", "approved", "rejected"
CHANGE_STATUSES = {REQUESTED: "待审批", CHANGE_APPROVED: "已批准", CHANGE_REJECTED: "未批准"}


def next_stage(stage: str, event: str) -> str:
    """The stage after `event`, or RuleError naming what may happen now."""
    if not isinstance(event, str) or event not in EVENTS:
        raise RuleError("event", "办理事项只能是：" + "、".join(EVENT_LABELS.values()))
    sources, target = EVENTS[event]
    if stage not in sources:
        allowed = [EVENT_LABELS[e] for e, (src, _) in EVENTS.items() if stage in src]
        now = "、".join(allowed) if allowed else "无（已办结）"
        raise RuleError(
            "event",
            f"项目处于“{STAGES[stage]}”阶段，不能办理“{EVENT_LABELS[event]}”；现在可以办理：{now}",
        )
    return target


def allowed_events(stage: str) -> list[str]:
    return [e for e, (src, _) in EVENTS.items() if stage in src]


def check_dates(starts_on: date | None, due_on: date | None) -> None:
    if starts_on and due_on and due_on <= starts_on:
        raise RuleError("due_on", "验收期限应晚于开始日期")


def _unit(name: str) -> str:
    return re.sub(r"\s+", "", name or "")


def expert_conflict(
    unit: str, unit_code: str, declared: bool, applicant: str, applicant_code: str
) -> str | None:
    """Why an expert may not score this project, or None: the province review's rule
    (core.review.stand_down), the applicant's side being the applicant itself (the same
    统一社会信用代码, or the same name when the expert's unit gives no code)."""
    same = (bool(unit_code) and unit_code == applicant_code) or (
        bool(_unit(unit)) and _unit(unit) == _unit(applicant)
    )
    return review.stand_down(same, declared, "申报单位", "该项目")


def check_budget_change(new_budget: Decimal, paid: Decimal, lines_budgeted: Decimal) -> None:
    """A budget is never cut below what was paid out nor below its budget lines."""
    if new_budget < paid:
        raise RuleError("new_budget", f"调整后的预算 {new_budget} 万元低于已拨付的 {paid} 万元")
    if new_budget < lines_budgeted:
        raise RuleError(
            "new_budget",
            f"调整后的预算 {new_budget} 万元低于已登记的预算科目合计 {lines_budgeted} 万元",
        )


def check_budget_line(
    budget: Decimal | None, lines_budgeted: Decimal, budgeted: Decimal, spent: Decimal
) -> None:
    """A budget line (预算科目) of the 绩效评价: spent never above what the line budgeted, the
    lines together never above the project's budget."""
    if spent > budgeted:
        raise RuleError("spent", f"支出 {spent} 万元超过该科目预算 {budgeted} 万元")
    if budget is not None and lines_budgeted + budgeted > budget:
        raise RuleError(
            "budgeted",
            f"各预算科目合计 {lines_budgeted + budgeted} 万元将超过项目预算 {budget} 万元"
            f"（还可列 {budget - lines_budgeted} 万元）",
        )


def check_payment(budget: Decimal | None, paid: Decimal, amount: Decimal) -> None:
    """A tranche never takes what was paid above the budget."""
    if budget is None:
        raise RuleError("amount", "项目尚未立项（没有预算），不能拨付资金")
    if amount <= 0:
        raise RuleError("amount", "拨付金额必须大于 0")
    if paid + amount > budget:
        raise RuleError(
            "amount",
            f"拨付后累计 {paid + amount} 万元将超过预算 {budget} 万元（还可拨付 {budget - paid} 万元）",
        )


def check_spending(paid: Decimal, spent: Decimal, amount: Decimal) -> None:
    """Spending is reported against what was paid out, never above it."""
    if amount <= 0:
        raise RuleError("amount", "支出金额必须大于 0")
    if spent + amount > paid:
        raise RuleError(
            "amount",
            f"支出后累计 {spent + amount} 万元将超过已拨付 {paid} 万元",
        )


CERTIFICATE_NOTICE_DAYS = 60  # a certificate is reminded from this many days before it ends
CLOSED = frozenset({EVALUATED, REJECTED})  # a closed project's certificate no longer matters


def certificate_state(stage: str, valid_to: date | None, today: date) -> str | None:
    """ "expired" after its last valid day, "expiring" within CERTIFICATE_NOTICE_DAYS of it,
    None otherwise (no certificate, or the project closed)."""
    if valid_to is None or stage in CLOSED:
        return None
    if valid_to < today:
        return "expired"
    if (valid_to - today).days <= CERTIFICATE_NOTICE_DAYS:
        return "expiring"
    return None


@dataclass(frozen=True)
class Flags:
    acceptance_overdue: bool
    unspent: Decimal  # paid and not spent, once the project is accepted (0 otherwise)
    credit_breach: bool


def flags(
    stage: str,
    due_on: date | None,
    paid: Decimal,
    spent: Decimal,
    credit_breach: bool,
    today: date,
) -> Flags:
    overdue = stage in (APPROVED, EXECUTING) and due_on is not None and due_on < today
    unspent = paid - spent if stage in (ACCEPTED, EVALUATED) else Decimal(0)
    return Flags(overdue, unspent, credit_breach)
