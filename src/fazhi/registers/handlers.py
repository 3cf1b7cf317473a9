"""The steps that need code: a step declared in a rule file names one of these as its
`handler` when it asks for more than a date and a note (a reply and its letter, an
extension and its notice, a hand-over to a department). A rule file naming a handler
not in HANDLERS is refused at load.

A handler reads `ctx.data`, checks it (RuleError naming the field) and fills the event's
data (`ctx.ev.data`), the case's changes (`ctx.changes`), a notice letter (`ctx.notice`)
and what runs once the event is saved (`ctx.after`). It writes nothing itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from fazhi.core import deadlines as dl
from fazhi.core import steps as core
from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in, parse_date, text
from fazhi.orgs.models import Org

from . import catalog, inputs, letters, states
from .clock import extendable_period
from .inputs import LIMITS
from .models import Case, CaseEvent


@dataclass
class StepContext:
    user: object
    case: Case
    step: core.Step
    data: dict
    ev: CaseEvent
    on: date
    today: date
    rows: list[CaseEvent]
    ruleset: dl.RuleSet
    current: Callable[[], dl.CaseDeadlines]  # the deadlines as they stand (needs the calendar)
    changes: dict = field(default_factory=dict)
    notice: tuple[str, list[str]] | None = None  # (title, paragraphs) of a notice letter
    after: list[Callable[[], None]] = field(default_factory=list)  # run once it is saved
    letter_no: str = ""  # the reply letter's number, once allocated


def last(rows: list[CaseEvent], kind: str) -> CaseEvent | None:
    return next((r for r in reversed(rows) if r.kind == kind), None)


def _department(case: Case, code, field_name: str = "department") -> Org:
    org = (
        Org.objects.filter(code=str(code), kind=Org.Kind.DEPARTMENT, parent=case.zone).first()
        if isinstance(code, str) and code
        else None
    )
    if org is None:
        raise RuleError(field_name, "请选择本园区的承办部门（部门代码不正确）")
    return org


def correction_request(ctx: StepContext) -> None:
    case, on = ctx.case, ctx.on
    what = text(
        ctx.data.get("text"), "text", "需要补正的内容", limit=LIMITS["reason"], required=True
    )
    due = parse_date(ctx.data.get("correction_due"), "correction_due", "补正期限")
    if due <= on:
        raise RuleError("correction_due", "补正期限须晚于告知补正的日期")
    ctx.ev.data = {"text": what, "correction_due": due.isoformat()}
    ctx.notice = (
        "政府信息公开申请补正告知书",
        [
            (
                f"本机关于{letters.cn_date(case.received_on)}收到您的政府信息公开申请。经审查，您的申请内容不明确，"
                f"根据《中华人民共和国政府信息公开条例》第三十条的规定，请您于{letters.cn_date(due)}前补正以下内容：{what}"
            ),
            "答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
        ],
    )


def abandon(ctx: StepContext) -> None:
    prior = last(ctx.rows, "correction_requested")
    due = (
        date.fromisoformat(prior.data["correction_due"])
        if prior and prior.data.get("correction_due")
        else None
    )
    if due is None or ctx.on <= due:
        raise RuleError(
            "on",
            f"补正期限（至 {due}）尚未届满，不能视为放弃申请" if due else "没有告知补正的记录",
        )
    ctx.ev.data = {"correction_due": due.isoformat()}


def _handed(ctx: StepContext) -> None:
    from fazhi.workplan import handovers

    ctx.after.append(lambda: handovers.case_handed(ctx.case, ctx.ev.pk, ctx.step.code))


def assign(ctx: StepContext) -> None:
    case = ctx.case
    dept = _department(case, ctx.data.get("department"))
    if case.department_id:
        raise RuleError("department", f"已交办给{case.department.name}；改派请使用“转办”并说明理由")
    ctx.ev.data["department"] = dept.code
    ctx.changes["department"] = dept
    _handed(ctx)


def transfer(ctx: StepContext) -> None:
    case = ctx.case
    dept = _department(case, ctx.data.get("department"))
    if not case.department_id:
        raise RuleError("department", "尚未交办，请使用“交办”")
    if dept.pk == case.department_id:
        raise RuleError("department", f"案件已由{dept.name}承办")
    ctx.ev.data["reason"] = text(
        ctx.data.get("reason"), "reason", "转办理由", limit=LIMITS["reason"], required=True
    )
    ctx.ev.data["from"] = case.department.code
    ctx.ev.data["department"] = dept.code
    ctx.changes["department"] = dept
    _handed(ctx)


def consultation(ctx: StepContext) -> None:
    ctx.ev.data = {
        "third_party": text(
            ctx.data.get("third_party"),
            "third_party",
            "征求意见的第三方",
            limit=LIMITS["third_party"],
            required=True,
        )
    }


def extension(ctx: StepContext) -> None:
    case, on, data = ctx.case, ctx.on, ctx.data
    reason = text(data.get("reason"), "reason", "延期理由", limit=LIMITS["reason"], required=True)
    now = ctx.current()
    period = extendable_period(ctx.ruleset, now)
    if period is None:
        raise RuleError("kind", "期限规则不允许延期")
    # How many and how long in all, and before the due date: the deadline engine decides
    # (check_event, after the handler), against the extensions already recorded.
    st = now.periods.get(period.code)
    if st is None or st.due_on is None:
        raise RuleError("kind", f"{period.name}尚未起算或正在中止，不能延期")
    days = int_in(data.get("days"), "days", "延长期限", 1, period.extension_max)
    notified_on = parse_date(data.get("notified_on") or on, "notified_on", "告知申请人日期")
    if notified_on < on or notified_on > ctx.today:
        raise RuleError("notified_on", f"告知申请人日期应在 {on} 至 {ctx.today} 之间")
    ctx.ev.days, ctx.ev.period = days, period.code
    ctx.ev.data = {
        "reason": reason,
        "approver": ctx.user.get_username(),
        "approver_name": str(ctx.user),
        "notified_on": notified_on.isoformat(),
    }
    unit = "个工作日" if period.unit == dl.WORKDAYS else "日"
    disclosure = case.kind == "disclosure"
    ctx.notice = (
        "延期答复告知书" if disclosure else "延期办理告知书",
        [
            f"您于{letters.cn_date(case.received_on)}提出的{'政府信息公开申请' if disclosure else '投诉举报'}"
            f"（受理编号：{case.tracking_no}），因{reason}，不能在规定期限内{'答复' if disclosure else '办结'}。"
            f"经批准，{period.name}延长{days}{unit}。"
            + (f"依据{period.basis}。" if period.basis else ""),
        ],
    )


def reject(ctx: StepContext) -> None:
    reason = text(
        ctx.data.get("reason"), "reason", "不予受理理由", limit=LIMITS["reason"], required=True
    )
    ctx.ev.data = {"reason": reason}
    ctx.changes["reply_text"] = reason


def _topic(ctx: StepContext, *affixes: str) -> str:
    """What a request or answer is about, from the step's name: 申请复核 / 复核答复 -> 复核."""
    name = ctx.step.name
    for affix in affixes:
        name = name.removeprefix(affix).removesuffix(affix)
    return name or ctx.step.name


