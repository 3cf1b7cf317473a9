"""科技计划项目, the parts of a project between its stages: the experts' scores of 专家评审
(each expert checked against the conflict rule first), changes during 执行 (requested by the
office or the department in charge, approved or rejected by the office; only an approved one
alters the project) and the 绩效评价 figures (indicators planned against achieved, funds per
budget line). One transaction per use case, audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Sum
from django.http import Http404

from fazhi.audit.services import record
from fazhi.core import projects as rules
from fazhi.core import targets as amounts
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.validate import parse_date, text, version
from fazhi.orgs.models import Role

from . import access
from .models import (
    Project,
    ProjectBudgetLine,
    ProjectChange,
    ProjectEvent,
    ProjectExpert,
    ProjectIndicator,
)
from .projects import _choice, _credit_code, _money, _refuse, get_project


def _office_project(user, project_id, *stages: str) -> Project:
    """The project locked for the office of its zone, refused outside `stages`."""
    access.office_zone(user)
    p = get_project(user, project_id, for_update=True)
    if not access.is_office_of(user, p.zone):
        raise Http404("项目不存在或无权办理")
    if stages and p.stage not in stages:
        wanted = "、".join(rules.STAGES[s] for s in stages)
        raise RuleError("stage", f"项目处于“{rules.STAGES[p.stage]}”阶段，只能在“{wanted}”阶段登记")
    return p


def _score(value) -> Decimal:
    d = amounts.parse_amount(value, "score", "评分", positive=False)
    if d > 100:
        raise RuleError("score", "评分不能超过 100")
    if -d.as_tuple().exponent > 2:
        raise RuleError("score", "评分最多保留 2 位小数")
    return d


def add_expert(user, project_id, data: dict) -> ProjectExpert:
    """One expert's score in 专家评审 (形式审查通过 only). An expert from the applicant or
    declaring an interest is refused by name with the reason (回避); nothing is written."""
    with transaction.atomic():
        p = _office_project(user, project_id, rules.SCREENED)
        check = Collect()
        name = check(text, data.get("name"), "name", "专家姓名", limit=30, required=True)
        unit = check(text, data.get("unit"), "unit", "工作单位", limit=100, required=True)
        code = data.get("unit_code")
        code = check(_credit_code, code, "unit_code") if str(code or "").strip() else ""
        declared = check(text, data.get("conflict"), "conflict", "利害关系声明", limit=200)
        score = check(_score, data.get("score"))
        if name and p.experts.filter(name=name).exists():
            check(_refuse, "name", f"专家 {name} 已登记评分")
        check.done()
        reason = rules.expert_conflict(
            unit, code or "", bool(declared), p.applicant, p.applicant_code
        )
        if reason:
            detail = f"（{declared}）" if declared and reason.startswith("已声明") else ""
            raise RuleError(
                "name", f"专家 {name}（{unit}）须回避，不能评审该项目：{reason}{detail}"
            )
        e = ProjectExpert.objects.create(
            project=p, name=name, unit=unit, unit_code=code or "", score=score, by=user
        )
        record(user, "project.expert", p, after={"expert": name, "unit": unit, "score": str(score)})
    return e


# ---------------------------------------------------------------- changes (变更)


def request_change(user, project_id, data: dict, *, today: date) -> ProjectChange:
    """A change asked for during 执行 by the office or the department in charge; one at a time."""
    with transaction.atomic():
        p = get_project(user, project_id, for_update=True)
        office = access.is_office_of(user, p.zone)
        if not office and not (user.has_role(Role.DEPARTMENT) and p.department_id == user.org_id):
            raise PermissionDenied("只有创建办或项目主管部门可以申请变更")
        if p.stage != rules.EXECUTING:
            raise RuleError(
                "kind", f"项目处于“{rules.STAGES[p.stage]}”阶段，只有执行中的项目可以变更"
            )
        if p.changes.filter(status=rules.REQUESTED).exists():
            raise ConflictError("该项目已有待审批的变更，请先审批")
        check = Collect()
        kind = check(_choice, data.get("kind"), rules.CHANGE_KINDS, "kind", "变更类别")
        reason = check(text, data.get("reason"), "reason", "变更理由", limit=500, required=True)
        fields: dict = {}
        if kind == "budget":
            fields["new_budget"] = check(_money, data.get("new_budget"), "new_budget", "调整后预算")
        elif kind == "dates":
            starts = check(parse_date, data.get("new_starts_on"), "new_starts_on", "调整后开始日期")
            due = check(parse_date, data.get("new_due_on"), "new_due_on", "调整后验收期限")
            if starts and due:
                check(_as, "new_due_on", rules.check_dates, starts, due)
            fields.update(new_starts_on=starts, new_due_on=due)
        elif kind == "content":
            fields["new_content"] = check(
                text,
                data.get("new_content"),
                "new_content",
                "调整后研究内容",
                limit=1000,
                required=True,
            )
        check.done()
        c = ProjectChange.objects.create(
            project=p,
            kind=kind,
            status=rules.REQUESTED,
            reason=reason,
            requested_on=today,
            requested_by=user,
            **fields,
        )
        record(user, "project.change.request", p, after={"kind": kind, **_shown(fields)})
    return c


def _shown(fields: dict) -> dict:
    return {k: None if v is None else str(v) for k, v in fields.items()}


def get_change(user, change_id) -> ProjectChange:
    try:
        c = ProjectChange.objects.select_related("project").get(pk=int(change_id))
    except (ProjectChange.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("变更不存在或无权查看") from None
    get_project(user, c.project_id)  # 404 out of scope
    return c


DECISIONS = {"approve": "批准", "reject": "不予批准"}


def decide_change(user, change_id, data: dict, *, today: date) -> ProjectChange:
    """The office approves (the project takes the new values, the old ones kept on the change
    and in the history) or rejects a requested change; the version guards a stale page."""
    c = get_change(user, change_id)
    with transaction.atomic():
        p = _office_project(user, c.project_id)
        c = ProjectChange.objects.select_for_update().get(pk=c.pk)
        if c.status != rules.REQUESTED:
            raise ConflictError(f"该变更已审批（{rules.CHANGE_STATUSES[c.status]}），不能再审批")
        check = Collect()
        given = data.get("version")
        if given not in (None, "") and check(version, given) != c.version:
            raise ConflictError("该变更已被他人处理，请刷新后重试")
        decision = check(_choice, data.get("decision"), DECISIONS, "decision", "审批结果")
        note = check(text, data.get("opinion"), "opinion", "审批意见", limit=500)
        if decision == "reject" and not note:
            check(_refuse, "opinion", "不予批准时请填写审批意见")
        if decision == "approve" and p.stage != rules.EXECUTING:
            check(_refuse, "decision", f"项目处于“{rules.STAGES[p.stage]}”阶段，不能再变更")
        if decision == "approve" and c.kind == "budget":
            lines = p.budget_lines.aggregate(s=Sum("budgeted"))["s"] or Decimal(0)
            check(_as, "decision", rules.check_budget_change, c.new_budget, p.paid, lines)
        check.done()
        c.status = rules.CHANGE_APPROVED if decision == "approve" else rules.CHANGE_REJECTED
        c.decided_on, c.decided_by, c.decision_note = today, user, note
        c.version += 1
        after: dict = {}
        if decision == "approve":
            after = _apply(p, c)
            p.last_event_on = max(p.last_event_on, today)
            p.version += 1
            p.save()
            ProjectEvent.objects.create(
                project=p,
                kind="change",
                on=today,
                note=f"{rules.CHANGE_KINDS[c.kind]}：{c.reason}",
                data={"before": c.before, "after": after},
                by=user,
            )
        c.save()
        record(
            user,
            f"project.change.{decision}",
            p,
            before=c.before if decision == "approve" else None,
            after={"change": c.pk, "status": c.status, **after},
        )
    return c


def _as(field: str, fn, *args) -> None:
    """A rule's refusal named after the form's own field."""
    try:
        fn(*args)
    except RuleError as exc:
        raise RuleError(field, exc.message) from None


def _apply(p: Project, c: ProjectChange) -> dict:
    """Set the change's new values on the project; `c.before` takes the values replaced."""
    if c.kind == "budget":
        new = {"budget": c.new_budget}
    elif c.kind == "dates":
        new = {"starts_on": c.new_starts_on, "due_on": c.new_due_on}
    else:
        new = {"content": c.new_content}
    c.before = _shown({k: getattr(p, k) for k in new})
    for k, v in new.items():
        setattr(p, k, v)
    return _shown(new)


