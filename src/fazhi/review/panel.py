"""The province's review: formal check (形式审查), the expert panel, the experts' independent
sheets (scored by the same engine as the self-assessment), the panel result, ranking,
publicity (公示) and naming (命名). One transaction per use case, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, F
from django.http import Http404
from django.utils import timezone

from fazhi.assessments.models import Evidence
from fazhi.assessments.selectors import items_by_code, results_of
from fazhi.assessments.services import _apply as validate_entry
from fazhi.audit.services import record
from fazhi.core import framework as fw
from fazhi.core import review as rules
from fazhi.core import validate
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.scoring import compute_totals
from fazhi.core.submission import unfilled
from fazhi.frameworks.services import indicator_ids, tree
from fazhi.orgs.models import Role, User
from fazhi.workdays.selectors import get_calendar

from .models import Application, Campaign, ExpertDeclaration, ExpertResult, PanelMember
from .selectors import (
    get_application,
    get_campaign,
    is_province,
    member_of,
    panel_sheets,
    sheet_inputs,
)

S = Application.Status


def _province_desk(user, application_id, *statuses) -> Application:
    app = get_application(user, application_id, for_update=True)
    if not is_province(user) or app.campaign.province_id != user.org_id:
        raise PermissionDenied("只有发布该创建试点的省科技厅可以评审")
    if statuses and app.status not in statuses:
        raise ConflictError(f"申报{app.get_status_display()}，当前不能执行该操作")
    return app


def _move(user, app: Application, status: str, action: str, **fields) -> Application:
    updated = Application.objects.filter(pk=app.pk, version=app.version).update(
        status=status, version=F("version") + 1, **fields
    )
    if not updated:
        raise ConflictError("申报状态已被他人改变，请刷新后重试")
    before = app.status
    app.refresh_from_db()
    record(user, action, app, before={"status": before}, after={"status": status, **fields})
    return app


@dataclass(frozen=True)
class CheckItem:
    name: str
    ok: bool
    detail: str = ""


def formal_checklist(app: Application) -> list[CheckItem]:
    """What a complete application holds: report, plan, table, evidence per scored item > 0, city report."""
    results = results_of(app.assessment)
    items = items_by_code(app.assessment)
    with_evidence = set(
        Evidence.objects.filter(result__assessment=app.assessment).values_list(
            "result__indicator__code", flat=True
        )
    )
    lacking = [
        code
        for code, r in results.items()
        if items[code].kind == fw.SCORED and (r.self_score or 0) > 0 and code not in with_evidence
    ]
    unscored = [
        c for c, r in results.items() if items[c].kind == fw.SCORED and r.self_score is None
    ]
    return [
        CheckItem("报送报告", bool(app.report_body.strip() and app.report_title.strip())),
        CheckItem("工作方案", app.plan_id is not None, "" if app.plan_id else "未关联工作方案"),
        CheckItem("自查评分表", not unscored, f"未填写：{'、'.join(unscored)}" if unscored else ""),
        CheckItem(
            "佐证材料",
            not lacking,
            f"得分大于 0 但无佐证材料的评分项：{'、'.join(lacking)}" if lacking else "",
        ),
        CheckItem("市级情况报告", bool(app.city_doc_no), "" if app.city_doc_no else "缺少情况报告"),
    ]


@transaction.atomic
def formal_check(user, application_id) -> tuple[Application, list[CheckItem]]:
    app = _province_desk(user, application_id, S.FORWARDED)
    checks = formal_checklist(app)
    failed = [c for c in checks if not c.ok]
    note = "；".join(f"{c.name}：{c.detail or '缺少'}" for c in failed) or "形式审查通过"
    status = S.FORMAL_FAILED if failed else S.IN_REVIEW
    return _move(user, app, status, "application.formal_check", formal_note=note), checks


@transaction.atomic
def set_panel(user, application_id, usernames: list, leader: str) -> Application:
    """Seat the panel; a conflicted or unknown expert refuses the whole panel (回避)."""
    app = _province_desk(user, application_id, S.IN_REVIEW)
    if app.panel.exists():
        raise ConflictError("该申报已组建评审组，不能重复组建")
    if not isinstance(usernames, list) or not all(isinstance(u, str) for u in usernames):
        raise RuleError("experts", "experts 须为专家用户名列表")
    names = list(dict.fromkeys(u.strip() for u in usernames))
    size = app.campaign.panel_size
    if len(names) != size:
        raise RuleError("experts", f"评审组须有 {size} 名专家（当前 {len(names)} 名）")
    if leader not in names:
        raise RuleError("leader", "组长须为评审组成员之一")
    experts = {u.username: u for u in User.objects.filter(username__in=names).select_related("org")}
    # The applicant's city and everything under it; a zone directly under the province: itself.
    parent = app.zone.parent
    city_path = parent.path if parent is not None and parent.kind == "city" else app.zone.path
    declared = set(
        ExpertDeclaration.objects.filter(zone=app.zone).values_list("expert_id", flat=True)
    )
    for name in names:
        expert = experts.get(name)
        if expert is None or not expert.is_active or not expert.has_role(Role.EXPERT):
            raise RuleError("experts", f"{name} 不是评审专家（须有“评审专家”角色）")
        reason = rules.conflict_reason(
            expert.org.path if expert.org else "",
            city_path,
            [app.zone_id] if expert.pk in declared else [],
            app.zone_id,
        )
        if reason:
            raise RuleError("experts", f"专家 {expert} （{name}）须回避：{reason}")
    ids = indicator_ids(app.campaign.framework)
    codes = list(items_by_code(app.assessment))
    for name in names:
        member = PanelMember.objects.create(
            application=app, expert=experts[name], is_leader=name == leader
        )
        ExpertResult.objects.bulk_create(
            [ExpertResult(member=member, indicator_id=ids[c]) for c in codes]
        )
    record(user, "application.panel", app, after={"experts": names, "leader": leader})
    return app


@transaction.atomic
def declare_interest(user, zone_code, reason) -> ExpertDeclaration:
    """An expert declares an interest in a zone (利害关系声明); they stand down from its panels."""
    from fazhi.orgs.models import Org

    if not user.has_role(Role.EXPERT):
        raise PermissionDenied("只有评审专家可以声明利害关系")
    zone = Org.objects.filter(code=str(zone_code), kind=Org.Kind.ZONE).first()
    if zone is None:
        raise RuleError("zone", f"园区 {zone_code} 不存在")
    reason = validate.text(reason, "reason", "说明", limit=200, required=True)
    declaration, created = ExpertDeclaration.objects.get_or_create(
        expert=user, zone=zone, defaults={"reason": reason}
    )
    if not created:
        raise ConflictError(f"已声明与{zone.name}存在利害关系")
    record(user, "review.declaration", declaration, after={"zone": zone.code, "reason": reason})
    return declaration


def _own_sheet(user, application_id) -> tuple[Application, PanelMember]:
    app = get_application(user, application_id, for_update=True)
    member = member_of(app, user)
    if member is None:
        raise Http404("申报不存在或无权查看")  # an expert off the panel does not learn it exists
    return app, member


@transaction.atomic
def update_expert_result(user, application_id, code: str, data: dict) -> ExpertResult:
    """One item of the expert's own sheet: the self-assessment's kinds, fields and limits."""
    app, member = _own_sheet(user, application_id)
    if app.status != S.IN_REVIEW:
        raise ConflictError(f"申报{app.get_status_display()}，不能再评分")
    ind = items_by_code(app.assessment).get(str(code))
    if ind is None:
        raise Http404("评分表中没有该指标")
    row = ExpertResult.objects.select_for_update().get(member=member, indicator__code=ind.code)
    if member.submitted_at is not None and not row.reopen_reason:
        raise ConflictError("评分表已提交，不能修改（组长退回重评的项除外）")
    if "override_score" in data:
        raise RuleError(
            "override_score", "评审专家直接评分，不调整得分（override_score 仅供创建办）"
        )
    changes = validate_entry(ind, row, data)
    if row.version != validate.version(data.get("version")):
        raise ConflictError(f"该项已被修改（当前版本 {row.version}），请刷新后重试")
    before = {k: getattr(row, k) for k in changes}
    for k, v in changes.items():
        setattr(row, k, v)
    row.version += 1
    row.save()
    record(
        user, "review.result.update", row, before=before, after={"indicator": ind.code, **changes}
    )
    return row


@transaction.atomic
def submit_sheet(user, application_id) -> Application:
    app, member = _own_sheet(user, application_id)
    if app.status != S.IN_REVIEW:
        raise ConflictError(f"申报{app.get_status_display()}，不能再提交评分")
    if member.submitted_at is not None:
        raise ConflictError("评分表已提交，不能重复提交")
    items = items_by_code(app.assessment)
    unscored = [
        code for code, entry in sheet_inputs(member).items() if unfilled(items[code], entry)
    ]
    if unscored:
        raise RuleError("results", f"还有 {len(unscored)} 项未评分：{'、'.join(unscored)}")
    PanelMember.objects.filter(pk=member.pk).update(submitted_at=timezone.now())
    ExpertResult.objects.filter(member=member).update(reopen_reason="")
    record(user, "review.sheet.submit", member, after={"application": app.pk})
    if not app.panel.filter(submitted_at__isnull=True).exists():
        result = panel_result(app)
        return _move(
            user,
            app,
            S.REVIEWED,
            "application.reviewed",
            panel_score=result.score,
            panel_scored=result.scored,
            panel_bonus=result.bonus,
            disqualified=result.disqualified,
        )
    return app


@transaction.atomic
def reopen_item(user, application_id, expert: str, code: str, reason) -> Application:
    """The panel leader sends one expert's item back with a reason; the panel result waits."""
    app = get_application(user, application_id, for_update=True)
    me = member_of(app, user)
    if me is None or not me.is_leader:
        raise PermissionDenied("只有评审组组长可以退回专家的评分项")
    if app.status not in (S.IN_REVIEW, S.REVIEWED):
        raise ConflictError(f"申报{app.get_status_display()}，不能再退回评分项")
    reason = validate.text(reason, "reason", "退回原因", limit=2000, required=True)
    target = app.panel.filter(expert__username=str(expert)).first()
    if target is None:
        raise RuleError("expert", f"{expert} 不是该评审组成员")
    row = ExpertResult.objects.filter(member=target, indicator__code=str(code)).first()
    if row is None:
        raise Http404("评分表中没有该指标")
    ExpertResult.objects.filter(pk=row.pk).update(reopen_reason=reason)
    PanelMember.objects.filter(pk=target.pk).update(submitted_at=None)
    record(
        user,
        "review.item.reopen",
        row,
        after={"expert": expert, "indicator": code, "reason": reason},
    )
    if app.status == S.REVIEWED:
        return _move(
            user, app, S.IN_REVIEW, "application.reopened", panel_score=None, disqualified=False
        )
    return app


