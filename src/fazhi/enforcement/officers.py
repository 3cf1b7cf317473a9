"""执法人员: the register of officers and their certificates; reminders of certificates
expiring within 60 days or expired (called from `fazhi tick`)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import enforcement as enf
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.validate import parse_date, text, version
from fazhi.orgs.models import Org, User
from fazhi.workplan.supervision import department_staff, notify, zone_office

from . import access
from .models import Officer

FIELDS = ("department", "name", "cert_no", "issuer", "valid_from", "valid_to", "user")


def _department(zone: Org, code) -> Org:
    dept = Org.objects.filter(code=str(code or ""), kind=Org.Kind.DEPARTMENT, parent=zone).first()
    if dept is None:
        raise RuleError("department", "请选择本园区的部门（部门代码不正确）")
    return dept


def _parse(zone: Org, data: dict, check: Collect) -> dict:
    out = {
        "department": check(_department, zone, data.get("department")),
        "name": check(text, data.get("name"), "name", "姓名", limit=50, required=True),
        "cert_no": check(text, data.get("cert_no"), "cert_no", "执法证号", limit=40, required=True),
        "issuer": check(text, data.get("issuer"), "issuer", "发证机关", limit=100, required=True),
        "valid_from": check(parse_date, data.get("valid_from"), "valid_from", "有效期自"),
        "valid_to": check(parse_date, data.get("valid_to"), "valid_to", "有效期至"),
    }
    if out["valid_from"] and out["valid_to"] and out["valid_to"] < out["valid_from"]:
        check.errors.setdefault("valid_to", "有效期至不能早于有效期自")
    username = (data.get("user") or "").strip() if isinstance(data.get("user"), str) else ""
    out["user"] = None
    if username:
        u = User.objects.filter(username=username, org__path__startswith=zone.path).first()
        if u is None:
            check.errors.setdefault("user", f"本园区没有用户名为“{username[:30]}”的账号")
        out["user"] = u
    return out


@transaction.atomic
def add_officer(actor, data: dict) -> Officer:
    zone = access.zone_of_user(actor)
    if zone is None:
        raise Http404("园区不存在或无权访问")
    access.require_office(actor, zone)
    check = Collect()
    values = _parse(zone, data, check)
    if values["cert_no"] and Officer.objects.filter(zone=zone, cert_no=values["cert_no"]).exists():
        check.errors.setdefault("cert_no", f"执法证号 {values['cert_no']} 已登记")
    check.done()
    officer = Officer.objects.create(zone=zone, **values)
    record(actor, "enforcement.officer.add", officer, after=_snapshot(officer))
    return officer


@transaction.atomic
def update_officer(actor, officer_id: int, data: dict) -> Officer:
    officer = (
        Officer.objects.select_for_update().select_related("zone").filter(pk=officer_id).first()
    )
    if officer is None or not access.can_see(actor, officer.zone, officer.department_id):
        raise Http404("执法人员不存在或无权查看")
    access.require_office(actor, officer.zone)
    if version(data.get("version")) != officer.version:
        raise ConflictError("该执法人员信息已被他人修改，请刷新后再改")
    check = Collect()
    merged = {
        "department": officer.department.code,
        "name": officer.name,
        "cert_no": officer.cert_no,
        "issuer": officer.issuer,
        "valid_from": officer.valid_from,
        "valid_to": officer.valid_to,
        "user": officer.user.username if officer.user_id else "",
        **{k: v for k, v in data.items() if k in FIELDS},
    }
    values = _parse(officer.zone, merged, check)
    revoked = data.get("revoked", officer.revoked)
    if not isinstance(revoked, bool):
        revoked = str(revoked) in ("1", "true", "on")
    check.done()
    before = _snapshot(officer)
    for k, v in values.items():
        setattr(officer, k, v)
    officer.revoked = revoked
    officer.version += 1
    officer.save()
    record(actor, "enforcement.officer.update", officer, before=before, after=_snapshot(officer))
    return officer


def _snapshot(o: Officer) -> dict:
    return {
        "name": o.name,
        "cert_no": o.cert_no,
        "issuer": o.issuer,
        "valid_from": o.valid_from.isoformat(),
        "valid_to": o.valid_to.isoformat(),
        "revoked": o.revoked,
        "department": o.department_id,
    }


def remind_certificates(today: date) -> int:
    """Remind the department and the zone office once of each certificate expiring within
    60 days, and once more when it has expired. Returns the reminders sent."""
    soon = today + timedelta(days=enf.EXPIRY_WARNING_DAYS)
    sent = 0
    rows = Officer.objects.filter(revoked=False, valid_to__lte=soon).select_related(
        "department", "department__parent"
    )
    for o in rows:
        status = o.status(today)
        if status == enf.EXPIRED:
            event = f"enforcement.cert.{o.pk}.{o.valid_to.isoformat()}.expired"
            text_ = f"执法人员{o.name}的执法证（{o.cert_no}）已于 {o.valid_to} 到期，到期后不能承办执法案件"
        elif status == enf.EXPIRING:
            event = f"enforcement.cert.{o.pk}.{o.valid_to.isoformat()}.expiring"
            text_ = f"执法人员{o.name}的执法证（{o.cert_no}）将于 {o.valid_to} 到期，请及时办理换证"
        else:
            continue
        users = department_staff(o.department) + zone_office(o.department)
        sent += len(notify(users, event, text_, url="/enforcement/officers/"))
    return sent
