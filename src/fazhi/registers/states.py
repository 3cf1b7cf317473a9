"""The state machine of a case, per kind: which event each state allows, and where it leads.

Pure data and functions, no Django. The services check every event against TRANSITIONS
before it is recorded; a refused event raises RuleError("kind", reason) with the reason
in Chinese (REFUSALS gives the specific ones, e.g. a reply before acceptance).

    disclosure:  received → (correction_requested → corrected)* → accepted
                 → (consultation_started → consultation_ended)* → replied → closed
                 correction_requested → abandoned → closed    (no correction in time, art. 30)
    complaint:   received → accepted | rejected;  accepted → replied → closed
                 replied → review_requested → reviewed → closed   (复查)
                 reviewed → recheck_requested → rechecked → closed   (复核, the last step)

Events that change nothing in the state (assigned, transferred, extended, appealed, and the
delivery dates: reply_delivered, review_delivered, consultation_delivered) are listed with
`None` as their target.
"""

from __future__ import annotations

from fazhi.core.errors import RuleError

DISCLOSURE, COMPLAINT = "disclosure", "complaint"
KINDS = {DISCLOSURE: "依申请公开", COMPLAINT: "投诉举报"}

# ---------------------------------------------------------------- states

RECEIVED = "received"
CORRECTION_REQUESTED = "correction_requested"
CORRECTED = "corrected"
ACCEPTED = "accepted"
CONSULTING = "consulting"
REJECTED = "rejected"
REPLIED = "replied"
REVIEW_REQUESTED = "review_requested"
REVIEWED = "reviewed"
RECHECK_REQUESTED = "recheck_requested"
RECHECKED = "rechecked"
ABANDONED = "abandoned"
CLOSED = "closed"

STATES = {
    RECEIVED: "已收到（待受理）",
    CORRECTION_REQUESTED: "待补正",
    CORRECTED: "已补正（待受理）",
    ACCEPTED: "办理中",
    CONSULTING: "征求第三方意见中",
    REJECTED: "不予受理",
    REPLIED: "已答复",
    REVIEW_REQUESTED: "复查中",
    REVIEWED: "已复查答复",
    RECHECK_REQUESTED: "复核中",
    RECHECKED: "已复核答复",
    ABANDONED: "视为放弃申请",
    CLOSED: "已办结",
}

# States in which the office still owes the applicant or complainant an answer.
OPEN_STATES = frozenset(
    {
        RECEIVED,
        CORRECTION_REQUESTED,
        CORRECTED,
        ACCEPTED,
        CONSULTING,
        REVIEW_REQUESTED,
        RECHECK_REQUESTED,
    }
)

# ---------------------------------------------------------------- events

EVENTS = {
    "received": "收到",
    "correction_requested": "告知补正",
    "corrected": "收到补正材料",
    "abandoned": "逾期未补正，视为放弃",
    "accepted": "受理",
    "rejected": "不予受理",
    "assigned": "交办",
    "transferred": "转办",
    "consultation_started": "征求第三方意见",
    "consultation_delivered": "第三方收到征求意见书",
    "consultation_ended": "第三方意见已回复",
    "extended": "延期",
    "replied": "答复",
    "reply_delivered": "答复送达",
    "review_requested": "申请复查",
    "review_replied": "复查答复",
    "review_delivered": "复查意见送达",
    "recheck_requested": "申请复核",
    "recheck_replied": "复核答复",
    "appealed": "行政复议或诉讼",
    "closed": "办结",
}

# Only the creation office of the zone may record these; the assigned department may
# record the others (correction, consultation, reply).
OFFICE_ONLY = frozenset(
    {
        "accepted",
        "rejected",
        "assigned",
        "transferred",
        "extended",
        "abandoned",
        "review_requested",
        "recheck_requested",
        "appealed",
        "closed",
    }
)

_BEFORE_ACCEPTANCE = frozenset({RECEIVED, CORRECTED})
_HANDLING = frozenset({RECEIVED, CORRECTION_REQUESTED, CORRECTED, ACCEPTED, CONSULTING})

