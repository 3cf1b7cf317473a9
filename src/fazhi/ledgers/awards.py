"""表彰与推广: record an award, commendation, 批示 or adopted practice; read the register.
Which count for items 15 and 16: fazhi.core.awards."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import awards as rules
from fazhi.core.errors import Collect, RuleError
from fazhi.core.validate import parse_date, text

from . import access
from .models import Award


def _not_future(on: date | None, today: date) -> date | None:
    if on is not None and on > today:
        raise RuleError("on", f"日期不能晚于今天（{today.isoformat()}）")
    return on


def record_award(user, data: dict, upload=None, *, today: date) -> Award:
    zone = access.office_zone(user)
    check = Collect()
    kind = check(rules.check_kind, data.get("kind"))
    level = check(rules.check_level, data.get("level"))
    title = check(text, data.get("title"), "title", "名称", limit=200, required=True)
    issuer = check(
        text, data.get("issuer"), "issuer", "授予/批示/推广单位", limit=100, required=True
    )
    on = check(parse_date, data.get("on"), "on", "日期")
    check(_not_future, on, today)
    doc_no = check(text, data.get("doc_no"), "doc_no", "文件文号", limit=60)
    where = check(text, data.get("where"), "where", "推广范围/地点", limit=200)
    if kind == rules.PRACTICE and not where:
        check(_refuse, "where", "经验做法推广须填写推广范围/地点")
    blob = check(evidence_store.store, upload) if upload is not None else None
    check.done()
    with transaction.atomic():
        a = Award.objects.create(
            zone=zone,
            kind=kind,
            level=level,
            title=title,
            issuer=issuer,
            on=on,
            doc_no=doc_no,
            where=where,
            blob=blob,
            file_name=upload.name[:255] if blob is not None else "",
            created_by=user,
        )
        record(
            user,
            "award.record",
            a,
            after={"kind": kind, "level": level, "title": title, "on": on.isoformat()},
        )
    return a


def _refuse(field: str, message: str):
    raise RuleError(field, message)


def awards_for(user) -> QuerySet[Award]:
    return Award.objects.filter(access.scoped(user, "zone", ()))


def award_file(user, award_id) -> tuple[str, object]:
    try:
        a = awards_for(user).select_related("blob").get(pk=int(award_id))
    except (Award.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("记录不存在或无权查看") from None
    if a.blob is None:
        raise Http404("文件不存在")
    record(user, "award.file.download", a, after={"sm3": a.blob_id})
    return a.file_name, evidence_store.open_blob(a.blob)
