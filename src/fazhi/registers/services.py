"""Use cases of the registers: one transaction each, audited.

Staff (office of the zone, the assigned department):
    register_case(user, data, today=None, files=()) -> (Case, query code)  received by post, in person, …
    add_attachment(user, case_id, uploaded) -> CaseAttachment
    open_attachment(user, case_id, attachment_id) -> (name, file)
    letter_of(user, case_id) -> (name, bytes)                          the reply letter (.docx)
    set_intake(user, zone_code, data) -> IntakeSettings                public intake of a zone
The other use cases have a module each: events.record_event (every step of a case),
refresh.refresh (recompute every case's cached deadlines).
The public side (intake, tracking, challenge, rate limits) is in registers.public.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import parse_date, text
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Org, Role
from fazhi.security.models import Person
from fazhi.workdays.selectors import get_calendar

from . import catalog, clock, codes, inputs, letters, rules, states
from .clock import cache_fields
from .inputs import LIMITS
from .models import Case, CaseAttachment, CaseEvent, IntakeSettings
from .selectors import get_case, is_handling_department, is_office_of

PUBLIC_ACTOR = "公众"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def day_or_today(today: date | None) -> date:
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


def recompute(case: Case, today: date, cal=None, rows=None) -> None:
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
    recompute(case, today)
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
    today = day_or_today(today)
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
