"""The ledgers: 主体考核目标 with their reports, activities, awards. Files live in the
evidence store (assessments.Blob, SM3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Blob
from fazhi.core import activities as act_rules
from fazhi.core import awards as award_rules
from fazhi.core import policies as policy_rules
from fazhi.core import projects as project_rules
from fazhi.core import targets as target_rules
from fazhi.orgs.models import Org


class TargetList(models.Model):
    """Who set a zone's yearly target list: the city or the province, by which document."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    issuer = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    doc_no = models.CharField("下达文号", max_length=60)
    issued_on = models.DateField("下达日期")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["zone", "year"], name="ledgers_target_list_unique")
        ]


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
    version = models.PositiveIntegerField(default=1)
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
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["target", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["target", "period"], name="ledgers_report_unique")
        ]


class TargetReportRevision(models.Model):
    """A correction (更正) of a reported figure: the values it replaced, the evidence file it
    replaced (kept, still downloadable), why and by whom."""

    report = models.ForeignKey(TargetReport, on_delete=models.CASCADE, related_name="revisions")
    value_before = models.DecimalField("原累计完成数", max_digits=18, decimal_places=4)
    value_after = models.DecimalField("更正后累计完成数", max_digits=18, decimal_places=4)
    note_before = models.CharField("原说明", max_length=500, blank=True)
    blob = models.ForeignKey(
        Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    file_name = models.CharField("原佐证文件名", max_length=255, blank=True)
    reason = models.CharField("更正原因", max_length=500)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


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
    version = models.PositiveIntegerField(default=1)

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


class CreditNote(models.Model):
    """An enterprise's recorded breach of trust (诚信记录), checked when it applies."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    applicant_code = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    applicant = models.CharField("单位名称", max_length=100)
    breach = models.CharField("失信情况", max_length=500)
    on = models.DateField("记录日期")
    source = models.CharField("来源", max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class Project(models.Model):
    """A 科技计划项目 from 申报 to 绩效评价; amounts in 万元."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("项目名称", max_length=200)
    applicant = models.CharField("申报单位", max_length=100)
    applicant_code = models.CharField("统一社会信用代码", max_length=18)
    department = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_on = models.DateField("申报日期")
    stage = models.CharField("阶段", max_length=12, choices=list(project_rules.STAGES.items()))
    credit_note = models.CharField("诚信提示", max_length=500, blank=True)
    review_score = models.DecimalField(
        "专家评审得分", max_digits=6, decimal_places=2, null=True, blank=True
    )
    budget = models.DecimalField(
        "预算（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    contract_no = models.CharField("合同编号", max_length=60, blank=True)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("验收期限", null=True, blank=True)
    acceptance = models.CharField(
        "验收结论", max_length=10, blank=True, choices=list(project_rules.ACCEPTANCE.items())
    )
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    grade = models.CharField(
        "绩效评价等次", max_length=10, blank=True, choices=list(project_rules.GRADES.items())
    )
    paid = models.DecimalField("已拨付（万元）", max_digits=14, decimal_places=2, default=0)
    spent = models.DecimalField("已支出（万元）", max_digits=14, decimal_places=2, default=0)
    content = models.CharField("研究内容", max_length=1000, blank=True)
    certificate = models.CharField("证书名称", max_length=60, blank=True)
    certificate_valid_to = models.DateField("证书有效期至", null=True, blank=True)
    last_event_on = models.DateField("最近办理日期")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-applied_on", "-pk"]
        indexes = [
            models.Index(fields=["zone", "applied_on"]),
            models.Index(fields=["stage", "due_on"]),
        ]


class ProjectEvent(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("办理事项", max_length=12)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=1000, blank=True)
    data = models.JSONField(default=dict)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]


class ProjectExpert(models.Model):
    """An expert's score in the project's 专家评审; the conflict rule (回避) is checked before."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="experts")
    name = models.CharField("专家姓名", max_length=30)
    unit = models.CharField("工作单位", max_length=100)
    unit_code = models.CharField("工作单位统一社会信用代码", max_length=18, blank=True)
    score = models.DecimalField("评分", max_digits=5, decimal_places=2)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="ledgers_expert_unique")
        ]


class ProjectChange(models.Model):
    """A change (变更) asked for during 执行: budget, dates or content; only an approved one
    alters the project (`before` keeps what it replaced)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(
        "变更类别", max_length=10, choices=list(project_rules.CHANGE_KINDS.items())
    )
    status = models.CharField(
        "状态", max_length=10, choices=list(project_rules.CHANGE_STATUSES.items())
    )
    reason = models.CharField("变更理由", max_length=500)
    new_budget = models.DecimalField(
        "调整后预算（万元）", max_digits=14, decimal_places=2, null=True, blank=True
    )
    new_starts_on = models.DateField("调整后开始日期", null=True, blank=True)
    new_due_on = models.DateField("调整后验收期限", null=True, blank=True)
    new_content = models.CharField("调整后研究内容", max_length=1000, blank=True)
    requested_on = models.DateField("申请日期")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_on = models.DateField("审批日期", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_note = models.CharField("审批意见", max_length=500, blank=True)
    before = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["requested_on", "pk"]


class ProjectIndicator(models.Model):
    """A performance indicator of the 绩效评价: planned (合同约定) against achieved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("绩效指标", max_length=100)
    unit = models.CharField("单位", max_length=20)
    planned = models.DecimalField("计划值", max_digits=18, decimal_places=4)
    achieved = models.DecimalField("实际完成值", max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="ledgers_indicator_unique")
        ]

    @property
    def percent(self) -> int | None:
        """Completion (achieved ÷ planned) in whole percent, rounded down."""
        return target_rules.as_percent(target_rules.completion(self.achieved, self.planned))


class ProjectBudgetLine(models.Model):
    """Funds used per budget line (预算科目) in the 绩效评价; spent never above budgeted."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    line = models.CharField("预算科目", max_length=60)
    budgeted = models.DecimalField("预算数（万元）", max_digits=14, decimal_places=2)
    spent = models.DecimalField("支出数（万元）", max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "line"], name="ledgers_budget_line_unique")
        ]

    @property
    def left(self):
        return self.budgeted - self.spent


