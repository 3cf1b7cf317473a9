"""Use cases of the registers: one transaction each, audited.

Staff (office of the zone, the assigned department):
    register_case(user, data, today=None, files=()) -> (Case, query code)  received by post, in person, …
    record_event(user, case_id, data, today=None) -> CaseEvent         accept, correction, consultation, extend,
                                                                       assign/transfer, reply, review, appeal, close
    add_attachment(user, case_id, uploaded) -> CaseAttachment
    open_attachment(user, case_id, attachment_id) -> (name, file)
    letter_of(user, case_id) -> (name, bytes)                          the reply letter (.docx)
    set_intake(user, zone_code, data) -> IntakeSettings                public intake of a zone
    attach_figures_as_evidence(user, assessment_id, indicator_code, as_of=None) -> Evidence
System:
    refresh(today=None, batch=2000) -> RefreshResult                   recompute every case's cached deadlines
The public side (intake, tracking, challenge, rate limits) is in registers.public.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from fazhi.assessments import evidence as evidence_store
from fazhi.assessments.models import Evidence
from fazhi.audit.services import record
from fazhi.core import deadlines as dl
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import int_in, parse_date, text
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Org, Role
from fazhi.security.models import Person
from fazhi.workdays.selectors import get_calendar

from . import catalog, clock, codes, inputs, letters, rules, states
from .clock import (
    CACHE_COLUMNS,
    cache_fields,
    cache_values,
    deadlines_of,
    events_of,
    extendable_period,
)
from .conf import conf
from .exports import XLSX, to_bytes, write_figures_xlsx
from .inputs import LIMITS
from .models import Case, CaseAttachment, CaseEvent, IntakeSettings, RateCounter, UsedChallenge
from .selectors import (
    agency_of,
    get_case,
    is_handling_department,
    is_office_of,
    register_figures,
)

PUBLIC_ACTOR = "公众"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _today(today: date | None) -> date:
    return today or clock.today()


# ---------------------------------------------------------------- parties and the case body

PARTY_FIELDS = {"applicant_kind", "anonymous", "name", "id_number", "phone", "email", "address"}
DISCLOSURE_FIELDS = {"subject", "content", "delivery"}
COMPLAINT_FIELDS = {"category", "subject", "content", "respondent"}


def parse_party(kind: str, data: dict) -> dict | None:
    """The applicant or complainant; None for an anonymous complaint (nothing personal is kept).
    Every field is checked: RuleErrors names all that are wrong."""
    anonymous = (
        inputs.boolean(data.get("anonymous"), "anonymous", "匿名")
        if kind == states.COMPLAINT
        else False
    )
    if kind == states.DISCLOSURE and data.get("anonymous") not in (None, "", False, "false", "0"):
        raise RuleError("anonymous", "依申请公开须提供申请人姓名或名称及联系方式，不能匿名")
    if anonymous:
        return None
    check = Collect()
    applicant_kind = check(
        inputs.choice,
        data.get("applicant_kind"),
        "applicant_kind",
        "申请人类型",
        catalog.APPLICANT_KINDS,
        default="person",
    )
    org = applicant_kind == "organisation"
    party = {
        "applicant_kind": applicant_kind,
        "name": check(
            text,
            data.get("name"),
            "name",
            "名称" if org else "姓名",
            limit=LIMITS["org_name" if org else "name"],
            required=True,
        ),
        "id_number": check(
            inputs.id_number,
            data.get("id_number"),
            "id_number",
            "统一社会信用代码" if org else "身份证件号码",
        ),
        "phone": check(inputs.phone, data.get("phone")),
        "email": check(inputs.email, data.get("email")),
        "address": check(text, data.get("address"), "address", "联系地址", limit=LIMITS["address"]),
    }
    if not inputs.given(data.get("phone")) and not inputs.given(data.get("email")):
        check.errors.setdefault("phone", "请填写联系电话或电子邮箱（至少一项）")
    check.done()
    return party


def parse_body(kind: str, data: dict) -> dict:
    """What is asked or reported; RuleErrors names every field that is wrong."""
    check = Collect()
    disclosure = kind == states.DISCLOSURE
    body = {
        "subject": check(
            text,
            data.get("subject"),
            "subject",
            "所需信息名称" if disclosure else "反映事项",
            limit=LIMITS["subject"],
            required=True,
        ),
        "content": check(
            text,
            data.get("content"),
            "content",
            "信息内容描述" if disclosure else "具体内容",
            limit=LIMITS["content"],
            required=True,
        ),
    }
    if disclosure:
        body["delivery"] = check(
            inputs.choice,
            data.get("delivery"),
            "delivery",
            "获取信息方式",
            catalog.DELIVERY,
            required=False,
        )
    else:
        body["category"] = check(
            inputs.choice,
            data.get("category"),
            "category",
            "类别",
            catalog.COMPLAINT_CATEGORIES,
            default="complaint",
        )
        body["respondent"] = check(
            text,
            data.get("respondent"),
            "respondent",
            "被投诉（举报）对象",
            limit=LIMITS["respondent"],
        )
    check.done()
    return body


def _check_delivery(party: dict | None, body: dict) -> None:
    if party and body.get("delivery") == "post" and not party["address"]:
        raise RuleError("address", "选择邮寄方式获取信息的，请填写联系地址")
    if party and body.get("delivery") == "email" and not party["email"]:
        raise RuleError("email", "选择电子邮件方式获取信息的，请填写电子邮箱")


def parse_case(kind: str, data: dict, check: Collect) -> tuple[dict | None, dict]:
    """Party and body together, every refusal kept in `check` (the caller raises)."""
    party = check(parse_party, kind, data)
    body = check(parse_body, kind, data)
    if body is not None:
        check(_check_delivery, party, body)
    return party, body


# ---------------------------------------------------------------- creating a case


def _recompute(case: Case, today: date, cal=None, rows=None) -> None:
    fields = cache_fields(case, cal or get_calendar(), today, rows)
    for k, v in fields.items():
        setattr(case, k, v)
    Case.objects.filter(pk=case.pk).update(**fields)


def create_case(
    *,
    kind: str,
    zone: Org,
    channel: str,
    received_on: date,
    party: dict | None,
    body: dict,
    actor,
    today: date,
    files=(),
    note: str = "",
) -> tuple[Case, str]:
    """Record a received case with its `received` event and deadlines. Returns (case, query code).
    Call inside a transaction; the callers below are the use cases."""
    rules_row = rules.current(kind)
    person = None
    if party:
        person = Person.objects.create(
            name=party["name"],
            id_number=party["id_number"],
            phone=party["phone"],
            address=party["address"],
        )
    for _ in range(10):
        tracking_no = codes.new_tracking_no(kind, received_on.year)
        if not Case.objects.filter(tracking_no=tracking_no).exists():
            break
    else:  # pragma: no cover - 30**8 numbers a year
        raise ConflictError("无法生成受理编号，请重试")
    query_code = codes.new_query_code()
    case = Case.objects.create(
        kind=kind,
        tracking_no=tracking_no,
        query_digest=codes.digest(tracking_no, query_code),
        zone=zone,
        rules=rules_row,
        channel=channel,
        received_on=received_on,
        anonymous=party is None,
        applicant_kind=party["applicant_kind"] if party else "person",
        person=person,
        email=party["email"] if party else "",
        **body,
    )
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    CaseEvent.objects.create(
        case=case,
        kind="received",
        on=received_on,
        actor=actor_user,
        note=note,
        data={"channel": channel, "receipt_date": catalog.RECEIPT_DATE.get(channel, "")},
    )
    for f in files:
        _attach(case, f, actor_user)
    _recompute(case, today)
    record(
        actor,
        "case.receive",
        case,
        after={
            "tracking_no": tracking_no,
            "kind": kind,
            "zone": zone.code,
            "channel": channel,
            "received_on": received_on,
            "anonymous": party is None,
            "rules": f"{rules_row.kind}/{rules_row.version}",
            "files": len(files),
        },
    )
    return case, query_code


def _attach(case: Case, uploaded, user) -> CaseAttachment:
    blob = evidence_store.store(uploaded)  # refuses a file whose content is not an allowed type
    return CaseAttachment.objects.create(
        case=case, blob=blob, name=safe_display_name(uploaded.name or ""), uploaded_by=user
    )


def _zone(code) -> Org:
    zone = (
        Org.objects.filter(code=str(code or ""), kind=Org.Kind.ZONE).first()
        if isinstance(code, str)
        else None
    )
    if zone is None:
        raise RuleError("zone", "请选择受理园区（园区代码不正确）")
    return zone


def _require_office(user, zone: Org) -> None:
    if not (user.has_role(Role.OFFICE) and in_scope(user, zone)):
        if in_scope(user, zone):
            raise PermissionDenied("只有创建办可以执行该操作")
        raise Http404("园区不存在或无权访问")


REGISTER_FIELDS = (
    PARTY_FIELDS
    | DISCLOSURE_FIELDS
    | COMPLAINT_FIELDS
    | {"kind", "zone", "channel", "received_on", "note"}
)


@transaction.atomic
def _received_on(value, channel: str | None, today: date) -> date:
    received_on = parse_date(
        value, "received_on", f"收到日期（{catalog.RECEIPT_DATE.get(channel, '收到之日')}）"
    )
    if received_on > today:
        raise RuleError("received_on", f"收到日期不能晚于今天 {today}")
    if received_on.year < today.year - 1:
        raise RuleError(
            "received_on", f"收到日期不能早于 {today.year - 1} 年（更早的案件请另行整理归档）"
        )
    return received_on


def register_case(user, data: dict, today: date | None = None, files=()) -> tuple[Case, str]:
    """The office registers a case received outside the public form: by post (received_on = the
    day signed for), in person (the day handed in), hotline, e-mail box, report box, letter.
    Returns (case, query code): the code is shown once, to be passed on to the person."""
    inputs.only_known(data, REGISTER_FIELDS)
    today = _today(today)
    kind = inputs.choice(data.get("kind"), "kind", "类别", states.KINDS)
    zone = _zone(
        data.get("zone") or (user.org.zone().code if user.org_id and user.org.zone() else "")
    )
    _require_office(user, zone)
    check = Collect()
    channel = check(
        inputs.choice, data.get("channel"), "channel", "收到渠道", catalog.CHANNELS[kind]
    )
    received_on = check(_received_on, data.get("received_on"), channel, today)
    party, body = parse_case(kind, data, check)
    note = check(text, data.get("note"), "note", "登记说明", limit=LIMITS["note"])
    check.done()
    return create_case(
        kind=kind,
        zone=zone,
        channel=channel,
        received_on=received_on,
        party=party,
        body=body,
        actor=user,
        today=today,
        files=files,
        note=note,
    )


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
               publish (show the reply text to the public tracker); complaint: outcome, text, publish
      rejected: reason; review_requested, recheck_requested: reason;
      review_replied, recheck_replied: outcome, text
      reply_delivered, review_delivered, consultation_delivered: `on` is the day of receipt
      appealed: appeal (reconsideration | litigation), result (upheld | corrected | other | pending)
      any: note, version (optimistic lock: refused when the case changed meanwhile)
    """
    inputs.only_known(data, EVENT_FIELDS)
    today = _today(today)
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
    if kind == "replied":
        blob = _store_docx(letters.letter_name(case), letters.reply_letter(case, agency, contact))
        case.letter = blob
        case.save(update_fields=["letter"])
    if notice:
        content = letters.notice_letter(case, notice[0], notice[1], agency, on)
        CaseAttachment.objects.create(
            case=case,
            blob=_store_docx(f"{case.tracking_no}-{notice[0]}.docx", content),
            name=f"{case.tracking_no}-{notice[0]}.docx",
            uploaded_by=user,
        )
    _recompute(case, today, cal, rows)
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
        if data.get("ground") not in (None, "") and not ground:
            raise RuleError("ground", f"答复类型为“{catalog.REPLY_TYPES[reply_type]}”时不填写理由")
        body = text(data.get("text"), "text", "答复内容", limit=LIMITS["reply_text"], required=True)
        changes.update(reply_type=reply_type, reply_ground=ground, reply_agency=agency)
        ev.data = {"reply_type": reply_type, "ground": ground, "agency": agency, "publish": publish}
    else:
        outcome = inputs.choice(
            data.get("outcome") or data.get("reply_type"),
            "outcome",
            "处理结果",
            catalog.COMPLAINT_OUTCOMES,
        )
        body = text(data.get("text"), "text", "答复内容", limit=LIMITS["reply_text"], required=True)
        changes.update(reply_type=outcome, reply_ground="", reply_agency="")
        ev.data = {"outcome": outcome, "publish": publish}
    changes.update(reply_text=body, replied_on=on, reply_public=publish)