def request(ctx: StepContext) -> None:
    """A request for a further look (申请复查, 申请复核): its reason. Whether it is in time is
    the deadline engine's (`timely`), whether it may follow what came before the rule file's
    (`requires`, `barred_after`)."""
    topic = _topic(ctx, "申请", "请求")
    ctx.ev.data = {
        "reason": text(ctx.data.get("reason"), "reason", f"{topic}理由", limit=LIMITS["reason"])
    }


def answer(ctx: StepContext) -> None:
    """The answer to such a request (复查答复, 复核答复): its outcome and text."""
    topic = _topic(ctx, "答复", "意见")
    outcome = inputs.choice(
        ctx.data.get("outcome"), "outcome", f"{topic}结果", catalog.COMPLAINT_OUTCOMES
    )
    ctx.ev.data = {
        "outcome": outcome,
        "text": text(
            ctx.data.get("text"),
            "text",
            f"{topic}答复内容",
            limit=LIMITS["reply_text"],
            required=True,
        ),
    }


def appeal(ctx: StepContext) -> None:
    data = ctx.data
    ctx.ev.data = {
        "appeal": inputs.choice(data.get("appeal"), "appeal", "类别", catalog.APPEAL_KINDS),
        "result": inputs.choice(
            data.get("result"), "result", "结果", catalog.APPEAL_RESULTS, default="pending"
        ),
    }


def reply(ctx: StepContext) -> None:
    from .replies import reply_fields, reply_letter

    reply_fields(ctx.case, ctx.data, ctx.ev, ctx.changes, ctx.on)
    ctx.after.append(lambda: reply_letter(ctx))


HANDLERS: dict[str, Callable[[StepContext], None]] = {
    "correction_request": correction_request,
    "abandon": abandon,
    "assign": assign,
    "transfer": transfer,
    "consultation": consultation,
    "extension": extension,
    "reply": reply,
    "reject": reject,
    "request": request,
    "answer": answer,
    "appeal": appeal,
}

if set(HANDLERS) != states.HANDLER_NAMES:  # the names rule files are checked against
    raise RuntimeError("registers.states.HANDLER_NAMES must list exactly the handlers here")
