"""The work plan's progress use cases: a department reports progress (with evidence files),
asks for more time, the office decides on it and, at the end, accepts the task as done
(办结销号). One transaction each, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import Http404

from fazhi.assessments import evidence as evidence_store
from fazhi.audit.services import record
from fazhi.core.errors import Collect, ConflictError, RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import int_in, parse_date, text

from . import handovers
from .models import Extension, ProgressReport, ReportEvidence, Task
from .selectors import get_task, tasks_for
from .services import MAX_TEXT, day_or_today, may_report, require_office


@transaction.atomic
def report_progress(
    user, task_id, data: dict, files=(), today: date | None = None
) -> ProgressReport:
    task = get_task(user, task_id, for_update=True)
    if not may_report(user, task):
        raise PermissionDenied("只有牵头单位或创建办可以填报进度")
    if task.done_at:
        raise ConflictError("任务已办结销号，不能再填报进度")
    check = Collect()
    percent = check(int_in, data.get("percent"), "percent", "完成进度", 0, 100)
    body = check(text, data.get("text"), "text", "进展情况", required=True, limit=MAX_TEXT)
    reason = check(text, data.get("reason"), "reason", "进度回退原因", limit=MAX_TEXT)
    if percent is not None and percent < task.progress and not reason:
        check.errors.setdefault(
            "reason", f"完成进度从 {task.progress}% 回退到 {percent}%，请说明原因"
        )
    check.done()
    report = ProgressReport.objects.create(
        task=task,
        reported_on=day_or_today(today),
        percent=percent,
        text=body,
        reason=reason,
        reporter=user,
    )
    for f in files:
        blob = evidence_store.store(f)
        ReportEvidence.objects.create(
            report=report, blob=blob, name=safe_display_name(f.name or "")
        )
    before = task.progress
    Task.objects.filter(pk=task.pk).update(progress=percent, version=F("version") + 1)
    record(
        user,
        "task.progress",
        report,
        before={"progress": before},
        after={"task": task.number, "progress": percent, "files": len(files)},
    )
    return report


@transaction.atomic
def request_extension(user, task_id, data: dict, today: date | None = None) -> Extension:
    task = get_task(user, task_id, for_update=True)
    if not may_report(user, task):
        raise PermissionDenied("只有牵头单位或创建办可以申请延期")
    if task.done_at:
        raise ConflictError("任务已办结销号，不能申请延期")
    today = day_or_today(today)
    due = task.due_in_force or task.due_date
    if due is None:
        raise RuleError("new_due", "任务尚未设定完成时限，无需申请延期")
    if today >= due:
        raise RuleError("new_due", f"延期须在完成时限 {due} 之前申请，现已不能申请")
    check = Collect()
    new_due = check(parse_date, data.get("new_due"), "new_due", "延期后的完成时限")
    if new_due is not None and new_due <= due:
        check.errors["new_due"] = f"延期后的完成时限须晚于现行完成时限 {due}"
    reason = check(text, data.get("reason"), "reason", "延期理由", required=True, limit=MAX_TEXT)
    check.done()
    if task.extensions.filter(state=Extension.State.PENDING).exists():
        raise ConflictError("该任务已有待审批的延期申请")
    ext = Extension.objects.create(
        task=task,
        requested_on=today,
        old_due=due,
        new_due=new_due,
        reason=reason,
        requested_by=user,
    )
    record(
        user,
        "task.extension.request",
        ext,
        after={"task": task.number, "old_due": due, "new_due": new_due, "reason": reason},
    )
    handovers.extension_requested(ext)
    return ext


@transaction.atomic
def decide_extension(
    user, extension_id, approve: bool, note: str = "", today: date | None = None
) -> Extension:
    ext = (
        Extension.objects.select_related("task__plan__zone")
        .filter(pk=extension_id, task__in=tasks_for(user))
        .first()
    )
    if ext is None:
        raise Http404("延期申请不存在或无权查看")
    require_office(user, ext.task.plan.zone)
    if ext.state != Extension.State.PENDING:
        raise ConflictError(f"该申请已处理（{ext.get_state_display()}）")
    ext.state = Extension.State.APPROVED if approve else Extension.State.REJECTED
    ext.decided_by, ext.decided_on = user, day_or_today(today)
    ext.decision_note = text(note, "note", "审批意见", limit=MAX_TEXT)
    ext.save()
    if approve:
        Task.objects.filter(pk=ext.task_id).update(
            due_in_force=ext.new_due, version=F("version") + 1
        )
    record(
        user,
        f"task.extension.{ext.state}",
        ext,
        after={"task": ext.task.number, "new_due": ext.new_due, "note": ext.decision_note},
    )
    handovers.extension_decided(ext)
    return ext


@transaction.atomic
def close_task(user, task_id, today: date | None = None) -> Task:
    """办结销号: the office accepts a task as done."""
    task = get_task(user, task_id, for_update=True)
    require_office(user, task.plan.zone)
    if task.done_at:
        raise ConflictError("任务已办结销号")
    if task.children.filter(done_at__isnull=True).exists():
        raise RuleError("task", "还有子任务未办结，不能销号")
    task.done_at, task.done_by = day_or_today(today), user
    task.version += 1
    task.save(update_fields=["done_at", "done_by", "version"])
    record(user, "task.close", task, after={"number": task.number, "done_at": task.done_at})
    return task
