"""科技计划项目与资金 (item 10): 申报 with the credit check, the stages (core.projects' table),
funds paid in tranches and spent, and the reads with their flags. The office of the zone
records every step; the department in charge (主管部门) reads its projects."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import projects as rules
from fazhi.core import targets as amounts
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.review import panel_score
from fazhi.core.validate import parse_date, text, version

from . import access
from .models import CreditNote, Project, ProjectEvent, ProjectFunds
from .targets import department_of

CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def _credit_code(value, field: str = "applicant_code") -> str:
    code = str(value or "").strip().upper()
    if not CREDIT_CODE.match(code):
        raise RuleError(field, "统一社会信用代码应为 18 位（数字或大写字母）")
    return code


def _not_future(on: date | None, today: date, field: str = "on") -> date | None:
    if on is not None and on > today:
        raise RuleError(field, f"日期不能晚于今天（{today.isoformat()}）")
    return on


def _money(value, field: str, label: str) -> Decimal:
    d = amounts.parse_amount(value, field, label, positive=True)
    if -d.as_tuple().exponent > 2:
        raise RuleError(field, f"{label}最多保留 2 位小数（单位：万元）")
    return d


def add_credit_note(user, data: dict, *, today: date) -> CreditNote:
    zone = access.office_zone(user)
    check = Collect()
    code = check(_credit_code, data.get("applicant_code"))
    name = check(text, data.get("applicant"), "applicant", "单位名称", limit=100, required=True)
    breach = check(text, data.get("breach"), "breach", "失信情况", limit=500, required=True)
    on = check(parse_date, data.get("on"), "on", "记录日期")
    check(_not_future, on, today)
    source = check(text, data.get("source"), "source", "来源", limit=100)
    check.done()
    with transaction.atomic():
        note = CreditNote.objects.create(
            zone=zone,
            applicant_code=code,
            applicant=name,
            breach=breach,
            on=on,
            source=source,
            created_by=user,
        )
        record(user, "credit_note.add", zone, after={"applicant_code": code, "on": on.isoformat()})
    return note


def apply_project(user, data: dict, *, today: date) -> Project:
    """申报: registered by the office; an applicant with a recorded breach is flagged."""
    zone = access.office_zone(user)
    check = Collect()
    title = check(text, data.get("title"), "title", "项目名称", limit=200, required=True)
    applicant = check(
        text, data.get("applicant"), "applicant", "申报单位", limit=100, required=True
    )
    code = check(_credit_code, data.get("applicant_code"))
    department = check(department_of, zone, data.get("department"))
    on = check(parse_date, data.get("applied_on"), "applied_on", "申报日期")
    check(_not_future, on, today, "applied_on")
    probe = Project()
    _certificate(check, probe, data)
    check.done()
    breaches = list(CreditNote.objects.filter(zone=zone, applicant_code=code).order_by("-on")[:3])
    note = "；".join(f"{b.on.isoformat()} {b.breach}" for b in breaches)[:500]
    with transaction.atomic():
        p = Project.objects.create(
            zone=zone,
            title=title,
            applicant=applicant,
            applicant_code=code,
            department=department,
            applied_on=on,
            stage=rules.APPLIED,
            credit_note=note,
            certificate=probe.certificate,
            certificate_valid_to=probe.certificate_valid_to,
            last_event_on=on,
        )
        ProjectEvent.objects.create(project=p, kind="apply", on=on, by=user, note=note)
        record(
            user,
            "project.apply",
            p,
            after={"title": title, "applicant_code": code, "credit": bool(note)},
        )
    return p


def projects_for(user) -> QuerySet[Project]:
    return Project.objects.filter(access.scoped(user, "zone", ("department",)))


def get_project(user, project_id, *, for_update: bool = False) -> Project:
    qs = projects_for(user)
    if for_update:
        qs = Project.objects.filter(pk__in=qs.values("pk")).select_for_update(of=("self",))
    try:
        return qs.select_related("zone", "department").get(pk=int(project_id))
    except (Project.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("项目不存在或无权查看") from None


def _choice(value, options: dict, field: str, label: str) -> str:
    if not isinstance(value, str) or value not in options:
        raise RuleError(field, f"{label}只能是：" + "、".join(options.values()))
    return value


def project_event(user, project_id, data: dict, *, today: date) -> Project:
    """One step of the project (core.projects' table); its own fields checked with it."""
    access.office_zone(user)
    with transaction.atomic():
        p = get_project(user, project_id, for_update=True)
        if not access.is_office_of(user, p.zone):
            raise Http404("项目不存在或无权办理")
        check = Collect()
        if (
            data.get("version") not in (None, "")
            and check(version, data.get("version")) != p.version
        ):
            raise ConflictError("项目已被他人修改，请刷新后重试")
        event = data.get("event")
        stage = check(rules.next_stage, p.stage, event)
        on = check(parse_date, data.get("on") or today.isoformat(), "on", "办理日期")
        if on is not None:
            check(_not_future, on, today)
            if on < p.last_event_on:
                check(_refuse, "on", f"办理日期不能早于上一次办理（{p.last_event_on.isoformat()}）")
        note = check(text, data.get("note"), "note", "说明", limit=1000)
        extra: dict = {}
        if event == "review":
            experts = list(p.experts.values_list("name", "score"))
            if len(experts) < rules.MIN_EXPERTS:
                check(
                    _refuse,
                    "event",
                    f"专家评审至少需要 {rules.MIN_EXPERTS} 位专家的评分（已登记 {len(experts)} 位）",
                )
            else:
                extra["scores"] = [f"{n} {s}" for n, s in experts]
                p.review_score = panel_score([s for _, s in experts])
        elif event == "approve":
            p.budget = check(_money, data.get("budget"), "budget", "预算")
            p.contract_no = (
                check(
                    text,
                    data.get("contract_no"),
                    "contract_no",
                    "合同编号",
                    limit=60,
                    required=True,
                )
                or ""
            )
            p.starts_on = check(parse_date, data.get("starts_on"), "starts_on", "开始日期")
            p.due_on = check(parse_date, data.get("due_on"), "due_on", "验收期限")
            check(rules.check_dates, p.starts_on, p.due_on)
            p.content = check(text, data.get("content"), "content", "研究内容", limit=1000) or ""
            _certificate(check, p, data)
        elif event == "midterm" and not note:
            check(_refuse, "note", "请填写中期检查情况")
        elif event == "accept":
            p.acceptance = (
                check(_choice, data.get("acceptance"), rules.ACCEPTANCE, "acceptance", "验收结论")
                or ""
            )
            p.accepted_on = on
        elif event == "evaluate":
            p.grade = check(_choice, data.get("grade"), rules.GRADES, "grade", "绩效评价等次") or ""
            check(evaluation_ready, p)
        check.done()
        before = p.stage
        p.stage, p.last_event_on, p.version = stage, on, p.version + 1
        p.save()
        ProjectEvent.objects.create(project=p, kind=event, on=on, note=note, data=extra, by=user)
        record(
            user, f"project.{event}", p, before={"stage": before}, after={"stage": stage, **extra}
        )
    return p


def _refuse(field: str, message: str):
    raise RuleError(field, message)


def _certificate(check: Collect, p: Project, data: dict) -> None:
    """The certificate whose expiry is reminded (the owner's 高新技术企业证书, the contract's):
    optional, its name and its last valid day together."""
    name = check(text, data.get("certificate"), "certificate", "证书名称", limit=60) or ""
    raw = data.get("certificate_valid_to")
    valid_to = (
        check(parse_date, raw, "certificate_valid_to", "证书有效期至")
        if str(raw or "").strip()
        else None
    )
    if name and valid_to is None:
        check(_refuse, "certificate_valid_to", "填写了证书名称，请同时填写证书有效期至")
    if valid_to and not name:
        check(_refuse, "certificate", "填写了证书有效期，请同时填写证书名称")
    p.certificate, p.certificate_valid_to = name, valid_to


def evaluation_ready(p: Project) -> None:
    """绩效评价 needs its figures: at least one indicator and one budget line."""
    missing = [
        label
        for label, qs in (("绩效指标", p.indicators), ("预算科目支出", p.budget_lines))
        if not qs.exists()
    ]
    if missing:
        raise RuleError("grade", "请先登记" + "和".join(missing) + "，再评定绩效评价等次")


def add_funds(user, project_id, data: dict, *, today: date) -> ProjectFunds:
    """拨付 a tranche (never above the budget) or report spending (never above what was paid)."""
    access.office_zone(user)
    with transaction.atomic():
        p = get_project(user, project_id, for_update=True)
        if not access.is_office_of(user, p.zone):
            raise Http404("项目不存在或无权办理")
        check = Collect()
        kind = check(_choice, data.get("kind"), ProjectFunds.KINDS, "kind", "类别")
        amount = check(_money, data.get("amount"), "amount", "金额")
        on = check(parse_date, data.get("on") or today.isoformat(), "on", "日期")
        check(_not_future, on, today)
        line = check(text, data.get("line"), "line", "预算科目", limit=60)
        note = check(text, data.get("note"), "note", "说明", limit=500)
        if kind and amount is not None:
            if p.stage not in (rules.APPROVED, rules.EXECUTING, rules.ACCEPTED):
                check(_refuse, "kind", f"项目处于“{rules.STAGES[p.stage]}”阶段，不能登记资金")
            elif kind == "paid":
                check(rules.check_payment, p.budget, p.paid, amount)
            else:
                check(rules.check_spending, p.paid, p.spent, amount)
        check.done()
        f = ProjectFunds.objects.create(
            project=p, kind=kind, on=on, amount=amount, line=line, note=note, by=user
        )
        field = "paid" if kind == "paid" else "spent"
        Project.objects.filter(pk=p.pk).update(
            **{field: F(field) + amount, "version": F("version") + 1}
        )
        record(user, f"project.funds.{kind}", p, after={"amount": str(amount), "line": line})
    return f


def flags_of(p: Project, today: date) -> rules.Flags:
    return rules.flags(p.stage, p.due_on, p.paid, p.spent, bool(p.credit_note), today)
