"""Review-chain pages: campaigns, an application (report, documents, the city's evaluation,
the province's check and panel), the expert's scoring sheet. Thin: services write and check
who may; a refused change comes back with what was typed and the error beside its field."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.assessments.selectors import items_by_code, results_of
from fazhi.core import framework as fw
from fazhi.core.errors import ConflictError, RuleError
from fazhi.core.review import window_open
from fazhi.orgs.access import in_scope
from fazhi.orgs.models import Role
from fazhi.reports.gongwen.pdf import FontsMissing

from .. import annual, downloads, panel, selectors, services
from ..models import Application, ExpertResult

S = Application.Status
REVIEW_ROLES = {Role.OFFICE, Role.LEADER, Role.REVIEWER, Role.EXPERT}


@login_required
def campaign_list(request):
    user = request.user
    if not user.roles & REVIEW_ROLES:
        raise PermissionDenied("申报评审供园区创建办和领导、市科技局、省科技厅和评审专家使用")
    campaigns = list(selectors.campaigns_for(user))
    apps = list(selectors.application_rows(user).order_by("campaign", "zone__path"))
    return render(
        request,
        "review/campaigns.html",
        {"campaigns": campaigns, "applications": apps, "is_province": selectors.is_province(user)},
    )


def _can_apply(user, campaign, today) -> list:
    """The zones the user's office may apply for (its own zone, once, within the window)."""
    if not user.has_role(Role.OFFICE) or user.org is None or user.org.kind != "zone":
        return []
    if not window_open(campaign.opens_on, campaign.closes_on, today):
        return []
    if campaign.applications.filter(zone=user.org).exists():
        return []
    return [user.org] if user.org.path.startswith(campaign.province.path) else []


@login_required
def campaign_detail(request, code):
    user = request.user
    campaign = selectors.get_campaign(user, code)
    province = selectors.is_province(user) and campaign.province_id == user.org_id
    return render(
        request,
        "review/campaign.html",
        {
            "campaign": campaign,
            "applications": selectors.application_rows(user).filter(campaign=campaign),
            "ranking": panel.ranking(campaign) if province else None,
            "objections": list(selectors.objections(campaign)) if province else None,
            "is_province": province,
            "apply_zones": _can_apply(user, campaign, timezone.localdate()),
            "can_list": bool(user.roles & REVIEW_ROLES),
            "errors": {},
        },
    )


