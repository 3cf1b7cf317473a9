"""Recording a step of a case (record_event): one transaction, audited; the rules of each
step (who may, which fields, which state) are checked before anything is written."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import deadlines as dl
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.validate import int_in, parse_date, text
from fazhi.orgs import docnos
from fazhi.orgs.models import Org
from fazhi.workdays.selectors import get_calendar

from . import catalog, inputs, letters, rules, states
from .clock import deadlines_of, events_of, extendable_period
from .inputs import LIMITS
from .models import Case, CaseAttachment, CaseEvent
from .selectors import agency_of, get_case, is_handling_department, is_office_of
from .services import DOCX, day_or_today, recompute

# ---------------------------------------------------------------- events

EVENT_FIELDS = {
    "kind",
    "on",
    "note",
    "version",
    "text",
    "correction_due",
    "department",
    "reason",
    "third_party",
    "days",
    "notified_on",
    "reply_type",
    "ground",
    "agency",
    "published_at",
    "publish",
    "outcome",
    "appeal",
    "result",
}


def _may_act(user, case: Case, kind: str) -> None:
    office = is_office_of(user, case)
    if office:
        return
    if kind in states.OFFICE_ONLY or not is_handling_department(user, case):
        label = states.EVENTS.get(kind, kind)
        raise PermissionDenied(
            f"只有创建办可以{label}"
            if kind in states.OFFICE_ONLY
            else "只有创建办或承办部门可以办理该案件"
        )


def _department(case: Case, code, field_name: str = "department") -> Org:
    org = (
        Org.objects.filter(code=str(code), kind=Org.Kind.DEPARTMENT, parent=case.zone).first()
        if isinstance(code, str) and code
        else None
    )
    if org is None:
        raise RuleError(field_name, "请选择本园区的承办部门（部门代码不正确）")
    return org


def _last(rows: list[CaseEvent], kind: str) -> CaseEvent | None:
    return next((r for r in reversed(rows) if r.kind == kind), None)


def _period_due(deadlines: dl.CaseDeadlines, code: str) -> date | None:
    st = deadlines.periods.get(code)
    return st.due_on if st else None


@transaction.atomic
def record_event(user, case_id, data: dict, today: date | None = None) -> CaseEvent:
    """Record one step of a case (see states.TRANSITIONS for which state allows which step).
    `data`: kind, on (default today), and per kind:
      correction_requested: text (what to complete), correction_due (date the applicant has)
      assigned: department; transferred: department, reason
      consultation_started: third_party; extended: days, reason, notified_on (default `on`)
      replied: disclosure: reply_type, text, ground (不予公开: required), agency (非本机关负责: optional),
               published_at (已主动公开: required, where the information is published),
               publish (show the reply text to the public tracker); complaint: outcome, text, publish
      rejected: reason; review_requested, recheck_requested: reason;
      review_replied, recheck_replied: outcome, text
      reply_delivered, review_delivered, consultation_delivered: `on` is the day of receipt
      appealed: appeal (reconsideration | litigation), result (upheld | corrected | other | pending)
      any: note, version (optimistic lock: refused when the case changed meanwhile)
    """
    inputs.only_known(data, EVENT_FIELDS)
    today = day_or_today(today)
    case = get_case(user, case_id, for_update=True)
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in states.EVENTS:
        raise RuleError(
            "kind",
            f"办理事项应为以下之一：{'、'.join(states.allowed_events(case.kind, case.state)) or '（当前状态无可办理事项）'}",
        )
    _may_act(user, case, kind)
    if (
        data.get("version") not in (None, "")
        and int_in(data["version"], "version", "版本号", 0, 10**9) != case.version
    ):
        raise ConflictError(f"案件已被他人修改（当前版本 {case.version}），请刷新后重试")
    before_state = case.state
    target = states.next_state(case.kind, case.state, kind)
    on = parse_date(data.get("on") or today, "on", "办理日期")
    rows = list(CaseEvent.objects.filter(case=case).order_by("on", "id"))
    if on > today:
        raise RuleError("on", f"办理日期不能晚于今天 {today}")
    if rows and on < rows[-1].on:
        raise RuleError("on", f"办理日期不能早于上一次办理记录的日期 {rows[-1].on}")
    note = text(data.get("note"), "note", "说明", limit=LIMITS["note"])
    cal = get_calendar()
    ruleset = rules.ruleset_of(case.rules_id)

    def current() -> dl.CaseDeadlines:  # only the steps that depend on a due date need the calendar
        return deadlines_of(case, cal, on, rows)

    ev = CaseEvent(case=case, kind=kind, on=on, note=note, actor=user, data={})
    changes: dict = {}
    agency, contact = agency_of(case.zone)
    notice: tuple[str, list[str]] | None = None

    if kind == "correction_requested":
        what = text(
            data.get("text"), "text", "需要补正的内容", limit=LIMITS["reason"], required=True
        )
        due = parse_date(data.get("correction_due"), "correction_due", "补正期限")
        if due <= on:
            raise RuleError("correction_due", "补正期限须晚于告知补正的日期")
        ev.data = {"text": what, "correction_due": due.isoformat()}
        notice = (
            "政府信息公开申请补正告知书",
            [
                (
                    f"本机关于{letters.cn_date(case.received_on)}收到您的政府信息公开申请。经审查，您的申请内容不明确，"
                    f"根据《中华人民共和国政府信息公开条例》第三十条的规定，请您于{letters.cn_date(due)}前补正以下内容：{what}"
                ),
                "答复期限自本机关收到补正后的申请之日起计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
            ],
        )
    elif kind == "abandoned":
        last = _last(rows, "correction_requested")
        due = (
            date.fromisoformat(last.data["correction_due"])
            if last and last.data.get("correction_due")
            else None
        )
        if due is None or on <= due:
            raise RuleError(
                "on",
                f"补正期限（至 {due}）尚未届满，不能视为放弃申请" if due else "没有告知补正的记录",
            )
        ev.data = {"correction_due": due.isoformat()}
        changes["closed_on"] = on
    elif kind in ("assigned", "transferred"):
        dept = _department(case, data.get("department"))
        if kind == "assigned" and case.department_id:
            raise RuleError(
                "department", f"已交办给{case.department.name}；改派请使用“转办”并说明理由"
            )
        if kind == "transferred":
            if not case.department_id:
                raise RuleError("department", "尚未交办，请使用“交办”")
            if dept.pk == case.department_id:
                raise RuleError("department", f"案件已由{dept.name}承办")
            ev.data["reason"] = text(
                data.get("reason"), "reason", "转办理由", limit=LIMITS["reason"], required=True
            )
            ev.data["from"] = case.department.code
        ev.data["department"] = dept.code
        changes["department"] = dept
    elif kind == "consultation_started":
        ev.data = {
            "third_party": text(
                data.get("third_party"),
                "third_party",
                "征求意见的第三方",
                limit=LIMITS["third_party"],
                required=True,
            )
        }
    elif kind == "extended":
        reason = text(
            data.get("reason"), "reason", "延期理由", limit=LIMITS["reason"], required=True
        )
        now = current()
        period = extendable_period(ruleset, now)
        if period is None:
            raise RuleError("kind", "期限规则不允许延期")
        # How many and how long in all, and before the due date: the deadline engine decides
        # (check_event below), against the extensions already recorded.
        if _period_due(now, period.code) is None:
            raise RuleError("kind", f"{period.name}尚未起算或正在中止，不能延期")
        days = int_in(data.get("days"), "days", "延长期限", 1, period.extension_max)
        notified_on = parse_date(data.get("notified_on") or on, "notified_on", "告知申请人日期")
        if notified_on < on or notified_on > today:
            raise RuleError("notified_on", f"告知申请人日期应在 {on} 至 {today} 之间")
        ev.days, ev.period = days, period.code
        ev.data = {
            "reason": reason,
            "approver": user.get_username(),
            "approver_name": str(user),
            "notified_on": notified_on.isoformat(),
        }
        unit = "个工作日" if period.unit == dl.WORKDAYS else "日"
        notice = (
            "延期答复告知书" if case.kind == states.DISCLOSURE else "延期办理告知书",
            [
                f"您于{letters.cn_date(case.received_on)}提出的{'政府信息公开申请' if case.kind == states.DISCLOSURE else '投诉举报'}"
                f"（受理编号：{case.tracking_no}），因{reason}，不能在规定期限内{'答复' if case.kind == states.DISCLOSURE else '办结'}。"
                f"经批准，{period.name}延长{days}{unit}。"
                + (f"依据{period.basis}。" if period.basis else ""),
            ],
        )
    elif kind == "replied":
        _reply_fields(case, data, ev, changes, on)
    elif kind == "rejected":
        reason = text(
            data.get("reason"), "reason", "不予受理理由", limit=LIMITS["reason"], required=True
        )
        ev.data = {"reason": reason}
        changes["reply_text"] = reason
    elif kind in ("review_requested", "recheck_requested"):
        # 复查 then 复核, each once; after 复核 the same matter is not accepted again. A late
        # request is refused by the deadline engine, against the delivery date of the reply.
        step = "复查" if kind == "review_requested" else "复核"
        if _last(rows, "recheck_replied"):
            raise RuleError("kind", "复核意见已作出：以同一事实和理由再次提出的不再受理")
        if kind == "recheck_requested" and not _last(rows, "review_replied"):
            raise RuleError("kind", "尚未复查，不能申请复核：请先申请复查")
        ev.data = {
            "reason": text(data.get("reason"), "reason", f"{step}理由", limit=LIMITS["reason"])
        }
    elif kind in ("review_replied", "recheck_replied"):
        step = "复查" if kind == "review_replied" else "复核"
        outcome = inputs.choice(
            data.get("outcome"), "outcome", f"{step}结果", catalog.COMPLAINT_OUTCOMES
        )
        ev.data = {
            "outcome": outcome,
            "text": text(
                data.get("text"),
                "text",
                f"{step}答复内容",
                limit=LIMITS["reply_text"],
                required=True,
            ),
        }
    elif kind == "appealed":
        ev.data = {
            "appeal": inputs.choice(data.get("appeal"), "appeal", "类别", catalog.APPEAL_KINDS),
            "result": inputs.choice(
                data.get("result"), "result", "结果", catalog.APPEAL_RESULTS, default="pending"
            ),
        }
    elif kind == "closed":
        changes["closed_on"] = on

    # The deadline engine has the last word on what the rules allow (e.g. extension limits).
    # (assigned, abandoned and appealed are the register's own steps: no period follows them.)
    if kind in dl.EVENT_KINDS:
        dl.check_event(
            ruleset,
            events_of(case, rows),
            dl.Event(kind=kind, on=on, days=ev.days, period=ev.period),
            today,
            cal,
        )
    ev.save()
    rows.append(ev)
    changes["state"] = target
    changes["version"] = case.version + 1
    for k, v in changes.items():
        setattr(case, k, v)
    case.save(update_fields=[*changes.keys(), "updated_at"])
    letter_no = ""
    if kind == "replied":
        case.letter_no = letter_no = docnos.allocate(case.zone, "letter", on.year)
        content = letters.reply_letter(case, agency, letter_no, contact)
        case.letter = _store_docx(letters.letter_name(case), content)
        case.save(update_fields=["letter", "letter_no"])
    if notice:
        letter_no = docnos.allocate(case.zone, "letter", on.year)
        content = letters.notice_letter(case, notice[0], notice[1], agency, letter_no, on)
        CaseAttachment.objects.create(
            case=case,
            blob=_store_docx(f"{case.tracking_no}-{notice[0]}.docx", content),
            name=f"{case.tracking_no}-{notice[0]}.docx",
            uploaded_by=user,
        )
    recompute(case, today, cal, rows)
    if kind in ("assigned", "transferred"):
        from fazhi.workplan import handovers

        handovers.case_handed(case, ev.pk, kind)
    record(
        user,
        f"case.{kind}",
        case,
        before={"state": before_state},
        after={
            "tracking_no": case.tracking_no,
            "event": kind,
            "on": on,
            "state": case.state,
            "days": ev.days or None,
            "letter_no": letter_no or None,
            **{k: v for k, v in ev.data.items() if k not in ("text",)},
        },
    )
    return ev


def _reply_fields(case: Case, data: dict, ev: CaseEvent, changes: dict, on: date) -> None:
    publish = inputs.boolean(data.get("publish"), "publish", "公开答复内容")
    if case.kind == states.DISCLOSURE:
        reply_type = inputs.choice(
            data.get("reply_type"), "reply_type", "答复类型", catalog.REPLY_TYPES
        )
        ground = agency = ""
        if reply_type == "withheld":
            ground = inputs.choice(
                data.get("ground"), "ground", "不予公开的理由", catalog.WITHHOLD_GROUNDS
            )
        elif reply_type == "partial":
            ground = inputs.choice(
                data.get("ground"),
                "ground",
                "部分不予公开的理由",
                catalog.WITHHOLD_GROUNDS,
                required=False,
            )
        elif reply_type == "not_processed":
            ground = inputs.choice(
                data.get("ground"),
                "ground",
                "不予处理的理由",
                catalog.NOT_PROCESSED_GROUNDS,
                default="repeat",
            )
        elif reply_type == "not_responsible":
            agency = text(data.get("agency"), "agency", "负责公开的机关", limit=LIMITS["agency"])
        published_at = ""
        if reply_type == "disclosed_already":
            if not str(data.get("published_at") or "").strip():
                raise RuleError(
                    "published_at",
                    "答复类型为“已主动公开”时，请填写信息公开位置（获取该信息的网站栏目、网址或查阅地点）",
                )
            published_at = text(
                data.get("published_at"),
                "published_at",
                "信息公开位置",
                limit=LIMITS["published_at"],
                required=True,
            )
        elif data.get("published_at") not in (None, ""):
            raise RuleError(
                "published_at",
                f"答复类型为“{catalog.REPLY_TYPES[reply_type]}”时不填写信息公开位置",
            )
        if data.get("ground") not in (None, "") and not ground:
            raise RuleError("ground", f"答复类型为“{catalog.REPLY_TYPES[reply_type]}”时不填写理由")
        body = text(data.get("text"), "text", "答复内容", limit=LIMITS["reply_text"], required=True)
        changes.update(
            reply_type=reply_type,
            reply_ground=ground,
            reply_agency=agency,
            reply_published_at=published_at,
        )
        ev.data = {
            "reply_type": reply_type,
            "ground": ground,
            "agency": agency,
            "published_at": published_at,
            "publish": publish,
        }
    else:
        outcome = inputs.choice(
            data.get("outcome") or data.get("reply_type"),
            "outcome",
            "处理结果",
            catalog.COMPLAINT_OUTCOMES,
        )
        body = text(data.get("text"), "text", "答复内容", limit=LIMITS["reply_text"], required=True)
        changes.update(reply_type=outcome, reply_ground="", reply_agency="", reply_published_at="")
        ev.data = {"outcome": outcome, "publish": publish}
    changes.update(reply_text=body, replied_on=on, reply_public=publish)


def _store_docx(name: str, content: bytes):
    return evidence_store.store(SimpleUploadedFile(name, content, content_type=DOCX))