@dataclass(frozen=True)
class PanelResult:
    score: Decimal | None
    scored: Decimal
    bonus: Decimal
    disqualified: bool
    finals: dict[str, Decimal]  # expert username -> final total
    flags: list[str]  # item codes
    vetoes: int


def panel_result(app: Application) -> PanelResult:
    """The panel's aggregate over the submitted sheets (the trimmed mean, flags, majority veto)."""
    indicators = tree(app.campaign.framework)
    sheets = [(m, compute_totals(indicators, inputs), inputs) for m, inputs in panel_sheets(app)]
    done = [(m, t, i) for m, t, i in sheets if m.submitted_at is not None]
    if not done:
        return PanelResult(None, Decimal(0), Decimal(0), False, {}, [], 0)
    finals = [t.final for _, t, _ in done]
    maxima = {
        i.code: i.max_points or Decimal(0) for i in fw.items(indicators) if i.kind == fw.SCORED
    }
    scores = {
        code: [
            i[code].self_score for _, _, i in done if code in i and i[code].self_score is not None
        ]
        for code in maxima
    }
    vetoes = sum(1 for _, t, _ in done if t.vetoes)
    return PanelResult(
        score=rules.panel_score(finals),
        scored=rules.panel_score([t.scored for _, t, _ in done]),
        bonus=rules.panel_score([t.bonus for _, t, _ in done]),
        disqualified=rules.majority_veto(vetoes, len(sheets)),
        finals={m.expert.username: t.final for m, t, _ in done},
        flags=rules.flagged_items(scores, maxima),
        vetoes=vetoes,
    )


