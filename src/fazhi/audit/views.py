"""The audit administrator's pages: search the audit and login logs, export, verify."""

from __future__ import annotations

import csv
from datetime import date, datetime, time

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from fazhi.orgs.models import Role
from fazhi.reports.xlsx import escape_cell_text

from .models import AuditEntry
from .services import record, verify

EXPORT_LIMIT = 100_000


def _auditor(request) -> None:
    if not request.user.has_role(Role.AUDITOR):
        raise PermissionDenied("只有审计管理员可以查看审计日志")


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(params):
    qs = AuditEntry.objects.all()
    if params.get("user"):
        qs = qs.filter(actor_name__icontains=params["user"].strip())
    if params.get("action"):
        qs = qs.filter(action__startswith=params["action"].strip())
    if params.get("kind") == "login":
        qs = qs.filter(action__startswith="auth.")
    if params.get("object"):
        qs = qs.filter(object_id=params["object"].strip())
    tz = timezone.get_current_timezone()
    if start := _day(params.get("from")):
        qs = qs.filter(at__gte=datetime.combine(start, time.min, tz))
    if end := _day(params.get("to")):
        qs = qs.filter(at__lte=datetime.combine(end, time.max, tz))
    return qs.order_by("-id")


@login_required
def audit_log(request):
    _auditor(request)
    page = Paginator(_filtered(request.GET), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/log.html", {"page": page, "params": request.GET, "query": query.urlencode()}
    )


@login_required
def audit_verify(request):
    _auditor(request)
    checked, broken, reason = verify()
    record(
        request.user,
        "audit.verify",
        object_type="audit",
        after={"checked": checked, "broken": broken},
    )
    return render(
        request, "audit/verify.html", {"checked": checked, "broken": broken, "reason": reason}
    )


@login_required
def audit_export(request):
    _auditor(request)
    rows = _filtered(request.GET)[:EXPORT_LIMIT]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(
        True, f"审计日志-{timezone.localdate().isoformat()}.csv"
    )
    response.write("\ufeff")  # Excel reads UTF-8 with a BOM
    writer = csv.writer(response)
    writer.writerow(
        ["序号", "时间", "用户", "操作", "对象类型", "对象", "来源地址", "变更前", "变更后", "哈希"]
    )
    count = 0
    for e in rows.iterator():
        count += 1
        writer.writerow(
            [
                e.pk,
                timezone.localtime(e.at).isoformat(timespec="seconds"),
                *(
                    escape_cell_text(x)
                    for x in (
                        e.actor_name,
                        e.action,
                        e.object_type,
                        e.object_id,
                        e.ip,
                        e.before,
                        e.after,
                    )
                ),
                e.hash,
            ]
        )
    record(
        request.user,
        "audit.export",
        object_type="audit",
        after={"rows": count, "filters": dict(request.GET.items())},
    )
    return response
