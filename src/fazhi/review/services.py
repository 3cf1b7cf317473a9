"""Use cases of the review chain up to the province's desk: campaign, application (申报),
the city's evaluation, return and forwarding (转报). One transaction each, audited."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from fazhi.assessments.models import Assessment
from fazhi.assessments.selectors import items_by_code, totals_of
from fazhi.audit.services import record
from fazhi.core import framework as fw
from fazhi.core import validate
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.review import parse_doc_no, window_open
from fazhi.core.scoring import parse_points
from fazhi.frameworks.services import assessment_table, indicator_ids
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Org, Role
from fazhi.reports.gongwen.layout import TITLE_CHARS

from .models import Application, Campaign, CityScore
from .selectors import get_application, is_city, is_province

MAX_TEXT = 4000
CODE_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def _decimal(value, field, label, lo, hi):
    d = parse_points(value, field, label)
    if not lo <= d <= hi:
        raise RuleError(field, f"{label}须在 {lo} 至 {hi} 之间")
    return d


@transaction.atomic
def create_campaign(user, data: dict) -> Campaign:
    """The province launches a campaign (创建试点通知)."""
    if not is_province(user):
        raise PermissionDenied("只有省科技厅可以发布创建试点")
    code = validate.text(data.get("code"), "code", "代码", limit=40, required=True)
    if not set(code) <= CODE_CHARS:
        raise RuleError("code", "代码只能由小写字母、数字和连字符组成")
    fields = {
        "title": validate.text(data.get("title"), "title", "名称", limit=200, required=True),
        "notice_title": validate.text(
            data.get("notice_title"), "notice_title", "通知标题", limit=200, required=True
        ),
        "notice_no": parse_doc_no(data.get("notice_no"), "notice_no"),
        "honour": validate.text(
            data.get("honour"), "honour", "示范区称号", limit=100, required=True
        ),
        "opens_on": validate.parse_date(data.get("opens_on"), "opens_on", "申报开始日期"),
        "closes_on": validate.parse_date(data.get("closes_on"), "closes_on", "申报截止日期"),
        "threshold": _decimal(data.get("threshold", 80), "threshold", "合格分数线", 0, 999),
        "publicity_days": validate.int_in(
            data.get("publicity_days", 5), "publicity_days", "公示期", 1, 30
        ),
        "panel_size": validate.int_in(data.get("panel_size", 5), "panel_size", "评审组人数", 3, 15),
    }
    quota = data.get("quota")
    fields["quota"] = (
        None if quota in (None, "") else validate.int_in(quota, "quota", "名额", 1, 999)
    )
    if fields["closes_on"] < fields["opens_on"]:
        raise RuleError("closes_on", "申报截止日期不能早于开始日期")
    framework = assessment_table(
        str(data.get("framework") or ""),
        validate.int_in(data["version"], "version", "版本", 1, 9999)
        if data.get("version") not in (None, "")
        else None,
    )
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                code=code, province=user.org, framework=framework, created_by=user, **fields
            )
    except IntegrityError:
        raise ConflictError(f"代码 {code} 已被其他创建试点使用") from None
    record(
        user,
        "campaign.create",
        campaign,
        after={"code": code, **fields, "framework": framework.code},
    )
    return campaign


def _province_abbr(province: Org) -> str:
    """四川省科学技术厅 -> 四川省科技厅 (as the seed cites it)."""
    return province.name.replace("科学技术厅", "科技厅")


def _addressee(province: Org) -> str:
    """四川省科学技术厅 -> 省科学技术厅: a zone writes to its own province without its name."""
    name = province.name
    return name[name.index("省") :] if "省" in name else name


def _title_lines(head: str, tail: str) -> str:
    """A long title breaks where a reader would (the seed: …示范区 / 工作方案的报告)."""
    return f"{head}\n{tail}" if len(head + tail) > TITLE_CHARS else head + tail


def default_report(campaign: Campaign, zone: Org) -> dict:
    """The 报送报告 as the seed words it, from the campaign and the zone."""
    departments = [o.name for o in zone.children.order_by("path")[:3]]
    staff = f"安排{'、'.join(departments)}等部门" if departments else "安排有关部门"
    abbr = _province_abbr(campaign.province)
    short = abbr[abbr.index("省") :] if "省" in abbr else abbr
    return {
        "report_title": _title_lines(f"关于报送创建{campaign.honour}", "工作方案的报告"),
        "report_issuers": zone.name,
        "report_addressee": _addressee(campaign.province),
        "report_body": (
            f"根据《{abbr}{campaign.notice_title}》（{campaign.notice_no}），{short}启动了"
            f"{campaign.honour}创建试点工作。我委高度重视，赓即{staff}认真研究并组织申报。"
            "现将创建方案上报，请审阅。"
        ),
    }


@transaction.atomic
def open_application(
    user, campaign_code, zone_code, year=None, today: date | None = None
) -> Application:
    """The zone's office opens its application from its self-assessment (of `year`, else the
    latest against the campaign's table) and its work plan (of that year, else the latest)."""
    today = today or timezone.localdate()
    campaign = (
        Campaign.objects.select_related("province", "framework")
        .filter(code=str(campaign_code))
        .first()
    )
    zone = Org.objects.filter(code=str(zone_code), kind=Org.Kind.ZONE).first()
    if zone is None or not in_scope(user, zone) or not user.has_role(Role.OFFICE):
        raise Http404("园区不存在或无权访问")
    if campaign is None or not zone.path.startswith(campaign.province.path):
        raise RuleError("campaign", "创建试点不存在，或该园区不在其所属省份")
    if not window_open(campaign.opens_on, campaign.closes_on, today):
        raise RuleError(
            "campaign",
            f"不在申报时间内：{campaign.title}的申报时间为 {campaign.opens_on} 至 {campaign.closes_on}",
        )
    found = Assessment.objects.filter(zone=zone, framework=campaign.framework)
    if year not in (None, ""):
        found = found.filter(year=validate.int_in(year, "year", "自评年度", 2000, 2100))
    assessment = found.order_by("-year").first()
    if assessment is None:
        raise RuleError(
            "assessment", f"{zone.name}尚无按《{campaign.framework.title}》的自评，请先创建自评"
        )
    plan = (
        zone.plans.filter(year=assessment.year).order_by("-id").first()
        or zone.plans.order_by("-year", "-id").first()
    )
    try:
        with transaction.atomic():
            app = Application.objects.create(
                campaign=campaign,
                zone=zone,
                assessment=assessment,
                plan=plan,
                created_by=user,
                **default_report(campaign, zone),
            )
    except IntegrityError:
        raise ConflictError(f"{zone.name}已申报{campaign.title}，不能重复申报") from None
    record(
        user,
        "application.open",
        app,
        after={"campaign": campaign.code, "zone": zone.code, "assessment": assessment.pk},
    )
    return app


