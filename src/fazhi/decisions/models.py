"""Registers of lawful decision-making.

* NormativeDocument (行政规范性文件) with its DocumentStep rows: state and dates are a cache of
  the steps, written in the same transaction by decisions.documents (core.normative rules).
* DecisionCatalogue (决策事项目录, one per zone and year) and MajorDecision (重大行政决策) with
  its DecisionStep rows (core.decision_steps rules).
* Counsel (法律顾问), CounselOpinion, CounselAttendance.
* StepFile: a file of a step (draft, opinion, minutes) kept in the evidence store (Blob).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Blob
from fazhi.core import decision_steps as ds
from fazhi.core import normative as nd
from fazhi.orgs.models import Org


class ZoneSettings(models.Model):
    """Per-zone periods of the normative-document rules (defaults in core.normative.Settings)."""

    zone = models.OneToOneField(
        Org, on_delete=models.CASCADE, related_name="normative_settings", verbose_name="园区"
    )
    filing_days = models.PositiveSmallIntegerField("报送备案期限（公布后日数）", default=30)
    validity_years = models.PositiveSmallIntegerField("有效期（年）", default=5)
    provisional_years = models.PositiveSmallIntegerField("暂行、试行有效期（年）", default=2)

    class Meta:
        verbose_name = "规范性文件管理设置"


class NormativeDocument(models.Model):
    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="normative_documents", verbose_name="园区"
    )
    department = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="drafted_documents",
        verbose_name="起草部门",
    )
    title = models.CharField("文件名称", max_length=200)
    provisional = models.BooleanField("暂行/试行", default=False)
    state = models.CharField(
        "办理状态", max_length=16, default=nd.DRAFTING, choices=list(nd.STATES.items())
    )
    drafted_on = models.DateField("起草日期")
    reviewed = models.BooleanField("已合法性审查", default=False)
    reviewer = models.CharField("审查机构/人员", max_length=100, blank=True)
    year = models.PositiveSmallIntegerField("编号年度", null=True, blank=True)
    number = models.PositiveIntegerField("编号序号", null=True, blank=True)
    doc_no = models.CharField("统一编号", max_length=40, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    filing_due = models.DateField("报送备案期限", null=True, blank=True)
    filed_on = models.DateField("报送备案日期", null=True, blank=True)
    filing_result = models.CharField("备案审查结果", max_length=16, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    last_cleanup_on = models.DateField("最近清理日期", null=True, blank=True)
    cleanup_outcome = models.CharField("最近清理结论", max_length=16, blank=True)
    ended_on = models.DateField("废止/失效日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "行政规范性文件"
        ordering = ["-drafted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "year", "number"], name="normative_zone_year_number"
            )
        ]
        indexes = [
            models.Index(fields=["zone", "drafted_on", "id"], name="normative_zone_order"),
            models.Index(fields=["zone", "published_on"], name="normative_zone_published"),
            models.Index(fields=["zone", "state"], name="normative_zone_state"),
            models.Index(fields=["department", "drafted_on"], name="normative_dept_order"),
        ]

    def __str__(self) -> str:
        return self.doc_no or self.title

    @property
    def state_label(self) -> str:
        return nd.STATES.get(self.state, self.state)


class DocumentStep(models.Model):
    document = models.ForeignKey(NormativeDocument, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("步骤", max_length=24)
    on = models.DateField("日期")
    data = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "规范性文件办理记录"
        ordering = ["on", "id"]

    @property
    def label(self) -> str:
        return nd.STEPS.get(self.step, self.step)


class DecisionCatalogue(models.Model):
    """决策事项目录 of a zone for a year (第三条: fixed and published)."""

    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="decision_catalogues", verbose_name="园区"
    )
    year = models.PositiveSmallIntegerField("年度")
    adopted_on = models.DateField("确定日期", null=True, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)

    class Meta:
        verbose_name = "决策事项目录"
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="decisioncatalogue_zone_year")
        ]


class MajorDecision(models.Model):
    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="major_decisions", verbose_name="园区"
    )
    catalogue = models.ForeignKey(
        DecisionCatalogue, on_delete=models.PROTECT, related_name="decisions", verbose_name="目录"
    )
    department = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_decisions",
        verbose_name="承办单位",
    )
    title = models.CharField("决策事项", max_length=200)
    # Which optional steps apply (core.decision_steps.OPTIONAL).
    applicable = models.JSONField("适用程序", default=list)
    done = models.JSONField("已办步骤", default=list)
    state = models.CharField("状态", max_length=16, default="launched")
    launched_on = models.DateField("启动日期")
    comment_end = models.DateField("征求意见截止", null=True, blank=True)
    review_due = models.DateField("合法性审查期限", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decided_by = models.CharField("决策主体/主持人", max_length=100, blank=True)
    carried_out_by = models.CharField("执行单位", max_length=100, blank=True)
    published_on = models.DateField("公布日期", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重大行政决策"
        ordering = ["-launched_on", "-id"]
        indexes = [
            models.Index(fields=["zone", "launched_on", "id"], name="decision_zone_order"),
            models.Index(fields=["department", "launched_on"], name="decision_dept_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def state_label(self) -> str:
        return ds.STATE_LABELS.get(self.state, self.state)


class DecisionStep(models.Model):
    decision = models.ForeignKey(MajorDecision, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField("步骤", max_length=24)
    on = models.DateField("日期")
    data = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重大行政决策步骤"
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "step"], name="decisionstep_once")
        ]

    @property
    def label(self) -> str:
        return ds.STEPS.get(self.step, self.step)


class StepFile(models.Model):
    """A file of a step (draft, opinion, minutes): of a document or of a decision."""

    document = models.ForeignKey(
        NormativeDocument, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    decision = models.ForeignKey(
        MajorDecision, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    step = models.CharField("步骤", max_length=24)
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "步骤附件"
        ordering = ["uploaded_at", "id"]


class Counsel(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "律师/专家"
        FIRM = "firm", "律师事务所"

    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="counsel", verbose_name="园区"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称/姓名", max_length=100)
    contract_start = models.DateField("聘期开始")
    contract_end = models.DateField("聘期结束")
    scope = models.CharField("服务范围", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "法律顾问"
        ordering = ["-contract_start", "id"]


class CounselOpinion(models.Model):
    class Subject(models.TextChoices):
        DECISION = "decision", "重大行政决策"
        DOCUMENT = "document", "规范性文件"
        CONTRACT = "contract", "合同"
        CASE = "case", "案件"
        OTHER = "other", "其他"

    counsel = models.ForeignKey(Counsel, on_delete=models.PROTECT, related_name="opinions")
    subject_kind = models.CharField("事项类型", max_length=10, choices=Subject.choices)
    decision = models.ForeignKey(
        MajorDecision, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    document = models.ForeignKey(
        NormativeDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("事项", max_length=200)
    given_on = models.DateField("出具日期")
    conclusion = models.TextField("意见结论")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "法律顾问意见"
        ordering = ["-given_on", "-id"]
        indexes = [models.Index(fields=["counsel", "given_on"])]


class CounselAttendance(models.Model):
    counsel = models.ForeignKey(Counsel, on_delete=models.PROTECT, related_name="attendance")
    meeting = models.CharField("会议", max_length=200)
    attended_on = models.DateField("日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "法律顾问列席会议"
        ordering = ["-attended_on", "-id"]
