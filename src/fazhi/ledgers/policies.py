"""政策清单 (item 9): policies, their supporting measures and the enterprises that benefited.
The zone's office keeps it; the zone's readers see it. Gaps: fazhi.core.policies."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import policies as rules
from fazhi.core.errors import Collect, RuleError
from fazhi.core.validate import parse_date, text

from . import access
from .models import Benefit, Measure, Policy
from .projects import _money, _not_future


def add_policy(user, data: dict, *, today: date) -> Policy:
    zone = access.office_zone(user)
    check = Collect()
    title = check(text, data.get("title"), "title", "政策名称", limit=200, required=True)
    level = check(rules.check_level, data.get("level"))
    issuer = check(text, data.get("issuer"), "issuer", "发文机关", limit=100, required=True)
    doc_no = check(text, data.get("doc_no"), "doc_no", "文号", limit=60)
    on = check(parse_date, data.get("issued_on"), "issued_on", "发布日期")
    check(_not_future, on, today, "issued_on")
    check.done()
    with transaction.atomic():
        p = Policy.objects.create(
            zone=zone, title=title, level=level, issuer=issuer, doc_no=doc_no, issued_on=on
        )
        record(user, "policy.add", p, after={"title": title, "level": level})
    return p


def policies_for(user) -> QuerySet[Policy]:
    return Policy.objects.filter(access.scoped(user, "zone", ()))


def get_policy(user, policy_id, *, for_update: bool = False) -> Policy:
    qs = policies_for(user)
    if for_update:
        qs = Policy.objects.filter(pk__in=qs.values("pk")).select_for_update(of=("self",))
    try:
        return qs.select_related("zone").get(pk=int(policy_id))
    except (Policy.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("政策不存在或无权查看") from None


def _office_policy(user, policy_id) -> Policy:
    access.office_zone(user)
    p = get_policy(user, policy_id, for_update=True)
    if not access.is_office_of(user, p.zone):
        raise Http404("政策不存在或无权办理")
    return p


def add_measure(user, policy_id, data: dict, *, today: date) -> Measure:
    with transaction.atomic():
        p = _office_policy(user, policy_id)
        check = Collect()
        title = check(text, data.get("title"), "title", "配套措施", limit=200, required=True)
        status = check(rules.check_status, data.get("status"))
        doc_no = check(text, data.get("doc_no"), "doc_no", "文号", limit=60)
        on = check(parse_date, data.get("issued_on"), "issued_on", "出台日期", required=False)
        check(_not_future, on, today, "issued_on")
        if status == "issued" and on is None:
            check(_refuse, "issued_on", "已出台的配套措施须填写出台日期")
        check.done()
        m = Measure.objects.create(
            policy=p, title=title, status=status, doc_no=doc_no, issued_on=on
        )
        counter = {"issued": "measures_issued", "drafting": "measures_drafting"}.get(status)
        if counter:
            Policy.objects.filter(pk=p.pk).update(**{counter: F(counter) + 1})
        record(user, "policy.measure", p, after={"title": title, "status": status})
    return m


def add_benefit(user, policy_id, data: dict, *, today: date) -> Benefit:
    with transaction.atomic():
        p = _office_policy(user, policy_id)
        check = Collect()
        name = check(
            text, data.get("enterprise"), "enterprise", "受益企业", limit=100, required=True
        )
        amount = check(_money, data.get("amount"), "amount", "金额")
        on = check(parse_date, data.get("on"), "on", "兑现日期")
        check(_not_future, on, today)
        note = check(text, data.get("note"), "note", "说明", limit=300)
        check.done()
        b = Benefit.objects.create(policy=p, enterprise=name, amount=amount, on=on, note=note)
        Policy.objects.filter(pk=p.pk).update(
            benefit_total=F("benefit_total") + amount, beneficiaries=F("beneficiaries") + 1
        )
        record(user, "policy.benefit", p, after={"enterprise": name, "amount": str(amount)})
    return b


def _refuse(field: str, message: str):
    raise RuleError(field, message)


def state_of(p: Policy) -> rules.PolicyState:
    return rules.PolicyState(
        p.title, ("issued",) * bool(p.measures_issued) + ("drafting",) * bool(p.measures_drafting)
    )
