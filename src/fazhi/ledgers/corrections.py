"""Correcting what was recorded: a target's indicator fields, a reported figure (its evidence
kept: a replaced file stays on the correction), an activity; and who set the year's target
list (the city or the province, by which document). Whoever may record a thing may correct
it; each correction carries the version the page was read at (optimistic locking) and the
audit log keeps the old and the new values of what changed."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.http import Http404

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import targets as rules
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.review import parse_doc_no
from fazhi.core.scoring import format_points
from fazhi.core.validate import int_in, parse_date, text, version
from fazhi.orgs.models import Org

from . import access, activities, targets
from .models import Activity, Target, TargetList, TargetReport, TargetReportRevision


def _fresh(obj, data: dict, label: str) -> None:
    """The version the page was read at must still be the object's."""
    if version(data.get("version")) != obj.version:
        raise ConflictError(f"{label}已被他人修改（当前版本 {obj.version}），请刷新后重试")


def _changes(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# ---------------------------------------------------------------- 目标清单的下达


def issuers_of(zone: Org) -> dict[str, str]:
    """Who may set a zone's target list: the city and the province above it."""
    ids = [int(i) for i in zone.path.strip("/").split("/") if i]
    above = Org.objects.filter(pk__in=ids, kind__in=(Org.Kind.CITY, Org.Kind.PROVINCE))
    return {o.code: o.name for o in above.order_by("path")}


def set_target_list(user, data: dict, *, today: date) -> TargetList:
    """Record (or correct) who set the year's target list, by which document and when."""
    zone = access.office_zone(user)
    check = Collect()
    year = check(int_in, data.get("year"), "year", "年度", 2000, 2100)
    issuers = issuers_of(zone)
    code = str(data.get("issuer") or "").strip()
    if code not in issuers:
        names = "、".join(issuers.values()) or "（无上级市、省）"
        check(_refuse, "issuer", f"下达单位只能是本园区所在的市或省：{names}")
    doc_no = check(parse_doc_no, data.get("doc_no"))
    issued_on = check(parse_date, data.get("issued_on"), "issued_on", "下达日期")
    if issued_on is not None and issued_on > today:
        check(_refuse, "issued_on", f"下达日期不能晚于今天（{today.isoformat()}）")
    check.done()
    fields = {"issuer": Org.objects.get(code=code), "doc_no": doc_no, "issued_on": issued_on}
    with transaction.atomic():
        current = TargetList.objects.select_for_update().filter(zone=zone, year=year).first()
        if current is None:
            tl = TargetList.objects.create(zone=zone, year=year, **fields)
            record(user, "target_list.set", tl, after=_list_audit(tl))
            return tl
        _fresh(current, data, "目标清单的下达信息")
        before = _list_audit(current)
        for k, v in fields.items():
            setattr(current, k, v)
        current.version += 1
        current.save()
        old, new = _changes(before, _list_audit(current))
        record(user, "target_list.correct", current, before=old, after=new)
    return current


def _list_audit(tl: TargetList) -> dict:
    return {
        "year": tl.year,
        "issuer": tl.issuer.code,
        "doc_no": tl.doc_no,
        "issued_on": tl.issued_on.isoformat(),
    }


# ---------------------------------------------------------------- indicators


def edit_target(user, target_id, data: dict) -> Target:
    """The office corrects an indicator's fields; the frequency stays once figures exist."""
    t = targets.get_target(user, target_id)
    if not access.is_office_of(user, t.zone):
        raise Http404("指标不存在或无权修改")
    clean = targets.clean_target(t.zone, data)
    try:
        with transaction.atomic():
            t = (
                Target.objects.select_for_update(of=("self",))
                .select_related("zone", "department")
                .get(pk=t.pk)
            )
            _fresh(t, data, "指标")
            if clean["frequency"] != t.frequency and t.reports.exists():
                raise RuleError("frequency", "该指标已有填报记录，不能修改填报频次")
            before = targets.audit_of(t)
            for k, v in clean.items():
                setattr(t, k, v)
            t.version += 1
            t.save()
            old, new = _changes(before, targets.audit_of(t))
            record(user, "target.correct", t, before=old, after=new)
    except IntegrityError:
        raise RuleError("indicator", f"{t.year} 年已有指标“{clean['indicator']}”") from None
    return t


# ---------------------------------------------------------------- reported figures


def get_report(user, report_id) -> TargetReport:
    try:
        rep = TargetReport.objects.select_related("target").get(pk=int(report_id))
    except (TargetReport.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("填报记录不存在或无权查看") from None
    targets.get_target(user, rep.target_id)  # 404 out of scope
    return rep


def correct_report(user, report_id, data: dict, upload=None, *, today: date) -> TargetReport:
    """Whoever may report the figure corrects it, with a reason. A new file replaces the
    evidence; the replaced one is kept on the correction (TargetReportRevision)."""
    rep = get_report(user, report_id)
    t = targets.get_target(user, rep.target_id)
    if not targets.can_report(user, t):
        raise Http404("填报记录不存在或无权更正")
    check = Collect()
    value = check(rules.parse_amount, data.get("value"), "value", "累计完成数", positive=False)
    note = check(text, data.get("note"), "note", "说明", limit=500)
    reason = check(text, data.get("reason"), "reason", "更正原因", limit=500, required=True)
    blob = check(evidence_store.store, upload) if upload is not None else None
    check.done()
    with transaction.atomic():
        rep = TargetReport.objects.select_for_update().get(pk=rep.pk)
        _fresh(rep, data, "填报记录")
        revision = TargetReportRevision(
            report=rep,
            value_before=rep.value,
            value_after=value,
            note_before=rep.note,
            reason=reason,
            by=user,
        )
        if blob is not None and rep.blob_id:
            revision.blob_id, revision.file_name = rep.blob_id, rep.file_name
        before = {"value": format_points(rep.value), "note": rep.note, "sm3": rep.blob_id or ""}
        rep.value, rep.note, rep.version = value, note, rep.version + 1
        if blob is not None:
            rep.blob, rep.file_name = blob, upload.name[:255]
        rep.save()
        revision.save()
        after = {"value": format_points(value), "note": note, "sm3": rep.blob_id or ""}
        old, new = _changes(before, after)
        record(user, "target.report.correct", t, before=old, after={"period": rep.period, **new})
    return rep


def revision_file(user, revision_id) -> tuple[str, object]:
    try:
        rev = (
            TargetReportRevision.objects.filter(
                pk=int(revision_id), report__target__in=targets.targets_for(user)
            )
            .select_related("blob", "report__target")
            .first()
        )
    except (ValueError, TypeError, OverflowError):
        rev = None
    if rev is None or rev.blob is None:
        raise Http404("文件不存在或无权查看")
    record(user, "target.report.download", rev.report.target, after={"sm3": rev.blob_id})
    return rev.file_name, evidence_store.open_blob(rev.blob)


# ---------------------------------------------------------------- activities


def edit_activity(user, activity_id, data: dict, *, today: date) -> Activity:
    """Whoever may record the activity corrects its fields (its files stay)."""
    a = activities.get_activity(user, activity_id)
    if not activities.can_record(user, a):
        raise Http404("活动不存在或无权修改")
    check = Collect()
    clean = activities.clean_activity(user, a.zone, data, today, check)
    check.done()
    with transaction.atomic():
        a = (
            Activity.objects.select_for_update(of=("self",))
            .select_related("zone", "organiser")
            .get(pk=a.pk)
        )
        _fresh(a, data, "活动")
        before = {**activities.audit_of(a), "attendees": _names(a.attendees.all())}
        attendees = clean.pop("attendees")
        for k, v in clean.items():
            setattr(a, k, v)
        a.attendee_count, a.version = len(attendees), a.version + 1
        a.save()
        a.attendees.set(attendees)
        old, new = _changes(before, {**activities.audit_of(a), "attendees": _names(attendees)})
        record(user, "activity.correct", a, before=old, after=new)
    return a


def _names(users) -> list[str]:
    return sorted(u.username for u in users)


def _refuse(field: str, message: str):
    raise RuleError(field, message)