def _store_docx(name: str, content: bytes):
    return evidence_store.store(SimpleUploadedFile(name, content, content_type=DOCX))


# ---------------------------------------------------------------- files


@transaction.atomic
def add_attachment(user, case_id, uploaded) -> CaseAttachment:
    case = get_case(user, case_id, for_update=True)
    if not (is_office_of(user, case) or is_handling_department(user, case)):
        raise PermissionDenied("只有创建办或承办部门可以上传附件")
    if uploaded is None:
        raise RuleError("file", "请选择要上传的文件")
    item = _attach(case, uploaded, user)
    record(
        user,
        "case.attachment",
        case,
        after={"tracking_no": case.tracking_no, "name": item.name, "sm3": item.blob_id},
    )
    return item


def open_attachment(user, case_id, attachment_id):
    """(display name, open file) of an attachment; only the handling staff (it may hold personal data)."""
    case = get_case(user, case_id)
    if not (is_office_of(user, case) or is_handling_department(user, case)):
        raise PermissionDenied("附件可能含个人信息，只有创建办或承办部门可以查看")
    item = CaseAttachment.objects.filter(case=case, pk=attachment_id).select_related("blob").first()
    if item is None:
        raise Http404("附件不存在")
    return item.name, evidence_store.open_blob(item.blob)


