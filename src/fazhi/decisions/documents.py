"""Use cases of 行政规范性文件: one transaction each, audited; the rules in core.normative.

create_document(user, data, today) -> NormativeDocument           起草
record_document_step(user, doc_id, data, files=(), today) -> doc   every later step
settings_of(zone) -> core.normative.Settings
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import normative as nd
from fazhi.core.docno import default_prefix
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import int_in, parse_date, text
from fazhi.orgs.models import Role
from fazhi.registers.inputs import boolean, choice, only_known
from fazhi.workdays.selectors import get_calendar

from . import access
from .models import DocumentStep, NormativeDocument, StepFile, ZoneSettings

CREATE_FIELDS = {"zone", "department", "title", "drafted_on", "provisional", "note"}
STEP_FIELDS = {
    nd.SOLICIT: ("comment_end",),
    nd.REVIEW: ("reviewer", "sent_on", "opinion"),
    nd.DELIBERATE: ("meeting",),
    nd.REGISTER: ("year", "number"),
    nd.PUBLISH: ("published_in",),
    nd.FILE: ("to_body",),
    nd.FILING_RESULT: ("result",),
    nd.CLEANUP: ("outcome", "reason"),
}
COMMON = {"step", "on", "note", "version"}


def settings_of(zone) -> nd.Settings:
    row = ZoneSettings.objects.filter(zone=zone).first()
    if row is None:
        return nd.Settings()
    return nd.Settings(row.filing_days, row.validity_years, row.provisional_years)


def prefix_of(zone) -> str:
    return zone.doc_prefix or default_prefix(zone.name)


def _day(check, value, field, label, today, *, required=True):
    d = check(parse_date, value, field, label, required)
    if d is not None and d > today:
        check.errors.setdefault(field, f"{label}不能晚于今天（{today}）")
        return None
    return d


@transaction.atomic
def create_document(user, data: dict, today: date | None = None) -> NormativeDocument:
    today = today or timezone.localdate()
    only_known(data, CREATE_FIELDS)
    if not access.can_create(user):
        raise PermissionDenied("只有创建办或部门可以登记规范性文件")
    check = Collect()
    zone = check(access.writing_zone, user, data.get("zone"))
    dept = check(access.department_of, user, zone, data.get("department")) if zone else None
    title = check(text, data.get("title"), "title", "文件名称", limit=200, required=True)
    drafted_on = _day(
        check, data.get("drafted_on") or today.isoformat(), "drafted_on", "起草日期", today
    )
    provisional = check(boolean, data.get("provisional"), "provisional", "暂行/试行")
    note = check(text, data.get("note"), "note", "说明", limit=500)
    check.done()
    doc = NormativeDocument.objects.create(
        zone=zone,
        department=dept,
        title=title,
        provisional=bool(provisional) or nd.is_provisional(title),
        drafted_on=drafted_on,
    )
    DocumentStep.objects.create(
        document=doc, step="draft", on=drafted_on, data={"note": note}, actor=user
    )
    record(user, "normative.create", doc, after={"title": title, "zone": zone.code})
    return doc


def _last_on(doc) -> date:
    last = doc.steps.aggregate(m=Max("on"))["m"]
    return last or doc.drafted_on


def _next_number(zone, year: int) -> int:
    top = NormativeDocument.objects.filter(zone=zone, year=year).aggregate(m=Max("number"))["m"]
    return (top or 0) + 1


def _step_data(doc, step: str, data: dict, on: date | None, check: Collect, today: date) -> dict:
    """The step's own fields, checked; their errors go into `check`."""
    out: dict = {}
    if step == nd.SOLICIT:
        end = check(parse_date, data.get("comment_end"), "comment_end", "征求意见截止日期")
        if end and on and end <= on:
            check.errors.setdefault("comment_end", "征求意见截止日期应晚于开始日期（办理日期）")
        out["comment_start"], out["comment_end"] = on and on.isoformat(), end and end.isoformat()
    elif step == nd.REVIEW:
        out["reviewer"] = check(
            text, data.get("reviewer"), "reviewer", "审查机构/人员", limit=100, required=True
        )
        sent = _day(check, data.get("sent_on"), "sent_on", "送审日期", today)
        if sent and on and sent > on:
            check.errors.setdefault("sent_on", "送审日期不能晚于审查意见日期（办理日期）")
        out["sent_on"] = sent and sent.isoformat()
        out["opinion"] = check(
            text, data.get("opinion"), "opinion", "审查意见", limit=2000, required=True
        )
    elif step == nd.DELIBERATE:
        out["meeting"] = check(
            text, data.get("meeting"), "meeting", "审议会议", limit=200, required=True
        )
    elif step == nd.REGISTER:
        year = data.get("year") or (on.year if on else today.year)
        number = data.get("number") or _next_number(
            doc.zone, int(year) if str(year).isdigit() else 0
        )
        got = check(nd.check_number, year, number)
        if got:
            taken = (
                NormativeDocument.objects.filter(zone=doc.zone, year=got[0], number=got[1])
                .exclude(pk=doc.pk)
                .values_list("doc_no", "title")
                .first()
            )
            if taken:
                check.errors.setdefault(
                    "number",
                    f"{got[0]} 年第 {got[1]} 号已用于 {taken[0]}《{taken[1]}》，同一年度编号不能重复",
                )
            out["year"], out["number"] = got
    elif step == nd.PUBLISH:
        out["published_in"] = check(
            text, data.get("published_in"), "published_in", "公布载体", limit=200
        )
    elif step == nd.FILE:
        out["to_body"] = check(
            text, data.get("to_body"), "to_body", "报送备案机关", limit=100, required=True
        )
        if on and doc.published_on and on < doc.published_on:
            check.errors.setdefault("on", f"报送备案日期不能早于公布日期（{doc.published_on}）")
    elif step == nd.FILING_RESULT:
        out["result"] = check(
            choice, data.get("result"), "result", "备案审查结果", nd.FILING_RESULTS
        )
    elif step == nd.CLEANUP:
        out["outcome"] = check(
            choice, data.get("outcome"), "outcome", "清理结论", nd.CLEANUP_OUTCOMES
        )
        out["reason"] = check(
            text, data.get("reason"), "reason", "清理理由", limit=1000, required=True
        )
    return out


