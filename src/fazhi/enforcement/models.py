"""行政执法: officers with their certificates, cases with their steps (三项制度), file-review
rounds scored through the scoring engine, and 行政复议 applications.

Deadlines are never stored by hand: `next_due`, `overdue` are a cache of
fazhi.core.deadlines.compute over a case's events and the rule set version (registers'
RuleSetVersion, kinds "enforcement" and "reconsideration") it was registered under,
rewritten in the same transaction as every event and by `refresh`.

Parties' personal data lives in fazhi.security.Person (SM4, blind indexes).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Blob
from fazhi.core import enforcement as enf
from fazhi.core import reconsideration as rc
from fazhi.frameworks.models import Framework
from fazhi.orgs.models import Org
from fazhi.registers.models import Case as RegisterCase
from fazhi.registers.models import RuleSetVersion
from fazhi.security.models import Person

USER = settings.AUTH_USER_MODEL


class Officer(models.Model):
    """执法人员 and the certificate (执法证) they hold."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="园区")
    department = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="officers", verbose_name="所在部门"
    )
    user = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="officer_records"
    )
    name = models.CharField("姓名", max_length=50)
    cert_no = models.CharField("执法证号", max_length=40)
    issuer = models.CharField("发证机关", max_length=100)
    valid_from = models.DateField("有效期自")
    valid_to = models.DateField("有效期至", db_index=True)
    revoked = models.BooleanField("注销/暂扣", default=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "执法人员"
        ordering = ["department_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "cert_no"], name="officer_zone_cert_no")
        ]

    def __str__(self) -> str:
        return self.name

    def facts(self) -> enf.OfficerFacts:
        return enf.OfficerFacts(
            self.name, self.cert_no, self.valid_from, self.valid_to, self.revoked
        )

    def status(self, today) -> str:
        return enf.cert_status(self.valid_from, self.valid_to, self.revoked, today)


class EnforcementCase(models.Model):
    """执法案件: from the clue (线索) to the archive (归档)."""

    class Source(models.TextChoices):
        COMPLAINT = "complaint", "投诉举报转立案"
        INSPECTION = "inspection", "监督检查发现"
        REFERRAL = "referral", "其他机关移送"
        OTHER = "other", "其他"

    number = models.CharField("案号", max_length=40, unique=True)
    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="园区")
    department = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="enforcement_cases", verbose_name="承办部门"
    )
    rules = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=16, default=enf.CLUE)
    source = models.CharField("线索来源", max_length=16, choices=Source.choices)
    complaint = models.ForeignKey(
        RegisterCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enforcement_cases",
        verbose_name="来源投诉举报",
    )
    received_on = models.DateField("线索登记日期")
    subject = models.CharField("案由", max_length=200)
    facts = models.TextField("违法事实", blank=True)
    party_kind = models.CharField("当事人类型", max_length=8, default="org")  # person | org
    party = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party_org = models.CharField("当事人（单位名称）", max_length=200, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    major = models.BooleanField("重大执法决定", default=False)
    filed_on = models.DateField("立案日期", null=True, blank=True)
    legal_reviewed_on = models.DateField("法制审核日期", null=True, blank=True)
    decision_kind = models.CharField("决定类型", max_length=16, blank=True)
    penalty_kind = models.CharField("处罚种类", max_length=16, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, null=True)
    decision_no = models.CharField("决定书文号", max_length=60, blank=True)
    decision_text = models.TextField("处罚内容", blank=True)
    legal_basis = models.CharField("法律依据", max_length=300, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    published_on = models.DateField("公示日期", null=True, blank=True, db_index=True)
    revoked_on = models.DateField("撤销/变更日期", null=True, blank=True)
    withdrawn_on = models.DateField("撤回公示日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    # 层级监督: a major decision reported to the body above (备案) and its review.
    reported_on = models.DateField("报送备案日期", null=True, blank=True)
    filing_result = models.CharField("备案审查结论", max_length=16, blank=True)
    filing_opinion = models.TextField("备案审查意见", blank=True)
    filing_reviewed_on = models.DateField("备案审查日期", null=True, blank=True)
    filing_reviewer = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Cache of core.deadlines.compute (see the module docstring).
    next_due = models.DateField("最近到期日", null=True, blank=True, db_index=True)
    overdue = models.BooleanField("已逾期", default=False)
    filed_late = models.BooleanField("逾期立案", default=False)
    decided_late = models.BooleanField("逾期决定", default=False)
    deadline_note = models.CharField("期限暂定的原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "执法案件"
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["received_on", "id"], name="enf_case_order"),
            models.Index(fields=["zone", "state"]),
            models.Index(fields=["department", "state"]),
            models.Index(fields=["zone", "received_on", "state", "overdue"], name="enf_zone_year"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def state_label(self) -> str:
        return enf.STATES.get(self.state, self.state)


class CaseOfficer(models.Model):
    """An officer handling a case (承办人), checked certified on the day of 立案."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="handlers")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="handled")
    lead = models.BooleanField("主办", default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "officer"], name="caseofficer_once")]


class CaseStep(models.Model):
    """One dated step of a case (全过程记录); the deadlines follow from these alone."""

    case = models.ForeignKey(EnforcementCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("环节", max_length=32)
    on = models.DateField("日期")
    days = models.PositiveSmallIntegerField("延长天数", default=0)
    period = models.CharField("期限", max_length=32, blank=True)
    note = models.TextField("说明", blank=True)
    media_ref = models.CharField("音像记录编号/位置", max_length=300, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执法环节"
        ordering = ["on", "id"]
        indexes = [models.Index(fields=["case", "on"])]

    @property
    def label(self) -> str:
        return enf.EVENTS.get(self.kind, self.kind)


class StepFile(models.Model):
    """A file of the full-process record (文书、照片、音视频) kept with a step."""

    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="files")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("文件名", max_length=255)
    uploaded_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)


class ReviewRound(models.Model):
    """案卷评查: one round over the closed case files of a zone."""

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="园区")
    title = models.CharField("名称", max_length=200)
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField("年度")
    sample_size = models.PositiveIntegerField("抽查数量", null=True, blank=True)  # None = all
    seed = models.BigIntegerField("随机种子")
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "案卷评查"
        ordering = ["-year", "-id"]


class FileReview(models.Model):
    """One case file in a round, scored by its reviewer through the scoring engine."""

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="files")
    case = models.ForeignKey(EnforcementCase, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    # code -> {"self_score": "8", "raised": true, "cases": 1}: the engine's ResultInput
    results = models.JSONField("评分", default=dict)
    total = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True)
    grade = models.CharField("等次", max_length=10, blank=True)
    vetoed = models.BooleanField("否决", default=False)
    faults = models.JSONField("问题", default=list)  # codes of veto and deduction items found
    comment = models.TextField("评查意见", blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "case"], name="filereview_once")]


class Reconsideration(models.Model):
    """行政复议 application, from receipt to the performance of the decision."""

    number = models.CharField("案号", max_length=40, unique=True)
    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="园区")
    rules = models.ForeignKey(RuleSetVersion, on_delete=models.PROTECT, related_name="+")
    state = models.CharField("状态", max_length=16, default=rc.RECEIVED)
    before_suspension = models.CharField(max_length=16, blank=True)
    received_on = models.DateField("收到申请日期")
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    respondent = models.CharField("被申请人", max_length=200)
    act = models.CharField("被申请复议的行政行为", max_length=300)
    enforcement_case = models.ForeignKey(
        EnforcementCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconsiderations",
    )
    request = models.TextField("复议请求")
    simplified = models.BooleanField("简易程序", default=False)
    simple_ground = models.CharField("适用简易程序的理由", max_length=20, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deemed_accepted = models.BooleanField("视为受理", default=False)
    decision_kind = models.CharField("决定类型", max_length=24, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    decision_text = models.TextField("决定内容", blank=True)
    performed_on = models.DateField("履行日期", null=True, blank=True)
    perform_due = models.DateField("履行期限", null=True, blank=True)
    converted_on = models.DateField("转为普通程序日期", null=True, blank=True)
    opinion_issued_on = models.DateField("制发行政复议意见书日期", null=True, blank=True)
    opinion_due = models.DateField("报送纠正情况期限", null=True, blank=True)
    opinion_reported_on = models.DateField("报送纠正情况日期", null=True, blank=True)
    # 层级监督: the decision reported to the body above (备案) and its review, as for cases.
    reported_on = models.DateField("报送备案日期", null=True, blank=True)
    filing_result = models.CharField("备案审查结论", max_length=16, blank=True)
    filing_opinion = models.TextField("备案审查意见", blank=True)
    filing_reviewed_on = models.DateField("备案审查日期", null=True, blank=True)
    filing_reviewer = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_due = models.DateField("最近到期日", null=True, blank=True, db_index=True)
    overdue = models.BooleanField("已逾期", default=False)
    decided_late = models.BooleanField("逾期决定", default=False)
    deadline_note = models.CharField("期限暂定的原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "行政复议"
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["zone", "received_on", "state"], name="rc_zone_year")]

    @property
    def state_label(self) -> str:
        return rc.STATES.get(self.state, self.state)


class ReconsiderationStep(models.Model):
    case = models.ForeignKey(Reconsideration, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField("环节", max_length=32)
    on = models.DateField("日期")
    days = models.PositiveSmallIntegerField("延长天数", default=0)
    period = models.CharField("期限", max_length=32, blank=True)
    note = models.TextField("说明", blank=True)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    @property
    def label(self) -> str:
        return rc.EVENTS.get(self.kind, self.kind)


class InspectionPlan(models.Model):
    """执法检查 (层级监督): a periodic or special inspection of a zone's enforcement."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", "定期检查"
        SPECIAL = "special", "专项检查"

    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name="园区")
    title = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    year = models.PositiveIntegerField("年度")
    scope = models.TextField("检查范围与内容", blank=True)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "执法检查"
        ordering = ["-year", "-id"]


class Finding(models.Model):
    """A problem an inspection found, with its rectification task in the work plan (督办)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="findings")
    department = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("发现的问题")
    due_on = models.DateField("整改期限")
    task = models.ForeignKey(
        "workplan.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_id", "id"]
