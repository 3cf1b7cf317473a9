"""The review chain's records."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fazhi.assessments.models import Assessment
from fazhi.frameworks.models import Framework, Indicator
from fazhi.orgs.models import Org


class Campaign(models.Model):
    """A province's call for pilots (创建试点通知), e.g. 川科规〔2019〕15号."""

    code = models.CharField("代码", max_length=40, unique=True)
    title = models.CharField("名称", max_length=200)
    notice_title = models.CharField("通知标题", max_length=200)
    notice_no = models.CharField("通知文号", max_length=40)
    honour = models.CharField("示范区称号", max_length=100)  # e.g. 四川省科技创新法治示范区
    province = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="campaigns", verbose_name="省科技厅"
    )
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="campaigns", verbose_name="评分表"
    )
    opens_on = models.DateField("申报开始")
    closes_on = models.DateField("申报截止")
    threshold = models.DecimalField("合格分数线", max_digits=6, decimal_places=2)
    quota = models.PositiveIntegerField("命名名额", null=True, blank=True)
    publicity_days = models.PositiveSmallIntegerField("公示期（工作日）", default=5)
    panel_size = models.PositiveSmallIntegerField("评审组人数", default=5)
    publicity_starts_on = models.DateField("公示开始", null=True, blank=True)
    publicity_ends_on = models.DateField("公示截止", null=True, blank=True)
    naming_doc_no = models.CharField("命名文号", max_length=40, blank=True)
    named_on = models.DateField("命名日期", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "创建试点"
        ordering = ["-opens_on", "code"]

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报市科技局"
        RETURNED = "returned", "已退回园区"
        FORWARDED = "forwarded", "已转报省科技厅"
        FORMAL_FAILED = "formal_failed", "形式审查未通过"
        IN_REVIEW = "in_review", "专家评审中"
        REVIEWED = "reviewed", "评审完成"
        NAMED = "named", "已命名"
        NOT_NAMED = "not_named", "未命名"
        REVOKED = "revoked", "称号已撤销"

    class Conclusion(models.TextChoices):
        ELIGIBLE = "eligible", "符合申报条件"
        INELIGIBLE = "ineligible", "不符合申报条件"

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="applications")
    zone = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="applications")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(
        "workplan.Plan", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    # The zone's report (报送报告): editable until submitted; the defaults follow the seed.
    report_title = models.CharField("报告标题", max_length=200)
    report_issuers = models.TextField("发文机关（每行一个）")
    report_addressee = models.CharField("主送机关", max_length=100)
    report_body = models.TextField("正文（空行分段）")
    report_written_on = models.DateField("成文日期", null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField("退回原因", blank=True)
    # The city's evaluation and forwarding (情况报告).
    city_conclusion = models.CharField(
        "市级评估结论", max_length=16, choices=Conclusion.choices, blank=True
    )
    city_opinion = models.TextField("市级评估意见", blank=True)
    city_doc_no = models.CharField("情况报告文号", max_length=40, blank=True)
    city_signer = models.CharField("签发人", max_length=50, blank=True)
    city_written_on = models.DateField("情况报告日期", null=True, blank=True)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The province's review.
    formal_note = models.TextField("形式审查意见", blank=True)
    panel_score = models.DecimalField("评审得分", max_digits=6, decimal_places=2, null=True)
    # The panel's (trimmed) means of the scored items and of the bonus: ranking's tie-breakers,
    # kept with the score so that ranking a campaign is one query.
    panel_scored = models.DecimalField("评分项得分", max_digits=6, decimal_places=2, null=True)
    panel_bonus = models.DecimalField("加分", max_digits=6, decimal_places=2, null=True)
    disqualified = models.BooleanField("一票否决", default=False)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "申报"
        ordering = ["campaign", "zone__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "zone"], name="application_campaign_zone")
        ]

    def __str__(self) -> str:
        return f"{self.zone.name} · {self.campaign.title}"


class CityScore(models.Model):
    """The city's own evaluation score of one item, shown beside the zone's self score."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="city_scores"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField("市级评估分", max_digits=7, decimal_places=2)
    note = models.TextField("说明", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "indicator"], name="cityscore_item")
        ]


class ExpertDeclaration(models.Model):
    """An expert's declared interest in a zone (利害关系声明): stands down from its panel."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declarations"
    )
    zone = models.ForeignKey(Org, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["expert", "zone"], name="declaration_expert_zone")
        ]


class PanelMember(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    is_leader = models.BooleanField("组长", default=False)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "评审组成员"
        ordering = ["-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "expert"], name="panel_member")
        ]


class ExpertResult(models.Model):
    """One expert's entry for one item: the same fields and limits as a self-assessment result."""

    member = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="results")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField("评分", max_digits=7, decimal_places=2, null=True)
    count = models.PositiveIntegerField("次数", null=True)  # per_shortfall rule input
    value = models.DecimalField("数值", max_digits=9, decimal_places=2, null=True)  # tiers etc.
    not_applicable = models.BooleanField("不适用", default=False)
    na_reason = models.TextField("不适用理由", blank=True)
    cases = models.PositiveIntegerField("起数", default=0)
    raised = models.BooleanField("触发", default=False)
    reason = models.TextField("情形说明", blank=True)
    points = models.DecimalField("分值", max_digits=7, decimal_places=2, null=True)
    note = models.TextField("评审意见", blank=True)
    reopen_reason = models.TextField("组长退回重评原因", blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "indicator"], name="expertresult_item")
        ]


class AnnualReview(models.Model):
    """The yearly review of a named zone (动态管理): the province's score on the zone's
    re-assessment; below the threshold 限期整改 and a second review, whose failure revokes."""

    class Status(models.TextChoices):
        OPEN = "open", "待复核"
        PASSED = "passed", "复核通过"
        RECTIFYING = "rectifying", "限期整改"
        REVOKED = "revoked", "撤销称号"

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="annual_reviews"
    )
    year = models.PositiveSmallIntegerField("复核年度")
    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.OPEN)
    score = models.DecimalField("复核得分", max_digits=6, decimal_places=2, null=True)
    second_score = models.DecimalField("整改后复核得分", max_digits=6, decimal_places=2, null=True)
    note = models.TextField("复核意见", blank=True)
    due_on = models.DateField("整改期限", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "年度复核"
        ordering = ["application", "year"]
        constraints = [
            models.UniqueConstraint(fields=["application", "year"], name="annualreview_year")
        ]
