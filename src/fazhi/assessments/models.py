"""A zone's self-assessment (自查/自评) for a year, its results and evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.frameworks.models import Framework, Indicator
from fazhi.orgs.models import Org


class Assessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已通过"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    # The assessed org: a zone (self-assessment) or a department (部门年度考核).
    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="assessments", verbose_name="被考核单位"
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="assessments", verbose_name="评分表"
    )
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    return_reason = models.TextField("退回原因", blank=True)
    # The alternative of the table's `choose: one` group that applies to this assessment.
    block = models.CharField("适用情形", max_length=32, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True)
    decided_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = "自评"
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "framework", "year"], name="assessment_zone_framework_year"
            )
        ]
        ordering = ["-year", "zone__path"]

    def __str__(self) -> str:
        return f"{self.zone.name} {self.year} 年度自评"

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE


class Result(models.Model):
    """One item's entry: a self score, a number of cases, or a raised veto."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField("自评分", max_digits=7, decimal_places=2, null=True)
    cases = models.PositiveIntegerField("起数", default=0)
    raised = models.BooleanField("触发", default=False)
    reason = models.TextField("情形说明", blank=True)
    points = models.DecimalField("创建办设定分值", max_digits=7, decimal_places=2, null=True)
    note = models.TextField("自评说明", blank=True)
    count = models.PositiveIntegerField("次数", null=True)  # per_shortfall rule input
    value = models.DecimalField("数值", max_digits=9, decimal_places=2, null=True)  # tiers etc.
    not_applicable = models.BooleanField("不适用", default=False)
    na_reason = models.TextField("不适用理由", blank=True)
    override_score = models.DecimalField("调整后得分", max_digits=7, decimal_places=2, null=True)
    override_reason = models.TextField("调整理由", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "自评结果"
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="result_assessment_indicator"
            )
        ]


class Blob(models.Model):
    """File content, stored once under its SM3 digest."""

    digest = models.CharField("SM3", max_length=64, primary_key=True)
    size = models.BigIntegerField("大小")
    file_type = models.CharField("类型", max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    @property
    def storage_name(self) -> str:
        return f"sm3/{self.digest[:2]}/{self.digest[2:4]}/{self.digest}"


class Evidence(models.Model):
    """A file attached as 佐证材料 to one result. The name is kept as the user gave it."""

    result = models.ForeignKey(Result, on_delete=models.CASCADE, related_name="evidence")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="uses")
    name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        ordering = ["uploaded_at", "id"]
