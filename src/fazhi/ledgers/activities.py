"""学习、培训、宣传、专题研究: record an activity (with its files) and read the register.
Rules (what each item asks, what may be recorded as held) in fazhi.core.activities."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core import activities as rules
from fazhi.core.errors import Collect, RuleError
from fazhi.core.validate import parse_date, text
from fazhi.orgs.models import Org, Role, User

from . import access
from .models import Activity, ActivityFile
from .targets import department_of

MAX_HEADCOUNT = 1_000_000
MAX_FILES = 20


def _kind(value) -> str:
    if not isinstance(value, str) or value not in rules.KINDS:
        raise RuleError("kind", "类别只能是：" + "、".join(rules.KINDS.values()))
    return value


def _headcount(value) -> int:
    if value in (None, ""):
        return 0
    try:
        n = int(str(value).strip())
    except ValueError:
        raise RuleError("public_headcount", "群众参与人数必须是整数") from None
    if not 0 <= n <= MAX_HEADCOUNT:
        raise RuleError("public_headcount", f"群众参与人数必须在 0 至 {MAX_HEADCOUNT} 之间")
    return n


def _attendees(zone: Org, value) -> list[User]:
    """Attendees from the zone's own users, by user name."""
    names = (
        value if isinstance(value, list | tuple) else str(value or "").replace("，", ",").split(",")
    )
    names = [str(n).replace("\x00", "").strip() for n in names]
    names = [n for n in names if n]
    if len(names) > 1000:
        raise RuleError("attendees", "参加人员最多 1000 人")
    found = {
        u.username: u
        for u in User.objects.filter(username__in=names, org__path__startswith=zone.path)
    }
    unknown = [n for n in names if n not in found]
    if unknown:
        raise RuleError("attendees", f"不是本园区的用户：{'、'.join(unknown[:5])}")
    return [found[n] for n in dict.fromkeys(names)]


def _organiser(user, zone: Org, value) -> Org | None:
    if user.has_role(Role.DEPARTMENT) and not user.has_role(Role.OFFICE):
        return user.org  # a department records its own activities
    return department_of(zone, value, "organiser")


def clean_activity(user, zone: Org, data: dict, today: date, check: Collect) -> dict:
    """An activity's fields (recording or correcting it); refusals go to `check`."""
    kind = check(_kind, data.get("kind"))
    held_on = check(parse_date, data.get("held_on"), "held_on", "日期")
    status = data.get("status") or rules.HELD
    if held_on is not None:
        status = check(rules.check_status, status, held_on, today)
    return {
        "kind": kind,
        "held_on": held_on,
        "status": status,
        "subject": check(text, data.get("subject"), "subject", "主题", limit=200, required=True),
        "organiser": check(_organiser, user, zone, data.get("organiser")),
        "attendees": check(_attendees, zone, data.get("attendees")) or [],
        "public_headcount": check(_headcount, data.get("public_headcount")),
        "note": check(text, data.get("note"), "note", "说明", limit=1000),
    }


def record_activity(user, data: dict, files=(), *, today: date) -> Activity:
    """`files`: [(kind, upload)] with kind minutes / photo / material."""
    zone = access.writer_zone(user)
    check = Collect()
    clean = clean_activity(user, zone, data, today, check)
    if len(files) > MAX_FILES:
        check(_refuse, "files", f"一次最多上传 {MAX_FILES} 个文件")
    blobs = []
    for file_kind, upload in files:
        if file_kind not in ActivityFile.KINDS:
            check(_refuse, "files", "文件类别只能是：纪要/记录、照片、材料/签到表")
            continue
        blob = check(evidence_store.store, upload)
        if blob is not None:
            blobs.append((file_kind, blob, upload.name[:255]))
    check.done()
    attendees = clean.pop("attendees")
    with transaction.atomic():
        a = Activity.objects.create(
            zone=zone, attendee_count=len(attendees), created_by=user, **clean
        )
        a.attendees.set(attendees)
        ActivityFile.objects.bulk_create(
            ActivityFile(activity=a, kind=k, blob=b, name=n, uploaded_by=user) for k, b, n in blobs
        )
        record(
            user,
            "activity.record",
            a,
            after={
                **audit_of(a),
                "attendees": len(attendees),
                "files": [b.digest for _, b, _ in blobs],
            },
        )
    return a


def audit_of(a: Activity) -> dict:
    return {
        "kind": a.kind,
        "status": a.status,
        "held_on": a.held_on.isoformat(),
        "subject": a.subject,
        "organiser": a.organiser.code if a.organiser else "",
        "public_headcount": a.public_headcount,
        "note": a.note,
    }


def can_record(user, a: Activity) -> bool:
    """Who may correct an activity: whoever may record it (the zone's office, the department
    that organised it)."""
    if access.is_office_of(user, a.zone):
        return True
    return user.has_role(Role.DEPARTMENT) and a.organiser_id == user.org_id


def _refuse(field: str, message: str):
    raise RuleError(field, message)


def activities_for(user) -> QuerySet[Activity]:
    return Activity.objects.filter(access.scoped(user, "zone", ("organiser",)))


def get_activity(user, activity_id) -> Activity:
    try:
        return activities_for(user).select_related("zone", "organiser").get(pk=int(activity_id))
    except (Activity.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("活动不存在或无权查看") from None


def activity_file(user, activity_id, file_id) -> tuple[str, object]:
    a = get_activity(user, activity_id)
    f = a.files.filter(pk=int(file_id)).select_related("blob").first()
    if f is None:
        raise Http404("文件不存在")
    record(user, "activity.file.download", a, after={"name": f.name, "sm3": f.blob_id})
    return f.name, evidence_store.open_blob(f.blob)
