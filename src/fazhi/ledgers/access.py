"""Who sees and writes the ledgers. Reads: the zone's office, leaders and reviewers above it
see the zone; a department sees its own rows (its targets, the activities it organised).
Writes: the office of the zone; a department reports its own targets' figures and records
its own activities."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from fazhi.orgs.access import SCOPE_NONE, SCOPE_OWN, in_scope, scope_of, zone_data_q
from fazhi.orgs.models import Org, Role

BUSINESS = (Role.OFFICE, Role.DEPARTMENT, Role.LEADER, Role.REVIEWER)


def require_reader(user) -> None:
    if not any(user.has_role(r) for r in BUSINESS) or scope_of(user) == SCOPE_NONE:
        raise PermissionDenied("无权查看工作台账")


def scoped(user, zone_field: str, own_fields: tuple[str, ...]) -> Q:
    return zone_data_q(user, zone_field, own_fields)


def office_zone(user) -> Org:
    """The zone whose office the user is (writes of the whole register)."""
    zone = user.org.zone() if user.org_id else None
    if not user.has_role(Role.OFFICE) or zone is None or zone.pk != user.org_id:
        raise PermissionDenied("只有园区创建办可以登记")
    return zone


def writer_zone(user) -> Org:
    """The zone a writer belongs to: the office's own zone or a department's zone."""
    if user.has_role(Role.OFFICE):
        return office_zone(user)
    if user.has_role(Role.DEPARTMENT) and user.org_id and user.org.kind == Org.Kind.DEPARTMENT:
        return user.org.zone()
    raise PermissionDenied("只有创建办或部门可以登记")


def is_office_of(user, zone: Org) -> bool:
    return user.has_role(Role.OFFICE) and user.org_id == zone.pk


def zone_for(user, code: str | None) -> Org:
    """The zone a page is about: the one named (in scope), else the user's own, else the only
    one in scope. 404 out of scope."""
    scope = scope_of(user)
    if scope == SCOPE_NONE:
        raise Http404("园区不存在或无权查看")
    zones = Org.objects.filter(kind=Org.Kind.ZONE)
    code = (code or "").replace("\x00", "")
    if code:
        zone = zones.filter(code=code).first()
        if zone is None or (scope != SCOPE_OWN and not in_scope(user, zone)):
            raise Http404("园区不存在或无权查看")
        if scope == SCOPE_OWN and user.org.zone() != zone:
            raise Http404("园区不存在或无权查看")
        return zone
    own = user.org.zone() if user.org_id else None
    if own is not None:
        return own
    first = zones.filter(path__startswith=user.org.path).order_by("path").first()
    if first is None:
        raise Http404("没有可查看的园区")
    return first  # a city or the province: the first of its zones; the page offers the others


def zones_of(user) -> list[Org]:
    if scope_of(user) == SCOPE_OWN or not user.org_id:
        return []
    return list(
        Org.objects.filter(kind=Org.Kind.ZONE, path__startswith=user.org.path).only("code", "name")
    )
