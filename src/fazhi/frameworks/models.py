"""Scoring tables (自查评分表) as loaded data. A loaded version never changes."""

from __future__ import annotations

from django.db import models

from fazhi.core.framework import ASSESSMENT, PURPOSES


class Framework(models.Model):
    code = models.CharField("代码", max_length=64)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("名称", max_length=200)
    issuer = models.CharField("发布机关", max_length=200, blank=True)
    source = models.CharField("来源文件", max_length=300, blank=True)
    declared_total = models.DecimalField("标注总分", max_digits=7, decimal_places=2, null=True)
    computed_total = models.DecimalField("计算总分", max_digits=7, decimal_places=2)
    grades = models.JSONField(default=list)
    purpose = models.CharField(
        "用途", max_length=16, choices=list(PURPOSES.items()), default=ASSESSMENT, db_index=True
    )
    warnings = models.JSONField(default=list)
    digest = models.CharField("内容摘要 (SM3)", max_length=64)
    source_text = models.TextField("原始 YAML")
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评分表"
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")
        ]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.title}（{self.code} 第{self.version}版）"


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", null=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField("编号", max_length=32)
    title = models.TextField("指标内容")
    kind = models.CharField("类型", max_length=16)
    level = models.PositiveSmallIntegerField("层级")
    position = models.PositiveIntegerField("顺序")
    max_points = models.DecimalField("分值", max_digits=7, decimal_places=2, null=True)
    points = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    points_per_case = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    unit_declared = models.CharField(max_length=20, blank=True)
    cap = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    declared_max = models.DecimalField(max_digits=7, decimal_places=2, null=True)
    evidence = models.TextField("佐证材料要求", blank=True)
    label = models.CharField("印制序号", max_length=32, blank=True)
    min_points = models.DecimalField("最低分", max_digits=7, decimal_places=2, default=0)
    rule = models.JSONField("评分规则", null=True)
    optional = models.BooleanField("可不适用", default=False)
    choose = models.CharField("择一适用", max_length=8, blank=True)
    org = models.CharField("适用单位代码", max_length=32, blank=True)

    class Meta:
        verbose_name = "指标"
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_unique")
        ]
        ordering = ["framework", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.title[:20]}"