RANKED = (S.REVIEWED, S.NAMED, S.NOT_NAMED)


def ranking(campaign: Campaign) -> list[rules.Ranked]:
    """The campaign's reviewed applications ranked (one query); entries' keys are the applications."""
    apps = (
        campaign.applications.filter(status__in=RANKED)
        .select_related("zone")
        .annotate(experts=Count("panel"))
    )
    entries = [
        rules.RankEntry(a, a.panel_score, a.panel_scored, a.panel_bonus, a.disqualified)
        for a in apps
    ]
    return rules.rank(entries, campaign.threshold, campaign.quota)


@transaction.atomic
def start_publicity(user, code, starts_on) -> Campaign:
    campaign = get_campaign(user, code)
    if not is_province(user) or campaign.province_id != user.org_id:
        raise PermissionDenied("只有发布该创建试点的省科技厅可以公示")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    starts_on = validate.parse_date(starts_on, "starts_on", "公示开始日期")
    if campaign.publicity_starts_on:
        raise ConflictError(f"已于 {campaign.publicity_starts_on} 开始公示，不能重复公示")
    pending = campaign.applications.filter(status__in=(S.FORWARDED, S.IN_REVIEW)).select_related(
        "zone"
    )
    if pending:
        names = "、".join(a.zone.name for a in pending)
        raise RuleError("starts_on", f"评审尚未完成，不能公示：{names}")
    if not campaign.applications.filter(status=S.REVIEWED).exists():
        raise RuleError("starts_on", "没有评审完成的申报，不能公示")
    ends_on = rules.publicity_ends(starts_on, campaign.publicity_days, get_calendar())
    Campaign.objects.filter(pk=campaign.pk).update(
        publicity_starts_on=starts_on, publicity_ends_on=ends_on, version=F("version") + 1
    )
    campaign.refresh_from_db()
    record(user, "campaign.publicity", campaign, after={"starts_on": starts_on, "ends_on": ends_on})
    return campaign


