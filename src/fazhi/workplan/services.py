"""Use cases of the work plan: one transaction each, audited."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone

from fazhi.audit.services import record
from fazhi.core.errors import Collect, ConflictError, FileRefused, RuleError
from fazhi.core.plan import TemplateTask
from fazhi.core.validate import int_in, parse_date, text
from fazhi.frameworks.models import Indicator as IndicatorRow
from fazhi.frameworks.services import assessment_table, assessment_tables
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Org, Role

from .models import (
    Milestone,
    Plan,
    PlanTemplate,
    Task,
)
from .schema import ParsedPlan, parse_plan_file, task_from_dict, task_to_dict
from .selectors import get_plan, get_task, tasks_for

MAX_TEXT = 4000


class TemplateRefused(FileRefused):
    """A work-plan template that cannot be loaded."""


# ---------------------------------------------------------------- small validators


def version_of(data: dict) -> int:
    # Looser than fazhi.core.validate.version (which the self-assessment uses): a missing,
    # null or unreadable version is all "missing" here, and a bool passes as 0/1.
    try:
        return int(data["version"])
    except (KeyError, TypeError, ValueError):
        raise RuleError("version", "缺少版本号 version（请刷新页面后重试）") from None


def day_or_today(today: date | None) -> date:
    return today or timezone.localdate()


# ---------------------------------------------------------------- templates and plans


def load_template(path: str | Path, actor=None) -> tuple[PlanTemplate, bool]:
    known_orgs = set(Org.objects.values_list("code", flat=True))
    known_indicators = set(
        IndicatorRow.objects.exclude(kind="group").values_list("code", flat=True)
    )
    parsed: ParsedPlan = parse_plan_file(
        path, known_orgs=known_orgs, known_indicators=known_indicators or None
    )
    if parsed.errors:
        raise TemplateRefused(parsed.errors)
    with transaction.atomic():
        existing = PlanTemplate.objects.filter(code=parsed.code, version=parsed.version).first()
        if existing:
            if existing.digest == parsed.digest:
                return existing, False
            raise TemplateRefused(
                [
                    f"工作方案模板 {parsed.code} 第 {parsed.version} 版已存在且内容不同：请把 version 改为新的版本号"
                ]
            )
        template = PlanTemplate.objects.create(
            code=parsed.code,
            version=parsed.version,
            title=parsed.title,
            source=parsed.source or "",
            digest=parsed.digest,
            content=[task_to_dict(a) for a in parsed.areas],
            source_text=Path(path).read_text(encoding="utf-8"),
        )
        record(
            actor,
            "plan_template.load",
            template,
            after={"code": parsed.code, "version": parsed.version, "digest": parsed.digest},
        )
    return template, True


def require_office(user, zone: Org) -> None:
    """For an object the user can already see: not the office → 403; another zone → 404."""
    if not user.has_role(Role.OFFICE):
        raise PermissionDenied("只有创建办可以执行该操作")
    if not in_scope(user, zone):
        raise Http404("园区不存在或无权访问")


@transaction.atomic
def create_plan(
    user,
    zone_code: str,
    template_code: str,
    year,
    *,
    template_version: int | None = None,
    framework_code: str | None = None,
    title: str | None = None,
    report_day=None,
) -> Plan:
    zone = Org.objects.filter(code=zone_code, kind=Org.Kind.ZONE).first()
    if zone is None or not in_scope(user, zone):
        raise Http404("园区不存在或无权访问")
    require_office(user, zone)
    year = int_in(year, "year", "年度", 2000, 2100)
    qs = PlanTemplate.objects.filter(code=template_code)
    template = (
        qs.filter(version=template_version) if template_version else qs.order_by("-version")
    ).first()
    if template is None:
        raise RuleError("template", f"工作方案模板 {template_code} 不存在")
    if Plan.objects.filter(zone=zone, year=year, template__code=template.code).exists():
        raise ConflictError(f"{zone.name} {year} 年度已有按该模板的工作方案，不能重复创建")
    # the plan's scoring items link to a self-assessment table, never a file-review table
    framework = (
        assessment_table(framework_code)
        if framework_code
        else assessment_tables().order_by("code", "-version").first()
    )
    plan = Plan.objects.create(
        zone=zone,
        template=template,
        framework=framework,
        year=year,
        created_by=user,
        title=text(title, "title", "名称", limit=200) or f"{zone.name}{template.title}（{year}年）",
        report_day=int_in(report_day, "report_day", "每月填报截止日", 1, 28)
        if report_day not in (None, "")
        else None,
    )
    orgs = {o.code: o for o in Org.objects.filter(path__startswith=zone.path)}
    indicators = (
        {i.code: i for i in IndicatorRow.objects.filter(framework=framework)} if framework else {}
    )
    links, supports, count = [], [], 0

    def add(t: TemplateTask, parent: Task | None, number: str) -> None:
        nonlocal count
        task = Task.objects.create(
            plan=plan,
            parent=parent,
            number=number,
            kind=t.kind,
            title=t.title,
            text=t.text,
            position=count,
            lead_org=orgs.get(t.lead) if t.lead else None,
        )
        count += 1
        supports.extend(
            Task.support_orgs.through(task_id=task.pk, org_id=orgs[c].pk)
            for c in t.support
            if c in orgs
        )
        links.extend(
            Task.indicators.through(task_id=task.pk, indicator_id=indicators[c].pk)
            for c in t.indicators
            if c in indicators
        )
        for child in t.children:
            add(child, task, f"{number}.{child.number}")

    for area in (task_from_dict(d) for d in template.content):
        add(area, None, f"保障.{area.number}" if area.kind == "safeguard" else area.number)
    Task.support_orgs.through.objects.bulk_create(supports)
    Task.indicators.through.objects.bulk_create(links)
    record(
        user,
        "plan.create",
        plan,
        after={
            "zone": zone.code,
            "template": template.code,
            "version": template.version,
            "year": year,
            "tasks": count,
        },
    )
    return plan


@transaction.atomic
def update_plan_settings(user, plan_id, data: dict) -> Plan:
    plan = get_plan(user, plan_id)
    require_office(user, plan.zone)
    version = version_of(data)
    changes = {}
    if "yellow_days" in data:
        changes["yellow_days"] = int_in(
            data["yellow_days"], "yellow_days", "黄灯提前工作日数", 0, 60
        )
    if "lag_points" in data:
        changes["lag_points"] = int_in(
            data["lag_points"], "lag_points", "落后序时进度百分点", 0, 100
        )
    if "report_day" in data:
        changes["report_day"] = (
            None
            if data["report_day"] in (None, "")
            else int_in(data["report_day"], "report_day", "每月填报截止日", 1, 28)
        )
    before = {k: getattr(plan, k) for k in changes}
    if not Plan.objects.filter(pk=plan.pk, version=version).update(
        **changes, version=F("version") + 1
    ):
        raise ConflictError("工作方案已被他人修改，请刷新后重试")
    plan.refresh_from_db()
    record(user, "plan.settings", plan, before=before, after=changes)
    return plan


# ---------------------------------------------------------------- tasks


def zone_org(plan: Plan, code, field: str, label: str) -> Org:
    org = Org.objects.filter(code=code, path__startswith=plan.zone.path).first() if code else None
    if org is None:
        raise RuleError(field, f"{label} {code} 不是本园区的单位")
    return org


def _snapshot(task: Task) -> dict:
    return {
        "lead_org": task.lead_org.code if task.lead_org_id else None,
        "support_orgs": sorted(task.support_orgs.values_list("code", flat=True)),
        "responsible": task.responsible,
        "start_date": task.start_date,
        "assigned_on": task.assigned_on,
        "due_date": task.due_date,
        "due_in_force": task.due_in_force,
        "indicators": sorted(task.indicators.values_list("code", flat=True)),
        "version": task.version,
    }


TASK_FIELDS = {
    "version",
    "lead_org",
    "support_orgs",
    "responsible",
    "start_date",
    "due_date",
    "indicators",
    "title",
    "text",
}


def _support_orgs(plan: Plan, codes) -> list[Org]:
    codes = codes or []
    if isinstance(codes, str):
        codes = [c for c in codes.replace("，", ",").split(",") if c.strip()]
    if not isinstance(codes, list):
        raise RuleError("support_orgs", "配合单位必须是单位代码的列表")
    return [zone_org(plan, str(c).strip(), "support_orgs", "配合单位") for c in codes]


def _indicators(plan: Plan, codes) -> list[IndicatorRow]:
    codes = codes or []
    if not isinstance(codes, list):
        raise RuleError("indicators", "对应评分项必须是指标编号的列表")
    found = {
        i.code: i
        for i in IndicatorRow.objects.filter(
            framework=plan.framework, code__in=[str(c) for c in codes]
        ).exclude(kind="group")
    }
    missing = [str(c) for c in codes if str(c) not in found]
    if missing:
        raise RuleError("indicators", f"评分表中没有指标 {'、'.join(missing)}")
    return list(found.values())


@transaction.atomic
def update_task(user, task_id, data: dict, today: date | None = None) -> Task:
    """The office assigns a task: lead and support orgs, person, dates, scoring items."""
    task = get_task(user, task_id, for_update=True)
    require_office(user, task.plan.zone)
    unknown = set(data) - TASK_FIELDS
    if unknown:
        raise RuleError(sorted(unknown)[0], f"任务不接受字段 {sorted(unknown)[0]}")
    version = version_of(data)
    if task.done_at:
        raise ConflictError("任务已办结销号，不能修改")
    if task.version != version:
        raise ConflictError(f"任务已被他人修改（当前版本 {task.version}），请刷新后重试")
    before = _snapshot(task)
    check = Collect()
    if "title" in data:
        task.title = check(text, data["title"], "title", "任务名称", required=True, limit=200)
    if "text" in data:
        task.text = check(text, data["text"], "text", "任务内容", limit=MAX_TEXT)
    if "lead_org" in data:
        lead = (
            check(zone_org, task.plan, data["lead_org"], "lead_org", "牵头单位")
            if data["lead_org"]
            else None
        )
        if lead is not None and lead.pk != task.lead_org_id:
            task.assigned_on = day_or_today(today)
        task.lead_org = lead
    if "responsible" in data:
        task.responsible = check(text, data["responsible"], "responsible", "责任人", limit=50)
    start = (
        check(parse_date, data["start_date"], "start_date", "开始时间", required=False)
        if "start_date" in data
        else task.start_date
    )
    due = (
        check(parse_date, data["due_date"], "due_date", "完成时限", required=False)
        if "due_date" in data
        else task.due_date
    )
    if start and due and due < start:
        check.errors.setdefault("due_date", f"完成时限 {due} 不能早于开始时间 {start}")
    orgs = check(_support_orgs, task.plan, data["support_orgs"]) if "support_orgs" in data else None
    found = check(_indicators, task.plan, data["indicators"]) if "indicators" in data else None
    check.done()
    if due != task.due_date:
        # A new due date set by the office replaces any extension granted before.
        task.due_in_force = due
    task.start_date, task.due_date = start, due
    task.version = version + 1
    task.save()
    if orgs is not None:
        task.support_orgs.set(orgs)
    if found is not None:
        task.indicators.set(found)
    record(user, "task.update", task, before=before, after=_snapshot(task))
    return task


@transaction.atomic
def add_subtask(user, parent_id, data: dict) -> Task:
    """Split a task: the sub-task is numbered under its parent (一.1 → 一.1.1)."""
    parent = get_task(user, parent_id, for_update=True)
    require_office(user, parent.plan.zone)
    if parent.done_at:
        raise ConflictError("任务已办结销号，不能再分解")
    title = text(data.get("title"), "title", "子任务名称", required=True, limit=200)
    siblings = Task.objects.filter(parent=parent)
    n = siblings.count() + 1
    while Task.objects.filter(plan=parent.plan, number=f"{parent.number}.{n}").exists():
        n += 1
    last = Task.objects.filter(plan=parent.plan).aggregate(m=Max("position"))["m"] or 0
    child = Task.objects.create(
        plan=parent.plan,
        parent=parent,
        number=f"{parent.number}.{n}",
        kind=Task.Kind.TASK,
        title=title,
        position=last + 1,
        lead_org=parent.lead_org,
        start_date=parent.start_date,
        due_date=parent.due_date,
        due_in_force=parent.due_in_force,
    )
    # Positions follow table order: re-number so the child sits after its parent's subtree.
    _renumber_positions(parent.plan)
    record(
        user,
        "task.split",
        child,
        after={"parent": parent.number, "number": child.number, "title": title},
    )
    rest = {k: v for k, v in data.items() if k != "title"}
    if rest:
        return update_task(user, child.pk, {**rest, "version": child.version})
    return child


def _renumber_positions(plan: Plan) -> None:
    tasks = list(plan.tasks.all().order_by("position", "id"))
    children: dict[int | None, list[Task]] = {}
    for t in tasks:
        children.setdefault(t.parent_id, []).append(t)
    order: list[Task] = []

    def visit(t):
        order.append(t)
        for c in children.get(t.pk, []):
            visit(c)

    for t in children.get(None, []):
        visit(t)
    for i, t in enumerate(order):
        t.position = i
    Task.objects.bulk_update(order, ["position"])


@transaction.atomic
def add_milestone(user, task_id, data: dict) -> Milestone:
    """A dated step inside a task (节点); set by the office when it assigns the task."""
    task = get_task(user, task_id, for_update=True)
    require_office(user, task.plan.zone)
    if task.done_at:
        raise ConflictError("任务已办结销号，不能再增加节点")
    check = Collect()
    title = check(text, data.get("title"), "title", "节点名称", required=True, limit=200)
    due = check(parse_date, data.get("due_date"), "due_date", "节点时间")
    in_force = task.due_in_force or task.due_date
    if due and task.start_date and due < task.start_date:
        check.errors["due_date"] = f"节点时间 {due} 不能早于任务开始时间 {task.start_date}"
    elif due and in_force and due > in_force:
        check.errors["due_date"] = f"节点时间 {due} 不能晚于任务完成时限 {in_force}"
    check.done()
    milestone = Milestone.objects.create(task=task, title=title, due_date=due)
    record(
        user,
        "task.milestone.add",
        milestone,
        after={"task": task.number, "title": title, "due_date": due},
    )
    return milestone


def may_report(user, task: Task) -> bool:
    """The task's lead department, or the office of its zone, reports on it."""
    if user.has_role(Role.OFFICE) and in_scope(user, task.plan.zone):
        return True
    return user.has_role(Role.DEPARTMENT) and task.lead_org_id == user.org_id


@transaction.atomic
def complete_milestone(user, milestone_id, today: date | None = None) -> Milestone:
    milestone = (
        Milestone.objects.filter(pk=milestone_id, task__in=tasks_for(user))
        .select_related("task__plan__zone")
        .first()
    )
    if milestone is None:
        raise Http404("节点不存在或无权查看")
    if not may_report(user, milestone.task):
        raise PermissionDenied("只有牵头单位或创建办可以确认节点完成")
    if milestone.done_on:
        raise ConflictError(f"该节点已于 {milestone.done_on} 完成")
    milestone.done_on = day_or_today(today)
    milestone.save(update_fields=["done_on"])
    record(
        user,
        "task.milestone.done",
        milestone,
        after={
            "task": milestone.task.number,
            "title": milestone.title,
            "done_on": milestone.done_on,
        },
    )
    return milestone