# ---------------------------------------------------------------- 绩效评价


def _planned(value, field: str, label: str) -> Decimal:
    return amounts.parse_amount(value, field, label, positive=True)


def add_indicator(user, project_id, data: dict) -> ProjectIndicator:
    """An indicator of the 绩效评价 (after 验收): planned and achieved, its completion shown."""
    with transaction.atomic():
        p = _office_project(user, project_id, rules.ACCEPTED)
        check = Collect()
        name = check(text, data.get("name"), "name", "绩效指标", limit=100, required=True)
        unit = check(text, data.get("unit"), "unit", "单位", limit=20, required=True)
        planned = check(_planned, data.get("planned"), "planned", "计划值")
        achieved = check(
            amounts.parse_amount, data.get("achieved"), "achieved", "实际完成值", positive=False
        )
        if name and p.indicators.filter(name=name).exists():
            check(_refuse, "name", f"绩效指标“{name}”已登记")
        check.done()
        i = ProjectIndicator.objects.create(
            project=p, name=name, unit=unit, planned=planned, achieved=achieved
        )
        record(
            user,
            "project.indicator",
            p,
            after={"name": name, "planned": str(planned), "achieved": str(achieved)},
        )
    return i


def add_budget_line(user, project_id, data: dict) -> ProjectBudgetLine:
    """Funds used on one budget line (after 验收): spent never above budgeted, the lines never
    above the project's budget."""
    with transaction.atomic():
        p = _office_project(user, project_id, rules.ACCEPTED)
        check = Collect()
        line = check(text, data.get("line"), "line", "预算科目", limit=60, required=True)
        budgeted = check(_money, data.get("budgeted"), "budgeted", "预算数")
        spent = check(_spent, data.get("spent"))
        if line and p.budget_lines.filter(line=line).exists():
            check(_refuse, "line", f"预算科目“{line}”已登记")
        if budgeted is not None and spent is not None:
            total = p.budget_lines.aggregate(s=Sum("budgeted"))["s"] or Decimal(0)
            check(rules.check_budget_line, p.budget, total, budgeted, spent)
        check.done()
        b = ProjectBudgetLine.objects.create(project=p, line=line, budgeted=budgeted, spent=spent)
        record(
            user,
            "project.budget_line",
            p,
            after={"line": line, "budgeted": str(budgeted), "spent": str(spent)},
        )
    return b


def _spent(value) -> Decimal:
    d = amounts.parse_amount(value, "spent", "支出数", positive=False)
    if -d.as_tuple().exponent > 2:
        raise RuleError("spent", "支出数最多保留 2 位小数（单位：万元）")
    return d
