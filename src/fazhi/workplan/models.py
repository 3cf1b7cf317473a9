"""Work plan (工作方案), tasks (重点任务), progress reports, extensions, supervision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Blob
from fazhi.frameworks.models import Indicator
from fazhi.orgs.models import Org


class PlanTemplate(models.Model):
    code = models.CharField("代码", max_length=64)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("名称", max_length=200)
    source = models.CharField("来源", max_length=300, blank=True)
    digest = models.CharField(max_length=64)
    content = models.JSONField("任务结构")  # the parsed tree: instantiated per zone
    source_text = models.TextField()
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作方案模板"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="plantemplate_code_version")
        ]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"


class Plan(models.Model):
    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="plans", verbose_name="园区"
    )
    template = models.ForeignKey(
        PlanTemplate, null=True, on_delete=models.PROTECT, related_name="plans"
    )
    framework = models.ForeignKey(
        "frameworks.Framework", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("名称", max_length=200)
    year = models.PositiveSmallIntegerField("年度")
    yellow_days = models.PositiveSmallIntegerField("黄灯：到期前工作日数", default=5)
    lag_points = models.PositiveSmallIntegerField("黄灯：落后序时进度百分点", default=20)
    report_day = models.PositiveSmallIntegerField("每月填报截止日", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "工作方案"
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title


class Task(models.Model):
    class Kind(models.TextChoices):
        AREA = "area", "任务领域"
        TASK = "task", "任务"
        SAFEGUARD = "safeguard", "保障措施"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    number = models.CharField("编号", max_length=40)  # path, e.g. 一.1.2
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.TASK)
    title = models.CharField("任务", max_length=200)
    text = models.TextField("任务内容", blank=True)
    position = models.PositiveIntegerField(default=0)
    lead_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
        verbose_name="牵头单位",
    )
    support_orgs = models.ManyToManyField(
        Org, blank=True, related_name="supported_tasks", verbose_name="配合单位"
    )
    responsible = models.CharField("责任人", max_length=50, blank=True)
    start_date = models.DateField("开始时间", null=True, blank=True)
    # The day the current lead org was given the task: reports are owed from then on.
    assigned_on = models.DateField("交办日期", null=True, blank=True)
    due_date = models.DateField("完成时限", null=True, blank=True)
    # The date in force: an approved extension's, else due_date (kept by the services).
    due_in_force = models.DateField("现行完成时限", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("进度", default=0)
    done_at = models.DateField("办结日期", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="tasks", verbose_name="对应评分项"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "重点任务"
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="task_plan_number")]
        indexes = [models.Index(fields=["plan", "due_date"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Milestone(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField("节点", max_length=200)
    due_date = models.DateField("节点时间")
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        ordering = ["due_date", "id"]


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField("填报日期")
    percent = models.PositiveSmallIntegerField("完成进度")
    text = models.TextField("进展情况")
    reason = models.TextField("进度回退原因", blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "进度填报"
        ordering = ["-reported_on", "-id"]


class ReportEvidence(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=255)


class Extension(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "待审批"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "未批准"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="extensions")
    requested_on = models.DateField("申请日期")
    old_due = models.DateField("原完成时限")
    new_due = models.DateField("申请延期至")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        verbose_name = "延期申请"
        ordering = ["-id"]


class Notice(models.Model):
    """督办单: the office asks a lead org to act and reply by a date."""

    class State(models.TextChoices):
        ISSUED = "issued", "待回复"
        REPLIED = "replied", "已回复"
        CLOSED = "closed", "已办结"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="notices")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    number = models.CharField("编号", max_length=40)
    to_org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name="督办对象"
    )
    text = models.TextField("督办事项")
    issued_on = models.DateField("督办日期")
    reply_due = models.DateField("要求回复日期")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_text = models.TextField("回复内容", blank=True)
    replied_on = models.DateField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ISSUED)

    class Meta:
        verbose_name = "督办单"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="notice_plan_number")
        ]


class Notification(models.Model):
    """In-app reminder (催办). `event` makes each reminder fire once per event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.CharField(max_length=120)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.TextField()
    # The page where the recipient acts on it (a task, a case, an assessment, a notice).
    url = models.CharField("链接", max_length=300, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="notification_user_event")
        ]