def _zone_editable(user, application_id) -> Application:
    app = get_application(user, application_id, for_update=True)
    if not (user.has_role(Role.OFFICE) and in_scope(user, app.zone)):
        raise PermissionDenied("只有本园区创建办可以编辑申报")
    if app.status not in (Application.Status.DRAFT, Application.Status.RETURNED):
        raise ConflictError(f"申报{app.get_status_display()}，已锁定，不能修改")
    return app


@transaction.atomic
def update_report(user, application_id, data: dict) -> Application:
    """The report's editable text: title, issuing bodies, addressee, body, date written."""
    app = _zone_editable(user, application_id)
    if validate.version(data.get("version")) != app.version:
        raise ConflictError("申报已被他人修改，请刷新后重试")
    changes = {
        "report_title": validate.text(
            data.get("report_title"), "report_title", "报告标题", limit=200, required=True
        ),
        "report_issuers": validate.text(
            data.get("report_issuers"), "report_issuers", "发文机关", limit=400, required=True
        ),
        "report_addressee": validate.text(
            data.get("report_addressee"), "report_addressee", "主送机关", limit=100, required=True
        ),
        "report_body": validate.text(
            data.get("report_body"), "report_body", "正文", limit=MAX_TEXT, required=True
        ),
        "report_written_on": validate.parse_date(
            data.get("report_written_on"), "report_written_on", "成文日期", required=False
        ),
    }
    before = {k: getattr(app, k) for k in changes}
    Application.objects.filter(pk=app.pk).update(**changes, version=F("version") + 1)
    app.refresh_from_db()
    record(user, "application.report.update", app, before=before, after=changes)
    return app


@transaction.atomic
def submit_application(user, application_id, today: date | None = None) -> Application:
    """Submitting sends the application to the city and locks the self-assessment."""
    today = today or timezone.localdate()
    app = _zone_editable(user, application_id)
    campaign = app.campaign
    if app.status == Application.Status.DRAFT and not window_open(
        campaign.opens_on, campaign.closes_on, today
    ):
        raise RuleError("campaign", f"申报已于 {campaign.closes_on} 截止，不能再提交")
    assessment = Assessment.objects.select_for_update().get(pk=app.assessment_id)
    totals = totals_of(assessment)
    missing = totals.items_total - totals.items_done
    if missing:
        raise RuleError("assessment", f"自评还有 {missing} 项评分项未填写，填完后才能申报")
    if assessment.status != Assessment.Status.ACCEPTED:
        # Locked for as long as the application is on its way: the city reads what was sent.
        Assessment.objects.filter(pk=assessment.pk).update(
            status=Assessment.Status.SUBMITTED,
            submitted_at=timezone.now(),
            version=F("version") + 1,
        )
        record(
            user,
            "assessment.submitted",
            assessment,
            after={"by": "application", "application": app.pk},
        )
    return _transition(
        user,
        app,
        Application.Status.SUBMITTED,
        submitted_at=timezone.now(),
        report_written_on=app.report_written_on or today,
    )


