"""What the ledgers' pages share: zone and year from the query, file answers, departments."""

from __future__ import annotations

from django.http import FileResponse
from django.utils.http import content_disposition_header

from fazhi.core.errors import RuleError
from fazhi.core.filetypes import safe_display_name
from fazhi.core.validate import int_in
from fazhi.orgs.models import Org

from .. import access

PER_PAGE = 100


def errors_of(exc: RuleError) -> dict:
    return getattr(exc, "errors", {exc.field: exc.message})


def year_of(request, today) -> int:
    try:
        return int_in(request.GET.get("year") or today.year, "year", "年度", 2000, 2100)
    except RuleError:
        return today.year


def file_answer(name: str, handle) -> FileResponse:
    response = FileResponse(handle, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, safe_display_name(name))
    return response


def departments(zone: Org):
    return {
        d.code: d.name
        for d in Org.objects.filter(kind=Org.Kind.DEPARTMENT, parent=zone).order_by("path")
    }


def context(request, zone, year) -> dict:
    return {"zone": zone, "year": year, "zones": access.zones_of(request.user)}
