"""行政复议 (行政复议法, 2023 revision): the state machine, the simplified procedure and the
kinds of decision. Pure, no Django. Periods are data (rules/reconsideration.yaml) counted by
core.deadlines; `ruleset_for` picks the ordinary or the simplified ones.

    received ─accepted→ accepted ─copy_sent→ copied ─respondent_answered→ answered ─decided→ decided
    received ─correction_requested→ correcting ─corrected→ received
    correcting ─abandoned→ closed                (no correction in time: 视为放弃, 第三十一条)
    received ─rejected→ closed                   (不予受理, 第三十条)
    accepted|copied|answered ─suspended→ suspended ─resumed→ (back)    (中止, 第三十九条)
    accepted|copied|answered|suspended ─terminated→ closed             (终止, 第四十一条)
    decided ─performed→ closed                   (履行监督: the respondent performs)

Step events that keep the state: extended (延长, 第六十二条); converted (简易程序转为普通程序,
第五十五条); opinion_issued / correction_reported (行政复议意见书 and the respondent's report of
its correction within 60 days, 第七十六条); performance_ordered (责令限期履行, 第七十七条);
reported_up (报送上级备案审查, 层级监督).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .deadlines import RuleSet
from .errors import RuleError, RuleErrors

RECEIVED, CORRECTING, ACCEPTED, COPIED, ANSWERED = (
    "received",
    "correcting",
    "accepted",
    "copied",
    "answered",
)
SUSPENDED, DECIDED, CLOSED = "suspended", "decided", "closed"
STATES = {
    RECEIVED: "已收到（审查受理）",
    CORRECTING: "待补正",
    ACCEPTED: "已受理",
    COPIED: "已送达答复通知（待被申请人答复）",
    ANSWERED: "被申请人已答复（审理中）",
    SUSPENDED: "中止审理",
    DECIDED: "已决定（履行监督）",
    CLOSED: "已办结",
}
OPEN_STATES = frozenset({RECEIVED, CORRECTING, ACCEPTED, COPIED, ANSWERED, SUSPENDED, DECIDED})

EVENTS = {
    "received": "收到申请",
    "correction_requested": "通知补正",
    "corrected": "收到补正材料",
    "abandoned": "逾期未补正，视为放弃",
    "accepted": "受理",
    "rejected": "不予受理",
    "copy_sent": "发送申请书副本",
    "respondent_answered": "被申请人答复",
    "suspended": "中止审理",
    "resumed": "恢复审理",
    "extended": "延长审理期限",
    "decided": "作出复议决定",
    "terminated": "终止审理",
    "performed": "决定已履行",
    "converted": "转为普通程序",
    "opinion_issued": "制发行政复议意见书",
    "correction_reported": "收到纠正情况报告",
    "performance_ordered": "责令限期履行",
    "reported_up": "报送备案审查",
}

TRANSITIONS: dict[tuple[str, str], str] = {
    (RECEIVED, "accepted"): ACCEPTED,
    (RECEIVED, "rejected"): CLOSED,
    (RECEIVED, "correction_requested"): CORRECTING,
    (CORRECTING, "corrected"): RECEIVED,
    (CORRECTING, "abandoned"): CLOSED,
    (ACCEPTED, "copy_sent"): COPIED,
    (COPIED, "respondent_answered"): ANSWERED,
    (ACCEPTED, "decided"): DECIDED,  # e.g. 驳回申请 found after acceptance
    (COPIED, "decided"): DECIDED,
    (ANSWERED, "decided"): DECIDED,
    (ACCEPTED, "suspended"): SUSPENDED,
    (COPIED, "suspended"): SUSPENDED,
    (ANSWERED, "suspended"): SUSPENDED,
    (ACCEPTED, "terminated"): CLOSED,
    (COPIED, "terminated"): CLOSED,
    (ANSWERED, "terminated"): CLOSED,
    (SUSPENDED, "terminated"): CLOSED,
    (DECIDED, "performed"): CLOSED,
}
# Step events that keep the state (resumed goes back to where the case was: the service
# passes the state before the suspension).
HEARD_STATES = frozenset({ACCEPTED, COPIED, ANSWERED, SUSPENDED})  # accepted, not decided
STEP_EVENTS = {
    "extended": frozenset({ACCEPTED, COPIED, ANSWERED}),
    "converted": HEARD_STATES,
    "opinion_issued": HEARD_STATES | {DECIDED},
    "correction_reported": HEARD_STATES | {DECIDED, CLOSED},
    "performance_ordered": frozenset({DECIDED}),
    "reported_up": frozenset({DECIDED, CLOSED}),
}

# 第六十三至六十九条、第三十三条、第七十三、七十四条
DECISION_KINDS = {
    "change": "变更（第六十三条）",
    "annul": "撤销或部分撤销（第六十四条）",
    "confirm_unlawful": "确认违法（第六十五条）",
    "order_performance": "责令履行（第六十六条）",
    "confirm_void": "确认无效（第六十七条）",
    "uphold": "维持（第六十八条）",
    "dismiss_request": "驳回复议请求（第六十九条）",
    "dismiss_application": "驳回复议申请（第三十三条）",
    "mediation": "调解（第七十三条）",
    "settlement": "和解（第七十四条）",
}
# Decisions that change the act (for the figures: 纠错率) and that call for performance.
CORRECTING_KINDS = frozenset(
    {"change", "annul", "confirm_unlawful", "order_performance", "confirm_void"}
)
PERFORMANCE_KINDS = frozenset({"change", "annul", "order_performance", "mediation"})


def next_state(state: str, event: str, before_suspension: str = "") -> str:
    if event not in EVENTS or event == "received":
        raise RuleError("kind", f"未知的行政复议环节“{event}”")
    if event == "resumed":
        if state != SUSPENDED:
            raise RuleError("kind", "案件未中止，不能恢复审理")
        return before_suspension or ACCEPTED
    target = TRANSITIONS.get((state, event))
    if target is not None:
        return target
    if state in STEP_EVENTS.get(event, frozenset()):
        return state
    raise RuleError("kind", f"案件当前为“{STATES.get(state, state)}”，不能登记“{EVENTS[event]}”")


def allowed_events(state: str) -> list[str]:
    out = [e for e in EVENTS if (state, e) in TRANSITIONS or state in STEP_EVENTS.get(e, ())]
    if state == SUSPENDED:
        out.insert(0, "resumed")
    return out


# ---------------------------------------------------------------- the simplified procedure

SIMPLE_GROUNDS = {
    "on_the_spot": "当场作出的行政行为",
    "warning": "警告或者通报批评",
    "small_amount": "案件涉及款额三千元以下",
    "disclosure": "政府信息公开案件",
    "agreed": "当事人各方同意适用简易程序",
}
SIMPLE_AMOUNT = Decimal(3000)


def simplified_applies(ground: str, amount: Decimal | None = None) -> bool:
    """第五十三条: the grounds on which the simplified procedure may apply."""
    if ground == "small_amount":
        return amount is not None and Decimal(0) <= amount <= SIMPLE_AMOUNT
    return ground in SIMPLE_GROUNDS


SIMPLE_SUFFIX = "_simple"


def ruleset_for(rules: RuleSet, simplified: bool) -> RuleSet:
    """The periods that apply: a period `X_simple` replaces `X` under the simplified
    procedure (第五十四条: 3 and 5 working days; 第六十二条: 30 days), and is dropped otherwise."""
    codes = {p.code for p in rules.periods}
    if simplified:
        kept = [
            p
            for p in rules.periods
            if p.code.endswith(SIMPLE_SUFFIX) or f"{p.code}{SIMPLE_SUFFIX}" not in codes
        ]
    else:
        kept = [p for p in rules.periods if not p.code.endswith(SIMPLE_SUFFIX)]
    return replace(rules, periods=tuple(kept))


# ---------------------------------------------------------------- 第五十五条, 第七十六条, 第七十七条


def check_conversion(simplified: bool, approved_by: str, reason: str) -> None:
    """第五十五条: a case heard under the simplified procedure may be turned to the ordinary
    one, approved by the head of the reconsideration body; the reason recorded."""
    if not simplified:
        raise RuleError("kind", "本案适用普通程序，无需转换")
    errors = {}
    if not approved_by:
        errors["approved_by"] = (
            "转为普通程序须经行政复议机构负责人批准（行政复议法第五十五条），请填写批准人"
        )
    if not reason:
        errors["note"] = "请填写不宜适用简易程序的理由"
    if errors:
        raise RuleErrors(errors)


def check_opinion(issued_on, reported_on, event: str) -> None:
    """第七十六条: one 行政复议意见书 per case; the report of its correction only after it,
    once."""
    if event == "opinion_issued" and issued_on is not None:
        raise RuleError("kind", f"本案已于 {issued_on.isoformat()} 制发行政复议意见书")
    if event == "correction_reported":
        if issued_on is None:
            raise RuleError("kind", "本案没有制发行政复议意见书，无需报送纠正情况")
        if reported_on is not None:
            raise RuleError("kind", f"纠正情况已于 {reported_on.isoformat()} 报送")


def check_perform_due(decision_kind: str, on, perform_due, required: bool = False) -> None:
    """The date by which the respondent must perform the decision (履行监督): after the
    decision (or the order) and only for a decision that calls for performance."""
    if perform_due is None:
        if required:
            raise RuleError("perform_due", "请填写责令被申请人履行的期限（日期）")
        return
    if decision_kind not in PERFORMANCE_KINDS:
        kinds = "、".join(DECISION_KINDS[k] for k in sorted(PERFORMANCE_KINDS))
        raise RuleError("perform_due", f"只有须被申请人履行的决定（{kinds}）才设履行期限")
    if on is not None and perform_due <= on:
        raise RuleError(
            "perform_due",
            f"履行期限 {perform_due.isoformat()} 须晚于决定（责令）日期 {on.isoformat()}",
        )
