"""行政执法 (lawful enforcement): the rules a lawyer could check, as plain functions.

Pure, no Django. The enforcement services call:

* `cert_status(valid_from, valid_to, revoked, today)` - an officer's certificate (执法证) on a day:
  valid, expiring (within `EXPIRY_WARNING_DAYS`), expired, not yet valid, revoked.
* `check_officers(officers, on)` - a case is handled by at least two officers each holding a
  valid certificate on the day (行政处罚法第四十二条); every problem named, all at once.
* `next_state(state, event)` - the state machine of a case (`TRANSITIONS`), refused with the
  reason in Chinese.
* `check_decision(...)` - 法制审核 before a major decision (第五十八条), within 90 days of
  立案 unless extended (第六十条).
* 听证 (第六十三条至第六十五条) is `fazhi.core.hearing`: its thresholds are data of the rule file.
* `sample(ids, n, seed)` - a review round's reproducible random sample.

    clue ─filed→ filed ─investigated→ investigated ─notified→ notified ─decided→ decided
    clue ─not_filed→ not_filed ─archived→ archived
    notified ─hearing_requested→ hearing ─heard→ heard ─decided→ decided
    (hearing_noticed: 听证通知, in hearing; statement: 陈述、申辩, after 告知 - both change no state)
    decided ─served→ served ─executed→ executed ─closed→ closed ─archived→ archived
    served ─closed→ closed   (不予处罚, or nothing left to execute)

Events that change no state (extended, legal_reviewed, hearing_noticed, statement, recorded,
published, revoked, publication_withdrawn) are listed in `STEP_EVENTS` with the states that allow them.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .errors import RuleError, RuleErrors

EXPIRY_WARNING_DAYS = 60
MIN_OFFICERS = 2

# ---------------------------------------------------------------- certificates

VALID, EXPIRING, EXPIRED, NOT_YET, REVOKED = "valid", "expiring", "expired", "not_yet", "revoked"
CERT_STATUSES = {
    VALID: "有效",
    EXPIRING: "即将到期",
    EXPIRED: "已过期",
    NOT_YET: "尚未生效",
    REVOKED: "已注销/暂扣",
}


def cert_status(valid_from: date | None, valid_to: date | None, revoked: bool, today: date) -> str:
    """The certificate's status on `today`. Valid through `valid_to` inclusive; expiring
    when `valid_to` is within EXPIRY_WARNING_DAYS days of today (still valid)."""
    if revoked:
        return REVOKED
    if valid_from is not None and today < valid_from:
        return NOT_YET
    if valid_to is None or today > valid_to:
        return EXPIRED
    if valid_to - today <= timedelta(days=EXPIRY_WARNING_DAYS):
        return EXPIRING
    return VALID


def certified(status: str) -> bool:
    return status in (VALID, EXPIRING)


@dataclass(frozen=True)
class OfficerFacts:
    name: str
    cert_no: str
    valid_from: date | None
    valid_to: date | None
    revoked: bool = False


def officer_refusal(o: OfficerFacts, on: date) -> str:
    """Why the officer cannot handle a case on `on`; "" when they can."""
    if not o.cert_no:
        return f"执法人员{o.name}没有执法证，不能承办案件"
    status = cert_status(o.valid_from, o.valid_to, o.revoked, on)
    if certified(status):
        return ""
    if status == EXPIRED:
        return (
            f"执法人员{o.name}的执法证（{o.cert_no}）已于 {o.valid_to.isoformat()} 到期，"
            f"{on.isoformat()} 不能承办案件"
            if o.valid_to
            else f"执法人员{o.name}的执法证（{o.cert_no}）没有有效期，不能承办案件"
        )
    if status == NOT_YET:
        return (
            f"执法人员{o.name}的执法证（{o.cert_no}）自 {o.valid_from.isoformat()} 起生效，"
            f"{on.isoformat()} 不能承办案件"
        )
    return f"执法人员{o.name}的执法证（{o.cert_no}）已注销或暂扣，不能承办案件"


def check_officers(officers: Sequence[OfficerFacts], on: date, field: str = "officers") -> None:
    """At least MIN_OFFICERS distinct officers, each certified on `on`. Raises RuleError with
    every problem in one message (each officer by name)."""
    problems = [m for o in officers if (m := officer_refusal(o, on))]
    if len({o.cert_no or o.name for o in officers}) < MIN_OFFICERS:
        problems.insert(
            0,
            f"执法人员不得少于 {MIN_OFFICERS} 人（行政处罚法第四十二条），现为 {len(officers)} 人",
        )
    if problems:
        raise RuleError(field, "；".join(problems))


# ---------------------------------------------------------------- the state machine

CLUE, FILED, NOT_FILED, INVESTIGATED, NOTIFIED = (
    "clue",
    "filed",
    "not_filed",
    "investigated",
    "notified",
)
HEARING, HEARD, DECIDED, SERVED, EXECUTED, CLOSED, ARCHIVED = (
    "hearing",
    "heard",
    "decided",
    "served",
    "executed",
    "closed",
    "archived",
)
STATES = {
    CLUE: "线索待核查",
    FILED: "已立案（调查取证）",
    NOT_FILED: "不予立案",
    INVESTIGATED: "调查终结",
    NOTIFIED: "已告知（陈述申辩）",
    HEARING: "听证中",
    HEARD: "已听证",
    DECIDED: "已决定",
    SERVED: "已送达",
    EXECUTED: "已执行",
    CLOSED: "已结案",
    ARCHIVED: "已归档",
}
OPEN_STATES = frozenset({CLUE, FILED, INVESTIGATED, NOTIFIED, HEARING, HEARD, DECIDED, SERVED})

EVENTS = {
    "received": "线索登记",
    "filed": "立案",
    "not_filed": "不予立案",
    "investigated": "调查终结",
    "notified": "告知（陈述、申辩、听证权利）",
    "hearing_requested": "申请听证",
    "hearing_noticed": "听证通知",
    "heard": "举行听证",
    "statement": "陈述、申辩",
    "legal_reviewed": "法制审核",
    "decided": "作出决定",
    "served": "送达",
    "executed": "执行完毕",
    "closed": "结案",
    "archived": "归档",
    "extended": "延长期限",
    "recorded": "全过程记录",
    "published": "公示",
    "revoked": "决定被撤销/变更",
    "publication_withdrawn": "撤回公示",
    "reported_up": "报送备案审查",
}

# (state, event) -> new state
TRANSITIONS: dict[tuple[str, str], str] = {
    (CLUE, "filed"): FILED,
    (CLUE, "not_filed"): NOT_FILED,
    (NOT_FILED, "archived"): ARCHIVED,
    (FILED, "investigated"): INVESTIGATED,
    (INVESTIGATED, "notified"): NOTIFIED,
    (NOTIFIED, "hearing_requested"): HEARING,
    (HEARING, "heard"): HEARD,
    (NOTIFIED, "decided"): DECIDED,
    (HEARD, "decided"): DECIDED,
    (DECIDED, "served"): SERVED,
    (SERVED, "executed"): EXECUTED,
    (SERVED, "closed"): CLOSED,
    (EXECUTED, "closed"): CLOSED,
    (CLOSED, "archived"): ARCHIVED,
}

AFTER_DECISION = frozenset({DECIDED, SERVED, EXECUTED, CLOSED, ARCHIVED})
# Events that record a step without changing the state: event -> states that allow it.
STEP_EVENTS: dict[str, frozenset[str]] = {
    "extended": frozenset({CLUE, FILED, INVESTIGATED, NOTIFIED, HEARING, HEARD}),
    "legal_reviewed": frozenset({INVESTIGATED, NOTIFIED, HEARING, HEARD}),
    "hearing_noticed": frozenset({HEARING}),
    "statement": frozenset({NOTIFIED, HEARING, HEARD}),
    "recorded": frozenset(STATES) - {ARCHIVED},
    "published": AFTER_DECISION,
    "revoked": AFTER_DECISION,
    "publication_withdrawn": AFTER_DECISION,
    "reported_up": AFTER_DECISION,
}

REFUSALS = {
    "decided": "须先调查终结并告知当事人陈述、申辩（及听证）权利，才能作出决定",
    "notified": "须先调查终结，才能告知当事人",
    "served": "尚未作出决定，不能送达",
    "published": "尚未作出决定，不能公示",
    "closed": "决定尚未送达，不能结案",
    "archived": "案件尚未结案，不能归档",
}


def allowed_events(state: str) -> list[str]:
    """The events a case in `state` may record next, in EVENTS order."""
    return [
        e for e in EVENTS if (state, e) in TRANSITIONS or state in STEP_EVENTS.get(e, frozenset())
    ]


def next_state(state: str, event: str) -> str:
    """The state after `event`; the same state for a step event; RuleError("kind") when
    the state does not allow it."""
    if event not in EVENTS or event == "received":
        raise RuleError("kind", f"未知的执法案件环节“{event}”")
    target = TRANSITIONS.get((state, event))
    if target is not None:
        return target
    if state in STEP_EVENTS.get(event, frozenset()):
        return state
    reason = None if state in AFTER_DECISION and event == "decided" else REFUSALS.get(event)
    label = STATES.get(state, state)
    raise RuleError(
        "kind",
        f"案件当前为“{label}”，不能登记“{EVENTS[event]}”" + (f"：{reason}" if reason else ""),
    )


# ---------------------------------------------------------------- decisions

DECISION_KINDS = {"penalty": "给予行政处罚", "no_penalty": "不予行政处罚"}
PENALTY_KINDS = {
    "warning": "警告、通报批评",
    "fine": "罚款",
    "confiscation": "没收违法所得、没收非法财物",
    "qualification": "暂扣许可证件、降低资质等级、吊销许可证件",
    "restriction": "限制开展生产经营活动、责令停产停业、责令关闭、限制从业",
    "detention": "行政拘留",
    "other": "法律、行政法规规定的其他行政处罚",
}


def check_decision(
    *,
    major: bool,
    legal_reviewed_on: date | None,
    on: date,
    decide_due: date | None,
    decision_kind: str,
    penalty_kind: str,
    amount: Decimal | None,
) -> None:
    """A decision may be recorded: every problem at once (RuleErrors)."""
    errors: dict[str, str] = {}
    if decision_kind not in DECISION_KINDS:
        errors["decision_kind"] = "请选择决定类型（给予行政处罚或不予行政处罚）"
    elif decision_kind == "penalty":
        if penalty_kind not in PENALTY_KINDS:
            errors["penalty_kind"] = "请选择处罚种类"
        elif penalty_kind in ("fine", "confiscation") and (amount is None or amount <= 0):
            errors["amount"] = "罚款或没收的金额须为大于 0 的数字（元）"
    if major and legal_reviewed_on is None:
        errors["kind"] = (
            "本案属重大执法决定，须经法制审核后才能作出决定（行政处罚法第五十八条），"
            "尚未登记法制审核"
        )
    elif major and legal_reviewed_on is not None and legal_reviewed_on > on:
        errors["on"] = f"决定日期 {on.isoformat()} 早于法制审核日期 {legal_reviewed_on.isoformat()}"
    if decide_due is not None and on > decide_due:
        errors["on"] = (
            f"决定须在立案之日起 90 日内作出（行政处罚法第六十条），本案期限至 "
            f"{decide_due.isoformat()}，{on.isoformat()} 已超过期限且未经批准延长"
        )
    if errors:
        raise RuleErrors(errors)


# ---------------------------------------------------------------- filing review (层级监督)

FILING_RESULTS = {"approved": "审查通过", "corrected": "责令纠正"}


def check_filing_review(submitted: bool, reviewed: bool, result: str, opinion: str) -> None:
    """The body above reviews a major decision reported to it: once, with an opinion when it
    orders a correction."""
    if not submitted:
        raise RuleError("result", "该决定尚未报送备案，不能审查")
    if reviewed:
        raise RuleError("result", "该决定已备案审查，不能重复审查")
    errors = {}
    if result not in FILING_RESULTS:
        errors["result"] = "请选择审查结论：审查通过或责令纠正"
    if result == "corrected" and not opinion:
        errors["opinion"] = "责令纠正须写明审查意见（问题及纠正要求）"
    if errors:
        raise RuleErrors(errors)


# ---------------------------------------------------------------- file review


def sample(ids: Iterable[int], n: int | None, seed: int) -> list[int]:
    """A review round's files: all of them (n None or >= their number), else n picked at
    random with `seed` - the same ids, n and seed always give the same files."""
    pool = sorted(set(ids))
    if n is None or n >= len(pool):
        return pool
    if n < 1:
        raise RuleError("sample_size", "抽查数量须为正整数")
    return sorted(random.Random(seed).sample(pool, n))


def grade_distribution(grades: Iterable[str], names: Sequence[str]) -> dict[str, int]:
    """How many files got each grade, in the table's order (grades not given count 0)."""
    counts = Counter(grades)
    return {name: counts.get(name, 0) for name in names}


def common_faults(faults: Iterable[Iterable[str]], top: int = 10) -> list[tuple[str, int]]:
    """The faults (item codes) found in most files, most frequent first (ties by code)."""
    counts = Counter(code for codes in faults for code in set(codes))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