class ProjectFunds(models.Model):
    """A tranche paid out (拨付) or spending reported (支出) against a budget line."""

    KINDS = {"paid": "拨付", "spent": "支出"}
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="funds")
    kind = models.CharField("类别", max_length=6, choices=list(KINDS.items()))
    on = models.DateField("日期")
    amount = models.DecimalField("金额（万元）", max_digits=14, decimal_places=2)
    line = models.CharField("预算科目", max_length=60, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]


class Policy(models.Model):
    """A national or provincial policy that applies to the zone (政策清单)."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    title = models.CharField("政策名称", max_length=200)
    level = models.CharField("层级", max_length=12, choices=list(policy_rules.LEVELS.items()))
    issuer = models.CharField("发文机关", max_length=100)
    doc_no = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("发布日期")
    # denormalised for the register's constant queries: how many measures are issued
    measures_issued = models.PositiveIntegerField(default=0)
    measures_drafting = models.PositiveIntegerField(default=0)
    benefit_total = models.DecimalField(
        "兑现金额（万元）", max_digits=14, decimal_places=2, default=0
    )
    beneficiaries = models.PositiveIntegerField("受益企业（次）", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["zone", "issued_on"])]


class Measure(models.Model):
    """The zone's supporting measure (配套措施) for a policy."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="measures")
    title = models.CharField("配套措施", max_length=200)
    doc_no = models.CharField("文号", max_length=60, blank=True)
    issued_on = models.DateField("出台日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=list(policy_rules.MEASURE_STATUSES.items())
    )


class Benefit(models.Model):
    """An enterprise that benefited from a policy: 奖励补助 paid (万元)."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="benefits")
    enterprise = models.CharField("受益企业", max_length=100)
    amount = models.DecimalField("金额（万元）", max_digits=14, decimal_places=2)
    on = models.DateField("兑现日期")
    note = models.CharField("说明", max_length=300, blank=True)