def letter_of(user, case_id) -> tuple[str, bytes]:
    """The reply letter of a replied case (it names the applicant: the handling staff only)."""
    case = get_case(user, case_id)
    if not (is_office_of(user, case) or is_handling_department(user, case)):
        raise PermissionDenied("告知书含申请人个人信息，只有创建办或承办部门可以下载")
    if case.letter_id is None:
        raise Http404("尚未答复，没有告知书")
    with evidence_store.open_blob(case.letter) as f:
        content = f.read()
    record(user, "case.letter.download", case, after={"tracking_no": case.tracking_no})
    return letters.letter_name(case), content


def attachment_of(user, case_id, attachment_id) -> tuple[str, object]:
    """A file kept with a case: (name, open file). Like the letter it may name the person,
    so it is for the handling staff only; every download is audited."""
    case = get_case(user, case_id)
    if not (is_office_of(user, case) or is_handling_department(user, case)):
        raise PermissionDenied("附件可能含个人信息，只有创建办或承办部门可以下载")
    item = case.attachments.filter(pk=attachment_id).select_related("blob").first()
    if item is None:
        raise Http404("附件不存在")
    record(
        user,
        "case.attachment.download",
        case,
        after={"tracking_no": case.tracking_no, "name": item.name, "sm3": item.blob_id},
    )
    return item.name, evidence_store.open_blob(item.blob)