@transaction.atomic
def record_document_step(
    user, doc_id, data: dict, files=(), today: date | None = None
) -> NormativeDocument:
    today = today or timezone.localdate()
    only_known(data, COMMON | {f for fields in STEP_FIELDS.values() for f in fields})
    step = data.get("step") or ""
    if not isinstance(step, str):
        raise RuleError("step", "办理步骤 step 必须是步骤代码（文字）")
    only_known(data, COMMON | set(STEP_FIELDS.get(step, ())))
    doc = access.get_visible(NormativeDocument, user, doc_id, for_update=True)
    if not access.can_write(user, doc):
        raise PermissionDenied("只有创建办或起草部门可以办理本文件")
    if data.get("version") not in (None, "") and str(data["version"]) != str(doc.version):
        raise ConflictError("文件已被他人修改，请刷新页面后重试")
    nd.check_step(doc.state, step)
    check = Collect()
    on = _day(check, data.get("on") or today.isoformat(), "on", "办理日期", today)
    fields = _step_data(doc, step, data, on, check, today)  # its own date rules first
    last = _last_on(doc)
    if on and on < last:
        check.errors.setdefault("on", f"办理日期不能早于上一步骤的日期（{last}）")
    note = check(text, data.get("note"), "note", "说明", limit=1000)
    check.done()
    before = {"state": doc.state}
    doc.state = nd.next_state(
        doc.state, step, filing_result=fields.get("result", ""), outcome=fields.get("outcome", "")
    )
    _apply(doc, step, on, fields)
    doc.version += 1
    try:
        with transaction.atomic():
            doc.save()
    except IntegrityError:
        raise RuleError("number", "该年度编号已被使用，同一年度编号不能重复") from None
    DocumentStep.objects.create(
        document=doc, step=step, on=on, data={**fields, "note": note}, actor=user
    )
    for f in files:
        _attach(doc, step, f, user)
    record(user, f"normative.{step}", doc, before=before, after={"state": doc.state, **fields})
    return doc


