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