# ---------------------------------------------------------------- intake settings


INTAKE_TEXT = {  # field: (label, limit)
    "agency_name": ("答复机关名称", 100),
    "contact": ("联系方式", 200),
    "phone": ("受理电话", 30),
    "address": ("来访地址", 200),
}


@transaction.atomic
def set_intake(user, zone_code: str, data: dict) -> IntakeSettings:
    """Open or close a zone's public intake, name the agency that signs the letters, and give
    the phone and address printed on the public pages. `user` None is the operator at the
    shell (`fazhi registers intake`)."""
    inputs.only_known(data, {"disclosure_open", "complaint_open", *INTAKE_TEXT})
    zone = Org.objects.filter(code=zone_code, kind=Org.Kind.ZONE).first()
    if zone is None or (user is not None and not in_scope(user, zone)):
        raise Http404("园区不存在或无权访问")
    if user is not None:
        _require_office(user, zone)
    row, _ = IntakeSettings.objects.get_or_create(zone=zone)
    fields = ("disclosure_open", "complaint_open", *INTAKE_TEXT)
    before = {k: getattr(row, k) for k in fields}
    if "disclosure_open" in data:
        row.disclosure_open = inputs.boolean(
            data["disclosure_open"], "disclosure_open", "受理依申请公开"
        )
    if "complaint_open" in data:
        row.complaint_open = inputs.boolean(
            data["complaint_open"], "complaint_open", "受理投诉举报"
        )
    for name, (label, limit) in INTAKE_TEXT.items():
        if name in data:
            setattr(row, name, text(data[name], name, label, limit=limit))
    row.save()
    record(user, "intake.settings", row, before=before, after={k: getattr(row, k) for k in fields})
    return row