def _apply(doc, step: str, on: date, fields: dict) -> None:
    if step == nd.REVIEW:
        doc.reviewed, doc.reviewer = True, fields["reviewer"]
    elif step == nd.REGISTER:
        doc.year, doc.number = fields["year"], fields["number"]
        doc.doc_no = nd.format_number(prefix_of(doc.zone), doc.year, doc.number)
    elif step == nd.PUBLISH:
        settings = settings_of(doc.zone)
        doc.published_on = on
        doc.valid_until = nd.valid_until(on, doc.provisional, settings)
        doc.filing_due = nd.filing_due(on, get_calendar().tentative(), settings)
    elif step == nd.FILE:
        doc.filed_on, doc.filing_result = on, ""
    elif step == nd.FILING_RESULT:
        doc.filing_result = fields["result"]
    elif step == nd.CLEANUP:
        doc.last_cleanup_on, doc.cleanup_outcome = on, fields["outcome"]
        if fields["outcome"] in (nd.ABOLISH, nd.EXPIRE):
            doc.ended_on = on


def _attach(doc_or_decision, step, uploaded, user) -> StepFile:
    blob = evidence_store.store(uploaded)
    kwargs = (
        {"document": doc_or_decision}
        if isinstance(doc_or_decision, NormativeDocument)
        else {"decision": doc_or_decision}
    )
    return StepFile.objects.create(
        **kwargs,
        step=step,
        blob=blob,
        name=safe_display_name(uploaded.name or "附件"),
        uploaded_by=user,
    )


def open_file(user, model, pk, file_id):
    """(name, open file) of a step's file: whoever may see the record."""
    obj = access.get_visible(model, user, pk)
    key = "document" if model is NormativeDocument else "decision"
    item = StepFile.objects.filter(**{key: obj}, pk=file_id).select_related("blob").first()
    if item is None:
        from django.http import Http404

        raise Http404("附件不存在")
    return item.name, evidence_store.open_blob(item.blob)


SETTINGS_FIELDS = {"zone", "filing_days", "validity_years", "provisional_years"}


@transaction.atomic
def save_settings(user, data: dict) -> ZoneSettings:
    """The zone's filing period and validity (the office of the zone). Applies to documents
    published from now on; those already published keep the dates they were given."""
    only_known(data, SETTINGS_FIELDS)
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以设置规范性文件的期限")
    check = Collect()
    zone = check(access.writing_zone, user, data.get("zone"))
    filing = check(int_in, data.get("filing_days"), "filing_days", "报送备案期限（日）", 1, 365)
    years = check(int_in, data.get("validity_years"), "validity_years", "有效期（年）", 1, 10)
    prov = check(
        int_in, data.get("provisional_years"), "provisional_years", "暂行、试行有效期（年）", 1, 10
    )
    if years and prov and prov > years:
        check.errors.setdefault(
            "provisional_years", f"暂行、试行有效期不能长于有效期（{years} 年）"
        )
    check.done()
    row, _ = ZoneSettings.objects.select_for_update().get_or_create(zone=zone)
    before = {
        "filing_days": row.filing_days,
        "validity_years": row.validity_years,
        "provisional_years": row.provisional_years,
    }
    row.filing_days, row.validity_years, row.provisional_years = filing, years, prov
    row.save()
    record(
        user,
        "normative.settings",
        zone,
        before=before,
        after={"filing_days": filing, "validity_years": years, "provisional_years": prov},
    )
    return row