def _transition(
    user, app: Application, status: str, action: str | None = None, **fields
) -> Application:
    before = {"status": app.status, "version": app.version}
    updated = Application.objects.filter(pk=app.pk, version=app.version).update(
        status=status, version=F("version") + 1, **fields
    )
    if not updated:
        raise ConflictError("申报状态已被他人改变，请刷新后重试")
    app.refresh_from_db()
    record(
        user,
        action or f"application.{status}",
        app,
        before=before,
        after={"status": status, **{k: v for k, v in fields.items() if not k.endswith("_at")}},
    )
    return app


def _city_desk(user, application_id) -> Application:
    app = get_application(user, application_id, for_update=True)
    if not is_city(user, app.zone):
        raise PermissionDenied("只有园区所在市的科技局可以评估、退回或转报")
    if app.status != Application.Status.SUBMITTED:
        raise ConflictError(
            f"申报{app.get_status_display()}，只有已报市科技局的申报可以评估、退回或转报"
        )
    return app


@transaction.atomic
def set_city_score(user, application_id, code: str, data: dict) -> CityScore:
    """The city's own score of one scored item, with a note, beside the zone's."""
    app = _city_desk(user, application_id)
    ind = items_by_code(app.assessment).get(str(code))
    if ind is None:
        raise Http404("评分表中没有该指标")
    if ind.kind != fw.SCORED:
        raise RuleError("score", f"{fw.KIND_LABELS[ind.kind]}不评分，市级评估只对评分项打分")
    score = parse_points(data.get("score"), "score", "市级评估分", ind.max_points)
    note = validate.text(data.get("note"), "note", "说明", limit=MAX_TEXT)
    row, created = CityScore.objects.update_or_create(
        application=app,
        indicator_id=indicator_ids(app.assessment.framework)[ind.code],
        defaults={"score": score, "note": note, "updated_by": user},
    )
    record(
        user,
        "application.city_score",
        app,
        after={"indicator": ind.code, "score": score, "note": note},
    )
    return row


@transaction.atomic
def return_application(user, application_id, reason) -> Application:
    app = _city_desk(user, application_id)
    reason = validate.text(reason, "reason", "退回原因", limit=MAX_TEXT, required=True)
    Assessment.objects.filter(pk=app.assessment_id, status=Assessment.Status.SUBMITTED).update(
        status=Assessment.Status.RETURNED, return_reason=reason, version=F("version") + 1
    )
    return _transition(user, app, Application.Status.RETURNED, return_reason=reason)


@transaction.atomic
def forward_application(user, application_id, data: dict, today: date | None = None) -> Application:
    """The city forwards to the province with its 情况报告: number, signer, conclusion, opinion."""
    app = _city_desk(user, application_id)
    conclusion = data.get("conclusion")
    if conclusion in (None, ""):
        raise RuleError(
            "conclusion", "请填写评估结论：符合申报条件（eligible）或不符合申报条件（ineligible）"
        )
    if conclusion not in Application.Conclusion.values:
        raise RuleError(
            "conclusion", "评估结论只能是 eligible（符合申报条件）或 ineligible（不符合申报条件）"
        )
    if conclusion == Application.Conclusion.INELIGIBLE:
        raise RuleError(
            "conclusion", "评估结论为不符合申报条件的申报不能转报，请退回园区并说明原因"
        )
    fields = {
        "city_conclusion": conclusion,
        "city_doc_no": parse_doc_no(data.get("doc_no")),
        "city_signer": validate.text(
            data.get("signer"), "signer", "签发人", limit=50, required=True
        ),
        "city_opinion": validate.text(data.get("opinion"), "opinion", "评估意见", limit=MAX_TEXT),
        "city_written_on": validate.parse_date(data.get("date"), "date", "成文日期", required=False)
        or today
        or timezone.localdate(),
        "forwarded_by": user,
    }
    taken = Application.objects.filter(
        zone__path__startswith=user.org.path, city_doc_no=fields["city_doc_no"]
    ).exclude(pk=app.pk)
    if taken.exists():
        raise RuleError("doc_no", f"发文字号 {fields['city_doc_no']} 已用于其他情况报告")
    return _transition(user, app, Application.Status.FORWARDED, **fields)