# ---------------------------------------------------------------- refresh (tick)


@dataclass
class RefreshResult:
    cases: int = 0
    changed: int = 0
    overdue: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _write_cache(rows: list[tuple[int, dict]]) -> None:
    """One UPDATE per row through executemany: on SQLite many times faster than bulk_update's
    CASE expressions, and the same SQL on PostgreSQL. Only the cache columns are written."""
    q = connection.ops.quote_name
    fields = [Case._meta.get_field(name) for name in CACHE_COLUMNS]
    sql = f"UPDATE {q(Case._meta.db_table)} SET {', '.join(f'{q(f.column)} = %s' for f in fields)} WHERE {q('id')} = %s"
    params = [
        [f.get_db_prep_save(values[f.name], connection) for f in fields] + [pk]
        for pk, values in rows
    ]
    with connection.cursor() as cur:
        cur.executemany(sql, params)


def refresh_after_calendar_change(sender=None, year: int | None = None, **kwargs) -> None:
    """The holiday table changed from `year` on: recompute the cases whose cached dates may
    depend on it (暂定 ones, and those due on or after its first day)."""
    if year is not None:
        refresh(since=date(year, 1, 1))


def refresh(
    today: date | None = None, batch: int = 2000, since: date | None = None
) -> RefreshResult:
    """Recompute the cached deadlines of every case as of `today` (idempotent; for cron, like
    `fazhi tick`). One transaction per batch of cases; only rows whose values changed are
    written. Reads plain tuples, not model instances: the deadline engine is the cost.
    With `since`, only the cases a change of the calendar from that day on can move."""

    started = time.perf_counter()
    today = _today(today)
    cal = get_calendar()
    result = RefreshResult()
    compared = [c for c in CACHE_COLUMNS if c != "deadlines_as_of"]
    cases = Case.objects.all()
    if since is not None:
        cases = cases.filter(
            Q(deadline_note__gt="") | Q(next_due__gte=since) | Q(reply_due__gte=since)
        )
    last = 0
    while True:
        with transaction.atomic():
            chunk = list(
                cases.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "rules_id", *compared)[:batch]
            )
            if not chunk:
                break
            first, last_pk = chunk[0][0], chunk[-1][0]
            events: dict[int, list[dl.Event]] = {}
            for case_id, kind, on, days, period in (
                CaseEvent.objects.filter(case_id__gte=first, case_id__lte=last_pk)
                .order_by("case_id", "on", "id")
                .values_list("case_id", "kind", "on", "days", "period")
            ):
                events.setdefault(case_id, []).append(
                    dl.Event(kind=kind, on=on, days=days or 0, period=period or "")
                )
            changed = []
            for pk, rules_id, *cached in chunk:
                fields = cache_values(rules_id, events.get(pk, []), cal, today)
                if fields["deadline_error"]:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{pk}: {fields['deadline_error']}")
                if fields["overdue"]:
                    result.overdue += 1
                if any(old != fields[name] for name, old in zip(compared, cached, strict=True)):
                    changed.append((pk, fields))
            if changed:
                _write_cache(changed)
            result.cases += len(chunk)
            result.changed += len(changed)
            last = last_pk
    RateCounter.objects.filter(window_start__lt=timezone.now() - timedelta(days=1)).delete()
    # A used token needs keeping only while it could still be presented: expired ones are refused anyway.
    keep = max(2 * conf("FAZHI_PUBLIC_CHALLENGE_TTL_SECONDS", 600), 86400)
    UsedChallenge.objects.filter(used_at__lt=timezone.now() - timedelta(seconds=keep)).delete()
    result.seconds = time.perf_counter() - started
    return result


