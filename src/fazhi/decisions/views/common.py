"""What the pages of the decision-making registers share."""

from __future__ import annotations

from django.http import FileResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from fazhi.core.errors import RuleError
from fazhi.core.validate import int_in
from fazhi.orgs.models import Org


def today():
    return timezone.localdate()


def page_no(request) -> int:
    try:
        return int_in(request.GET.get("page") or 1, "page", "页码", 1, 100_000)
    except RuleError:  # a bad page number shows the first page
        return 1


def departments_of(zone_or_user_org) -> list[Org]:
    zone = zone_or_user_org.zone() if zone_or_user_org else None
    if zone is None:
        return []
    return list(
        Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone)
        .only("code", "name")
        .order_by("path")
    )


def download(name: str, fh) -> FileResponse:
    response = FileResponse(fh, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def file_bytes(name: str, content: bytes, content_type: str):
    from django.http import HttpResponse

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def figures_zone(request, user):
    """The zone a zone-wide reader asks about (?zone=, default the first in scope) and its
    year (?year=, default this year); PermissionDenied for others."""
    from django.core.exceptions import PermissionDenied

    from .. import access, selectors

    access.require_reader(user)
    if not access.zone_wide(user):
        raise PermissionDenied("目录导出由创建办、领导及上级办理")
    zones = list(selectors.access_zones(user).order_by("path"))
    zone = next(
        (z for z in zones if z.code == request.GET.get("zone")), zones[0] if zones else None
    )
    if zone is None:
        from django.http import Http404

        raise Http404("没有可导出的园区")
    try:
        year = int_in(request.GET.get("year") or today().year, "year", "年度", 2000, 2100)
    except RuleError:
        year = today().year
    return zone, year