def proposed(campaign: Campaign) -> list[rules.Ranked]:
    """The proposed list (拟命名名单): ranked, above the threshold, within the quota."""
    return [r for r in ranking(campaign) if r.within_quota]


@transaction.atomic
def name_zones(user, code, doc_no, today: date | None = None) -> Campaign:
    today = today or timezone.localdate()
    campaign = get_campaign(user, code)
    if not is_province(user) or campaign.province_id != user.org_id:
        raise PermissionDenied("只有发布该创建试点的省科技厅可以命名")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    doc_no = rules.parse_doc_no(doc_no)
    if campaign.named_on:
        raise ConflictError(f"已于 {campaign.named_on} 命名，不能重复命名")
    if campaign.publicity_ends_on is None:
        raise RuleError("doc_no", "尚未公示，不能命名")
    if today <= campaign.publicity_ends_on:
        raise RuleError("doc_no", f"公示期至 {campaign.publicity_ends_on} 结束，期满后才能命名")
    named = [r.entry.key for r in proposed(campaign)]
    for app in campaign.applications.filter(status=S.REVIEWED):
        status = S.NAMED if app in named else S.NOT_NAMED
        _move(user, app, status, f"application.{status}")
    Campaign.objects.filter(pk=campaign.pk).update(
        naming_doc_no=doc_no, named_on=today, version=F("version") + 1
    )
    campaign.refresh_from_db()
    record(
        user,
        "campaign.naming",
        campaign,
        after={"doc_no": doc_no, "named": [a.zone.code for a in named]},
    )
    return campaign
