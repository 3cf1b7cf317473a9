"""What the staff pages of the registers share: who may see a register, and file answers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from fazhi.orgs.models import Org, Role
from fazhi.registers import selectors

BUSINESS = (Role.OFFICE, Role.DEPARTMENT, Role.LEADER, Role.REVIEWER)


def require_business(user) -> None:
    has_role = getattr(user, "has_role", None)
    if not (has_role and any(has_role(r) for r in BUSINESS)):
        raise PermissionDenied("系统管理员负责系统运行，不查看台账")
    if selectors.scope_of(user) == selectors.SCOPE_NONE:
        raise PermissionDenied("无权查看台账")


def file_response(name: str, content: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def departments_of(user):
    if not user.org_id:
        return Org.objects.none()
    return (
        Org.objects.filter(kind=Org.Kind.DEPARTMENT, path__startswith=user.org.path)
        .only("id", "code", "name")
        .order_by("path")
    )