@login_required
@require_POST
def campaign_action(request, code, step):
    user = request.user
    campaign = selectors.get_campaign(user, code)
    try:
        if step == "apply":
            app = services.open_application(user, campaign.code, request.POST.get("zone", ""))
            messages.success(request, "已创建申报，请核对报送报告后提交市科技局。")
            return redirect("review:application", app.pk)
        if step == "publicity":
            c = panel.start_publicity(user, campaign.code, request.POST.get("starts_on"))
            messages.success(request, f"已开始公示，公示期至 {c.publicity_ends_on}。")
        elif step == "naming":
            panel.name_zones(user, campaign.code, request.POST.get("doc_no"))
            messages.success(request, "已命名，命名通知可下载。")
        else:
            raise Http404("没有该操作")
    except (RuleError, ConflictError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("review:campaign", campaign.code)


def _role_flags(user, app) -> dict:
    member = selectors.member_of(app, user)
    return {
        "is_office": user.has_role(Role.OFFICE) and in_scope(user, app.zone),
        "is_city": selectors.is_city(user, app.zone),
        "is_province": selectors.is_province(user) and app.campaign.province_id == user.org_id,
        "member": member,
    }


def _application_context(user, app, errors=None, values=None) -> dict:
    flags = _role_flags(user, app)
    results = results_of(app.assessment, with_evidence=True)
    city = selectors.city_scores(app) if flags["is_city"] or flags["is_province"] else {}
    rows = [
        {"ind": ind, "result": results.get(code), "city": city.get(code)}
        for code, ind in items_by_code(app.assessment).items()
    ]
    ctx = {
        "app": app,
        "rows": rows,
        "totals": selectors.zone_totals(app),
        "errors": errors or {},
        "values": values or {},
        "editable": flags["is_office"] and app.status in (S.DRAFT, S.RETURNED),
        "city_desk": flags["is_city"] and app.status == S.SUBMITTED,
        "documents": downloads.application_files(app),
        **flags,
    }
    if app.status in (S.NAMED, S.REVOKED):
        ctx["annual"] = annual.history(app)
    if flags["is_province"] or flags["member"] is not None:
        ctx["panel"] = list(app.panel.select_related("expert", "expert__org"))
        sees = flags["is_province"] or (flags["member"] and flags["member"].submitted_at)
        ctx["result"] = panel.panel_result(app) if sees else None
        ctx["checks"] = panel.formal_checklist(app) if flags["is_province"] else None
    return ctx


@login_required
def application_page(request, application_id):
    app = selectors.get_application(request.user, application_id)
    return render(request, "review/application.html", _application_context(request.user, app))


ACTIONS = {
    "report": lambda u, app, p: services.update_report(u, app.pk, p),
    "submit": lambda u, app, p: services.submit_application(u, app.pk),
    "city-score": lambda u, app, p: services.set_city_score(u, app.pk, p.get("code", ""), p),
    "forward": lambda u, app, p: services.forward_application(u, app.pk, p),
    "return": lambda u, app, p: services.return_application(u, app.pk, p.get("reason")),
    "formal-check": lambda u, app, p: panel.formal_check(u, app.pk),
    "panel": lambda u, app, p: panel.set_panel(
        u, app.pk, [x for x in p.get("experts", "").split() if x], p.get("leader", "").strip()
    ),
    "annual-open": lambda u, app, p: annual.open_review(u, app.pk, p.get("year")),
    "annual-decide": lambda u, app, p: annual.decide(u, p.get("review", ""), p),
    "reopen": lambda u, app, p: panel.reopen_item(
        u, app.pk, p.get("expert", ""), p.get("indicator", ""), p.get("reason")
    ),
}
DONE = {
    "report": "报送报告已保存。",
    "submit": "已报送市科技局，自评已锁定。",
    "city-score": "市级评估分已保存。",
    "forward": "已转报省科技厅，情况报告已生成。",
    "return": "已退回园区。",
    "formal-check": "形式审查已完成。",
    "panel": "评审组已组建，专家可开始评分。",
    "reopen": "已退回该专家重评该项。",
    "annual-open": "已开始年度复核。",
    "annual-decide": "复核结果已记录。",
}


@login_required
@require_POST
def application_action(request, application_id, action):
    user = request.user
    app = selectors.get_application(user, application_id)
    if action not in ACTIONS:
        raise Http404("没有该操作")
    data = request.POST.dict()
    try:
        ACTIONS[action](user, app, data)
    except (RuleError, ConflictError) as exc:
        app.refresh_from_db()
        key = action.replace("-", "_")
        field = getattr(exc, "field", None) or "form"
        ctx = _application_context(user, app, {key: {field: exc.message}}, {key: data})
        return render(
            request,
            "review/application.html",
            ctx,
            status=422 if isinstance(exc, RuleError) else 409,
        )
    messages.success(request, DONE[action])
    return redirect("review:application", app.pk)


@login_required
def application_document(request, application_id, name):
    app = selectors.get_application(request.user, application_id)
    try:
        return downloads.application_file(request.user, app, name)
    except FontsMissing as exc:
        messages.error(request, str(exc))
        return redirect("review:application", app.pk)


@login_required
def campaign_document(request, code, name):
    campaign = selectors.get_campaign(request.user, code)
    try:
        return downloads.campaign_file(request.user, campaign, name)
    except FontsMissing as exc:
        messages.error(request, str(exc))
        return redirect("review:campaign", campaign.code)


def _sheet(request, app, member, errors=None, values=None, status=200):
    rows = {
        r.indicator.code: r
        for r in ExpertResult.objects.filter(member=member).select_related("indicator")
    }
    items = [
        {"ind": ind, "row": rows.get(code)} for code, ind in items_by_code(app.assessment).items()
    ]
    zone_results = results_of(app.assessment, with_evidence=True)
    ctx = {
        "app": app,
        "member": member,
        "items": items,
        "zone_results": zone_results,
        "totals": selectors.sheet_totals(app, member),
        "errors": errors or {},
        "values": values or {},
        "open": app.status == S.IN_REVIEW,
        "SCORED": fw.SCORED,
    }
    return render(request, "review/sheet.html", ctx, status=status)


def _member(request, application_id):
    app = selectors.get_application(request.user, application_id)
    member = selectors.member_of(app, request.user)
    if member is None:
        raise Http404("申报不存在或无权查看")
    return app, member


@login_required
def sheet(request, application_id):
    app, member = _member(request, application_id)
    return _sheet(request, app, member)


@login_required
@require_POST
def sheet_action(request, application_id, entry):
    app, member = _member(request, application_id)
    data = request.POST.dict()
    try:
        if entry == "score":
            code = data.pop("code", "")
            data.pop("csrfmiddlewaretoken", None)
            if "raised" in data:  # a veto is chosen from a list: 1 raised, 0 not
                data["raised"] = {"1": True, "0": False}.get(data["raised"], data["raised"])
            panel.update_expert_result(request.user, app.pk, code, data)
            messages.success(request, f"第 {code} 项已保存。")
        elif entry == "submit":
            app = panel.submit_sheet(request.user, app.pk)
            messages.success(request, "评分表已提交。")
        else:
            raise Http404("没有该操作")
    except (RuleError, ConflictError) as exc:
        key = request.POST.get("code", "") if entry == "score" else "submit"
        field = getattr(exc, "field", None) or "form"
        member.refresh_from_db()
        status = 422 if isinstance(exc, RuleError) else 409
        return _sheet(request, app, member, {key: {field: exc.message}}, {key: data}, status)
    return redirect("review:sheet", app.pk)
