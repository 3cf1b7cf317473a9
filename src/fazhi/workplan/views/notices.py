"""Supervision notices (督办单) and reminders (提醒)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fazhi.orgs.models import Role

from .. import documents, notices, selectors
from ..models import Notice, Notification
from . import common
from .common import (
    REFUSED,
    SUPERVISORS,
    docx_response,
    form_state,
    has_any_role,
    refusal_status,
    require_business,
    zone_departments,
)

# ---------------------------------------------------------------- supervision notices (督办单)


def _notices_context(request, plan, issue=None, reply=None, reply_id=None) -> dict:
    user = request.user
    notices = list(
        selectors.notices_for(user).filter(plan=plan).select_related("issued_by", "replied_by")
    )
    is_office = has_any_role(user, Role.OFFICE)
    return {
        "plan": plan,
        "today": common.today(),
        "notices": notices,
        "is_office": is_office,
        "is_supervisor": has_any_role(user, *SUPERVISORS),
        "user_org_id": user.org_id if has_any_role(user, Role.DEPARTMENT) else None,
        "departments": list(zone_departments(plan)) if is_office else [],
        "tasks": list(plan.tasks.only("id", "plan_id", "number", "title").order_by("position"))
        if is_office
        else [],
        "issue": issue or form_state("issue"),
        "reply": reply or form_state("reply"),
        "reply_id": reply_id,
    }


@login_required
def plan_notices(request, plan_id):
    require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    return render(request, "workplan/notices.html", _notices_context(request, plan))


@login_required
@require_POST
def notice_issue(request, plan_id):
    require_business(request.user)
    plan = selectors.get_plan(request.user, plan_id)
    values = {k: request.POST.get(k, "") for k in ("to_org", "task", "text", "reply_due")}
    try:
        notice = notices.issue_notice(request.user, plan.pk, values, today=common.today())
    except REFUSED as exc:
        ctx = _notices_context(request, plan, issue=form_state("issue", values, exc))
        return render(request, "workplan/notices.html", ctx, status=refusal_status(exc))
    messages.success(request, f"督办单 {notice.number} 已发给{notice.to_org.name}，并已提醒该单位")
    return redirect(reverse("workplan:notices", args=[plan.pk]) + f"#notice-{notice.pk}")


def _notice_or_404(user, notice_id) -> Notice:
    notice = selectors.notices_for(user).filter(pk=notice_id).first()
    if notice is None:
        raise Http404("督办单不存在或无权查看")
    return notice


@login_required
@require_POST
def notice_reply(request, notice_id):
    require_business(request.user)
    notice = _notice_or_404(request.user, notice_id)
    values = {"reply": request.POST.get("reply", "")}
    try:
        notices.reply_notice(request.user, notice.pk, values["reply"], today=common.today())
    except REFUSED as exc:
        ctx = _notices_context(
            request, notice.plan, reply=form_state("reply", values, exc), reply_id=notice.pk
        )
        return render(request, "workplan/notices.html", ctx, status=refusal_status(exc))
    messages.success(request, f"督办单 {notice.number} 已回复")
    return redirect(reverse("workplan:notices", args=[notice.plan_id]) + f"#notice-{notice.pk}")


@login_required
@require_POST
def notice_close(request, notice_id):
    require_business(request.user)
    notice = _notice_or_404(request.user, notice_id)
    try:
        notices.close_notice(request.user, notice.pk, today=common.today())
    except REFUSED as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, f"督办单 {notice.number} 未办结：{exc.message}")
    else:
        messages.success(request, f"督办单 {notice.number} 已办结")
    return redirect(reverse("workplan:notices", args=[notice.plan_id]) + f"#notice-{notice.pk}")


@login_required
@require_GET
def notice_document(request, notice_id):
    require_business(request.user)
    name, content = documents.notice_docx(request.user, notice_id)
    return docx_response(name, content)


# ---------------------------------------------------------------- reminders (提醒)


@login_required
def notifications(request):
    items = list(Notification.objects.filter(user=request.user).select_related("task")[:200])
    return render(
        request,
        "workplan/notifications.html",
        {
            "items": items,
            "unread": sum(1 for n in items if n.read_at is None),
        },
    )


@login_required
@require_POST
def notifications_read(request):
    n = Notification.objects.filter(user=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    messages.success(request, f"已将 {n} 条提醒标为已读" if n else "没有未读提醒")
    return redirect("workplan:notifications")
