"""台账: disclosure requests (依申请公开) and complaints (投诉举报), their events and rules.

A case's deadlines are never stored by hand: they are computed by
fazhi.core.deadlines.compute from the case's events and the rule set version the case was
received under. `next_due`, `overdue` and `reply_due` are a cache of that computation for
filtering, rewritten in the same transaction as every event and by `fazhi registers refresh`.

Personal data of applicants and complainants lives in fazhi.security.Person (SM4, blind
indexes); a case refers to it. The contact e-mail is kept here, encrypted the same way,
because Person has no e-mail field yet.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Blob
from fazhi.orgs.models import Org
from fazhi.security.fields import BlindIndexField, EncryptedTextField
from fazhi.security.models import Person

from . import states


class RuleSetVersion(models.Model):
    """One version of a deadline rule set (rules/<kind>.yaml), as loaded and checked."""

    kind = models.CharField("类别", max_length=20)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("名称", max_length=200, blank=True)
    content = models.JSONField("规则")  # dataclasses.asdict(RuleSet)
    digest = models.CharField("SM3", max_length=64)
    source_text = models.TextField("原文")
    source_path = models.CharField("来源文件", max_length=500, blank=True)
    loaded_at = models.DateTimeField("载入时间", auto_now_add=True)

    class Meta:
        verbose_name = "期限规则版本"
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="rulesetversion_kind_version")
        ]

    def __str__(self) -> str:
        return f"{self.title or self.kind}（第 {self.version} 版）"


class IntakeSettings(models.Model):
    """A zone's public intake (公开受理). A zone without a row takes both kinds, with its own name
    as the answering agency."""

    zone = models.OneToOneField(
        Org, on_delete=models.CASCADE, related_name="intake", verbose_name="园区"
    )
    disclosure_open = models.BooleanField("受理依申请公开", default=True)
    complaint_open = models.BooleanField("受理投诉举报", default=True)
    agency_name = models.CharField("答复机关名称", max_length=100, blank=True)
    contact = models.CharField("联系方式（告知书落款）", max_length=200, blank=True)
    # Printed at the foot of every public page: the way in for those who cannot use the forms.
    phone = models.CharField("受理电话", max_length=30, blank=True)
    address = models.CharField("来访地址", max_length=200, blank=True)

    class Meta:
        verbose_name = "公开受理设置"


class Case(models.Model):
    class Kind(models.TextChoices):
        DISCLOSURE = states.DISCLOSURE, "依申请公开"
        COMPLAINT = states.COMPLAINT, "投诉举报"

    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    tracking_no = models.CharField("受理编号", max_length=32, unique=True)
    query_digest = models.CharField("查询码 SM3", max_length=64)
    zone = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="register_cases", verbose_name="园区"
    )
    department = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name="承办部门",
    )
    rules = models.ForeignKey(
        RuleSetVersion, on_delete=models.PROTECT, related_name="cases", verbose_name="期限规则"
    )
    # The codes and their labels are the rule files' (states.py): no choices fixed in code.
    state = models.CharField("状态", max_length=24, default=states.RECEIVED)
    channel = models.CharField("渠道", max_length=16)  # catalog.CHANNELS[kind]
    received_on = models.DateField("收到日期")
    submitted_at = models.DateTimeField("登记时间", auto_now_add=True)
    # Who asks or complains. Anonymous complaints have no person.
    anonymous = models.BooleanField("匿名", default=False)
    applicant_kind = models.CharField(
        "申请人类型", max_length=16, default="person"
    )  # catalog.APPLICANT_KINDS
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="申请人/投诉人",
    )
    email = EncryptedTextField(
        "电子邮箱", kind="email", index_field="email_bidx", blank=True, default=""
    )
    email_bidx = BlindIndexField()
    # What is asked or reported.
    category = models.CharField(
        "投诉/举报", max_length=16, blank=True
    )  # catalog.COMPLAINT_CATEGORIES
    subject = models.CharField("事项", max_length=200)
    content = models.TextField("内容")
    respondent = models.CharField("被投诉（举报）对象", max_length=200, blank=True)
    delivery = models.CharField("获取信息方式", max_length=50, blank=True)
    # The reply (答复), once given.
    reply_type = models.CharField("答复类型/处理结果", max_length=24, blank=True)
    reply_ground = models.CharField("理由", max_length=24, blank=True)
    reply_agency = models.CharField("负责公开的机关", max_length=100, blank=True)
    # 已主动公开: where the applicant finds the published information (told in the letter).
    reply_published_at = models.CharField("信息公开位置", max_length=300, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_public = models.BooleanField("答复内容公开查询", default=False)
    letter = models.ForeignKey(
        Blob,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="告知书",
    )
    letter_no = models.CharField("告知书文号", max_length=40, blank=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    # Cache of core.deadlines.compute (see the module docstring).
    next_due = models.DateField("最近到期日", null=True, blank=True, db_index=True)
    reply_due = models.DateField("答复期限", null=True, blank=True)
    overdue = models.BooleanField("已逾期", default=False)
    replied_late = models.BooleanField("逾期答复", default=False)
    deadlines_as_of = models.DateField("期限计算日期", null=True, blank=True)
    deadline_error = models.CharField("期限无法计算的原因", max_length=200, blank=True)
    # Why next_due is 暂定: it needed a year whose holiday notice is missing (the earliest date).
    deadline_note = models.CharField("期限暂定的原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "台账案件"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(
                fields=["received_on", "id"], name="case_register_order"
            ),  # the register's default order
            models.Index(fields=["zone", "kind", "state"]),
            models.Index(fields=["zone", "received_on"]),
            # A department's cases by state (its open ones: the home page's list and count,
            # read from the index alone; a zone's unassigned ones through department NULL).
            models.Index(
                fields=["department", "state", "kind", "next_due", "id"],
                name="case_department_state",
            ),
            # The dashboard's figures for a year, read from the index alone (no table rows).
            models.Index(
                fields=["zone", "received_on", "kind", "state", "overdue", "replied_late"],
                name="case_zone_year_figures",
            ),
            # The overdue cases of a zone, soonest first, and their number (dashboard, the
            # city's queue): a few percent of the register, read without the table rows.
            # (`overdue` repeated as a column: SQLite takes the index as covering only so.)
            models.Index(
                fields=["zone", "next_due", "id", "kind", "state", "overdue"],
                condition=models.Q(overdue=True),
                name="case_zone_overdue",
            ),
        ]

    def __str__(self) -> str:
        return self.tracking_no

    @property
    def state_label(self) -> str:
        return states.state_label(self.state)


class CaseEvent(models.Model):
    """One step of a case, dated. The deadlines follow from these events alone."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=32)
    on = models.DateField("日期")
    days = models.PositiveSmallIntegerField("延长天数", default=0)
    period = models.CharField("期限", max_length=32, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "办理记录"
        ordering = ["on", "id"]
        indexes = [
            models.Index(fields=["case", "on"]),
            # The cases that ended without a reply (不予受理, 视为放弃), counted for a year's
            # figures: rare kinds, found from the events rather than by probing every case.
            models.Index(
                fields=["kind", "case"],
                name="caseevent_ending_kind",
                condition=models.Q(kind__in=("abandoned", "rejected")),
            ),
        ]

    @property
    def label(self) -> str:
        return states.event_label(self.kind)


class CaseAttachment(models.Model):
    """A file kept with a case (the request as handed in, a correction, a third party's opinion)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "案件附件"
        ordering = ["uploaded_at", "id"]


class RateCounter(models.Model):
    """Requests from one client address in one fixed window, per bucket (public endpoints)."""

    bucket = models.CharField(max_length=16)
    address = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "address", "window_start"], name="ratecounter_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]


class UsedChallenge(models.Model):
    """A challenge token already answered: each token is good for one submission."""

    nonce = models.CharField(max_length=40, unique=True)
    used_at = models.DateTimeField(auto_now_add=True, db_index=True)