# (kind, event) -> (states that allow it, state after it or None for unchanged)
TRANSITIONS: dict[tuple[str, str], tuple[frozenset[str], str | None]] = {
    (DISCLOSURE, "correction_requested"): (_BEFORE_ACCEPTANCE, CORRECTION_REQUESTED),
    (DISCLOSURE, "corrected"): (frozenset({CORRECTION_REQUESTED}), CORRECTED),
    (DISCLOSURE, "abandoned"): (frozenset({CORRECTION_REQUESTED}), ABANDONED),
    (DISCLOSURE, "accepted"): (_BEFORE_ACCEPTANCE, ACCEPTED),
    (DISCLOSURE, "assigned"): (_HANDLING, None),
    (DISCLOSURE, "transferred"): (_HANDLING, None),
    (DISCLOSURE, "consultation_started"): (frozenset({ACCEPTED}), CONSULTING),
    (DISCLOSURE, "consultation_delivered"): (frozenset({CONSULTING}), None),
    (DISCLOSURE, "consultation_ended"): (frozenset({CONSULTING}), ACCEPTED),
    (DISCLOSURE, "extended"): (frozenset({ACCEPTED}), None),
    (DISCLOSURE, "replied"): (frozenset({ACCEPTED}), REPLIED),
    (DISCLOSURE, "appealed"): (frozenset({REPLIED, CLOSED}), None),
    (DISCLOSURE, "closed"): (frozenset({REPLIED, ABANDONED}), CLOSED),
    (COMPLAINT, "accepted"): (frozenset({RECEIVED}), ACCEPTED),
    (COMPLAINT, "rejected"): (frozenset({RECEIVED}), REJECTED),
    (COMPLAINT, "assigned"): (frozenset({RECEIVED, ACCEPTED}), None),
    (COMPLAINT, "transferred"): (frozenset({RECEIVED, ACCEPTED}), None),
    (COMPLAINT, "extended"): (frozenset({ACCEPTED}), None),
    (COMPLAINT, "replied"): (frozenset({ACCEPTED}), REPLIED),
    (COMPLAINT, "reply_delivered"): (frozenset({REPLIED, CLOSED}), None),
    (COMPLAINT, "review_requested"): (frozenset({REPLIED, CLOSED}), REVIEW_REQUESTED),
    (COMPLAINT, "review_replied"): (frozenset({REVIEW_REQUESTED}), REVIEWED),
    (COMPLAINT, "review_delivered"): (frozenset({REVIEWED, CLOSED}), None),
    (COMPLAINT, "recheck_requested"): (frozenset({REVIEWED, CLOSED}), RECHECK_REQUESTED),
    (COMPLAINT, "recheck_replied"): (frozenset({RECHECK_REQUESTED}), RECHECKED),
    (COMPLAINT, "closed"): (frozenset({REPLIED, REJECTED, REVIEWED, RECHECKED}), CLOSED),
}

# The specific reasons a user reads when the state refuses an event.
REFUSALS: dict[tuple[str, str], str] = {
    ("replied", RECEIVED): "尚未受理，不能答复：请先受理",
    ("replied", CORRECTED): "尚未受理，不能答复：请先受理",
    ("replied", CORRECTION_REQUESTED): "正在等待申请人补正，尚未受理，不能答复",
    ("replied", CONSULTING): "正在征求第三方意见，请先登记第三方意见已回复，再答复",
    ("replied", REPLIED): "已答复，不能重复答复",
    ("replied", REJECTED): "已决定不予受理，不能再答复",
    ("replied", REVIEW_REQUESTED): "复查答复请登记为“复查答复”",
    ("extended", RECEIVED): "尚未受理，不能延期",
    ("extended", CORRECTED): "尚未受理，不能延期",
    (
        "extended",
        CORRECTION_REQUESTED,
    ): "正在等待补正，期限将自收到补正材料之日起重新计算，不能延期",
    ("extended", REPLIED): "已答复，不能再延期",
    ("extended", CONSULTING): "正在征求第三方意见，期限中止：第三方意见回复后再决定是否延期",
    ("accepted", ACCEPTED): "已受理，不能重复受理",
    ("accepted", CONSULTING): "已受理，不能重复受理",
    ("accepted", CORRECTION_REQUESTED): "正在等待申请人补正：收到补正材料后才能受理",
    ("corrected", RECEIVED): "尚未告知补正，不能登记补正材料",
    ("abandoned", RECEIVED): "尚未告知补正，不能视为放弃申请",
    ("consultation_started", CONSULTING): "已在征求第三方意见",
    ("consultation_ended", ACCEPTED): "没有正在进行的征求意见",
    ("review_replied", REPLIED): "尚未收到复查申请",
    ("recheck_replied", REVIEWED): "尚未收到复核申请",
    ("recheck_requested", REPLIED): "尚未复查，不能申请复核：请先申请复查",
    ("recheck_requested", RECHECKED): "复核意见已作出：以同一事实和理由再次提出的不再受理",
    ("review_requested", RECHECKED): "复核意见已作出：以同一事实和理由再次提出的不再受理",
    ("closed", ACCEPTED): "尚未答复，不能办结",
    ("closed", CONSULTING): "尚未答复，不能办结",
    ("closed", RECEIVED): "尚未答复，不能办结",
    ("closed", CLOSED): "已办结",
}


def allowed_events(kind: str, state: str) -> list[str]:
    """The events the state allows, in EVENTS order (for the buttons on a case page)."""
    return [e for e in EVENTS if (kind, e) in TRANSITIONS and state in TRANSITIONS[(kind, e)][0]]


def next_state(kind: str, state: str, event: str) -> str:
    """The state after `event`; RuleError("kind", reason) when the state does not allow it."""
    if event not in EVENTS or event == "received":
        raise RuleError(
            "kind", f"未知的办理事项 {event}" if event not in EVENTS else "“收到”只能在登记时记录"
        )
    rule = TRANSITIONS.get((kind, event))
    if rule is None:
        raise RuleError("kind", f"{KINDS.get(kind, kind)}没有“{EVENTS[event]}”这一办理事项")
    sources, target = rule
    if state not in sources:
        reason = REFUSALS.get((event, state))
        if reason is None:
            reason = (
                "案件已办结，不能再登记办理事项"
                if state == CLOSED
                else f"当前状态为“{STATES.get(state, state)}”，不能{EVENTS[event]}"
            )
        raise RuleError("kind", reason)
    return target or state


def table() -> list[dict]:
    """The transitions as rows (kind, event, from states, to state), for documentation pages."""
    return [
        {"kind": k, "event": e, "from": sorted(src), "to": dst, "office_only": e in OFFICE_ONLY}
        for (k, e), (src, dst) in TRANSITIONS.items()
    ]
