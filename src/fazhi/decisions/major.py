"""Use cases of 重大行政决策 and its 决策事项目录; the step rules in core.decision_steps.

save_catalogue(user, data, today) -> DecisionCatalogue        确定 / 公布 the yearly list
create_decision(user, data, files=(), today) -> MajorDecision  启动 (on the year's list)
record_decision_step(user, decision_id, data, files=(), today) -> MajorDecision
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core import decision_steps as ds
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.validate import count, int_in, parse_date, text
from fazhi.orgs.models import Role
from fazhi.registers.inputs import only_known
from fazhi.workdays.selectors import get_calendar

from . import access
from .documents import _attach, _day
from .models import DecisionCatalogue, DecisionStep, MajorDecision

CATALOGUE_FIELDS = {"zone", "year", "adopted_on", "published_on"}
CREATE_FIELDS = {"zone", "department", "title", "launched_on", "applicable", "draft", "note"}
STEP_FIELDS = {
    ds.PARTICIPATION_OPEN: ("comment_start", "comment_end", "comment_reason"),
    ds.PARTICIPATION: ("comments", "handling"),
    ds.EXPERT: ("experts", "opinions"),
    ds.RISK: ("conclusion",),
    ds.LEGALITY_SENT: ("reviewer", "review_due"),
    ds.LEGALITY: ("opinion",),
    ds.COLLECTIVE: ("meeting", "attendees", "conclusion", "dissent", "decided_by"),
    ds.PUBLISH: ("carried_out_by",),
    ds.ARCHIVE: (),
    ds.EVALUATION: ("findings",),
}
COMMON = {"step", "on", "note", "version"}


@transaction.atomic
def save_catalogue(user, data: dict, today: date | None = None) -> DecisionCatalogue:
    today = today or timezone.localdate()
    only_known(data, CATALOGUE_FIELDS)
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以确定和公布决策事项目录")
    check = Collect()
    zone = check(access.writing_zone, user, data.get("zone"))
    if zone is not None and not access.is_office_of(user, zone):
        raise PermissionDenied("只有创建办可以确定和公布决策事项目录")
    year = check(int_in, data.get("year"), "year", "年度", 2000, 2100)
    adopted = _day(check, data.get("adopted_on"), "adopted_on", "确定日期", today)
    published = _day(
        check, data.get("published_on"), "published_on", "公布日期", today, required=False
    )
    if adopted and published and published < adopted:
        check.errors.setdefault("published_on", f"公布日期不能早于确定日期（{adopted}）")
    check.done()
    cat, _ = DecisionCatalogue.objects.select_for_update().get_or_create(zone=zone, year=year)
    before = {"adopted_on": cat.adopted_on, "published_on": cat.published_on}
    cat.adopted_on, cat.published_on = adopted, published
    cat.save()
    record(user, "decision_catalogue.save", cat, before=before, after={"year": year})
    return cat


def _applicable(value, check: Collect) -> list[str]:
    if value in (None, ""):
        return list(ds.OPTIONAL)
    items = value if isinstance(value, list) else [v for v in str(value).split(",") if v]
    bad = [v for v in items if v not in ds.OPTIONAL]
    if bad:
        check.errors.setdefault(
            "applicable",
            f"适用程序只能是：{'、'.join(f'{k}（{ds.STEPS[k]}）' for k in ds.OPTIONAL)}",
        )
        return []
    return [k for k in ds.OPTIONAL if k in items]


@transaction.atomic
def create_decision(user, data: dict, files=(), today: date | None = None) -> MajorDecision:
    today = today or timezone.localdate()
    only_known(data, CREATE_FIELDS)
    if not access.can_create(user):
        raise PermissionDenied("只有创建办或部门可以启动重大行政决策")
    check = Collect()
    zone = check(access.writing_zone, user, data.get("zone"))
    dept = check(access.department_of, user, zone, data.get("department")) if zone else None
    title = check(text, data.get("title"), "title", "决策事项", limit=200, required=True)
    launched = _day(
        check, data.get("launched_on") or today.isoformat(), "launched_on", "启动日期", today
    )
    applicable = _applicable(data.get("applicable"), check)
    draft = check(text, data.get("draft"), "draft", "决策草案说明", limit=2000)
    note = check(text, data.get("note"), "note", "说明", limit=500)
    cat = None
    if zone and launched:
        cat = DecisionCatalogue.objects.filter(zone=zone, year=launched.year).first()
        if cat is None or cat.adopted_on is None:
            check.errors.setdefault(
                "launched_on",
                f"{launched.year} 年度决策事项目录尚未确定：请创建办先确定目录，再启动目录内的事项",
            )
    check.done()
    d = MajorDecision.objects.create(
        zone=zone,
        catalogue=cat,
        department=dept,
        title=title,
        applicable=applicable,
        done=[ds.LAUNCH],
        launched_on=launched,
    )
    DecisionStep.objects.create(
        decision=d, step=ds.LAUNCH, on=launched, data={"draft": draft, "note": note}, actor=user
    )
    for f in files:
        _attach(d, ds.LAUNCH, f, user)
    record(user, "decision.launch", d, after={"title": title, "zone": zone.code})
    return d


def _step_data(d, step: str, data: dict, on: date | None, check: Collect, today: date) -> dict:
    cal = get_calendar().tentative()
    out: dict = {}

    def req(field, label, limit=2000, required=True):
        out[field] = check(text, data.get(field), field, label, limit=limit, required=required)

    if step == ds.PARTICIPATION_OPEN:
        start = check(
            parse_date,
            data.get("comment_start") or (on and on.isoformat()),
            "comment_start",
            "征求意见开始日期",
        )
        end = check(parse_date, data.get("comment_end"), "comment_end", "征求意见截止日期")
        req("comment_reason", "缩短期限的理由", 1000, required=False)
        if start and end:
            check(ds.check_comment_period, start, end, out["comment_reason"], cal)
        if start and on and start < on:
            check.errors.setdefault("comment_start", f"征求意见开始日期不能早于发布日期（{on}）")
        out["comment_start"], out["comment_end"] = (
            start and start.isoformat(),
            end and end.isoformat(),
        )
    elif step == ds.PARTICIPATION:
        if on and d.comment_end and on < d.comment_end:
            check.errors.setdefault(
                "on", f"意见处理日期不能早于征求意见截止日期（{d.comment_end}）"
            )
        out["comments"] = check(count, data.get("comments") or 0, "comments", "收到意见数", 100000)
        req("handling", "意见采纳情况及理由")
    elif step == ds.EXPERT:
        req("experts", "论证专家", 500)
        req("opinions", "专家意见及采纳情况")
    elif step == ds.RISK:
        req("conclusion", "风险评估结论")
    elif step == ds.LEGALITY_SENT:
        req("reviewer", "审查机构", 100)
        due = check(parse_date, data.get("review_due"), "review_due", "审查期限")
        if on and due:
            check(ds.check_review_period, on, due, cal)
        out["review_due"] = due and due.isoformat()
    elif step == ds.LEGALITY:
        req("opinion", "合法性审查意见")
    elif step == ds.COLLECTIVE:
        req("meeting", "会议名称", 200)
        req("attendees", "出席人员", 1000)
        req("conclusion", "行政首长决定意见")
        req("dissent", "不同意见", 2000, required=False)
        req("decided_by", "决策主体/主持人", 100)
    elif step == ds.PUBLISH:
        req("carried_out_by", "执行单位", 100)
        if on and d.decided_on and on < d.decided_on:
            check.errors.setdefault("on", f"公布日期不能早于决定日期（{d.decided_on}）")
    elif step == ds.EVALUATION:
        req("findings", "评估结论")
    return out


@transaction.atomic
def record_decision_step(user, decision_id, data: dict, files=(), today: date | None = None):
    today = today or timezone.localdate()
    only_known(data, COMMON | {f for fields in STEP_FIELDS.values() for f in fields})
    step = data.get("step") or ""
    if not isinstance(step, str):
        raise RuleError("step", "办理步骤 step 必须是步骤代码（文字）")
    only_known(data, COMMON | set(STEP_FIELDS.get(step, ())))
    d = access.get_visible(MajorDecision, user, decision_id, for_update=True)
    if not access.can_write(user, d):
        raise PermissionDenied("只有创建办或承办单位可以办理本决策")
    if data.get("version") not in (None, "") and str(data["version"]) != str(d.version):
        raise ConflictError("决策已被他人修改，请刷新页面后重试")
    ds.check_step(frozenset(d.done), frozenset(d.applicable), step)
    check = Collect()
    on = _day(check, data.get("on") or today.isoformat(), "on", "办理日期", today)
    fields = _step_data(d, step, data, on, check, today)  # its own date rules first
    last = d.steps.order_by("-on").values_list("on", flat=True).first() or d.launched_on
    if on and on < last:
        check.errors.setdefault("on", f"办理日期不能早于上一步骤的日期（{last}）")
    note = check(text, data.get("note"), "note", "说明", limit=1000)
    check.done()
    before = {"state": d.state}
    d.done = [s for s in ds.ORDER if s in {*d.done, step}]
    d.state = ds.state_of(frozenset(d.done))
    if step == ds.PARTICIPATION_OPEN:
        d.comment_end = date.fromisoformat(fields["comment_end"])
    elif step == ds.LEGALITY_SENT:
        d.review_due = date.fromisoformat(fields["review_due"])
    elif step == ds.COLLECTIVE:
        d.decided_on, d.decided_by = on, fields["decided_by"]
    elif step == ds.PUBLISH:
        d.published_on, d.carried_out_by = on, fields["carried_out_by"]
    d.version += 1
    d.save()
    DecisionStep.objects.create(
        decision=d, step=step, on=on, data={**fields, "note": note}, actor=user
    )
    for f in files:
        _attach(d, step, f, user)
    record(user, f"decision.{step}", d, before=before, after={"state": d.state})
    return d


__all__ = ["ConflictError", "create_decision", "record_decision_step", "save_catalogue"]