# ---------------------------------------------------------------- figures for the self-assessment

FIGURE_KINDS = {"8": (states.DISCLOSURE,), "11": (states.COMPLAINT,), "12": (states.COMPLAINT,)}


def attach_figures_as_evidence(
    user, assessment_id, indicator_code, as_of: date | None = None
) -> Evidence:
    """Write a summary of the zone's register figures for the assessment's year (.xlsx) into
    the evidence store and attach it to the item (items 8: disclosure; 11, 12: complaints;
    any other item: both). Only the zone's office, while the assessment is editable.

    Evidence is stamped with the real date (the caller cannot choose it). A past `as_of` is
    allowed only for the year-end figure of a closed year (YYYY-12-31 of the assessment's year,
    before today), and the file name and the audit entry say so."""
    from fazhi.assessments.selectors import get_assessment
    from fazhi.assessments.services import add_evidence

    today = clock.today()
    assessment = get_assessment(user, assessment_id)
    year_end = date(assessment.year, 12, 31)
    if as_of is not None and as_of != today and (as_of != year_end or year_end >= today):
        raise RuleError(
            "as_of",
            f"统计按实际日期（{today}）生成；只有已结束年度的年末数可以指定截至日期 {year_end}",
        )
    as_of = as_of or today
    closed = as_of == year_end and as_of < today
    code = str(indicator_code)
    kinds = FIGURE_KINDS.get(code, (states.DISCLOSURE, states.COMPLAINT))
    figures = register_figures(assessment.zone, assessment.year, get_calendar(), as_of)
    content = to_bytes(write_figures_xlsx, figures, kinds)
    label = "、".join(states.KINDS[k] for k in kinds)
    stamp = (
        f"年末数截至{as_of.isoformat()}（{today.isoformat()}生成）"
        if closed
        else f"截至{as_of.isoformat()}"
    )
    name = f"{assessment.zone.name}{assessment.year}年度台账统计（{label}）{stamp}.xlsx"
    with transaction.atomic():
        item = add_evidence(
            user, assessment_id, code, SimpleUploadedFile(name, content, content_type=XLSX)
        )
        record(
            user,
            "register.figures.attach",
            item,
            after={
                "assessment": assessment.pk,
                "indicator": code,
                "as_of": as_of,
                "generated_on": today,
                "year_end": closed,
                **{
                    k: {
                        x: figures[k][x] for x in ("received", "replied", "on_time_rate", "overdue")
                    }
                    for k in kinds
                },
            },
        )
    return item
