"""The ledgers: 主体考核目标 with their reports, activities, awards. Files live in the
evidence store (assessments.Blob, SM3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Blob
from fazhi.core import activities as act_rules
from fazhi.core import awards as award_rules
from fazhi.core import targets as target_rules
from fazhi.orgs.models import Org


class Target(models.Model):
    """One indicator of a zone's yearly target list (主体考核目标)."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    indicator = models.CharField("指标", max_length=100)
    unit = models.CharField("单位", max_length=20)
    target = models.DecimalField("目标值", max_digits=18, decimal_places=4)
    weight = models.DecimalField("权重", max_digits=7, decimal_places=2)
    source = models.CharField("数据来源", max_length=100, blank=True)
    department = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frequency = models.CharField(
        "填报频次", max_length=10, choices=list(target_rules.FREQUENCIES.items())
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["zone", "year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "year", "indicator"], name="ledgers_target_unique"
            )
        ]
        indexes = [models.Index(fields=["zone", "year"])]


class TargetReport(models.Model):
    """A department's figure for one period: the year-to-date total (1—N 月累计)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    period = models.CharField("填报期间", max_length=10)
    period_end = models.DateField("期间截止日")
    value = models.DecimalField("累计完成数", max_digits=18, decimal_places=4)
    note = models.CharField("说明", max_length=500, blank=True)
    blob = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("佐证文件名", max_length=255, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_on = models.DateField("填报日期")

    class Meta:
        ordering = ["target", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="ledgers_report_unique")
        ]


class Activity(models.Model):
    """A study session, training, publicity activity, 专题研究 or the yearly plan's deployment."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=20, choices=list(act_rules.KINDS.items()))
    status = models.CharField("状态", max_length=10, choices=list(act_rules.STATUSES.items()))
    held_on = models.DateField("日期")
    subject = models.CharField("主题", max_length=200)
    organiser = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    attendee_count = models.PositiveIntegerField("本单位参加人数", default=0)
    public_headcount = models.PositiveIntegerField("群众参与人数", default=0)
    note = models.CharField("说明", max_length=1000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["zone", "held_on"])]


class ActivityFile(models.Model):
    KINDS = {"minutes": "纪要/记录", "photo": "照片", "material": "材料/签到表"}

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("类别", max_length=10, choices=list(KINDS.items()))
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)


class Award(models.Model):
    """A commendation, award or 批示, or a practice adopted elsewhere (经验推广)."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类别", max_length=12, choices=list(award_rules.KINDS.items()))
    level = models.CharField("级别", max_length=12, choices=list(award_rules.LEVELS.items()))
    title = models.CharField("名称", max_length=200)
    issuer = models.CharField("授予/批示/推广单位", max_length=100)
    on = models.DateField("日期")
    doc_no = models.CharField("文件文号", max_length=60, blank=True)
    where = models.CharField("推广范围/地点", max_length=200, blank=True)
    blob = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("文件名", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["zone", "on"])]
